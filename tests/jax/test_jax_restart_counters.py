"""A loop with a Python int variable restarts (is staged from the iteration during which its
test became a tracer) only when the int is a counter: compared with and stepped by small int
constants and handed on as state (operators/exact_ints.py). Every other use keeps the
iteration Python ran: there the int32 step could compute something else (`9 * 0.1` rounded
once from float64 is not float32(9) * float32(0.1)). Each attack below is value-sensitive:
restarting it would change the result."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from tests.source_helpers import make_function
from test_jax_restart import starts_from_entry

assert np.float32(9 * 0.1) != np.float32(9) * np.float32(0.1)


def _loop(use, setup="", start=9):
    """A loop whose test becomes a tracer in its first iteration (`done`), with `use` of the
    int `i` in its body."""
    lines = ["def f(x):", "    i = %d" % start, "    done = False"]
    lines += ["    " + s for s in setup.splitlines() if s]
    lines += ["    while i < %d and not done:" % (start + 41)]
    lines += ["        " + s for s in use.splitlines() if s]
    lines += ["        i += 1", "        if x > 0.0:", "            done = True", "    return x"]
    return make_function("\n".join(lines) + "\n", namespace={"tenth": lambda n: n * 0.1})


NOT_COUNTERS = {
    "times a float": ("x = x + i * 0.1", ""),
    "aliased": ("j = i\nx = x + j * 0.1", ""),
    "added into another name": ("k = i + 0\nx = x + k * 0.1", ""),
    "a call argument": ("x = x + tenth(i)", ""),
    "read by a closure": ("x = x + h()", "def h():\n    return i * 0.1"),
    "a ternary's value": ("x = x + (i if not done else 0) * 0.1", ""),
    "compared with a float": ("if i < 9.000000001:\n    x = x + 1.0", ""),
    "negated": ("x = x + (-i) * 0.1", ""),
    "multiplied in a branch": ("if x > -1.0:\n    i = i * 1\nx = x + 0.0", ""),
    "user function named like a branch": ("x = x + if_true() * 0.1",
                                          "def if_true():\n    return i"),
}


@pytest.mark.parametrize("use,setup", NOT_COUNTERS.values(), ids=list(NOT_COUNTERS))
def test_other_uses_keep_the_python_iteration(use, setup):
    f = _loop(use, setup)
    x = jnp.float32(0.0)
    assert not starts_from_entry(f, x)
    assert float(jax.jit(ag.to_graph(f))(x)) == float(f(x))


def test_a_large_int_keeps_the_python_iteration():
    f = _loop("x = x + 0.5", start=2 ** 30)
    assert not starts_from_entry(f, jnp.float32(0.0))


def test_a_nested_loop_keeps_the_python_iteration():
    # (it repeats the step's increments: enough of them would leave int32's range)
    f = _loop("for _ in range(3):\n    i += 1\nx = x + 0.5")
    x = jnp.float32(0.0)
    assert not starts_from_entry(f, x)
    assert float(jax.jit(ag.to_graph(f))(x)) == float(f(x))


COUNTERS = {
    "incremented": ("i += 1", 9),
    "decremented": ("i -= 2\ni += 3", 9),
    "constant on the left": ("i = 1 + i\nif 10 > i:\n    x = x + 1.0", 9),
    "compared": ("if i == 9:\n    x = x + 2.0", 9),
    "stepped in a branch": ("if x > 0.5:\n    i += 3", 0),
}


@pytest.mark.parametrize("use,start", COUNTERS.values(), ids=list(COUNTERS))
@pytest.mark.parametrize("x", [0.0, 1.0, -3.0])
def test_counters_restart_with_python_values(use, start, x):
    f = _loop(use + "\nx = x * 1.5", start=start)
    assert starts_from_entry(f, jnp.float32(x))
    assert float(jax.jit(ag.to_graph(f))(jnp.float32(x))) == float(f(np.float32(x)))


def test_counter_restart_gradient():
    f = _loop("x = x * 1.5")
    g = make_function("""
        def g(x):
            i = 0
            while i < 5:
                x = x * 1.5
                if x > 100.0:
                    return x
                i += 1
            return -x
    """)
    for fn, x0 in ((f, 2.0), (g, 3.0), (g, 60.0)):
        got = float(jax.grad(ag.to_graph(fn))(jnp.float32(x0)))
        eps = 1e-2
        want = (float(fn(np.float64(x0 + eps))) - float(fn(np.float64(x0 - eps)))) / (2 * eps)
        assert got == pytest.approx(want, rel=1e-3)
