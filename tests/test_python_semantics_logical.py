"""`and` / `or` / `not` on Python values: the same values and the same truth tests as CPython.

CPython asks each operand of an `and`/`or` for its truth at most once, also when the operand is
itself an `and`/`or` used as a value (`x = (a or b) and c`: the test of `a` decides both the
inner `or` and the outer `and`; its compiler threads the jumps). Operands here are objects whose
`__bool__` logs, tried with every combination of truth values.
"""
import itertools

import pytest

import autograph as ag
from source_helpers import make_function

LOG = []


class T:
    def __init__(self, name, v):
        self.name, self.v = name, v

    def __bool__(self):
        LOG.append(self.name)
        return self.v

    def __repr__(self):
        return self.name


EXPRESSIONS = [
    '(a or b) and c',
    '(a and b) or c',
    'a or (b and c)',
    'a and (b or c)',
    '((a or b) and c) or d',
    '(a or (b and c)) and d',
    '(a and b) and (c or d)',
    '(a or b or c) and d',
    '((a and b) or (c and d)) and a',
    'not ((a or b) and c)',
    'not (a and (b or c))',
    '(not (a or b)) and c',
    '((a or b) if c else d) and a',
    '[(a or b) and c, d]',
    '((a and b) or c) if d else a',
    'f((a or b) and c)',
]


def _run(fn, values):
    args = [T(n, v) for n, v in zip('abcd', values)]
    del LOG[:]
    try:
        out = repr(fn(*args))
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        out = type(e).__name__
    return out, list(LOG)


@pytest.mark.parametrize('expr', EXPRESSIONS)
@pytest.mark.parametrize('context', ['return', 'assign', 'if'])
def test_nested_and_or_values_ask_each_operand_once(expr, context):
    if context == 'return':
        body = '    return %s\n' % expr
    elif context == 'assign':
        body = '    x = %s\n    return x\n' % expr
    else:
        body = '    if %s:\n        return 1\n    return 0\n' % expr
    source = 'def g(a, b, c, d):\n    def f(x):\n        return x\n%s' % body.replace(
        '\n    ', '\n    ', -1)
    original = make_function(source, 'g', {'T': T})
    converted = ag.to_graph(original)
    for values in itertools.product([False, True], repeat=4):
        assert _run(converted, values) == _run(original, values), (expr, values)


def test_nested_and_or_in_a_loop_and_a_lambda():
    source = '''
        def g(a, b, c, d):
            out = []
            for x in (a, b):
                out.append((x or c) and d)
            h = lambda: (a and b) or (c and d)
            out.append(h())
            while (b or c) and d and len(out) < 4:
                out.append((a or b) and c)
            return out
    '''
    original = make_function(source, 'g', {'T': T})
    converted = ag.to_graph(original)
    for values in itertools.product([False, True], repeat=4):
        assert _run(converted, values) == _run(original, values), values


class V:
    """Compares by returning a `T` (a rich comparison result whose truth is logged)."""

    def __init__(self, name, result):
        self.name, self.result = name, result

    def __lt__(self, other):
        LOG.append(('lt', self.name, other.name))
        return T('%s<%s' % (self.name, other.name), self.result)


CHAINS = [
    'if a < b < c:\n        return 1\n    return 0',
    'if a < f(b) < c < d:\n        return 1\n    return 0',
    'return 1 if a < b < c else 0',
    'while a < b < c:\n        return 1\n    return 0',
    'if (a < b < c) and a < d:\n        return 1\n    return 0',
    'if not (a < b < c) or d < a:\n        return 1\n    return 0',
    'assert a < b < c, "m"\n    return 1',
    'return a < b < c',
    'return (a < b < c) or 5',
    'x = (a < b < c) and 7\n    return x',
]


@pytest.mark.parametrize('body', CHAINS)
def test_chained_comparison_results_are_asked_like_cpython(body):
    # In a test, CPython asks each comparison's result for its truth once (as a value, the
    # deciding one is asked again by whatever tests the value).
    source = 'def g(a, b, c, d):\n    def f(x):\n        return x\n    %s\n' % body
    original = make_function(source, 'g', {'T': T})
    converted = ag.to_graph(original)
    for values in itertools.product([False, True], repeat=4):
        args = [V(n, v) for n, v in zip('abcd', values)]

        def run(fn, args=args):
            del LOG[:]
            try:
                out = repr(fn(*args))
            except Exception as e:  # noqa: BLE001 (compared with the original's)
                out = type(e).__name__
            return out, list(LOG)
        assert run(converted) == run(original), (body, values)
