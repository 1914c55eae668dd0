"""Every control-flow helper on Python values behaves exactly like the plain Python it replaces."""
import logging

import numpy as np
import pytest

import autograph.operators as ag__
from autograph.operators import loops


# --- if_stmt ---------------------------------------------------------------------------------

@pytest.mark.parametrize("x", [-3, 0, 5, 2.5, np.float32(-1.0)])
def test_if_stmt_one_var_matches_python(x):
    def original(x):
        if x > 0:
            x = x * x
        else:
            x = 0.0
        return x

    def if_true(x):
        return x * x

    def if_false(x):
        return 0.0

    assert ag__.if_stmt(x > 0, if_true, if_false, (x,), ("x",)) == original(x)


@pytest.mark.parametrize("cond", [True, False, 1, 0, [], [0], "", "a", None, np.bool_(True)])
def test_if_stmt_uses_python_truthiness(cond):
    expected = ("yes", 1) if cond else ("no", 2)
    got = ag__.if_stmt(cond, lambda a, b: ("yes", 1), lambda a, b: ("no", 2), ("?", 0),
                       ("a", "b"))
    assert got == expected


def test_if_stmt_orelse_none_keeps_state():
    assert ag__.if_stmt(False, lambda a, b: (3, 4), None, (1, 2), ("a", "b")) == (1, 2)
    assert ag__.if_stmt(False, lambda a: 3, None, (1,), ("a",)) == 1
    assert ag__.if_stmt(False, lambda: None, None, (), ()) is None


def test_if_stmt_no_state_runs_side_effects():
    seen = []
    assert ag__.if_stmt(1, lambda: seen.append("t"), lambda: seen.append("f"), (), ()) is None
    assert ag__.if_stmt(0, lambda: seen.append("t"), lambda: seen.append("f"), (), ()) is None
    assert seen == ["t", "f"]


def test_if_stmt_single_tuple_valued_variable_is_not_unpacked():
    got = ag__.if_stmt(True, lambda t: (t[1], t[0]), None, ((1, 2),), ("t",))
    assert got == (2, 1)


def test_if_stmt_only_calls_the_taken_branch():
    def boom(*_):
        raise AssertionError("not taken")

    assert ag__.if_stmt(True, lambda x: x + 1, boom, (1,), ("x",)) == 2
    assert ag__.if_stmt(False, boom, lambda x: x - 1, (1,), ("x",)) == 0


def test_if_stmt_exception_propagates_unchanged():
    def body(x):
        return x / 0

    with pytest.raises(ZeroDivisionError):
        ag__.if_stmt(True, body, None, (1,), ("x",))


# --- if_exp ------------------------------------------------------------------------------------

@pytest.mark.parametrize("c", [True, False, 0, 3, "", "s", None])
def test_if_exp(c):
    assert ag__.if_exp(c, lambda: "a", lambda: "b") == ("a" if c else "b")


def test_if_exp_is_lazy():
    assert ag__.if_exp(True, lambda: 1, lambda: 1 / 0) == 1
    assert ag__.if_exp(False, lambda: 1 / 0, lambda: 2) == 2


# --- while_stmt --------------------------------------------------------------------------------

def test_while_stmt_one_var():
    def original(n):
        i = 0
        while i < n:
            i += 3
        return i

    for n in (0, 1, 10):
        got = ag__.while_stmt(lambda i, n=n: i < n, lambda i: i + 3, (0,), ("i",))
        assert got == original(n)


def test_while_stmt_several_vars():
    def original():
        a, b, n = 0, 1, 0
        while n < 10:
            a, b = b, a + b
            n += 1
        return a, b, n

    got = ag__.while_stmt(lambda a, b, n: n < 10, lambda a, b, n: (b, a + b, n + 1),
                          (0, 1, 0), ("a", "b", "n"))
    assert got == original()
    assert type(got) is tuple


def test_while_stmt_no_vars():
    items = [1, 2, 3]
    out = []

    def body():
        out.append(items.pop())

    assert ag__.while_stmt(lambda: items, body, (), ()) is None
    assert out == [3, 2, 1]


@pytest.mark.parametrize("test_value", [[], [1], 0, 2, "", "x", None])
def test_while_stmt_truthiness(test_value):
    calls = []

    def body(x):
        calls.append(x)
        return x

    def test(x):
        return test_value if not calls else False

    ag__.while_stmt(test, body, (0,), ("x",))
    assert len(calls) == (1 if test_value else 0)


def test_while_stmt_zero_iterations_returns_initial_state():
    assert ag__.while_stmt(lambda a, b: False, None, (1, "x"), ("a", "b")) == (1, "x")


# --- for_stmt ----------------------------------------------------------------------------------

@pytest.mark.parametrize("items", [[], [1], [1, 2, 3], (4, 5), range(7), "abc", {"k": 1, "j": 2}])
def test_for_stmt_matches_python(items):
    def original(items):
        acc = []
        for x in items:
            acc = acc + [x]
        return acc

    got = ag__.for_stmt(items, None, lambda x, acc: acc + [x], ([],), ("acc",))
    assert got == original(items)


def test_for_stmt_generators_and_iterators():
    got = ag__.for_stmt((i * i for i in range(4)), None, lambda x, s: s + x, (0,), ("s",))
    assert got == 14
    got = ag__.for_stmt(iter([1, 2]), None, lambda x, s: s + x, (0,), ("s",))
    assert got == 3
    got = ag__.for_stmt(enumerate("ab"), None, lambda t, s: s + [t], ([],), ("s",))
    assert got == [(0, "a"), (1, "b")]


def test_for_stmt_several_and_no_vars():
    got = ag__.for_stmt([1, 2, 3], None, lambda x, s, p: (s + x, p * x), (0, 1), ("s", "p"))
    assert got == (6, 6)
    seen = []
    assert ag__.for_stmt([1, 2], None, lambda x: seen.append(x), (), ()) is None
    assert seen == [1, 2]


def test_for_stmt_extra_test_is_break():
    def original(items):
        s = 0
        for x in items:
            if x > 3:
                break
            s += x
        return s

    # The converter's form: a `brk` flag in the state, extra_test = `not brk`.
    def body(x, s, brk):
        if x > 3:
            return s, True
        return s + x, brk

    for items in ([], [1, 2], [1, 2, 5, 1], [9]):
        got, _ = ag__.for_stmt(items, lambda s, brk: not brk, body, (0, False), ("s", "brk"))
        assert got == original(items)


def test_for_stmt_extra_test_runs_before_each_iteration():
    calls = []

    def extra_test(s):
        calls.append(s)
        return s < 2

    got = ag__.for_stmt(range(10), extra_test, lambda x, s: s + 1, (0,), ("s",))
    assert got == 2
    assert calls == [0, 1, 2]


def test_for_stmt_extra_test_with_one_var_and_no_vars():
    assert ag__.for_stmt([5, 6, 7], lambda s: s < 11, lambda x, s: s + x, (0,), ("s",)) == 11
    seen = []
    assert ag__.for_stmt([1, 2], lambda: len(seen) < 1, lambda x: seen.append(x), (), ()) is None
    assert seen == [1]


def test_for_stmt_eager_tensor_like_iteration_is_python():
    arr = np.array([[1, 2], [3, 4]])
    got = ag__.for_stmt(arr, None, lambda row, s: s + row, (0,), ("s",))
    np.testing.assert_array_equal(got, [4, 6])


# --- unrolled-loop warning ----------------------------------------------------------------------

def test_no_unroll_warning_without_a_graph(caplog):
    import warnings

    previous = ag__.set_unroll_warning_threshold(5)
    try:
        with caplog.at_level(logging.WARNING, logger="autograph"), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ag__.for_stmt(range(50), None, lambda i, s: s + i, (0,), ("s",))
            ag__.while_stmt(lambda i: i < 50, lambda i: i + 1, (0,), ("i",))
    finally:
        ag__.set_unroll_warning_threshold(previous)
    assert not caplog.records
    assert not [w for w in caught if issubclass(w.category, ag__.UnrollWarning)]


def test_set_unroll_warning_threshold_returns_previous():
    previous = ag__.set_unroll_warning_threshold(17)
    try:
        assert loops._unroll_limit == 17
    finally:
        assert ag__.set_unroll_warning_threshold(previous) == 17
