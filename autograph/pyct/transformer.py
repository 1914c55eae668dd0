"""The base of every converter: a gast transformer that knows the entity being converted.

Converters subclass `Base` (full walk) or `StatementTransformer` (walks statement lists only,
never expressions: much faster for converters that only rewrite statements). Both:
  - leave nodes annotated `anno.Basic.SKIP` and local class bodies untouched;
  - give every node a converter creates the location of the node it replaces, so that the
    generated code carries the user's line numbers (see `loader`).
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import errors


class Context:
    """What converters share about one conversion unit.

    Attributes:
      filename: the user's file.
      lines: the user's file lines (for error messages), or None.
      namer: naming.Namer for this unit.
      options: dict of conversion options (e.g. {'recursive': True}).
      info: a dict where converters may leave facts for later converters.
    """

    def __init__(self, filename, lines, namer, options=None):
        self.filename = filename
        self.lines = lines
        self.namer = namer
        self.options = dict(options or {})
        self.info = {}

    def source_line(self, lineno):
        if self.lines and lineno and 0 < lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return None

    def has_nodes(self, *types):
        """Whether the entity may contain nodes of these types (True when unknown).

        The functions converter records the node types it sees; converters that create new
        kinds of nodes record them with `add_nodes`.
        """
        seen = self.info.get('node_types')
        if seen is None:
            return True
        for t in types:
            if t in seen:
                return True
        return False

    def add_nodes(self, *types, in_tests=False):
        """Records that the entity may now contain nodes of `types`. `in_tests`: the caller
        puts them only into tests (of an `if` or `while`, or a `for` loop's extra test,
        `Basic.EXTRA_LOOP_TEST`), so a converter may look for them there alone when the entity
        had none before (`has_nodes_outside_tests`)."""
        seen = self.info.get('node_types')
        if seen is None:
            return
        only = self.info.setdefault('in_tests_only', set())
        for t in types:
            if not in_tests:
                only.discard(t)
            elif t not in seen:
                only.add(t)
        seen.update(types)

    def has_nodes_outside_tests(self, *types):
        """Whether the entity may contain nodes of these types anywhere else than where
        `add_nodes(..., in_tests=True)` put them (True when unknown)."""
        seen = self.info.get('node_types')
        if seen is None:
            return True
        only = self.info.get('in_tests_only', ())
        for t in types:
            if t in seen and t not in only:
                return True
        return False

    def error(self, node, message, construct=None, hint=None):
        """A ConversionError pointing at `node` in the user's file."""
        lineno = getattr(node, 'lineno', None)
        return errors.ConversionError(
            message, filename=self.filename, lineno=lineno,
            col_offset=getattr(node, 'col_offset', None),
            source_line=self.source_line(lineno), construct=construct, hint=hint)


_MISSING = object()
_ANNOS = anno._ATTR
_SKIP = anno.Basic.SKIP
_CHILD_FIELDS = ast_util.CHILD_FIELDS
_CONSTANT = gast.Constant
_NAME = gast.Name


class Base:
    """A transformer over gast trees (the NodeTransformer protocol, tuned for speed).

    `visit_<NodeType>` methods return the node, a replacement node, a list of nodes (spliced
    into the enclosing list) or None (removes the node from a list). Nodes without fields
    (contexts, operators) are never visited.
    """

    _dispatch = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._dispatch = {}      # node class -> visitor function or None, per transformer

    def __init__(self, ctx):
        self.ctx = ctx

    def visit(self, node):
        annos = node.__dict__.get(_ANNOS)
        if annos is not None and _SKIP in annos:
            return node
        cls = type(node)
        visitor = self._dispatch.get(cls, _MISSING)
        if visitor is _MISSING:
            visitor = self._dispatch[cls] = getattr(type(self), 'visit_' + cls.__name__, None)
        if visitor is None:
            return self.generic_visit(node)
        result = visitor(self, node)
        if result is not node and result is not None:
            ast_util.fill_locations(result, node)
        return result

    def visit_ClassDef(self, node):
        return node

    def visit_block(self, stmts):
        """Visits a list of statements; returns the new list."""
        out = []
        for s in stmts:
            r = self.visit(s)
            if r is None:
                continue
            if type(r) is list:
                out.extend(r)
            else:
                out.append(r)
        return out

    def generic_visit(self, node):
        """Visits the children of `node`, in order; returns `node`.

        Children that have no visitor of their own (most expressions: `a + b + c + ...`) are
        walked here with an explicit stack rather than by recursion, so that an expression
        nested as deeply as CPython compiles costs no Python stack; only nodes that have a
        visitor are visited recursively.
        """
        if type(self).generic_visit is not Base.generic_visit:
            _drain(self._children(node, False))     # a subclass refines generic_visit
            return node
        stack = [self._children(node, True)]
        while stack:
            for child in stack[-1]:
                stack.append(self._children(child, True))
                break
            else:
                stack.pop()
        return node

    def _children(self, node, inline):
        """Visits the fields of `node`. A generator: with `inline`, it yields each child that
        `visit` would only walk generically (no visitor, not skipped) instead of visiting it,
        and the caller walks that child before the generator goes on. Children that hold no
        nodes at all (constants, names without an annotation) are not walked."""
        dispatch = self._dispatch
        d = node.__dict__
        for f in _CHILD_FIELDS[type(node)]:
            v = d.get(f)
            if type(v) is list:
                if v and isinstance(v[0], gast.stmt):
                    d[f] = self.visit_block(v)
                    continue
                new = []
                for item in v:
                    if isinstance(item, gast.AST) and item._fields:
                        t = type(item)
                        if inline and dispatch.get(t, _MISSING) is None:
                            annos = item.__dict__.get(_ANNOS)
                            if annos is None or _SKIP not in annos:
                                # (a leaf holds no node with fields: a constant, or a
                                # name without annotation)
                                if not (t is _CONSTANT or (t is _NAME and item.annotation is None)):
                                    yield item
                                new.append(item)
                                continue
                        r = self.visit(item)
                        if r is None:
                            continue
                        if type(r) is list:
                            new.extend(r)
                        else:
                            new.append(r)
                    else:
                        new.append(item)
                d[f] = new
            elif isinstance(v, gast.AST) and v._fields:
                t = type(v)
                if inline and dispatch.get(t, _MISSING) is None:
                    annos = v.__dict__.get(_ANNOS)
                    if annos is None or _SKIP not in annos:
                        if not (t is _CONSTANT or (t is _NAME and v.annotation is None)):
                            yield v     # (not a leaf, as above)
                        continue
                d[f] = self.visit(v)
        if type(node) is gast.For:
            extra = anno.getanno(node, anno.Basic.EXTRA_LOOP_TEST, None)
            if extra is not None:   # an expression kept aside for control_flow
                anno.setanno(node, anno.Basic.EXTRA_LOOP_TEST, self.visit(extra))


def _drain(generator):
    for _ in generator:
        pass


_STATEMENT_FIELDS = {
    gast.FunctionDef: ('body',),
    gast.If: ('body', 'orelse'),
    gast.While: ('body', 'orelse'),
    gast.For: ('body', 'orelse'),
    gast.With: ('body',),
    gast.Try: ('body', 'handlers', 'orelse', 'finalbody'),
    gast.ExceptHandler: ('body',),
    gast.Module: ('body',),
}
if hasattr(gast, 'TryStar'):
    _STATEMENT_FIELDS[gast.TryStar] = ('body', 'handlers', 'orelse', 'finalbody')


class StatementTransformer(Base):
    """A transformer that walks statements only (expressions are never visited)."""

    def generic_visit(self, node):
        fields = _STATEMENT_FIELDS.get(type(node))
        if fields is None:
            return node
        d = node.__dict__
        for f in fields:
            v = d[f]
            if v:
                if f == 'handlers':
                    d[f] = [self.visit(h) for h in v]
                else:
                    d[f] = self.visit_block(v)
        return node
