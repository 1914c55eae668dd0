"""Rewrites `assert` into `ag__.assert_stmt`, a runtime assert when the test is a tensor.

    assert x > 0, 'x must be positive'   ->   ag__.assert_stmt(x > 0, lambda: 'x must be positive')
    assert x > 0                         ->   ag__.assert_stmt(x > 0, None)

The message is a thunk: as in Python, it is only evaluated when the assertion fails.

Under `python -O` asserts are left as they are, so the compiler strips them (test and message
are never evaluated), as it does in the original.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import templates
from autograph.pyct import transformer


class AssertTransformer(transformer.StatementTransformer):

    def visit_Assert(self, node):
        if node.msg is None:
            return templates.replace('ag__.assert_stmt(test, None)', test=node.test)
        out = templates.replace('ag__.assert_stmt(test, lambda: msg)', test=node.test,
                                msg=node.msg)
        anno.setanno(out[0].value.args[1], anno.Basic.GENERATED, True)
        return out


def transform(node, ctx):
    if type(node) is gast.Lambda or not ctx.has_nodes(gast.Assert) or not __debug__:
        return node
    return AssertTransformer(ctx).visit(node)

