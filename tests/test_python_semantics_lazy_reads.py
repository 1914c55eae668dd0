"""Generator expressions are lazy: they read the variables of the function when iterated.

A generator expression made in a loop body or branch and iterated later sees the variables'
values of that later moment, as a lambda does (late binding). Converted code passes loop and
branch variables to the bodies as parameters; a generator expression must still see the
function's variable, not the body's parameter of the iteration that made it.
"""
import pytest

import autograph as ag
from source_helpers import make_function

CASES = {
    'loop_late_binding': '''
        def f(n, k):
            gens = []
            for i in range(n):
                gens.append(x + i for x in range(k))
            return [list(g) for g in gens]
    ''',
    'branch_then_reassigned': '''
        def f(n, k):
            scale = 1
            if n > k:
                g = (x * scale for x in range(n))
                scale = 10
            else:
                g = iter(())
            scale = scale + 1
            return list(g)
    ''',
    'while_late_binding': '''
        def f(n, k):
            gens = []
            i = 0
            while i < n:
                gens.append((i, x) for x in range(k) if x != i)
                i += 1
            return [list(g) for g in gens]
    ''',
    'consumed_at_once': '''
        def f(n, k):
            out = []
            for i in range(n):
                out.append(sum(x * i for x in range(k)))
                if any(x > i for x in range(k)):
                    out.append(i)
            return out
    ''',
    'second_iterable_late': '''
        def f(n, k):
            gens = []
            for i in range(n):
                gens.append((a, b) for a in range(2) for b in range(i))
            return [list(g) for g in gens]
    ''',
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_generator_expressions_read_late_like_python(name):
    original = make_function(CASES[name], 'f')
    converted = ag.to_graph(original)
    for args in ((3, 2), (0, 1), (4, 9)):
        assert converted(*args) == original(*args), (name, args)


def test_generator_expression_in_a_traced_loop():
    original = make_function('''
        def f(x):
            s = x
            for i in range(3):
                s = s + sum(v for v in range(i))
            return s
    ''', 'f')
    traced = ag.function(original)
    assert int(traced(ag.constant(1))) == 1 + 0 + 0 + 1
