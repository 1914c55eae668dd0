"""Lowers `return` statements inside branches and loops into one return at the end.

    def f(x):                      def f(x):
        if x > 0:           ->         if x > 0:
            return x                       retval_ = x
        y = -x                         else:
        return y * 2                       y = -x
                                           retval_ = y * 2
                                       return retval_

Inside loops a `do_return` flag stops the loop (it joins the loop's test) and guards what
follows; `retval_` starts as None when some path falls off the end of the function, and is
otherwise left for the variables converter to initialise with `ag__.Undefined('retval_')`
(operators treat an Undefined whose name starts with 'retval' as fillable in graph mode).
A function whose only `return` is its last statement is left as it is.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import transformer


class _ReturnLowering(jumps.JumpLowering):

    def __init__(self, retval):
        super().__init__(gast.Return, enter_loops=True)
        self.retval = retval

    def replacement(self, node):
        value = node.value if node.value is not None else ast_util.const(None)
        out = [jumps.assign(self.retval, value)]
        if self.flag is not None:   # after the value: computing it may raise
            out.append(jumps.set_flag(self.flag))
        return out

    def on_loop(self, loop):
        jumps.stop_loop(loop, self.flag)
        return [loop]


def _docstring_len(body):
    if body and type(body[0]) is gast.Expr and type(body[0].value) is gast.Constant \
            and isinstance(body[0].value.value, str):
        return 1
    return 0


class ReturnTransformer(transformer.StatementTransformer):

    def visit_FunctionDef(self, node):
        node = self.generic_visit(node)
        body = node.body
        probe = _ReturnLowering(None)
        if probe.block_status(body[:-1]) == jumps.NEVER and (
                type(body[-1]) is gast.Return or probe.status(body[-1]) == jumps.NEVER):
            return node
        # the flag tests (`if not do_return:`, loop tests) and `return retval_ if do_return else e`
        self.ctx.add_nodes(gast.UnaryOp, gast.Not, gast.BoolOp, in_tests=True)
        self.ctx.add_nodes(gast.IfExp)
        lowering = _ReturnLowering(self.ctx.namer.new_symbol('retval_'))
        if lowering.needs_flag(body):
            lowering.flag = self.ctx.namer.new_symbol('do_return')
        always = lowering.block_status(body) == jumps.ALWAYS
        doc = _docstring_len(body)
        new_body = body[:doc]
        prologue = []
        if lowering.flag is not None:
            prologue.append(jumps.assign(lowering.flag, ast_util.const(False)))
        if not always:
            prologue.append(jumps.assign(lowering.retval, ast_util.const(None)))
        first = body[doc] if len(body) > doc else node
        for s in prologue:
            ast_util.fill_locations(s, first)
        new_body.extend(prologue)
        new_body.extend(lowering.lower(body[doc:]))
        ret = gast.Return(value=ast_util.name(lowering.retval))
        tail = self._tail_value(new_body, lowering)
        if tail is not None:
            # `if not do_return: retval_ = e` then `return retval_` reads better as
            # `return retval_ if do_return else e`.
            guard = new_body.pop()
            ret.value = gast.IfExp(test=ast_util.name(lowering.flag),
                                   body=ast_util.name(lowering.retval), orelse=tail)
            ast_util.fill_locations(ret, guard)
        ast_util.fill_locations(ret, body[-1])
        new_body.append(ret)
        node.body = new_body
        return node

    @staticmethod
    def _tail_value(body, lowering):
        """The `e` of a final `if not do_return: retval_ = e [; do_return = True]`, or None."""
        if lowering.flag is None or not body:
            return None
        last = body[-1]
        if type(last) is not gast.If or last.orelse or type(last.test) is not gast.UnaryOp:
            return None
        operand = last.test.operand
        if type(operand) is not gast.Name or operand.id != lowering.flag:
            return None
        stmts = [b for b in last.body if not anno.hasanno(b, jumps.FLAG)]
        if len(stmts) != 1 or type(stmts[0]) is not gast.Assign:
            return None
        target = stmts[0].targets[0]
        if type(target) is not gast.Name or target.id != lowering.retval:
            return None
        return stmts[0].value


def transform(node, ctx):
    if type(node) is gast.Lambda:
        return node
    body = node.body
    if (ctx.info.get('return_count') == 1 and body and type(body[-1]) is gast.Return
            and not ctx.has_nodes(gast.FunctionDef, gast.Try, getattr(gast, 'TryStar', None))):
        # Its only `return` (`unsupported` counted them; the converters before this one only
        # move a return, or re-issue one from a `try`) is its last statement: nothing to lower.
        return node
    return ReturnTransformer(ctx).visit(node)
