"""Rewrites conditional expressions into `ag__.if_exp` with lazily evaluated branches.

    a if c else b    ->    ag__.if_exp(c, lambda: a, lambda: b)
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import transformer

_LOAD = gast.Load


def _thunk(expr, at):
    """`lambda: expr`, located at `at`; it runs at once: not a closure that escapes."""
    node = ast_util.make(gast.Lambda, at, args=ast_util.make(
        gast.arguments, args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
        kwarg=None, defaults=[]), body=expr)
    anno.setanno(node, anno.Basic.GENERATED, True)
    return node


class ConditionalExpressionTransformer(transformer.Base):

    def visit_IfExp(self, node):
        node = self.generic_visit(node)
        # `ag__.if_exp(test, lambda: body, lambda: orelse)`, built located at `node` as
        # `transformer.Base.visit` would locate it (with the parts that have no location).
        for part in (node.test, node.body, node.orelse):
            ast_util.fill_locations(part, node)
        func = ast_util.make(gast.Attribute, node, value=ast_util.name('ag__', None, node),
                             attr='if_exp', ctx=_LOAD.__new__(_LOAD))
        return ast_util.make(gast.Call, node, func=func, args=[
            node.test, _thunk(node.body, node), _thunk(node.orelse, node)], keywords=[])


def transform(node, ctx):
    if not ctx.has_nodes(gast.IfExp):
        return node
    return ConditionalExpressionTransformer(ctx).visit(node)
