"""Small helpers over gast nodes: building, copying, contexts and locations."""
import gast

_LOC = ('lineno', 'col_offset', 'end_lineno', 'end_col_offset')
_LOAD = gast.Load
_STORE = gast.Store


# The builders below fill a new node's __dict__ directly: the same node as the gast
# constructor makes (fields set, no location), without its per-field setattr loop (contexts
# too: `Load.__new__(Load)` is `Load()` without the constructor call).
_NAME = gast.Name
_CONSTANT = gast.Constant
_TUPLE = gast.Tuple


def _location(at):
    """The location `fill_locations(node, at)` gives a new node: {} when `at` has none."""
    d = at.__dict__ if at is not None else {}
    if 'lineno' not in d:
        return {}
    lineno = d['lineno']
    col = d.get('col_offset', 0)
    return {'lineno': lineno, 'col_offset': col, 'end_lineno': lineno, 'end_col_offset': col}


def location(at):
    """The location (a dict of lineno, col_offset, end_lineno, end_col_offset) that
    `fill_locations(node, at)` gives a new node; {} when `at` has none."""
    return _location(at)


def make(cls, at=None, **fields):
    """A new `cls` node with `fields` (the node gast's constructor makes, without its keyword
    handling); with `at`, located as `fill_locations(..., at)` would locate it."""
    node = cls.__new__(cls)
    if at is not None and cls._attributes:
        _locate(fields, at)
    node.__dict__ = fields
    return node


def _locate(d, at):
    """Adds to the field dict `d` the location `fill_locations(..., at)` gives a new node."""
    a = at.__dict__
    if 'lineno' in a:
        lineno = a['lineno']
        col = a.get('col_offset', 0)
        d['lineno'] = lineno
        d['col_offset'] = col
        d['end_lineno'] = lineno
        d['end_col_offset'] = col


def name(id_, ctx=None, at=None):
    """A gast.Name (Load by default); with `at`, located as `fill_locations(..., at)` would."""
    node = _NAME.__new__(_NAME)
    if ctx is None:
        ctx = _LOAD.__new__(_LOAD)
    node.__dict__ = d = {'id': id_, 'ctx': ctx, 'annotation': None, 'type_comment': None}
    if at is not None:
        _locate(d, at)
    return node


def param(id_):
    return name(id_, gast.Param())


def const(value, at=None):
    node = _CONSTANT.__new__(_CONSTANT)
    node.__dict__ = d = {'value': value, 'kind': None}
    if at is not None:
        _locate(d, at)
    return node


def tuple_of(elts, ctx=None, at=None):
    """A Tuple of `elts`; with `at`, the Tuple (not its elements) is located at `at`."""
    node = _TUPLE.__new__(_TUPLE)
    if ctx is None:
        ctx = _LOAD.__new__(_LOAD)
    node.__dict__ = d = {'elts': list(elts), 'ctx': ctx}
    if at is not None:
        _locate(d, at)
    return node


# The builders below take `at`: every node they create is located as
# `fill_locations(node, at)` would locate it (no walk over the new nodes afterwards).

def _located(nodes, at):
    if at is not None:
        for n in nodes:
            _locate(n.__dict__, at)
    return nodes


def names_tuple(names, ctx=None, at=None):
    """(a, b) as a Tuple of Names."""
    return tuple_of(_located([name(n, ctx() if ctx else None) for n in names], at),
                    ctx() if ctx else None, at)


def strings_tuple(names, at=None):
    """('a', 'b') as a Tuple of string constants."""
    return tuple_of(_located([const(n) for n in names], at), None, at)


def targets_for(names, at=None):
    """The assignment target for a list of names: `a` or `a, b`."""
    if len(names) == 1:
        return name(names[0], _STORE.__new__(_STORE), at)
    return tuple_of(_located([name(n, _STORE.__new__(_STORE)) for n in names], at),
                    _STORE.__new__(_STORE), at)


def value_for(names, at=None):
    """The value expression for a list of names: `a` or `(a, b)`."""
    if len(names) == 1:
        return name(names[0], None, at)
    return names_tuple(names, None, at)


def copy_clean(node, keep_locations=False):
    """A deep copy of a gast tree without annotations (and without locations by default)."""
    if type(node) is list:
        return [copy_clean(n, keep_locations) for n in node]
    if not isinstance(node, gast.AST):
        return node
    cls = type(node)
    new = cls.__new__(cls)
    d = new.__dict__
    for f in cls._fields:
        v = getattr(node, f, None)
        if type(v) is list:
            d[f] = [copy_clean(x, keep_locations) if isinstance(x, gast.AST) else x for x in v]
        elif isinstance(v, gast.AST):
            d[f] = copy_clean(v, keep_locations)
        else:
            d[f] = v
    if keep_locations:
        src = node.__dict__
        for a in _LOC:
            if a in src:
                d[a] = src[a]
    return new


def set_ctx(node, ctx_cls):
    """Sets the context of an assignable expression (Name, Tuple, List, Starred, ...)."""
    t = type(node)
    if t is gast.Name or t is gast.Attribute or t is gast.Subscript:
        node.ctx = ctx_cls.__new__(ctx_cls)     # (`ctx_cls()` without the constructor call)
    elif t is gast.Tuple or t is gast.List:
        node.ctx = ctx_cls.__new__(ctx_cls)
        for e in node.elts:
            set_ctx(e, ctx_cls)
    elif t is gast.Starred:
        node.ctx = ctx_cls.__new__(ctx_cls)
        set_ctx(node.value, ctx_cls)


def copy_location(to_node, from_node):
    d = to_node.__dict__
    s = from_node.__dict__
    for a in _LOC:
        if a in s:
            d[a] = s[a]
    return to_node


def fill_locations(nodes, from_node):
    """Gives every node that lacks a location the location of `from_node`.

    Descends only through nodes that lack a location themselves: a located node is original
    user code (or was filled before) and keeps its own positions.
    """
    s = from_node.__dict__
    if 'lineno' not in s:
        return
    # Generated code points at where the replaced node starts: a multi-line span would make
    # CPython attribute some calls to the span's last line.
    lineno = s['lineno']
    col = s.get('col_offset', 0)
    ast = gast.AST
    fields_of = CHILD_FIELDS
    stack = list(nodes) if type(nodes) is list else [nodes]
    while stack:
        n = stack.pop()
        if type(n) is list:
            stack.extend(n)
            continue
        if not isinstance(n, ast):
            continue
        d = n.__dict__
        if 'lineno' in d:
            continue
        if n._attributes:
            d['lineno'] = lineno
            d['col_offset'] = col
            d['end_lineno'] = lineno
            d['end_col_offset'] = col
        for f in fields_of[type(n)]:
            v = d.get(f)
            if type(v) is list:
                stack.extend(v)
            elif v is not None:
                stack.append(v)


# Fields that never hold a node with fields of its own (names, operators, contexts, flags):
# tree walks skip them.
_NON_NODE_FIELDS = frozenset(('ctx', 'op', 'ops', 'id', 'attr', 'arg', 'type_comment', 'kind',
                              'is_async', 'level', 'module', 'conversion'))


class _ChildFields(dict):
    """{class: the fields of that node class that may hold nodes with fields}, filled on
    first use; () for a class that is not a node class (str, None, ...)."""

    def __missing__(self, cls):
        fields = self[cls] = tuple(
            f for f in getattr(cls, '_fields', ()) if f not in _NON_NODE_FIELDS
            and not (cls is gast.Constant and f == 'value'))
        return fields


# Tree walks look fields up here (`CHILD_FIELDS[type(node)]`, a dict lookup).
CHILD_FIELDS = _ChildFields()


def child_fields(cls):
    """The fields of node class `cls` that may hold nodes with fields (for tree walks); () for
    a class that is not a node class (str, None, ...)."""
    return CHILD_FIELDS[cls]


def strip_locations(node):
    for n in gast.walk(node):
        d = n.__dict__
        for a in _LOC:
            d.pop(a, None)
    return node


def push_children(stack, node):
    """Pushes the children of `node` onto `stack` (for explicit-stack tree walks). Items of
    list fields are pushed as they are: a walk may pop a None or a str (which has no
    children: `CHILD_FIELDS` gives it no fields)."""
    fields = CHILD_FIELDS[type(node)]
    if not fields:
        return
    d = node.__dict__
    for f in fields:
        v = d.get(f)
        if type(v) is list:
            stack.extend(v)
        elif v is not None:
            stack.append(v)
