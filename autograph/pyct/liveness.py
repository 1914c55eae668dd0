"""Liveness: which local names may still be read before being written, at each point.

Runs backwards over a function's CFG (see `cfg`) to a fixpoint, then annotates statements:
  - `Static.LIVE_IN`: names live on entry to the statement;
  - `Static.LIVE_OUT`: names live right after the statement completes normally (computed
    structurally: the live-in of whatever runs next - the next statement, the loop head, or
    what follows the enclosing block);
  - loops also get `'live_head'`: the names live at the loop head (after the test / target).
Names declared `global`/`nonlocal` are live at the function's exit; variables that nested
functions or lambdas read are live everywhere (any call may run the closure).
"""
from autograph.pyct import anno

LIVE_HEAD = anno.Key.LIVE_HEAD


def solve(graph, tracked, live_at_exit=(), always=()):
    """Returns (live_in, live_out): lists of frozensets indexed by node index.

    Only names in `tracked` (the function's parameters and locals) are considered; names in
    `always` (variables captured by nested functions) are live everywhere.
    """
    n = len(graph.nodes)
    live_in = [frozenset()] * n
    live_out = [frozenset()] * n
    exit_live = frozenset(live_at_exit)
    live_in[graph.exit.index] = exit_live
    gen = [None] * n
    kill = [None] * n
    tracked = set(tracked)
    for node in graph.nodes:
        names = node.names
        gen[node.index] = frozenset(tracked.intersection(names.reads))
        kill[node.index] = frozenset(tracked.intersection(names.writes))
    # Backward worklist, seeded in reverse creation order (close to reverse post-order).
    work = list(graph.nodes)
    on_work = [True] * n
    while work:
        node = work.pop()
        i = node.index
        on_work[i] = False
        if node is graph.exit:
            out = frozenset()
            new_in = exit_live
        else:
            nxt = node.next
            if len(nxt) == 1:
                out = live_in[nxt[0].index]
            elif nxt:
                out = frozenset().union(*[live_in[s.index] for s in nxt])
            else:
                out = frozenset()
            new_in = gen[i] | (out - kill[i])
        live_out[i] = out
        if new_in != live_in[i] or node is graph.exit:
            live_in[i] = new_in
            for p in node.prev:
                if not on_work[p.index]:
                    on_work[p.index] = True
                    work.append(p)
    if always:
        always = frozenset(always)
        live_in = [x | always for x in live_in]
        live_out = [x | always for x in live_out]
    return live_in, live_out


def _tracked(fscope):
    return set(fscope.params) | set(fscope.locals) | set(fscope.globals) | set(fscope.nonlocals)


def _entry(stmt, live_in):
    node = anno.getanno(stmt, anno.Static.CFG_NODE, None)
    return live_in[node.index] if node is not None else None


def _annotate_block(stmts, after, live_in):
    for i in range(len(stmts) - 1, -1, -1):
        s = stmts[i]
        anno.setanno(s, anno.Static.LIVE_OUT, after)
        _annotate_children(s, after, live_in)
        entry = _entry(s, live_in)
        if entry is None:
            entry = after
        anno.setanno(s, anno.Static.LIVE_IN, entry)
        after = entry
    return after


def _annotate_children(s, after, live_in):
    fields = getattr(s, '_fields', ())
    if 'body' not in fields:
        return
    head = anno.getanno(s, anno.Static.CFG_HEAD, None)
    if head is not None:
        head_live = live_in[head.index]
        anno.setanno(s, LIVE_HEAD, head_live)
        _annotate_block(s.body, head_live, live_in)
        _annotate_block(s.orelse, after, live_in)
        return
    if hasattr(s, 'handlers'):
        final_in = _annotate_block(s.finalbody, after, live_in)
        orelse_in = _annotate_block(s.orelse, final_in, live_in)
        for h in s.handlers:
            _annotate_block(h.body, final_in, live_in)
        _annotate_block(s.body, orelse_in, live_in)     # a body that completes runs `else:`
        return
    if s.__class__.__name__ in ('FunctionDef', 'AsyncFunctionDef', 'ClassDef'):
        return
    _annotate_block(s.body, after, live_in)
    if 'orelse' in fields:
        _annotate_block(s.orelse, after, live_in)


def analyze(function, graph=None):
    """Annotates the statements of a FunctionDef (activity and CFG must have run)."""
    if graph is None:
        graph = anno.getanno(function, anno.Static.CFG)
    fscope = anno.getanno(function, anno.Static.SCOPE)
    live_in, _ = solve(graph, _tracked(fscope), tuple(fscope.globals) + tuple(fscope.nonlocals),
                       fscope.captured)
    _annotate_block(function.body, frozenset(live_in[graph.exit.index]), live_in)
    return live_in


def dump(function):
    """'label: in={..} out={..}' per CFG node of the function."""
    graph = anno.getanno(function, anno.Static.CFG)
    fscope = anno.getanno(function, anno.Static.SCOPE)
    live_in, live_out = solve(graph, _tracked(fscope),
                              tuple(fscope.globals) + tuple(fscope.nonlocals), fscope.captured)
    lines = []
    for node in graph.nodes:
        if node.kind in ('entry', 'exit'):
            continue
        lines.append('%s: in={%s} out={%s}' % (
            node.label(), ', '.join(sorted(live_in[node.index])),
            ', '.join(sorted(live_out[node.index]))))
    return '\n'.join(lines)

