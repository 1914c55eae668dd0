"""Activity analysis: which names each block of code reads, modifies and creates.

Annotates (never rewrites):
  - every statement with `'activity'`: the `Names` its own CFG node reads and writes (for a
    compound statement, only its header: the `if` test, the `with` items, ...);
  - `If`/`While`/`For`/`With`/`Try` with `Static.BODY_SCOPE` / `ORELSE_SCOPE` / `COND_SCOPE` /
    `ITERATE_SCOPE`: a `Scope` with `read`, `modified`, `created` (names bound for the first
    time in the function, in source order) and the composite names (`a.b`, `a[0]`) involved;
  - every function with `Static.SCOPE`: a `FunctionScope` (params, locals, globals, nonlocals,
    free variables).
`modified` holds simple names only; `self.x = 1` modifies the composite `self.x` (in
`composite_modified`) and reads `self`. Every attribute/item write target is also kept in
`write_nodes` (by composite name, or by node when it has no QN: `a[i + 1] = v`), so that
control_flow can tell which writes a staged statement can carry and report the others by line.

Nested functions and lambdas count as reading their free variables where they are defined, and
a nested function that assigns a `nonlocal` name counts as modifying it.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import qual_names

_NAME = gast.Name
_LOAD = gast.Load
_STORE = gast.Store
_DEL = gast.Del
_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)
_CHILD_FIELDS = ast_util.CHILD_FIELDS     # fields that may hold nodes (not ctx, op, names)
ACTIVITY = anno.Key.ACTIVITY
TARGET_ACTIVITY = anno.Key.TARGET_ACTIVITY
EXTRA_ACTIVITY = anno.Key.EXTRA_ACTIVITY


class Names:
    """Names read and written by one CFG node (dicts used as ordered sets)."""

    __slots__ = ('reads', 'writes', 'dels', 'creads', 'cwrites', 'captured', 'wnodes')

    def __init__(self):
        self.reads = {}
        self.writes = {}
        self.dels = {}
        self.creads = {}
        self.cwrites = {}
        self.captured = {}   # free variables of nested functions and (user) lambdas
        # Attribute/item write targets (None until one is seen): str(QN) -> first node for
        # composites, and the node itself -> node for targets without a QN (`a[i + 1] = v`,
        # `f().x = v`), which no name can track.
        self.wnodes = None


class Scope:
    """Activity of a block: `read`, `modified` and `created` simple names (ordered), plus the
    composite names read (`composite_read`) and modified (`composite_modified`)."""

    __slots__ = ('read', 'modified', 'created', 'composite_read', 'composite_modified',
                 'composite_read_first', 'composite_deleted', 'write_nodes')

    def __init__(self):
        self.read = {}
        self.modified = {}
        self.created = {}
        self.composite_read = {}        # str -> QN
        self.composite_modified = {}    # str -> QN
        self.composite_read_first = {}  # composites read before being written in the block
        self.composite_deleted = {}     # composites deleted (`del a.b`, `del a[0]`)
        self.write_nodes = None         # attribute/item write targets (see Names.wnodes)

    def merge(self, names):
        for c in names.creads:      # a statement evaluates what it reads before it stores
            if c not in self.composite_modified:
                self.composite_read_first[c] = None
        self.read.update(names.reads)
        self.modified.update(names.writes)
        self.composite_read.update(names.creads)
        self.composite_modified.update(names.cwrites)
        for d in names.dels:
            if d in names.cwrites:
                self.composite_deleted[d] = None
        if names.wnodes:
            self._merge_nodes(names.wnodes)

    def merge_scope(self, other):
        for c in other.composite_read_first:
            if c not in self.composite_modified:
                self.composite_read_first[c] = None
        self.read.update(other.read)
        self.modified.update(other.modified)
        self.created.update(other.created)
        self.composite_read.update(other.composite_read)
        self.composite_modified.update(other.composite_modified)
        self.composite_deleted.update(other.composite_deleted)
        if other.write_nodes:
            self._merge_nodes(other.write_nodes)

    def _merge_nodes(self, nodes):
        if self.write_nodes is None:
            self.write_nodes = dict(nodes)
        else:
            for k, v in nodes.items():
                self.write_nodes.setdefault(k, v)

    def __repr__(self):
        return 'Scope(%s)' % format_scope(self)


class FunctionScope:
    """Names of one function: params, locals (assigned, not declared global/nonlocal),
    globals/nonlocals (declared), free (read or written but bound outside), all reads, and
    captured (its own variables that nested functions or lambdas read: any call may observe
    them, so liveness treats them as always live)."""

    __slots__ = ('params', 'locals', 'globals', 'nonlocals', 'free', 'read', 'assigned_nonlocals',
                 'captured')

    def __init__(self):
        self.captured = {}      # names of this function that nested functions/lambdas read
        self.params = {}
        self.locals = {}
        self.globals = {}
        self.nonlocals = {}
        self.free = {}
        self.read = {}
        self.assigned_nonlocals = {}


def _fmt(names):
    return '{' + ', '.join(names) + '}'


def format_scope(scope):
    read = list(scope.read) + list(scope.composite_read)
    modified = list(scope.modified) + list(scope.composite_modified)
    return 'read=%s modified=%s created=%s' % (_fmt(read), _fmt(modified), _fmt(scope.created))


# --- expressions ----------------------------------------------------------------------------

def scan(node, out):
    """Adds the names that evaluating expression (or target) `node` reads/writes to `out`."""
    t = type(node)
    if t is _NAME:
        c = type(node.ctx)
        if c is _LOAD:
            out.reads[node.id] = None
        elif c is _DEL:
            out.reads[node.id] = None       # `del x` fails when x is unassigned: a use of x
            out.writes[node.id] = None
            out.dels[node.id] = None
        else:
            out.writes[node.id] = None
        return
    if t is gast.Attribute or t is gast.Subscript:
        q = qual_names.from_node(node)
        if type(node.ctx) is _LOAD:
            if q is not None:
                out.creads[str(q)] = q
        else:
            if out.wnodes is None:
                out.wnodes = {}
            if q is not None:
                key = str(q)
                out.cwrites[key] = q
                out.wnodes.setdefault(key, node)
                if type(node.ctx) is _DEL:
                    out.dels[key] = None
            else:
                out.wnodes[node] = node
        scan(node.value, out)
        if t is gast.Subscript:
            scan(node.slice, out)
        return
    if t is gast.Lambda:
        _scan_lambda(node, out)
        return
    if t in _COMPREHENSIONS:
        _scan_comprehension(node, out)
        return
    if t is gast.Constant:
        return
    d = node.__dict__
    for f in _CHILD_FIELDS[t]:
        v = d.get(f)
        if type(v) is list:
            for x in v:
                if isinstance(x, gast.AST):
                    scan(x, out)
        elif isinstance(v, gast.AST):
            scan(v, out)


def _params_of(args):
    names = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg is not None:
        names.append(args.vararg.id)
    if args.kwarg is not None:
        names.append(args.kwarg.id)
    return names


def _scan_lambda(node, out):
    args = node.args
    for d in args.defaults:
        scan(d, out)
    for d in args.kw_defaults:
        if d is not None:
            scan(d, out)
    inner = Names()
    scan(node.body, inner)
    params = set(_params_of(args))
    # A user's lambda may run later, seeing later values; converters' thunks run at once.
    escapes = not anno.hasanno(node, anno.Basic.GENERATED)
    for n in inner.reads:
        if n not in params:
            out.reads[n] = None
            if escapes:
                out.captured[n] = None
    for n in inner.captured:
        if n not in params:
            out.captured[n] = None
    for n in inner.creads:
        out.creads[n] = None


def _scan_comprehension(node, out):
    t = type(node)
    gens = node.generators
    scan(gens[0].iter, out)
    inner = Names()
    bound = set()
    for i, g in enumerate(gens):
        targets = Names()
        scan(g.target, targets)
        bound.update(targets.writes)
        if i:
            scan(g.iter, inner)
        for cond in g.ifs:
            scan(cond, inner)
    if type(node) is gast.DictComp:
        scan(node.key, inner)
        scan(node.value, inner)
    else:
        scan(node.elt, inner)
    # A generator expression runs when it is iterated, maybe later: it sees later values of
    # the variables it reads, as a lambda does.
    escapes = t is gast.GeneratorExp
    for n in inner.reads:
        if n not in bound:
            out.reads[n] = None
            if escapes:
                out.captured[n] = None
    for n in inner.captured:
        if n not in bound:
            out.captured[n] = None
    for n in inner.writes:      # := inside a comprehension binds in the enclosing function
        if n not in bound:
            out.writes[n] = None
    out.creads.update(inner.creads)


# --- statements -----------------------------------------------------------------------------

def _header(node, fields):
    out = Names()
    d = node.__dict__
    for f in fields:
        v = d.get(f)
        if type(v) is list:
            for x in v:
                if isinstance(x, gast.AST):
                    scan(x, out)
        elif isinstance(v, gast.AST):
            scan(v, out)
    return out


class _Analyzer:
    """Walks one function's statements in source order, annotating as it goes."""

    def __init__(self, fscope):
        self.fscope = fscope
        self.bound = dict(fscope.params)

    def block(self, stmts):
        scope = Scope()
        for s in stmts:
            self.statement(s, scope)
        return scope

    def _bind(self, names, scope):
        for n in names.writes:
            if n not in self.bound:
                self.bound[n] = None
                scope.created[n] = None

    def _simple(self, node, names, scope):
        anno.setanno(node, ACTIVITY, names)
        scope.merge(names)
        self._bind(names, scope)
        if names.captured:
            self.fscope.captured.update(names.captured)

    def statement(self, node, scope):
        t = type(node)
        if t is gast.If:
            cond = _header(node, ('test',))
            self._simple(node, cond, scope)
            anno.setanno(node, anno.Static.COND_SCOPE, _scope_of(cond))
            self._blocks(node, scope, ('body', 'orelse'))
        elif t is gast.While:
            cond = _header(node, ('test',))
            self._simple(node, cond, scope)
            anno.setanno(node, anno.Static.COND_SCOPE, _scope_of(cond))
            self._blocks(node, scope, ('body', 'orelse'))
        elif t is gast.For:
            it = _header(node, ('iter',))
            self._simple(node, it, scope)
            anno.setanno(node, anno.Static.ITERATE_SCOPE, _scope_of(it))
            extra = anno.getanno(node, anno.Basic.EXTRA_LOOP_TEST, None)
            if extra is not None:   # a loop's extra test (see break_statements) is read
                names = Names()     # at its head, before each iteration
                scan(extra, names)
                anno.setanno(node, EXTRA_ACTIVITY, names)
                scope.merge(names)
            target = _header(node, ('target',))
            anno.setanno(node, TARGET_ACTIVITY, target)
            scope.merge(target)
            self._bind(target, scope)
            self._blocks(node, scope, ('body', 'orelse'))
        elif t is gast.With:
            self._simple(node, _header(node, ('items',)), scope)
            self._blocks(node, scope, ('body',))
        elif t is gast.Try or t is getattr(gast, 'TryStar', None):
            anno.setanno(node, ACTIVITY, Names())
            body = self.block(node.body)
            anno.setanno(node, anno.Static.BODY_SCOPE, body)
            scope.merge_scope(body)
            for h in node.handlers:
                hn = _header(h, ('type', 'name'))
                self._simple(h, hn, scope)
                hb = self.block(h.body)
                anno.setanno(h, anno.Static.BODY_SCOPE, hb)
                scope.merge_scope(hb)
            for f in ('orelse', 'finalbody'):
                sub = self.block(getattr(node, f))
                anno.setanno(node, anno.Key.ORELSE_SCOPE if f == 'orelse' else anno.Key.FINAL_SCOPE,
                             sub)
                scope.merge_scope(sub)
        elif t is gast.FunctionDef or t is gast.AsyncFunctionDef:
            inner = analyze_function(node)
            names = _header(node, ('decorator_list',))
            args = node.args
            for d in args.defaults + [k for k in args.kw_defaults if k is not None]:
                scan(d, names)
            names.reads.update(inner.free)
            names.captured.update(inner.free)
            names.writes[node.name] = None
            names.writes.update(inner.assigned_nonlocals)
            self._simple(node, names, scope)
        elif t is gast.ClassDef:
            names = _header(node, ('bases', 'keywords', 'decorator_list'))
            for n in gast.walk(node):
                if type(n) is _NAME and type(n.ctx) is _LOAD:
                    names.reads[n.id] = None
            names.writes[node.name] = None
            self._simple(node, names, scope)
        elif t is gast.Import or t is gast.ImportFrom:
            names = Names()
            for a in node.names:
                names.writes[a.asname or a.name.split('.')[0]] = None
            self._simple(node, names, scope)
        elif t is gast.Global:
            self.fscope.globals.update(dict.fromkeys(node.names))
            self._simple(node, Names(), scope)
        elif t is gast.Nonlocal:
            self.fscope.nonlocals.update(dict.fromkeys(node.names))
            self._simple(node, Names(), scope)
        elif t is gast.AnnAssign:
            fields = ('target', 'value') if node.value is not None else ()
            self._simple(node, _header(node, fields), scope)
        elif t is gast.AugAssign:
            names = _header(node, ('target', 'value'))
            if type(node.target) is _NAME:
                names.reads[node.target.id] = None
            self._simple(node, names, scope)
        else:
            # Simple statements (and constructs the CFG treats as opaque, e.g. match).
            self._simple(node, _header(node, _CHILD_FIELDS[t]), scope)

    def _blocks(self, node, scope, fields):
        for f in fields:
            sub = self.block(getattr(node, f))
            anno.setanno(node, anno.Static.BODY_SCOPE if f == 'body' else anno.Static.ORELSE_SCOPE,
                         sub)
            scope.merge_scope(sub)


def _scope_of(names):
    s = Scope()
    s.merge(names)
    return s


def analyze_function(node):
    """Annotates a FunctionDef (or Lambda) and everything inside; returns its FunctionScope."""
    fscope = FunctionScope()
    fscope.params = dict.fromkeys(_params_of(node.args))
    if type(node) is gast.Lambda:
        names = Names()
        scan(node.body, names)
        body = _scope_of(names)
    else:
        body = _Analyzer(fscope).block(node.body)
        anno.setanno(node, anno.Static.BODY_SCOPE, body)
    declared = set(fscope.globals) | set(fscope.nonlocals)
    for n in body.modified:
        if n not in declared and n not in fscope.params:
            fscope.locals[n] = None
    fscope.read = dict(body.read)
    for n in body.read:
        if n not in fscope.locals and n not in fscope.params and n not in fscope.globals:
            fscope.free[n] = None
    for n in fscope.nonlocals:
        fscope.free[n] = None
        if n in body.modified:
            fscope.assigned_nonlocals[n] = None
    fscope.captured = {n: None for n in fscope.captured
                       if n in fscope.locals or n in fscope.params}
    anno.setanno(node, anno.Static.SCOPE, fscope)
    return fscope


_HEADERS = {
    gast.If: ('test',), gast.While: ('test',), gast.For: ('target', 'iter'),
    gast.With: ('items',), gast.ExceptHandler: ('type', 'name'), gast.Try: (),
}


def bound_names(fn):
    """Names a function binds locally (parameters and assignments), without annotating.

    A light version of `analyze_function` for converters that run before the analyses.
    """
    names = Names()
    declared = set()
    stack = list(fn.body)
    while stack:
        s = stack.pop()
        t = type(s)
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            names.writes[s.name] = None
            continue
        if t is gast.Global or t is gast.Nonlocal:
            declared.update(s.names)
            continue
        if t is gast.Import or t is gast.ImportFrom:
            for a in s.names:
                names.writes[a.asname or a.name.split('.')[0]] = None
            continue
        fields = _HEADERS.get(t)
        if fields is None:
            scan(s, names)
            continue
        for f in fields:
            v = getattr(s, f)
            for x in (v if type(v) is list else [v]):
                if isinstance(x, gast.AST):
                    scan(x, names)
        for f in ('body', 'orelse', 'finalbody', 'handlers'):
            stack.extend(getattr(s, f, ()))
    out = set(_params_of(fn.args))
    out.update(n for n in names.writes if n not in declared)
    return out


def dump(node):
    """One line per annotated block of `node`'s function: 'line kind.block: read=... ...'."""
    out = []
    for n in gast.walk(node):
        for key, label in ((anno.Static.COND_SCOPE, 'cond'), (anno.Static.ITERATE_SCOPE, 'iter'),
                           (anno.Static.BODY_SCOPE, 'body'), (anno.Static.ORELSE_SCOPE, 'orelse')):
            s = anno.getanno(n, key, None)
            if s is not None and (key != anno.Static.ORELSE_SCOPE or getattr(n, 'orelse', None)):
                out.append((getattr(n, 'lineno', 0), '%s %s.%s: %s' % (
                    getattr(n, 'lineno', '?'), type(n).__name__, label, format_scope(s))))
    out.sort(key=lambda x: x[0])
    return '\n'.join(line for _, line in out)
