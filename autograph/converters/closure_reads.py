"""Reads, in the user's nested functions, of variables that may hold a placeholder.

The variables converter gives a variable that a staged statement may leave unassigned a
placeholder (`x = ag__.Undefined('x')`). When a nested function of the user's reads that
variable (a closure cell), it may run while the variable holds the placeholder: in Python the
read raises NameError ("cannot access free variable"), so the read becomes
`ag__.ld(x, free=True)`, which raises exactly that instead of returning the placeholder:

    def f(c):                          def f(c):
        def g():                           def g():
            return x            ->             return ag__.ld(x, free=True)
        if c:                              x = ag__.Undefined('x')
            x = 1                          ...
        return g()                         return ag__.converted_call(g, (), None)

Runs as part of the variables stage, after it (it reads the placeholders it made). Reads in
nested functions of names that the function itself binds (its parameters and locals), of
comprehension variables, and reads already wrapped are left as they are.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util

_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)


def _is_helper_call(node, attr):
    if type(node) is not gast.Call:
        return False
    f = node.func
    return (type(f) is gast.Attribute and f.attr == attr and type(f.value) is gast.Name
            and f.value.id == 'ag__')


def _own(fn):
    """(binds, declared, placeholders, nested) of a user function or lambda: the names its own
    code binds (generated bodies included), those it declares nonlocal or global, those given
    a placeholder, and the user's functions and lambdas directly inside it."""
    args = fn.args
    binds = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    binds.update(a.id for a in (args.vararg, args.kwarg) if a is not None)
    declared, placeholders, nested = set(), set(), []
    # (node, inside a generated body: whose `nonlocal` declarations are not the user's)
    stack = [(fn.body, False)] if type(fn) is gast.Lambda else [(s, False) for s in fn.body]
    while stack:
        n, in_generated = stack.pop()
        if not isinstance(n, gast.AST):
            continue
        t = type(n)
        if t is gast.Name:
            if type(n.ctx) is not gast.Load:
                binds.add(n.id)
            continue
        if t is gast.FunctionDef or t is gast.AsyncFunctionDef or t is gast.Lambda:
            if not anno.hasanno(n, anno.Basic.GENERATED):
                if t is not gast.Lambda:
                    binds.add(n.name)
                nested.append(n)
                continue
            in_generated = True
        elif t is gast.ClassDef:
            binds.add(n.name)
            continue
        elif t is gast.Nonlocal or t is gast.Global:
            if not in_generated:
                declared.update(n.names)
            continue
        elif (t is gast.Assign and len(n.targets) == 1 and type(n.targets[0]) is gast.Name
              and _is_helper_call(n.value, 'Undefined')):
            placeholders.add(n.targets[0].id)
        elif t in _COMPREHENSIONS:
            continue        # (its targets are its own; reads in it are wrapped by _wrap)
        children = []
        ast_util.push_children(children, n)
        stack.extend((c, in_generated) for c in children)
    return binds, declared, placeholders, nested


def _wrap(root, names):
    """`ag__.ld(x, free=True)` for the loads of `names` in `root`'s own code (generated bodies
    and comprehensions included, the user's nested functions not)."""
    stack = [(root, frozenset())]
    while stack:
        n, hidden = stack.pop()
        t = type(n)
        if t is gast.Call and _is_helper_call(n, 'ld'):
            stack.extend((x, hidden) for x in n.args[1:])   # (its argument is checked)
            continue
        if t in _COMPREHENSIONS:
            targets = {x.id for g in n.generators for x in gast.walk(g.target)
                       if type(x) is gast.Name}
            inner = hidden | targets
            for i, g in enumerate(n.generators):
                stack.append((g.iter, hidden if i == 0 else inner))
                stack.extend((x, inner) for x in g.ifs)
            stack.extend((x, inner) for x in ([n.key, n.value] if t is gast.DictComp
                                               else [n.elt]))
            continue
        d = n.__dict__
        for f in ast_util.CHILD_FIELDS[t]:
            v = d.get(f)
            items = v if type(v) is list else [v]
            checks = None
            for i, x in enumerate(items):
                if not isinstance(x, gast.AST):
                    continue
                tx = type(x)
                if (tx is gast.Name and type(x.ctx) is gast.Load and x.id in names
                        and x.id not in hidden):
                    call = _ld_free(x)
                    if type(v) is list:
                        v[i] = call
                    else:
                        d[f] = call
                    continue
                if tx is gast.AugAssign or tx is gast.Delete:
                    # `x += 1` and `del x` read the cell too: checked right before
                    targets = [x.target] if tx is gast.AugAssign else x.targets
                    for target in targets:
                        if type(target) is gast.Name and target.id in names:
                            check = gast.Expr(value=_ld_free(ast_util.name(target.id)))
                            ast_util.fill_locations(check, x)
                            checks = checks or []
                            checks.append((i, check))
                if (tx is gast.FunctionDef or tx is gast.AsyncFunctionDef
                        or tx is gast.Lambda) and not anno.hasanno(x, anno.Basic.GENERATED):
                    # the user's nested function: what it evaluates where it is defined
                    args = x.args
                    stack.extend((e, hidden) for e in args.defaults + [
                        k for k in args.kw_defaults if k is not None])
                    if tx is not gast.Lambda:
                        stack.extend((e, hidden) for e in x.decorator_list)
                    continue
                if tx is gast.ClassDef:
                    continue
                stack.append((x, hidden))
            for i, check in reversed(checks or ()):
                v.insert(i, check)


def _ld_free(name):
    call = gast.Call(
        func=gast.Attribute(value=ast_util.name('ag__'), attr='ld', ctx=gast.Load()),
        args=[name], keywords=[gast.keyword(
            arg='free', value=gast.Constant(value=True, kind=None))])
    ast_util.fill_locations(call, name)
    return call


def _visit(fn, outer):
    """`outer`: names of enclosing functions that may hold a placeholder, visible in `fn`."""
    binds, declared, placeholders, nested = _own(fn)
    free = outer - (binds - declared)
    if free and fn is not None:
        _wrap_own(fn, free)
    inner = free | (placeholders - declared)
    for child in nested:
        _visit(child, inner)


def _wrap_own(fn, names):
    if type(fn) is gast.Lambda:
        holder = gast.Expr(value=fn.body)
        _wrap(holder, names)
        fn.body = holder.value
    else:
        _wrap(gast.Module(body=fn.body, type_ignores=[]), names)    # (the same list)


def transform(node, ctx):
    if type(node) is gast.Lambda or not ctx.has_nodes(gast.FunctionDef, gast.Lambda):
        return node
    _visit(node, frozenset())
    return node
