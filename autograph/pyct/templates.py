"""Code templates: new code written as Python text with placeholders.

    templates.replace('''
        def fn_name(params):
            body
            return state
    ''', fn_name='if_true', params=['x'], body=node.body, state=ast_util.value_for(['x']))

A placeholder is any identifier that is a keyword of `replace`. Its replacement may be
  - a str: renames the identifier (a Name, a def's name, a parameter);
  - a gast expression: replaces the Name (its ctx becomes the placeholder's ctx);
  - a list of str or gast nodes: spliced into the enclosing list (parameters, arguments,
    statements; a placeholder alone on a line is a statement position);
  - a gast statement: replaces a placeholder alone on a line.

Each template is parsed once and compiled into a small Python function that builds fresh nodes
directly (one per template and set of placeholder names), so filling a template costs about
as much as writing the node constructors by hand. `replace_at` also gives the new nodes a
location as they are built (what `ast_util.fill_locations` would give them afterwards).
"""
import textwrap
import threading

import gast

from autograph.pyct import ast_util
from autograph.pyct import parser

_builders = {}
_lock = threading.Lock()
_CTX = (gast.Load, gast.Store, gast.Del, gast.Param)


def _mk(cls, d):
    node = cls.__new__(cls)
    node.__dict__ = d
    return node


def _name_of(value, ctx_cls):
    """A single node for a placeholder in an expression position."""
    if isinstance(value, str):
        return _mk(gast.Name, {'id': value, 'ctx': ctx_cls(), 'annotation': None,
                               'type_comment': None})
    if type(value) is list:
        raise ValueError('a list cannot replace a placeholder here')
    if ctx_cls is not gast.Load:
        ast_util.set_ctx(value, ctx_cls)
    return value


def _names_of(value, ctx_cls):
    """Nodes spliced into a list for a placeholder in a list position."""
    if type(value) is list:
        return [_name_of(v, ctx_cls) for v in value]
    return [_name_of(value, ctx_cls)]


def _stmts_of(value, ctx_cls):
    """Statements for a placeholder alone on a line."""
    if type(value) is list:
        return value
    if isinstance(value, gast.stmt):
        return [value]
    node = _name_of(value, ctx_cls)
    return [_mk(gast.Expr, {'value': node})]


def _locate(node, from_node):
    """`ast_util.fill_locations(node, from_node)`, without a call for a node that has a
    location (user code, or filled before: fill_locations would leave it as it is)."""
    if 'lineno' not in node.__dict__:
        ast_util.fill_locations(node, from_node)
    return node


def _name_at(value, ctx_cls, from_node):
    if isinstance(value, str):
        d = from_node.__dict__
        lineno = d['lineno']
        col = d.get('col_offset', 0)
        return _mk(gast.Name, {'id': value, 'ctx': ctx_cls(), 'annotation': None,
                               'type_comment': None, 'lineno': lineno, 'col_offset': col,
                               'end_lineno': lineno, 'end_col_offset': col})
    return _locate(_name_of(value, ctx_cls), from_node)


def _names_at(value, ctx_cls, from_node):
    if type(value) is list:
        return [_name_at(v, ctx_cls, from_node) for v in value]
    return [_name_at(value, ctx_cls, from_node)]


def _stmts_at(value, ctx_cls, from_node):
    return [_locate(n, from_node) for n in _stmts_of(value, ctx_cls)]


_LOCATION = (", 'lineno': _l, 'col_offset': _c, 'end_lineno': _l, 'end_col_offset': _c")


class _Compiler:
    """Turns a template's gast statements into the source of a builder function; with
    `located`, one that also gives each new node (and each placeholder's replacement that
    lacks one) the location `_l`, `_c` of the node `_f` the code replaces."""

    def __init__(self, placeholders, located=False):
        self.placeholders = placeholders
        self.located = located
        self.at = ('_at', ', _f') if located else ('_of', '')

    def node(self, n):
        t = type(n)
        if t in _CTX:
            return '%s.__new__(%s)' % (t.__name__, t.__name__)    # (no __init__ call)
        if t is gast.Name and n.id in self.placeholders:
            return '_name%s(_r[%r], %s%s)' % (self.at[0], n.id, type(n.ctx).__name__,
                                               self.at[1])
        items = []
        for f in t._fields:
            v = getattr(n, f, None)
            if t is gast.FunctionDef and f == 'name' and v in self.placeholders:
                items.append('%r: _r[%r]' % (f, v))
            elif type(v) is list:
                items.append('%r: %s' % (f, self.list(v)))
            elif isinstance(v, gast.AST):
                items.append('%r: %s' % (f, self.node(v)))
            else:
                items.append('%r: %r' % (f, v))
        location = _LOCATION if self.located and t._attributes else ''
        return '_mk(%s, {%s%s})' % (t.__name__, ', '.join(items), location)

    def list(self, items):
        parts = []
        for x in items:
            if not isinstance(x, gast.AST):
                parts.append(repr(x))
            elif type(x) is gast.Name and x.id in self.placeholders:
                parts.append('*_names%s(_r[%r], %s%s)' % (self.at[0], x.id,
                                                           type(x.ctx).__name__, self.at[1]))
            elif (type(x) is gast.Expr and type(x.value) is gast.Name
                  and x.value.id in self.placeholders):
                parts.append('*_stmts%s(_r[%r], Load%s)' % (self.at[0], x.value.id, self.at[1]))
            else:
                parts.append(self.node(x))
        return '[%s]' % ', '.join(parts)


def _builder(template, keys, located=False):
    key = (template, keys, located) if located else (template, keys)
    build = _builders.get(key)
    if build is None:
        body = parser.parse(textwrap.dedent(template)).body
        source = 'def build(_r%s):\n    return %s\n' % (
            ', _f, _l, _c' if located else '', _Compiler(set(keys), located).list(body))
        namespace = {name: getattr(gast, name) for name in dir(gast)
                     if isinstance(getattr(gast, name), type)}
        namespace.update(_mk=_mk, _name_of=_name_of, _names_of=_names_of, _stmts_of=_stmts_of,
                         _name_at=_name_at, _names_at=_names_at, _stmts_at=_stmts_at)
        exec(compile(source, '<autograph template>', 'exec'), namespace)  # noqa: S102
        build = namespace['build']
        with _lock:
            _builders[key] = build
    return build


def replace(template, **replacements):
    """Returns the template's statements (a list of fresh gast nodes) with placeholders filled."""
    return _builder(template, frozenset(replacements))(replacements)


def replace_at(from_node, template, **replacements):
    """`replace`, with the new nodes located at `from_node` as `ast_util.fill_locations` would
    locate them (its start; placeholders' replacements that have a location keep theirs)."""
    d = from_node.__dict__
    if 'lineno' not in d:
        return replace(template, **replacements)
    return _builder(template, frozenset(replacements), True)(
        replacements, from_node, d['lineno'], d.get('col_offset', 0))


def replace_as_expression(template, **replacements):
    """Like `replace`, for a template that is a single expression."""
    stmts = replace(template, **replacements)
    if len(stmts) != 1 or not isinstance(stmts[0], gast.Expr):
        raise ValueError('template is not a single expression: %r' % template)
    return stmts[0].value
