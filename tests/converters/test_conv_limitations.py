"""Documented differences between converted and original code on Python values.

Converted bodies are functions that receive and return the variables they modify. A closure
created outside the statement therefore sees those variables as they were before the statement
until it completes (and a `nonlocal` write it makes meanwhile is overwritten when the statement
returns its own copy), and a closure created inside a loop body captures that iteration's
value.
These tests pin the behaviour so that a change is noticed (and documented).
"""
from autograph import api


def closure_called_inside_loop(n):
    total = 0
    get = lambda: total  # noqa: E731
    results = []
    for i in range(n):
        total += i
        results.append(get())
    return results, get()


def closure_created_inside_loop(n):
    fs = []
    for i in range(n):
        fs.append(lambda: i)  # noqa: B023 - the late binding is the point
    return [f() for f in fs]


def test_closure_called_inside_a_loop_sees_values_from_before_the_loop():
    assert closure_called_inside_loop(3) == ([0, 1, 3], 3)
    assert api.to_graph(closure_called_inside_loop)(3) == ([0, 0, 0], 3)


def test_closure_created_in_a_loop_body_captures_that_iteration():
    assert closure_created_inside_loop(3) == [2, 2, 2]
    assert api.to_graph(closure_created_inside_loop)(3) == [0, 1, 2]


def variable_used_after_only_some_paths_assign_it(x):
    if x > 0:
        y = x
    return y


def test_unassigned_variable_is_an_undefined_placeholder_that_fails_on_use():
    g = api.to_graph(variable_used_after_only_some_paths_assign_it)
    assert g(2) == 2
    value = g(-2)          # the original raises UnboundLocalError here
    assert type(value).__name__ == 'Undefined'
    try:
        value + 1
    except UnboundLocalError as e:      # any use raises (operators.UndefinedValueError)
        assert "'y'" in str(e)
    else:
        raise AssertionError('using an undefined placeholder must fail')
