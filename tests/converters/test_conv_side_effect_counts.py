"""Converted code calls `__bool__` and `__iter__` as often, and in the same order, as Python.

Found by the Python-semantics fuzzer (tests/fuzz/pygen.py): in a test (`if`, `while`,
ternary, `assert`, comprehension filter) the deciding operand of `and`/`or` had its
`__bool__` called twice (once by the and/or, once by the statement); a `for` loop with a
`break` called its iterator's `__iter__` twice. A value-context `not (a and b)` calls it twice
in CPython too, and must keep doing so.
"""
# ruff: noqa: B007
import pytest

import autograph as ag
from conv_helpers import make_function

LOG = []


class T:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        LOG.append(('bool', self.v))
        return bool(self.v)


class It:
    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        LOG.append(('iter',))
        return self

    def __next__(self):
        LOG.append(('next',))
        if not self.items:
            raise StopIteration
        return self.items.pop(0)


def run(f, *args):
    del LOG[:]
    try:
        v = ('value', f(*args))
    except Exception as e:     # noqa: BLE001 - the exception type is the outcome
        v = ('raise', type(e))
    return v, list(LOG)


def ternary_or(a):
    return 1 if (T(1) or a) else 2


def ternary_and(a):
    return 1 if (T(0) and a) else 2


def if_or(a):
    if T(1) or a:
        return 1
    return 2


def if_not_or(a):
    if not (T(0) or a):
        return 1
    return 2


def while_and(a):
    while (T(0) or a) and a < 3:
        a += 1
    return a


def filter_or(a):
    return [x for x in range(3) if T(x) or a]


def ternary_branch_as_test(a):
    if (T(1) or a) if a == 0 else 0:
        return 1
    return 2


def value_not(a):
    return not (T(0) and a)


def value_or(a):
    x = T(0) or a
    return x


def for_break_over_iterator(a):
    it = It([1, 2, 3])
    for x in it:
        if x == a:
            break
    return list(it)


def for_over_iterator(a):
    it = It([1, 2])
    for x in it:
        a += x
    return a


@pytest.mark.parametrize('f', [
    ternary_or, ternary_and, if_or, if_not_or, while_and, filter_or,
    ternary_branch_as_test, value_not, value_or, for_break_over_iterator, for_over_iterator,
])
@pytest.mark.parametrize('a', [0, 1])
def test_same_calls_in_the_same_order(f, a):
    want = run(f, a)
    got = run(ag.to_graph(f), a)
    assert got == want


@pytest.mark.parametrize('a', [0, 1])
def test_assert_test_truth_once(a):
    # From source text: pytest rewrites the `assert` statements of test modules.
    f = make_function("""
        def assert_or(a):
            assert T(1) or a
            return 1
    """, namespace={'T': T})
    assert run(ag.to_graph(f), a) == run(f, a)
