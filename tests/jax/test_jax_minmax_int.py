"""`min` / `max` and `int()` on JAX tracers give what Python gives on the same numbers, or
fail: Python's `min(x, y)` is `y if y < x else x` (a NaN second operand loses, of 0.0 and
-0.0 the first is kept), `min(v)` of a vector walks it in order, and `int(x)` truncates
toward zero, raising ValueError for NaN and OverflowError for infinities; the int32 result
cannot hold 3e9 either. jnp.minimum/maximum propagate NaN, and a cast gives some int for
NaN or inf: staging must not change the value."""
import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

import autograph as ag  # noqa: E402

NAN, INF = float("nan"), float("inf")


def two_min(x, y):
    return min(x, y)


def two_max(x, y):
    return max(x, y)


def three_min(x, y):
    return min(x, y, 1.5)


def staged_min(x, y):
    if x > 0:
        r = min(x, y)
    else:
        r = max(x, y)
    return r


def loop_min(x, y):
    m = x
    i = 0
    while m == m and i < 3:
        m = min(m, y)
        i += 1
    return m


PAIRS = [(1.0, NAN), (NAN, 1.0), (0.0, -0.0), (-0.0, 0.0), (2.5, 2.5), (-INF, NAN),
         (3.0, -2.0), (-1.0, 4.0), (INF, -INF)]


def _same(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@pytest.mark.parametrize("fn", [two_min, two_max, three_min, staged_min, loop_min])
@pytest.mark.parametrize("x, y", PAIRS)
def test_min_max_of_traced_floats_are_pythons(fn, x, y):
    want = fn(np.float32(x), np.float32(y))
    got = jax.jit(ag.to_graph(fn))(jnp.float32(x), jnp.float32(y))
    assert _same(got, want), (fn.__name__, x, y, got, want)


def vec_min(v):
    return min(v)


def vec_max(v):
    return max(v)


VECTORS = [[1.0, NAN, 0.0], [NAN, 1.0, 0.0], [0.0, -0.0, 1.0], [-0.0, 0.0, 1.0],
           [2.0, 3.0, NAN], [NAN, NAN], [5.0], [3.0, -INF, 2.0]]


@pytest.mark.parametrize("fn", [vec_min, vec_max])
@pytest.mark.parametrize("v", VECTORS)
def test_min_max_of_a_traced_vector_walk_it_as_python(fn, v):
    want = fn(list(np.float32(v)))
    got = jax.jit(ag.to_graph(fn))(jnp.asarray(v, jnp.float32))
    assert _same(got, want), (fn.__name__, v, got, want)


def test_min_max_keep_int_dtype():
    got = jax.jit(ag.to_graph(two_min))(jnp.int32(3), jnp.int32(-4))
    assert got.dtype == jnp.int32 and int(got) == -4
    got = jax.jit(ag.to_graph(vec_max))(jnp.asarray([3, 9, -1], jnp.int32))
    assert got.dtype == jnp.int32 and int(got) == 9


def test_min_of_traced_floats_keeps_gradients():
    g = jax.grad(ag.to_graph(two_min), argnums=(0, 1))(2.0, 3.0)
    assert (float(g[0]), float(g[1])) == (1.0, 0.0)


def to_int(x):
    return int(x)


def int_in_branch(x):
    if x > 0:
        r = int(x) + 1
    else:
        r = int(x * 2.0)
    return r


@pytest.mark.parametrize("fn", [to_int, int_in_branch])
@pytest.mark.parametrize("x", [-2.75, -0.5, 0.0, 2.5, 1e6, -2147483648.0])
def test_int_of_an_in_range_traced_float_is_pythons(fn, x):
    want = fn(x)
    staged = jax.jit(ag.to_graph(fn))
    if not -2 ** 31 <= want < 2 ** 31:      # int(-2147483648.0 * 2.0): Python's, not int32's
        with pytest.raises(Exception, match="-4294967296, which the int32 result"):
            jax.block_until_ready(staged(jnp.float32(x)))
        return
    got = staged(jnp.float32(x))
    assert int(got) == want and got.dtype == jnp.int32


def test_int_under_vmap_checks_every_element():
    f = jax.jit(jax.vmap(ag.to_graph(to_int)))
    assert [int(v) for v in f(jnp.asarray([1.5, -2.5], jnp.float32))] == [1, -2]
    with pytest.raises(Exception, match="ValueError"):
        jax.block_until_ready(f(jnp.asarray([1.5, NAN], jnp.float32)))


@pytest.mark.parametrize("fn", [to_int, int_in_branch])
@pytest.mark.parametrize("x, exc", [(NAN, ValueError), (INF, OverflowError),
                                    (-INF, OverflowError), (3e9, None), (-3e9, None)])
def test_int_of_a_traced_float_int32_cannot_hold_fails_when_it_runs(fn, x, exc):
    if exc is not None:
        with pytest.raises(exc):
            fn(x)
    with pytest.raises(Exception) as info:
        jax.block_until_ready(jax.jit(ag.to_graph(fn))(jnp.float32(x)))
    text = str(info.value)
    assert "int(" in text and "int32" in text, text
    line = int_in_branch.__code__.co_firstlineno + (2 if x > 0 else 4)   # the int(...) line
    if fn is to_int:
        line = to_int.__code__.co_firstlineno + 1
    assert "test_jax_minmax_int.py:%d" % line in text, text
