"""Source code of Python entities, parsed into gast; and unparsing back to text.

`parse_entity(fn)` finds the source of a function, method, nested function or lambda without
importing anything: it reads the file through `linecache` (so IPython cells and code run with
`exec` whose text was registered in `linecache` work too), indexes the file's functions once,
and re-parses just the entity. Line and column numbers of every node are the user's own: the
entity's text is parsed after padding, never dedented, so `node.lineno` is a line of the file.
"""
import ast
import inspect
import linecache
import sys
import textwrap
import threading

import gast

from autograph.pyct import errors
from autograph.pyct import gast_util

# Code objects know their column positions from 3.11 on; used to pick one of several lambdas.
HAS_POSITIONS = sys.version_info >= (3, 11)

_NO_SOURCE_HINT = (
    'define the function in a file, or register the source text of code run with exec in '
    'linecache: linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)')


class Entity:
    """A parsed entity.

    Attributes:
      node: gast.FunctionDef (decorators removed) or gast.Lambda.
      filename: the file the code object names (co_filename).
      lines: the file's lines (as returned by linecache), for error messages.
      source: the entity's own source text.
      lineno: the entity's first line in the file.
    """

    __slots__ = ('node', 'filename', 'lines', 'source', 'lineno')

    def __init__(self, node, filename, lines, source, lineno):
        self.node = node
        self.filename = filename
        self.lines = lines
        self.source = source
        self.lineno = lineno


# --- parsing and unparsing ------------------------------------------------------------------

def parse(source, filename='<unknown>'):
    """Parses module source into a gast.Module."""
    return gast_util.ast_to_gast(ast.parse(source, filename))


def parse_expression(source):
    """Parses a single expression into a gast expression node."""
    tree = gast_util.ast_to_gast(ast.parse(source.strip(), mode='eval'))
    return tree.body


def unparse(node, compact=True):
    """Source text of a gast node, a list of gast statements, or a stdlib ast node.

    With `compact`, the blank lines `ast.unparse` puts before every nested def inside a
    function body are dropped (those between top-level definitions and methods, and those
    inside strings, stay).
    """
    if isinstance(node, list):
        return '\n'.join(unparse(n, compact) for n in node)
    if isinstance(node, gast.AST):
        node = gast_util.gast_to_ast(node)
    try:
        text = _unparse(node)
    except AttributeError:   # statements without locations (e.g. fresh template output)
        text = _unparse(ast.fix_missing_locations(node))
    return _compact(text) if compact else text


if hasattr(ast, '_Unparser') and hasattr(ast, '_Precedence'):
    class _Unparser(ast._Unparser):
        """`return a, b` rather than `return (a, b)` (what generated bodies return)."""

        def visit_Return(self, node):
            if type(node.value) is ast.Tuple and len(node.value.elts) > 1:
                self.set_precedence(ast._Precedence.TUPLE, node.value)
            super().visit_Return(node)

    def _unparse(node):
        return _Unparser().visit(node)
else:  # pragma: no cover - interpreters without the private unparser
    _unparse = ast.unparse


_HEADERS = ('def ', 'async def ', 'class ', '@')


def _compact(text):
    lines = text.split('\n')
    out = []
    blocks = []       # (indent, is_function) of the enclosing def/class headers
    pending_blank = False
    for line in lines:
        if not line.strip():
            pending_blank = True
            continue
        stripped = line.lstrip(' ')
        indent = len(line) - len(stripped)
        while blocks and indent <= blocks[-1][0]:
            blocks.pop()
        if pending_blank and not (blocks and blocks[-1][1] and stripped.startswith(_HEADERS)):
            out.append('')
        pending_blank = False
        if stripped.startswith(_HEADERS[:3]):
            blocks.append((indent, not stripped.startswith('class ')))
        out.append(line)
    return '\n'.join(out)


# --- source of entities ---------------------------------------------------------------------

class _FileIndex:
    """Where the functions and lambdas of one source file are (built once per file text).

    Holds no syntax tree: the file is parsed when an index is built, and the tree dropped.
    """

    def __init__(self, lines):
        self.lines = lines
        self.failed = False
        self.functions = None
        self.lambdas = None

    def _parse(self):
        if self.failed:
            return None
        try:
            return ast.parse(''.join(self.lines))
        except (SyntaxError, ValueError):
            self.failed = True
            return None

    def function_span(self, name, firstlineno):
        if self.functions is None:
            tree = self._parse()
            if tree is None:
                return None
            functions = {}
            stack = list(tree.body)
            while stack:
                n = stack.pop()
                t = type(n)
                if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                    first = n.decorator_list[0].lineno if n.decorator_list else n.lineno
                    functions.setdefault((n.name, first), (first, n.end_lineno))
                    functions.setdefault((n.name, n.lineno), (first, n.end_lineno))
                for field in ('body', 'orelse', 'finalbody', 'handlers', 'cases'):
                    stack.extend(getattr(n, field, ()))
            self.functions = functions
        return self.functions.get((name, firstlineno))

    def lambdas_at(self, lineno):
        if self.lambdas is None:
            tree = self._parse()
            if tree is None:
                return []
            lambdas = {}
            for n in ast.walk(tree):
                if type(n) is ast.Lambda:
                    lambdas.setdefault(n.lineno, []).append(n)
            self.lambdas = lambdas
        return self.lambdas.get(lineno, [])


_index_lock = threading.Lock()
_file_indexes = {}


def _file_index(filename, lines):
    with _index_lock:
        index = _file_indexes.get(filename)
        if index is None or index.lines is not lines:
            index = _FileIndex(lines)
            _file_indexes[filename] = index
        return index


def _no_source(fn, filename, why=None):
    name = getattr(fn, '__qualname__', None) or getattr(fn, '__name__', repr(fn))
    msg = "cannot convert '%s': its source code is not available" % name
    if why:
        msg += ' (%s)' % why
    code = getattr(fn, '__code__', None)
    return errors.ConversionError(msg, filename=filename, construct='source',
                                  lineno=getattr(code, 'co_firstlineno', None),
                                  hint=_NO_SOURCE_HINT)


def _code_of(fn):
    fn = getattr(fn, '__func__', fn)
    code = getattr(fn, '__code__', None)
    if code is None:
        raise errors.ConversionError(
            'cannot convert %r: it is not a Python function (builtins and C functions have no '
            'source)' % (fn,), construct='source',
            hint='call it as it is, or wrap it in a Python function')
    return fn, code


def _padded_statement_text(lines, first, last):
    """Text of lines first..last (1-based) parsed so that node line numbers are file lines."""
    chunk = ''.join(lines[first - 1:last])
    if not chunk[:1].isspace():
        return '\n' * (first - 1) + chunk, False
    if first >= 2:
        return '\n' * (first - 2) + 'if 1:\n' + chunk, True
    return textwrap.dedent(chunk), False


def _parse_function_lines(lines, first, last, name):
    text, wrapped = _padded_statement_text(lines, first, last)
    module = gast_util.ast_to_gast(ast.parse(text))
    body = module.body[0].body if wrapped else module.body
    for node in body:
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef)) and node.name == name:
            return node
    return None


def parse_entity(fn):
    """Parses the source of a function, method or lambda.

    Args:
      fn: a Python function, bound method or lambda.

    Returns:
      An `Entity`; its node has no decorators and carries the file's line numbers.

    Raises:
      ConversionError: when the source is unavailable or does not match the code object.
    """
    fn, code = _code_of(fn)
    filename = code.co_filename
    lines = linecache.getlines(filename, getattr(fn, '__globals__', None))
    if not lines:
        raise _no_source(fn, filename)
    if code.co_name == '<lambda>':
        return _parse_lambda(fn, code, filename, lines)

    index = _file_index(filename, lines)
    span = index.function_span(code.co_name, code.co_firstlineno)
    if span is None:
        try:
            src_lines, first = inspect.getsourcelines(fn)
        except (OSError, TypeError) as e:
            raise _no_source(fn, filename, str(e)) from None
        last = first + len(src_lines) - 1
    else:
        first, last = span
    try:
        node = _parse_function_lines(lines, first, last, code.co_name)
    except SyntaxError as e:
        raise _no_source(fn, filename, 'its source does not parse: %s' % e) from None
    if node is None:
        raise _no_source(fn, filename, 'the file changed since the function was defined')
    node.decorator_list = []
    return Entity(node, filename, lines, ''.join(lines[first - 1:last]), first)


def _segment(lines, node):
    """The source text of a stdlib ast node (columns are utf-8 byte offsets)."""
    first = lines[node.lineno - 1].encode('utf-8')
    if node.lineno == node.end_lineno:
        return first[node.col_offset:node.end_col_offset].decode('utf-8')
    parts = [first[node.col_offset:].decode('utf-8')]
    parts.extend(lines[node.lineno:node.end_lineno - 1])
    parts.append(lines[node.end_lineno - 1].encode('utf-8')[:node.end_col_offset].decode('utf-8'))
    return ''.join(parts)


def _parse_lambda(fn, code, filename, lines):
    index = _file_index(filename, lines)
    candidates = index.lambdas_at(code.co_firstlineno)
    if not candidates:
        raise _no_source(fn, filename, 'no lambda found on line %d' % code.co_firstlineno)
    match = None
    if len(candidates) == 1:
        match = candidates[0]
    elif HAS_POSITIONS:
        positions = set(code.co_positions())
        found = [c for c in candidates
                 if (c.body.lineno, c.body.end_lineno, c.body.col_offset,
                     c.body.end_col_offset) in positions]
        if len(found) == 1:
            match = found[0]
    if match is None:
        names = code.co_varnames[:code.co_argcount]
        found = [c for c in candidates if [a.arg for a in c.args.args] == list(names)]
        if len(found) == 1:
            match = found[0]
    if match is None:
        raise errors.ConversionError(
            'cannot tell which of the %d lambdas on line %d is the one to convert'
            % (len(candidates), code.co_firstlineno),
            filename=filename, lineno=code.co_firstlineno,
            source_line=lines[code.co_firstlineno - 1], construct='lambda',
            hint='put each lambda on its own line, or use a def')
    source = _segment(lines, match)
    col = len(lines[match.lineno - 1].encode('utf-8')[:match.col_offset].decode('utf-8'))
    if col >= 1:
        text = '\n' * (match.lineno - 1) + '(' + ' ' * (col - 1) + source + ')'
    else:
        text = '\n' * (match.lineno - 1) + '(' + source + ')'
    node = gast_util.ast_to_gast(ast.parse(text, mode='eval')).body
    return Entity(node, filename, lines, source, match.lineno)


def parse_module_source(source, filename):
    """Parses a whole module's source text; SyntaxErrors become ConversionErrors."""
    try:
        return parse(source, filename)
    except SyntaxError as e:
        raise errors.ConversionError(
            'syntax error: %s' % e.msg, filename=filename, lineno=e.lineno,
            col_offset=e.offset, source_line=e.text, construct='syntax') from None
