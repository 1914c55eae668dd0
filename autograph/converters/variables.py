"""Initialises possibly-undefined state variables and lowers `del name`.

The control_flow converter records, from the reaching-definitions analysis, which state
variables of a staged statement may be undefined on entry. They get a placeholder value:

    y = ag__.Undefined('y')        # right before the statement, when nothing defines y
    def if_true(y):                # before it (only names that need one get one)
        ...

A variable that some paths define and others do not gets its placeholder at the top of the
function instead, so that the placeholder never replaces a value. `del x` becomes
`x = ag__.Undefined('x')`, so a later staged statement can still pass `x` along.

Where the user's code reads a variable that has a placeholder and that may be unassigned at
that point (reaching definitions of the original code say so), the read becomes
`ag__.ld(x)`, which raises UnboundLocalError when `x` holds the placeholder, as the original
raises there, instead of returning or passing on the placeholder:

    if x > 0:                      y = ag__.Undefined('y')
        y = 1             ->       ...
    return y                       return ag__.ld(y)

Reads that are certainly assigned are left as they are, as are the names converters introduce
(their reads are guarded by the flags that go with them). Which reads may find their variable
unassigned is the analysis of pyct/unassigned_reads.py; this converter only rewrites.
"""
import gast

from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import templates
from autograph.pyct import transformer
from autograph.pyct import unassigned_reads


class VariablesTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.tops = []
        self.placeholders = set()    # the names given an ag__.Undefined placeholder
        self.deletes = {}            # `del x` node -> the `x = ag__.Undefined('x')` it became
        self.declared = []           # per user function: its global and nonlocal names

    def _undefined(self, name):
        self.placeholders.add(name)
        return templates.replace("name = ag__.Undefined(name_str)", name=name,
                                 name_str=gast.Constant(value=name, kind=None))[0]

    def visit_FunctionDef(self, node):
        if anno.hasanno(node, anno.Basic.GENERATED):
            return self.generic_visit(node)
        self.tops.append({})
        scope = anno.getanno(node, anno.Static.SCOPE, None)
        self.declared.append(() if scope is None else scope.globals.keys() | scope.nonlocals.keys())
        node = self.generic_visit(node)
        self.declared.pop()
        top = self.tops.pop()
        if top:
            body = node.body
            doc = 1 if (body and type(body[0]) is gast.Expr
                        and type(body[0].value) is gast.Constant
                        and isinstance(body[0].value.value, str)) else 0
            inits = []
            for name, origin in top.items():
                init = self._undefined(name)
                ast_util.fill_locations(init, origin)
                inits.append(init)
            node.body = body[:doc] + inits + body[doc:]
        return node

    def visit_block(self, stmts):
        out = []
        for s in stmts:
            here = anno.getanno(s, anno.Basic.UNDEFINED_HERE, None)
            if here:
                for name in here:
                    init = self._undefined(name)
                    ast_util.fill_locations(init, s)
                    out.append(init)
            top = anno.getanno(s, anno.Basic.UNDEFINED_TOP, None)
            if top and self.tops:
                for name in top:
                    self.tops[-1].setdefault(name, s)
            r = self.visit(s)
            if type(r) is list:
                out.extend(r)
            elif r is not None:
                out.append(r)
        return out

    def visit_Delete(self, node):
        # (A variable that a nested function reads, a cell, too: that function's reads of a
        # placeholder raise NameError, as in Python, see converters/closure_reads.) A global
        # or nonlocal name is another function's or the module's: it is deleted there.
        declared = self.declared[-1] if self.declared else ()
        if all(type(t) is gast.Name and t.id not in declared for t in node.targets):
            assigns = [self._undefined(t.id) for t in node.targets]
            self.deletes[node] = assigns
            return assigns
        return node



def _ld(name, free=False):
    keywords = [gast.keyword(arg='free', value=gast.Constant(value=True, kind=None))] if free \
        else []
    call = gast.Call(func=gast.Attribute(value=ast_util.name('ag__'), attr='ld',
                                         ctx=gast.Load()),
                     args=[name], keywords=keywords)
    ast_util.fill_locations(call, name)
    return call


def _wrap(node, reads, free=()):
    """Replaces each Name node of `reads` (by identity) in the tree with `ag__.ld(name)`
    (`ag__.ld(name, free=True)` for those of `free`); one already wrapped stays as it is."""
    stack = [node]
    while stack:
        n = stack.pop()
        d = n.__dict__
        if type(n) is gast.Call and n.args and n.args[0] in reads and _is_ld(n.func):
            stack.extend(n.args[1:])
            stack.extend(n.keywords)
            continue
        for f in type(n)._fields:
            v = d.get(f)
            if type(v) is list:
                for i, x in enumerate(v):
                    if x in reads:
                        v[i] = _ld(x, x in free)
                    elif isinstance(x, gast.AST):
                        stack.append(x)
            elif isinstance(v, gast.AST):
                if v in reads:
                    d[f] = _ld(v, v in free)
                else:
                    stack.append(v)


def _is_ld(func):
    return (type(func) is gast.Attribute and func.attr == 'ld' and type(func.value) is gast.Name
            and func.value.id == 'ag__')


def transform(node, ctx):
    if type(node) is gast.Lambda:
        return node
    if (_binds_only_parameters(node, ctx) or _locals_assigned_first(node, ctx)
            or _staged_reads_assigned(node, ctx)):
        return node
    loads = {}
    # (Without a nested def, which `unsupported` would have seen, the function is the only one.)
    fns = unassigned_reads.user_functions(node) if ctx.has_nodes(gast.FunctionDef) else [node]
    for fn in fns:
        loads[fn], binds, scope_binds, free_loads = unassigned_reads.scan(fn)
        _keep_dropped_locals(fn, loads[fn], binds, scope_binds, free_loads)
    staged = ctx.info.get('staged', True)
    if not (staged or ctx.has_nodes(gast.Delete) or any(
            inner is not None for fn_loads in loads.values() for _, inner in fn_loads)):
        return node         # nothing staged or deleted, no read in a generated scope
    if not staged and list(loads) == [node] and _assigned_before_reads(node, loads[node], binds,
                                                                       ctx):
        return node         # (the analyses below would find no read that may be unassigned)
    if not anno.hasanno(node, anno.Static.CFG):
        # Nothing staged: reads after `del` or in thunks need activity and the CFG (this
        # converter solves reaching definitions itself).
        analysis.analyze(node, dataflow=False,
                         functions=None if ctx.has_nodes(gast.FunctionDef) else [node])
    variables = VariablesTransformer(ctx)
    if ctx.info.get('undefined_marked', True) or ctx.has_nodes(gast.Delete):
        node = variables.visit(node)    # (else it has nothing to do)
    reads, checks, free = set(), {}, set()
    # The analysed user functions (nested ones may now sit in generated bodies), in the order
    # of a walk of the converted tree (placeholders added for one count for the next).
    for fn in [fn for fn in loads if anno.hasanno(fn, anno.Static.CFG)]:
        moved = unassigned_reads.reads_in_generated_scopes(fn, loads.get(fn, ()), ctx.namer)
        names = variables.placeholders | moved
        if not names:
            continue
        found = unassigned_reads.maybe_unassigned_reads(fn, names, ctx.namer, variables.deletes,
                                                        checks, free)
        _add_placeholders(fn, {n.id for n in found if n.id in moved}, variables)
        reads |= found
    if reads:
        _wrap(node, reads, free)
    if checks:
        _check_before(node, checks)
    return node


def _binds_only_parameters(fn, ctx):
    """Whether `fn`, a staged function without nested ones, with nothing marked undefined and
    nothing deleted, binds no variable but its parameters: in its original code (`jumps.LOCALS`)
    and as analysed for control_flow (its scope's locals, but the names converters made). Then
    no binding was dropped and no read of a variable in a generated scope can find it
    unassigned: the scan and the analyses below would change nothing."""
    facts = _staged_plain_facts(fn, ctx)
    if facts is None:
        return False
    scope, local = facts
    params = unassigned_reads.params(fn.args)
    if not all(x in params for x in local):
        return False
    generated = ctx.namer.is_generated
    return all(x in scope.params or x in scope.captured or generated(x) for x in scope.locals)


def _staged_plain_facts(fn, ctx):
    """(scope, original locals) of `fn` when it is staged, nothing is marked undefined, nothing
    deleted, it has no nested function and its analyses are there; None otherwise (the common
    precondition of the two staged shortcuts)."""
    if (not ctx.info.get('staged') or ctx.info.get('undefined_marked', True)
            or ctx.has_nodes(gast.FunctionDef, gast.Delete)):
        return None
    scope = anno.getanno(fn, anno.Static.SCOPE, None)
    local = anno.getanno(fn, jumps.LOCALS, None)
    if scope is None or local is None or not anno.hasanno(fn, anno.Static.CFG):
        return None
    return scope, local


def _staged_reads_assigned(fn, ctx):
    """Whether in `fn`, a staged function with nothing marked undefined, nothing deleted and no
    nested function, no path of the original code reads one of its variables (but its
    parameters, those nested scopes capture and the converters' names) unassigned, and the
    variables its original code binds (`jumps.LOCALS`) that its converted code no longer binds
    in its own scope (a `for` loop's target that became the body's parameter) are read only
    inside generated functions that take them as parameters. Then `_keep_dropped_locals` and
    `maybe_unassigned_reads` would find no read, and the scan of the converted tree and the
    analyses below would change nothing."""
    facts = _staged_plain_facts(fn, ctx)
    if facts is None:
        return False
    scope, local = facts
    dropped = local - unassigned_reads.params(fn.args) - _assigned_names(fn.body)
    if dropped and _reads_outside(fn.body, dropped):
        return False
    generated = ctx.namer.is_generated
    names = [x for x in scope.locals
             if x not in scope.params and x not in scope.captured and not generated(x)]
    return not names or not unassigned_reads.may_read_unassigned(fn, names, ctx.namer)


def _assigned_names(stmts):
    """Names that the assignment statements among `stmts` and in their blocks (not in nested
    functions or classes) store (some of the names the scan counts as bound there)."""
    out = set()
    stack = list(stmts)
    while stack:
        s = stack.pop()
        t = type(s)
        if t is gast.Assign:
            targets = list(s.targets)
        elif t is gast.AugAssign or t is gast.AnnAssign:
            targets = [s.target]
        else:
            if t is not gast.FunctionDef and t is not gast.ClassDef:
                d = s.__dict__
                for f in ('body', 'orelse', 'finalbody', 'handlers'):
                    v = d.get(f)
                    if v:
                        stack.extend(v)
            continue
        while targets:
            x = targets.pop()
            if type(x) is gast.Name:
                out.add(x.id)
            elif type(x) is gast.Tuple or type(x) is gast.List:
                targets.extend(x.elts)
            elif type(x) is gast.Starred:
                targets.append(x.value)
    return out


def _reads_outside(stmts, names):
    """Whether `stmts` load one of `names` anywhere but inside a generated function whose
    parameters include them all."""
    fields_of = ast_util.CHILD_FIELDS
    stack = list(stmts)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is gast.Name:
            if n.id in names and type(n.ctx) is gast.Load:
                return True
            continue
        if (t is gast.FunctionDef and anno.hasanno(n, anno.Basic.GENERATED)
                and names <= unassigned_reads.params(n.args)):
            continue
        fields = fields_of[t]       # (ast_util.push_children, inline; () for a str, None)
        if not fields:
            continue
        d = n.__dict__
        for f in fields:
            v = d.get(f)
            if type(v) is list:
                stack.extend(v)
            elif v is not None:
                stack.append(v)
    return False


_SIMPLE = (gast.Expr, gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Pass)
_NO_SHORTCUT = (gast.Delete, gast.Global, gast.Nonlocal, gast.NamedExpr, gast.Try,
                gast.ClassDef, gast.AsyncFunctionDef) + (
                    (gast.TryStar,) if hasattr(gast, 'TryStar') else ())


def _assigned_before_reads(fn, fn_loads, binds, ctx):
    """Whether every variable of `fn` (a function with nothing staged and no nested function)
    that a generated scope reads is assigned by a top-level `x = ...` that only simple
    statements precede, with no read of it up to there, in a function that deletes nothing,
    declares nothing global or nonlocal, has no `:=`, `try` or class: then every path to every
    read passes the assignment, and `unassigned_reads.maybe_unassigned_reads` would find no
    read that may be unassigned (without the analyses it needs)."""
    if type(fn) is not gast.FunctionDef or ctx.has_nodes(*_NO_SHORTCUT):
        return False
    params = unassigned_reads.params(fn.args)
    namer = ctx.namer
    body = fn.body
    checked = set()
    for n, inner in fn_loads:
        x = n.id
        if inner is None or x in checked or x in params or x not in binds \
                or namer.is_generated(x):
            continue        # (not a local read in a generated scope)
        checked.add(x)
        if not _assigned_first(body, x):
            return False
    return True


def _assigned_first(body, x):
    """Whether a top-level `x = ...` of `body` that only simple statements precede assigns
    `x`, with no read of `x` up to there (itself included)."""
    for i, s in enumerate(body):
        t = type(s)
        if t is gast.Assign and any(type(target) is gast.Name and target.id == x
                                    for target in s.targets):
            return not _reads_name(body[:i + 1], x)
        if t not in _SIMPLE:
            return False
    return False


def _locals_assigned_first(fn, ctx):
    """Whether `fn`, a function with nothing staged and no nested function, assigns every
    variable its original code binds (`jumps.LOCALS`) but its parameters as
    `_assigned_before_reads` asks (`_assigned_first`): then every read of them, in a generated
    scope or not, comes after the assignment, and no binding was dropped; the scan and
    `_assigned_before_reads` would change nothing."""
    if (type(fn) is not gast.FunctionDef or ctx.info.get('staged', True)
            or ctx.has_nodes(gast.FunctionDef, *_NO_SHORTCUT)):
        return False
    local = anno.getanno(fn, jumps.LOCALS, None)
    if local is None:
        return False
    params = unassigned_reads.params(fn.args)
    return all(x in params or _assigned_first(fn.body, x) for x in local)


def _reads_name(stmts, x):
    """Whether `stmts` read the name `x` (a load, or `x += ...`) anywhere, nested scopes
    included."""
    stack = list(stmts)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is gast.Name:
            if n.id == x and type(n.ctx) is gast.Load:
                return True
            continue
        if t is gast.AugAssign and type(n.target) is gast.Name and n.target.id == x:
            return True
        ast_util.push_children(stack, n)
    return False


def _is_placeholder(s):
    if type(s) is not gast.Assign or type(s.value) is not gast.Call:
        return False
    func = s.value.func
    return (type(func) is gast.Attribute and func.attr == 'Undefined'
            and type(func.value) is gast.Name and func.value.id == 'ag__')


def _add_placeholders(fn, names, variables):
    """`x = ag__.Undefined('x')` at the top of `fn` for `names`, so that a generated scope
    finds the placeholder (and `ag__.ld` raises UnboundLocalError) instead of no variable."""
    body = fn.body
    doc = 1 if (body and type(body[0]) is gast.Expr and type(body[0].value) is gast.Constant
                and isinstance(body[0].value.value, str)) else 0
    for s in body[doc:]:     # those already at the top (a placeholder placed right before a
        if not _is_placeholder(s):      # statement may not be on every path to the read)
            break
        names = names - {s.targets[0].id}
    if not names:
        return
    inits = []
    for name in sorted(names):
        init = variables._undefined(name)
        ast_util.fill_locations(init, body[doc] if len(body) > doc else fn)
        inits.append(init)
    fn.body = body[:doc] + inits + body[doc:]


def _check_before(node, checks):
    """Puts `ag__.ld(x)` before each statement of `checks` (statement -> x): a `del x` or
    `x += ...` that may find `x` unassigned raises there, as the original does."""
    stack = [node]
    while stack:
        n = stack.pop()
        for f in ('body', 'orelse', 'finalbody', 'handlers'):
            stmts = getattr(n, f, None)
            if not stmts:
                continue
            i = 0
            while i < len(stmts):
                s = stmts[i]
                if s in checks:
                    check = gast.Expr(value=_ld(ast_util.name(checks[s])))
                    ast_util.fill_locations(check, s)
                    stmts.insert(i, check)
                    i += 1
                else:
                    stack.append(s)
                i += 1


def _keep_dropped_locals(fn, fn_loads, fn_binds, scope_binds, free_loads=()):
    """A variable of the original function must stay one: where conversion dropped its only
    binding (code after a jump: `return x; x = 1`) or moved it into a generated function (an
    assignment in a branch that is not passed on), a read would find a global (NameError)
    where the original raises UnboundLocalError. Such reads get a placeholder at the top of
    the function and `ag__.ld`."""
    local = anno.getanno(fn, jumps.LOCALS, None)
    if not local:
        return
    candidates = local - fn_binds
    if not candidates:
        return

    def bound_around(inner):
        out = set()
        for scope in inner:
            out |= scope_binds[scope]
        return out

    reads = {n for n, inner in fn_loads
             if n.id in candidates and (inner is None or n.id not in bound_around(inner))}
    if not reads:
        return
    inits = []
    for x in sorted({n.id for n in reads}):
        inits.extend(templates.replace("name = ag__.Undefined(name_str)", name=x,
                                       name_str=gast.Constant(value=x, kind=None)))
        ast_util.fill_locations(inits[-1], fn.body[0])
    doc = 1 if (type(fn.body[0]) is gast.Expr and type(fn.body[0].value) is gast.Constant
                and isinstance(fn.body[0].value.value, str)) else 0
    fn.body[doc:doc] = inits
    _wrap(fn, reads, free_loads)
