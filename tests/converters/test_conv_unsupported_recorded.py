"""`unsupported` answers from what the conversion to gast recorded (gast_util.Recorded) when
there is nothing it could refuse: the facts later converters read must be those its walk
gives (node types, chained comparisons) and those of jumps.record_locals (the names the
original code binds), and everything it refuses must still be refused."""
import ast
import pathlib

import gast
import pytest

from autograph.converters import try_statements
from autograph.converters import unsupported
from autograph.pyct import anno
from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import jumps
from autograph.pyct import module_functions
from autograph.pyct import naming
from autograph.pyct import transformer

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Every node type a converter asks `has_nodes` about.
ASKED = [gast.Continue, gast.While, gast.For, gast.Try, gast.Call, gast.IfExp, gast.FunctionDef,
         gast.Delete, gast.If, gast.BoolOp, gast.UnaryOp, gast.Compare, gast.Not, gast.Assert,
         gast.In, gast.NotIn, gast.Global, gast.Nonlocal, gast.NamedExpr, gast.ClassDef,
         gast.AsyncFunctionDef, gast.And, gast.Or]


def _check(node, lines, recorded):
    g = gast_util.ast_to_gast(node)
    g.decorator_list = []
    if not recorded:
        anno.delanno(g, anno.Key.NODE_TYPES)
    ctx = transformer.Context('t.py', lines, naming.Namer())
    try:
        unsupported.transform(g, ctx)
    except errors.ConversionError as e:
        return 'error', str(e)
    try_statements.transform(g, ctx)
    return ctx.info['node_types'], ctx.info['chained_comparisons'], anno.getanno(g, jumps.LOCALS)


def _functions():
    paths = sorted(ROOT.glob('tests/golden/*/input.py')) + sorted(ROOT.glob('examples/*.py'))
    paths += [ROOT / 'tests' / 'converters' / 'conversion_corpus.py',
              ROOT / 'tests' / 'samples.py', ROOT / 'tests' / 'test_bad_inputs.py']
    paths += sorted(ROOT.glob('autograph/**/*.py'))
    for p in paths:
        text = p.read_text(encoding='utf-8')
        tree = ast.parse(text)
        lines = text.splitlines(True)
        for qualname, node, _ in module_functions.walk(tree.body):
            yield '%s:%s' % (p.relative_to(ROOT), qualname), node, lines
        for node in ast.walk(tree):     # nested functions too, as to_graph converts them
            if type(node) is ast.FunctionDef:
                yield '%s:%d' % (p.relative_to(ROOT), node.lineno), node, lines
    source = ('def outer():\n    x = 0\n    def g():\n        nonlocal x\n        x = 1\n'
              '        return x\n    return g\n')
    yield 'nonlocal', ast.parse(source).body[0].body[1], source.splitlines(True)


def test_recorded_facts_are_the_walks():
    count = taken = 0
    for where, node, lines in _functions():
        fast = _check(node, lines, True)
        walked = _check(node, lines, False)
        count += 1
        if fast[0] == 'error' or walked[0] == 'error':
            assert fast == walked, where
            continue
        taken += 1
        types, chained, local = fast
        assert chained == walked[1], where
        assert local == walked[2], where        # (what jumps.record_locals finds)
        for t in ASKED:
            if node.decorator_list:     # (decorators count for the recording: more, never less)
                assert t in types or t not in walked[0], (where, t)
            else:
                assert (t in types) == (t in walked[0]), (where, t)
    assert count > 500 and taken > 300, (count, taken)


@pytest.mark.parametrize('source', [
    'def f(s):\n    return eval(s)\n',
    'def f():\n    return locals()\n',
    'def f():\n    global g\n    g = 1\n',
    'def f(n):\n    yield n\n',
    'def f(x):\n    while (y := x):\n        x -= 1\n',
    'def f(x):\n    match x:\n        case 1:\n            return 1\n',
])
def test_what_is_refused_is_still_refused(source):
    node = ast.parse(source).body[0]
    assert _check(node, source.splitlines(True), True)[0] == 'error'


def test_the_converted_code_is_the_same_without_the_recording():
    from autograph.converters import pipeline
    from autograph.pyct import parser

    def convert(node, lines, recorded):
        g = gast_util.ast_to_gast(node)
        g.decorator_list = []
        if not recorded:
            anno.delanno(g, anno.Key.NODE_TYPES)
        ctx = transformer.Context('t.py', lines, naming.Namer({'f', 'x'}))
        try:
            return parser.unparse(pipeline.convert(g, ctx))
        except errors.ConversionError as e:
            return str(e)

    count = 0
    for where, node, lines in _functions():
        if not where.startswith(('autograph/', 'nonlocal')) or 'converters' in where \
                or 'pyct' in where:
            assert convert(node, lines, True) == convert(node, lines, False), where
            count += 1
    assert count > 300, count
