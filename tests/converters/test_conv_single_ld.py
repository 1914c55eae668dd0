"""A read that may find its variable unassigned is wrapped once: `ag__.ld(x)`, never
`ag__.ld(ag__.ld(x))` (a read both moved out of its scope and maybe unassigned, or a lambda's
read of a closure variable, was wrapped by two passes)."""
import pytest

import autograph as ag
from source_helpers import make_function

CASES = {
    'branch_read_after_dropped_binding': '''
        def f(c):
            def g():
                return x
            if c:
                return x
            x = 1
            return g()
    ''',
    'lambda_closure': '''
        def f(c):
            g = lambda: x
            if c:
                x = 1
            return g()
    ''',
    'nested_lambda_closure': '''
        def f(c):
            g = lambda: (lambda: x)()
            if c:
                x = 1
            return g()
    ''',
    'lambda_ternary_closure': '''
        def f(c):
            h = lambda: x if c else 0
            if c:
                x = 1
            return h()
    ''',
    'own_read_and_lambda': '''
        def f(c):
            if c:
                x = 1
            g = lambda: x
            return x, g()
    ''',
}


def _outcome(fn, *args):
    try:
        return 'value', fn(*args)
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        return type(e).__name__, str(e)


@pytest.mark.parametrize('name', sorted(CASES))
def test_each_read_is_wrapped_once(name):
    original = make_function(CASES[name], 'f')
    code = ag.to_code(original)
    assert 'ag__.ld(x' in code, code
    assert 'ld(ag__.ld' not in code, code
    converted = ag.to_graph(original)
    for c in (0, 1):
        assert _outcome(converted, c) == _outcome(original, c), (name, c)
