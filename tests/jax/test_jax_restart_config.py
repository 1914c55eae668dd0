"""Configuration calls in a loop that becomes staged midway (loops._restart_state): they
change process-wide state (`jax.config.update`, `np.seterr`, ...), so the iteration Python
ran must not be staged again from its start (it would run them twice). Each is checked by
the staged program's shape (it does not start from the entry state), and a toggling one by
its values against plain Python."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from tests.source_helpers import make_function
from test_jax_restart import starts_from_entry
from test_jax_restart_attacks2 import _while


@pytest.fixture(autouse=True)
def _restore_configuration():
    np_err, np_print = np.geterr(), np.get_printoptions()
    rank = jax.config.jax_numpy_rank_promotion
    yield
    np.seterr(**np_err)
    np.set_printoptions(**np_print)
    jax.config.update("jax_numpy_rank_promotion", rank)


def _namespace():
    import jax as jax_module
    import numpy as np_module
    from numpy import seterr
    return {"jax": jax_module, "np": np_module, "seterr": seterr,
            "config": jax_module.config}


CONFIGURATION_CALLS = {
    "jax.config.update": "jax.config.update('jax_numpy_rank_promotion', 'allow')",
    "config.update (from jax import config)": "config.update('jax_numpy_rank_promotion', "
                                              "'allow')",
    "np.seterr": "np.seterr(over='ignore')",
    "seterr (from numpy import seterr)": "seterr(over='ignore')",
    "np.set_printoptions": "np.set_printoptions(precision=4)",
    "np.setbufsize": "np.setbufsize(8192)",
    "jax.clear_caches": "jax.clear_caches()",
    "jax.enable_x64 state": "jax.enable_x64(False)",
    "jax.default_matmul_precision state": "jax.default_matmul_precision('highest')",
}


@pytest.mark.parametrize("call", CONFIGURATION_CALLS.values(), ids=list(CONFIGURATION_CALLS))
def test_a_configuration_call_keeps_the_python_iteration(call):
    f = make_function(_while("x = x * 2.0\n" + call), namespace=_namespace())
    assert not starts_from_entry(f, jnp.float32(1.0))


def test_a_configuration_read_keeps_the_python_iteration():
    f = make_function(_while("x = x + (1.0 if jax.config.jax_enable_x64 else 2.0)"),
                      namespace=_namespace())
    assert not starts_from_entry(f, jnp.float32(1.0))


def test_a_toggling_configuration_call_gives_pythons_values():
    # The body reads a setting and flips it: run twice, the first iteration would read the
    # flipped setting.
    use = ("x = x + (1.0 if np.geterr()['over'] == 'ignore' else 2.0)\n"
           "np.seterr(over='warn' if np.geterr()['over'] == 'ignore' else 'ignore')")
    np.seterr(over="warn")
    want = make_function(_while(use), namespace=_namespace())(np.float32(1.0))
    np.seterr(over="warn")
    got = jax.jit(ag.to_graph(make_function(_while(use), namespace=_namespace())))(
        jnp.float32(1.0))
    assert float(got) == float(want)


def test_pure_jax_and_numpy_calls_still_restart():
    # (not every attribute of jax / numpy is refused: the restart still applies to math)
    f = make_function(_while("x = jnp.maximum(x * 2.0, np.float32(0.5))\n"
                             "x = jax.lax.dynamic_update_slice(x[None], x[None], (0,))[0]"),
                      namespace={"jnp": jnp, "np": np, "jax": jax})
    assert starts_from_entry(f, jnp.float32(1.0))


def test_a_configuration_call_in_a_for_range_loop_keeps_the_python_iteration():
    source = """
def f(v, t):
    for i in range(2, 9):
        %s
        if v[i] > t:
            return i
    return -1
"""
    args = (jnp.arange(10, dtype=jnp.float32), jnp.float32(2.0))
    assert starts_from_entry(make_function(source % "pass"), *args)   # (it restarts without)
    f = make_function(source % "np.seterr(over='ignore')", namespace=_namespace())
    assert not starts_from_entry(f, *args)


def test_a_configuration_call_in_a_helper_keeps_the_python_iteration():
    ns = _namespace()
    helper = make_function("""
def settle(x):
    jax.config.update('jax_numpy_rank_promotion', 'allow')
    return x * 2.0
""", namespace=ns)
    f = make_function(_while("x = settle(x)"), namespace=dict(ns, settle=helper))
    assert not starts_from_entry(f, jnp.float32(1.0))
