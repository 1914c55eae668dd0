"""Converters skip a function that holds nothing for them (`Context.has_nodes` and the facts
`unsupported` records); skipping must never change what conversion produces."""
import textwrap

import pytest

from autograph import api
from autograph.converters import call_trees
from autograph.converters import lists
from autograph.converters import logical_expressions
from autograph.converters import membership
from conv_helpers import make_function


def code(source):
    return api.to_code(make_function(textwrap.dedent(source)))


@pytest.fixture
def refuse_walks(monkeypatch):
    """Makes the transformers of the converters that skip functions fail if they run."""
    def refuse(self, node):
        raise AssertionError('%s walked a function it should skip' % type(self).__name__)
    for cls in (call_trees.CallTreeTransformer, lists.ListTransformer,
                logical_expressions.LogicalExpressionTransformer,
                membership.MembershipTransformer):
        monkeypatch.setattr(cls, 'visit', refuse)


def test_nothing_to_rewrite_skips_the_expression_converters(refuse_walks):
    out = code('''
        def f(x, n):
            if x > n:
                x = -x
            while n > 0:
                n -= 1
            return x + n
    ''')
    assert 'ag__.if_stmt' in out and 'ag__.while_stmt' in out


@pytest.mark.parametrize('source, expected', [
    # the only `not` comes from lowering `break`
    ('''
        def f(n):
            while n > 0:
                if n == 3:
                    break
                n -= 1
            return n
    ''', 'ag__.and_test(lambda: ag__.not_(break_), lambda: n > 0)'),
    # the only `not` comes from lowering `continue` (a flag, no BoolOp)
    ('''
        def f(xs, m):
            t = 0
            for x in xs:
                with m:
                    if x > 1:
                        continue
                    t += x
                t += 1
            return t
    ''', 'ag__.if_stmt(ag__.not_(continue_), '),
    # the only rewrite is a chained comparison (a Compare, no BoolOp and no `not`)
    ('''
        def f(a, b, c):
            return a < b < c
    ''', 'ag__.and_(lambda: a < b, lambda: b < c)'),
    # `in` in a lambda default, which `unsupported` does not check
    ('''
        def f(x, s):
            g = lambda a=x in s: a
            return g() if x > 0 else None
    ''', 'ag__.in_(x, s)'),
    # a call in a lambda default
    ('''
        def f(x):
            g = lambda a=abs(x): a
            return g
    ''', 'ag__.converted_call(abs, (x,), None)'),
    # a call in an annotation of a nested function
    ('''
        def f(x):
            def g(a: abs(x)):
                return a
            return g
    ''', 'ag__.converted_call(abs, (x,), None)'),
    # `not` in a lambda default (with a comparison elsewhere: the function-wide gate)
    ('''
        def f(x):
            g = lambda a=not x: a
            return g, x > 0
    ''', 'ag__.not_(x)'),
])
def test_what_a_converter_must_see_is_still_rewritten(source, expected):
    assert expected in code(source)


def test_list_append_is_rewritten():
    out = code('''
        def f(n):
            l = []
            while n > 0:
                l.append(n)
                n -= 1
            return l
    ''')
    assert 'l = ag__.list_append(l, n)' in out
