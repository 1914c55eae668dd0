"""Rewrites `and`, `or`, `not` and chained comparisons into lazy `ag__` calls.

    a and b and c    ->    ag__.and_(lambda: a, lambda: b, lambda: c)
    a or b           ->    ag__.or_(lambda: a, lambda: b)
    not a            ->    ag__.not_(a)
    (a or b) and c   ->    ag__.and_(ag__.nested_or(lambda: a, lambda: b), lambda: c)
    a < b < c        ->    ag__.and_(lambda: a < b, lambda: b < c)

Where only the truth of `a and b` matters (the test of an `if`, `while`, `assert` or ternary,
a comprehension filter, the operand of a `not` in such a test, and operands of such an
`and`/`or`), the calls are `ag__.and_test` / `ag__.or_test`: on Python values they give the
truth (each operand's `__bool__` runs once, as in Python's jumps), and on graph tensors they
combine truth values instead of choosing between operands of different dtypes.

An `and`/`or` whose value is an operand of another one is not a thunk but a
`nested_and`/`nested_or` object: the enclosing operator reuses the truth its operands' tests
found, as CPython's compiler does (each operand's `__bool__` runs at most once).

Operands keep Python's short-circuit semantics (each is a thunk, evaluated at most once). In a
chained comparison a middle operand that is not a plain name or constant is evaluated once
and passed to the rest of the chain as a lambda parameter:

    a < f() < c      ->    (lambda cmp: ag__.and_(lambda: a < cmp, lambda: cmp < c))(f())
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import transformer


# The builders take `at`, the node being replaced: what they make is located there as
# `transformer.Base.visit` would locate it afterwards (which then finds nothing left to do).

def _thunk(expr, at=None):
    if at is not None:
        ast_util.fill_locations(expr, at)
    node = ast_util.make(gast.Lambda, at, args=_no_args(), body=expr)
    anno.setanno(node, anno.Basic.GENERATED, True)   # runs at once: not a closure that escapes
    return node


def _generated(node):
    anno.setanno(node, anno.Basic.GENERATED, True)
    return node


def _no_args(names=()):
    return ast_util.make(gast.arguments, args=[ast_util.param(n) for n in names], posonlyargs=[],
                         vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


def _simple(node):
    t = type(node)
    if t is gast.Name or t is gast.Constant:
        return True
    if t is gast.Attribute:
        return _simple(node.value)
    return False


def _call(fn, args, at=None):
    func = ast_util.make(gast.Attribute, at, value=ast_util.name('ag__', None, at), attr=fn,
                         ctx=gast.Load.__new__(gast.Load))
    return ast_util.make(gast.Call, at, func=func, args=args, keywords=[])


def _is_helper_call(node, name):
    f = node.func
    return (type(f) is gast.Attribute and f.attr == name and type(f.value) is gast.Name
            and f.value.id == 'ag__' and node.args)


def _is_if_exp_call(node):
    f = node.func
    return (type(f) is gast.Attribute and f.attr == 'if_exp' and type(f.value) is gast.Name
            and f.value.id == 'ag__' and node.args)


class LogicalExpressionTransformer(transformer.Base):

    def __init__(self, ctx):
        super().__init__(ctx)
        self._truth_only = set()    # ids of BoolOp nodes whose value is only tested for truth
        self._nested = set()        # ids of BoolOp nodes whose truth an enclosing one tests

    def _mark_truth_only(self, node):
        t = type(node)
        if t is gast.BoolOp:
            self._truth_only.add(id(node))
            for v in node.values:
                self._mark_truth_only(v)
        elif t is gast.UnaryOp and type(node.op) is gast.Not:
            self._mark_truth_only(node.operand)
        elif t is gast.Compare and len(node.ops) > 1:
            # `if a < b < c:` asks each comparison's result for its truth once
            self._truth_only.add(id(node))
        elif t is gast.Call and _is_if_exp_call(node) and len(node.args) == 3:
            # `if (a or b) if c else d:` tests the chosen branch's value for truth only
            for thunk in node.args[1:]:
                if type(thunk) is gast.Lambda:
                    self._mark_truth_only(thunk.body)

    def visit_If(self, node):
        self._mark_truth_only(node.test)
        return self.generic_visit(node)

    visit_While = visit_IfExp = visit_Assert = visit_If

    def visit_comprehension(self, node):
        for test in node.ifs:
            self._mark_truth_only(test)
        return self.generic_visit(node)

    def visit_Call(self, node):
        if _is_if_exp_call(node) or _is_helper_call(node, 'assert_stmt'):
            self._mark_truth_only(node.args[0])
        return self.generic_visit(node)

    def visit_tests(self, node):
        """Rewrites only the tests of `if` and `while` statements and the extra tests of `for`
        loops in `node` (what the whole walk would rewrite when nothing else holds an
        `and`/`or`, `not` or chained comparison); returns `node`."""
        stack = [node]
        while stack:
            n = stack.pop()
            t = type(n)
            blocks = _BLOCKS.get(t)
            if blocks is None or anno.hasanno(n, anno.Basic.SKIP):
                continue        # no statements in it, or left as `visit` leaves it
            if t is gast.If or t is gast.While:
                self._mark_truth_only(n.test)
                n.test = self.visit(n.test)
            elif t is gast.For:
                extra = anno.getanno(n, anno.Basic.EXTRA_LOOP_TEST, None)
                if extra is not None:
                    anno.setanno(n, anno.Basic.EXTRA_LOOP_TEST, self.visit(extra))
            d = n.__dict__
            for f in blocks:
                stack.extend(d[f])
        return node

    def visit_BoolOp(self, node):
        truth_only = id(node) in self._truth_only
        nested = set()
        if not truth_only:
            # An `and`/`or` operand whose truth this one tests (all but the last, and the last
            # of a nested one, whose truth is passed on): `nested_and`/`nested_or`, so that the
            # operand that decided it is not asked for its truth again.
            last = len(node.values) - 1
            for i, v in enumerate(node.values):
                if type(v) is gast.BoolOp and (i < last or id(node) in self._nested):
                    self._nested.add(id(v))
                    nested.add(i)
        is_nested = id(node) in self._nested
        node = self.generic_visit(node)
        fn = 'and_' if type(node.op) is gast.And else 'or_'
        if truth_only:
            fn += 'test'
        elif is_nested:
            fn = 'nested_' + fn[:-1]
        return _call(fn, [v if i in nested else _thunk(v, node)
                          for i, v in enumerate(node.values)], node)

    def visit_UnaryOp(self, node):
        # `not (a and b)` tests the truth of the operand's value: as a test, Python jumps on
        # each operand's truth (one __bool__ each, marked by _mark_truth_only); as a value, it
        # computes `a and b` and then its truth again (plain and_/or_).
        node = self.generic_visit(node)
        if type(node.op) is not gast.Not:
            return node
        operand = node.operand
        for fn in ('and_', 'or_'):
            if type(operand) is gast.Call and _is_helper_call(operand, fn):
                # a value-context `not (a and b)`: on graph tensors only the truth matters
                return _call('not_' + fn[:-1], operand.args, node)
        ast_util.fill_locations(operand, node)
        return _call('not_', [operand], node)

    def visit_Compare(self, node):
        fn = 'and_test' if id(node) in self._truth_only else 'and_'
        node = self.generic_visit(node)
        if len(node.ops) < 2:
            return node
        pairs = list(zip(node.ops, node.comparators))
        if all(_simple(c) for c in node.comparators[:-1]):
            left = node.left
            thunks = []
            for op, right in pairs:
                thunks.append(_thunk(gast.Compare(left=left, ops=[op], comparators=[right])))
                left = ast_util.copy_clean(right, keep_locations=True)
            return _call(fn, thunks)
        if _simple(node.left):
            return self._chain(node.left, pairs, fn)
        tmp = self.ctx.namer.new_symbol('cmp')
        return gast.Call(func=_generated(gast.Lambda(
            args=_no_args([tmp]), body=self._chain(ast_util.name(tmp), pairs, fn))),
            args=[node.left], keywords=[])

    def _chain(self, left, pairs, fn='and_'):
        op, right = pairs[0]
        if len(pairs) == 1:
            return gast.Compare(left=left, ops=[op], comparators=[right])
        if _simple(right):
            rest = self._chain(ast_util.copy_clean(right, keep_locations=True), pairs[1:], fn)
            return _call(fn, [_thunk(gast.Compare(left=left, ops=[op], comparators=[right])),
                              _thunk(rest)])
        tmp = self.ctx.namer.new_symbol('cmp')
        body = _call(fn, [
            _thunk(gast.Compare(left=left, ops=[op], comparators=[ast_util.name(tmp)])),
            _thunk(self._chain(ast_util.name(tmp), pairs[1:], fn))])
        return gast.Call(func=_generated(gast.Lambda(args=_no_args([tmp]), body=body)),
                         args=[right], keywords=[])


def transform(node, ctx):
    if not ctx.has_nodes(gast.BoolOp, gast.UnaryOp, gast.Compare):
        return node
    # Only `and`/`or`, `not` and chained comparisons are rewritten (converters that create
    # `not` record gast.Not; none creates a chained comparison).
    chained = ctx.info.get('chained_comparisons', True)
    if not (ctx.has_nodes(gast.BoolOp, gast.Not) or chained):
        return node
    if not (chained or ctx.has_nodes_outside_tests(gast.BoolOp, gast.Not)):
        # Only the jump converters' flag tests (`if not break_:`): no walk of the rest.
        return LogicalExpressionTransformer(ctx).visit_tests(node)
    return LogicalExpressionTransformer(ctx).visit(node)


# The statement lists of each node class that holds statements (a class body is left as
# written, as `transformer.Base.visit_ClassDef` leaves it).
_BLOCKS = {gast.FunctionDef: ('body',), gast.AsyncFunctionDef: ('body',),
           gast.If: ('body', 'orelse'), gast.While: ('body', 'orelse'),
           gast.For: ('body', 'orelse'), gast.AsyncFor: ('body', 'orelse'),
           gast.With: ('body',), gast.AsyncWith: ('body',),
           gast.Try: ('body', 'handlers', 'orelse', 'finalbody'), gast.ExceptHandler: ('body',)}
if hasattr(gast, 'TryStar'):
    _BLOCKS[gast.TryStar] = _BLOCKS[gast.Try]
if hasattr(gast, 'Match'):
    _BLOCKS[gast.Match] = ('cases',)
    _BLOCKS[gast.match_case] = ('body',)
