"""A tensor loop whose body returns inside (nested) `with` blocks and assigns a variable
after the `return` in the same block, read after the block: the branch that returns leaves
the variable unassigned, but nothing reads it on that path (the code after runs only where
the return flag is unset), so staging carries a placeholder instead of refusing."""
import contextlib

import numpy as np
import pytest

import autograph as ag
from autograph.runtime.errors import InvalidArgumentError

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


# Siblings: `break` / `continue` before the assignment (Python raises only where the variable
# is read on a path without a value: checked when the graph runs).

def break_in_with(n):
    s = 0
    for i in range(n):
        with nc():
            if i > 2:
                break
            tmp = s
        s = tmp + i
    return s


def continue_in_with(n):
    s = 0
    for i in range(n):
        with nc():
            if i % 2 == 1:
                continue
            tmp = s
        s = tmp + i
    return s


def break_then_read_after_loop(x):
    s = 0
    for i in range(3):
        with nc():
            if x > i:
                break
            tmp = s
        s = tmp + i
    return tmp


@pytest.mark.parametrize("fn", [break_in_with, continue_in_with])
@pytest.mark.parametrize("n", [0, 2, 10])
def test_jump_siblings_match_python(fn, n):
    assert int(ag.function(fn)(ag.constant(n))) == fn(n)


def test_read_after_a_break_before_the_assignment_fails_when_the_graph_runs():
    traced = ag.function(break_then_read_after_loop)
    assert int(traced(ag.constant(-1))) == break_then_read_after_loop(-1)
    with pytest.raises(UnboundLocalError):
        break_then_read_after_loop(1)
    with pytest.raises(InvalidArgumentError, match="'tmp'"):
        np.asarray(traced(ag.constant(1)))
