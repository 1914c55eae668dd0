"""Staged-statement state: what each if/while/for passes in and out, and what it writes in place.

An analysis (it annotates, never rewrites): control_flow reads its annotations to build the
bodies' functions. The state of a statement is the variables it modifies that are live
afterwards, read by the next iteration or the loop test, or read inside the body before being
written (dead temporaries stay local to the body function). Variables that closures can see,
`nonlocal` names, attribute/item writes with a static key and, inside a `try` with
`except`/`finally:` or inside a `with`, the statement's own variables are written in place
instead (see converters/control_flow.py for what the generated code does with each).

`dump(fn)` shows the result as text, one line per statement:

    L3 while: state=(i, s) in_place=() untracked=()
"""
import gast

from autograph.pyct import activity
from autograph.pyct import anno
from autograph.pyct import liveness
from autograph.pyct import parser

STATE = anno.Key.STATE
IN_PLACE = anno.Key.IN_PLACE
_EMPTY = frozenset()
_BLOCK_FIELDS = ('body', 'orelse', 'finalbody')


class InPlace:
    """What a staged statement's bodies write in place (see the module docstring).

    Attributes:
      variables: names of captured/nonlocal variables the statement assigns (ordered).
      composites: source forms of the attributes/items it tracks (`'self.x'`, `"d['k']"`).
      untracked: (source form, line) of the attribute/item writes it cannot track.
      body, orelse: the `variables` each block assigns (its function declares them nonlocal).
    """

    __slots__ = ('variables', 'composites', 'untracked', 'body', 'orelse', 'python_only')

    def __init__(self, variables, composites, untracked, body, orelse, python_only=()):
        self.variables = variables
        self.composites = composites
        self.untracked = untracked
        self.body = body
        self.orelse = orelse
        # Variables written in place only for an exception that a handler or `with` catches
        # (dead on the normal path): not carried by a graph `cond`/`while_loop`.
        self.python_only = python_only

    @property
    def names(self):
        if self.python_only:
            return [v for v in self.variables if v not in self.python_only] + self.composites
        return self.variables + self.composites


NO_IN_PLACE = InPlace([], [], [], [], [])


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
    targets = anno.getanno(node, activity.TARGET_ACTIVITY).writes
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
    target = anno.getanno(node, activity.TARGET_ACTIVITY) if t is gast.For else None
    variables = [v for v in state if v in shared] if shared else []
    if not (variables or body.write_nodes or (orelse is not None and orelse.write_nodes)
            or (target is not None and target.wnodes)):
        return state, NO_IN_PLACE      # the common case: nothing written in place
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
        return state, NO_IN_PLACE
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


def _finally_reads(stmts, out):
    """The names that `finally:` clauses in `stmts` read and their `try` assigns
    (`Key.FINALLY_READ`, set by converters/try_statements); records in `out` those of each
    staged statement. An exception can reach such a clause before the assignment, a path the
    CFG does not follow, so a staged statement whose body assigns the name passes it in."""
    found = set()
    for s in stmts:
        t = type(s)
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            continue
        here = set()
        if t in _TRY:
            here.update(anno.getanno(s, anno.Key.FINALLY_READ, ()))
        for f in _BLOCK_FIELDS:
            here |= _finally_reads(getattr(s, f, ()), out)
        for h in getattr(s, 'handlers', ()):
            here |= _finally_reads(h.body, out)
        if here and (t is gast.If or t is gast.While or t is gast.For):
            out[s] = here
        found |= here
    return found


def analyze(fn, lines=None):
    """Annotates each if/while/for of `fn` (not of nested functions) with its state
    (`Key.STATE`) and what it writes in place (`Key.IN_PLACE`), and records on its CFG node
    that the statement defines its state (`cfg.Node.defs`, read by reaching definitions:
    after a staged statement, its state variables are bound, maybe to `Undefined`).

    Needs activity, CFG and liveness; runs before reaching definitions.
    """
    fscope = anno.getanno(fn, anno.Static.SCOPE)
    shared = fscope.captured
    if fscope.nonlocals:
        shared = dict(shared)
        shared.update(fscope.nonlocals)
    # A statement inside a `try` that catches or cleans up (`except`/`finally:`), or inside a
    # `with` (whose context manager may suppress the exception), writes its variables in
    # place: an exception that leaves a branch or loop body midway must leave what the body
    # already assigned, as Python does, for the handler, clause or later code to see.
    # `landing`: None outside such a `try`/`with`, else the variables live where an exception
    # leaving the statement may land (a handler, the clause, the code after a `with`): those
    # the statement's bodies assign are written in place too, even when they are dead on the
    # normal path (overwritten later in the same body).
    finally_reads = {}
    graph = anno.getanno(fn, anno.Static.CFG, None)
    if graph is None or any(node.kind == 'try' for node in graph.nodes):
        _finally_reads(fn.body, finally_reads)    # (a walk that finds nothing without `try`)
    stack = [(s, None) for s in fn.body]
    while stack:
        s, landing = stack.pop()
        t = type(s)
        if t is gast.If or t is gast.While or t is gast.For:
            state = _state(s)
            python_only = ()
            extra = finally_reads.get(s)
            if extra or landing:
                modified = set(anno.getanno(s, anno.Static.BODY_SCOPE).modified)
                if t is gast.If:
                    modified.update(anno.getanno(s, anno.Static.ORELSE_SCOPE).modified)
                elif t is gast.For:
                    modified.update(anno.getanno(s, activity.TARGET_ACTIVITY).writes)
                if extra:
                    state += sorted(v for v in extra & modified if v not in state)
                if landing:
                    python_only = sorted(v for v in modified & landing
                                         if v not in state and v not in shared)
                    state += python_only
            here = shared
            if landing is not None and state:
                here = dict(shared)
                here.update((v, None) for v in state)
            state, in_place = _in_place(s, state, here, lines)
            if python_only and in_place is not NO_IN_PLACE:
                in_place.python_only = frozenset(python_only)
            anno.setanno(s, STATE, state)
            anno.setanno(s, IN_PLACE, in_place)
            anno.getanno(s, anno.Static.CFG_NODE).defs = tuple(state) + tuple(
                in_place.variables)
        if t is gast.FunctionDef or t is gast.ClassDef or t is gast.AsyncFunctionDef:
            continue
        if t in _TRY:
            after = anno.getanno(s, anno.Static.LIVE_OUT, _EMPTY)
            outer = landing or _EMPTY
            cleaned = landing
            if s.finalbody:
                cleaned = outer | after | _block_live_in(s.finalbody, after)
            caught = cleaned
            if s.handlers:
                caught = (cleaned or outer) | after
                for h in s.handlers:
                    caught |= _block_live_in(h.body, after)
            stack.extend((x, caught) for x in s.body)
            stack.extend((x, cleaned) for x in s.orelse)
            stack.extend((x, landing) for x in s.finalbody)
            for h in s.handlers:
                stack.extend((x, cleaned) for x in h.body)
            continue
        if t is gast.With:
            # Any context manager's `__exit__` may suppress the exception (returning True,
            # as `contextlib.suppress` does): the code after the block then reads the body's
            # assignments, as after a `try` that catches.
            inner = (landing or _EMPTY) | anno.getanno(s, anno.Static.LIVE_OUT, _EMPTY)
            stack.extend((x, inner) for x in s.body)
            continue
        for f in _BLOCK_FIELDS:
            stack.extend((x, landing) for x in getattr(s, f, ()))
        for h in getattr(s, 'handlers', ()):
            stack.extend((x, landing) for x in h.body)


_KIND = {gast.If: 'if', gast.While: 'while', gast.For: 'for'}


def dump(fn):
    """The annotations of `analyze` as text: one line per staged statement, in source order
    (nested functions included), `L<line> <kind>: state=(...) in_place=(...) untracked=(...)`,
    with ` body_nonlocal=(...)`/` orelse_nonlocal=(...)` when bodies declare variables
    nonlocal."""
    out = []
    stack = [fn]
    while stack:
        n = stack.pop()
        kind = _KIND.get(type(n))
        if kind is not None and anno.hasanno(n, STATE):
            ip = anno.getanno(n, IN_PLACE)
            line = 'L%s %s: state=(%s) in_place=(%s) untracked=(%s)' % (
                getattr(n, 'lineno', '?'), kind, ', '.join(anno.getanno(n, STATE)),
                ', '.join(ip.names), ', '.join('%s@L%d' % u for u in ip.untracked))
            if ip.body:
                line += ' body_nonlocal=(%s)' % ', '.join(ip.body)
            if ip.orelse:
                line += ' orelse_nonlocal=(%s)' % ', '.join(ip.orelse)
            out.append((getattr(n, 'lineno', 0), getattr(n, 'col_offset', 0), line))
        for f in ('body', 'orelse', 'finalbody', 'handlers'):
            stack.extend(getattr(n, f, None) or ())
    return '\n'.join(line for _, _, line in sorted(out))
