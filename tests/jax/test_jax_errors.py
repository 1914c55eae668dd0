"""Errors from converted code under JAX name the variable and the user's line; never a
TracerBoolConversionError."""

import jax
import jax.numpy as jnp
import pytest

import autograph as ag
from autograph.operators.variables import UndefinedValueError
from tests.source_helpers import make_function

CASES = [
    ("""
        def f(x):
            if x > 0:
                y = x
            return y
     """, 1.0, UndefinedValueError, r"'y' is assigned in the if-branch \(line 4\) but not in "
     r"the else-branch .*:3, and it is used afterwards \(line 5\)"),
    ("""
        def f(x):
            s = jnp.int32(0)
            while x > 0:
                s = s + 0.5
                x = x - 1
            return s
     """, 3, TypeError, r"'s' is int32 before an iteration of a tensor-dependent loop at "
     r".*:4 but float(32|64) after it"),
    ("""
        def f(x):
            v = jnp.zeros(2)
            while x > 0:
                v = jnp.concatenate([v, v])
                x = x - 1
            return v
     """, 3, TypeError, r"'v' has shape \(2,\) before .* loop at .*:4 but \(4,\) after"),
    ("""
        def f(x):
            if x > 0:
                y = (x, x)
            else:
                y = x
            return y
     """, 1.0, TypeError, r"'y' has different structures in the two branches .*:3"),
    ("""
        def f(x):
            if x > 0:
                y = jnp.int32(1)
            else:
                y = x
            return y
     """, 1.0, TypeError, r"'y' is int32 in the if-branch of a tensor-dependent `if` at "
     r".*:3 but float(32|64) in the else-branch"),
    ("""
        def f(x):
            if x > 0:
                y = jnp.zeros(2)
            else:
                y = jnp.zeros(3)
            return y
     """, 1.0, TypeError, r"'y' has shape \(2,\) in the if-branch .*:3 but \(3,\)"),
    ("""
        def f(x):
            y = x
            while x > 0:
                y = (y, y)
                x = x - 1
            return y
     """, 2.0, TypeError, r"'y' changes structure"),
    ("""
        def f(x):
            if x > 0:
                x = -x
            return x
     """, jnp.ones(3), ValueError, r"condition of a tensor-dependent `if` at .*:3 is an array "
     r"of shape \(3,\).*jnp.any"),
]


@pytest.mark.parametrize("source, arg, error, message", CASES)
def test_error_names_variable_and_line(source, arg, error, message):
    f = make_function(source, namespace={"jnp": jnp})
    with pytest.raises(error, match=message) as info:
        jax.jit(ag.to_graph(f))(arg)
    assert not isinstance(info.value, jax.errors.TracerBoolConversionError)


def test_variable_created_by_a_loop():
    last = make_function("""
        def f(x):
            for v in x:
                y = v * 2
            return y
    """)
    assert float(jax.jit(ag.to_graph(last))(jnp.arange(3.0))) == 4.0
    created = make_function("""
        def f(n):
            while n > 0:
                z = n * 3
                n = n - 1
            return z
    """)
    g = jax.jit(ag.to_graph(created))
    assert int(g(jnp.int32(3))) == 3
    # Zero iterations: Python raises UnboundLocalError; the staged loop checks at run time.
    with pytest.raises(Exception, match="'z' is assigned only inside"):
        g(jnp.int32(0)).block_until_ready()
        jax.effects_barrier()
