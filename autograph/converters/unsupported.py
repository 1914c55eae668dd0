"""Checks that a function can be converted, before anything is rewritten.

Rejects, with the user's file:line and what to do:
  - generators (`yield`) and coroutines (`async def`, `await`, `async for/with`) - a nested
    generator or coroutine function is left unconverted instead (it runs as plain Python);
  - assignments to names declared `global` (the converted statement bodies are functions of
    their own, where the write would not reach the global);
  - assignment expressions (`:=`) where conversion would move them into a function of their
    own (loop tests, `and`/`or` operands, conditional expressions, chained comparisons,
    assert messages);
  - `match` statements;
  - calls that read the calling frame: `eval(s)` / `exec(s)` without a globals argument,
    `locals()`, `vars()` and `dir()` without arguments (unless the function binds that name
    itself). Conversion changes the frame they would read: statement bodies become functions
    of their own, which see only the variables they use, plus generated names. Calls with
    explicit namespaces (`eval(s, globals(), {'x': x})`) are fine.
"""
import gast

from autograph.pyct import anno
from autograph.pyct import transformer

_ASYNC = (gast.AsyncFunctionDef, gast.AsyncFor, gast.AsyncWith, gast.Await)


# Builtins that read their caller's frame, and how many positional arguments make them not.
_FRAME_READERS = {'eval': 2, 'exec': 2, 'locals': 1, 'vars': 1, 'dir': 1}


class _Frame:
    __slots__ = ('node', 'generator', 'globals', 'stores', 'frame_reads')

    def __init__(self, node):
        self.node = node
        self.generator = None
        self.globals = {}
        self.stores = {}
        self.frame_reads = []


class FunctionTransformer(transformer.Base):
    """Validates the entity; marks nested generator functions to be left as they are."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.frames = []
        self.types = set()      # node types seen: later converters skip what is absent
        self.chained = False    # a chained comparison (`a < b < c`) seen

    def _name(self, node):
        return getattr(node, 'name', None) or '<lambda>'

    def check_function(self, node, top, thunked=0):
        # Defaults and annotations are evaluated where the function or lambda is defined
        # (`thunked` there), and converted with the rest: every part is checked, so that the
        # node types converters look for include theirs.
        args = node.args
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.check(d, thunked)
        if type(node) is not gast.Lambda:
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    self.check(a.annotation, thunked)
            if node.returns is not None:
                self.check(node.returns, thunked)
        frame = _Frame(node)
        self.frames.append(frame)
        if type(node) is gast.Lambda:
            self.check(node.body, 0)
        else:
            for s in node.body:
                self.check(s, 0)
        self.frames.pop()
        if frame.generator is None and frame.frame_reads:
            self._refuse_frame_reads(node, frame)
        if frame.generator is not None:
            if top:
                raise self.ctx.error(
                    frame.generator, "cannot convert '%s': generator functions (yield) are not "
                    'supported' % self._name(node), construct='yield',
                    hint="return a list instead, or decorate '%s' with @ag.do_not_convert"
                    % self._name(node))
            anno.setanno(node, anno.Basic.SKIP, True)
            return
        for name in frame.globals:
            if name in frame.stores:
                raise self.ctx.error(
                    frame.stores[name], "cannot convert '%s': it assigns the global variable "
                    "'%s'" % (self._name(node), name), construct='global',
                    hint="return the new value and assign it outside, keep it in an object "
                    "(e.g. an ag.Variable or a dict), or decorate '%s' with @ag.do_not_convert"
                    % self._name(node))

    def _refuse_frame_reads(self, node, frame):
        args = node.args
        bound = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        bound.update(a.id for a in (args.vararg, args.kwarg) if a is not None)
        for call in frame.frame_reads:
            name = call.func.id
            if name in frame.stores or name in bound:
                continue     # the function's own `eval`/`locals`/...
            what = ('%s() without a globals argument' % name if _FRAME_READERS[name] == 2
                    else '%s() without arguments' % name)
            raise self.ctx.error(
                call, "cannot convert '%s': it calls %s, which reads the calling function's "
                'variables; in converted code the bodies of if/while/for become functions of '
                'their own, so it would see generated names and miss variables'
                % (self._name(node), what), construct=name,
                hint="pass the namespaces explicitly (eval(s, globals(), {'x': x})), or "
                "decorate '%s' with @ag.do_not_convert" % self._name(node))

    def check(self, node, thunked):
        t = type(node)
        self.types.add(t)
        if t is gast.Name:
            if type(node.ctx) is not gast.Load:
                self.frames[-1].stores.setdefault(node.id, node)
            return
        if t in _LOOKED_AT:
            self._check(node, t, thunked)
            return
        # Any other node: recorded and walked; children without fields (contexts, operators)
        # are only recorded.
        types = self.types
        d = node.__dict__
        for f in t._fields:
            v = d.get(f)
            if type(v) is list:
                for x in v:
                    if isinstance(x, gast.AST):
                        if x._fields:
                            self.check(x, thunked)
                        else:
                            types.add(type(x))
            elif isinstance(v, gast.AST):
                if v._fields:
                    self.check(v, thunked)
                else:
                    types.add(type(v))

    def _check(self, node, t, thunked):
        if t is gast.Call:
            func = node.func
            if type(func) is gast.Name and func.id in _FRAME_READERS \
                    and len(node.args) < _FRAME_READERS[func.id] \
                    and not any(type(a) is gast.Starred for a in node.args) \
                    and not any(k.arg in ('globals', None) for k in node.keywords):
                self.frames[-1].frame_reads.append(node)
        if t is gast.Yield or t is gast.YieldFrom:
            if self.frames[-1].generator is None:
                self.frames[-1].generator = node
            return
        if t is gast.AsyncFunctionDef:
            # A coroutine defined inside the function is left as it is (it runs as Python).
            anno.setanno(node, anno.Basic.SKIP, True)
            self.frames[-1].stores.setdefault(node.name, node)
            return
        if t in _ASYNC:
            raise self.ctx.error(node, 'cannot convert async code (%s): coroutines are not '
                                 'supported' % t.__name__, construct='async',
                                 hint='call it outside the converted function, or decorate it '
                                 'with @ag.do_not_convert')
        if t is getattr(gast, 'Match', None):
            raise self.ctx.error(node, 'cannot convert a match statement', construct='match',
                                 hint='rewrite it with if/elif/else')
        if t is gast.NamedExpr and thunked:
            raise self.ctx.error(node, 'cannot convert an assignment expression (:=) inside a '
                                 'loop condition, and/or, a conditional expression, a chained '
                                 'comparison or an assert message', construct='walrus',
                                 hint='assign the value on a line of its own before')
        if t is gast.FunctionDef or t is gast.Lambda:
            self.check_function(node, False, thunked)
            if t is gast.FunctionDef:
                self.frames[-1].stores.setdefault(node.name, node)
                for d in node.decorator_list:
                    self.check(d, thunked)
            return
        if t is gast.ClassDef:
            self.frames[-1].stores.setdefault(node.name, node)
            return
        if t is gast.Global:
            for n in node.names:
                self.frames[-1].globals[n] = node
            return
        if t is gast.Name:
            if type(node.ctx) is not gast.Load:
                self.frames[-1].stores.setdefault(node.id, node)
            return
        if t is gast.Constant:
            return
        if t is gast.Compare and len(node.ops) > 1:
            self.chained = True
        # Parts of statements that conversion turns into functions or lambdas.
        d = node.__dict__
        for f in t._fields:
            v = d.get(f)
            inner = thunked
            if ((t is gast.While and f == 'test') or t is gast.BoolOp
                    or (t is gast.IfExp and f != 'test') or (t is gast.Assert and f == 'msg')
                    or (t is gast.Compare and len(node.ops) > 1)):
                inner = 1
            if type(v) is list:
                for x in v:
                    if isinstance(x, gast.AST):
                        self.check(x, inner)
            elif isinstance(v, gast.AST):
                self.check(v, inner)


# The node types `FunctionTransformer._check` looks at (the others are only walked).
_LOOKED_AT = frozenset(t for t in (
    gast.Call, gast.Yield, gast.YieldFrom, gast.AsyncFunctionDef, getattr(gast, 'Match', None),
    gast.NamedExpr, gast.FunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Name,
    gast.Constant, gast.Compare, gast.While, gast.BoolOp, gast.IfExp, gast.Assert) + _ASYNC
    if t is not None)


# What makes the check walk the function: the node types it refuses or marks to be left
# as they are (and the code around which it must look at: nested functions, lambdas and
# classes, `global`), and calls of the frame readers.
_WALK_FOR = frozenset(t for t in (
    gast.Yield, gast.YieldFrom, getattr(gast, 'Match', None), gast.NamedExpr, gast.FunctionDef,
    gast.Lambda, gast.ClassDef, gast.Global) + _ASYNC if t is not None)


# What binds names other than a stored name of the function's own scope (or stores names of
# another scope): comprehensions, imports, `except ... as`, `nonlocal`.
_OTHER_BINDINGS = frozenset(t for t in (
    gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.Import, gast.ImportFrom,
    gast.Try, getattr(gast, 'TryStar', None), gast.Nonlocal) if t is not None)


def transform(node, ctx):
    if type(node) is gast.AsyncFunctionDef:
        raise ctx.error(node, "cannot convert '%s': coroutines (async def) are not supported"
                        % node.name, construct='async',
                        hint="call it as it is, or decorate it with @ag.do_not_convert")
    # The node types the conversion to gast saw (gast_util.ast_to_gast): without any the check
    # looks at, nor a call of a frame reader, there is nothing to refuse, and they are the
    # types the walk would record (and those of the decorators, which are dropped: converters
    # may run for nothing, never skip).
    recorded = anno.getanno(node, anno.Key.NODE_TYPES, None)
    if recorded is not None:
        anno.delanno(node, anno.Key.NODE_TYPES)     # (the tree changes from here on)
        types = set(recorded.classes[1:])           # (the function's own class comes first)
        if types.isdisjoint(_WALK_FOR) and _FRAME_READERS.keys().isdisjoint(recorded.called):
            ctx.info['node_types'] = types
            ctx.info['chained_comparisons'] = recorded.chained
            ctx.info['return_count'] = recorded.classes.count(gast.Return)
            ctx.info['loop_else'] = recorded.loop_else
            if types.isdisjoint(_OTHER_BINDINGS):
                # The names the function's code binds are the names it stores or deletes
                # (what jumps.record_locals would find: try_statements records them).
                ctx.info['original_locals'] = set(recorded.bound)
            return node
    checker = FunctionTransformer(ctx)
    checker.check_function(node, True)
    ctx.info['node_types'] = checker.types
    ctx.info['chained_comparisons'] = checker.chained
    return node
