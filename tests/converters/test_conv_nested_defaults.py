"""Lambda defaults and nested functions' annotations are converted like the rest of the
function, whatever else the function contains.

They are evaluated where the lambda or function is defined, in the function's own code. The
checks before conversion did not look at them, so a converter that runs only when the function
contains its construct (a conditional expression, `and`/`or`) converted them in a function
that had the construct elsewhere and left them as they were in one that had not.
"""
# ruff: noqa: F841
import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError


def ternary_in_lambda_default(c):
    g = lambda a=(1 if c else 2): a       # noqa: E731
    return g()


def ternary_in_lambda_default_and_elsewhere(c):
    g = lambda a=(1 if c else 2): a       # noqa: E731
    return g(), (3 if c else 4)


def and_in_lambda_default(c):
    g = lambda a=(c and 7): a             # noqa: E731
    return g()


def and_in_comprehension_in_lambda_default(c):
    g = lambda a=[i for i in range(3) if i and c]: a     # noqa: E731
    return g()


def ternary_in_kwonly_lambda_default(c):
    g = lambda *, a=(1 if c else 2): a    # noqa: E731
    return g()


def ternary_in_annotation(c):
    def g(a: (int if c else str) = 1) -> (c and int):
        return a
    return g(), g.__annotations__


@pytest.mark.parametrize('f,converted', [
    (ternary_in_lambda_default, 'ag__.if_exp(c'),
    (ternary_in_lambda_default_and_elsewhere, 'lambda a=ag__.if_exp(c'),
    (and_in_lambda_default, 'ag__.and_('),
    (and_in_comprehension_in_lambda_default, 'ag__.and_'),
    (ternary_in_kwonly_lambda_default, 'ag__.if_exp(c'),
    (ternary_in_annotation, 'a: ag__.if_exp(c'),
])
def test_defaults_and_annotations_are_converted(f, converted):
    assert converted in ag.to_code(f)
    for c in (0, 1):
        assert ag.to_graph(f)(c) == f(c)


def walrus_in_lambda_default_in_and(c):
    g = c and (lambda a=(y := 1): a)
    return y


def test_walrus_in_a_lambda_default_moved_into_a_thunk_is_refused():
    with pytest.raises(ConversionError, match='assignment expression'):
        ag.to_graph(walrus_in_lambda_default_in_and)
