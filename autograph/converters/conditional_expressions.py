"""Rewrites conditional expressions into `ag__.if_exp` with lazily evaluated branches.

    a if c else b    ->    ag__.if_exp(c, lambda: a, lambda: b)
"""
import gast

from autograph.pyct import templates
from autograph.pyct import transformer


class ConditionalExpressionTransformer(transformer.Base):

    def visit_IfExp(self, node):
        node = self.generic_visit(node)
        return templates.replace_as_expression(
            'ag__.if_exp(test, lambda: body, lambda: orelse)',
            test=node.test, body=node.body, orelse=node.orelse)


def transform(node, ctx):
    if not ctx.has_nodes(gast.IfExp):
        return node
    return ConditionalExpressionTransformer(ctx).visit(node)
