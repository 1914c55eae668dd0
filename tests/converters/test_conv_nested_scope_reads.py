"""Unassigned reads inside the user's own nested scopes raise what Python raises.

Found by the Python-semantics fuzzer (tests/fuzz/pygen.py, seeds 700010, 700124): a read of
a function's variable inside a comprehension, generator expression or lambda is a free
variable read there (NameError, "cannot access free variable"), while the converted code's
check of the read (`ag__.ld`) raised UnboundLocalError, the error of a read in the function's
own scope. On Python 3.12+ list, set and dict comprehensions are inlined (a local read).
"""
# ruff: noqa: B007, C416, F821, F841, PLC3002
import sys

import pytest

import autograph as ag

INLINED = sys.version_info >= (3, 12)


def outcome(f, *args):
    try:
        v = f(*args)
    except Exception as e:     # noqa: BLE001 - the exception type and message are the outcome
        return ('raise', type(e), str(e))
    return ('value', v)


def same(f, *args):
    want = outcome(f, *args)
    got = outcome(ag.to_graph(f), *args)
    assert got == want, (f.__name__, args, want, got)
    return want


def ternary_in_list_comprehension(a, lst):
    v = [q for q in lst if (v if a else 1)]
    return v


def and_in_list_comprehension(a, lst):
    v = [q for q in lst if a and v]
    return v


def ternary_in_generator_expression(a, lst):
    v = list(q for q in lst if (v if a else 1))
    return v


def or_in_set_comprehension(a, lst):
    v = {q for q in lst if not a or v}
    return v


def ternary_in_dict_comprehension(a, lst):
    v = {q: (v if a else q) for q in lst}
    return v


def ternary_in_lambda(a, lst):
    v = (lambda: (v if a else lst))()
    return v


def comprehension_in_a_thunk(a, lst):
    v = a and [v for q in lst]
    return v


def ternary_in_first_iterable(a, lst):
    v = [q for q in (v if a else lst)]        # evaluated in the function's own scope
    return v


def branch_assigned_read_in_comprehension(a, lst):
    if a > 1:
        v = 1
    w = [q for q in lst if v]
    return w, v


def branch_assigned_read_in_lambda(a, lst):
    if a > 1:
        v = 1
    w = (lambda: a and v)()
    return w, v


def lambda_default_in_ternary_before_branch_assignment(a, lst):
    # Found by the fuzzer (seed 700290 of the widened grammar): the default is evaluated in
    # the function's own scope (UnboundLocalError), from inside the ternary's thunk.
    if ((lambda t=v: t)() if a else 0):
        v = 1
    return a


def decorator_in_ternary_before_branch_assignment(a, lst):
    if (a and inc):
        @v
        def h():
            pass
        v = 1
    return a


def inc(fn):
    return fn


CASES = [lambda_default_in_ternary_before_branch_assignment,
         decorator_in_ternary_before_branch_assignment, ternary_in_list_comprehension, and_in_list_comprehension,
         ternary_in_generator_expression, or_in_set_comprehension,
         ternary_in_dict_comprehension, ternary_in_lambda, comprehension_in_a_thunk,
         ternary_in_first_iterable, branch_assigned_read_in_comprehension,
         branch_assigned_read_in_lambda]


@pytest.mark.parametrize('f', CASES)
@pytest.mark.parametrize('a', [0, 1, 2])
@pytest.mark.parametrize('lst', [[], [1, 2]])
def test_nested_scope_reads_raise_as_in_python(f, a, lst):
    same(f, a, lst)


def test_free_variable_read_is_name_error():
    want = same(ternary_in_list_comprehension, 1, [1])
    assert want[1] is (UnboundLocalError if INLINED else NameError)
    assert same(ternary_in_generator_expression, 1, [1])[1] is NameError
    assert same(ternary_in_first_iterable, 1, [1])[1] is UnboundLocalError
