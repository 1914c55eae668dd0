"""Lifts `ag.set_loop_options(...)` at the top of a loop body into the loop's options.

    while x < n:                                     ... = ag__.while_stmt(loop_test, loop_body,
        ag.set_loop_options(maximum_iterations=10)         state, names,
        x = x + 1                                          opts={'maximum_iterations': 10})

As in TensorFlow the call must be the first statement of the loop body; its arguments are
evaluated once, before the loop (where the loop helper is called). `shape_invariants=[(v,
shape), ...]` names loop variables: it becomes `{'v': shape}`. The call is removed from the
body, so a Python loop runs exactly as written (the options only matter to staged loops).
Recognised spellings: any call whose function is named `set_loop_options` (`ag.`,
`autograph.`, `ag.experimental.`, `tf.autograph.experimental.`, or the bare imported name).
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import transformer

OPTIONS = anno.Key.LOOP_OPTIONS   # While/For: gast.Dict of the options (read by control_flow)

_KNOWN = ('maximum_iterations', 'shape_invariants', 'parallel_iterations', 'swap_memory')


def _is_options_call(stmt):
    if type(stmt) is not gast.Expr or type(stmt.value) is not gast.Call:
        return False
    func = stmt.value.func
    if type(func) is gast.Attribute:
        return func.attr == 'set_loop_options'
    return type(func) is gast.Name and func.id == 'set_loop_options'


class LoopOptionsTransformer(transformer.StatementTransformer):

    def _lift(self, node):
        node = self.generic_visit(node)
        if not node.body or not _is_options_call(node.body[0]):
            self._check_misplaced(node.body[1:] if node.body else ())
            return node
        call = node.body[0].value
        self._check_misplaced(node.body[1:])
        if call.args:
            raise self.ctx.error(call, "set_loop_options takes keyword arguments only",
                             construct='set_loop_options',
                             hint='write ag.set_loop_options(maximum_iterations=N)')
        keys, values = [], []
        for kw in call.keywords:
            if kw.arg not in _KNOWN:
                raise self.ctx.error(call, "set_loop_options has no option %r (it takes %s)"
                                 % (kw.arg, ", ".join(_KNOWN)), construct='set_loop_options')
            value = kw.value
            if kw.arg == 'shape_invariants':
                value = self._invariants(call, value)
            keys.append(ast_util.const(kw.arg))
            values.append(value)
        anno.setanno(node, OPTIONS, gast.Dict(keys=keys, values=values))
        node.body = node.body[1:] or [ast_util.copy_location(gast.Pass(), call)]
        return node

    def _invariants(self, call, value):
        if type(value) not in (gast.List, gast.Tuple):
            raise self.ctx.error(call, "shape_invariants must be a literal list of (variable, "
                             "shape) pairs", construct='set_loop_options',
                             hint='shape_invariants=[(x, [None])]')
        keys, values = [], []
        for elt in value.elts:
            if (type(elt) not in (gast.List, gast.Tuple) or len(elt.elts) != 2
                    or type(elt.elts[0]) is not gast.Name):
                raise self.ctx.error(call, "each shape_invariants entry must be a (variable, "
                                 "shape) pair naming a loop variable",
                                 construct='set_loop_options',
                                 hint='shape_invariants=[(x, [None])]')
            keys.append(ast_util.const(elt.elts[0].id))
            values.append(elt.elts[1])
        return gast.Dict(keys=keys, values=values)

    def _check_misplaced(self, stmts):
        for s in stmts:
            if _is_options_call(s):
                raise self.ctx.error(s, "set_loop_options must be the first statement of the "
                                 "loop body", construct='set_loop_options',
                                 hint='move the call to the top of the loop body')

    def visit_While(self, node):
        return self._lift(node)

    def visit_For(self, node):
        return self._lift(node)


def transform(node, ctx):
    if type(node) is gast.Lambda or not (ctx.has_nodes(gast.While) or ctx.has_nodes(gast.For)):
        return node
    return LoopOptionsTransformer(ctx).visit(node)
