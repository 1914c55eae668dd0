"""Reads of a function's variables that may find them unassigned, in converted code.

Converters move a function's code into functions of their own (branch and loop bodies,
and/or/ternary thunks) and drop code after jumps; the variables converter then needs to know,
for the converted function, where each read of the user's variables now is and which of them
the original code may reach with the variable unassigned. This module computes those facts
(it never changes the tree):

  - `scan(fn)`: one walk of a user function's converted code: its Name loads and the
    generated scopes around each, the names it binds, and those each generated scope binds;
  - `maybe_unassigned_reads(fn, names, ...)`: the loads of `names` that some path of the
    original code reaches unassigned (reaching definitions on the CFG of the original code,
    with the jump converters' flags followed exactly);
  - `reads_in_generated_scopes(fn, loads, namer)`: the user's variables read inside a
    generated scope (a free variable there: NameError where the original raises
    UnboundLocalError);
  - `user_functions(node)`: the user's FunctionDefs in a converted tree.
"""
import sys

import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import reaching_definitions

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


def params(args):
    """The names of a function's or lambda's parameters (`args`: its gast.arguments)."""
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
            stack.append((node.body, hidden | params(args),
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


def maybe_unassigned_reads(fn, placeholders, namer, deletes=None, checks=None, free=None):
    """The Name loads in `fn`'s own code (analysed before conversion) of placeholder names
    that some path reaches unassigned, in plain Python terms. A `del x` (of `deletes`) or
    `x += ...` that may find `x` unassigned adds its statement to `checks` (statement -> x).
    Those of the loads in a nested scope of the user's code go to `free` too (see _loads)."""
    deletes = deletes or {}
    reads = _unassigned_at(fn, placeholders, namer, deletes)
    if not reads:
        return set()
    graph = anno.getanno(fn, anno.Static.CFG)
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


def may_read_unassigned(fn, names, namer):
    """Whether some path of `fn`'s own code (analysed before conversion) reaches a read of one
    of `names` (or `x += ...`) with it unassigned. When not, `maybe_unassigned_reads` finds
    nothing and checks nothing for these names, nor for any of them (each name is solved on
    its own)."""
    return bool(_unassigned_at(fn, names, namer, {}))


def _unassigned_at(fn, placeholders, namer, deletes):
    """{CFG node index: the names of `placeholders` that node may read unassigned}, for
    `maybe_unassigned_reads`."""
    graph = anno.getanno(fn, anno.Static.CFG, None)
    fscope = anno.getanno(fn, anno.Static.SCOPE, None)
    if graph is None or fscope is None:
        return {}
    names = {n for n in placeholders
             if (n in fscope.locals or n in fscope.params) and not namer.is_generated(n)}
    if not names:
        return {}
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
    return reads


def scan(fn):
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
    bound = params(fn.args)
    scope_binds = {}
    free = set()
    fields_of = ast_util.CHILD_FIELDS
    push_children = ast_util.push_children
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
            if t is list:
                stack.extend(n)
                continue
            if t not in _SCAN_LOOKED_AT:
                fields = fields_of[t]
                if fields:              # (a constant has none; push_children, inline)
                    d = n.__dict__
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
                    push_children(inside, n)
                    own = scope_binds[n] = params(n.args)
                    pending.append((inside, (inner or ()) + (n,),
                                    own if t is not gast.Lambda else None, nested, hidden))
                    continue
                # The user's: what is evaluated where it is defined is read here; a lambda's
                # body reads the function's variables as free variables.
                stack.extend(_evaluated_where_defined(n))
                if t is gast.Lambda:
                    pending.append(([n.body], inner, None, True,
                                    frozenset(hidden) | params(n.args)))
                continue
            if binds is not None:
                if t is gast.ExceptHandler and n.name is not None:
                    binds.add(n.name.id)
                elif t is gast.Import or t is gast.ImportFrom:
                    binds.update((a.asname or a.name).split('.')[0] for a in n.names)
            push_children(stack, n)
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


def reads_in_generated_scopes(fn, fn_loads, namer):
    """The user's variables of `fn` that its own code reads inside a function or lambda that
    a converter made (a branch or loop body, an and/or/ternary thunk). Unassigned, such a read
    raises NameError (a free variable), where the original raises UnboundLocalError; also for
    a variable that a nested function of the user's reads (a cell), whose own reads
    converters/closure_reads keeps NameError."""
    scope = anno.getanno(fn, anno.Static.SCOPE, None)
    if scope is None:
        return set()
    out = set()
    for n, inner in fn_loads:
        x = n.id
        if (inner is not None and x not in out and x in scope.locals and x not in scope.params
                and not namer.is_generated(x)):
            out.add(x)
    return out


_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)
# The node types `scan` handles itself (it only walks the others).
_SCAN_LOOKED_AT = frozenset(_SCOPES + _COMPREHENSIONS + (gast.ExceptHandler, gast.Import,
                                                        gast.ImportFrom))


def user_functions(node):
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
