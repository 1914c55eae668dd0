"""Closures over variables a branch or loop may leave unassigned: exactly Python.

A nested function reading a variable of the converted function that has no value when it runs
raises NameError ("cannot access free variable") in Python. The converted function gives such a
variable a placeholder (`ag__.Undefined`); the nested function must not see it (a leaked
internal object: `g()` returned `Undefined('x')`, or raised its own error type).
"""
import pytest

import autograph as ag
from source_helpers import make_function

CASES = {
    'branch': '''
        def f(c):
            def g():
                return x
            if c:
                x = 1
            return g()
    ''',
    'loop': '''
        def f(c):
            def g():
                return x
            for i in range(c):
                x = i
            return g()
    ''',
    'two_levels': '''
        def f(c):
            def g():
                def h():
                    return x + 1
                return h()
            for i in range(c):
                x = i
            return g()
    ''',
    'lambda': '''
        def f(c):
            g = lambda: x
            if c:
                x = 1
            return g()
    ''',
    'default_and_comprehension': '''
        def f(c):
            def g(k=2):
                return [x * k for _ in range(2)]
            while c > 0:
                c -= 1
                x = c
            return g()
    ''',
    'own_variable_same_name': '''
        def f(c):
            def g():
                x = 5
                return x
            if c:
                x = 1
            return g(), c
    ''',
    'nonlocal_writer': '''
        def f(c):
            def g():
                nonlocal x
                x = 7
                return x
            if c:
                x = 1
            return g(), x
    ''',
    'called_in_the_branch': '''
        def f(c):
            def g():
                return x * 2
            out = []
            for i in range(c):
                if i > 0:
                    out.append(g())
                x = i
            return out
    ''',
}


def _outcome(fn, *args):
    try:
        return 'value', fn(*args)
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        return type(e).__name__, str(e)


@pytest.mark.parametrize('name', sorted(CASES))
def test_closure_reads_like_python(name):
    original = make_function(CASES[name], 'f')
    converted = ag.to_graph(original)
    for c in (0, 1, 3):
        assert _outcome(converted, c) == _outcome(original, c), (name, c)


def test_closure_read_under_function_on_tensors():
    original = make_function('''
        def f(x):
            def g():
                return y * 2
            y = x
            if x > 0:
                y = x + 1
            return g()
    ''', 'f')
    traced = ag.function(original)
    assert int(traced(ag.constant(3))) == 8 and int(traced(ag.constant(-3))) == -6
