"""logical_expressions looks only at the tests of if/while statements and for loops' extra
tests when the function's own code has no `and`/`or`, `not` or chained comparison: then the
only ones are the flag tests that the jump converters made (`add_nodes(..., in_tests=True)`).
The converted code, and the location of every node, must be those of the whole walk."""
import ast
import pathlib

import gast

from autograph.converters import logical_expressions
from autograph.converters import pipeline
from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import module_functions
from autograph.pyct import naming
from autograph.pyct import parser
from autograph.pyct import transformer
from tests.fuzz import fuzzgen
from tests.fuzz import pygen

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sources():
    paths = sorted(ROOT.glob('tests/golden/*/input.py')) + sorted(ROOT.glob('examples/*.py'))
    paths += [ROOT / 'tests' / 'converters' / 'conversion_corpus.py',
              ROOT / 'tests' / 'samples.py', ROOT / 'tests' / 'test_bad_inputs.py']
    paths += sorted(ROOT.glob('autograph/**/*.py'))
    for p in paths:
        yield str(p.relative_to(ROOT)), p.read_text(encoding='utf-8')
    for seed in range(40):
        yield 'fuzzgen %d' % seed, fuzzgen.generate(seed).source
        yield 'pygen %d' % seed, pygen.generate(seed).source


def _functions():
    for where, text in _sources():
        tree = ast.parse(text)
        lines = text.splitlines(True)
        for qualname, node, _ in module_functions.walk(tree.body):
            yield '%s:%s' % (where, qualname), node, lines
        for node in ast.walk(tree):     # nested functions too, as to_graph converts them
            if type(node) is ast.FunctionDef:
                yield '%s:%d' % (where, node.lineno), node, lines


def _convert(node, lines, whole_walk):
    g = gast_util.ast_to_gast(node)
    g.decorator_list = []
    ctx = transformer.Context('t.py', lines, naming.Namer({'f', 'x'}))
    try:
        for name, transform in pipeline.PIPELINE:
            if whole_walk and name == 'logical_expressions':
                ctx.info.pop('in_tests_only', None)     # (every type counts as anywhere)
            g = transform(g, ctx)
    except errors.ConversionError as e:
        return str(e)
    located = [(type(n).__name__,) + tuple(n.__dict__.get(a) for a in (
        'lineno', 'col_offset', 'end_lineno', 'end_col_offset')) for n in gast.walk(g)]
    return parser.unparse(g), located


def test_the_tests_only_walk_gives_what_the_whole_walk_gives(monkeypatch):
    taken = []
    original = logical_expressions.LogicalExpressionTransformer.visit_tests

    def counting(self, node):
        taken.append(node)
        return original(self, node)

    monkeypatch.setattr(logical_expressions.LogicalExpressionTransformer, 'visit_tests',
                        counting)
    count = 0
    for where, node, lines in _functions():
        before = len(taken)
        fast = _convert(node, lines, False)
        used = len(taken) > before
        assert fast == _convert(node, lines, True), where
        count += used
    assert count > 100, count


def test_only_flag_tests_are_in_tests():
    ctx = transformer.Context('t.py', [], naming.Namer())
    ctx.info['node_types'] = {gast.If, gast.UnaryOp, gast.USub}
    ctx.add_nodes(gast.UnaryOp, gast.Not, gast.BoolOp, in_tests=True)
    assert ctx.has_nodes(gast.Not, gast.BoolOp)
    assert not ctx.has_nodes_outside_tests(gast.Not, gast.BoolOp)
    assert ctx.has_nodes_outside_tests(gast.UnaryOp)    # (the function's own `-x`)
    ctx.add_nodes(gast.Not)     # a converter that may put one anywhere
    assert ctx.has_nodes_outside_tests(gast.Not)
    ctx.add_nodes(gast.BoolOp, in_tests=True)
    assert not ctx.has_nodes_outside_tests(gast.BoolOp)
    unknown = transformer.Context('t.py', [], naming.Namer())
    assert unknown.has_nodes_outside_tests(gast.Not)


def test_a_flag_test_is_rewritten_and_the_rest_is_not_walked(monkeypatch):
    source = ('def f(items, limit):\n    total = -limit\n    for v in items:\n'
              '        if v > limit:\n            break\n        while v:\n'
              '            v -= 1\n            if v == 3:\n                break\n'
              '        total += v\n    return total\n')
    walked = []
    original = logical_expressions.LogicalExpressionTransformer.generic_visit

    def recording(self, node):
        walked.append(type(node))
        return original(self, node)

    monkeypatch.setattr(logical_expressions.LogicalExpressionTransformer, 'generic_visit',
                        recording)
    code, _ = _convert(ast.parse(source).body[0], source.splitlines(True), False)
    assert 'return ag__.not_(break__1)' in code     # the for loop's extra test
    assert 'ag__.and_test(lambda: ag__.not_(break_), lambda: v)' in code   # a while test
    assert 'not ' not in code
    assert gast.FunctionDef not in walked and gast.Assign not in walked
