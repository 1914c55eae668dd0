"""What staging a traced `if` / `and` costs while a function is traced (the first call's
trace time): branches that only move values, or compute with integers only, run where the
`if` is built (a select, no jaxpr per branch); a branch that only returns a variable or a
constant is never traced into a jaxpr. Each case also checks that values and gradients are
those of plain Python and of a `lax.cond`."""

import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
import autograph.operators.if_stmt  # noqa: F401 - (the package exports the function)
from tests.source_helpers import make_function


@pytest.fixture
def jaxprs(monkeypatch):
    """Counts the jaxprs the backend's staged `if` / `and` / `or` trace (jax.make_jaxpr)."""
    calls = []
    real = jax.make_jaxpr

    def counting(fn, *args, **kwargs):
        calls.append(fn)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(jax, "make_jaxpr", counting)
    return calls


WHILE_RETURN = """
def f(x):
    i = 0
    while i < 10:
        x = x * 1.5
        if x > 100:
            return x
        i += 1
    return -x
"""


def test_if_moving_a_float_and_counting_an_int_runs_where_built(jaxprs):
    # `if x > 100: return x` (moves x) / else `i += 1` (an int): a select, not two jaxprs.
    f = make_function(WHILE_RETURN)
    g = ag.to_graph(f)
    for x in (3.0, 0.5, 200.0, -1.0):
        assert float(jax.jit(g)(jnp.float32(x))) == pytest.approx(f(np.float32(x)))
    jaxprs.clear()
    jax.jit(ag.to_graph(make_function(WHILE_RETURN))).lower(jnp.float32(3.0))
    # The `if` (in the iteration Python ran, then in the staged body) traces no jaxpr; the
    # loop test `not do_return and i < 10`, staged twice, one each (`i < 10`); the final
    # `retval_ if do_return else -x` two (its branches are not variables only).
    assert len(jaxprs) == 4, len(jaxprs)


def test_if_counting_an_int_with_a_float_in_its_closure_is_a_cond(jaxprs):
    # The branch that applies an operator reads a float (`x`) from its closure: it could
    # compute a float output, so it stays a traced branch (a cond's values and gradients).
    f = make_function("""
def f(x):
    k = 0
    y = x
    for v in range(3):
        if x > v:
            k = k + 1
            y = 1.0 / x
    return y + k
""")
    g = ag.to_graph(f)
    for x in (0.5, 2.5, 0.0):
        assert float(jax.jit(g)(jnp.float32(x))) == pytest.approx(f(np.float32(x)))
    for x in (0.5, 2.5):
        grad = float(jax.grad(g)(jnp.float32(x)))
        h = 1e-3
        fd = (f(x + h) - f(x - h)) / (2 * h)
        assert grad == pytest.approx(fd, rel=1e-2)
    # x = 0: the taken branches never divide; a select of 1/x would give a NaN gradient
    assert np.isfinite(float(jax.grad(g)(jnp.float32(0.0))))


def test_moves_only_float_branch_gradient_is_the_conds():
    # `if x > 100: r = x` / else `i += 1`: the select forwards x; its gradient is a cond's.
    f = make_function(WHILE_RETURN.replace("while i < 10:", "while i < 10:\n"
                                           "        ag.set_loop_options(maximum_iterations=10)"),
                      namespace={"ag": ag})
    g = jax.jit(jax.grad(ag.to_graph(f)))
    for x in (3.0, 90.0, 0.5):
        h = 1e-2
        fd = (f(x + h) - f(x - h)) / (2 * h)
        assert float(g(jnp.float32(x))) == pytest.approx(fd, rel=1e-3)


@pytest.mark.parametrize("op", ["and", "or"])
def test_and_or_traced_first_operand_traces_only_the_later_operand(jaxprs, op):
    source = """
def f(x, n):
    i = 0
    while (x > 0) %s i < n:
        x = x - 1.0
        i += 1
    return x, i
""" % op
    f = make_function(source)
    g = ag.to_graph(f)
    for x, n in ((3.0, 5), (7.0, 2), (-1.0, 3)):
        want = f(x, n)
        got = jax.jit(g)(jnp.float32(x), jnp.int32(n))
        assert (float(got[0]), int(got[1])) == (want[0], want[1])
    jaxprs.clear()
    jax.jit(ag.to_graph(make_function(source))).lower(jnp.float32(3.0), jnp.int32(4))
    # one jaxpr for `i < n` in each `and` / `or` the loop test stages (before the loop and
    # in it): the operand that is a variable (`lambda: t`) is not traced
    assert len(jaxprs) == 2, len(jaxprs)


def test_loads_only_recognises_variables_and_constants():
    loads_only = sys.modules["autograph.operators.if_stmt"].loads_only
    t = jnp.float32(1.0)
    assert loads_only(lambda: t)
    assert loads_only(lambda: -1)
    assert not loads_only(lambda: -t)
    assert not loads_only(lambda: print(t))
    assert not loads_only(lambda v: v)
