"""Early returns of different dtypes on two paths of a tensor `if` or loop: a graph returns
one dtype, so this is refused; the error says that the function returns different dtypes and
where, never the converter's internal names (`retval_`, `<if expression>`)."""
import pytest

import autograph as ag


def bool_or_int(a, b):
    if a > 0:
        return a > b
    return a


def float_in_loop_or_int(a, b):
    i = 0
    while i < a:
        if i > b:
            return i * 0.5
        i += 1
    return i


def int_or_bool_nested(a, b):
    if a > 0:
        if b > 0:
            return a
        return b > a
    return 0


@pytest.mark.parametrize("fn", [bool_or_int, float_in_loop_or_int, int_or_bool_nested])
def test_different_return_dtypes_name_the_return_not_internal_names(fn):
    with pytest.raises(ag.BranchMismatchError) as info:
        ag.function(fn)(ag.constant(3), ag.constant(1))
    msg = str(info.value)
    assert "retval" not in msg and "<if expression>" not in msg, msg
    assert "returns" in msg and "test_tensor_semantics_return_dtypes.py" in msg, msg
    assert ("bool" in msg or "float32" in msg) and "int32" in msg, msg


def same_dtype(a, b):
    if a > 0:
        return a * 2
    return b


def test_same_dtype_paths_still_work():
    f = ag.function(same_dtype)
    assert int(f(ag.constant(3), ag.constant(1))) == 6
    assert int(f(ag.constant(-3), ag.constant(1))) == 1
