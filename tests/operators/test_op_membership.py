"""`in` / `not in`: exactly Python on Python values, staged on graph tensors."""
import numpy as np
import pytest

import autograph as ag
from autograph.operators import in_, not_in


def c(value, dtype=None):
    return ag.constant(value, dtype=dtype)


@pytest.mark.parametrize("x, container", [
    (1, [1, 2]), (3, (1, 2)), ("a", "abc"), ("k", {"k": 1}), (2, {1, 2}), (4, range(0, 10, 2)),
    (5, range(0, 10, 2)), (2.0, [1, 2]), (None, [None]), ([1], [[1], [2]]),
])
def test_python_values_are_python(x, container):
    assert in_(x, container) is (x in container)
    assert not_in(x, container) is (x not in container)


def test_python_errors_are_python():
    with pytest.raises(TypeError, match="not iterable"):
        in_(1, 5)
    with pytest.raises(TypeError, match="not iterable"):
        not_in(1, 5)


def test_eager_tensors_keep_python_semantics():
    t = c([1, 2, 5])
    assert in_(2, t) == (2 in t) and in_(3, t) == (3 in t)
    assert in_(c(2), [1, 2]) == (c(2) in [1, 2])


def _member(x, t):
    a = x in t
    b = x not in t
    return a, b


def _in_list(x):
    if x in [1, 2, 7]:
        y = x * 10
    else:
        y = x
    return y, x not in (3, 4)


def _in_range(x):
    return x in range(0, 10, 3), x in range(10, 0, -2), x not in range(5)


@pytest.mark.parametrize("x", [2, 3, 5, 7])
def test_staged_in_matches_eager(x):
    t = c([1, 2, 5])
    f = ag.function(_member)
    got = [bool(v.numpy()) for v in f(c(x), t)]
    assert got == [x in [1, 2, 5], x not in [1, 2, 5]]
    y, d = ag.function(_in_list)(c(x))
    assert int(y.numpy()) == _in_list(x)[0] and bool(d.numpy()) == _in_list(x)[1]
    got = [bool(v.numpy()) for v in ag.function(_in_range)(c(x))]
    assert got == list(_in_range(x))


def test_staged_in_is_one_graph_for_every_value():
    f = ag.function(_member)
    for x in (1, 2, 3):
        f(c(x), c([1, 2, 5]))
    assert f.trace_count == 1


def test_python_numbers_against_tensors_of_another_kind():
    f = ag.function(lambda t: (2 in t, 2.5 in t))
    assert [bool(v.numpy()) for v in f(c([1.0, 2.0]))] == [True, False]
    assert [bool(v.numpy()) for v in f(c([1, 2]))] == [True, False]   # 2.5 never becomes 2


def test_generated_code_is_readable():
    code = ag.to_code(_member)
    assert "a = ag__.in_(x, t)" in code and "b = ag__.not_in(x, t)" in code
    code = ag.to_code(lambda d: ("k" in d, "k" in {"k": 1}, "a" in "abc"))
    assert "ag__.in_(" in code and "'k' in {'k': 1}" in code and "'a' in 'abc'" in code


def test_chained_comparison_with_in():
    def f(x, t):
        return 0 < x in t

    g = ag.function(f)
    assert bool(g(c(2), c([1, 2])).numpy()) is True
    assert bool(g(c(-1), c([-1, 2])).numpy()) is False


def test_unsupported_shapes_name_the_remedy():
    with pytest.raises(TypeError, match="1-D tensor .* rank 2"):
        ag.function(_member)(c(1), c(np.ones((2, 2), np.int32)))
    with pytest.raises(TypeError, match="scalar"):
        ag.function(lambda x: x in [1, 2])(c([1, 2]))


def test_items_that_are_the_tensor_or_not_numbers():
    f = ag.function(lambda x: (x in [x], x in ["a", None], x in [None, 2]))
    a, b, d = f(c(2))
    assert a is True or bool(a.numpy()) is True
    assert b is False or bool(b.numpy()) is False
    assert bool(d.numpy()) is True


def test_builtin_values_take_the_fast_exit_without_asking_the_backends(monkeypatch):
    # Plain Python on both sides needs no backend lookup (the hot path of converted code);
    # a user's __contains__ still runs, and a tensor on either side still dispatches.
    from autograph.operators import membership

    def no_lookup(value):
        raise AssertionError("backend lookup for %r" % (value,))
    monkeypatch.setattr(membership, "_backend", no_lookup)
    for x, container in ((1, [1, 2]), ("a", "abc"), ("k", {"k": 1}), (2, {1, 2}),
                         (4, range(0, 10, 2)), (None, (None,)), (1.5, frozenset([1.5]))):
        assert in_(x, container) is (x in container)
        assert not_in(x, container) is (x not in container)
    monkeypatch.undo()
    calls = []

    class Box:
        def __contains__(self, x):
            calls.append(x)
            return x == 3
    assert in_(3, Box()) is True and not_in(3, Box()) is False and calls == [3, 3]
    assert bool(in_(c(2), [1, 2])) and bool(in_(2, c([1, 2])))


def _in_mixed(x):
    return x in [2.5, 2], x in [True, 5], x not in (0.5, x + 1)


@pytest.mark.parametrize("x", [1, 2, 5])
def test_staged_in_compares_each_item_as_python_does(x):
    # Python's `in` asks each item `item == x`: Python numbers of another kind than `x`
    # (2.5, True next to an int tensor) compare by value, never by a common stacked dtype.
    eager = [bool(v) for v in _in_mixed(c(x))]
    assert eager == [x == 2, x in (1, 5), True]
    assert [bool(v.numpy()) for v in ag.function(_in_mixed)(c(x))] == eager
