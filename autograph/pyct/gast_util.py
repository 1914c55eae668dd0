"""Fast conversion between stdlib `ast` trees and `gast` trees.

`gast.ast_to_gast` / `gast.gast_to_ast` are generic visitors written for every Python version
and cost more than parsing and compiling together. These converters handle the handful of
differences of the Python versions we run on (function parameters are `Name` nodes with a
`Param` context in gast and `arg` nodes in ast; an `except ... as name` name is a `Name` in
gast and a string in ast; gast functions and classes always have `type_params`) and copy
every other node field by field. Anything unexpected falls back to gast's own converters.
"""
import ast
import threading

import gast

from autograph.pyct import anno

_LOC = ('lineno', 'col_offset', 'end_lineno', 'end_col_offset')
_CTX_TO_GAST = {ast.Load: gast.Load, ast.Store: gast.Store, ast.Del: gast.Del}
_CTX_TO_AST = {gast.Load: ast.Load, gast.Store: ast.Store, gast.Del: ast.Del,
               gast.Param: ast.Load}
_GAST_AST = gast.AST
_GAST_NAME = gast.Name
_GAST_LOAD = gast.Load
_GAST_PARAM = gast.Param
_GAST_ARGUMENTS = gast.arguments
_AST_AST = ast.AST


class _Unsupported(Exception):
    pass


def _pair_classes(src_module, dst_module, src_base):
    table = {}
    for name in dir(src_module):
        cls = getattr(src_module, name)
        if isinstance(cls, type) and issubclass(cls, src_base) and hasattr(dst_module, name):
            dst = getattr(dst_module, name)
            if isinstance(dst, type) and getattr(dst, '_fields', None) is not None:
                fields = tuple(f for f in cls._fields if f in dst._fields)
                missing = tuple(f for f in dst._fields if f not in cls._fields)
                table[cls] = (dst, fields, missing)
    return table


_TO_GAST = _pair_classes(ast, gast, ast.AST)
_TO_AST = _pair_classes(gast, ast, gast.AST)
# The classes of gast nodes (gast.AST is ast.AST: this tells the trees apart).
GAST_CLASSES = frozenset(cls for cls in _TO_AST if getattr(ast, cls.__name__, None) is not cls)


def _copy_loc(src, dst):
    d = dst.__dict__
    s = src.__dict__
    for a in _LOC:
        if a in s:
            d[a] = s[a]


_PLAIN = frozenset((str, int, float, bool, complex, bytes, type(None), type(Ellipsis)))


# --- per-class converters, generated at first use --------------------------------------------

class Recorded:
    """What one `ast_to_gast` made, beside the tree (its root's `anno.Key.NODE_TYPES`):
    `classes`, the gast classes of the nodes made by the per-class converters in the order
    made (the root's own class first; names, parameters, `arguments` and `except` handlers are
    made by hand and not listed), `called`, the identifiers called directly (`f(...)`),
    `chained`, whether a comparison has more than one operator (`a < b < c`), `bound`, the
    identifiers of the names stored or deleted (not parameters, `except ... as` names), and
    `loop_else`, whether a loop has an `else:` clause."""

    __slots__ = ('classes', 'called', 'chained', 'bound', 'loop_else')

    def __init__(self):
        self.classes = []
        self.called = []
        self.chained = False
        self.bound = []
        self.loop_else = False


class _Recording(threading.local):
    now = None      # the Recorded of the conversion running in this thread


_RECORDING = _Recording()


class _Converters(dict):
    """{source class: function converting one node}, with straight-line field copies.

    Each class's function is generated the first time a node of that class is converted
    (`make`): generating all of them costs about as much as importing the rest of autograph,
    and a conversion meets few classes. With `record`, each function also notes its node in
    the `Recorded` of the running conversion.
    """

    def __init__(self, table, name, special, convert_value, record=False):
        super().__init__(special)
        self._table = table
        self._name = name
        self._record = record
        self._namespace = {'_cv': convert_value, '_PLAIN': _PLAIN, '_R': _RECORDING,
                           '_NAME': ast.Name}

    def make(self, src):
        """The function converting a node of class `src`, None if `src` is no node class."""
        entry = self._table.get(src)
        if entry is None or src in self:
            return self.get(src)
        dst, fields, missing = entry
        # Plain values (identifiers, constants, None) are copied without a call.
        items = ['%r: (v if (v := d.get(%r)).__class__ in _PLAIN else _cv(v))' % (f, f)
                 for f in fields]
        items += ['%r: %s' % (f, '[]' if f == 'type_params' else 'None') for f in missing]
        lines = ['def convert(n):',
                 '    d = n.__dict__']
        if self._record:
            lines.append('    r = _R.now')
            lines.append('    r.classes.append(D)')
            if src is ast.Call:
                lines.append("    if (f := d['func']).__class__ is _NAME:")
                lines.append('        r.called.append(f.id)')
            elif src is ast.Compare:
                lines.append("    if len(d['ops']) > 1:")
                lines.append('        r.chained = True')
            elif src is ast.While or src is ast.For or src is ast.AsyncFor:
                lines.append("    if d['orelse']:")
                lines.append('        r.loop_else = True')
        lines.append('    o = D.__new__(D)')
        lines.append('    o.__dict__ = nd = {%s}' % ', '.join(items))
        if 'lineno' in getattr(src, '_attributes', ()):
            lines.append("    if 'lineno' in d:")
            for a in _LOC:
                lines.append('        nd[%r] = d.get(%r)' % (a, a))
        lines.append('    return o')
        namespace = dict(self._namespace, D=dst)
        exec(compile('\n'.join(lines) + '\n', '<autograph %s_%s>' % (self._name, src.__name__),
                     'exec'), namespace)
        self[src] = namespace['convert']
        return self[src]


# --- ast -> gast ----------------------------------------------------------------------------

def _param(a):
    if a is None:
        return None
    d = a.__dict__
    n = _GAST_NAME.__new__(_GAST_NAME)
    n.__dict__ = nd = {'id': d['arg'], 'ctx': _GAST_PARAM.__new__(_GAST_PARAM),
                       'annotation': _gv(d.get('annotation')),
                       'type_comment': d.get('type_comment')}
    if 'lineno' in d:
        for k in _LOC:
            if k in d:
                nd[k] = d[k]
    return n


def _g(node):
    if node is None:
        return None
    t = type(node)
    if t is ast.Name:
        n = gast.Name(id=node.id, ctx=_CTX_TO_GAST[type(node.ctx)](), annotation=None,
                      type_comment=None)
        _copy_loc(node, n)
        return n
    if t is ast.arguments:
        # (`__new__`: the node gast's keyword constructor makes, several times faster)
        new = _GAST_ARGUMENTS.__new__(_GAST_ARGUMENTS)
        new.__dict__ = {
            'posonlyargs': [_param(a) for a in node.posonlyargs],
            'args': [_param(a) for a in node.args],
            'vararg': _param(node.vararg), 'kwonlyargs': [_param(a) for a in node.kwonlyargs],
            'kw_defaults': [_gv(d) for d in node.kw_defaults], 'kwarg': _param(node.kwarg),
            'defaults': [_gv(d) for d in node.defaults]}
        return new
    if t is ast.ExceptHandler:
        name = None
        if node.name is not None:
            name = gast.Name(id=node.name, ctx=gast.Store(), annotation=None, type_comment=None)
        n = gast.ExceptHandler(type=_gv(node.type), name=name, body=_gv(node.body))
        _copy_loc(node, n)
        return n
    entry = _TO_GAST.get(t)
    if entry is None:
        raise _Unsupported(t.__name__)
    cls, fields, missing = entry
    new = cls.__new__(cls)
    nd = new.__dict__
    d = node.__dict__
    for f in fields:
        v = d.get(f)
        if type(v) is list:
            nd[f] = [_g(x) if isinstance(x, _AST_AST) else x for x in v]
        elif isinstance(v, _AST_AST):
            nd[f] = _g(v)
        else:
            nd[f] = v
    for f in missing:
        nd[f] = [] if f == 'type_params' else None
    for a in _LOC:
        if a in d:
            nd[a] = d[a]
    return new


def _gv(v):
    t = type(v)
    if t is list:
        return [_gv(x) for x in v]
    f = _G_FUNCS.get(t) or _G_FUNCS.make(t)
    if f is not None:
        return f(v)
    if isinstance(v, _AST_AST):
        raise _Unsupported(t.__name__)
    return v


def _g_special(node):
    return _g(node)


def _g_name(node):
    d = node.__dict__
    n = _GAST_NAME.__new__(_GAST_NAME)
    ctx = _CTX_TO_GAST[type(d['ctx'])]
    if ctx is not _GAST_LOAD:
        _RECORDING.now.bound.append(d['id'])
    # (`__new__`: gast's constructors take keyword arguments, several times slower)
    n.__dict__ = nd = {'id': d['id'], 'ctx': ctx.__new__(ctx),
                       'annotation': None, 'type_comment': None}
    if 'lineno' in d:
        for a in _LOC:
            if a in d:
                nd[a] = d[a]
    return n


_G_FUNCS = _Converters(_TO_GAST, 'g', {ast.Name: _g_name, ast.arguments: _g_special,
                                     ast.ExceptHandler: _g_special, ast.arg: _g_special},
                     _gv, record=True)
_g_dispatch = _G_FUNCS


def ast_to_gast(node):
    """A gast tree equal to what `gast.ast_to_gast(node)` returns, built faster.

    The root of the new tree is annotated with `anno.Key.NODE_TYPES`: a `Recorded` of what
    the conversion made (none after the slower fallbacks).
    """
    recorded = _RECORDING.now = Recorded()
    try:
        try:
            new = _gv(node)
        except RecursionError:
            return _convert_deep(node, _gv, ast.expr)
    except _Unsupported:
        return gast.ast_to_gast(node)
    finally:
        _RECORDING.now = None
    if recorded.classes and recorded.classes[0] is type(new):
        anno.setanno(new, anno.Key.NODE_TYPES, recorded)
    return new


# --- gast -> ast ----------------------------------------------------------------------------

def _arg(n):
    if n is None:
        return None
    a = ast.arg(arg=n.id, annotation=_av(n.annotation), type_comment=n.type_comment)
    _copy_loc(n, a)
    return a


def _a(node):
    if node is None:
        return None
    t = type(node)
    if t is gast.Name:
        n = ast.Name(id=node.id, ctx=_CTX_TO_AST[type(node.ctx)]())
        _copy_loc(node, n)
        return n
    if t is gast.arguments:
        return ast.arguments(
            args=[_arg(a) for a in node.args], posonlyargs=[_arg(a) for a in node.posonlyargs],
            vararg=_arg(node.vararg), kwonlyargs=[_arg(a) for a in node.kwonlyargs],
            kw_defaults=[_av(d) for d in node.kw_defaults], kwarg=_arg(node.kwarg),
            defaults=[_av(d) for d in node.defaults])
    if t is gast.ExceptHandler:
        n = ast.ExceptHandler(type=_av(node.type),
                              name=node.name.id if node.name is not None else None,
                              body=_av(node.body))
        _copy_loc(node, n)
        return n
    entry = _TO_AST.get(t)
    if entry is None:
        raise _Unsupported(t.__name__)
    cls, fields, missing = entry
    new = cls.__new__(cls)
    nd = new.__dict__
    d = node.__dict__
    for f in fields:
        v = d.get(f)
        if type(v) is list:
            nd[f] = [_a(x) if isinstance(x, _GAST_AST) else x for x in v]
        elif isinstance(v, _GAST_AST):
            nd[f] = _a(v)
        else:
            nd[f] = v
    for f in missing:
        nd[f] = None
    for a in _LOC:
        if a in d:
            nd[a] = d[a]
    return new


def _av(v):
    t = type(v)
    if t is list:
        return [_av(x) for x in v]
    f = _A_FUNCS.get(t) or _A_FUNCS.make(t)
    if f is not None:
        return f(v)
    if isinstance(v, _GAST_AST):
        raise _Unsupported(t.__name__)
    return v


def _a_special(node):
    return _a(node)


_AST_NAME = ast.Name
# Contexts carry no state: one instance of each serves every node (as in `ast.parse` trees).
_CTX_AST_SINGLETON = {g: a() for g, a in _CTX_TO_AST.items()}


def _a_name(node):
    d = node.__dict__
    n = _AST_NAME.__new__(_AST_NAME)
    n.__dict__ = nd = {'id': d['id'], 'ctx': _CTX_AST_SINGLETON[type(d['ctx'])]}
    if 'lineno' in d:
        for a in _LOC:
            if a in d:
                nd[a] = d[a]
    return n


_A_FUNCS = _Converters(_TO_AST, 'a', {gast.Name: _a_name, gast.arguments: _a_special,
                                    gast.ExceptHandler: _a_special}, _av)
for _ctx, _single in _CTX_AST_SINGLETON.items():
    if _ctx is not gast.Param:
        _A_FUNCS[_ctx] = lambda node, _single=_single: _single


def gast_to_ast(node):
    """A stdlib ast tree equal to what `gast.gast_to_ast(node)` returns, built faster."""
    try:
        try:
            return _av(node)
        except RecursionError:
            return _convert_deep(node, _av, gast.expr)
    except _Unsupported:
        return gast.gast_to_ast(node)


# --- very deep trees ------------------------------------------------------------------------

_STEP = 64     # levels converted by one recursive call


class _Converted:
    """A subtree converted already (both converters return its node as it is)."""

    __slots__ = ('node',)

    def __init__(self, node):
        self.node = node


def _converted(holder):
    return holder.node


_G_FUNCS[_Converted] = _A_FUNCS[_Converted] = _converted


def _convert_deep(root, convert, expr):
    """`convert(root)` for a tree too deep to convert by recursion (`a + b + ... + z`).

    The converters recurse two frames per level. Here the expressions at every `_STEP`-th
    level of an expression chain are converted first, deepest first, each put in its
    parent's place while the parent is converted (the converters take a `_Converted` as
    already converted), so that no conversion recurses more than `_STEP` levels. The input
    tree is left as it was.
    """
    cuts = []       # (depth, container, key, node) for expressions at the levels to cut
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        d = node.__dict__
        cut_here = isinstance(node, expr) and (depth + 1) % _STEP == 0
        for f in type(node)._fields:
            v = d.get(f)
            if type(v) is list:
                for i, x in enumerate(v):
                    if isinstance(x, _AST_AST):
                        if cut_here and isinstance(x, expr):
                            cuts.append((depth + 1, v, i, x))
                        stack.append((x, depth + 1))
            elif isinstance(v, _AST_AST):
                if cut_here and isinstance(v, expr):
                    cuts.append((depth + 1, d, f, v))
                stack.append((v, depth + 1))
    cuts.sort(key=lambda c: c[0], reverse=True)
    try:
        for _, container, key, node in cuts:
            container[key] = _Converted(convert(node))
        return convert(root)
    finally:
        for _, container, key, node in cuts:
            container[key] = node
