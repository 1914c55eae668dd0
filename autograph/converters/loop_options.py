"""`ag.set_loop_options(...)` as the first statement of a loop body: the loop's options.

    while x < n:
        ag.set_loop_options(maximum_iterations=k)
        x = x + 1
  becomes
    def loop_body(x):
        ag__.call_loop_options(ag.set_loop_options, maximum_iterations=k)
        x = x + 1
        return x
    x = ag__.while_stmt(loop_test, loop_body, (x,), ('x',),
                        opts=ag__.LoopOptions(lambda: {'maximum_iterations': k}))

As in TensorFlow the call must be the first statement of the loop body; anywhere else
(inside an `if`/`with`/`try` of the body, the loop's `else:`, after other statements, outside
any loop, in an expression) it is a ConversionError at the call's line. The call stays in the
body (called as it is, not through converted_call), so a loop that runs as Python evaluates
its arguments exactly as Python does (every iteration, not at all for a zero-trip loop). The loop helper gets the same arguments as a
lazy `opts=` (`ag__.LoopOptions`, evaluated only when the loop is staged, where the helper is
called). `shape_invariants=[(v, shape), ...]` names loop variables: it becomes `{'v': shape}`.
Recognised spellings: any call whose function is named `set_loop_options` (`ag.`,
`autograph.`, `ag.experimental.`, `tf.autograph.experimental.`, or the bare imported name).
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import templates
from autograph.pyct import transformer

OPTIONS = anno.Key.LOOP_OPTIONS   # While/For: the `opts=` expression (read by control_flow)

_KNOWN = ('maximum_iterations', 'shape_invariants', 'parallel_iterations', 'swap_memory')
_NAME = 'set_loop_options'
_WHERE = "it must be the first statement of the loop body whose options it sets"


def _is_options_func(func):
    t = type(func)
    return (t is gast.Attribute and func.attr == _NAME) or (t is gast.Name and func.id == _NAME)


def _is_options_call(stmt):
    return (type(stmt) is gast.Expr and type(stmt.value) is gast.Call
            and _is_options_func(stmt.value.func))


class LoopOptionsTransformer(transformer.StatementTransformer):

    def _lift(self, node):
        node = self.generic_visit(node)
        if not node.body or not _is_options_call(node.body[0]):
            return node
        call = node.body[0].value
        if call.args:
            raise self.ctx.error(call, "set_loop_options takes keyword arguments only",
                                 construct='set_loop_options',
                                 hint='write ag.set_loop_options(maximum_iterations=N)')
        keys, values = [], []
        for kw in call.keywords:
            if kw.arg not in _KNOWN:
                raise self.ctx.error(call, "set_loop_options has no option %r (it takes %s)"
                                     % (kw.arg, ", ".join(_KNOWN)),
                                     construct='set_loop_options')
            value = ast_util.copy_clean(kw.value, keep_locations=True)
            if kw.arg == 'shape_invariants':
                value = self._invariants(call, value)
            keys.append(ast_util.const(kw.arg))
            values.append(value)
        opts = templates.replace_as_expression('ag__.LoopOptions(lambda: options)',
                                               options=gast.Dict(keys=keys, values=values))
        ast_util.fill_locations(opts, call)
        anno.setanno(node, OPTIONS, opts)
        # The statement stays, called as it is (not through converted_call).
        stmt = templates.replace_as_expression('ag__.call_loop_options(func)', func=call.func)
        stmt.keywords = call.keywords
        ast_util.fill_locations(stmt, call)
        node.body[0].value = stmt
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

    def visit_While(self, node):
        return self._lift(node)

    def visit_For(self, node):
        return self._lift(node)


_BLOCKS = {gast.If: '`if`', gast.With: '`with`', gast.Try: '`try`'}
if hasattr(gast, 'TryStar'):
    _BLOCKS[gast.TryStar] = '`try`'
_FUNCTIONS = (gast.FunctionDef, gast.AsyncFunctionDef)


def _check_placement(root, ctx):
    """Raises a ConversionError for the first set_loop_options call left after lifting (the
    lifted ones are `ag__.call_loop_options(...)` now), saying where it is and where to put
    it."""
    # Depth-first, in source order; each entry: (node, chain of (ancestor, field) pairs).
    stack = [(root, ())]
    while stack:
        node, chain = stack.pop()
        t = type(node)
        if t is gast.ClassDef and chain:
            continue        # a local class body is left as written (see transformer.Base)
        if t is gast.Call and _is_options_func(node.func):
            raise _misplaced(ctx, node, chain)
        children = []
        for field in t._fields:
            v = getattr(node, field, None)
            if type(v) is list:
                children.extend((x, chain + ((node, field),)) for x in v
                                if isinstance(x, gast.AST))
            elif isinstance(v, gast.AST):
                children.append((v, chain + ((node, field),)))
        stack.extend(reversed(children))


def _misplaced(ctx, call, chain):
    def error(message, hint, where=True):
        return ctx.error(call, message + ("; " + _WHERE if where else ""),
                         construct='set_loop_options', hint=hint)

    parent = chain[-1][0] if chain else None
    if type(parent) is not gast.Expr:
        return error("set_loop_options must be a statement of its own, not part of an "
                     "expression", "write `ag.set_loop_options(...)` on its own line, as the "
                     "first statement of the loop body")
    # The innermost loop or function around the statement, and what lies in between.
    between = []
    for node, field in reversed(chain[:-1]):
        if type(node) in (gast.While, gast.For):
            if field == 'orelse':
                return error("set_loop_options cannot be in a loop's `else:` clause",
                             "move it to the top of the loop body")
            if field == 'body' and not between:
                return error("set_loop_options must be the first statement of the loop body "
                             "(here it comes after other statements)",
                             "move the call to the top of the loop body", where=False)
            if field == 'body':
                block = between[-1]     # the outermost block inside the loop body
                return error("set_loop_options cannot be inside %s block of the loop body: "
                             "the options apply to the loop as a whole" % (
                                 "an " + block if block == '`if`' else "a " + block),
                             "move it out of the %s, to the top of the loop body" % block)
        if type(node) in _FUNCTIONS or type(node) is gast.Lambda:
            where = ("outside any loop of the function `%s`" % node.name
                     if type(node) in _FUNCTIONS and node is not chain[0][0] else
                     "outside any loop")
            return error("set_loop_options is %s" % where,
                         "put it at the top of the body of the loop it configures, or "
                         "remove it")
        if type(node) in _BLOCKS:
            between.append(_BLOCKS[type(node)])
        elif type(node) is gast.ExceptHandler:
            between.append('`try`')
    return error("set_loop_options is outside any loop",
                 "put it at the top of the body of the loop it configures, or remove it")


def _mentions_options(node, ctx):
    """Whether the entity's source may contain a set_loop_options call (True when unknown)."""
    first, last = getattr(node, 'lineno', None), getattr(node, 'end_lineno', None)
    if not ctx.lines or not first or not last or last > len(ctx.lines):
        return True
    if type(node) in _FUNCTIONS and node.name not in ctx.lines[first - 1]:
        return True     # lines that do not match the tree: look at the tree
    return _NAME in ''.join(ctx.lines[first - 1:last])


def transform(node, ctx):
    if not _mentions_options(node, ctx):
        return node
    if type(node) is not gast.Lambda and (ctx.has_nodes(gast.While) or ctx.has_nodes(gast.For)):
        node = LoopOptionsTransformer(ctx).visit(node)
    _check_placement(node, ctx)
    return node
