"""A Python bool carried by a staged JAX loop and used as a number (issue #15).

To Python a bool is a number: `True + True == 2`, `True * True == 1` (an int), `~True == -2`.
A JAX bool array computes `+` as `or`, `*` as `and`, `~` as `not`, so a bool carry stayed
`True` staged where Python counts 2, 3, ... A Python bool the body uses as a number is now
carried as a (weak) int, as Python's value becomes one; a bool the body only uses as a flag
(`|`, `&`, `not`, comparisons, `jnp.logical_or`) stays a bool.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag


def _sig(v):
    if isinstance(v, (bool, int, float, complex)):
        v = jnp.asarray(v)
    return (str(v.dtype), bool(getattr(v, "weak_type", False)), np.asarray(v).tolist())


def while_plus(n):
    flag = True
    i = 0
    while i < n:
        flag = flag + True
        i += 1
    return flag


def for_times(n):
    flag = True
    for _ in range(n):
        flag = flag * True
    return flag


def count_bools(n):
    t = False
    for i in range(4):
        t = t + (n > i)
    return t


def in_branch(n):
    flag = True
    i = 0
    while i < n:
        if i > 0:
            flag += True
        i += 1
    return flag


def ternary_in_loop(n):
    # a staged ternary of two Python bools is a Python bool in Python
    flag = True
    i = 0
    while i < n:
        flag = flag + (True if n > 2 else False)
        i += 1
    return flag


def inverted(n):
    flag = True
    for _ in range(n):
        flag = ~flag
    return flag


def scan_plus(n):
    flag = False
    for x in jnp.arange(4):
        flag = flag + (x > 1)
    return flag


def flag_or(n):
    done = False
    i = 0
    while i < n:
        done = done | (i > 1)
        i += 1
    return done


def flag_logical(n):
    done = False
    for i in range(n):
        done = jnp.logical_or(done, i > 1)
        done = not done if i > 5 else done
    return done


def outer_array(n):
    # `x > 1` is an array in Python too: `flag + array` is JAX's `or` in Python as well
    x = jnp.float32(n)
    flag = False
    i = 0
    while i < n:
        flag = flag + (x > 1)
        i += 1
    return flag


def flag_and_counter(n):
    seen = True
    k = 0
    for i in range(n):
        k += 1
        seen = seen & (i < 2)
    return seen, k


NUMBERS = [while_plus, for_times, count_bools, in_branch, inverted, ternary_in_loop]
# (scan_plus: `flag + (x > 1)` with x an array item is JAX's bool `or` in Python too)
FLAGS = [flag_or, flag_logical, flag_and_counter, scan_plus, outer_array]


@pytest.mark.parametrize("f", NUMBERS + FLAGS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [0, 1, 4])
def test_bool_carry_gives_pythons_value(f, n):
    want = f(jnp.int32(n))
    assert f not in NUMBERS or n != 4 or type(want) is not bool   # (Python counted)
    got = jax.jit(ag.to_graph(f))(jnp.int32(n))
    want, got = jax.tree_util.tree_leaves(want), jax.tree_util.tree_leaves(got)
    for w, g in zip(want, got):
        if f in NUMBERS and type(w) is bool:
            # the path never adds (the loop runs zero times, the branch never runs): Python
            # keeps its bool, staged gives it as the int the loop carries (the same number,
            # the carry's one dtype)
            assert np.asarray(g).tolist() == int(w) and g.dtype == jnp.int32
        else:
            assert _sig(g) == _sig(w), (f.__name__, n, g, w)


@pytest.mark.parametrize("f", FLAGS, ids=lambda f: f.__name__)
def test_flags_stay_bool(f):
    got = jax.tree_util.tree_leaves(jax.jit(ag.to_graph(f))(jnp.int32(3)))
    assert got[0].dtype == jnp.bool_
