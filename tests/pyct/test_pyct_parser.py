import functools
import inspect
import linecache
import sys

import gast
import pytest

from autograph.pyct import errors
from autograph.pyct import module_text
from autograph.pyct import parser
from autograph.pyct import unparsing
from pyct_helpers import make_function


def deco(f):
    return f


@deco
@functools.lru_cache(maxsize=None)
def _decorated(x):
    return x


class _Outer:
    def method(self, x):
        s = '''a string
that starts lines at column zero'''
        return s + str(x)

    class Inner:
        def deep(self):
            return 1


def test_function_keeps_file_line_numbers_and_drops_decorators():
    def f(x):
        return x + 1
    entity = parser.parse_entity(f)
    assert isinstance(entity.node, gast.FunctionDef)
    assert entity.node.name == 'f'
    assert entity.node.lineno == f.__code__.co_firstlineno
    assert entity.node.body[0].lineno == f.__code__.co_firstlineno + 1
    assert entity.filename == f.__code__.co_filename


def test_decorators_are_removed():
    entity = parser.parse_entity(_decorated.__wrapped__)
    assert entity.node.decorator_list == []
    assert entity.node.name == '_decorated'
    assert entity.source.startswith('@deco')


def test_methods_and_nested_classes_parse_without_dedent_damage():
    entity = parser.parse_entity(_Outer.method)
    assert entity.node.name == 'method'
    assert entity.node.col_offset == 4
    text = parser.unparse(entity.node)
    assert 'that starts lines at column zero' in text
    deep = parser.parse_entity(_Outer.Inner.deep)
    assert deep.node.name == 'deep' and deep.node.col_offset == 8


def test_bound_method_and_nested_function():
    def outer():
        def inner(y):
            return y * 2
        return inner
    assert parser.parse_entity(outer()).node.name == 'inner'
    assert parser.parse_entity(_Outer().method).node.name == 'method'


def test_lambda_alone():
    f = lambda x: x * 2  # noqa: E731
    entity = parser.parse_entity(f)
    assert isinstance(entity.node, gast.Lambda)
    assert parser.unparse(entity.node) == 'lambda x: x * 2'
    assert entity.node.lineno == f.__code__.co_firstlineno


def test_several_lambdas_on_one_line_pick_the_right_one():
    a, b, c = (lambda x: x + 1), (lambda x: x + 2), (lambda y: y * 3)
    assert parser.unparse(parser.parse_entity(a).node) == 'lambda x: x + 1'
    assert parser.unparse(parser.parse_entity(b).node) == 'lambda x: x + 2'
    assert parser.unparse(parser.parse_entity(c).node) == 'lambda y: y * 3'


def test_lambda_spanning_lines_inside_a_call():
    fs = list(map(lambda v:
                  v + 10, [1]))
    assert fs == [11]
    g = sorted([3, 1], key=lambda v:
               -v)
    assert g == [3, 1]
    holder = []
    holder.append(lambda q:
                  q * 5)
    assert parser.unparse(parser.parse_entity(holder[0]).node) == 'lambda q: q * 5'


def test_lambda_after_non_ascii_text():
    pair = ('héllo', lambda z: z - 1)
    assert parser.unparse(parser.parse_entity(pair[1]).node) == 'lambda z: z - 1'


def test_ternary_lambdas_on_one_line():
    # No instruction spans a conditional expression: the body must hold them all.
    pos, neg = (lambda x: x if x > 0 else -x), (lambda x: -x if x > 0 else x)
    assert parser.unparse(parser.parse_entity(pos).node) == 'lambda x: x if x > 0 else -x'
    assert parser.unparse(parser.parse_entity(neg).node) == 'lambda x: -x if x > 0 else x'


def test_nested_lambdas_on_one_line_pick_the_innermost_that_holds_the_code():
    y = 5
    outer = lambda: lambda x: x if x else (lambda: y)  # noqa: E731
    middle = outer()
    inner = middle(0)
    assert parser.unparse(parser.parse_entity(outer).node) == \
        'lambda: lambda x: x if x else lambda: y'
    assert parser.unparse(parser.parse_entity(middle).node) == 'lambda x: x if x else lambda: y'
    assert parser.unparse(parser.parse_entity(inner).node) == 'lambda: y'
    wrapper = lambda: lambda x: x  # noqa: E731
    assert parser.unparse(parser.parse_entity(wrapper).node) == 'lambda: lambda x: x'
    assert parser.unparse(parser.parse_entity(wrapper()).node) == 'lambda x: x'


def test_the_same_lambda_twice_on_one_line():
    _a, b = (lambda x: x * 3), (lambda x: x * 3)
    assert parser.unparse(parser.parse_entity(b).node) == 'lambda x: x * 3'


@pytest.mark.parametrize('positions', [True, False], ids=['positions', 'code'])
def test_lambdas_on_one_line_told_apart_by_their_code(monkeypatch, positions):
    # Without column information (Python < 3.11) each candidate is compiled and compared.
    monkeypatch.setattr(parser, 'HAS_POSITIONS', positions)
    k = 2
    a, b, c = (lambda x: x + k), (lambda x: x + 2), (lambda x: x if x > 0 else -x)
    d, e = (lambda *v, **kw: [i * k for i in v]), (lambda *v, **kw: [i + k for i in v])
    f, g = (lambda x: -x if x > 0 else x), (lambda y: y + 2)
    for fn, text in ((a, 'lambda x: x + k'), (b, 'lambda x: x + 2'),
                     (c, 'lambda x: x if x > 0 else -x'), (f, 'lambda x: -x if x > 0 else x'),
                     (d, 'lambda *v, **kw: [i * k for i in v]'),
                     (e, 'lambda *v, **kw: [i + k for i in v]'), (g, 'lambda y: y + 2')):
        assert parser.unparse(parser.parse_entity(fn).node) == text


def test_ambiguous_lambdas_without_column_information_are_a_clear_error(monkeypatch):
    monkeypatch.setattr(parser, 'HAS_POSITIONS', False)
    a, _b = (lambda x: x + 1), (lambda x: (x + 1))   # different text, the same code
    with pytest.raises(errors.ConversionError) as info:
        parser.parse_entity(a)
    msg = str(info.value)
    assert 'lambdas on line' in msg and 'own line' in msg
    assert info.value.lineno == a.__code__.co_firstlineno
    assert info.value.construct == 'lambda'


def test_exec_with_source_registered_in_linecache():
    f = make_function('''
        def g(x):
            if x > 0:
                return 1
            return 2
    ''')
    entity = parser.parse_entity(f)
    assert entity.node.name == 'g'
    assert entity.node.lineno == 2   # the dedented text starts with a newline


def test_exec_without_source_is_a_clear_error():
    f = make_function('def h(x):\n    return x\n', register=False)
    with pytest.raises(errors.ConversionError) as info:
        parser.parse_entity(f)
    msg = str(info.value)
    assert "'h'" in msg and 'not available' in msg and 'linecache' in msg


def test_builtin_is_a_clear_error():
    with pytest.raises(errors.ConversionError) as info:
        parser.parse_entity(len)
    assert 'not a Python function' in str(info.value)


def test_source_changed_after_definition_is_a_clear_error():
    f = make_function('def k(x):\n    return x\n')
    filename = f.__code__.co_filename
    linecache.cache[filename] = (3, None, ['x = 1\n'], filename)
    with pytest.raises(errors.ConversionError) as info:
        parser.parse_entity(f)
    assert 'not available' in str(info.value)


def test_parse_and_unparse_round_trip():
    module = parser.parse('def f(a, *b, c=1, **d):\n    return a\n')
    assert parser.unparse(module) == 'def f(a, *b, c=1, **d):\n    return a'
    expr = parser.parse_expression('  a + b * 2 ')
    assert parser.unparse(expr) == 'a + b * 2'


def test_unparse_compact_drops_blank_lines_in_function_bodies_only():
    module = parser.parse('class A:\n    def f(self):\n        def g():\n            pass\n'
                          '        return g\n\n    def h(self):\n        pass\n\n'
                          'def top():\n    pass\n')
    text = parser.unparse(module)
    assert '        def g():' in text
    assert '\n\n        def g' not in text
    assert '\n\n    def h' in text
    assert '\n\ndef top' in text


def test_module_syntax_error_becomes_conversion_error():
    with pytest.raises(errors.ConversionError) as info:
        parser.parse_module_source('def f(:\n    pass\n', 'm.py')
    assert info.value.filename == 'm.py' and info.value.lineno == 1


def test_inspect_agrees_on_the_source():
    entity = parser.parse_entity(test_function_keeps_file_line_numbers_and_drops_decorators)
    assert entity.source == inspect.getsource(
        test_function_keeps_file_line_numbers_and_drops_decorators)


_DOCSTRING_FUNCTION = '''\
class A:
    def f(self, x):
        """Blank lines, a blank line of spaces and a line that looks like a def:


        \x20\x20\x20\x20
def g():
        """
        def g():
            return x

        class B:
            def m(self):
                pass

            def n(self):
                pass
        return g, B
'''


def test_unparse_compact_keeps_strings_as_they_are():
    # (`compact` once worked on the text's lines: it merged blank lines and emptied lines of
    # spaces inside the docstring too, which changed the converted function's __doc__.)
    import ast
    module = parser.parse(_DOCSTRING_FUNCTION)
    f = module.body[0].body[0]
    text = parser.unparse(f)
    assert ast.get_docstring(ast.parse(text).body[0], clean=False) == \
        ast.get_docstring(ast.parse(_DOCSTRING_FUNCTION).body[0].body[0], clean=False)
    # Blank lines go before nested defs of a function, stay between methods of a class.
    assert '\n\n    def g' not in text and '\n\n    class B' not in text
    assert '            pass\n\n        def n(self):' in text


def test_unparse_indent_leaves_lines_inside_strings_alone():
    module = parser.parse(_DOCSTRING_FUNCTION + 'def h():\n    return f"""a\n{1}\n  b"""\n')
    for node in (module.body[0], module.body[0].body[0], module.body[1]):
        plain = parser.unparse(node)
        for indent in ('    ', '\t', ' \t'):
            # The tokenizer's view: only lines that start a token outside a string move.
            assert parser.unparse(node, indent=indent) + '\n' == \
                module_text.indent_block(plain, indent, '\n')
        assert parser.unparse(node, indent='') == plain


def _converted_trees(source, filename):
    """The gast trees of `source`'s module, its functions, and its functions converted."""
    from autograph.converters import pipeline
    from autograph.pyct import naming, transformer
    module = parser.parse(source)
    lines = source.splitlines(True)
    trees = [module]
    for node in gast.walk(module):
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda,
                             gast.ExceptHandler, gast.JoinedStr, gast.arguments)):
            trees.append(node)
    for node in list(module.body):
        if isinstance(node, gast.FunctionDef):
            ctx = transformer.Context(filename, lines, naming.Namer(naming.identifiers(source)))
            try:
                trees.append(pipeline.convert(node, ctx))
            except errors.ConversionError:
                pass
    return trees


def test_gast_trees_unparse_as_their_stdlib_trees():
    # `unparse` writes a gast tree without first copying it into a stdlib tree; the text
    # must be what the stdlib unparser writes for the copy, for parsed and converted code.
    import pathlib

    from autograph.pyct import gast_util
    root = pathlib.Path(__file__).resolve().parents[2]
    files = sorted(root.glob('tests/golden/*/input.py')) + sorted(root.glob('examples/*.py'))
    files += [root / 'tests' / 'samples.py', pathlib.Path(parser.__file__),
              pathlib.Path(gast_util.__file__)]
    extra = ('def f(a: int, /, b=2, *c: str, d, e=3, **g: 1) -> int:\n'
             '    try:\n        return a, b\n    except (E, F) as h:\n        pass\n'
             '    k = lambda *x, y=1, **z: f"{x!r:>{y}}" + f"""\n{z}"""\n'
             '    async def m():\n        async with a as b:\n            await b\n'
             '    return {**g}, [*c], a[1:2, ::3], (yield), -(-1) ** 2, not (a if b else e)\n')
    if sys.version_info >= (3, 10):
        extra += ('def p(a):\n    match a:\n        case [1, *r] | {"k": r}:\n'
                  '            pass\n        case P(x=(1 | 2) as y) if y:\n            pass\n')
    compared = 0
    for source, name in [(p.read_text(encoding='utf-8'), str(p)) for p in files] + \
            [(extra, 'extra.py')]:
        for tree in _converted_trees(source, name):
            for compact, indent in ((True, ''), (False, ''), (True, '\t ')):
                expected = unparsing._unparse(gast_util.gast_to_ast(tree), compact, indent)
                assert unparsing._GastUnparser(compact=compact, indent=indent).visit(tree) == \
                    expected, (name, type(tree).__name__)
                compared += 1
    assert compared > 1000


def test_unparse_takes_stdlib_trees_too():
    import ast
    tree = ast.parse('def f(x, *a, **k):\n    def g():\n        pass\n    return x, g\n')
    assert parser.unparse(tree) == 'def f(x, *a, **k):\n    def g():\n        pass\n    return x, g'
    assert parser.unparse(tree) == parser.unparse(parser.parse(ast.unparse(tree)))
