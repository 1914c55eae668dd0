"""Deep syntax trees: the walks over them must not use a stack frame or more per level.

A left-deep chain `x + x + ... + x` of N terms is a tree N levels deep. CPython compiles a few
hundred levels at the default recursion limit; the converter's walks must handle as many.
"""
import ast
import random
import sys

import gast
import pytest

import autograph as ag
from autograph import api
from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import parser
from autograph.pyct import transformer

from pyct_helpers import make_function


@pytest.fixture
def low_recursion_limit():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


def chain_source(terms, op='+'):
    return 'def f(x):\n    return ' + (' %s ' % op).join(['x'] * terms) + '\n'


def test_gast_conversion_of_deep_trees_round_trips(low_recursion_limit):
    source = ('def f(x, *a, k=1):\n    try:\n        return '
              + ' + '.join(['x'] * 800) + ' * (lambda q=2: q)(y - z[1:2].a)\n'
              + '    except E as e:\n        pass\n')
    tree = ast.parse(source)
    before = ast.dump(tree)
    converted = gast_util.ast_to_gast(tree)
    assert ast.dump(tree) == before                 # the input is left as it was
    assert isinstance(converted.body[0], gast.FunctionDef)
    back = gast_util.gast_to_ast(converted)
    assert ast.dump(back) == before
    compile(back, '<deep>', 'exec')


def test_shallow_trees_convert_like_gast():
    source = 'def f(x, *a, k=1):\n    return [v + k async for v in a] if x else {**k}\n'
    tree = ast.parse(source)
    assert gast.dump(gast_util.ast_to_gast(tree)) == gast.dump(gast.ast_to_gast(tree))


def test_unparse_of_a_deep_chain(low_recursion_limit):
    text = parser.unparse(parser.parse(chain_source(900, '-')))
    assert text == chain_source(900, '-').rstrip('\n')


def test_unparse_of_operator_chains_matches_the_stdlib():
    rng = random.Random(7)
    ops = ['+', '-', '*', '/', '//', '%', '**', '<<', '>>', '|', '&', '^', '@']

    def expression(depth):
        if depth == 0 or rng.random() < 0.2:
            return rng.choice(['a', 'b', '-c', 'd.e', 'f(g)', '(h if i else j)', 'k[1]'])
        return '(%s %s %s)' % (expression(depth - 1), rng.choice(ops), expression(depth - 1))

    for _ in range(300):
        source = expression(5)
        assert parser.unparse(parser.parse(source)) == ast.unparse(ast.parse(source)), source


class _Names(transformer.Base):
    """Records Name loads in visiting order and renames them."""

    def __init__(self):
        super().__init__(transformer.Context('<test>', None, None))
        self.seen = []

    def visit_Name(self, node):
        self.seen.append(node.id)
        return gast.Name(id=node.id.upper(), ctx=node.ctx, annotation=None, type_comment=None)


def test_transformer_walks_deep_chains_in_order(low_recursion_limit):
    terms = ['v%d' % i for i in range(900)]
    tree = parser.parse('def f():\n    return ' + ' + '.join(terms) + '\n')
    visitor = _Names()
    visitor.visit(tree.body[0])
    assert visitor.seen == terms
    assert parser.unparse(tree) == 'def f():\n    return ' + ' + '.join(
        t.upper() for t in terms)


class _RecursiveNames(_Names):
    """The same visitor walking by recursion (a subclass refining generic_visit does)."""

    def generic_visit(self, node):
        return super().generic_visit(node)


def test_transformer_order_is_the_recursive_order():
    source = ('def f(a, *, k=z):\n    for t in u:\n        q = g(a, b[c], *d, k=e + f.h)(i) '
              'if j else [m for m in n if m]\n    return {p: not q for p in (r, s)}, lambda w: w\n')
    iterative, recursive = _Names(), _RecursiveNames()
    iterative.visit(parser.parse(source).body[0])
    recursive.visit(parser.parse(source).body[0])
    assert iterative.seen == recursive.seen
    assert iterative.seen[:6] == ['a', 'k', 'z', 't', 'u', 'q']


def test_a_subclass_that_refines_generic_visit_sees_every_node():
    class Counting(transformer.Base):
        def __init__(self):
            super().__init__(transformer.Context('<test>', None, None))
            self.count = 0

        def generic_visit(self, node):
            self.count += 1
            return super().generic_visit(node)

    tree = parser.parse('def f(x):\n    return x + 1 + 2\n')
    counting = Counting()
    counting.visit(tree.body[0])
    # FunctionDef, arguments, the parameter, Return, 2 BinOps, x, 2 Constants.
    assert counting.count == 9


@pytest.mark.parametrize('terms', [500, 800])
def test_long_sums_convert_run_and_show(low_recursion_limit, terms):
    f = make_function(chain_source(terms))
    assert ag.to_graph(f)(2) == 2 * terms
    code = ag.to_code(f)
    assert code.count('x + x') >= terms // 2 - 1
    assert ag.to_code(f, line_numbers=True).splitlines()[-1].endswith('# L2')


def test_code_nested_deeper_than_the_limit_is_a_clear_conversion_error(low_recursion_limit):
    try:
        f = make_function(chain_source(1500))
    except RecursionError:
        pytest.skip('this Python cannot compile the function itself')
    with pytest.raises(errors.ConversionError) as info:
        ag.to_graph(f)
    err = info.value
    assert err.construct == 'nesting' and err.lineno == 1
    assert 'nested too deeply' in str(err) and 'recursion limit' in str(err)
    assert 'sys.setrecursionlimit' in err.hint
    with pytest.raises(errors.ConversionError, match='nested too deeply'):
        ag.to_code(f)
    with pytest.raises(errors.ConversionError, match="'f': its code is nested too deeply"):
        api.convert_module_source(chain_source(1500), 'deep.py')
