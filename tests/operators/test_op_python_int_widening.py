"""A Python int loop variable that the body turns into a Python float through an expression
that reads it more than once (`w = w + 0.5 * w`): staged, it is carried as float32, as
`w = w * 2.0` is, instead of failing with an int32/float32 op error while tracing."""
import numpy as np
import pytest

import autograph as ag


def for_range(n):
    w = 1
    for _i in range(n):
        w = w + 0.5 * w
    return w


def while_tensor_test(n):
    w = 1
    while n > 0:
        w = w + 0.5 * w
        n = n - 1
    return w


def two_variables(n):
    w = 1
    v = 2
    i = 0
    while i < n:
        w = w + 0.5 * v
        v = v * 1.5 + w
        i = i + 1
    return w, v


def int_stays_int(n):
    w = 1
    for _i in range(n):
        w = w + 2 * w
    return w


def branch_widens(n):
    y = 1
    if n > 0:
        y = y + 0.5 * y
    return y


def _as_floats(value):
    if isinstance(value, tuple):
        return tuple(float(np.asarray(v)) for v in value)
    return float(np.asarray(value))


@pytest.mark.parametrize("fn", [for_range, while_tensor_test, two_variables, branch_widens])
@pytest.mark.parametrize("n", [0, 1, 3])
def test_graph_matches_python(fn, n):
    expected = fn(n)
    got = ag.function(fn)(ag.constant(n))
    assert _as_floats(got) == pytest.approx(_as_floats(expected))
    leaves = got if isinstance(got, tuple) else (got,)
    assert all(t.dtype == ag.float32 for t in leaves)


def test_int_arithmetic_stays_int32():
    got = ag.function(int_stays_int)(ag.constant(3))
    assert got.dtype == ag.int32
    assert int(got) == int_stays_int(3) == 27
