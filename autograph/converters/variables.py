"""Initialises possibly-undefined state variables and lowers `del name`.

The control_flow converter records, from the reaching-definitions analysis, which state
variables of a staged statement may be undefined on entry. They get a placeholder value:

    y = ag__.Undefined('y')        # right before the statement, when nothing defines y
    def if_true(y):                # before it (only names that need one get one)
        ...

A variable that some paths define and others do not gets its placeholder at the top of the
function instead, so that the placeholder never replaces a value. `del x` becomes
`x = ag__.Undefined('x')`, so a later staged statement can still pass `x` along.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import templates
from autograph.pyct import transformer


def _undefined(name):
    return templates.replace("name = ag__.Undefined(name_str)", name=name,
                             name_str=gast.Constant(value=name, kind=None))[0]


class VariablesTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.tops = []

    def visit_FunctionDef(self, node):
        if anno.hasanno(node, anno.Basic.GENERATED):
            return self.generic_visit(node)
        self.tops.append({})
        node = self.generic_visit(node)
        top = self.tops.pop()
        if top:
            body = node.body
            doc = 1 if (body and type(body[0]) is gast.Expr
                        and type(body[0].value) is gast.Constant
                        and isinstance(body[0].value.value, str)) else 0
            inits = []
            for name, origin in top.items():
                init = _undefined(name)
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
                    init = _undefined(name)
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
        if all(type(t) is gast.Name for t in node.targets):
            return [_undefined(t.id) for t in node.targets]
        return node


def transform(node, ctx):
    if type(node) is gast.Lambda:
        return node
    if not ctx.info.get('staged', True) and not ctx.has_nodes(gast.Delete):
        return node         # nothing staged, nothing deleted
    return VariablesTransformer(ctx).visit(node)
