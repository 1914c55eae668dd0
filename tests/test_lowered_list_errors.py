"""A list that a tensor loop lowered to a TensorArray holds items of one dtype: appending an
item of another dtype is a TypeError that says so, where (the user's line) and what to do."""
import os

import pytest

import autograph as ag


def _mixed(n):
    lst = []
    i = 0
    while i < n:
        lst.append(i > 5)           # bool items
        i += 1
    lst.append(n)                   # an int32 item
    return lst


def test_appending_another_dtype_to_a_lowered_list_names_the_line_and_the_remedy():
    with pytest.raises(TypeError) as info:
        ag.function(_mixed)(ag.constant(3))
    msg = str(info.value)
    line = _mixed.__code__.co_firstlineno + 6
    assert "bool" in msg and "int32" in msg
    assert "%s:%d" % (os.path.basename(__file__), line) in msg, msg
    assert "ag.cast" in msg, msg
