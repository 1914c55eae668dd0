"""Rewrites if/while/for into calls of `ag__.if_stmt`, `ag__.while_stmt`, `ag__.for_stmt`.

Bodies become nested functions that take the variables they modify and return them
(functional state passing); variables they only read are closed over:

    if x > 0:                      def if_true(x):
        x = x * x                      x = x * x
    else:                   ->         return x
        x = 0.0                    def if_false(x):
                                       x = 0.0
                                       return x
                                   x = ag__.if_stmt(x > 0, if_true, if_false, (x,), ('x',))

The state of a statement is the variables it modifies that are live afterwards, read by the
next iteration or the loop test, or read inside the body before being written; dead
temporaries stay local to the body function. The analyses run once, before any rewrite, and
every decision is read from their annotations on the original nodes.

State variables that may be undefined on entry are recorded on the first generated statement
(`Basic.UNDEFINED_HERE` when nothing defines them before, or when the statement assigns them on
every path before reading them so that their incoming value is dead - inside a generated body
such a variable may not be bound at all; `Basic.UNDEFINED_TOP` when only some paths define
them); the variables converter turns them into `x = ag__.Undefined('x')`. Flag
assignments made by the jump converters that turn out dead are dropped here.
"""
import re

import gast

from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import liveness
from autograph.pyct import parser
from autograph.pyct import reaching_definitions
from autograph.pyct import templates
from autograph.pyct import transformer

STATE = 'state'
COMPOSITES = 'composite_state'
_EMPTY = frozenset()
_BLOCK_FIELDS = ('body', 'orelse', 'finalbody')
_BODY_WITH_STATE = '''
def fn_name(params):
    body
    return state
'''
_BODY = '''
def fn_name(params):
    body
'''
_TEST = '''
def fn_name(params):
    body
    return test
'''


def _block_live_in(stmts, default):
    if stmts:
        return anno.getanno(stmts[0], anno.Static.LIVE_IN, default)
    return default


def _state(node):
    """The state of a staged statement, from the activity and liveness annotations."""
    t = type(node)
    body_mod = anno.getanno(node, anno.Static.BODY_SCOPE).modified
    if t is gast.If:
        after = anno.getanno(node, anno.Static.LIVE_OUT, _EMPTY)
        orelse_mod = anno.getanno(node, anno.Static.ORELSE_SCOPE).modified
        body_in = _block_live_in(node.body, after)
        orelse_in = _block_live_in(node.orelse, after)
        # Passed in and out: needed afterwards, or read by a branch that also assigns it.
        state = [v for v in body_mod if v in after or v in body_in
                 or (v in orelse_mod and v in orelse_in)]
        state += [v for v in orelse_mod
                  if v not in body_mod and (v in after or v in orelse_in)]
        return state
    head = anno.getanno(node, liveness.LIVE_HEAD, _EMPTY)
    if t is gast.While:
        return [v for v in body_mod if v in head]
    targets = anno.getanno(node, 'target_activity').writes
    state = [v for v in body_mod if v in head and v not in targets]
    return state + [v for v in targets if v in head]


def _composites(node):
    """Attributes and subscripts (`self.x`, `a[0]`) a staged statement passes as state.

    Those an `if`/`while` reads in its test and assigns (never deletes) in its body (the test
    proves they exist whenever the statement runs, so passing them in never raises where the
    original would not), whose object and index expressions it leaves alone. They are passed in and
    out like variables, so that a graph `cond`/`while_loop` selects their values instead of
    both branches (or the single traced iteration) writing them as a side effect. Other
    attribute and item writes stay side effects (see docs: limitations).
    """
    t = type(node)
    if t is gast.For:
        return []
    tested = anno.getanno(node, anno.Static.COND_SCOPE).composite_read
    if not tested:
        return []
    modified, deleted, simple = {}, set(), set()
    for key in (anno.Static.BODY_SCOPE, anno.Static.ORELSE_SCOPE):
        scope = anno.getanno(node, key)
        modified.update(scope.composite_modified)
        deleted.update(scope.composite_deleted)
        simple.update(scope.modified)
    return [name for name, qn in modified.items()
            if name in tested and name not in deleted and not qn.support_set & simple]


def _annotate_states(fn):
    """Records each staged statement's state; from there on, its state counts as defined."""
    stack = list(fn.body)
    while stack:
        s = stack.pop()
        t = type(s)
        if t is gast.If or t is gast.While or t is gast.For:
            state = _state(s)
            anno.setanno(s, STATE, state)
            anno.setanno(s, COMPOSITES, _composites(s))
            anno.getanno(s, anno.Static.CFG_NODE).defs = tuple(state)
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            continue
        for f in _BLOCK_FIELDS:
            stack.extend(getattr(s, f, ()))
        for h in getattr(s, 'handlers', ()):
            stack.extend(h.body)


class ControlFlowTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        # Names bound as parameters of the generated function being built (None: a user
        # function's own scope).
        self.scopes = []

    def _enter(self, names):
        self.scopes.append(frozenset(names) if names is not None else None)

    def visit_FunctionDef(self, node):
        self._enter(None)
        node = self.generic_visit(node)
        self.scopes.pop()
        return node

    # -- helpers --

    def _exprs(self, state, comps, ctx_cls=None):
        """Expressions for state variables and composites (`x`, `self.y`)."""
        out = [ast_util.name(v, ctx_cls() if ctx_cls else None) for v in state]
        for name, _ in comps:
            e = parser.parse_expression(name)
            if ctx_cls is not None:
                ast_util.set_ctx(e, ctx_cls)
            out.append(e)
        return out

    def _prologue(self, comps):
        """`self.y = self_y`: a body starts from the composite values it was given."""
        return [templates.replace('target = param', target=parser.parse_expression(name),
                                  param=param)[0] for name, param in comps]

    def _function(self, name, params, body, state, comps=()):
        outputs = self._exprs(state, comps)
        body = self._prologue(comps) + body
        params = list(params) + [p for _, p in comps]
        if outputs:
            value = outputs[0] if len(outputs) == 1 else ast_util.tuple_of(outputs)
            fn = templates.replace(_BODY_WITH_STATE, fn_name=name, params=params, body=body,
                                   state=value)[0]
        else:
            fn = templates.replace(_BODY, fn_name=name, params=params,
                                   body=body or [gast.Pass()])[0]
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _test_function(self, name, state, test, comps=()):
        fn = templates.replace(_TEST, fn_name=name, params=list(state) + [p for _, p in comps],
                               body=self._prologue(comps), test=test)[0]
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _call(self, template, state, comps=(), **kwargs):
        if state or comps:
            targets = self._exprs(state, comps, gast.Store)
            if len(targets) == 1:
                target = targets[0]
            else:
                target = ast_util.tuple_of(targets, gast.Store())
            names = ast_util.strings_tuple(list(state) + [n for n, _ in comps])
            return templates.replace('state_targets = ' + template, state_targets=target,
                                     state=ast_util.tuple_of(self._exprs(state, comps)),
                                     names=names, **kwargs)[0]
        return templates.replace(template, state=ast_util.tuple_of([]),
                                 names=ast_util.tuple_of([]), **kwargs)[0]

    def _comps(self, node):
        """(source, parameter name) of the composites a statement passes as state."""
        out = []
        for name in anno.getanno(node, COMPOSITES, ()):
            param = re.sub(r'\W+', '_', name).strip('_') or 'composite'
            out.append((name, self._new(param)))
        return out

    def _mark_undefined(self, node, first, state):
        defined_in = anno.getanno(node, anno.Static.DEFINED_IN, None)
        if defined_in is None:
            return
        live_in = anno.getanno(node, anno.Static.LIVE_IN, ())
        params = self.scopes[-1] if self.scopes else None
        here, top = [], []
        maybe = reaching_definitions.possibly_undefined(defined_in, state)
        for name in state:
            if name not in live_in and params is not None and name not in params:
                # Every path through the statement assigns it before any read: its incoming
                # value is dead, and in this generated body it may not even be bound.
                here.append(name)
            elif name in maybe:
                if reaching_definitions.only_undefined(defined_in, name):
                    here.append(name)
                else:
                    top.append(name)
        if here:
            anno.setanno(first, anno.Basic.UNDEFINED_HERE, here)
        if top:
            anno.setanno(first, anno.Basic.UNDEFINED_TOP, top)

    def _new(self, base):
        return self.ctx.namer.new_symbol(base)

    # -- statements --

    def visit_Assign(self, node):
        if anno.hasanno(node, jumps.FLAG):
            if node.targets[0].id not in anno.getanno(node, anno.Static.LIVE_OUT, ()):
                return None       # a flag nothing reads any more
        return node

    def generic_visit(self, node):
        node = super().generic_visit(node)
        t = type(node)
        if (t is gast.With or t is gast.FunctionDef or t is gast.ExceptHandler
                or t is gast.Try) and not node.body:
            node.body = [ast_util.copy_location(gast.Pass(), node)]
        return node

    def visit_If(self, node):
        state = anno.getanno(node, STATE)
        true_name = self._new('if_true')
        false_name = self._new('if_false') if node.orelse else None
        comps = self._comps(node)
        self._enter(state)
        node = self.generic_visit(node)
        self.scopes.pop()
        out = [self._function(true_name, state, node.body, state, comps)]
        if node.orelse:
            out.append(self._function(false_name, state, node.orelse, state, comps))
            orelse = ast_util.name(false_name)
        else:
            orelse = ast_util.const(None)
        out.append(self._call('ag__.if_stmt(test, body, orelse, state, names)', state, comps,
                              test=node.test, body=true_name, orelse=orelse))
        self._mark_undefined(node, out[0], state)
        return out

    def visit_While(self, node):
        state = anno.getanno(node, STATE)
        test_name = self._new('loop_test')
        body_name = self._new('loop_body')
        comps = self._comps(node)
        self._enter(state)
        node = self.generic_visit(node)
        self.scopes.pop()
        test_fn = self._test_function(test_name, state, node.test, comps)
        body_fn = self._function(body_name, state, node.body, state, comps)
        call = self._call('ag__.while_stmt(test, body, state, names)', state, comps,
                          test=test_name, body=body_name)
        self._mark_undefined(node, test_fn, state)
        return [test_fn, body_fn, call]

    def visit_For(self, node):
        state = anno.getanno(node, STATE)
        extra = anno.getanno(node, anno.Basic.EXTRA_LOOP_TEST, None)
        extra_name = self._new('extra_test') if extra is not None else None
        body_name = self._new('loop_body')
        comps = self._comps(node)
        target = node.target
        if type(target) is gast.Name and target.id not in state:
            iterate = target.id
        else:
            iterate = self._new('itr')
        self._enter(state + [iterate] + list(anno.getanno(node, 'target_activity').writes))
        node = self.generic_visit(node)
        self.scopes.pop()
        body = node.body
        if iterate != getattr(target, 'id', None):
            unpack = templates.replace('target = iterate', target=target, iterate=iterate)[0]
            ast_util.fill_locations(unpack, target)
            body = [unpack] + body
        out = []
        if extra is not None:
            out.append(self._test_function(extra_name, state, extra, comps))
            extra = ast_util.name(extra_name)
        else:
            extra = ast_util.const(None)
        out.append(self._function(body_name, [iterate] + state, body, state, comps))
        out.append(self._call('ag__.for_stmt(iterable, extra_test, body, state, names)', state,
                              comps, iterable=node.iter, extra_test=extra, body=body_name))
        self._mark_undefined(node, out[0], state)
        return out


def transform(node, ctx):
    ctx.info['staged'] = type(node) is not gast.Lambda and ctx.has_nodes(gast.If, gast.While,
                                                                          gast.For)
    if not ctx.info['staged']:
        return node
    analysis.analyze(node, after_liveness=_annotate_states)
    return ControlFlowTransformer(ctx).visit(node)
