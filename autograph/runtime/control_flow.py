"""cond and while_loop: eager they run Python; in a graph they build subgraph ops.

    cond(pred, true_fn, false_fn)      ==  true_fn() if pred else false_fn()
    while_loop(cond, body, loop_vars)  ==  while cond(*v): v = body(*v); return v

In a graph, branches and bodies are traced once into subgraphs that capture the outer tensors
they use. The executor compiles them inline into a Python `if` / `while`, so at run time `cond`
executes only the taken branch and 10^6 loop iterations need neither recursion nor growing
memory.
"""
import itertools

from autograph.runtime import context, dtypes, nest
from autograph.runtime.gradients import (add_n, capture, differentiable, graph_variables, replay,
                                         sources_in, symbolic_gradients, variables_read,
                                         zeros_like)
from autograph.runtime.errors import BranchMismatchError, LoopVarMismatchError, user_frame, where
from autograph.runtime.executor import emit_graph
from autograph.runtime.graph import Graph
from autograph.runtime.ops import array_ops, core_ops, math_ops
from autograph.runtime.registry import declare
from autograph.runtime.tensor import EagerTensor, Tensor
from autograph.runtime.tensor_array import TensorArray

_ids = itertools.count()


# -- cond -------------------------------------------------------------------------------------
def _cond_dtypes(ds, attrs):
    return [t.dtype for t in attrs["then_graph"].outputs]


def _cond_shapes(shapes, attrs):
    return [a.shape.most_specific_compatible(b.shape)
            for a, b in zip(attrs["then_graph"].outputs, attrs["else_graph"].outputs)]


def _emit_cond(em, op, ins, outs, indent):
    """`if pred:` with each branch's ops inlined below it."""
    n = op.attrs["n_then"]
    for k, (g, caps) in enumerate(((op.attrs["then_graph"], ins[1:1 + n]),
                                   (op.attrs["else_graph"], ins[1 + n:]))):
        em.add("if %s:" % ins[0] if k == 0 else "else:", op, indent)
        res = emit_graph(em, g, g.inputs, caps, g.outputs, True, indent + 1)
        if outs:
            em.add("%s= %s" % (em.names_for(outs), em.names_for(res)), op, indent + 1)
        else:
            em.add("pass", op, indent + 1)


def _cond_subgraphs(op):
    return [op.attrs["then_graph"], op.attrs["else_graph"]]


def _interpret_cond(op, ins, run):
    n = op.attrs["n_then"]
    if ins[0]:
        return run(op.attrs["then_graph"], ins[1:1 + n])
    return run(op.attrs["else_graph"], ins[1 + n:])


def _cond_grad(op, ogs, need, src_vars):
    """A cond on the same predicate whose branches replay the forward branches and
    differentiate them: only the taken branch runs backwards."""
    a = op.attrs
    then_g, else_g, n = a["then_graph"], a["else_graph"], a["n_then"]
    ins = op.inputs
    pos = [i for i in range(1, len(ins)) if need[i] and differentiable(ins[i].dtype)]
    vars_ = sources_in(variables_read(op), src_vars)
    if not pos and not vars_:
        return [None] * len(ins), {}

    def branch(sub, lo):
        def fn():
            mapping = {ph: capture(ins[lo + j]) for j, ph in enumerate(sub.inputs)}
            outs = replay(sub, mapping)
            ys, dys = [], []
            for o, g in zip(outs, ogs):
                if g is not None and differentiable(o.dtype):
                    ys.append(o)
                    dys.append(g)
            mine = [i for i in pos if lo <= i < lo + len(sub.inputs)]
            xs = [mapping[sub.inputs[i - lo]] for i in mine] + vars_
            got = symbolic_gradients(ys, xs, dys, outward=False) if ys else [None] * len(xs)
            by_pos = dict(zip(mine, got))
            result = []
            for i in pos:
                g = by_pos.get(i)
                result.append(g if g is not None else zeros_like(capture(ins[i])))
            for v, g in zip(vars_, got[len(mine):]):
                result.append(g if g is not None else zeros_like(v))
            return result
        return fn

    res = cond(ins[0], branch(then_g, 1), branch(else_g, 1 + n))
    grads = [None] * len(ins)
    for i, g in zip(pos, res):
        grads[i] = g
    return grads, dict(zip(vars_, res[len(pos):]))


_COND_RULES = dict(dtype=_cond_dtypes, shape=_cond_shapes, emit=_emit_cond,
                   subgraphs=_cond_subgraphs, interpret=_interpret_cond, graph_grad=_cond_grad)
COND = declare("cond", None, **_COND_RULES,
               doc="Runs one of two subgraphs depending on a scalar bool.")
STATEFUL_COND = declare("stateful_cond", None, stateful=True, **_COND_RULES,
                        doc="A cond whose branches have side effects.")


def cond(pred, true_fn, false_fn, name=None, names=None):
    """Returns `true_fn()` if `pred` else `false_fn()`.

    With a graph tensor `pred`, both functions are traced into subgraphs and only the taken
    one runs when the graph runs. They must return the same structure and dtypes; Python
    numbers adapt to the other branch's dtype.

    Args:
      pred: a scalar bool (Python, eager or graph tensor).
      true_fn, false_fn: functions of no arguments.
      names: optional names of the outputs, used in error messages.
    Raises:
      BranchMismatchError: the branches return different structures or dtypes.
    """
    if type(pred) is not Tensor:
        if hasattr(pred, "_ag_read"):
            pred = pred._ag_read()
        if type(pred) is not Tensor:
            if context.ctx.graph is None or not _is_tensor_like(pred):
                return true_fn() if pred else false_fn()
            pred = core_ops.convert_to_tensor(pred)
    graph = context.ctx.graph or pred.graph
    if pred.dtype is not dtypes.bool_:
        raise TypeError("cond: the condition must be a bool tensor, got %s%s"
                        % (pred.dtype.name, where(user_frame())))
    if pred.shape.rank not in (None, 0):
        raise ValueError("cond: the condition must be a scalar, got shape %s%s"
                         % (pred.shape, where(user_frame())))
    uid = next(_ids)
    then_g, then_out = _trace_branch(graph, true_fn, "cond%d_true" % uid)
    else_g, else_out = _trace_branch(graph, false_fn, "cond%d_false" % uid)
    if not nest.same_structure(then_out, else_out):
        raise BranchMismatchError(
            "cond%s: the branches return different structures: %s in the true branch, %s in "
            "the false branch" % (where(user_frame()), nest.structure_text(then_out),
                                  nest.structure_text(else_out)))
    flat_t, flat_e = nest.flatten(then_out), nest.flatten(else_out)
    labels = _labels(names, then_out)
    outs_t, outs_e, keep = [], [], []
    for i, (a, b) in enumerate(zip(flat_t, flat_e)):
        if a is None and b is None:
            keep.append(None)
            continue
        a2 = _to_branch_tensor(then_g, a, b)
        b2 = _to_branch_tensor(else_g, b, a2)
        if type(b) is float and a2.dtype.is_integer and b2.dtype is dtypes.float32:
            a2 = _to_float(then_g, a2)      # a Python float never becomes an integer
        elif type(a) is float and b2.dtype.is_integer and a2.dtype is dtypes.float32:
            b2 = _to_float(else_g, b2)
        if a2.dtype is not b2.dtype:
            raise BranchMismatchError(
                "cond%s: %s is %s in the true branch but %s in the false branch"
                % (where(user_frame()), labels[i], a2.dtype.name, b2.dtype.name))
        keep.append(len(outs_t))
        outs_t.append(a2)
        outs_e.append(b2)
    then_g.outputs, else_g.outputs = outs_t, outs_e
    then_g.inputs = [inner for _, inner in then_g.capture_list]
    else_g.inputs = [inner for _, inner in else_g.capture_list]
    inputs = ([pred] + [o for o, _ in then_g.capture_list] + [o for o, _ in else_g.capture_list])
    opdef = STATEFUL_COND if _has_state(then_g) or _has_state(else_g) else COND
    result = graph.create_op(opdef, inputs, {"then_graph": then_g, "else_graph": else_g,
                                             "n_then": len(then_g.capture_list)}, name=name)
    outputs = result if isinstance(result, tuple) else ()
    flat = [None if k is None else outputs[k] for k in keep]
    return nest.pack_sequence_as(then_out, flat)


def _is_tensor_like(x):
    return isinstance(x, Tensor)


def _trace_branch(graph, fn, name):
    g = Graph(outer=graph, name=name)
    with context.graph_scope(g):
        out = fn()
    return g, out


def _has_state(g):
    return any(op.opdef.stateful for op in g.operations)


def _labels(names, structure):
    paths = nest.paths(structure)
    if names is not None:
        flat_names = list(names) if isinstance(names, (list, tuple)) else [names]
        if len(flat_names) == len(paths):
            return ["'%s'" % n for n in flat_names]
        if isinstance(structure, (list, tuple)) and len(flat_names) == len(structure):
            out = []
            for n, s in zip(flat_names, structure):
                out.extend("'%s'%s" % (n, p) for p in nest.paths(s))
            return out
    return ["output%s" % p if p else "the output" for p in paths]


def _to_float(g, t):
    """The integer tensor `t` of branch graph `g` as float32 (the dtype a Python float in the
    other branch promotes it to, as `int_tensor * 2.0` does)."""
    with context.graph_scope(g):
        return math_ops.cast(t, dtypes.float32)


def _to_branch_tensor(g, x, other):
    """`x` as a tensor of branch graph `g`; Python numbers take `other`'s dtype if a tensor,
    except that a Python float facing an integer tensor stays float32 (never an integer)."""
    if hasattr(x, "_ag_read") and not isinstance(x, Tensor):
        with context.graph_scope(g):
            return x._ag_read()
    if type(x) is Tensor:
        return x if x.op.graph is g else g.capture(x)
    if type(x) is EagerTensor:
        return g.constant(x)
    want = other.dtype if isinstance(other, Tensor) and isinstance(x, (int, float, bool)) \
        and not isinstance(other, EagerTensor) else None
    if want is not None and (want.is_bool and not isinstance(x, bool)
                             or want.is_integer and type(x) is float):
        want = None
    if x is None:
        raise BranchMismatchError("cond: one branch returns None where the other returns %r"
                                  % (other,))
    with context.graph_scope(g):
        return core_ops.convert_to_tensor(x, want)


# -- while_loop -------------------------------------------------------------------------------
def _while_dtypes(ds, attrs):
    return [t.dtype for t in attrs["body_graph"].outputs]


def _while_shapes(shapes, attrs):
    return [t.shape for t in attrs["body_graph"].inputs[:attrs["n_vars"]]]


def _emit_while(em, op, ins, outs, indent):
    """`while True:` with the condition's and the body's ops inlined in it."""
    a = op.attrs
    n, nc = a["n_vars"], a["n_cond"]
    cond_g, body_g = a["cond_graph"], a["body_graph"]
    loop = [em.local() for _ in range(n)]
    init, ccaps, bcaps = ins[:n], ins[n:n + nc], ins[n + nc:n + nc + a["n_body"]]
    if loop:        # a loop may carry no variables (its body only assigns ag.Variables)
        em.add("%s= %s" % (em.names_for(loop), em.names_for(init)), op, indent)
    counter = None
    if a["max_iter"] is not None:
        counter = em.local()
        limit = ins[-1] if a["max_iter"] == "input" else str(int(a["max_iter"]))
        em.add("%s = 0" % counter, op, indent)
    em.add("while True:", op, indent)
    if counter is not None:
        em.add("if %s >= %s:" % (counter, limit), op, indent + 1)
        em.add("break", op, indent + 2)
        em.add("%s += 1" % counter, op, indent + 1)
    test, = emit_graph(em, cond_g, cond_g.inputs, loop + ccaps, cond_g.outputs, True,
                       indent + 1)
    em.add("if not %s:" % test, op, indent + 1)
    em.add("break", op, indent + 2)
    res = emit_graph(em, body_g, body_g.inputs, loop + bcaps, body_g.outputs, True, indent + 1)
    if loop:
        em.add("%s= %s" % (em.names_for(loop), em.names_for(res)), op, indent + 1)
    if outs:
        em.add("%s= %s" % (em.names_for(outs), em.names_for(loop)), op, indent)


def _while_subgraphs(op):
    return [op.attrs["cond_graph"], op.attrs["body_graph"]]


def _interpret_while(op, ins, run):
    a = op.attrs
    n, nc, nb = a["n_vars"], a["n_cond"], a["n_body"]
    vs, ccaps, bcaps = ins[:n], ins[n:n + nc], ins[n + nc:n + nc + nb]
    limit = ins[-1] if a["max_iter"] == "input" else a["max_iter"]
    i = 0
    while (limit is None or i < int(limit)) and bool(run(a["cond_graph"], vs + ccaps)[0]):
        vs = run(a["body_graph"], vs + bcaps)
        i += 1
    return vs


def _while_grad(op, ogs, need, src_vars):
    """Records the forward iterations, then runs them backwards.

    A recording loop re-runs the forward iterations and pushes each iteration's loop values
    onto TensorArrays; a backward loop pops them (the trip count is known only at run time),
    replays one body iteration from the saved values and applies its gradient.
    """
    a = op.attrs
    n, nc, nb = a["n_vars"], a["n_cond"], a["n_body"]
    cond_g, body_g = a["cond_graph"], a["body_graph"]
    ins = op.inputs
    init, ccaps, bcaps = ins[:n], ins[n:n + nc], ins[n + nc:n + nc + nb]
    fvars = [j for j in range(n) if differentiable(body_g.inputs[j].dtype)]
    caps_pos = [k for k in range(nb) if need[n + nc + k] and differentiable(bcaps[k].dtype)]
    vars_ = sources_in(graph_variables(body_g), src_vars)
    want_init = [j for j in fvars if need[j]]
    if not want_init and not caps_pos and not vars_:
        return [None] * len(ins), {}
    max_iter = a["max_iter"]
    if max_iter == "input":
        max_iter = ins[-1]

    # 1. Re-run the loop, pushing every iteration's loop values.
    def rec_cond(i, vs, tas):
        m = dict(zip(cond_g.inputs, list(vs) + list(ccaps)))
        return replay(cond_g, m)[0]

    def rec_body(i, vs, tas):
        tas = [ta.write(i, v) for ta, v in zip(tas, vs)]
        m = dict(zip(body_g.inputs, list(vs) + list(bcaps)))
        return math_ops.add(i, 1), replay(body_g, m), tas

    tas0 = [TensorArray(t.dtype, size=0, dynamic_size=True, element_shape=ph.shape)
            for t, ph in zip(init, body_g.inputs)]
    zero = array_ops.zeros([], dtypes.int32)
    count, _, saved = while_loop(rec_cond, rec_body, (zero, list(init), tas0),
                                 maximum_iterations=max_iter, relax_shapes=True)

    # 2. Run the iterations backwards from the saved values.
    gv0 = [ogs[j] if ogs[j] is not None else zeros_like(op.outputs[j]) for j in fvars]
    gc0 = [zeros_like(bcaps[k]) for k in caps_pos]
    gw0 = [zeros_like(v) for v in vars_]

    def back_cond(k, gv, gc, gw):
        return math_ops.greater(k, 0)

    def back_body(k, gv, gc, gw):
        k = math_ops.subtract(k, 1)
        vs = [ta.read(k) for ta in saved]
        caps = [capture(c) for c in bcaps]
        outs = replay(body_g, dict(zip(body_g.inputs, vs + caps)))
        ys = [outs[j] for j in fvars]
        xs = [vs[j] for j in fvars] + [caps[c] for c in caps_pos] + vars_
        got = symbolic_gradients(ys, xs, list(gv), outward=False)
        nf, nk = len(fvars), len(caps_pos)
        new_gv = [g if g is not None else zeros_like(vs[j]) for g, j in zip(got[:nf], fvars)]
        new_gc = [acc if g is None else add_n([acc, g]) for acc, g in zip(gc, got[nf:nf + nk])]
        new_gw = [acc if g is None else add_n([acc, g]) for acc, g in zip(gw, got[nf + nk:])]
        return k, new_gv, new_gc, new_gw

    _, gv, gc, gw = while_loop(back_cond, back_body, (count, gv0, gc0, gw0), relax_shapes=True)
    grads = [None] * len(ins)
    for j, g in zip(fvars, gv):
        if need[j]:
            grads[j] = g
    for k, g in zip(caps_pos, gc):
        grads[n + nc + k] = g
    return grads, dict(zip(vars_, gw))


_WHILE_RULES = dict(dtype=_while_dtypes, shape=_while_shapes, emit=_emit_while,
                    subgraphs=_while_subgraphs, interpret=_interpret_while,
                    graph_grad=_while_grad)
WHILE = declare("while", None, **_WHILE_RULES,
                doc="Repeats a body subgraph while a condition subgraph is true.")
STATEFUL_WHILE = declare("stateful_while", None, stateful=True, **_WHILE_RULES,
                         doc="A while loop whose body has side effects.")


def while_loop(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None,
               name=None, names=None, relax_shapes=False):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    Args:
      cond: function of the loop variables returning a scalar bool.
      body: function of the loop variables returning new values of the same structure.
      loop_vars: a tuple or list (nested structures allowed) of initial values.
      shape_invariants: optional shapes (same structure) for variables whose shape changes.
      maximum_iterations: optional cap on the number of iterations.
      names: optional names of the loop variables, used in error messages.
      relax_shapes: relax a changing shape to its most specific compatible shape instead of
        raising (autograph loops use this).
    Returns:
      The final loop variables, in the structure of `loop_vars`.
    Raises:
      LoopVarMismatchError: the body changes a variable's dtype or structure.
      ValueError: the body changes a variable's shape incompatibly with its invariant.
    """
    if not isinstance(loop_vars, (list, tuple)) or nest.is_namedtuple(loop_vars):
        raise TypeError("while_loop: loop_vars must be a list or tuple of loop variables, got "
                        "%s" % type(loop_vars).__name__)
    flat = nest.flatten(loop_vars)
    graph = context.ctx.graph
    if graph is None:
        for x in flat:
            if type(x) is Tensor:
                graph = x.op.graph
                break
    if graph is None:
        return _eager_while(cond, body, loop_vars, maximum_iterations)
    with context.graph_scope(graph):
        init = [_loop_tensor(x) for x in flat]
    labels = _labels(names, loop_vars)
    if shape_invariants is not None:
        try:
            shapes = [_as_shape(s) for s in nest.flatten_up_to(loop_vars, shape_invariants)]
        except (ValueError, TypeError, KeyError) as e:
            raise ValueError("while_loop: shape_invariants must match loop_vars' structure: %s"
                             % e) from None
    else:
        shapes = [t.shape for t in init]
    uid = next(_ids)
    for _ in range(64):
        cond_g, body_g, retry = _trace_loop(graph, cond, body, loop_vars, init, shapes, labels,
                                            relax_shapes or False, uid)
        if retry is None:
            break
        shapes = retry
    max_iter = maximum_iterations
    extra = []
    if type(max_iter) is Tensor or isinstance(max_iter, EagerTensor):
        extra, max_iter = [max_iter], "input"
    inputs = (init + [o for o, _ in cond_g.capture_list] + [o for o, _ in body_g.capture_list]
              + extra)
    opdef = STATEFUL_WHILE if _has_state(body_g) or _has_state(cond_g) else WHILE
    result = graph.create_op(opdef, inputs, {
        "cond_graph": cond_g, "body_graph": body_g, "n_vars": len(init),
        "n_cond": len(cond_g.capture_list), "n_body": len(body_g.capture_list),
        "max_iter": max_iter}, name=name)
    return nest.pack_sequence_as(loop_vars, list(result) if init else [])


def _as_shape(s):
    from autograph.runtime.shapes import as_shape
    return as_shape(s)


def _eager_while(cond, body, loop_vars, maximum_iterations):
    single = len(loop_vars) == 1
    v = loop_vars
    i = 0
    while (maximum_iterations is None or i < int(maximum_iterations)) and cond(*v):
        out = body(*v)
        if out is None and not loop_vars:
            out = ()
        if single and not isinstance(out, (list, tuple)):
            out = (out,)
        v = type(loop_vars)(out) if not nest.is_namedtuple(loop_vars) else out
        i += 1
    return v


def _loop_tensor(x):
    if type(x) is Tensor:
        return x
    if hasattr(x, "_ag_read"):
        return x._ag_read()
    if x is None:
        raise TypeError("while_loop: a loop variable is None; loop variables must be tensors "
                        "or numbers")
    return core_ops.convert_to_tensor(x)


def _trace_loop(graph, cond, body, loop_vars, init, shapes, labels, relax, uid):
    cond_g = Graph(outer=graph, name="while%d_cond" % uid)
    body_g = Graph(outer=graph, name="while%d_body" % uid)
    for g in (cond_g, body_g):
        with context.graph_scope(g):
            g.inputs = [core_ops.placeholder(t.dtype, s, name="loop_var")
                        for t, s in zip(init, shapes)]
    with context.graph_scope(cond_g):
        c = cond(*nest.pack_sequence_as(loop_vars, cond_g.inputs))
        c = _to_branch_tensor(cond_g, c, None)
    if c.dtype is not dtypes.bool_ or c.shape.rank not in (None, 0):
        raise TypeError("while_loop: the condition must return a scalar bool, got %s %s"
                        % (c.dtype.name, c.shape))
    cond_g.outputs = [c]
    with context.graph_scope(body_g):
        out = body(*nest.pack_sequence_as(loop_vars, body_g.inputs))
    if len(loop_vars) == 1 and not isinstance(out, (list, tuple)):
        out = type(loop_vars)([out]) if not nest.is_namedtuple(loop_vars) else out
    elif out is None and not init:
        out = type(loop_vars)()       # a body of side effects only
    if not nest.same_structure(loop_vars, out):
        raise LoopVarMismatchError(
            "while_loop%s: the body returns %s but the loop variables are %s"
            % (where(user_frame()), nest.structure_text(out), nest.structure_text(loop_vars)))
    flat_out = nest.flatten(out)
    outs = []
    retry = None
    for i, (x, ph) in enumerate(zip(flat_out, body_g.inputs)):
        t = _to_branch_tensor(body_g, x, ph)
        if t.dtype is not ph.dtype:
            raise LoopVarMismatchError(
                "while_loop%s: %s is %s before the loop but %s after one iteration; keep its "
                "dtype the same (e.g. start from a value of dtype %s)"
                % (where(user_frame()), labels[i], ph.dtype.name, t.dtype.name, t.dtype.name),
                index=i, expected=ph.dtype, actual=t.dtype)
        if not t.shape.is_compatible_with(ph.shape):
            if not relax:
                raise ValueError(
                    "while_loop%s: %s has shape %s before the loop but %s after one iteration;"
                    " pass shape_invariants with a less specific shape (None for dimensions "
                    "that change)" % (where(user_frame()), labels[i], ph.shape, t.shape))
            retry = retry or list(shapes)
            retry[i] = ph.shape.most_specific_compatible(t.shape)
        outs.append(t)
    if retry is not None:
        return cond_g, body_g, retry
    cond_g.inputs = cond_g.inputs + [inner for _, inner in cond_g.capture_list]
    body_g.inputs = body_g.inputs + [inner for _, inner in body_g.capture_list]
    body_g.outputs = outs
    return cond_g, body_g, None

