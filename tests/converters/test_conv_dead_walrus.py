"""A walrus in a comprehension binds a variable of the enclosing function, also in code that
never runs: reading it raises UnboundLocalError, as in Python, after conversion drops the
unreachable code.

Found by the Python-semantics fuzzer (tests/fuzz/pygen.py, seeds 701052, 703718, 707597):
the names the original function binds did not include walrus targets inside comprehensions,
so dropping the code after a `return` made the name a global (NameError).
"""
# ruff: noqa: B007, C416, F821, F841, PLR1711
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


def walrus_after_return(a):
    if a:
        return y
    return 2
    [y := 1 for _ in ()]


def walrus_in_generator_after_return(a):
    if a:
        return y
    return 2
    list(y := q for q in ())


def walrus_in_nested_comprehension_after_return(a):
    if a:
        return y
    return 2
    [[y := q for q in ()] for _ in ()]


def walrus_after_return_read_in_comprehension(a):
    if a:
        return [q for q in range(2) if y]
    return 2
    [y := 1 for _ in ()]


def walrus_after_return_and_comprehension_target_of_that_name(a):
    z = [y for y in range(2)]
    if a:
        return y
    return z
    [y := 1 for _ in ()]


def walrus_after_break(a):
    out = []
    for i in range(3):
        if a:
            break
            [w := i for _ in ()]
        out.append(not a and w)
    return out


def walrus_in_lambda_after_return(a):
    if a:
        return y                     # a global: the walrus binds in the lambda
    return 2
    (lambda: [y := 1 for _ in ()])


@pytest.mark.parametrize('f', [
    walrus_after_return, walrus_in_generator_after_return,
    walrus_in_nested_comprehension_after_return, walrus_after_return_read_in_comprehension,
    walrus_after_return_and_comprehension_target_of_that_name, walrus_after_break,
    walrus_in_lambda_after_return])
@pytest.mark.parametrize('a', [0, 1])
def test_dead_walrus_keeps_its_variable_local(f, a):
    same(f, a)


def test_errors_are_pythons():
    assert same(walrus_after_return, 1)[1] is UnboundLocalError
    assert same(walrus_after_return_read_in_comprehension, 1)[1] is (
        UnboundLocalError if INLINED else NameError)
    assert same(walrus_in_lambda_after_return, 1)[1] is NameError
