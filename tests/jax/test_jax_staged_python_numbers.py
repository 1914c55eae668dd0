"""A Python number loop variable (an int counter, a bool, a float) or the item of a Python
range becomes a tensor when its loop is staged midway (its condition turned into a tracer).
Where the staged body then needs a concrete Python value (a range or slice bound, a dict key),
plain Python works and staging cannot express it: the error names the variable, the user's
line that needs the value, the loop, and what to do. Uses that staging can express give
Python's values."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from autograph.operators.staging import StagingError
from tests.source_helpers import make_function
from test_jax_restart_attacks2 import _while


def _namespace():
    return {"jnp": jnp, "v": jnp.arange(40, dtype=jnp.float32), "np": np}


def _line_of(f, text):
    """file:line of the first line of `f`'s file containing `text`."""
    import linecache
    filename = f.__code__.co_filename
    for k, line in enumerate(linecache.getlines(filename), 1):
        if text in line:
            return "%s:%d" % (filename, k)
    raise AssertionError(text)


def _staging_error(f, *args):
    with pytest.raises(StagingError) as info:
        jax.jit(ag.to_graph(f))(*args)
    return str(info.value)


def _assert_names(message, name, kind, f, use, loop):
    assert re.search(r"`%s` was a Python %s" % (name, kind), message), message
    assert _line_of(f, use) in message, message           # the line that needs the value
    assert _line_of(f, loop) in message, message          # the loop that is staged
    assert "jnp.arange" in message and "Python value" in message, message   # the remedies


NEEDS_A_PYTHON_INT = {
    "range bound": "x = x + sum(range(i))",
    "slice bound": "x = x + jnp.sum(v[:i])",
    "dict key": "x = x + {9: 1.0, 10: 2.0}.get(i, 3.0)",
    "shape": "x = x + jnp.sum(jnp.zeros(i))",
}


@pytest.mark.parametrize("use", NEEDS_A_PYTHON_INT.values(), ids=list(NEEDS_A_PYTHON_INT))
def test_while_counter_needed_as_a_python_int_names_it(use):
    source = _while(use, start=2)
    f = make_function(source, namespace=_namespace())
    assert float(f(np.float32(1.0))) == float(make_function(source, namespace=_namespace())(
        np.float32(1.0)))   # (plain Python works)
    message = _staging_error(f, jnp.float32(1.0))
    _assert_names(message, "i", "int", f, use, "while i <")


def test_for_range_item_needed_as_a_python_int_names_it():
    f = make_function("""
def f(x, t):
    for i in range(2, 12):
        if x > t:
            break
        x = x + sum(range(i))
    return x
""", namespace=_namespace())
    assert f(1.0, 0.5) == 1.0
    message = _staging_error(f, jnp.float32(1.0), jnp.float32(0.5))
    assert re.search(r"`i` was an item of a Python range", message), message
    assert _line_of(f, "sum(range(i))") in message and _line_of(f, "for i in") in message
    assert "jnp.arange" in message, message


def test_a_float_needed_as_a_python_number_names_it():
    f = make_function(_while("s = s + 1.0\nx = x + sum(range(int(s)))", setup="s = 3.0"),
                      namespace=_namespace())
    message = _staging_error(f, jnp.float32(1.0))
    assert "`s` was a Python float" in message, message


def test_a_nested_staged_loop_names_its_own_counter():
    f = make_function("""
def f(x):
    for j in range(2):
        k = 1
        done = False
        while k < 5 and not done:
            x = x + jnp.sum(v[:k])
            k += 1
            if x > 0.0:
                done = True
    return x
""", namespace=_namespace())
    message = _staging_error(f, jnp.float32(1.0))
    _assert_names(message, "k", "int", f, "v[:k]", "while k <")
    assert "`j`" not in message


def test_under_vmap_the_error_names_the_counter():
    f = make_function(_while("x = x + jnp.sum(v[:i])", start=2), namespace=_namespace())
    with pytest.raises(StagingError, match="`i` was a Python int"):
        jax.vmap(ag.to_graph(f))(jnp.ones(3, jnp.float32))


def test_an_error_on_a_line_not_reading_the_number_is_unchanged():
    f = make_function(_while("x = x + jnp.sum(v[:n])", setup="n = jnp.int32(3)", start=2),
                      namespace=_namespace())
    with pytest.raises(Exception) as info:
        jax.jit(ag.to_graph(f))(jnp.float32(1.0))
    assert "was a Python" not in str(info.value), str(info.value)


EXPRESSIBLE = {
    "negated flag": ("x = x - (-flag)", "flag = True"),
    "counter as an index": ("x = x + v[i]", ""),
}


@pytest.mark.parametrize("use,setup", EXPRESSIBLE.values(), ids=list(EXPRESSIBLE))
@pytest.mark.parametrize("x", [1.0, -1.0])
def test_uses_staging_expresses_give_pythons_values(use, setup, x):
    source = _while(use, setup=setup, start=9)
    want = make_function(source, namespace=_namespace())(np.float32(x))
    got = jax.jit(ag.to_graph(make_function(source, namespace=_namespace())))(jnp.float32(x))
    assert float(got) == pytest.approx(float(want))


def test_a_write_through_globals_names_the_write_line_and_remedy():
    f = make_function(_while("globals()['k'] = i\nx = x + 1.0"), namespace=_namespace())
    with pytest.raises(Exception) as info:
        jax.jit(ag.to_graph(f))(jnp.float32(1.0))
    message = str(info.value)
    assert "globals()['k']" in message and _line_of(f, "globals()") .split(":")[-1] in message
    assert "write them after the statement" in message, message


def test_a_counter_needed_as_a_python_int_in_the_loop_test_names_it():
    f = make_function("""
def f(x):
    i = 2
    done = False
    while i < 30 and not done and jnp.sum(v[:i]) < 1000.0:
        i += 1
        if x > 0.0:
            done = True
    return x
""", namespace=_namespace())
    message = _staging_error(f, jnp.float32(1.0))
    assert "`i` was a Python int" in message and "loop's condition" in message, message
    assert _line_of(f, "while i <") in message, message


def test_a_counter_needed_as_a_python_int_in_a_traced_if_of_the_body_names_it():
    f = make_function(_while("if x > 5.0:\n    x = x + jnp.sum(v[:i])", start=2),
                      namespace=_namespace())
    message = _staging_error(f, jnp.float32(1.0))
    _assert_names(message, "i", "int", f, "v[:i]", "while i <")


def test_our_runtime_names_the_counter_too():
    # (the same staged loop builder: ag.function's graph while_loop)
    f = make_function("""
def f(x):
    i = 1
    while x > 0.0:
        x = x - float(len(list(range(i))))
        i += 1
    return x
""")
    with pytest.raises(StagingError) as info:
        ag.function(f)(ag.constant(3.0))
    message = str(info.value)
    assert "`i` was a Python int" in message and _line_of(f, "range(i)") in message, message
    assert "ag.range(n) < i" in message, message


def test_for_list_item_needed_as_a_python_int_names_it():
    f = make_function("""
def f(x, t):
    for k in [2, 3, 5, 7]:
        if x > t:
            break
        x = x + jnp.sum(v[:k])
    return x
""", namespace=_namespace())
    assert f(1.0, 0.5) == 1.0
    message = _staging_error(f, jnp.float32(1.0), jnp.float32(0.5))
    assert "`k` was an item of a Python list" in message, message
    assert _line_of(f, "v[:k]") in message and _line_of(f, "for k in") in message, message
