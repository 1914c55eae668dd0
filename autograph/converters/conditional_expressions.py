"""Rewrites conditional expressions into `ag__.if_exp` with lazily evaluated branches.

    a if c else b    ->    ag__.if_exp(c, lambda: a, lambda: b)
"""
import gast

from autograph.pyct import anno
from autograph.pyct import templates
from autograph.pyct import transformer


class ConditionalExpressionTransformer(transformer.Base):

    def visit_IfExp(self, node):
        node = self.generic_visit(node)
        call = templates.replace_as_expression(
            'ag__.if_exp(test, lambda: body, lambda: orelse)',
            test=node.test, body=node.body, orelse=node.orelse)
        for thunk in call.args[1:]:     # run at once: not closures that escape
            anno.setanno(thunk, anno.Basic.GENERATED, True)
        return call


def transform(node, ctx):
    if not ctx.has_nodes(gast.IfExp):
        return node
    return ConditionalExpressionTransformer(ctx).visit(node)
