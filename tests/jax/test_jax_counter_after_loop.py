"""A Python int counter carried by a staged loop is an integer array after it: in a float
expression (`i * 0.1`) it gives JAX's default float, as the same loop hand-written with
`lax.while_loop` gives: float32 with x64 off (Python's float64 value rounded, or the product
rounded twice), float64 with `jax_enable_x64` (then Python's value exactly). Checked for a
`while`, a `for` over a range that breaks (its target kept after the loop), a loop nested in
a Python loop, with and without the restart, and under `jax.vmap`."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import autograph as ag
from autograph.operators import loops
from tests.source_helpers import make_function

WHILE = """
def f(x):
    i = 0
    while x < 100.0:
        x = x * 1.5
        i += 1
    return i * 0.1, x + i * 0.1
"""

WHILE_MIDWAY = """
def f(x):
    i = 0
    done = False
    while i < 30 and not done:
        x = x * 1.5
        i += 1
        if x > 100.0:
            done = True
    return i * 0.1, x + i * 0.1
"""

FOR_BREAK = """
def f(x):
    i = -1
    for i in range(30):
        x = x * 1.5
        if x > 100.0:
            break
    return i * 0.1, x + i * 0.1
"""

NESTED = """
def f(x):
    total = 0.0
    for j in range(2):
        i = 0
        while x < 100.0 * (j + 1):
            x = x * 1.5
            i += 1
        total = total + i * 0.1
    return total, x + total
"""


def hand(x):
    x, i = lax.while_loop(lambda c: c[0] < 100.0, lambda c: (c[0] * 1.5, c[1] + 1), (x, 0))
    return i * 0.1, x + i * 0.1


def _staged(source, x, restart=True):
    f = ag.to_graph(make_function(source))
    if restart:
        return jax.jit(f)(x)
    keep = loops._restart_state
    loops._restart_state = lambda backend, marks, prev, state, *rest, **kw: state
    try:
        return jax.jit(f)(x)
    finally:
        loops._restart_state = keep


@pytest.mark.parametrize("source", [WHILE, WHILE_MIDWAY, FOR_BREAK, NESTED],
                         ids=["while", "while staged midway", "for-range break", "nested"])
@pytest.mark.parametrize("restart", [True, False])
def test_x64_off_gives_float32_as_hand_written_lax(source, restart):
    x = jnp.float32(3.0)
    want = make_function(source)(x)                  # plain Python on a concrete array
    got = _staged(source, x, restart)
    assert got[0].dtype == jnp.float32 and got[1].dtype == jnp.float32
    # Python's float64 value, rounded to float32 once or twice: within 2 float32 ulps
    np.testing.assert_allclose(np.asarray(got[0]), want[0], rtol=2.5e-7)
    np.testing.assert_array_equal(np.asarray(got[1]), np.asarray(want[1], np.float32))
    if source is WHILE:
        ref = jax.jit(hand)(x)
        assert float(got[0]) == float(ref[0]) and ref[0].dtype == got[0].dtype
        assert float(got[0]) != want[0]      # (0.90000004, float32, for Python's 0.9)


@pytest.fixture
def x64():
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


@pytest.mark.parametrize("source", [WHILE, WHILE_MIDWAY, FOR_BREAK, NESTED],
                         ids=["while", "while staged midway", "for-range break", "nested"])
@pytest.mark.parametrize("restart", [True, False])
def test_x64_on_gives_pythons_float64(x64, source, restart):
    x = jnp.float32(3.0)
    want = make_function(source)(x)
    got = _staged(source, x, restart)
    assert got[0].dtype == jnp.float64
    assert float(got[0]) == want[0]                  # exactly Python's value
    np.testing.assert_array_equal(np.asarray(got[1]), np.asarray(want[1]))
    assert got[1].dtype == np.asarray(want[1]).dtype


def test_vmap_gives_float32_per_element_as_python_rounded():
    f = make_function(WHILE_MIDWAY)
    xs = jnp.asarray([3.0, 50.0, 200.0, 0.5], jnp.float32)
    got = jax.vmap(ag.to_graph(f))(xs)
    for k, x in enumerate(np.asarray(xs)):
        want = f(jnp.float32(x))
        np.testing.assert_allclose(float(got[0][k]), want[0], rtol=2.5e-7)
        assert float(got[1][k]) == float(np.float32(want[1]))
