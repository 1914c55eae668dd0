"""Routes calls through `ag__.converted_call`, which converts user functions recursively.

    f(a, *args, k=1)         ->   ag__.converted_call(f, (a, *args), {'k': 1})
    f(a, k=1, **kw)          ->   ag__.converted_call_kw(f, (a,))(k=1, **kw)
    g(x)                     ->   ag__.converted_call(g, (x,), None)

With `**` unpacking the keywords stay a real call, so that Python merges them itself, in
order and with its own errors (a dict display would let a later key silently win where the
call raises "f() got multiple values for keyword argument 'k'").

Left alone: calls of `ag__` helpers, immediately-called lambdas, and the builtins that depend
on the caller's frame (`super()`, `locals()`, `globals()`, `vars()`, `eval`, `exec`, `dir()`).

A zero-argument `super()` becomes `super(__class__, self)` (with the method's first parameter):
once bodies are functions of their own, the implicit form would pick up the wrong argument.
"""
import gast

from autograph.pyct import ast_util
from autograph.pyct import templates
from autograph.pyct import transformer

_FRAME_BUILTINS = frozenset(('super', 'locals', 'globals', 'vars', 'eval', 'exec', 'dir'))


class CallTreeTransformer(transformer.Base):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.functions = []

    def visit_FunctionDef(self, node):
        self.functions.append(node)
        node = self.generic_visit(node)
        self.functions.pop()
        return node

    def visit_Lambda(self, node):
        self.functions.append(node)
        node = self.generic_visit(node)
        self.functions.pop()
        return node

    def _explicit_super(self, node):
        if node.args or node.keywords or not self.functions:
            return node
        fn = self.functions[-1]
        params = fn.args.posonlyargs + fn.args.args
        if type(fn) is not gast.FunctionDef or not params:
            return node
        node.args = [ast_util.name('__class__'), ast_util.name(params[0].id)]
        ast_util.fill_locations(node.args, node)
        return node

    def visit_Call(self, node):
        node = self.generic_visit(node)
        func = node.func
        t = type(func)
        if t is gast.Name and func.id == 'super':
            return self._explicit_super(node)
        if t is gast.Attribute and type(func.value) is gast.Name and func.value.id == 'ag__':
            return node
        if t is gast.Name and func.id in _FRAME_BUILTINS:
            return node
        if t is gast.Lambda:        # generated (or user) immediately-called lambdas
            return node
        if node.keywords and any(k.arg is None for k in node.keywords):
            call = templates.replace_as_expression(
                'ag__.converted_call_kw(func, args)', func=func,
                args=ast_util.tuple_of(node.args))
            return gast.Call(func=call, args=[], keywords=node.keywords)
        if node.keywords:
            kwargs = gast.Dict(keys=[ast_util.const(k.arg) for k in node.keywords],
                               values=[k.value for k in node.keywords])
        else:
            kwargs = ast_util.const(None)
        return templates.replace_as_expression(
            'ag__.converted_call(func, args, kwargs)',
            func=func, args=ast_util.tuple_of(node.args), kwargs=kwargs)


def transform(node, ctx):
    # Calls that converters create are all left alone: `ag__` helpers and immediately-called
    # lambdas. Without a call of the user's there is nothing to do.
    if not ctx.has_nodes(gast.Call):
        return node
    return CallTreeTransformer(ctx).visit(node)
