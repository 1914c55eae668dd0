"""Lowers `break` into a flag, and every loop `else:` clause into code after the loop.

    while test:                    break_ = False
        a                          while not break_ and test:
        if c:               ->         a
            break                      if c:
        b                                  break_ = True
    else:                              else:
        e                                  b
                                   if not break_:
                                       e

A `for` loop gets the flag as its extra test (annotation `Basic.EXTRA_LOOP_TEST`), which the
control_flow converter passes to `ag__.for_stmt`. A loop without `break` simply runs its
`else:` clause after it.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import transformer


class _BreakLowering(jumps.JumpLowering):

    def __init__(self):
        super().__init__(gast.Break, enter_loops=False)

    def replacement(self, node):
        return [jumps.set_flag(self.flag)]


class BreakTransformer(transformer.StatementTransformer):

    def visit_While(self, node):
        return self._loop(self.generic_visit(node))

    def visit_For(self, node):
        return self._loop(self.generic_visit(node))

    def _loop(self, node):
        lowering = _BreakLowering()
        orelse = node.orelse
        node.orelse = []
        if lowering.block_status(node.body) == jumps.NEVER:
            return [node] + orelse
        # the flag tests it creates: `while not break_ and ...`, `if not break_:`, the extra
        # test of a for loop
        self.ctx.add_nodes(gast.UnaryOp, gast.Not, gast.BoolOp, in_tests=True)
        lowering.flag = self.ctx.namer.new_symbol('break_')
        node.body = lowering.lower(node.body)
        still = jumps.not_(ast_util.name(lowering.flag))
        if type(node) is gast.While:
            test = node.test
            if type(test) is gast.Constant and test.value is True:
                node.test = still
            else:
                node.test = jumps.and_(still, test)
            ast_util.fill_locations(node.test, node)
        else:
            extra = anno.getanno(node, anno.Basic.EXTRA_LOOP_TEST, None)
            test = jumps.and_(still, extra)
            ast_util.fill_locations(test, node)
            anno.setanno(node, anno.Basic.EXTRA_LOOP_TEST, test)
        init = jumps.assign(lowering.flag, ast_util.const(False))
        ast_util.fill_locations(init, node)
        out = [init, node]
        if orelse:
            guard = lowering.guard(orelse)
            ast_util.fill_locations(guard, orelse[0])
            out.append(guard)
        return out


def transform(node, ctx):
    if not ctx.has_nodes(gast.For, gast.While):
        return node
    if ctx.info.get('loop_else') is False and not ctx.has_nodes(
            gast.Break, gast.Try, getattr(gast, 'TryStar', None)):
        return node     # no `break`, no loop `else:` (unsupported saw; a try may re-issue one)
    return BreakTransformer(ctx).visit(node)
