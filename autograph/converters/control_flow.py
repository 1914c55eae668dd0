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
temporaries stay local to the body function. The analyses (pyct/analysis.py, the state itself
in pyct/staged_state.py) run once, before any rewrite, and every decision is read from their
annotations on the original nodes.

State variables that may be undefined on entry are recorded on the first generated statement
(`Basic.UNDEFINED_HERE` when nothing defines them before, or when the statement assigns them on
every path before reading them so that their incoming value is dead - inside a generated body
such a variable may not be bound at all; `Basic.UNDEFINED_TOP` when only some paths define
them); the variables converter turns them into `x = ag__.Undefined('x')`. Flag
assignments made by the jump converters that turn out dead are dropped here.

Two kinds of state are not passed in and out, because other code can observe them while the
statement runs; the bodies write them in place, as the original does, and the statement lists
them in `in_place=` so that a graph `cond`/`while_loop` can carry them:

  - variables that a nested function or lambda reads or assigns (`fscope.captured`) and names
    the function declares `nonlocal`: every body that assigns one declares it `nonlocal`, so
    a closure called in (or created by) the body sees the same variable as in the original;
  - attributes and items with a static key (`self.x`, `a.b[0]`, `d['k']`, `a[i]` when `i` is
    not assigned by the statement) on an object the statement does not rebind.

    if x > 0:                      def if_true():
        self.total += x    ->          self.total += x
                                   ag__.if_stmt(x > 0, if_true, None, (), (),
                                                in_place=('self.total',))

On Python values the helpers ignore `in_place` (the code runs exactly as written). Attribute
and item writes that no static name can follow (`a[i] = v` inside a loop over `i`,
`f().x = v`) are listed in `untracked=` with their line, and are an error in graph mode.
Writes into objects the statement (re)binds (`row = [0, 0]; row[i] = v`) are neither.
"""
import gast

from autograph.pyct import activity
from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import ast_util
from autograph.pyct import jumps
from autograph.pyct import reaching_definitions
from autograph.pyct import staged_state
from autograph.pyct import templates
from autograph.pyct import transformer

STATE = anno.Key.STATE
IN_PLACE = anno.Key.IN_PLACE
_NO_IN_PLACE = staged_state.NO_IN_PLACE
_LOAD = gast.Load
_PARAM = gast.Param


def _mk(cls, fields, loc):
    """A new `cls` node with `fields` and the location `loc` (the node gast's constructor and
    `fill_locations` would make, without their per-field calls)."""
    node = cls.__new__(cls)
    if loc:
        fields.update(loc)
    node.__dict__ = fields      # (a new dict from each caller)
    return node


def _located(node, at):
    """`node`, given the location of `at` where it has none (as fill_locations would)."""
    if 'lineno' not in node.__dict__:
        ast_util.fill_locations(node, at)
    return node


def _def(name, params, body, loc):
    args = _mk(gast.arguments, {
        'args': [_mk(gast.Name, {'id': p, 'ctx': _PARAM.__new__(_PARAM), 'annotation': None,
                                 'type_comment': None}, loc) for p in params],
        'posonlyargs': [], 'vararg': None, 'kwonlyargs': [], 'kw_defaults': [], 'kwarg': None,
        'defaults': []}, {})
    fields = {'name': name, 'args': args, 'body': body, 'decorator_list': [], 'returns': None,
              'type_comment': None}
    if 'type_params' in gast.FunctionDef._fields:
        fields['type_params'] = []
    return _mk(gast.FunctionDef, fields, loc)



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

    # The generated nodes are located at `at` (the statement they replace) as they are built,
    # as `transformer.Base.visit` would locate them afterwards. They are the nodes of these
    # templates, built directly (one call per node instead of one per placeholder):
    #
    #     def fn_name(params):          def fn_name(params):        def fn_name(params):
    #         body                          body                        return test
    #         return state
    #
    #     state_targets = ag__.helper(args..., state, names)     (`ag__.helper(...)` if no state)

    def _function(self, at, name, params, body, state, nonlocals=()):
        if nonlocals:
            body = [gast.Nonlocal(names=list(nonlocals))] + body
        loc = ast_util.location(at)
        body = [_located(s, at) for s in body]
        if state:
            body.append(_mk(gast.Return, {'value': ast_util.value_for(state, at)}, loc))
        elif not body:
            body.append(_mk(gast.Pass, {}, loc))
        fn = _def(name, params, body, loc)
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _test_function(self, at, name, state, test):
        loc = ast_util.location(at)
        fn = _def(name, state, [_mk(gast.Return, {'value': _located(test, at)}, loc)], loc)
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _call(self, at, helper, args, state, in_place):
        loc = ast_util.location(at)
        func = _mk(gast.Attribute, {'value': _mk(gast.Name, {
            'id': 'ag__', 'ctx': _LOAD.__new__(_LOAD), 'annotation': None,
            'type_comment': None}, loc), 'attr': helper, 'ctx': _LOAD.__new__(_LOAD)}, loc)
        args = [_mk(gast.Name, {'id': a, 'ctx': _LOAD.__new__(_LOAD), 'annotation': None,
                                'type_comment': None}, loc) if type(a) is str else _located(a, at)
                for a in args]
        if state:
            args.append(ast_util.names_tuple(state, None, at))
            args.append(ast_util.strings_tuple(state, at))
        else:
            args.append(ast_util.tuple_of([], None, at))
            args.append(ast_util.tuple_of([], None, at))
        keywords = []
        if in_place is not _NO_IN_PLACE:
            if in_place.names:
                keywords.append(gast.keyword(arg='in_place',
                                             value=ast_util.strings_tuple(in_place.names)))
            if in_place.untracked:
                keywords.append(gast.keyword(arg='untracked', value=ast_util.tuple_of(
                    [ast_util.tuple_of([ast_util.const(text), ast_util.const(line)])
                     for text, line in in_place.untracked])))
            ast_util.fill_locations(keywords, at)
        call = _mk(gast.Call, {'func': func, 'args': args, 'keywords': keywords}, loc)
        if state:
            return _mk(gast.Assign, {'targets': [ast_util.targets_for(state, at)], 'value': call,
                                     'type_comment': None}, loc)
        return _mk(gast.Expr, {'value': call}, loc)

    def _mark_undefined(self, node, first, state, shared=()):
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
        if shared and params is None:
            # Variables written in place need a binding in the user's function for the
            # bodies' `nonlocal` (inside a generated body, the enclosing statement made it).
            for name in reaching_definitions.possibly_undefined(defined_in, shared):
                if reaching_definitions.only_undefined(defined_in, name):
                    here.append(name)
                else:
                    top.append(name)
        if here:
            anno.setanno(first, anno.Basic.UNDEFINED_HERE, here)
        if top:
            anno.setanno(first, anno.Basic.UNDEFINED_TOP, top)
        if here or top:
            self.ctx.info['undefined_marked'] = True

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
        in_place = anno.getanno(node, IN_PLACE)
        true_name = self._new('if_true')
        false_name = self._new('if_false') if node.orelse else None
        self._enter(state)
        node = self.generic_visit(node)
        self.scopes.pop()
        out = [self._function(node, true_name, state, node.body, state, in_place.body)]
        if node.orelse:
            out.append(self._function(node, false_name, state, node.orelse, state,
                                      in_place.orelse))
            orelse = ast_util.name(false_name, None, node)
        else:
            orelse = ast_util.const(None, node)
        out.append(self._call(node, 'if_stmt', [node.test, true_name, orelse], state, in_place))
        self._mark_undefined(node, out[0], state, in_place.variables)
        return out

    def visit_While(self, node):
        state = anno.getanno(node, STATE)
        in_place = anno.getanno(node, IN_PLACE)
        test_name = self._new('loop_test')
        body_name = self._new('loop_body')
        self._enter(state)
        node = self.generic_visit(node)
        self.scopes.pop()
        test_fn = self._test_function(node, test_name, state, node.test)
        body_fn = self._function(node, body_name, state, node.body, state, in_place.body)
        call = self._call(node, 'while_stmt', [test_name, body_name], state, in_place)
        _add_loop_options(call, node)
        self._mark_undefined(node, test_fn, state, in_place.variables)
        return [test_fn, body_fn, call]

    def visit_For(self, node):
        state = anno.getanno(node, STATE)
        in_place = anno.getanno(node, IN_PLACE)
        extra = anno.getanno(node, anno.Basic.EXTRA_LOOP_TEST, None)
        extra_name = self._new('extra_test') if extra is not None else None
        body_name = self._new('loop_body')
        target = node.target
        if (type(target) is gast.Name and target.id not in state
                and target.id not in in_place.variables):
            iterate = target.id
        else:
            iterate = self._new('itr')
        self._enter(state + [iterate] + list(anno.getanno(node, activity.TARGET_ACTIVITY).writes))
        node = self.generic_visit(node)
        self.scopes.pop()
        body = node.body
        if iterate != getattr(target, 'id', None):
            unpack = templates.replace('target = iterate', target=target, iterate=iterate)[0]
            ast_util.fill_locations(unpack, target)
            body = [unpack] + body
        out = []
        if extra is not None:
            out.append(self._test_function(node, extra_name, state, extra))
            extra = ast_util.name(extra_name, None, node)
        else:
            extra = ast_util.const(None, node)
        out.append(self._function(node, body_name, [iterate] + state, body, state,
                                  in_place.body))
        out.append(self._call(node, 'for_stmt', [node.iter, extra, body_name], state, in_place))
        _add_loop_options(out[-1], node)
        self._mark_undefined(node, out[0], state, in_place.variables)
        return out


def _add_loop_options(stmt, loop):
    # The options of `ag.set_loop_options(...)` at the top of the loop body: a lazy
    # `ag__.LoopOptions(...)` expression (converters/loop_options.py).
    opts = anno.getanno(loop, anno.Key.LOOP_OPTIONS, None)
    if opts is not None:
        call = stmt.value if type(stmt) is gast.Assign or type(stmt) is gast.Expr else stmt
        call.keywords.append(gast.keyword(arg='opts', value=opts))
        ast_util.fill_locations(call.keywords[-1], loop)


def transform(node, ctx):
    ctx.info['staged'] = type(node) is not gast.Lambda and ctx.has_nodes(gast.If, gast.While,
                                                                          gast.For)
    ctx.info['undefined_marked'] = False    # (the variables converter skips what is unmarked)
    if not ctx.info['staged']:
        return node
    # (No converter before this one makes a def: without a nested one, it is the only one.)
    analysis.analyze(node, lines=ctx.lines, staged_state=True,
                     functions=None if ctx.has_nodes(gast.FunctionDef) else [node])
    return ControlFlowTransformer(ctx).visit(node)
