"""The user's own variables whose names look like the converters' return value or jump flags
(`retvalue`, `do_returned`, `break_now`) are ordinary variables: assigned in one branch of a
tensor `if` and read afterwards, staging refuses (Python raises UnboundLocalError on the other
path) instead of filling them with a placeholder value."""
import numpy as np
import pytest

import autograph as ag
from autograph.operators.variables import UndefinedValueError
from autograph.runtime.errors import InvalidArgumentError


def user_retval(x):
    if x > 0:
        retvalue = x + 1
    return retvalue


def user_return_flag(x):
    if x > 0:
        do_returned = True
    else:
        tmp = x + 1
        do_returned = False
    return tmp, do_returned


def user_break_flag(x):
    if x > 0:
        break_now = True
    else:
        tmp = x + 1
        break_now = False
    return tmp, break_now


@pytest.mark.parametrize("fn", [user_retval, user_return_flag, user_break_flag])
def test_python_raises_on_one_path(fn):
    with pytest.raises(UnboundLocalError):
        fn(-3 if fn is user_retval else 3)


@pytest.mark.parametrize("fn", [user_retval, user_return_flag])
def test_user_variable_is_not_filled_with_a_placeholder(fn):
    with pytest.raises(UndefinedValueError) as info:
        np.asarray(ag.function(fn)(ag.constant(3)))
    assert "'%s'" % ("retvalue" if fn is user_retval else "tmp") in str(info.value)


def test_user_break_named_variable_is_refused_not_called_a_jump():
    with pytest.raises((UndefinedValueError, InvalidArgumentError)) as info:
        np.asarray(ag.function(user_break_flag)(ag.constant(3))[0])
    assert "'tmp'" in str(info.value)
    assert "break/continue" not in str(info.value)


# Sibling in loops: a user variable named like the return value, assigned only in a tensor
# loop that may run zero times.

def user_retval_in_loop(n):
    i = 0
    while i < n:
        retval = i
        i = i + 1
    return retval


def test_user_retval_in_zero_iteration_loop_is_checked():
    with pytest.raises(UnboundLocalError):
        user_retval_in_loop(0)
    traced = ag.function(user_retval_in_loop)
    assert int(traced(ag.constant(3))) == user_retval_in_loop(3)
    with pytest.raises((InvalidArgumentError, UndefinedValueError)) as info:
        np.asarray(traced(ag.constant(0)))
    assert "'retval'" in str(info.value)


def user_flags_in_loop(n):
    do_returned = False
    i = 0
    while not do_returned and i < n:
        retvalue = i * 2
        i += 1
        if i > 2:
            do_returned = True
    return retvalue


def test_loop_user_flag_names_are_user_variables():
    """A loop whose test reads a user flag named like the return flag, and a user `retvalue`
    assigned only inside it: the loop helpers do not take them for the generated pair (which
    would trace the body with `retvalue` as an early-return placeholder)."""
    fn = ag.function(user_flags_in_loop)
    assert int(np.asarray(fn(ag.constant(5)))) == user_flags_in_loop(5) == 4
    with pytest.raises(UnboundLocalError):
        user_flags_in_loop(0)
    with pytest.raises(InvalidArgumentError, match="'retvalue' is assigned only inside"):
        fn(ag.constant(0))


def test_generated_names_outside_converted_code():
    """Helpers called by hand (no converted frame) name their variables: the prefix decides."""
    from autograph.operators import generated_names
    assert generated_names.is_retval("retval_")
    assert generated_names.is_jump_flag("do_return_1")
    assert not generated_names.is_jump_flag("break_", ("do_return",))
