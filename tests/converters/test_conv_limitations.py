"""Documented differences between converted and original code on Python values.

These tests pin the behaviour so that a change is noticed (and documented in
docs/limitations.md). Closures and attribute/item writes used to be pinned here too; they now
behave like the original (tests/converters/test_conv_in_place.py).
"""
from autograph import api


def variable_used_after_only_some_paths_assign_it(x):
    if x > 0:
        y = x
    return y


def test_reading_an_unassigned_variable_raises_where_the_original_does():
    # It used to return the ag__.Undefined placeholder; the read is now `ag__.ld(y)`.
    g = api.to_graph(variable_used_after_only_some_paths_assign_it)
    assert g(2) == 2
    try:
        g(-2)
    except UnboundLocalError as e:      # operators.UndefinedValueError, as the original
        assert "'y'" in str(e)
    else:
        raise AssertionError('reading an unassigned variable must fail')
