"""Moves the `finally:` clause of a `try` that jumps out after the statement.

Python runs a `finally:` clause on every way out of its `try` statement: after the body or a
handler completes, jumps out (`return`, `break`, `continue`) or raises. A jump inside the
clause ends the statement its own way: it replaces a jump of the body and discards an
exception in flight; an exception raised by the clause replaces a pending jump. Flags cannot
say that from inside a `finally:` clause, so when the clause or the rest of the statement
jumps out, this converter makes the ways out explicit and runs the clause after the
statement:

    try:                           pending_return = False
        if c:                      pending_exc = None
            return a               try:
        b                              if c:
    finally:              ->               pending_retval = a
        if d:                              pending_return = True
            break                      else:
                                           b
                                   except BaseException as caught:
                                       pending_exc = caught
                                   if d:
                                       break
                                   if pending_exc is not None:
                                       raise pending_exc
                                   if pending_return:
                                       return pending_retval

The clause's own jumps stay jumps: the break/continue/return converters lower them next, and
their guards skip the re-raise and the re-issued jump, exactly as a jump in `finally:` does.
A `try` whose clauses never jump out is left as it is.

A `with` block is the same kind of statement: its `__exit__` runs on the way out, and when it
raises, a pending jump is cancelled. Where a handler of the function can catch that exception
(the block is inside the body of a `try` with `except` clauses), a jump out of the block
becomes a pending flag, re-issued after the block, which an exception from `__exit__` skips:

    with cm:                       pending_return = False
        if c:                      with cm:
            return a      ->           if c:
        b                                  pending_retval = a
                                           pending_return = True
                                       else:
                                           b
                                   if pending_return:
                                       return pending_retval
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import transformer

# The jumps a `try` statement can make, in the order the later converters lower them.
_KINDS = ((gast.Break, False, 'break'), (gast.Continue, False, 'continue'),
          (gast.Return, True, 'return'))


class _PendingLowering(jumps.JumpLowering):
    """Replaces a jump out of the statement by `pending_<kind> = True`."""

    def __init__(self, jump, enter_loops, flag, value):
        super().__init__(jump, enter_loops)
        self.flag = flag
        self.value = value

    def replacement(self, node):
        out = []
        if self.value is not None:
            v = node.value if node.value is not None else ast_util.const(None)
            out.append(jumps.assign(self.value, v))
        out.append(jumps.assign(self.flag, ast_util.const(True)))   # after the value
        return out

    def on_loop(self, loop):
        # A `return` inside a nested loop: the loop stops, and its `else:` clause (which runs
        # when the loop test fails) must not run.
        jumps.stop_loop(loop, self.flag)
        if loop.orelse:
            g = self.guard(loop.orelse)
            ast_util.fill_locations(g, loop.orelse[0])
            loop.orelse = [g]
        return [loop]


def _mark_finally_reads(node):
    """Annotates the `try` with the variables its `finally:` clause reads and its other
    clauses assign: an exception may have skipped the assignment, a path the analyses do not
    follow (they enter `finally:` from the normal ends), so the variables converter checks
    every read of them."""
    written = set()
    for part in node.body + node.orelse + node.handlers:
        written.update(n.id for n in gast.walk(part)
                       if type(n) is gast.Name and type(n.ctx) is gast.Store)
    read = set()
    for part in node.finalbody:
        read.update(n.id for n in gast.walk(part)
                    if type(n) is gast.Name and type(n.ctx) is gast.Load and n.id in written)
    if read:
        anno.setanno(node, jumps.FINALLY_READ, read)


def _jump(kind, value):
    if kind is gast.Return:
        return gast.Return(value=ast_util.name(value))
    return kind()


class TryTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.loads = None
        self.protected = 0      # enclosing bodies of a `try` with handlers

    def visit_FunctionDef(self, node):
        if self.loads is None:      # the converted function: count its reads once
            self.loads = {}
            for n in gast.walk(node):
                if type(n) is gast.Name and type(n.ctx) is gast.Load:
                    self.loads[n.id] = self.loads.get(n.id, 0) + 1
        protected, self.protected = self.protected, 0   # (a nested function's own)
        node = self.generic_visit(node)
        self.protected = protected
        return node

    def visit_Try(self, node):
        protect = 1 if node.handlers else 0
        self.protected += protect
        node.body = self.visit_block(node.body)
        self.protected -= protect
        node.handlers = [self.visit(h) for h in node.handlers]
        node.orelse = self.visit_block(node.orelse)
        node.finalbody = self.visit_block(node.finalbody)
        if node.finalbody:
            _mark_finally_reads(node)
        for h in node.handlers:
            if h.name is not None and self._read_elsewhere(h):
                self._unbind_at_end(h)
        return self._finally(node)

    visit_TryStar = visit_Try

    def visit_With(self, node):
        node.body = self.visit_block(node.body)
        if not self.protected:
            # (an exception from __exit__ leaves the function, or reaches a `finally:` clause
            # or an enclosing `with`: see docs/limitations.md)
            return node
        kinds = [k for k in _KINDS
                 if jumps.JumpLowering(k[0], k[1]).block_status(node.body) != jumps.NEVER]
        if not kinds:
            return node
        node.body, out, reissue = self._pending(kinds, node.body)
        for s in out + reissue:
            ast_util.fill_locations(s, node)
        self.ctx.add_nodes(gast.If, gast.UnaryOp, gast.Not, gast.Assign,
                           *(k[0] for k in kinds))
        return out + [node] + reissue

    def _read_elsewhere(self, handler):
        name = handler.name.id
        inside = sum(1 for n in gast.walk(handler)
                     if type(n) is gast.Name and type(n.ctx) is gast.Load and n.id == name)
        return (self.loads or {}).get(name, 0) > inside

    def _unbind_at_end(self, handler):
        """`except E as e:` unbinds `e` when the handler ends, however it ends. Where `e` is
        read elsewhere, make that explicit, so that the variable a loop or branch passes on is
        unbound as in Python (reading it raises UnboundLocalError):

            except E as caught:
                e = caught
                ...
                del e
        """
        name = handler.name.id
        caught = self.ctx.namer.new_symbol('caught')
        handler.name = ast_util.name(caught, gast.Store())
        bind = jumps.assign(name, ast_util.name(caught))
        # As Python does, `e = None` first: the handler may have deleted `e` itself.
        unbind = [jumps.assign(name, ast_util.const(None)),
                  gast.Delete(targets=[ast_util.name(name, gast.Del())])]
        ast_util.fill_locations([bind] + unbind, handler)
        if all(type(s) is gast.Pass for s in handler.body):
            handler.body = [bind] + unbind
        else:
            # An exception or a jump leaving the handler unbinds `e` too.
            wrap = gast.Try(body=handler.body, handlers=[], orelse=[], finalbody=unbind)
            ast_util.fill_locations(wrap, handler)
            body = self._finally(wrap)
            handler.body = [bind] + (body if type(body) is list else [body])
        self.ctx.add_nodes(gast.Delete, gast.Try, gast.Assign)

    def _pending(self, kinds, block):
        """Lowers the jumps of `kinds` in `block` to pending flags: (the lowered block, the
        flags' `False` assignments to put before it, the `if flag: <jump>` statements that
        re-issue the jumps after it). Names are taken for every kind, jumps or not."""
        namer = self.ctx.namer
        out, reissue = [], []
        for kind, enter_loops, label in kinds:
            flag = namer.new_symbol('pending_' + label)
            value = namer.new_symbol('pending_retval') if kind is gast.Return else None
            lowering = _PendingLowering(kind, enter_loops, flag, value)
            if lowering.block_status(block) != jumps.NEVER:
                block = lowering.lower(block)
                out.append(jumps.assign(flag, ast_util.const(False)))
                reissue.append(gast.If(test=ast_util.name(flag), body=[_jump(kind, value)],
                                       orelse=[]))
        return block, out, reissue

    def _finally(self, node):
        if not node.finalbody:
            return node
        final = node.finalbody
        if node.handlers:
            inner = [type(node)(body=node.body, handlers=node.handlers, orelse=node.orelse,
                                finalbody=[])]
            ast_util.copy_location(inner[0], node)
        else:
            inner = node.body
        kinds = [k for k in _KINDS
                 if jumps.JumpLowering(k[0], k[1]).block_status(inner + final) != jumps.NEVER]
        if not kinds:
            return node
        inner, out, reissue = self._pending(kinds, inner)
        namer = self.ctx.namer
        exc = namer.new_symbol('pending_exc')
        caught = namer.new_symbol('caught')
        handler = gast.ExceptHandler(
            type=ast_util.name('BaseException'), name=ast_util.name(caught, gast.Store()),
            body=[jumps.assign(exc, ast_util.name(caught))])
        out.append(jumps.assign(exc, ast_util.const(None)))
        out.append(gast.Try(body=inner, handlers=[handler], orelse=[], finalbody=[]))
        raise_ = gast.If(
            test=gast.Compare(left=ast_util.name(exc), ops=[gast.IsNot()],
                              comparators=[ast_util.const(None)]),
            body=[gast.Raise(exc=ast_util.name(exc), cause=None)], orelse=[])
        tail = [raise_] + reissue
        for s in out + tail:
            ast_util.fill_locations(s, node)
        self.ctx.add_nodes(gast.If, gast.UnaryOp, gast.Not, gast.BoolOp, gast.Compare, gast.Raise,
                           gast.Assign, gast.ExceptHandler, *(k[0] for k in kinds))
        return out + final + tail


def transform(node, ctx):
    if type(node) is gast.Lambda:
        return node
    # Before jumps are lowered and branches become functions (`unsupported` may know them).
    local = ctx.info.get('original_locals')
    if local is not None:
        anno.setanno(node, jumps.LOCALS, local)
    else:
        jumps.record_locals(node)
    if not ctx.has_nodes(gast.Try, getattr(gast, 'TryStar', None)):
        return node
    return TryTransformer(ctx).visit(node)
