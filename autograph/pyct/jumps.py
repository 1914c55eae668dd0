"""Lowering of jumps (break, continue, return) into assignments plus structure.

A converted loop or branch body is a function, so a jump inside it cannot leave the enclosing
statement directly. `JumpLowering` rewrites one statement list so that it contains no jump of
one kind, keeping the code recognisable:

  - if one branch of an `if` always jumps, the statements after the `if` move into the other
    branch (a guard clause becomes an if/else, an early return an if/else chain);
  - otherwise the jump sets a boolean flag, and what follows is guarded by `if not flag:`;
  - a flag is only introduced when some guard or loop test needs it.

Subclasses say what the jump becomes (`replacement`) and what happens to a loop that contains
one (`on_loop`, used by return statements).
"""
import gast

from autograph.pyct import anno
from autograph.pyct import ast_util

NEVER, MAYBE, ALWAYS = 0, 1, 2

_LOOPS = (gast.While, gast.For)
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda)
_TRY = (gast.Try,) + ((gast.TryStar,) if hasattr(gast, 'TryStar') else ())
_NOT = gast.Not
_AND = gast.And
_STORE = gast.Store


# The builders below make the nodes gast's constructors make, without their keyword handling.

def not_(expr):
    return ast_util.make(gast.UnaryOp, op=_NOT.__new__(_NOT), operand=expr)


def and_(*exprs):
    exprs = [e for e in exprs if e is not None]
    if len(exprs) == 1:
        return exprs[0]
    return ast_util.make(gast.BoolOp, op=_AND.__new__(_AND), values=list(exprs))


FLAG = anno.Key.JUMP_FLAG


LOCALS = anno.Key.ORIGINAL_LOCALS   # FunctionDef annotation: the names its original code binds
FINALLY_READ = anno.Key.FINALLY_READ    # Try: names `finally:` reads, the rest assigns

_NESTED = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda, gast.ListComp,
           gast.SetComp, gast.DictComp, gast.GeneratorExp)


_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def _walrus_targets(comp):
    """The names walruses in comprehension `comp` bind: variables of the enclosing function
    (not of the comprehension, nor of a lambda or function in it)."""
    out = set()
    stack = [comp]
    while stack:
        node = stack.pop()
        t = type(node)
        if t is gast.NamedExpr and type(node.target) is gast.Name:
            out.add(node.target.id)
        elif t in (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda):
            stack.extend(_evaluated_outside(node))
            continue
        ast_util.push_children(stack, node)
    return out


def _evaluated_outside(node):
    """The parts of a nested function, lambda or class that its enclosing scope evaluates."""
    if type(node) is gast.ClassDef:
        return node.decorator_list + node.bases + [k.value for k in node.keywords]
    args = node.args
    return (getattr(node, 'decorator_list', []) + args.defaults
            + [d for d in args.kw_defaults if d is not None])


_BINDING = (gast.Store, gast.Del)
# The node types record_locals looks at (it only walks the others).
_LOCALS_LOOKED_AT = frozenset((gast.Global, gast.Nonlocal, gast.FunctionDef, gast.AsyncFunctionDef,
                               gast.ClassDef, gast.Lambda, gast.ExceptHandler, gast.Import,
                               gast.ImportFrom) + _NESTED + _COMPREHENSIONS)


def record_locals(fn):
    """Annotates FunctionDef `fn` (and the functions nested in it) with the names their
    original code binds. Lowering a jump drops the code after it, which can be a function's
    only binding of a name: the name is still local (reading it raises UnboundLocalError), and
    the variables converter keeps it so (also where a binding moved into a body function)."""
    bound, declared = set(), set()
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        t = type(node)
        if t is gast.Name:
            if type(node.ctx) in _BINDING:
                bound.add(node.id)
            continue
        if t not in _LOCALS_LOOKED_AT:
            ast_util.push_children(stack, node)
            continue
        if t in (gast.Global, gast.Nonlocal):
            declared.update(node.names)
            continue
        if t in (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef):
            bound.add(node.name)
            if t is not gast.ClassDef:
                record_locals(node)
            stack.extend(_evaluated_outside(node))
            continue
        if t is gast.Lambda:
            stack.extend(_evaluated_outside(node))
            continue
        if t in _COMPREHENSIONS:
            bound.update(_walrus_targets(node))
            continue
        if t in _NESTED:
            continue
        if t is gast.ExceptHandler and node.name is not None:
            bound.add(node.name.id)
        if t in (gast.Import, gast.ImportFrom):
            bound.update((a.asname or a.name).split('.')[0] for a in node.names)
        ast_util.push_children(stack, node)
    anno.setanno(fn, LOCALS, bound - declared)


def _nonempty(stmts, at):
    """`stmts`, or `pass` when lowering left the block empty (a jump was its only statement)."""
    if stmts:
        return stmts
    node = gast.Pass()
    ast_util.fill_locations(node, at)
    return [node]


def stop_loop(loop, flag):
    """Makes `loop` also stop when `flag` is set: `while not flag and test`, or the `for`
    loop's extra test (annotation `Basic.EXTRA_LOOP_TEST`, passed to `ag__.for_stmt`)."""
    still = not_(ast_util.name(flag))
    if type(loop) is gast.While:
        test = loop.test
        if type(test) is gast.Constant and test.value is True:
            loop.test = still
        else:
            loop.test = and_(still, test)
        ast_util.fill_locations(loop.test, loop)
    else:
        test = and_(still, anno.getanno(loop, anno.Basic.EXTRA_LOOP_TEST, None))
        ast_util.fill_locations(test, loop)
        anno.setanno(loop, anno.Basic.EXTRA_LOOP_TEST, test)


def assign(name, value):
    return ast_util.make(gast.Assign, targets=[ast_util.name(name, _STORE.__new__(_STORE))],
                         value=value, type_comment=None)


def set_flag(name):
    """`name = True`, marked so that control_flow can drop it where the flag is dead."""
    node = assign(name, ast_util.const(True))
    anno.setanno(node, FLAG, True)
    return node


class JumpLowering:
    """Removes jumps of type `jump` from statement lists (see module docstring).

    Attributes:
      jump: gast.Break, gast.Continue or gast.Return.
      enter_loops: whether jumps inside nested loops are this lowering's (True for return).
      flag: the name of the flag variable, or None while no flag is needed.
    """

    def __init__(self, jump, enter_loops):
        self.jump = jump
        self.enter_loops = enter_loops
        self.flag = None
        self._status = {}

    # -- to override --

    def replacement(self, node):
        """The statements that replace jump `node`."""
        raise NotImplementedError

    def on_loop(self, loop):
        """Called for a loop (whose body was lowered) that contains a jump."""

    # -- analysis --

    def status(self, s):
        key = id(s)
        st = self._status.get(key)
        if st is None:
            st = self._status[key] = self._compute(s)
        return st

    def _compute(self, s):
        t = type(s)
        if t is self.jump:
            return ALWAYS
        if t is gast.If:
            b, o = self.block_status(s.body), self.block_status(s.orelse)
            if b == ALWAYS and o == ALWAYS:
                return ALWAYS
            return MAYBE if (b or o) else NEVER
        if t in _LOOPS:
            if not self.enter_loops:
                return NEVER
            if not (self.block_status(s.body) or self.block_status(s.orelse)):
                return NEVER
            if t is gast.While and type(s.test) is gast.Constant and s.test.value is True:
                return ALWAYS   # `while True:` without break only ends by jumping out
            return MAYBE
        if t is gast.With:
            # Its context manager may suppress an exception raised before the jump, and then
            # the statement completes: a body that always jumps only maybe does.
            return MAYBE if self.block_status(s.body) else NEVER
        if t in _TRY:
            final = self.block_status(s.finalbody)
            if final == ALWAYS:
                return ALWAYS
            body = self.block_status(s.body)
            orelse = self.block_status(s.orelse) if body != ALWAYS else NEVER
            handlers = [self.block_status(h.body) for h in s.handlers]
            # Completing normally means the body jumped or the `else:` clause (which only
            # runs after a body that did not jump) did; otherwise a handler ran.
            if ALWAYS in (body, orelse) and all(h == ALWAYS for h in handlers):
                return ALWAYS
            if body or orelse or any(handlers) or final:
                return MAYBE
            return NEVER
        return NEVER

    def block_status(self, stmts):
        result = NEVER
        for s in stmts:
            st = self.status(s)
            if st == ALWAYS:
                return ALWAYS
            if st == MAYBE:
                result = MAYBE
        return result

    def needs_flag(self, stmts):
        """Whether lowering `stmts` needs a flag (a guard, or a loop that must stop)."""
        for i, s in enumerate(stmts):
            st = self.status(s)
            if st == NEVER:
                continue
            t = type(s)
            if t is self.jump:
                return False
            rest = stmts[i + 1:]
            if t is gast.If:
                b, o = self.block_status(s.body), self.block_status(s.orelse)
                if b == ALWAYS and o != ALWAYS:
                    return self.needs_flag(s.body) or self.needs_flag(s.orelse + rest)
                if o == ALWAYS and b != ALWAYS:
                    return self.needs_flag(s.body + rest) or self.needs_flag(s.orelse)
                if self.needs_flag(s.body) or self.needs_flag(s.orelse):
                    return True
            elif t in _LOOPS:
                return True
            elif t is gast.With:
                if self.needs_flag(s.body):
                    return True
            elif t in _TRY:
                if any(self.needs_flag(b) for b in self._try_blocks(s)):
                    return True
                if s.orelse and self.block_status(s.body) == MAYBE:
                    return True     # the `else:` clause runs only if the body did not jump
            if st == ALWAYS or not rest:
                return False
            return True
        return False

    @staticmethod
    def _try_blocks(s):
        return [s.body, s.orelse, s.finalbody] + [h.body for h in s.handlers]

    # -- rewriting --

    def guard(self, stmts):
        return ast_util.make(gast.If, test=not_(ast_util.name(self.flag)), body=stmts, orelse=[])

    def lower(self, stmts):
        """Returns `stmts` without jumps (nested blocks are rewritten in place)."""
        out = []
        for i, s in enumerate(stmts):
            st = self.status(s)
            if st == NEVER:
                out.append(s)
                continue
            t = type(s)
            if t is self.jump:
                new = self.replacement(s)
                for n in new:
                    ast_util.fill_locations(n, s)
                out.extend(new)
                return out
            rest = stmts[i + 1:]
            if t is gast.If:
                b, o = self.block_status(s.body), self.block_status(s.orelse)
                if b == ALWAYS and o != ALWAYS:
                    out.append(self._if(s, self.lower(s.body), self.lower(s.orelse + rest)))
                    return out
                if o == ALWAYS and b != ALWAYS:
                    out.append(self._if(s, self.lower(s.body + rest), self.lower(s.orelse)))
                    return out
                out.append(self._if(s, self.lower(s.body), self.lower(s.orelse)))
            elif t in _LOOPS:
                s.body = self.lower(s.body)
                s.orelse = self.lower(s.orelse)
                out.extend(self.on_loop(s) or [s])
            elif t is gast.With:
                s.body = _nonempty(self.lower(s.body), s)
                out.append(s)
            elif t in _TRY:
                body = self.block_status(s.body)
                s.body = _nonempty(self.lower(s.body), s)
                if body == ALWAYS:
                    s.orelse = []     # the body always jumps: the `else:` clause never runs
                elif body == MAYBE and s.orelse:
                    g = self.guard(self.lower(s.orelse))
                    ast_util.fill_locations(g, s.orelse[0])
                    s.orelse = [g]
                else:
                    s.orelse = self.lower(s.orelse)
                if s.finalbody:
                    s.finalbody = _nonempty(self.lower(s.finalbody), s)
                for h in s.handlers:
                    h.body = _nonempty(self.lower(h.body), h)
                out.append(s)
            else:
                out.append(s)
            if st == ALWAYS or not rest:
                return out
            g = self.guard(self.lower(rest))
            ast_util.fill_locations(g, rest[0])
            out.append(g)
            return out
        return out

    @staticmethod
    def _if(s, body, orelse):
        if not body:
            if orelse:
                s.test = not_(s.test)
                ast_util.fill_locations(s.test, s)
                body, orelse = orelse, []
            else:
                body = [gast.Pass()]
                ast_util.fill_locations(body[0], s)
        s.body = body
        s.orelse = orelse
        return s

