"""Reads and deletions of unassigned variables raise what Python raises, from converted code.

Found by the Python-semantics fuzzer (tests/fuzz/pygen.py): a read moved into a generated
scope (an and/or/ternary thunk, a branch or loop body) raised NameError ("free variable")
instead of UnboundLocalError; `del x` of an unassigned `x` did not raise at all; `del` of a
variable that a nested function reads made that function see a placeholder; a name whose only
binding came after a jump (dropped with the unreachable code) became a global (NameError);
`x += 1` on a deleted `x` raised the placeholder's error.
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


def only_binding_after_return(a):
    if a:
        return x
    return a
    x = 1


def only_binding_after_break(a):
    out = []
    for i in range(3):
        if a:
            break
            v = 2
        out.append(not a and v)
    return out


def augmented_after_del_on_one_path(a):
    x = 1
    if a:
        del x
    x += 1
    return x


def assigned_in_handler_read_after_try_finally(a):
    try:
        if a > 5:
            raise KeyError(a)
    except KeyError:
        if a > 6:
            x = 1
        elif a:
            return
    finally:
        pass
    return x


def read_before_its_branch_assignment(a):
    if a > 0:
        if (w := y) < 3:
            y = 2
    return a


@pytest.mark.parametrize('f,args', [
    (read_before_its_branch_assignment, (1,)), (read_before_its_branch_assignment, (0,)),
    (assigned_in_handler_read_after_try_finally, (0,)),
    (assigned_in_handler_read_after_try_finally, (6,)),
    (assigned_in_handler_read_after_try_finally, (7,)),
    (only_binding_after_return, (1,)), (only_binding_after_return, (0,)),
    (only_binding_after_break, (1,)), (only_binding_after_break, (0,)),
    (augmented_after_del_on_one_path, (1,)), (augmented_after_del_on_one_path, (0,)),
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


def test_unbound_read_message_is_pythons():
    def message(f, *args):
        try:
            f(*args)
        except UnboundLocalError as e:
            return str(e)
    assert message(ag.to_graph(read_later_assigned_in_and), 1) == message(
        read_later_assigned_in_and, 1)
