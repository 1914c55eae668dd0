"""Source text of gast and stdlib syntax trees: `unparse`, the stdlib unparser made to read
gast nodes as they are (no copy into a stdlib tree) and to write generated code's layout.

`parser.unparse` is this module's `unparse` (kept there for its callers).
"""
import ast
import re
import types

import gast

from autograph.pyct import gast_util
from autograph.pyct import module_text


# A docstring the stdlib unparser writes as it is, between `"""`: printable ASCII, tabs and
# newlines, without a backslash or a double quote.
_PLAIN_DOCSTRING = re.compile(r'[\t\n !#-\[\]-~]*\Z')


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
    _CONSTANTS = (ast.Constant, gast.Constant)
    _GAST_NAME = gast.Name
    _GAST_CONSTANT = gast.Constant
    _TEST = ast._Precedence.TEST
    _TUPLE = ast._Precedence.TUPLE
    _YIELD = ast._Precedence.YIELD
    _ATOM = ast._Precedence.ATOM
    _CMP = ast._Precedence.CMP
    _CMP_NEXT = ast._Precedence.CMP.next()
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

        def _write_docstring(self, node):
            v = node.value
            if type(v) is str and _PLAIN_DOCSTRING.match(v):
                # What the stdlib writes for it, without escaping it character by character:
                # nothing to escape, and `"""` neither occurs in it nor ends next to a `"`.
                self.fill()
                if node.kind == 'u':
                    self._source.append('u')
                self._source.append('"""' + v + '"""')
                return
            super()._write_docstring(node)

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
                args = node.args
                defaults = node.defaults
                if not (node.posonlyargs or node.kwonlyargs or node.vararg is not None
                        or node.kwarg is not None or len(defaults) > len(args)):
                    # (the common case, written directly)
                    src = self._source
                    first_default = len(args) - len(defaults)
                    for i, a in enumerate(args):
                        if i:
                            src.append(', ')
                        self._expr(a)
                        if i >= first_default:
                            d = defaults[i - first_default]
                            if d:
                                src.append('=')
                                self.traverse(d)
                    return
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

            # -- the nodes generated code is mostly made of, written directly: the same
            # text as the stdlib methods (same precedences set on the children that read
            # theirs), without their context managers, enum `next()` calls, argument
            # packing and a dispatch for each name and simple constant.

            def _open_paren(self, node, level):
                """Writes `(` if `node` needs parentheses at its precedence (as the stdlib's
                `require_parens(level, node)`); returns whether it did."""
                parens = self._precedences.get(node, _TEST) > level
                if parens:
                    self._source.append('(')
                return parens

            def _expr(self, node):
                t = type(node)
                if t is _GAST_NAME and node.annotation is None:
                    self._source.append(node.id)
                    return
                if t is _GAST_CONSTANT and node.kind is None:
                    v = node.value
                    vt = type(v)
                    if (vt is int or vt is bool or v is None
                            or (vt is str and not self._avoid_backslashes)):
                        self._source.append(repr(v))
                        return
                self.traverse(node)

            def visit_Constant(self, node):
                v = node.value
                vt = type(v)
                if node.kind is None and (vt is int or vt is bool or v is None
                                          or (vt is str and not self._avoid_backslashes)):
                    self._source.append(repr(v))
                else:
                    super().visit_Constant(node)

            def visit_Expr(self, node):
                self.fill()
                self._precedences[node.value] = _YIELD
                self.traverse(node.value)

            def visit_Assign(self, node):
                self.fill()
                src = self._source
                for target in node.targets:
                    self._precedences[target] = _TUPLE
                    self._expr(target)
                    src.append(' = ')
                self._expr(node.value)
                comment = self.get_type_comment(node)
                if comment:
                    src.append(comment)

            def visit_AugAssign(self, node):
                self.fill()
                self._expr(node.target)
                self._source.append(' ' + self.binop[node.op.__class__.__name__] + '= ')
                self._expr(node.value)

            def visit_Return(self, node):
                value = node.value
                if type(value) in _TUPLES and len(value.elts) > 1:
                    self._precedences[value] = _TUPLE
                self.fill('return')
                if value:
                    self._source.append(' ')
                    self._expr(value)

            def _function_helper(self, node, fill_suffix):
                outer = self._in_function
                self._no_blank = self._compact and outer
                self._in_function = True
                try:
                    self.maybe_newline()
                    for deco in node.decorator_list:
                        self.fill('@')
                        self.traverse(deco)
                    self.fill(fill_suffix + ' ' + node.name)
                    src = self._source
                    src.append('(')
                    self.traverse(node.args)
                    src.append(')')
                    if node.returns:
                        src.append(' -> ')
                        self.traverse(node.returns)
                    extra = self.get_type_comment(node)
                    src.append(':')
                    if extra:
                        src.append(extra)
                    self._indent += 1
                    self._write_docstring_and_traverse_body(node)
                    self._indent -= 1
                finally:
                    self._in_function = outer
                    self._no_blank = False

            def visit_Tuple(self, node):
                elts = node.elts
                src = self._source
                parens = not elts or self._precedences.get(node, _TEST) > _TUPLE
                if parens:     # (inline: tuples are the most frequent node of generated code)
                    src.append('(')
                if len(elts) == 1:
                    self._expr(elts[0])
                    src.append(',')
                else:
                    comma = False
                    for e in elts:
                        if comma:
                            src.append(', ')
                        else:
                            comma = True
                        self._expr(e)
                if parens:
                    src.append(')')

            def visit_Attribute(self, node):
                value = node.value
                self._precedences[value] = _ATOM
                self._expr(value)
                src = self._source
                if isinstance(value, _CONSTANTS) and isinstance(value.value, int):
                    src.append(' ')
                src.append('.')
                src.append(node.attr)

            def visit_Call(self, node):
                func = node.func
                self._precedences[func] = _ATOM
                self._expr(func)
                src = self._source
                src.append('(')
                comma = False
                for e in node.args:
                    if comma:
                        src.append(', ')
                    else:
                        comma = True
                    self._expr(e)
                for e in node.keywords:
                    if comma:
                        src.append(', ')
                    else:
                        comma = True
                    if type(e) is gast.keyword:
                        if e.arg is None:
                            src.append('**')
                        else:
                            src.append(e.arg)
                            src.append('=')
                        self._expr(e.value)
                    else:
                        self.traverse(e)
                src.append(')')

            def visit_Compare(self, node):
                src = self._source
                parens = self._open_paren(node, _CMP)
                precedences = self._precedences
                precedences[node.left] = _CMP_NEXT
                for e in node.comparators:
                    precedences[e] = _CMP_NEXT
                self._expr(node.left)
                cmpops = self.cmpops
                for o, e in zip(node.ops, node.comparators):
                    src.append(' ' + cmpops[o.__class__.__name__] + ' ')
                    self._expr(e)
                if parens:
                    src.append(')')

            def visit_Lambda(self, node):
                src = self._source
                parens = self._open_paren(node, _TEST)
                src.append('lambda')
                buffer = self._source = []
                try:
                    self.traverse(node.args)
                finally:
                    self._source = src
                if buffer:
                    src.append(' ')
                    src.extend(buffer)
                src.append(': ')
                self._precedences[node.body] = _TEST
                self._expr(node.body)
                if parens:
                    src.append(')')

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
