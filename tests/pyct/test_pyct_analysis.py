"""Analyses as text dumps: one golden string per analysis and function."""
import pytest

from autograph.pyct import activity
from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import liveness
from autograph.pyct import parser
from autograph.pyct import reaching_definitions

SOURCES = {
'straight': '''
def f(a, b):
    c = a + b
    d = c * 2
    return d
''',
'branch': '''
def f(x):
    if x > 0:
        y = x
    else:
        z = 1
    return y
''',
'loop': '''
def f(n):
    s = 0
    i = 0
    while i < n:
        t = i * 2
        s += t
        i += 1
    return s
''',
'for_break': '''
def f(items):
    for x in items:
        if x:
            break
        y = x
    else:
        y = 0
    return x, y
''',
'try': '''
def f(x):
    try:
        y = g(x)
    except ValueError as e:
        y = str(e)
    finally:
        z = 1
    return y
''',
'closure': '''
def f(x):
    k = 2
    def inner(v):
        nonlocal x
        x = v + k
    inner(1)
    h = lambda q: q + k
    return [i for i in range(x) if i > k], h
''',
'composite': '''
def f(self, a):
    self.x = a
    a.b[0] = self.y
    del a
    return self.x
''',
}

EXPECTED = {
    'straight': {
        'cfg': 'entry -> 3:assign\nexit -> \n3:assign -> 4:assign\n4:assign -> 5:return\n5:return -> exit',
        'activity': '2 FunctionDef.body: read={a, b, c, d} modified={c, d} created={c, d}',
        'liveness': '3:assign: in={a, b} out={c}\n4:assign: in={c} out={d}\n5:return: in={d} out={}',
        'reaching_definitions': '3:assign: a@arg b@arg c@? d@?\n4:assign: a@arg b@arg c@3 d@?\n5:return: a@arg b@arg c@3 d@4',
    },
    'branch': {
        'cfg': 'entry -> 3:if\nexit -> \n3:if -> 4:assign, 6:assign\n4:assign -> 7:return\n6:assign -> 7:return\n7:return -> exit',
        'activity': '2 FunctionDef.body: read={x, y} modified={y, z} created={y, z}\n3 If.cond: read={x} modified={} created={}\n3 If.body: read={x} modified={y} created={y}\n3 If.orelse: read={} modified={z} created={z}',
        'liveness': '3:if: in={x, y} out={x, y}\n4:assign: in={x} out={y}\n6:assign: in={y} out={y}\n7:return: in={y} out={}',
        'reaching_definitions': '3:if: x@arg y@? z@?\n4:assign: x@arg y@? z@?\n6:assign: x@arg y@? z@?\n7:return: x@arg y@?,4 z@?,6',
    },
    'loop': {
        'cfg': 'entry -> 3:assign\nexit -> \n3:assign -> 4:assign\n4:assign -> 5:while\n5:while -> 6:assign, 9:return\n6:assign -> 7:augassign\n7:augassign -> 8:augassign\n8:augassign -> 5:while\n9:return -> exit',
        'activity': '2 FunctionDef.body: read={i, n, t, s} modified={s, i, t} created={s, i, t}\n5 While.cond: read={i, n} modified={} created={}\n5 While.body: read={i, t, s} modified={t, s, i} created={t}',
        'liveness': '3:assign: in={n} out={n, s}\n4:assign: in={n, s} out={i, n, s}\n5:while: in={i, n, s} out={i, n, s}\n6:assign: in={i, n, s} out={i, n, s, t}\n7:augassign: in={i, n, s, t} out={i, n, s}\n8:augassign: in={i, n, s} out={i, n, s}\n9:return: in={s} out={}',
        'reaching_definitions': '3:assign: i@? n@arg s@? t@?\n4:assign: i@? n@arg s@3 t@?\n5:while: i@4,8 n@arg s@3,7 t@?,6\n6:assign: i@4,8 n@arg s@3,7 t@?,6\n7:augassign: i@4,8 n@arg s@3,7 t@6\n8:augassign: i@4,8 n@arg s@7 t@6\n9:return: i@4,8 n@arg s@3,7 t@?,6',
    },
    'for_break': {
        'cfg': 'entry -> 3:for-iter\nexit -> \n3:for-iter -> 3:for\n3:for -> 3:for-target, 8:assign\n3:for-target -> 4:if\n4:if -> 5:break, 6:assign\n5:break -> 9:return\n6:assign -> 3:for\n8:assign -> 9:return\n9:return -> exit',
        'activity': '2 FunctionDef.body: read={items, x, y} modified={x, y} created={x, y}\n3 For.iter: read={items} modified={} created={}\n3 For.body: read={x} modified={y} created={y}\n3 For.orelse: read={} modified={y} created={}\n4 If.cond: read={x} modified={} created={}\n4 If.body: read={} modified={} created={}',
        'liveness': '3:for-iter: in={items, x, y} out={x, y}\n3:for: in={x, y} out={x, y}\n3:for-target: in={y} out={x, y}\n4:if: in={x, y} out={x, y}\n5:break: in={x, y} out={x, y}\n6:assign: in={x} out={x, y}\n8:assign: in={x} out={x, y}\n9:return: in={x, y} out={}',
        'reaching_definitions': '3:for-iter: items@arg x@? y@?\n3:for: items@arg x@?,3 y@?,6\n3:for-target: items@arg x@?,3 y@?,6\n4:if: items@arg x@3 y@?,6\n5:break: items@arg x@3 y@?,6\n6:assign: items@arg x@3 y@?,6\n8:assign: items@arg x@?,3 y@?,6\n9:return: items@arg x@?,3 y@?,6,8',
    },
    'try': {
        'cfg': 'entry -> 3:try\nexit -> \n3:try -> 5:except, 4:assign\n4:assign -> 5:except, 8:assign\n5:except -> 6:assign\n6:assign -> 8:assign\n8:assign -> 9:return\n9:return -> exit',
        'activity': '2 FunctionDef.body: read={g, x, ValueError, str, e, y} modified={y, e, z} created={y, e, z}\n3 Try.body: read={g, x} modified={y} created={y}\n5 ExceptHandler.body: read={str, e} modified={y} created={}',
        'liveness': '3:try: in={x} out={x}\n4:assign: in={x} out={y}\n5:except: in={} out={e}\n6:assign: in={e} out={y}\n8:assign: in={y} out={y}\n9:return: in={y} out={}',
        'reaching_definitions': '3:try: e@? x@arg y@? z@?\n4:assign: e@? x@arg y@? z@?\n5:except: e@? x@arg y@?,4 z@?\n6:assign: e@5 x@arg y@?,4 z@?\n8:assign: e@?,5 x@arg y@4,6 z@?\n9:return: e@?,5 x@arg y@4,6 z@8',
    },
    'closure': {
        'cfg': 'entry -> 3:assign\nexit -> \n3:assign -> 4:functiondef\n4:functiondef -> 7:expr\n7:expr -> 8:assign\n8:assign -> 9:return\n9:return -> exit',
        'activity': '2 FunctionDef.body: read={k, x, inner, range, h} modified={k, inner, x, h} created={k, inner, h}\n4 FunctionDef.body: read={v, k} modified={x} created={x}',
        'liveness': '3:assign: in={k, x} out={k, x}\n4:functiondef: in={k, x} out={inner, k, x}\n7:expr: in={inner, k, x} out={k, x}\n8:assign: in={k, x} out={h, k, x}\n9:return: in={h, k, x} out={k, x}',
        'reaching_definitions': '3:assign: h@? inner@? k@? x@arg\n4:functiondef: h@? inner@? k@3 x@arg\n7:expr: h@? inner@4 k@3 x@4\n8:assign: h@? inner@4 k@3 x@4\n9:return: h@8 inner@4 k@3 x@4',
    },
    'composite': {
        'cfg': 'entry -> 3:assign\nexit -> \n3:assign -> 4:assign\n4:assign -> 5:delete\n5:delete -> 6:return\n6:return -> exit',
        'activity': '2 FunctionDef.body: read={self, a, a.b, self.y, self.x} modified={a, self.x, a.b[0]} created={}',
        'liveness': '3:assign: in={a, self} out={a, self}\n4:assign: in={a, self} out={a, self}\n5:delete: in={a, self} out={self}\n6:return: in={self} out={}',
        'reaching_definitions': '3:assign: a@arg self@arg\n4:assign: a@arg self@arg\n5:delete: a@arg self@arg\n6:return: a@? self@arg',
    },
}



def _analyzed(name):
    fn = parser.parse(SOURCES[name]).body[0]
    analysis.analyze(fn)
    return fn


DUMPS = {
    'cfg': lambda fn: anno.getanno(fn, anno.Static.CFG).dump(),
    'activity': activity.dump,
    'liveness': liveness.dump,
    'reaching_definitions': reaching_definitions.dump,
}


@pytest.mark.parametrize('name', sorted(SOURCES))
@pytest.mark.parametrize('analysis_name', sorted(DUMPS))
def test_dump(name, analysis_name):
    assert DUMPS[analysis_name](_analyzed(name)) == EXPECTED[name][analysis_name]


def test_analyses_do_not_change_the_tree():
    fn = parser.parse(SOURCES['for_break']).body[0]
    before = parser.unparse(fn)
    analysis.analyze(fn)
    assert parser.unparse(fn) == before


def test_statement_annotations_used_by_converters():
    fn = _analyzed('branch')
    if_stmt = fn.body[0]
    assert set(anno.getanno(if_stmt, anno.Static.LIVE_OUT)) == {'y'}
    assert list(anno.getanno(if_stmt, anno.Static.BODY_SCOPE).modified) == ['y']
    defined = anno.getanno(fn.body[1], anno.Static.DEFINED_IN)
    assert reaching_definitions.possibly_undefined(defined, ['x', 'y', 'z']) == ['y', 'z']
    assert not reaching_definitions.only_undefined(defined, 'y')
    loop = _analyzed('loop').body[2]
    assert set(anno.getanno(loop, liveness.LIVE_HEAD)) == {'i', 'n', 's'}


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_defined_in_agrees_with_the_definition_sites(name):
    # DEFINED_IN keeps two bits per name; they must say what the sets of definition sites
    # that `solve` computes say: UNDEFINED among them, and UNDEFINED alone.
    fn = _analyzed(name)
    graph = anno.getanno(fn, anno.Static.CFG)
    fscope = anno.getanno(fn, anno.Static.SCOPE)
    ins, outs = reaching_definitions.solve(graph, fscope.params, fscope.locals)
    names = list(fscope.params) + list(fscope.locals) + ['not_a_local']
    seen = 0
    for node in graph.nodes:
        defined = anno.getanno(node.ast_node, anno.Static.DEFINED_IN, None)
        if defined is None or node.kind in ('entry', 'exit', 'for', 'target', 'with_exit'):
            continue
        if node.kind == 'while':   # what reaches the loop from before it
            sites = {}
            for p in node.prev:
                if p.index < node.index:
                    for k, v in outs[p.index].items():
                        sites[k] = sites.get(k, frozenset()) | v
        else:
            sites = ins[node.index]
        undefined = reaching_definitions.UNDEFINED
        assert reaching_definitions.possibly_undefined(defined, names) == [
            n for n in names if undefined in sites.get(n, ())]
        for n in names:
            assert reaching_definitions.only_undefined(defined, n) == (
                sites.get(n) == frozenset((undefined,)))
        seen += 1
    assert seen


def test_function_scope():
    fn = _analyzed('closure')
    scope = anno.getanno(fn, anno.Static.SCOPE)
    assert list(scope.params) == ['x']
    assert set(scope.locals) == {'k', 'inner', 'h'}
    inner = anno.getanno(fn.body[1], anno.Static.SCOPE)
    assert set(inner.nonlocals) == {'x'} and set(inner.assigned_nonlocals) == {'x'}
    assert set(inner.free) >= {'k', 'x'}


def test_bound_names():
    fn = parser.parse(SOURCES['closure']).body[0]
    assert activity.bound_names(fn) == {'x', 'k', 'inner', 'h'}


def _corpus_functions():
    """Every function of the golden inputs, the examples, autograph's own sources and some
    generated fuzz programs, analysed as control_flow analyses them (node defs included)."""
    import pathlib
    import sys

    import gast
    root = pathlib.Path(__file__).resolve().parents[2]
    files = (sorted(root.glob('tests/golden/*/input.py')) + sorted(root.glob('examples/*.py'))
             + sorted(root.glob('autograph/**/*.py')) + [root / 'tests' / 'samples.py'])
    sources = [p.read_text(encoding='utf-8') for p in files]
    sys.path.insert(0, str(root / 'tests' / 'fuzz'))
    try:
        import fuzzgen
        import pygen
    finally:
        sys.path.pop(0)
    sources += [fuzzgen.generate(seed).source for seed in range(40)]
    sources += [pygen.generate(700000 + seed).source for seed in range(40)]
    for source in sources:
        for node in gast.walk(parser.parse(source)):
            if type(node) is gast.FunctionDef:
                try:
                    analysis.analyze(node, staged_state=True)
                except Exception:  # noqa: BLE001 - (what the converters would refuse)
                    continue
                yield node


def test_maybe_undefined_agrees_with_the_definition_sites():
    # What the variables converter asks (plain Python: node defs ignored), from bitsets; it
    # must be what the sets of definition sites of `solve(..., node_defs=False)` say.
    undefined = reaching_definitions.UNDEFINED
    compared = found = 0
    for fn in _corpus_functions():
        graph = anno.getanno(fn, anno.Static.CFG)
        fscope = anno.getanno(fn, anno.Static.SCOPE)
        names = set(fscope.params) | set(fscope.locals) | {'not_a_local'}
        wanted = {node.index: names for node in graph.nodes}
        ins, _ = reaching_definitions.solve(graph, fscope.params, fscope.locals, node_defs=False)
        expected = {}
        for index, state in enumerate(ins):
            here = {n for n in names if state and undefined in state.get(n, ())}
            if here:
                expected[index] = here
        assert reaching_definitions.maybe_undefined(
            graph, fscope.params, fscope.locals, wanted) == expected, fn.name
        compared += 1
        found += bool(expected)
    assert compared > 1000 and found > 100
