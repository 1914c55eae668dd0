"""Source code of Python entities, parsed into gast; and unparsing back to text.

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

import gast

from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import loader
from autograph.pyct import module_text

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


# --- parsing and unparsing ------------------------------------------------------------------

def parse(source, filename='<unknown>'):
    """Parses module source into a gast.Module."""
    return gast_util.ast_to_gast(ast.parse(source, filename))


def parse_expression(source):
    """Parses a single expression into a gast expression node."""
    tree = gast_util.ast_to_gast(ast.parse(source.strip(), mode='eval'))
    return tree.body


def unparse(node, compact=True, indent=''):
    """Source text of a gast node, a list of gast statements, or a stdlib ast node.

    With `compact`, the blank lines `ast.unparse` puts before every nested def inside a
    function body are dropped (those between top-level definitions and methods, and those
    inside strings, stay). With `indent`, every line starts with it, except the lines that
    start inside a multi-line string (part of the string's value) and blank lines.

    A gast tree is unparsed as it is (`_GastUnparser`: the text `ast.unparse` writes for the
    equivalent stdlib tree, without building that tree); should that fail, through the stdlib
    tree.
    """
    if isinstance(node, list):
        return '\n'.join(unparse(n, compact, indent) for n in node)
    if type(node) in gast_util.GAST_CLASSES:
        if _GastUnparser is not None:
            try:
                return _GastUnparser(compact=compact, indent=indent).visit(node)
            except Exception:  # noqa: BLE001 - (the stdlib tree gives the text or the error)
                pass
        node = gast_util.gast_to_ast(node)
    try:
        return _unparse(node, compact, indent)
    except AttributeError:   # statements without locations (e.g. fresh template output)
        return _unparse(ast.fix_missing_locations(node), compact, indent)


class _Closer:
    """What `with` needs to write `text` at the end of a block (the stdlib unparser's
    generator-based context managers cost several times more, and it uses one per bracket)."""

    __slots__ = ('write', 'text')

    def __init__(self, write, text):
        self.write = write
        self.text = text

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        self.write(self.text)


class _Dedent:
    __slots__ = ('unparser',)

    def __init__(self, unparser):
        self.unparser = unparser

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        self.unparser._indent -= 1


class _Nothing:
    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


_NOTHING = _Nothing()
_GastUnparser = None


def _both_trees_unparser():
    """A copy of `ast._Unparser` whose methods take gast nodes as well as stdlib ones.

    The stdlib unparser tells node classes apart by name (`isinstance(node, Constant)`,
    read from the `ast` module's globals). Its methods are re-created here, same code, with
    globals in which each such name is the pair (ast class, gast class). The few places where
    gast trees are shaped differently are `_GastUnparser`'s own methods. Methods that are
    closures (context managers, `traverse`) keep the stdlib's globals.
    """
    names = dict(vars(ast))
    for name, cls in vars(ast).items():
        other = getattr(gast, name, None)
        if (isinstance(cls, type) and issubclass(cls, ast.AST) and isinstance(other, type)
                and other is not cls):
            names[name] = (cls, other)
    # The precedence levels as plain attributes (reading an enum member through its class
    # costs a descriptor call, and the unparser reads one for most nodes).
    names['_Precedence'] = type('_Precedence', (), dict(ast._Precedence.__members__))
    attrs = {}
    for key, value in vars(ast._Unparser).items():
        if key in ('__dict__', '__weakref__'):
            continue
        if isinstance(value, types.FunctionType) and value.__closure__ is None:
            copy = types.FunctionType(value.__code__, names, value.__name__,
                                      value.__defaults__)
            copy.__kwdefaults__ = value.__kwdefaults__
            copy.__qualname__ = value.__qualname__
            copy.__doc__ = value.__doc__
            value = copy
        attrs[key] = value
    return type('_BothTreesUnparser', ast._Unparser.__bases__, attrs)


if hasattr(ast, '_Unparser') and hasattr(ast, '_Precedence'):
    _TUPLES = (ast.Tuple, gast.Tuple)
    _TEST = ast._Precedence.TEST
    _BINOPS = (ast.BinOp, gast.BinOp)

    class _Unparsing:
        """What autograph's unparsers change in `ast._Unparser`:

        - `return a, b` rather than `return (a, b)` (what generated bodies return);
        - long chains `a + b + ... + z` without recursion;
        - `compact`: no blank line before a def or class nested directly in a function;
        - `indent`: a prefix for every line it starts (lines inside strings are the string's);
        - cheaper dispatch and brackets (the same text).
        """

        def __init__(self, *, _avoid_backslashes=False, compact=False, indent=''):
            super().__init__(_avoid_backslashes=_avoid_backslashes)
            self._compact = compact
            self._prefix = indent
            self._in_function = False   # whether the innermost def/class is a function
            self._no_blank = False      # the next maybe_newline is the blank line to drop

        # -- the same text, written with less overhead

        def traverse(self, node):
            if type(node) is list:
                for item in node:
                    self.traverse(item)
                return
            visit = self._methods.get(node.__class__)
            if visit is None:
                visit = getattr(type(self), 'visit_' + node.__class__.__name__, None)
                if visit is None:
                    return self.generic_visit(node)
                self._methods[node.__class__] = visit
            visit(self, node)

        def fill(self, text=''):
            if self._source:
                self._source.append('\n')
            self._source.append(self._prefix + '    ' * self._indent + text)

        def block(self, *, extra=None):
            self._source.append(':')
            if extra:
                self._source.append(extra)
            self._indent += 1
            return _Dedent(self)   # (not kept on self: a cycle would outlive a paused collector)

        def delimit(self, start, end):
            self._source.append(start)
            return _Closer(self.write, end)

        def delimit_if(self, start, end, condition):
            if condition:
                self._source.append(start)
                return _Closer(self.write, end)
            return _NOTHING

        def require_parens(self, precedence, node):
            if self._precedences.get(node, _TEST) > precedence:
                self._source.append('(')
                return _Closer(self.write, ')')
            return _NOTHING

        # -- compact: the blank line before a def/class is written by maybe_newline

        def maybe_newline(self):
            if self._no_blank:
                self._no_blank = False
            elif self._source:
                self._source.append('\n')

        def _function_helper(self, node, fill_suffix):
            outer = self._in_function
            self._no_blank = self._compact and outer
            self._in_function = True
            try:
                super()._function_helper(node, fill_suffix)
            finally:
                self._in_function = outer
                self._no_blank = False

        def visit_ClassDef(self, node):
            outer = self._in_function
            self._no_blank = self._compact and outer
            self._in_function = False
            try:
                super().visit_ClassDef(node)
            finally:
                self._in_function = outer
                self._no_blank = False

        # -- different text

        def visit_Return(self, node):
            if type(node.value) in _TUPLES and len(node.value.elts) > 1:
                self.set_precedence(ast._Precedence.TUPLE, node.value)
            super().visit_Return(node)

        def visit_BinOp(self, node):
            # The text ast._Unparser writes, with its left-recursion turned into loops: first
            # the parentheses each operation of the left spine needs, then the innermost left
            # operand, then each operator with its right operand (and closing parenthesis).
            spine = []
            while type(node) in _BINOPS:
                operator = self.binop[type(node.op).__name__]
                if operator in self.binop_rassoc:
                    break
                precedence = self.binop_precedence[operator]
                spine.append((node, operator, precedence,
                              self.get_precedence(node) > precedence))
                self.set_precedence(precedence, node.left)
                node = node.left
            if not spine:
                return super().visit_BinOp(node)
            for _, _, _, parens in spine:
                if parens:
                    self.write('(')
            self.traverse(node)
            for binop, operator, precedence, parens in reversed(spine):
                self.write(' %s ' % operator)
                self.set_precedence(precedence.next(), binop.right)
                self.traverse(binop.right)
                if parens:
                    self.write(')')

    class _Unparser(_Unparsing, ast._Unparser):
        """Unparses stdlib ast trees."""

        _methods = {}     # node class -> visit function

    try:
        _BothTrees = _both_trees_unparser()
    except Exception:  # noqa: BLE001 - (pragma: no cover) gast trees go through ast trees
        _BothTrees = None

    if _BothTrees is not None:
        class _GastUnparser(_Unparsing, _BothTrees):
            """Unparses gast trees (see `unparse`): where gast's nodes differ from the stdlib's
            (parameters are `Name`s, an `except ... as` name is a `Name`)."""

            _methods = {}

            def visit_Name(self, node):
                self._source.append(node.id)
                if type(node.ctx) is gast.Param and node.annotation is not None:
                    self._source.append(': ')
                    self.traverse(node.annotation)

            def visit_arguments(self, node):
                # The parameters are Names (see visit_Name), but `*args` and `**kwargs` are
                # written by the stdlib unparser from their `arg` nodes' fields.
                if node.vararg is not None or node.kwarg is not None:
                    star = gast.arguments.__new__(gast.arguments)
                    star.__dict__ = dict(node.__dict__, vararg=_arg_node(node.vararg),
                                         kwarg=_arg_node(node.kwarg))
                    node = star
                super().visit_arguments(node)

            def visit_ExceptHandler(self, node):
                if isinstance(node.name, gast.Name):
                    named = gast.ExceptHandler.__new__(gast.ExceptHandler)
                    named.__dict__ = dict(node.__dict__, name=node.name.id)
                    node = named
                super().visit_ExceptHandler(node)

    def _arg_node(name):
        """The stdlib `arg` node of a gast parameter (its annotation left as it is)."""
        if name is None:
            return None
        return ast.arg(arg=name.id, annotation=name.annotation, type_comment=name.type_comment)

    def _unparse(node, compact=False, indent=''):
        return _Unparser(compact=compact, indent=indent).visit(node)
else:  # pragma: no cover - interpreters without the private unparser
    def _unparse(node, compact=False, indent=''):
        text = ast.unparse(node)
        if compact:
            text = _compact(text)
        if indent:
            text = module_text.indent_block(text, indent, '\n')[:-1]
        return text

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
            if pending_blank and not (blocks and blocks[-1][1]
                                      and stripped.startswith(_HEADERS)):
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
