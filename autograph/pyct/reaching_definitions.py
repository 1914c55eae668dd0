"""Reaching definitions: which assignments of each local name may reach each point.

Runs forwards over a function's CFG to a fixpoint. A definition is the index of the CFG node
that assigns the name; `ENTRY` (0) defines the parameters and `UNDEFINED` (-1) stands for "not
assigned yet" (or deleted), so a name is possibly undefined at a point exactly when UNDEFINED
reaches it. `solve` gives the definition sites; `analyze` annotates every statement with
`Static.DEFINED_IN`: a `Defined`, what converters ask of it (whether UNDEFINED, or only
UNDEFINED, reaches the statement's entry, see `possibly_undefined` and `only_undefined`),
computed with two bitsets per point (one bit per name) instead of sets of sites.
"""
from autograph.pyct import anno

UNDEFINED = -1
ENTRY = 0


def solve(graph, params, local_names, node_defs=True):
    """Returns (ins, outs): lists (by node index) of {name: frozenset(defs)} before/after
    each node. A node's `defs` count as definitions it makes, like its writes (unless
    `node_defs` is False: then the result is what plain Python assigns)."""
    n = len(graph.nodes)
    tracked = set(params) | set(local_names)
    start = {p: frozenset((ENTRY,)) for p in params}
    undef = frozenset((UNDEFINED,))
    for name in local_names:
        if name not in start:
            start[name] = undef
    ins = [None] * n
    outs = [None] * n
    writes = [None] * n
    for node in graph.nodes:
        names = node.names
        w = [(x, frozenset((node.index,))) for x in names.writes
             if x in tracked and x not in names.dels]
        if node_defs:
            w += [(x, frozenset((node.index,))) for x in node.defs if x in tracked]
        w += [(x, undef) for x in names.dels if x in tracked]
        writes[node.index] = w
    outs[graph.entry.index] = start
    work = [node for node in reversed(graph.nodes) if node is not graph.entry]
    on_work = [True] * n
    on_work[graph.entry.index] = False
    while work:
        node = work.pop()
        i = node.index
        on_work[i] = False
        state = None
        for p in node.prev:
            po = outs[p.index]
            if po is None:
                continue
            if state is None:
                state = dict(po)
            else:
                for k, v in po.items():
                    cur = state.get(k)
                    state[k] = v if cur is None else (cur if v <= cur else cur | v)
        if state is None:
            state = {}
        ins[i] = state
        w = writes[i]
        if w:
            out = dict(state)
            for k, v in w:
                out[k] = v
        else:
            out = state
        if out != outs[i]:
            outs[i] = out
            for s in node.next:
                if not on_work[s.index]:
                    on_work[s.index] = True
                    work.append(s)
    ins[graph.entry.index] = {}
    return ins, outs


def _merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    out = dict(a)
    for k, v in b.items():
        cur = out.get(k)
        out[k] = v if cur is None else (cur if v <= cur else cur | v)
    return out


def solve_split(graph, params, local_names, sets_flag, guards):
    """Plain-Python reaching definitions (node `defs` ignored) that tell apart the paths on
    which a boolean flag is True from the others, to follow the guards that jump lowering
    writes (`if not break_:` runs only on paths that did not break).

    Args:
      sets_flag: {node index: bool} the nodes that assign the flag a constant.
      guards: {node index: index of the node its body starts at} the `if not flag:` nodes;
        their body is entered only with the flag False, other successors (but exception
        handlers) only with it True.

    Returns:
      A list (by node index) of {name: frozenset(defs)} on entry to each node, both flag
      values together (None for nodes no path reaches).
    """
    n = len(graph.nodes)
    tracked = set(params) | set(local_names)
    start = {p: frozenset((ENTRY,)) for p in params}
    undef = frozenset((UNDEFINED,))
    for name in local_names:
        start.setdefault(name, undef)
    writes = [None] * n
    for node in graph.nodes:
        names = node.names
        w = [(x, frozenset((node.index,))) for x in names.writes
             if x in tracked and x not in names.dels]
        w += [(x, undef) for x in names.dels if x in tracked]
        writes[node.index] = w
    ins = [None] * n
    outs = [None] * n
    outs[graph.entry.index] = (None, start)     # the flag is False (or unassigned) at entry
    work = [node for node in reversed(graph.nodes) if node is not graph.entry]
    on_work = [True] * n
    on_work[graph.entry.index] = False
    while work:
        node = work.pop()
        i = node.index
        on_work[i] = False
        when_true = when_false = None
        for p in node.prev:
            po = outs[p.index]
            if po is None:
                continue
            pt, pf = po
            body = guards.get(p.index)
            if body is not None and node.kind != 'except':
                if i == body:
                    pt = None
                else:
                    pf = None
            when_true = _merge(when_true, pt)
            when_false = _merge(when_false, pf)
        ins[i] = _merge(when_true, when_false)
        w = writes[i]
        if w:
            if when_true is not None:
                when_true = dict(when_true)
                when_true.update(w)
            if when_false is not None:
                when_false = dict(when_false)
                when_false.update(w)
        value = sets_flag.get(i)
        if value is not None:
            both = _merge(when_true, when_false)
            when_true, when_false = (both, None) if value else (None, both)
        out = (when_true, when_false)
        if out != outs[i]:
            outs[i] = out
            for s in node.next:
                if not on_work[s.index]:
                    on_work[s.index] = True
                    work.append(s)
    return ins


class Defined:
    """Which tracked names UNDEFINED (`undefined`, a bitset) and some assignment (`assigned`)
    may reach at one point; `bits` maps each tracked name to its bit. A name with neither bit
    reaches nothing there (as when no path from the entry gets there)."""

    __slots__ = ('bits', 'undefined', 'assigned')

    def __init__(self, bits, undefined, assigned):
        self.bits = bits
        self.undefined = undefined
        self.assigned = assigned

    def __repr__(self):
        return 'Defined(undefined=%s, assigned=%s)' % (
            sorted(n for n, b in self.bits.items() if self.undefined & b),
            sorted(n for n, b in self.bits.items() if self.assigned & b))


def maybe_undefined(graph, params, local_names, wanted):
    """What `solve(graph, params, local_names, node_defs=False)` says of the names `wanted`
    at each node, without sets of definition sites: {node index: the names of
    `wanted[index]` that UNDEFINED reaches on entry to the node}, for the nodes with some
    (plain Python: a node's `defs` are not definitions here)."""
    ins, _, bits = _solve_bits(graph, params, local_names, node_defs=False)
    out = {}
    for index, names in wanted.items():
        undefined = ins[index][0]
        if undefined and names:
            found = {x for x in names if undefined & bits.get(x, 0)}
            if found:
                out[index] = found
    return out


def _solve_bits(graph, params, local_names, node_defs=True):
    """`solve` reduced to what `Defined` holds: returns (ins, outs, bits), ins/outs lists
    (by node index) of (undefined, assigned) bitset pairs."""
    bits = {}
    for name in params:
        bits.setdefault(name, 1 << len(bits))
    for name in local_names:
        bits.setdefault(name, 1 << len(bits))
    assigned0 = 0
    for name in params:
        assigned0 |= bits[name]
    n = len(graph.nodes)
    # Per node: the bits it overwrites, and what it sets them to (assigned or undefined).
    kill = [0] * n
    gen_u = [0] * n
    gen_a = [0] * n
    for node in graph.nodes:
        names = node.names
        dels = names.dels
        a = u = 0
        for x in names.writes:
            b = bits.get(x)
            if b is not None and x not in dels:
                a |= b
        if node_defs:
            for x in node.defs:
                b = bits.get(x)
                if b is not None:
                    a |= b
        for x in dels:
            b = bits.get(x)
            if b is not None:
                u |= b
        a &= ~u
        i = node.index
        kill[i] = a | u
        gen_a[i] = a
        gen_u[i] = u
    everything = (1 << len(bits)) - 1
    ins = [(0, 0)] * n
    outs = [None] * n
    outs[graph.entry.index] = (everything & ~assigned0, assigned0)
    work = [node for node in reversed(graph.nodes) if node is not graph.entry]
    on_work = [True] * n
    on_work[graph.entry.index] = False
    while work:
        node = work.pop()
        i = node.index
        on_work[i] = False
        u = a = 0
        for p in node.prev:
            po = outs[p.index]
            if po is not None:
                u |= po[0]
                a |= po[1]
        ins[i] = (u, a)
        k = kill[i]
        out = ((u & ~k) | gen_u[i], (a & ~k) | gen_a[i]) if k else (u, a)
        if out != outs[i]:
            outs[i] = out
            for s in node.next:
                if not on_work[s.index]:
                    on_work[s.index] = True
                    work.append(s)
    ins[graph.entry.index] = (0, 0)
    return ins, outs, bits


def analyze(function, graph=None):
    """Annotates the statements of a FunctionDef (activity and CFG must have run).

    A loop's `DEFINED_IN` is what reaches it from before the loop (not from its own body).
    """
    if graph is None:
        graph = anno.getanno(function, anno.Static.CFG)
    fscope = anno.getanno(function, anno.Static.SCOPE)
    ins, outs, bits = _solve_bits(graph, fscope.params, fscope.locals)
    for node in graph.nodes:
        kind = node.kind
        if (kind == 'entry' or kind == 'exit' or kind == 'for' or kind == 'target'
                or kind == 'with_exit'):
            continue
        if kind == 'while':
            u = a = 0
            for p in node.prev:
                po = outs[p.index]
                if p.index < node.index and po is not None:
                    u |= po[0]
                    a |= po[1]
        else:
            u, a = ins[node.index]
        anno.setanno(node.ast_node, anno.Static.DEFINED_IN, Defined(bits, u, a))
    return ins


def possibly_undefined(defined_in, names):
    """The names among `names` that may be undefined where `defined_in` (a `Defined`) was
    taken."""
    undefined = defined_in.undefined
    if not undefined:
        return []
    bits = defined_in.bits
    return [n for n in names if undefined & bits.get(n, 0)]


def only_undefined(defined_in, name):
    """True if no assignment of `name` reaches the point (it is certainly undefined)."""
    b = defined_in.bits.get(name, 0)
    return bool(defined_in.undefined & b) and not defined_in.assigned & b


def dump(function):
    """'label: name@lines ...' per CFG node ('?' = undefined, 'arg' = parameter)."""
    graph = anno.getanno(function, anno.Static.CFG)
    fscope = anno.getanno(function, anno.Static.SCOPE)
    ins, _ = solve(graph, fscope.params, fscope.locals)
    lines = []
    for node in graph.nodes:
        if node.kind in ('entry', 'exit'):
            continue
        parts = []
        for name in sorted(ins[node.index]):
            sites = []
            for d in sorted(ins[node.index][name]):
                if d == UNDEFINED:
                    sites.append('?')
                elif d == ENTRY:
                    sites.append('arg')
                else:
                    sites.append(str(getattr(graph.nodes[d].ast_node, 'lineno', d)))
            parts.append('%s@%s' % (name, ','.join(sites)))
        lines.append('%s: %s' % (node.label(), ' '.join(parts)))
    return '\n'.join(lines)
