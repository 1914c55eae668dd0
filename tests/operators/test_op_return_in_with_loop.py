"""A tensor loop whose body returns inside (nested) `with` blocks and assigns a variable
after the `return` in the same block, read after the block: the branch that returns leaves
the variable unassigned, but nothing reads it on that path (the code after runs only where
the return flag is unset), so staging carries a placeholder instead of refusing."""
import contextlib

import pytest

import autograph as ag

nc = contextlib.nullcontext


def while_nested_with(n):
    s = 0
    i = 0
    while i < n:
        with nc():
            with nc():
                if i > 2:
                    return s
                tmp = s
        i = i + 1
        s = tmp + i
    tmp = s * 2
    return tmp


def for_one_with(n):
    s = 0
    for i in range(n):
        with nc():
            if s > 4:
                return s
            tmp = s + i
        s = tmp
    tmp = s + 1
    return tmp


def no_with(n):
    s = 0
    i = 0
    while i < n:
        if i > 2:
            return s
        tmp = s
        i = i + 1
        s = tmp + i
    return s


@pytest.mark.parametrize("fn", [while_nested_with, for_one_with, no_with])
@pytest.mark.parametrize("n", [0, 2, 10])
def test_graph_matches_python(fn, n):
    assert int(ag.function(fn)(ag.constant(n))) == fn(n)


def assigned_in_one_branch_and_read(x):
    with nc():
        if x > 0:
            tmp = x
    return tmp


def test_variable_assigned_in_one_branch_and_read_is_still_refused():
    with pytest.raises(UnboundLocalError, match="'tmp'"):
        ag.function(assigned_in_one_branch_and_read)(ag.constant(1))
