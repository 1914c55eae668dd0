"""A value only a tensor loop assigns (checked where it is read: the loop may have run zero
times), returned in a tuple inside a later loop over a Python list whose `if` is
tensor-dependent: the list loop switches to a staged loop carrying `retval_ = (late, 1.5)`,
and its start value's check ran when the loop ran, raising "'late' ... has no value" on the
path that never returns it, where Python returns (fuzz seed 900054). The staged loop now
carries the tuple's "has a value" flag, as it did for a lone value."""
import pytest

import autograph as ag


def returns_a_tuple_early(a, b, xs):
    v = b
    for _x in xs:
        late = a % 10007
    for e in [8, -5, 4, 2]:
        v = e
        if a != -2 - a:
            return (late, 1.5)
    v += late
    return (v, 2.0)


def _call(fn, a, b, xs):
    traced = ag.function(fn, input_signature=[
        ag.TensorSpec([], ag.int32), ag.TensorSpec([], ag.int32), ag.TensorSpec([None], ag.int32)])
    return traced(ag.constant(a), ag.constant(b), ag.constant(xs, dtype=ag.int32))


@pytest.mark.parametrize("a, b, xs", [(4, 3, [-1, 1]), (-1, 12, [-5, 5]), (-1, 1, [3])])
def test_graph_matches_python(a, b, xs):
    want = returns_a_tuple_early(a, b, xs)
    got = _call(returns_a_tuple_early, a, b, xs)
    assert (int(got[0]), float(got[1])) == want


@pytest.mark.parametrize("a", [4, -1])
def test_a_zero_trip_loop_still_fails_when_its_value_is_read(a):
    with pytest.raises(UnboundLocalError):
        returns_a_tuple_early(a, 3, [])
    with pytest.raises(ag.InvalidArgumentError, match="'late'"):
        got = _call(returns_a_tuple_early, a, 3, [])
        int(got[0]), float(got[1])
