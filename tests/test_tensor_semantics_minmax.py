"""`min` / `max` of several values on graph tensors give what Python gives on the same numbers:
Python's `min(x, y)` is `y if y < x else x`, so a NaN second operand loses, a NaN first one
wins, and of two equal values (0.0 and -0.0) the first is kept; numpy's minimum/maximum
propagate any NaN and pick -0.0 / 0.0. Eager tensors take Python's path already."""
import math

import numpy as np
import pytest

import autograph as ag

NAN, INF = float("nan"), float("inf")


def two_min(x, y):
    return min(x, y)


def two_max(x, y):
    return max(x, y)


def three_min(x, y):
    return min(x, y, 1.5)


def three_max(x, y):
    return max(y, x, -1.5)


def staged_min(x, y):
    if x > 0:
        r = min(x, y)
    else:
        r = max(x, y)
    return r


def loop_min(x, y):
    m = x
    i = 0
    while i < 3:
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


@pytest.mark.parametrize("fn", [two_min, two_max, three_min, three_max, staged_min, loop_min])
@pytest.mark.parametrize("x, y", PAIRS)
def test_graph_and_eager_match_python(fn, x, y):
    want = fn(x, y)
    args = (ag.constant(x, dtype=ag.float32), ag.constant(y, dtype=ag.float32))
    got = np.asarray(ag.function(fn)(*args))
    assert _same(got, want), (got, want)
    assert _same(np.asarray(ag.to_graph(fn)(*args)), want)


@pytest.mark.parametrize("fn", [two_min, two_max, three_max])
@pytest.mark.parametrize("x, y", [(3, 5), (5, 3), (-2, -2), (0, -7)])
def test_ints_keep_their_dtype(fn, x, y):
    got = ag.function(fn)(ag.constant(x), ag.constant(y))
    assert got.dtype == ag.int32 or fn is three_max
    assert float(got) == fn(x, y)


# min(t) / max(t) of one 1-D float tensor: Python iterates (`cur = v if v < cur`), so a NaN
# after the first element is skipped, a NaN first element stays, and of equal values (0.0,
# -0.0) the first is kept; numpy's min/max propagate NaN and pick a signed zero.

def one_min(x):
    return min(x)


def one_max(x):
    return max(x)


def staged_one(x):
    if x[0] > -100.0:
        r = min(x)
    else:
        r = max(x)
    return r


VECTORS = [[1.0, NAN, 0.0], [NAN, 1.0], [0.0, -0.0], [-0.0, 0.0, -1.0, -1.0], [3.0],
           [2.0, INF], [INF, NAN, INF], [-INF, NAN], [1.0, 2.0, -5.0, 4.0]]


@pytest.mark.parametrize("fn", [one_min, one_max, staged_one])
@pytest.mark.parametrize("xs", VECTORS)
def test_one_vector_matches_python(fn, xs):
    want = fn(xs)
    t = ag.constant(xs, dtype=ag.float32)
    assert _same(np.asarray(ag.function(fn)(t)), want)
    assert _same(np.asarray(ag.to_graph(fn)(t)), want)


@pytest.mark.parametrize("fn", [one_min, one_max])
def test_one_int_vector(fn):
    xs = [3, -7, 12, 0]
    got = ag.function(fn)(ag.constant(xs))
    assert got.dtype == ag.int32 and int(got) == fn(xs)
