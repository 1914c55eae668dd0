"""Control-flow graphs of functions, one node per simple statement or statement header.

Nodes:
  - each simple statement (assignment, call, return, nested def, ...) is one node;
  - `if` and `while` are one node each: their test;
  - `for` is three nodes: the iterable (evaluated once), the loop head (the exit test) and
    the target (bound on the way into the body only);
  - `with` is one node for its items and one (empty) node its body's nodes may jump to (its
    context manager may suppress an exception); `try` one (empty) node for its entry; each
    `except` clause one node for its header.
Edges follow Python's semantics, including break/continue/return, loop `else` clauses and
exceptions (any statement of a `try` body may jump to every handler). Nested functions are
single nodes here; they get graphs of their own.

The graph is built from the `activity` annotations: each node carries the names it reads and
writes, which the liveness and reaching-definitions analyses use.
"""
import gast

from autograph.pyct import activity
from autograph.pyct import anno

_EMPTY = activity.Names()


class Node:
    """A CFG node. `ast_node` is its statement (a For statement has three: 'iter', the loop
    head 'for' and 'target')."""

    __slots__ = ('index', 'ast_node', 'kind', 'next', 'prev', 'names', 'defs')

    def __init__(self, index, ast_node, kind, names):
        self.index = index
        self.ast_node = ast_node
        self.kind = kind
        self.next = []
        self.prev = []
        self.names = names
        self.defs = ()     # extra definitions (e.g. the state a staged statement passes on)

    def label(self):
        n = self.ast_node
        if self.kind in ('entry', 'exit'):
            return self.kind
        line = getattr(n, 'lineno', '?')
        if self.kind == 'iter' or self.kind == 'target':
            return '%s:for-%s' % (line, self.kind)
        return '%s:%s' % (line, self.kind)

    def __repr__(self):
        return 'Node(%s)' % self.label()


class Graph:
    """nodes[0] is the entry, nodes[1] the exit."""

    __slots__ = ('nodes', 'entry', 'exit', 'function')

    def __init__(self, function):
        self.function = function
        self.nodes = []
        self.entry = None
        self.exit = None

    def dump(self):
        lines = []
        for n in self.nodes:
            lines.append('%s -> %s' % (n.label(), ', '.join(s.label() for s in n.next)))
        return '\n'.join(lines)


_KINDS = {}


def _kind(node):
    t = type(node)
    k = _KINDS.get(t)
    if k is None:
        k = _KINDS[t] = t.__name__.lower()
    return k


class _Loop:
    __slots__ = ('head', 'breaks')

    def __init__(self, head):
        self.head = head
        self.breaks = []


class _Builder:

    def __init__(self, function):
        self.graph = Graph(function)
        self.loops = []
        self.handlers = []      # stack of lists of handler entry nodes (innermost last)

    def new(self, ast_node, kind, names):
        node = Node(len(self.graph.nodes), ast_node, kind, names)
        self.graph.nodes.append(node)
        if self.handlers:
            for h in self.handlers[-1]:
                node.next.append(h)
                h.prev.append(node)
        return node

    @staticmethod
    def connect(preds, node):
        for p in preds:
            p.next.append(node)
            node.prev.append(p)

    def build(self, function):
        g = self.graph
        g.entry = self.new(function, 'entry', _EMPTY)
        g.exit = Node(1, function, 'exit', _EMPTY)
        g.nodes.append(g.exit)
        ends = self.block(function.body, [g.entry])
        self.connect(ends, g.exit)
        return g

    def block(self, stmts, preds):
        for s in stmts:
            preds = self.statement(s, preds)
        return preds

    def statement(self, s, preds):
        t = type(s)
        names = anno.getanno(s, activity.ACTIVITY, _EMPTY)
        if t is gast.If:
            test = self.new(s, 'if', names)
            anno.setanno(s, anno.Static.CFG_NODE, test)
            self.connect(preds, test)
            ends = self.block(s.body, [test])
            return ends + (self.block(s.orelse, [test]) if s.orelse else [test])
        if t is gast.While:
            test = self.new(s, 'while', names)
            anno.setanno(s, anno.Static.CFG_NODE, test)
            anno.setanno(s, anno.Static.CFG_HEAD, test)
            self.connect(preds, test)
            loop = _Loop(test)
            self.loops.append(loop)
            self.connect(self.block(s.body, [test]), test)
            self.loops.pop()
            ends = self.block(s.orelse, [test]) if s.orelse else [test]
            return ends + loop.breaks
        if t is gast.For:
            it = self.new(s, 'iter', names)
            anno.setanno(s, anno.Static.CFG_NODE, it)
            self.connect(preds, it)
            head = self.new(s, 'for', anno.getanno(s, activity.EXTRA_ACTIVITY, _EMPTY))
            anno.setanno(s, anno.Static.CFG_HEAD, head)
            self.connect([it], head)
            target = self.new(s, 'target', anno.getanno(s, activity.TARGET_ACTIVITY, _EMPTY))
            self.connect([head], target)
            loop = _Loop(head)
            self.loops.append(loop)
            self.connect(self.block(s.body, [target]), head)
            self.loops.pop()
            ends = self.block(s.orelse, [head]) if s.orelse else [head]
            return ends + loop.breaks
        if t is gast.With:
            node = self.new(s, 'with', names)
            anno.setanno(s, anno.Static.CFG_NODE, node)
            self.connect(preds, node)
            # Its context manager may suppress an exception raised anywhere in the body: each
            # body node may also go to the end of the statement (through an empty node, as a
            # handler header), and from there on, or to the enclosing handlers.
            out = Node(-1, s, 'with_exit', _EMPTY)
            node.next.append(out)       # an exception in the first statement
            out.prev.append(node)
            self.handlers.append([out])
            ends = self.block(s.body, [node])
            self.handlers.pop()
            out.index = len(self.graph.nodes)
            self.graph.nodes.append(out)
            if self.handlers:
                for h in self.handlers[-1]:
                    out.next.append(h)
                    h.prev.append(out)
            return ends + [out]
        if t is gast.Try or t is getattr(gast, 'TryStar', None):
            return self._try(s, preds)
        node = self.new(s, _kind(s), names)
        anno.setanno(s, anno.Static.CFG_NODE, node)
        self.connect(preds, node)
        if t is gast.Return:
            self.connect([node], self.graph.exit)
            return []
        if t is gast.Raise:
            if not self.handlers:
                self.connect([node], self.graph.exit)
            return []
        if t is gast.Break:
            if self.loops:
                self.loops[-1].breaks.append(node)
            return []
        if t is gast.Continue:
            if self.loops:
                self.connect([node], self.loops[-1].head)
            return []
        return [node]

    def _try(self, s, preds):
        entry = self.new(s, 'try', _EMPTY)
        anno.setanno(s, anno.Static.CFG_NODE, entry)
        self.connect(preds, entry)
        # Handler headers are created first so that body nodes can link to them.
        headers = []
        for h in s.handlers:
            hn = Node(-1, h, 'except', anno.getanno(h, activity.ACTIVITY, _EMPTY))
            headers.append(hn)
        for hn in headers:
            entry.next.append(hn)
            hn.prev.append(entry)
        self.handlers.append(headers)
        ends = self.block(s.body, [entry])
        self.handlers.pop()
        ends = self.block(s.orelse, ends)
        for h, hn in zip(s.handlers, headers):
            hn.index = len(self.graph.nodes)
            self.graph.nodes.append(hn)
            if self.handlers:
                for outer in self.handlers[-1]:
                    hn.next.append(outer)
                    outer.prev.append(hn)
            anno.setanno(h, anno.Static.CFG_NODE, hn)
            ends = ends + self.block(h.body, [hn])
        if s.finalbody:
            ends = self.block(s.finalbody, ends)
        return ends


def build(function):
    """Builds the CFG of a FunctionDef already annotated by `activity.analyze_function`."""
    graph = _Builder(function).build(function)
    anno.setanno(function, anno.Static.CFG, graph)
    return graph
