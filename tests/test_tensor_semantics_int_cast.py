"""`int(x)` of a float graph tensor gives Python's int or fails when the graph runs: Python
truncates toward zero, raises ValueError for NaN and OverflowError for infinities, and never
wraps; a cast to int32 gave -2147483648 for NaN, inf and 3e9. Now a value the int32 result
cannot hold fails when the graph runs, naming it and the line. Eager tensors take Python's
`int` already."""
import numpy as np
import pytest

import autograph as ag
from autograph.runtime.errors import InvalidArgumentError


def to_int(x):
    return int(x)


def staged(x):
    if x > 0:
        r = int(x) + 1
    else:
        r = int(x * 2.0)
    return r


def in_loop(x):
    s = 0
    i = 0
    while i < 3:
        s = s + int(x)
        x = x * 1000.0
        i += 1
    return s


@pytest.mark.parametrize("fn", [to_int, staged, in_loop])
@pytest.mark.parametrize("x", [-2.75, -0.5, 0.0, 2.5, 1e6, -2147483648.0])
def test_in_range_values_are_pythons(fn, x):
    want = fn(x)
    if not -2 ** 31 <= want < 2 ** 31:
        return       # (the next test)
    got = ag.function(fn)(ag.constant(x))
    assert got.dtype == ag.int32 and int(got) == want


@pytest.mark.parametrize("fn", [to_int, staged, in_loop])
@pytest.mark.parametrize("x", [float("nan"), float("inf"), float("-inf"), 3e9, -3e9])
def test_values_int32_cannot_hold_fail_when_the_graph_runs(fn, x):
    # Python raises (NaN, infinities) or gives an int beyond int32 (3e9): never a wrapped one
    try:
        assert abs(fn(x)) > 2 ** 31 - 1
    except (ValueError, OverflowError):
        pass
    traced = ag.function(fn)
    with pytest.raises(InvalidArgumentError, match=r"test_tensor_semantics.*int\(\) of .*int32"):
        np.asarray(traced(ag.constant(x)))


def test_in_loop_overflow_after_some_iterations():
    traced = ag.function(in_loop)
    assert int(traced(ag.constant(2.0))) == in_loop(2.0)
    with pytest.raises(InvalidArgumentError, match=r"int\(\)"):
        np.asarray(traced(ag.constant(5000.0)))
