"""Templates, naming, qualified names, the loader and origin information."""
import linecache
import sys
import traceback

import gast
import pytest

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import errors
from autograph.pyct import loader
from autograph.pyct import naming
from autograph.pyct import origin_info
from autograph.pyct import parser
from autograph.pyct import qual_names
from autograph.pyct import templates
from autograph.pyct import transformer
from pyct_helpers import make_function


# --- templates ------------------------------------------------------------------------------

def test_template_replaces_names_params_bodies_and_expressions():
    body = parser.parse('y = x + 1\nz = y').body
    out = templates.replace('''
        def fn_name(params):
            body
            return result
    ''', fn_name='f', params=['x', 'w'], body=body,
        result=parser.parse_expression('(y, z)'))
    assert parser.unparse(out) == 'def f(x, w):\n    y = x + 1\n    z = y\n    return y, z'


def test_template_store_context_and_string_rename():
    out = templates.replace('target = ag__.helper(value)', target=ast_util.targets_for(['a', 'b']),
                            value='v')
    assert parser.unparse(out) == 'a, b = ag__.helper(v)'
    assert isinstance(out[0].targets[0].ctx, gast.Store)


def test_template_is_parsed_once_and_copied():
    t = 'x = 1 + placeholder'
    a = templates.replace(t, placeholder='p')
    b = templates.replace(t, placeholder='q')
    assert parser.unparse(a) == 'x = 1 + p' and parser.unparse(b) == 'x = 1 + q'
    assert any(key[0] == t for key in templates._builders)
    assert a[0] is not b[0]


def _locations(nodes):
    return [(type(n).__name__, getattr(n, 'id', None),
             tuple(n.__dict__.get(a) for a in ('lineno', 'col_offset', 'end_lineno',
                                                'end_col_offset')))
            for n in gast.walk(gast.Module(body=nodes, type_ignores=[]))]


def test_template_replace_at_locates_like_fill_locations():
    # New nodes get the replaced node's start; located user code keeps its own positions;
    # unlocated replacements (a generated tuple, a statement) are located like new nodes.
    template = '''
        def fn_name(params):
            body
            return state
        target = ag__.helper(fn_name, test, state)
    '''

    def build(replace):
        src = parser.parse('if  a > 1:\n    y = a\n    z = y')
        at = src.body[0]
        user = at.body
        generated = gast.Pass()
        kwargs = dict(fn_name='f', params=['a', 'y'], body=user + [generated], test=at.test,
                      state=ast_util.names_tuple(['y', 'z']),
                      target=ast_util.targets_for(['y', 'z']))
        return replace(at, kwargs)

    def then_fill(at, kwargs):
        out = templates.replace(template, **kwargs)
        ast_util.fill_locations(out, at)
        return out

    located = build(lambda at, kwargs: templates.replace_at(at, template, **kwargs))
    filled = build(then_fill)
    assert _locations(located) == _locations(filled)
    assert parser.unparse(located) == parser.unparse(filled)
    assert located[0].lineno == 1 and located[0].col_offset == 0
    assert located[0].body[0].col_offset == 4           # the user's `y = a` keeps its own
    assert located[1].value.args[1].col_offset == 4     # the test `a > 1` too
    assert located[0].body[2].lineno == 1               # the generated `pass` is located


def test_template_expression():
    e = templates.replace_as_expression('ag__.not_(x)', x=parser.parse_expression('a < b'))
    assert parser.unparse(e) == 'ag__.not_(a < b)'
    with pytest.raises(ValueError):
        templates.replace_as_expression('x = 1')


# --- naming ---------------------------------------------------------------------------------

def test_namer_never_clashes():
    namer = naming.Namer(naming.identifiers('if_true = if_true_1 + retval_'))
    assert namer.new_symbol('if_true') == 'if_true_2'
    assert namer.new_symbol('if_true') == 'if_true_3'
    assert namer.new_symbol('retval_') == 'retval__1'
    assert namer.new_symbol('loop_body') == 'loop_body'
    assert namer.new_symbol('ag__') == 'ag___1'


# --- qualified names ------------------------------------------------------------------------

def test_qual_names():
    node = parser.parse_expression('a.b[0].c[i]')
    qn = qual_names.from_node(node)
    assert str(qn) == 'a.b[0].c[i]'
    assert not qn.is_simple and str(qn.root) == 'a'
    assert qn.support_set == {'a', 'i'}
    assert qual_names.QN('x').is_simple
    assert qual_names.from_node(parser.parse_expression('f().x')) is None
    assert qual_names.QN(qual_names.QN('a'), attr='b') == qual_names.QN(qual_names.QN('a'),
                                                                         attr='b')
    tree = parser.parse('y = a.b + c[1]')
    qual_names.resolve(tree)
    found = {str(anno.getanno(n, anno.Basic.QN)) for n in gast.walk(tree)
             if anno.hasanno(n, anno.Basic.QN)}
    assert found == {'y', 'a', 'a.b', 'c', 'c[1]'}


# --- transformer base -----------------------------------------------------------------------

def test_new_nodes_get_the_location_of_the_node_they_replace():
    tree = parser.parse('\n\nx = f(a)\n')

    class Wrap(transformer.Base):
        def visit_Call(self, node):
            node = self.generic_visit(node)
            return templates.replace_as_expression('wrap(call)', call=node)

    ctx = transformer.Context('<t>', None, naming.Namer())
    out = Wrap(ctx).visit(tree)
    call = out.body[0].value
    assert parser.unparse(call) == 'wrap(f(a))'
    assert call.lineno == 3 and call.func.lineno == 3
    assert call.args[0].col_offset == 4   # the original call keeps its own position


def test_context_error_names_file_line_and_source():
    ctx = transformer.Context('model.py', ['a = 1\n', 'yield x\n'], naming.Namer())
    node = parser.parse('\nyield x').body[0]
    err = ctx.error(node, 'generators are not supported', construct='yield', hint='do this')
    assert isinstance(err, errors.ConversionError)
    assert str(err) == ('model.py:2: generators are not supported\n    yield x\n'
                        '  fix: do this')
    assert (err.filename, err.lineno, err.construct) == ('model.py', 2, 'yield')


# --- loader and origin info -----------------------------------------------------------------

def _load(source, name):
    f = make_function(source, name)
    entity = parser.parse_entity(f)
    code = loader.compile_function(entity.node, entity.filename, f.__code__.co_freevars)
    return f, loader.new_function(code, f, sys.modules[__name__])


def test_loaded_code_keeps_user_file_and_lines_in_tracebacks():
    f, g = _load('''
        def divide(x, y):
            z = x + 1
            return z / y
    ''', 'divide')
    assert g(1, 2) == 1.0
    with pytest.raises(ZeroDivisionError) as info:
        g(1, 0)
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert frame.filename == f.__code__.co_filename
    assert frame.lineno == 4 and frame.name == 'divide'
    assert frame.line.strip() == 'return z / y'


def test_loaded_function_shares_globals_closure_and_defaults():
    def outer():
        counter = [0]

        def inc(step=2, *, extra=1):
            counter[0] += step + extra
            return counter[0]
        return inc, counter
    inc, counter = outer()
    entity = parser.parse_entity(inc)
    code = loader.compile_function(entity.node, entity.filename, inc.__code__.co_freevars)
    g = loader.new_function(code, inc, sys.modules[__name__])
    assert g() == 3 and counter[0] == 3
    assert g(10, extra=0) == 13
    assert g.__name__ == 'inc' and g.__qualname__ == inc.__qualname__
    assert g.__globals__ is inc.__globals__


def test_register_source_uses_an_autograph_name():
    name = loader.register_source('def f():\n    return 1', 'f')
    assert name.startswith('<autograph f')
    assert linecache.getlines(name) == ['def f():\n', '    return 1\n']


def test_origin_line_map():
    tree = parser.parse('\n\ndef f(x):\n    if x:\n        x = 2\n    return x\n')
    text = parser.unparse(tree)
    mapping = origin_info.line_map(tree.body[0], text)
    assert mapping == {1: 3, 2: 4, 3: 5, 4: 6}
    annotated = origin_info.annotate_lines(text, mapping, 'm.py')
    assert annotated.splitlines()[0] == '# generated by autograph from m.py'
    assert annotated.splitlines()[2].endswith('# L4')
    info = origin_info.origin_of('m.py', ['a\n', 'b\n'], 2)
    assert info == origin_info.OriginInfo('m.py', 2, 'b')
