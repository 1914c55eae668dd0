"""Lowers `continue` into structure, or into a flag that guards the rest of the loop body.

    for x in xs:                   for x in xs:
        if c:               ->         if not c:
            continue                       b
        b

A flag (`continue_ = False` at the top of the body, `continue_ = True` at the jump, `if not
continue_:` around what follows) is only used when the structure cannot express it, e.g. a
`continue` nested in a `with` or `try` block with code after it.
"""
import gast

from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import transformer


class _ContinueLowering(jumps.JumpLowering):

    def __init__(self):
        super().__init__(gast.Continue, enter_loops=False)

    def replacement(self, node):
        if self.flag is None:
            return []
        return [jumps.set_flag(self.flag)]


class ContinueTransformer(transformer.StatementTransformer):

    def visit_While(self, node):
        return self._loop(self.generic_visit(node))

    def visit_For(self, node):
        return self._loop(self.generic_visit(node))

    def _loop(self, node):
        lowering = _ContinueLowering()
        if lowering.block_status(node.body) == jumps.NEVER:
            return node
        self.ctx.add_nodes(gast.UnaryOp, gast.Not, in_tests=True)   # `if not continue_:`
        if lowering.needs_flag(node.body):
            lowering.flag = self.ctx.namer.new_symbol('continue_')
        body = lowering.lower(node.body)
        if lowering.flag is not None:
            init = jumps.assign(lowering.flag, ast_util.const(False))
            ast_util.fill_locations(init, node.body[0])
            body.insert(0, init)
        if not body:
            body = [gast.Pass()]
            ast_util.fill_locations(body[0], node)
        node.body = body
        return node


def transform(node, ctx):
    if not ctx.has_nodes(gast.Continue):
        return node
    return ContinueTransformer(ctx).visit(node)
