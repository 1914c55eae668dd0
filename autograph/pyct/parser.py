"""Source code of Python entities, parsed into gast (unparsing back to text: `unparsing`).

`parse_entity(fn)` finds the source of a function, method, nested function or lambda without
importing anything: it reads the file through `linecache` (so IPython cells and code run with
`exec` whose text was registered in `linecache` work too), indexes the file's functions once,
and re-parses just the entity. Line and column numbers of every node are the user's own: the
entity's text is parsed after padding, never dedented, so `node.lineno` is a line of the file.
"""
import ast
import dis
import inspect
import linecache
import sys
import textwrap
import threading
import types

from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import loader
from autograph.pyct import unparsing

# Code objects know their column positions from 3.11 on; used to pick one of several lambdas.
HAS_POSITIONS = sys.version_info >= (3, 11)

_NO_SOURCE_HINT = (
    'define the function in a .py file or in a Jupyter/IPython cell (their source is kept); '
    'for code run with exec(), register its source text in linecache first: '
    'linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)')

# Where Python keeps no source text, by the file name it gives the code.
_SOURCELESS = {
    '<string>': 'it was defined by `python -c` or by exec() of a string, which keep no source',
    '<stdin>': 'it was read from standard input, at the plain Python prompt or by `python -`, '
               'which keep no source',
    '<console>': 'it was typed at an interactive console, which keeps no source',
}


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


# --- parsing ------------------------------------------------------------------

def parse(source, filename='<unknown>'):
    """Parses module source into a gast.Module."""
    return gast_util.ast_to_gast(ast.parse(source, filename))


def parse_expression(source):
    """Parses a single expression into a gast expression node."""
    tree = gast_util.ast_to_gast(ast.parse(source.strip(), mode='eval'))
    return tree.body


unparse = unparsing.unparse   # (callers know it as parser.unparse)


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
        return self.function_span_and_node(name, firstlineno)[0]

    def function_span_and_node(self, name, firstlineno):
        """(span, node): node is the function's stdlib ast node when this call parsed the
        file (so the caller need not parse the function again), else None."""
        if self.functions is None:
            tree = self._parse()
            if tree is None:
                return None, None
            functions = {}
            nodes = {}
            stack = list(tree.body)
            while stack:
                n = stack.pop()
                t = type(n)
                if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                    first = n.decorator_list[0].lineno if n.decorator_list else n.lineno
                    for key in ((n.name, first), (n.name, n.lineno)):
                        if key not in functions:
                            functions[key] = (first, n.end_lineno)
                            nodes[key] = n
                for field in ('body', 'orelse', 'finalbody', 'handlers', 'cases'):
                    stack.extend(getattr(n, field, ()))
            self.functions = functions
            key = (name, firstlineno)
            return functions.get(key), nodes.get(key)
        return self.functions.get((name, firstlineno)), None

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
_file_indexes = {}        # file name -> _FileIndex, most recently used last
# Bounded: code made by exec under a new name each time (notebook cells, generated code)
# would otherwise keep an index of every text ever converted. A dropped index is rebuilt.
_MAX_FILE_INDEXES = 256


def _file_index(filename, lines):
    with _index_lock:
        index = _file_indexes.pop(filename, None)
        if index is None or index.lines is not lines:
            index = _FileIndex(lines)
        _file_indexes[filename] = index
        while len(_file_indexes) > _MAX_FILE_INDEXES:
            del _file_indexes[next(iter(_file_indexes))]
        return index


def _no_source(fn, filename, why=None):
    name = getattr(fn, '__qualname__', None) or getattr(fn, '__name__', repr(fn))
    msg = "cannot convert '%s': its source code is not available" % name
    why = why or _SOURCELESS.get(filename)
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
    """The stdlib ast node of function `name` defined on lines first..last, or None."""
    text, wrapped = _padded_statement_text(lines, first, last)
    module = ast.parse(text)
    body = module.body[0].body if wrapped else module.body
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    return None


def _compiled_like(code, node, qualname):
    """Whether the function `node` (a stdlib ast FunctionDef from the file as it is now)
    compiles to code like `code` (the code that runs).

    The function is compiled alone (inside a class of its class's name, so that private
    names are mangled and `super()` has its `__class__` cell); `_code_signature` ignores what
    depends on where it was compiled. Positions are ignored too: an edit that only moves
    lines or changes comments leaves the code as it is.
    """
    if _rewritten(code):
        return True                  # cannot tell (e.g. pytest's assertion rewriting)
    class_name = loader.class_of(qualname)
    stmt = node
    if class_name:
        stmt = ast.ClassDef(name=class_name, bases=[], keywords=[], body=[node],
                            decorator_list=[])
        if hasattr(ast, 'TypeVar'):  # 3.12+
            stmt.type_params = []
        ast.copy_location(stmt, node)
        stmt.end_lineno, stmt.end_col_offset = node.end_lineno, node.end_col_offset
    try:
        compiled = compile(ast.Module(body=[stmt], type_ignores=[]), code.co_filename, 'exec',
                           dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return True                  # cannot tell: let the conversion report what it finds
    todo = [compiled]
    while todo:
        c = todo.pop(0)
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                if k.co_name == code.co_name:
                    return _same_code(k, code) or _code_signature(k) == _code_signature(code)
                todo.append(k)
    return False


def _same_code(a, b):
    """Whether two code objects have the same bytecode, names and constants (the fast check;
    closures and imported modules compile differently in place, see _code_signature)."""
    if (a.co_code != b.co_code or a.co_names != b.co_names or a.co_varnames != b.co_varnames
            or a.co_freevars != b.co_freevars or a.co_cellvars != b.co_cellvars
            or a.co_argcount != b.co_argcount or a.co_kwonlyargcount != b.co_kwonlyargcount
            or len(a.co_consts) != len(b.co_consts)):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if type(x) is not type(y):
            return False
        if isinstance(x, types.CodeType):
            if not _same_code(x, y):
                return False
        elif type(x) is float or type(x) is complex:
            if repr(x) != repr(y):      # (-0.0 and 0.0 differ; NaN equals NaN)
                return False
        elif x != y:
            return False
    return True


def _rewritten(code):
    """Whether a tool rewrote `code` at import (its names include non-identifiers, like the
    `@py_assert1` and `@pytest_ar` of pytest's assertion rewriting)."""
    todo = [code]
    while todo:
        c = todo.pop()
        for n in c.co_names + c.co_varnames:
            if not n.isidentifier():
                return True
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return False


def _stale(fn, filename, lineno):
    name = getattr(fn, '__qualname__', None) or fn.__name__
    return errors.ConversionError(
        "cannot convert '%s': its source in %s no longer matches the code that runs (the "
        "file changed since '%s' was defined), so the converted function would not do what "
        "'%s' does" % (name, filename, name, name),
        filename=filename, lineno=lineno, construct='source',
        hint='reload the module (importlib.reload) or run the definition again, so that the '
        'running code and the file agree')


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
    span, parsed = index.function_span_and_node(code.co_name, code.co_firstlineno)
    if span is None:
        try:
            src_lines, first = inspect.getsourcelines(fn)
        except (OSError, TypeError) as e:
            raise _no_source(fn, filename, str(e)) from None
        last = first + len(src_lines) - 1
    else:
        first, last = span
    try:
        if parsed is None:
            # (else the file was parsed just now to index it: its node of the function is
            # the one parsing the function's lines would give, same text and positions)
            parsed = _parse_function_lines(lines, first, last, code.co_name)
    except SyntaxError as e:
        raise _no_source(fn, filename, 'its source does not parse: %s' % e) from None
    if parsed is None:
        raise _no_source(fn, filename, 'the file changed since the function was defined')
    if not _compiled_like(code, parsed, getattr(fn, '__qualname__', '')):
        raise _stale(fn, filename, first)
    node = gast_util.ast_to_gast(parsed)
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


def _span(node):
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def _by_positions(code, candidates):
    """The candidate whose body holds every instruction of `code`, or all candidates.

    Each instruction's position (3.11+) is a source span in the lambda's body; zero-width
    positions are the compiler's own (RESUME, an implicit return). Syntax spans nest, so the
    bodies that hold them all are nested lambdas, and `code` is the innermost one.
    """
    spans = [((l0, c0), (l1, c1)) for l0, l1, c0, c1 in code.co_positions()
             if None not in (l0, l1, c0, c1) and (l0, c0) != (l1, c1)]
    if not spans:
        return candidates
    lo = min(a for a, _ in spans)
    hi = max(b for _, b in spans)
    found = [c for c in candidates if _span(c.body)[0] <= lo and hi <= _span(c.body)[1]]
    if not found:
        return candidates
    return [max(found, key=lambda c: _span(c.body)[0])]


_SKIPPED_OPS = frozenset((
    'RESUME', 'CACHE', 'NOP', 'EXTENDED_ARG', 'PUSH_NULL', 'COPY_FREE_VARS', 'MAKE_CELL',
    'LOAD_CLOSURE', 'BUILD_TUPLE'))   # bookkeeping that depends on where the code was compiled
_NAME_OPS = {op: kind for kind, ops in (
    ('LOAD', ('LOAD_FAST', 'LOAD_FAST_CHECK', 'LOAD_DEREF', 'LOAD_CLASSDEREF', 'LOAD_GLOBAL',
              'LOAD_NAME', 'LOAD_FROM_DICT_OR_DEREF', 'LOAD_FROM_DICT_OR_GLOBALS')),
    ('STORE', ('STORE_FAST', 'STORE_DEREF', 'STORE_GLOBAL', 'STORE_NAME'))) for op in ops}
_NO_ARG_OPS = frozenset(dis.opname[op] for op in dis.hasjrel + dis.hasjabs) | {'MAKE_FUNCTION'}


def _code_signature(code):
    """What a lambda's code shows of its source, wherever it was compiled.

    A lambda compiled alone reads its free variables as globals, so the kind of a variable
    access, closure set-up and jump offsets are left out; everything else must be equal.
    """
    names, consts, ops = set(), [], []
    stack = [code]
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        names.update(c.co_freevars)
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                stack.append(k)
            else:
                consts.append(repr(k))
        for ins in dis.get_instructions(c):
            name = ins.opname
            if name == 'LOAD_METHOD':
                # 3.11 reads a method of an imported module with LOAD_ATTR, which it only
                # knows where the module's `import` statement is compiled too.
                name = 'LOAD_ATTR'
            if name in _SKIPPED_OPS:
                continue
            kind = _NAME_OPS.get(name)
            if kind is not None:
                ops.append((kind, ins.argval))
            elif name in _NO_ARG_OPS or isinstance(ins.argval, types.CodeType):
                ops.append((name,))
            else:
                ops.append((name, repr(ins.argval)))
    return (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
            code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS),
            code.co_varnames,
            frozenset(names), sorted(consts), tuple(ops))


def _by_code(code, candidates, lines):
    """The candidates whose source compiles to code like `code` (any Python version)."""
    want = _code_signature(code)
    found = []
    for c in candidates:
        try:
            compiled = compile('(%s)' % _segment(lines, c), '<lambda>', 'eval')
        except (SyntaxError, ValueError):
            found.append(c)          # cannot tell: keep it
            continue
        inner = [k for k in compiled.co_consts if isinstance(k, types.CodeType)]
        if len(inner) == 1 and _code_signature(inner[0]) == want:
            found.append(c)
    return found


def _parse_lambda(fn, code, filename, lines):
    index = _file_index(filename, lines)
    candidates = index.lambdas_at(code.co_firstlineno)
    if not candidates:
        raise _no_source(fn, filename, 'no lambda found on line %d' % code.co_firstlineno)
    found = candidates
    if len(found) > 1 and HAS_POSITIONS:
        found = _by_positions(code, found)
    if len(found) > 1:
        found = _by_code(code, found, lines)
    if len(found) > 1 and len({_segment(lines, c) for c in found}) == 1:
        found = found[:1]            # the same text twice: either converts the same
    if len(found) != 1:
        raise errors.ConversionError(
            'cannot tell which of the %d lambdas on line %d is the one to convert'
            % (len(candidates), code.co_firstlineno),
            filename=filename, lineno=code.co_firstlineno,
            source_line=lines[code.co_firstlineno - 1], construct='lambda',
            hint='put each lambda on its own line, or use a def')
    match = found[0]
    source = _segment(lines, match)
    if not loader.class_of(getattr(fn, '__qualname__', '')) and not _rewritten(code):
        # (in a class, private names are mangled in `code`: compiled alone they are not)
        try:
            compiled = compile('(%s)' % source, filename, 'eval', dont_inherit=True)
        except (SyntaxError, ValueError):
            compiled = None
        inner = [k for k in getattr(compiled, 'co_consts', ()) if isinstance(k, types.CodeType)]
        if len(inner) == 1 and not _same_code(inner[0], code) \
                and _code_signature(inner[0]) != _code_signature(code):
            raise _stale(fn, filename, match.lineno)
    col = len(lines[match.lineno - 1].encode('utf-8')[:match.col_offset].decode('utf-8'))
    if col >= 1:
        text = '\n' * (match.lineno - 1) + '(' + ' ' * (col - 1) + source + ')'
    else:
        text = '\n' * (match.lineno - 1) + '(' + source + ')'
    node = gast_util.ast_to_gast(ast.parse(text, mode='eval')).body
    return Entity(node, filename, lines, source, match.lineno)


def parse_module_ast(source, filename):
    """Parses a whole module's source text into a stdlib `ast.Module`; SyntaxErrors become
    ConversionErrors."""
    try:
        return ast.parse(source, filename)
    except SyntaxError as e:
        raise errors.ConversionError(
            'syntax error: %s' % e.msg, filename=filename, lineno=e.lineno,
            col_offset=e.offset, source_line=e.text, construct='syntax') from None


def parse_module_source(source, filename):
    """Parses a whole module's source text into gast; SyntaxErrors become ConversionErrors."""
    return gast_util.ast_to_gast(parse_module_ast(source, filename))
