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
from autograph.pyct import liveness
from autograph.pyct import parser
from autograph.pyct import reaching_definitions
from autograph.pyct import templates
from autograph.pyct import transformer

STATE = 'state'
IN_PLACE = 'in_place_state'
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
    return test
'''


class InPlace:
    """What a staged statement's bodies write in place (see the module docstring).

    Attributes:
      variables: names of captured/nonlocal variables the statement assigns (ordered).
      composites: source forms of the attributes/items it tracks (`'self.x'`, `"d['k']"`).
      untracked: (source form, line) of the attribute/item writes it cannot track.
      body, orelse: the `variables` each block assigns (its function declares them nonlocal).
    """

    __slots__ = ('variables', 'composites', 'untracked', 'body', 'orelse')

    def __init__(self, variables, composites, untracked, body, orelse):
        self.variables = variables
        self.composites = composites
        self.untracked = untracked
        self.body = body
        self.orelse = orelse

    @property
    def names(self):
        return self.variables + self.composites


_NO_IN_PLACE = InPlace([], [], [], [], [])


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


def _root_name(node):
    """The name an attribute/item target hangs off (`a` for `a.b[i + 1]`), or None."""
    while True:
        t = type(node)
        if t is gast.Attribute or t is gast.Subscript:
            node = node.value
        elif t is gast.Name:
            return node.id
        else:
            return None


def _source(node, lines):
    """The user's text of a (single-line) target, else the target unparsed."""
    d = node.__dict__
    line = d.get('lineno')
    if lines and line and line == d.get('end_lineno') and 0 < line <= len(lines):
        text = lines[line - 1].encode('utf-8')[d['col_offset']:d['end_col_offset']]
        return text.decode('utf-8', 'replace')
    return parser.unparse(node).strip()


def _in_place(node, state, shared, lines):
    """Splits off the state written in place; returns (state, InPlace)."""
    t = type(node)
    body = anno.getanno(node, anno.Static.BODY_SCOPE)
    orelse = anno.getanno(node, anno.Static.ORELSE_SCOPE, None) if t is gast.If else None
    target = anno.getanno(node, 'target_activity') if t is gast.For else None
    variables = [v for v in state if v in shared] if shared else []
    if not (variables or body.write_nodes or (orelse is not None and orelse.write_nodes)
            or (target is not None and target.wnodes)):
        return state, _NO_IN_PLACE      # the common case: nothing written in place
    if variables:
        state = [v for v in state if v not in shared]
    blocks = [b for b in (body, orelse, target) if b is not None]
    simple = set(body.modified)
    if orelse is not None:
        simple.update(orelse.modified)
    if target is not None:
        simple.update(target.writes)
    modified, nodes = {}, {}
    for b in blocks:
        if t is gast.For and b is target:
            modified.update(b.cwrites)
            wn = b.wnodes
        else:
            modified.update(b.composite_modified)
            wn = b.write_nodes
        for k, v in (wn or {}).items():
            nodes.setdefault(k, v)
    composites, untracked = [], []
    for key, n in nodes.items():
        qn = modified.get(key) if type(key) is str else None
        if qn is None:
            # No static name: `a[i + 1] = v`, `f().x = v`.
            if _root_name(n) not in simple:
                untracked.append((_source(n, lines), n.lineno))
            continue
        if str(qn.root) in simple:
            continue        # an object the statement binds itself (`row = []; row[0] = v`)
        parent, rebound = qn.parent, False
        while parent is not None and not parent.is_simple:
            if str(parent) in modified:
                rebound = True  # written into whatever the statement assigns to the parent
                break
            parent = parent.parent
        if rebound:
            continue
        if qn.support_set & simple:
            untracked.append((key, n.lineno))   # an index the statement changes (`a[i]`)
            continue
        composites.append(key)
    if not variables and not composites and not untracked:
        return state, _NO_IN_PLACE
    body_vars, orelse_vars = [], []
    if variables:
        wanted = frozenset(variables)
        direct = set()
        if target is not None:
            direct.update(v for v in target.writes if v in wanted)
        _direct_writes(node.body, wanted, direct)
        body_vars = [v for v in variables if v in direct]
        if orelse is not None:
            direct = set()
            _direct_writes(node.orelse, wanted, direct)
            orelse_vars = [v for v in variables if v in direct]
    return state, InPlace(variables, composites, untracked, body_vars, orelse_vars)


def _direct_writes(stmts, names, out):
    """Adds to `out` the `names` that `stmts` assign outside nested staged statements (those
    become functions of their own, which declare what they assign `nonlocal` themselves)."""
    for s in stmts:
        t = type(s)
        if t is gast.If or t is gast.While or t is gast.For:
            # Only the test of an `if` and the iterable of a `for` run here: a walrus in them
            # (`if (y := f()) > 0:`) assigns in this function.
            head = s.test if t is gast.If else s.iter if t is gast.For else None
            if head is not None:
                out.update(n.target.id for n in gast.walk(head)
                           if type(n) is gast.NamedExpr and type(n.target) is gast.Name
                           and n.target.id in names)
            continue
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            if s.name in names:
                out.add(s.name)
            continue
        act = anno.getanno(s, activity.ACTIVITY, None)
        if act is not None:
            out.update(w for w in act.writes if w in names)
        for f in _BLOCK_FIELDS:
            _direct_writes(getattr(s, f, ()), names, out)
        for h in getattr(s, 'handlers', ()):
            act = anno.getanno(h, activity.ACTIVITY, None)
            if act is not None:
                out.update(w for w in act.writes if w in names)
            _direct_writes(h.body, names, out)


_TRY = (gast.Try,) + ((gast.TryStar,) if hasattr(gast, 'TryStar') else ())


def _annotate_states(fn, lines=None):
    """Records each staged statement's state; from there on, its state counts as defined."""
    fscope = anno.getanno(fn, anno.Static.SCOPE)
    shared = fscope.captured
    if fscope.nonlocals:
        shared = dict(shared)
        shared.update(fscope.nonlocals)
    # A statement inside a `try` that catches or cleans up (`except`/`finally:`) writes its
    # variables in place: an exception that leaves a branch or loop body midway must leave
    # what the body already assigned, as Python does, for the handler or clause to see.
    stack = [(s, False) for s in fn.body]
    while stack:
        s, in_try = stack.pop()
        t = type(s)
        if t is gast.If or t is gast.While or t is gast.For:
            state = _state(s)
            here = shared
            if in_try and state:
                here = dict(shared)
                here.update((v, None) for v in state)
            state, in_place = _in_place(s, state, here, lines)
            anno.setanno(s, STATE, state)
            anno.setanno(s, IN_PLACE, in_place)
            anno.getanno(s, anno.Static.CFG_NODE).defs = tuple(state) + tuple(
                in_place.variables)
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            continue
        if t in _TRY:
            caught = in_try or bool(s.handlers) or bool(s.finalbody)
            cleaned = in_try or bool(s.finalbody)
            stack.extend((x, caught) for x in s.body)
            stack.extend((x, cleaned) for x in s.orelse)
            stack.extend((x, in_try) for x in s.finalbody)
            for h in s.handlers:
                stack.extend((x, cleaned) for x in h.body)
            continue
        for f in _BLOCK_FIELDS:
            stack.extend((x, in_try) for x in getattr(s, f, ()))
        for h in getattr(s, 'handlers', ()):
            stack.extend((x, in_try) for x in h.body)


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

    def _function(self, name, params, body, state, nonlocals=()):
        if nonlocals:
            body = [gast.Nonlocal(names=list(nonlocals))] + body
        if state:
            fn = templates.replace(_BODY_WITH_STATE, fn_name=name, params=list(params),
                                   body=body, state=ast_util.value_for(state))[0]
        else:
            fn = templates.replace(_BODY, fn_name=name, params=list(params),
                                   body=body or [gast.Pass()])[0]
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _test_function(self, name, state, test):
        fn = templates.replace(_TEST, fn_name=name, params=list(state), test=test)[0]
        anno.setanno(fn, anno.Basic.GENERATED, True)
        return fn

    def _call(self, template, state, in_place, **kwargs):
        if state:
            stmt = templates.replace('state_targets = ' + template,
                                     state_targets=ast_util.targets_for(state),
                                     state=ast_util.names_tuple(state),
                                     names=ast_util.strings_tuple(state), **kwargs)[0]
        else:
            stmt = templates.replace(template, state=ast_util.tuple_of([]),
                                     names=ast_util.tuple_of([]), **kwargs)[0]
        if in_place is not _NO_IN_PLACE:
            keywords = stmt.value.keywords
            if in_place.names:
                keywords.append(gast.keyword(arg='in_place',
                                             value=ast_util.strings_tuple(in_place.names)))
            if in_place.untracked:
                keywords.append(gast.keyword(arg='untracked', value=ast_util.tuple_of(
                    [ast_util.tuple_of([ast_util.const(text), ast_util.const(line)])
                     for text, line in in_place.untracked])))
        return stmt

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
        out = [self._function(true_name, state, node.body, state, in_place.body)]
        if node.orelse:
            out.append(self._function(false_name, state, node.orelse, state, in_place.orelse))
            orelse = ast_util.name(false_name)
        else:
            orelse = ast_util.const(None)
        out.append(self._call('ag__.if_stmt(test, body, orelse, state, names)', state, in_place,
                              test=node.test, body=true_name, orelse=orelse))
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
        test_fn = self._test_function(test_name, state, node.test)
        body_fn = self._function(body_name, state, node.body, state, in_place.body)
        call = self._call('ag__.while_stmt(test, body, state, names)', state, in_place,
                          test=test_name, body=body_name)
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
            out.append(self._test_function(extra_name, state, extra))
            extra = ast_util.name(extra_name)
        else:
            extra = ast_util.const(None)
        out.append(self._function(body_name, [iterate] + state, body, state, in_place.body))
        out.append(self._call('ag__.for_stmt(iterable, extra_test, body, state, names)', state,
                              in_place, iterable=node.iter, extra_test=extra, body=body_name))
        _add_loop_options(out[-1], node)
        self._mark_undefined(node, out[0], state, in_place.variables)
        return out


def _add_loop_options(stmt, loop):
    # `ag.set_loop_options(...)` lifted from the loop body (converters/loop_options.py).
    opts = anno.getanno(loop, 'loop_options', None)
    if opts is not None:
        call = stmt.value if type(stmt) is gast.Assign or type(stmt) is gast.Expr else stmt
        call.keywords.append(gast.keyword(arg='opts', value=opts))


def transform(node, ctx):
    ctx.info['staged'] = type(node) is not gast.Lambda and ctx.has_nodes(gast.If, gast.While,
                                                                          gast.For)
    if not ctx.info['staged']:
        return node
    analysis.analyze(node, after_liveness=lambda fn: _annotate_states(fn, ctx.lines))
    return ControlFlowTransformer(ctx).visit(node)
