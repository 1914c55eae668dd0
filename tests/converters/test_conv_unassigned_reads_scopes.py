"""Reads and deletions of unassigned variables raise what Python raises, from converted code.

Found by the Python-semantics fuzzer (tests/fuzz/pygen.py): a read moved into a generated
scope (an and/or/ternary thunk, a branch or loop body) raised NameError ("free variable")
instead of UnboundLocalError; `del x` of an unassigned `x` did not raise at all; `del` of a
variable that a nested function reads made that function see a placeholder.
"""
# ruff: noqa: B007, F821, F841
import pytest

import autograph as ag


def outcome(f, *args):
    try:
        v = f(*args)
    except Exception as e:     # noqa: BLE001 - the exception type is the outcome
        return ('raise', type(e))
    return ('value', v)


def same(f, *args):
    want = outcome(f, *args)
    got = outcome(ag.to_graph(f), *args)
    assert got == want, (f.__name__, args, want, got)


def read_later_assigned_in_and(b):
    v3 = b and v0
    v0 = 1
    return v3


def read_later_assigned_in_ternary(b):
    v3 = v0 if b else 2
    v0 = 1
    return v3


def read_branch_assigned_in_or(b):
    if b > 1:
        y = 0
    return b or y


def read_in_loop_body_before_assignment(n):
    s = 0
    for i in range(n):
        s += z
    z = 1
    return s


def del_unassigned(a):
    del x


def del_assigned_on_one_path(a):
    if a:
        x = 1
    del x
    return a


def del_in_loop(a):
    x = 1
    for i in range(a):
        del x
    return a


def del_variable_a_nested_function_reads(a):
    x = a

    def get():
        return x
    del x
    return get()


@pytest.mark.parametrize('f,args', [
    (read_later_assigned_in_and, (1,)), (read_later_assigned_in_and, (0,)),
    (read_later_assigned_in_ternary, (1,)), (read_later_assigned_in_ternary, (0,)),
    (read_branch_assigned_in_or, (0,)), (read_branch_assigned_in_or, (2,)),
    (read_in_loop_body_before_assignment, (2,)), (read_in_loop_body_before_assignment, (0,)),
    (del_unassigned, (0,)), (del_assigned_on_one_path, (0,)),
    (del_assigned_on_one_path, (1,)), (del_in_loop, (0,)), (del_in_loop, (1,)),
    (del_in_loop, (2,)), (del_variable_a_nested_function_reads, (1,)),
])
def test_unassigned_reads_raise_as_in_python(f, args):
    same(f, *args)


def test_unbound_read_in_a_thunk_is_unbound_local_error():
    with pytest.raises(UnboundLocalError, match="'v0'") as info:
        ag.to_graph(read_later_assigned_in_and)(1)
    assert type(info.value) is UnboundLocalError
