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
(their reads are guarded by the flags that go with them).
"""
import sys

import gast

from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import reaching_definitions
from autograph.pyct import templates
from autograph.pyct import transformer


class VariablesTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.tops = []
        self.placeholders = set()    # the names given an ag__.Undefined placeholder
        self.deletes = {}            # `del x` node -> the `x = ag__.Undefined('x')` it became
        self.captured = []           # per user function: its variables nested functions read

    def _undefined(self, name):
        self.placeholders.add(name)
        return templates.replace("name = ag__.Undefined(name_str)", name=name,
                                 name_str=gast.Constant(value=name, kind=None))[0]

    def visit_FunctionDef(self, node):
        if anno.hasanno(node, anno.Basic.GENERATED):
            return self.generic_visit(node)
        self.tops.append({})
        scope = anno.getanno(node, anno.Static.SCOPE, None)
        self.captured.append(scope.captured if scope is not None else {})
        node = self.generic_visit(node)
        self.captured.pop()
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
        # A variable that a nested function reads lives in a cell: that function must see it
        # deleted (NameError there, as in Python), so its `del` stays.
        captured = self.captured[-1] if self.captured else {}
        if all(type(t) is gast.Name and t.id not in captured for t in node.targets):
            assigns = [self._undefined(t.id) for t in node.targets]
            self.deletes[node] = assigns
            return assigns
        return node


# --- reads of variables that may be unassigned ----------------------------------------------

_HEADER_PARTS = {      # CFG node kind -> the parts of its statement that node evaluates
    'if': lambda s: [s.test],
    'while': lambda s: [s.test],
    'iter': lambda s: [s.iter],
    'target': lambda s: [s.target],
    'for': lambda s: [],            # the loop's extra test: converters' flags only
    'with': lambda s: [x for item in s.items for x in (item.context_expr, item.optional_vars)],
    'except': lambda s: [s.type],
    'try': lambda s: [],
    'entry': lambda s: [],
    'exit': lambda s: [],
}


def _parts(kind, stmt):
    header = _HEADER_PARTS.get(kind)
    if header is not None:
        return header(stmt)
    t = type(stmt)
    if t is gast.FunctionDef or t is gast.AsyncFunctionDef:   # evaluated where it is defined
        return (stmt.decorator_list + stmt.args.defaults
                + [d for d in stmt.args.kw_defaults if d is not None])
    if t is gast.ClassDef:
        return stmt.bases + [k.value for k in stmt.keywords] + stmt.decorator_list
    return [stmt]


def _params(args):
    names = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    names.update(a.id for a in (args.vararg, args.kwarg) if a is not None)
    return names


# The user's nested scopes in which a read of the function's variable is a free variable
# read (NameError when unassigned); Python 3.12 inlines list, set and dict comprehensions.
_FREE_SCOPES = ((gast.GeneratorExp,) if sys.version_info >= (3, 12) else
                (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp))


def _loads(parts, names, found, free=None):
    """Adds to `found` the Name loads in `parts` of `names`, where they mean the function's
    variables (not a lambda parameter or a comprehension target of the same name), and to
    `free` those of them in a nested scope of the user's code (a free variable read there).
    The lambdas converters made (and/or/ternary thunks) are not scopes of the user's code."""
    stack = [(p, frozenset(), False) for p in reversed(parts) if p is not None]
    while stack:
        node, hidden, nested = stack.pop()
        t = type(node)
        if t is gast.Name:
            if type(node.ctx) is gast.Load and node.id in names and node.id not in hidden:
                found.add(node)
                if nested and free is not None:
                    free.add(node)
            continue
        if t is gast.Lambda:
            args = node.args
            stack.extend((d, hidden, nested) for d in args.defaults + args.kw_defaults
                         if d is not None)
            stack.append((node.body, hidden | _params(args),
                          nested or not anno.hasanno(node, anno.Basic.GENERATED)))
            continue
        if t in (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp):
            bound = set()
            for g in node.generators:
                bound.update(n.id for n in gast.walk(g.target) if type(n) is gast.Name)
            inner = hidden | bound
            in_scope = nested or t in _FREE_SCOPES
            for i, g in enumerate(node.generators):    # the first iterable is evaluated outside
                stack.append((g.iter, inner, in_scope) if i else (g.iter, hidden, nested))
                stack.extend((x, inner, in_scope) for x in g.ifs)
            elts = [node.key, node.value] if t is gast.DictComp else [node.elt]
            stack.extend((x, inner, in_scope) for x in elts)
            continue
        if t is gast.FunctionDef or t is gast.AsyncFunctionDef or t is gast.ClassDef:
            continue        # only where a nested definition is evaluated (see _parts)
        d = node.__dict__
        for f in t._fields:
            v = d.get(f)
            if type(v) is list:
                stack.extend((x, hidden, nested) for x in v if isinstance(x, gast.AST))
            elif isinstance(v, gast.AST):
                stack.append((v, hidden, nested))


def _negated_flag(test, namer):
    """F for a guard test `not F` / `ag__.not_(F)` on a flag F that a converter introduced."""
    t = type(test)
    if t is gast.UnaryOp and type(test.op) is gast.Not:
        operand = test.operand
    elif (t is gast.Call and len(test.args) == 1 and not test.keywords
          and type(test.func) is gast.Attribute and test.func.attr == 'not_'
          and type(test.func.value) is gast.Name and test.func.value.id == 'ag__'):
        operand = test.args[0]
    else:
        return None
    if type(operand) is gast.Name and namer.is_generated(operand.id):
        return operand.id
    return None


def _flag_guards(graph, namer):
    """{flag: (sets_flag, guards)} for `reaching_definitions.solve_split`, for each flag of
    the jump lowerings that guards code (`if not break_:`)."""
    out = {}
    for node in graph.nodes:
        s = node.ast_node
        if node.kind == 'if':
            flag = _negated_flag(s.test, namer)
            body = anno.getanno(s.body[0], anno.Static.CFG_NODE, None) if s.body else None
            if flag is not None and body is not None:
                out.setdefault(flag, ({}, {}))[1][node.index] = body.index
    for node in graph.nodes:
        s = node.ast_node
        if (node.kind == 'assign' and len(s.targets) == 1 and type(s.targets[0]) is gast.Name
                and s.targets[0].id in out and type(s.value) is gast.Constant
                and type(s.value.value) is bool):
            out[s.targets[0].id][0][node.index] = s.value.value
    return out


def _maybe_unassigned_reads(fn, placeholders, namer, deletes=None, checks=None, free=None):
    """The Name loads in `fn`'s own code (analysed before conversion) of placeholder names
    that some path reaches unassigned, in plain Python terms. A `del x` (of `deletes`) or
    `x += ...` that may find `x` unassigned adds its statement to `checks` (statement -> x).
    Those of the loads in a nested scope of the user's code go to `free` too (see _loads)."""
    deletes = deletes or {}
    graph = anno.getanno(fn, anno.Static.CFG, None)
    fscope = anno.getanno(fn, anno.Static.SCOPE, None)
    if graph is None or fscope is None:
        return set()
    names = {n for n in placeholders
             if (n in fscope.locals or n in fscope.params) and not namer.is_generated(n)}
    if not names:
        return set()
    undefined = reaching_definitions.UNDEFINED

    def maybe(ins, candidates):
        out = {}
        for index, wanted in candidates.items():
            state = ins[index]
            if state:
                found = {n for n in wanted if undefined in state.get(n, ())}
                if found:
                    out[index] = found
        return out

    reads = reaching_definitions.maybe_undefined(
        graph, fscope.params, fscope.locals,
        {node.index: names.intersection(node.names.reads).union(
            names.intersection(node.names.dels) if node.ast_node in deletes else ())
         for node in graph.nodes})
    if reads:
        # The lowering of break/continue/return guards code with flags (`if not break_:`);
        # paths that no flag value allows do not count (each split is exact for its flag).
        for sets_flag, guards in _flag_guards(graph, namer).values():
            reads = maybe(reaching_definitions.solve_split(
                graph, fscope.params, fscope.locals, sets_flag, guards), reads)
            if not reads:
                break
    # Variables a `finally:` clause reads and the rest of its `try` assigns: an exception may
    # reach the clause before the assignment, a path the analyses do not follow.
    forced = set()
    for node in graph.nodes:
        if node.kind == 'try':
            forced.update(anno.getanno(node.ast_node, jumps.FINALLY_READ, ()))
    forced &= names
    if forced:
        for node in graph.nodes:
            extra = forced.intersection(node.names.reads)
            if extra:
                reads[node.index] = reads.get(node.index, set()) | extra
    found = set()
    for index, wanted in reads.items():
        node = graph.nodes[index]
        _loads(_parts(node.kind, node.ast_node), wanted, found, free)
        if checks is None:
            continue
        for assign in deletes.get(node.ast_node, ()):
            if assign.targets[0].id in wanted:
                checks[assign] = assign.targets[0].id
        s = node.ast_node
        if type(s) is gast.AugAssign and type(s.target) is gast.Name and s.target.id in wanted:
            checks[s] = s.target.id     # `x += 1` on a placeholder must not call its __iadd__
    return found


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
    (`ag__.ld(name, free=True)` for those of `free`)."""
    stack = [node]
    while stack:
        n = stack.pop()
        d = n.__dict__
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


def transform(node, ctx):
    if type(node) is gast.Lambda:
        return node
    loads = {}
    for fn in _user_functions(node):
        loads[fn], binds, scope_binds, free_loads = _scan(fn)
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
        analysis.analyze(node, dataflow=False)
    variables = VariablesTransformer(ctx)
    if ctx.info.get('undefined_marked', True) or ctx.has_nodes(gast.Delete):
        node = variables.visit(node)    # (else it has nothing to do)
    reads, checks, free = set(), {}, set()
    # The analysed user functions (nested ones may now sit in generated bodies), in the order
    # of a walk of the converted tree (placeholders added for one count for the next).
    for fn in [fn for fn in loads if anno.hasanno(fn, anno.Static.CFG)]:
        moved = _reads_in_generated_scopes(fn, loads.get(fn, ()), ctx.namer)
        names = variables.placeholders | moved
        if not names:
            continue
        found = _maybe_unassigned_reads(fn, names, ctx.namer, variables.deletes, checks, free)
        _add_placeholders(fn, {n.id for n in found if n.id in moved}, variables)
        reads |= found
    if reads:
        _wrap(node, reads, free)
    if checks:
        _check_before(node, checks)
    return node


_SIMPLE = (gast.Expr, gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Pass)
_NO_SHORTCUT = (gast.Delete, gast.Global, gast.Nonlocal, gast.NamedExpr, gast.Try,
                gast.ClassDef, gast.AsyncFunctionDef) + (
                    (gast.TryStar,) if hasattr(gast, 'TryStar') else ())


def _assigned_before_reads(fn, fn_loads, binds, ctx):
    """Whether every variable of `fn` (a function with nothing staged and no nested function)
    that a generated scope reads is assigned by a top-level `x = ...` that only simple
    statements precede, with no read of it up to there, in a function that deletes nothing,
    declares nothing global or nonlocal, has no `:=`, `try` or class: then every path to every
    read passes the assignment, and `_maybe_unassigned_reads` would find no read that may be
    unassigned (without the analyses it needs)."""
    if type(fn) is not gast.FunctionDef or ctx.has_nodes(*_NO_SHORTCUT):
        return False
    params = _params(fn.args)
    namer = ctx.namer
    body = fn.body
    checked = set()
    for n, inner in fn_loads:
        x = n.id
        if inner is None or x in checked or x in params or x not in binds \
                or namer.is_generated(x):
            continue        # (not a local read in a generated scope)
        checked.add(x)
        end = None
        for i, s in enumerate(body):
            t = type(s)
            if t is gast.Assign and any(type(target) is gast.Name and target.id == x
                                        for target in s.targets):
                end = i + 1
                break
            if t not in _SIMPLE:
                return False
        if end is None or _reads_name(body[:end], x):
            return False
    return True


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


def _scan(fn):
    """One walk of `fn`'s own code: (loads, binds, scope_binds).

    loads: [(Name, inner)] for the Name loads of `fn`'s own code, where they are now: `inner`
      is None in `fn`'s own scope, else the tuple of generated functions and lambdas (a
      branch or loop body, an and/or/ternary thunk) around the load.
    free: the loads of `loads` in a comprehension or generator expression of the user's
      (a free variable read there, see _FREE_SCOPES).
    binds: the names `fn` binds in its own scope now: its parameters, the names it assigns
      or deletes, defines (functions, classes), catches (`except ... as e`) or imports, not
      looking into nested functions, lambdas and classes.
    scope_binds: {generated function or lambda: the names it binds the same way (a lambda:
      its parameters)}.
    """
    loads = []
    bound = _params(fn.args)
    scope_binds = {}
    free = set()
    fields_of = ast_util.CHILD_FIELDS
    pending = [(fn.body, None, bound, False, ()), (fn.args.defaults, None, None, False, ())]
    while pending:
        roots, inner, binds, nested, hidden = pending.pop()
        stack = list(roots)
        while stack:
            n = stack.pop()
            t = type(n)
            if t is gast.Name:
                ctx = type(n.ctx)
                if ctx is gast.Load:
                    if hidden and n.id in hidden:
                        continue            # a comprehension's own variable
                    loads.append((n, inner))
                    if nested:
                        free.add(n)
                elif binds is not None and (ctx is gast.Store or ctx is gast.Del):
                    binds.add(n.id)
                continue
            fields = fields_of[t]
            if not fields:
                continue
            d = n.__dict__
            if t not in _SCAN_LOOKED_AT:
                for f in fields:
                    v = d.get(f)
                    if type(v) is list:
                        stack.extend(v)
                    elif v is not None:
                        stack.append(v)
                continue
            if t in _COMPREHENSIONS:
                # Its targets are its own variables (a walrus in it binds the function's);
                # the first iterable is evaluated outside it.
                parts = []
                targets = set(hidden)
                for i, g in enumerate(n.generators):
                    targets.update(x.id for x in gast.walk(g.target) if type(x) is gast.Name)
                    if i:
                        parts.append(g.iter)
                    else:
                        stack.append(g.iter)
                    parts.extend(g.ifs)
                    parts.extend(x for x in gast.walk(g.target)    # `for a[k] in ...`
                                 if type(x) is gast.Name and type(x.ctx) is gast.Load)
                parts.extend([n.key, n.value] if t is gast.DictComp else [n.elt])
                pending.append((parts, inner, binds, nested or t in _FREE_SCOPES,
                                frozenset(targets)))
                continue
            if t in _SCOPES:
                if binds is not None and t is not gast.Lambda:
                    binds.add(n.name)
                if anno.hasanno(n, anno.Basic.GENERATED):
                    # A generated body or thunk: its loads are inside it, its bindings its own
                    # (a lambda binds only its parameters).
                    inside = []
                    for f in fields:
                        v = d.get(f)
                        if type(v) is list:
                            inside.extend(v)
                        elif v is not None:
                            inside.append(v)
                    own = scope_binds[n] = _params(n.args)
                    pending.append((inside, (inner or ()) + (n,),
                                    own if t is not gast.Lambda else None, nested, hidden))
                    continue
                # The user's: what is evaluated where it is defined is read here; a lambda's
                # body reads the function's variables as free variables.
                stack.extend(_evaluated_where_defined(n))
                if t is gast.Lambda:
                    pending.append(([n.body], inner, None, True,
                                    frozenset(hidden) | _params(n.args)))
                continue
            if binds is not None:
                if t is gast.ExceptHandler and n.name is not None:
                    binds.add(n.name.id)
                elif t is gast.Import or t is gast.ImportFrom:
                    binds.update((a.asname or a.name).split('.')[0] for a in n.names)
            for f in fields:
                v = d.get(f)
                if type(v) is list:
                    stack.extend(v)
                elif v is not None:
                    stack.append(v)
    return loads, bound, scope_binds, free


def _evaluated_where_defined(node):
    """The parts of the user's nested function, lambda or class that are evaluated where it
    is defined (decorators, defaults, annotations, bases)."""
    if type(node) is gast.ClassDef:
        return node.decorator_list + node.bases + [k.value for k in node.keywords]
    args = node.args
    out = args.defaults + [d for d in args.kw_defaults if d is not None]
    if type(node) is not gast.Lambda:
        out = out + node.decorator_list + [
            a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs
            + [args.vararg, args.kwarg] if a is not None and a.annotation is not None]
        if node.returns is not None:
            out.append(node.returns)
    return out


def _reads_in_generated_scopes(fn, fn_loads, namer):
    """The user's variables of `fn` that its own code reads inside a function or lambda that
    a converter made (a branch or loop body, an and/or/ternary thunk). Unassigned, such a read
    raises NameError (a free variable), where the original raises UnboundLocalError."""
    scope = anno.getanno(fn, anno.Static.SCOPE, None)
    if scope is None:
        return set()
    out = set()
    for n, inner in fn_loads:
        x = n.id
        if (inner is not None and x not in out and x in scope.locals and x not in scope.params
                and x not in scope.captured and not namer.is_generated(x)):
            out.add(x)
    return out


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


_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)
# The node types `_scan` handles itself (it only walks the others).
_SCAN_LOOKED_AT = frozenset(_SCOPES + _COMPREHENSIONS + (gast.ExceptHandler, gast.Import,
                                                        gast.ImportFrom))


def _user_functions(node):
    """The user's FunctionDefs in `node` (nested ones may now sit in generated bodies)."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is gast.FunctionDef and not anno.hasanno(n, anno.Basic.GENERATED):
            out.append(n)
        if t is gast.ClassDef:
            continue
        d = n.__dict__
        for f in ('body', 'orelse', 'finalbody', 'handlers'):
            v = d.get(f)
            if v:
                stack.extend(v)
    return out
