"""Qualified names: `a`, `a.b`, `a[0]`, `a.b[i].c`.

A QN identifies a Python "location" that code reads or writes. Analyses use them to report
composite reads/writes (`self.x = ...` modifies `self.x` and reads `self`). Simple names are
passed as state of a converted statement; composites with a QN (a fixed path: attributes,
constant indices like `a[0]`, `a[-1]`, `d['k']`, or name indices like `a[i]`) can be written in
place and carried by a staged statement (converters/control_flow.py).
"""
import gast

from autograph.pyct import anno


class QN:
    """A qualified name. Immutable and hashable; `str(qn)` is its source form."""

    __slots__ = ('parent', 'attr', 'subscript', '_str', '_hash')

    def __init__(self, base, attr=None, subscript=None):
        if isinstance(base, QN):
            if (attr is None) == (subscript is None):
                raise ValueError('a composite QN needs exactly one of attr or subscript')
            self.parent = base
            self.attr = attr
            self.subscript = subscript
            if attr is not None:
                self._str = '%s.%s' % (base, attr)
            else:
                self._str = '%s[%s]' % (base, subscript)
        else:
            if attr is not None or subscript is not None:
                raise ValueError('a simple QN takes a string only')
            self.parent = None
            self.attr = None
            self.subscript = None
            self._str = base
        self._hash = hash(self._str)

    @property
    def is_simple(self):
        return self.parent is None

    @property
    def root(self):
        qn = self
        while qn.parent is not None:
            qn = qn.parent
        return qn

    @property
    def support_set(self):
        """The simple names this QN's value depends on (its root and subscript names)."""
        names = {self.root._str}
        qn = self
        while qn.parent is not None:
            if isinstance(qn.subscript, QN):
                names |= qn.subscript.support_set
            qn = qn.parent
        return names

    def __str__(self):
        return self._str

    def __repr__(self):
        return 'QN(%r)' % self._str

    def __eq__(self, other):
        return isinstance(other, QN) and self._str == other._str

    def __hash__(self):
        return self._hash


def _constant_key(node):
    """The source form of a constant index (`0`, `'k'`, `-1`, `(0, 1)`), or None."""
    t = type(node)
    if t is gast.Constant:
        return repr(node.value)
    if (t is gast.UnaryOp and type(node.op) is gast.USub and type(node.operand) is gast.Constant
            and type(node.operand.value) in (int, float)):
        return repr(-node.operand.value)
    if t is gast.Tuple and node.elts:
        keys = [_constant_key(e) for e in node.elts]
        if None not in keys:
            return '(%s)' % (', '.join(keys) + (',' if len(keys) == 1 else ''))
    return None


def _subscript_key(node):
    key = _constant_key(node)
    if key is not None:
        return key
    return from_node(node)


def from_node(node):
    """The QN of a Name/Attribute/Subscript expression, or None if it has none."""
    t = type(node)
    if t is gast.Name:
        return QN(node.id)
    if t is gast.Attribute:
        parent = from_node(node.value)
        return QN(parent, attr=node.attr) if parent is not None else None
    if t is gast.Subscript:
        parent = from_node(node.value)
        if parent is None:
            return None
        key = _subscript_key(node.slice)
        return QN(parent, subscript=key) if key is not None else None
    return None


def resolve(node):
    """Annotates every Name/Attribute/Subscript under `node` with `anno.Basic.QN`."""
    for n in gast.walk(node):
        if isinstance(n, (gast.Name, gast.Attribute, gast.Subscript)):
            q = from_node(n)
            if q is not None:
                anno.setanno(n, anno.Basic.QN, q)
    return node
