"""Reverse-mode differentiation: the backward pass shared by tapes and graphs.

    grads = ag.gradients(ys, xs)     # in a graph: adds the backward ops, returns dys/dxs

Each op's gradient rule is declared beside the op: `rule(op, *output_grads) -> input grads`.
Rules are written with ordinary ops, so one rule serves both callers of `backprop` below:

- `GradientTape` (eager): the nodes are the tape's records of ops that ran, and rules run
  eagerly (an outer tape records them, which gives higher-order gradients);
- `gradients` (graph): the nodes are graph operations, and rules add ops to the graph.

Variables enter a graph through `read_variable` ops; a variable source collects the gradients
of every read of it, including reads inside `cond` branches and `while_loop` bodies.

Control flow (graph mode):
- `cond`: a new cond on the same predicate, whose branches replay the forward branch and
  differentiate it; so only the taken branch runs backwards.
- `while_loop`: a recording loop re-runs the forward iterations and pushes each iteration's
  loop values onto TensorArrays; a backward loop then pops them (trip count known only at run
  time), replays one body iteration from the saved values and applies its gradient.
Replayed subgraphs are recomputed, so random ops or variable updates inside a differentiated
branch or loop body are recomputed too (their gradient sees the recomputed values).
"""
import contextlib

from autograph.runtime import context, dtypes, nest, registry
from autograph.runtime.errors import where
from autograph.runtime.executor import needed_ops
from autograph.runtime.ops import array_ops, math_ops, state_ops
from autograph.runtime.ops.gradient_ops import set_inputs_needed
from autograph.runtime.ops.gradient_ops import stop_gradient  # noqa: F401  (public here)
from autograph.runtime.tensor import Tensor

READ_VARIABLE = state_ops.READ_VARIABLE


class NoGradientError(LookupError):
    """An op on the path from the sources to the targets has no gradient rule."""


def _is_var(x):
    return hasattr(x, "_ag_read") and not isinstance(x, Tensor)


def _float(dtype):
    return dtype.is_floating


def _diff(dtype):
    """Whether gradients flow through tensors of `dtype`: floats, and TensorArrays (variant)."""
    return dtype.is_floating or dtype is dtypes.variant


# -- small op helpers --------------------------------------------------------------------------
def add_n(grads):
    """Sums a non-empty list of gradients (TensorArray gradients elementwise)."""
    if len(grads) == 1:
        return grads[0]
    total = grads[0]
    for g in grads[1:]:
        if total.dtype is dtypes.variant:
            total = registry.apply(registry.REGISTRY["tensor_array_grad_add"], [total, g])
        else:
            total = math_ops.add(total, g)
    return total


def zeros_like(x):
    """Zeros shaped like `x` (an empty gradient for a TensorArray)."""
    if x.dtype is dtypes.variant:
        return registry.apply(registry.REGISTRY["tensor_array_grad_zeros"], [])
    if _is_var(x):
        return array_ops.zeros(x.shape.as_list(), x.dtype)
    return array_ops.zeros_like(x)


def ones_like(x):
    return array_ops.ones_like(x)


# -- the backward pass --------------------------------------------------------------------------
def backprop(nodes, seeds, wanted, in_keys, out_keys, rule_of, results):
    """Propagates gradients from `seeds` backwards through `nodes`.

    Args:
      nodes: op-like objects (`.opdef`, `.inputs`, `.outputs`, `.attrs`) in execution order.
      seeds: {key: gradient} of the targets.
      wanted: keys gradients may flow into (those that depend on a source).
      in_keys, out_keys: functions giving a node's input / output keys.
      rule_of: `rule_of(node, output_grads) -> (input grads, {extra key: grad})`.
      results: keys whose summed gradient is returned.
    Returns:
      {key: gradient} for the keys of `results` that received one.
    """
    pending = {}
    for k, g in seeds.items():
        pending.setdefault(k, []).append(g)
    final = {}

    def total(k):
        gs = pending.pop(k, None)
        if gs is None:
            return None
        g = add_n(gs)
        if k in results:
            final[k] = g
        return g

    for node in reversed(nodes):
        outs = out_keys(node)
        ogs = [total(k) if k in pending else None for k in outs]
        if all(g is None for g in ogs):
            continue
        keys = in_keys(node)
        old = set_inputs_needed([k is not None and k in wanted for k in keys])
        try:
            in_grads, extra = rule_of(node, ogs)
        finally:
            set_inputs_needed(old)
        for k, g in zip(keys, in_grads):
            if g is not None and k is not None and k in wanted:
                pending.setdefault(k, []).append(g)
        for k, g in extra.items():
            if g is not None:
                pending.setdefault(k, []).append(g)
    for k in list(pending):
        if k in results:
            total(k)
    return final


def call_rule(node, ogs):
    """Runs `node`'s gradient rule, with a clear error when there is none."""
    opdef = node.opdef
    rule = opdef.grad
    if rule is None:
        raise NoGradientError(
            "no gradient is defined for op '%s'%s; it lies between the sources and the target. "
            "Use ag.stop_gradient on its inputs if no gradient should flow through it"
            % (opdef.name, _where(node)))
    grads = rule(node, *ogs)
    if len(grads) != len(node.inputs):
        raise AssertionError("the gradient rule of %s returned %d gradients for %d inputs"
                             % (opdef.name, len(grads), len(node.inputs)))
    return grads


def _where(node):
    src = getattr(node, "source", None)
    name = getattr(node, "name", None)
    return (" (%s%s)" % (name, where(src))) if name else ""


# -- graph mode -----------------------------------------------------------------------------------
def gradients(ys, xs, grad_ys=None, name=None):
    """Adds ops computing the gradients of `sum(ys)` with respect to each of `xs`.

    Args:
      ys: a graph tensor or a (nested) list of them.
      xs: a tensor or variable, or a (nested) structure of them.
      grad_ys: optional gradients of `ys` (same structure); ones by default.
      name: the name scope of the backward ops ("gradients").
    Returns:
      Graph tensors in the structure of `xs`; None for an `x` the `ys` do not depend on
      (or whose dtype is not floating-point).
    Raises:
      LookupError: an op on the path has no gradient rule.
      TypeError: `ys` are not graph tensors.
    """
    flat_ys = [y._ag_read() if _is_var(y) else y for y in nest.flatten(ys)]
    flat_xs = nest.flatten(xs)
    flat_gy = [None] * len(flat_ys) if grad_ys is None else nest.flatten(grad_ys)
    if len(flat_gy) != len(flat_ys):
        raise ValueError("gradients: grad_ys must have the structure of ys (%d tensors), got %d"
                         % (len(flat_ys), len(flat_gy)))
    graph = None
    for y in flat_ys:
        if type(y) is Tensor:
            graph = y.graph
            break
    if graph is None:
        raise TypeError("ag.gradients works on graph tensors (inside ag.function or a Graph); "
                        "for eager tensors use ag.GradientTape")
    scope = context.graph_scope(graph) if context.ctx.graph is None else contextlib.nullcontext()
    with scope, context.ctx.graph.name_scope(name or "gradients"):
        grads = symbolic_gradients(flat_ys, flat_xs, flat_gy)
    return nest.pack_sequence_as(xs, grads)


def _graph_chain(g):
    out = []
    while g is not None:
        out.append(g)
        g = g.outer
    return out


def symbolic_gradients(ys, xs, grad_ys, op_filter=None, outward=True):
    """The graph backward pass. Returns one gradient (or None) per element of `xs`.

    `ys` live in one graph (or graphs enclosing it); `xs` are tensors of that graph or of an
    enclosing one (gradients of capture placeholders flow out to the captured tensors), or
    variables. `op_filter(op)` limits the ops differentiated (a tape uses the ops it saw).
    `outward=False` differentiates the innermost graph only (control-flow gradients, whose
    caller differentiates the enclosing graph itself).
    """
    ys_sym = [(y, g) for y, g in zip(ys, grad_ys) if type(y) is Tensor and
              (_float(y.dtype) or g is not None and _diff(y.dtype))]
    if not ys_sym:
        return [None] * len(xs)
    inner = max((y.graph for y, _ in ys_sym), key=lambda g: len(_graph_chain(g)))
    chain = _graph_chain(inner) if outward else [inner]
    src_vars = {x for x in xs if _is_var(x) and _float(x.dtype)}
    src_tensors = {x for x in xs if type(x) is Tensor and _diff(x.dtype)}

    # Forward: every tensor that depends on a source, outermost graph first.
    wanted = src_tensors | src_vars
    ops_of = {}
    for g in reversed(chain):
        for outer_t, inner_t in g.capture_list:
            if outer_t in wanted:
                wanted.add(inner_t)
        live = []
        for op in g.operations:
            if (op_filter is None or op_filter(op)) and _op_is_live(op, wanted, src_vars):
                live.append(op)
                for t in op.outputs:
                    if _diff(t.dtype):
                        wanted.add(t)
        ops_of[g] = live

    def rule_of(op, ogs):
        return graph_rule(op, ogs, wanted, src_vars)

    found = {}
    carried = {}
    for g in chain:
        seeds = {}
        for y, gy in ys_sym:
            if y.graph is g and y in wanted:
                gy = ones_like(y) if gy is None else gy
                seeds[y] = add_n([seeds[y], gy]) if y in seeds else gy
        for k, v in carried.items():
            seeds[k] = add_n([seeds[k], v]) if k in seeds else v
        if not seeds:
            continue
        captured = {inner_t: outer_t for outer_t, inner_t in g.capture_list}
        results = src_tensors | src_vars | set(captured)
        got = backprop(ops_of[g], seeds, wanted, _in_keys, _out_keys, rule_of, results)
        carried = {}
        for k, v in got.items():
            if k in src_vars or k in src_tensors:
                found[k] = add_n([found[k], v]) if k in found else v
            outer_t = captured.get(k)
            if outer_t is not None and outer_t in wanted:
                carried[outer_t] = add_n([carried[outer_t], v]) if outer_t in carried else v
    return [found.get(x) for x in xs]


def _in_keys(op):
    if op.opdef is READ_VARIABLE:
        return (op.attrs["var"],)
    return op.inputs


def _out_keys(op):
    return op.outputs


def _op_is_live(op, wanted, src_vars):
    opdef = op.opdef
    if opdef is READ_VARIABLE:
        return op.attrs["var"] in src_vars
    if opdef.differentiable is False:
        return False
    for t in op.inputs:
        if t in wanted:
            return True
    if src_vars and _is_control_flow(op):
        return bool(_vars_read(op) & src_vars)
    return False


def graph_rule(op, ogs, wanted, src_vars):
    """A graph op's input gradients, and gradients of variables read inside its subgraphs."""
    opdef = op.opdef
    if opdef is READ_VARIABLE:
        return [ogs[0]], {}
    attrs = op.attrs
    if "then_graph" in attrs:
        return cond_grad(op, ogs, [t in wanted for t in op.inputs], src_vars)
    if "body_graph" in attrs:
        return while_grad(op, ogs, [t in wanted for t in op.inputs], src_vars)
    if "function" in attrs and hasattr(attrs["function"], "graph"):
        return call_grad(op, ogs, [t in wanted for t in op.inputs], src_vars)
    return call_rule(op, ogs), {}


def control_flow_grad(op, ogs):
    """The plain gradient rule of cond / while ops: gradients of every floating input."""
    need = [_diff(t.dtype) for t in op.inputs]
    fn = cond_grad if "then_graph" in op.attrs else while_grad
    return fn(op, list(ogs), need, set())[0]


# -- control flow ---------------------------------------------------------------------------------
def _is_control_flow(op):
    """Ops that run subgraphs: cond, while, and calls of traced functions."""
    a = op.attrs
    return "then_graph" in a or "body_graph" in a or (
        "function" in a and hasattr(a["function"], "graph"))


def _subgraphs(op):
    a = op.attrs
    out = [a[k] for k in ("then_graph", "else_graph", "cond_graph", "body_graph") if k in a]
    if "function" in a and hasattr(a["function"], "graph"):
        out.append(a["function"].graph)
    return out


def _graph_vars(g):
    """Variables read anywhere in graph `g`, including nested subgraphs (cached per version)."""
    cached = getattr(g, "_ag_vars_read", None)
    if cached is not None and cached[0] == g.version:
        return cached[1]
    found = set()
    for op in g.operations:
        if op.opdef is READ_VARIABLE:
            found.add(op.attrs["var"])
        elif _is_control_flow(op):
            found |= _vars_read(op)
    g._ag_vars_read = (g.version, found)
    return found


def _vars_read(op):
    out = set()
    for sub in _subgraphs(op):
        out |= _graph_vars(sub)
    return out


def replay(sub, mapping):
    """Copies the ops of subgraph `sub` that its outputs need into the current graph.

    Args:
      mapping: {tensor of sub: tensor to use instead} (at least `sub.inputs`).
    Returns:
      The copies of `sub.outputs`.
    """
    g = context.ctx.graph
    m = dict(mapping)
    for op in needed_ops(sub.outputs, list(mapping)):
        if all(t in m for t in op.outputs):
            continue
        if op.opdef.name == "placeholder":
            raise AssertionError("replay: unmapped input %s of %s" % (op.name, sub.name))
        res = g.create_op(op.opdef, [m[t] for t in op.inputs], dict(op.attrs),
                          source=op.source)
        outs = (res,) if isinstance(res, Tensor) else res if isinstance(res, tuple) else ()
        m.update(zip(op.outputs, outs))
    return [m[t] for t in sub.outputs]


def _capture(t):
    """`t` as a tensor of the graph being built (capturing an enclosing graph's tensor)."""
    g = context.ctx.graph
    if type(t) is not Tensor or t.graph is g:
        return t
    return g.capture(t)


def call_grad(op, ogs, need, src_vars):
    """Gradient of a call of a traced function: its ops replayed here, then differentiated."""
    sub = op.attrs["function"].graph
    ins = op.inputs
    pos = [i for i in range(len(ins)) if need[i] and _diff(ins[i].dtype)]
    vars_ = sorted(_graph_vars(sub) & src_vars, key=lambda v: v._uid)
    if not pos and not vars_:
        return [None] * len(ins), {}
    g = context.ctx.graph
    start = len(g.operations)
    outs = replay(sub, dict(zip(sub.inputs, ins)))
    ys, dys = [], []
    for o, gy in zip(outs, ogs):
        if gy is not None and _diff(o.dtype):
            ys.append(o)
            dys.append(gy)
    got = symbolic_gradients(ys, [ins[i] for i in pos] + vars_, dys, outward=False,
                             op_filter=lambda o: o.graph is not g or o.index >= start)
    grads = [None] * len(ins)
    for i, gi in zip(pos, got):
        grads[i] = gi
    return grads, dict(zip(vars_, got[len(pos):]))


def cond_grad(op, ogs, need, src_vars):
    """Gradient of a cond op: a cond on the same predicate over the branches' gradients."""
    from autograph.runtime import control_flow as cf
    a = op.attrs
    then_g, else_g, n = a["then_graph"], a["else_graph"], a["n_then"]
    ins = op.inputs
    gs = ogs
    pos = [i for i in range(1, len(ins)) if need[i] and _diff(ins[i].dtype)]
    vars_ = sorted(_vars_read(op) & src_vars, key=lambda v: v._uid)
    if not pos and not vars_:
        return [None] * len(ins), {}

    def branch(sub, lo):
        def fn():
            mapping = {ph: _capture(ins[lo + j]) for j, ph in enumerate(sub.inputs)}
            outs = replay(sub, mapping)
            ys, dys = [], []
            for o, g in zip(outs, gs):
                if g is not None and _diff(o.dtype):
                    ys.append(o)
                    dys.append(g)
            mine = [i for i in pos if lo <= i < lo + len(sub.inputs)]
            xs = [mapping[sub.inputs[i - lo]] for i in mine] + vars_
            got = symbolic_gradients(ys, xs, dys, outward=False) if ys else [None] * len(xs)
            by_pos = dict(zip(mine, got))
            result = []
            for i in pos:
                g = by_pos.get(i)
                result.append(g if g is not None else zeros_like(_capture(ins[i])))
            for v, g in zip(vars_, got[len(mine):]):
                result.append(g if g is not None else zeros_like(v))
            return result
        return fn

    res = cf.cond(ins[0], branch(then_g, 1), branch(else_g, 1 + n))
    grads = [None] * len(ins)
    for i, g in zip(pos, res):
        grads[i] = g
    return grads, dict(zip(vars_, res[len(pos):]))


def while_grad(op, ogs, need, src_vars):
    """Gradient of a while op: record the forward iterations, then run them backwards."""
    from autograph.runtime import control_flow as cf
    from autograph.runtime.tensor_array import TensorArray
    a = op.attrs
    n, nc, nb = a["n_vars"], a["n_cond"], a["n_body"]
    cond_g, body_g = a["cond_graph"], a["body_graph"]
    ins = op.inputs
    init, ccaps, bcaps = ins[:n], ins[n:n + nc], ins[n + nc:n + nc + nb]
    fvars = [j for j in range(n) if _diff(body_g.inputs[j].dtype)]
    caps_pos = [k for k in range(nb) if need[n + nc + k] and _diff(bcaps[k].dtype)]
    vars_ = sorted(_graph_vars(body_g) & src_vars, key=lambda v: v._uid)
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
    zero = array_ops.zeros([], _int32())
    count, _, saved = cf.while_loop(rec_cond, rec_body, (zero, list(init), tas0),
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
        caps = [_capture(c) for c in bcaps]
        outs = replay(body_g, dict(zip(body_g.inputs, vs + caps)))
        ys = [outs[j] for j in fvars]
        xs = [vs[j] for j in fvars] + [caps[c] for c in caps_pos] + vars_
        got = symbolic_gradients(ys, xs, list(gv), outward=False)
        nf, nk = len(fvars), len(caps_pos)
        new_gv = [g if g is not None else zeros_like(vs[j]) for g, j in zip(got[:nf], fvars)]
        new_gc = [acc if g is None else add_n([acc, g]) for acc, g in zip(gc, got[nf:nf + nk])]
        new_gw = [acc if g is None else add_n([acc, g]) for acc, g in zip(gw, got[nf + nk:])]
        return k, new_gv, new_gc, new_gw

    _, gv, gc, gw = cf.while_loop(back_cond, back_body, (count, gv0, gc0, gw0),
                                  relax_shapes=True)
    grads = [None] * len(ins)
    for j, g in zip(fvars, gv):
        if need[j]:
            grads[j] = g
    for k, g in zip(caps_pos, gc):
        grads[n + nc + k] = g
    return grads, dict(zip(vars_, gw))


def _int32():
    from autograph.runtime import dtypes
    return dtypes.int32


# -- checking -------------------------------------------------------------------------------------
def check_gradients(f, *xs, delta=1e-6, seed=0, mode="eager"):
    """Compares the gradient of `f` at `xs` with central finite differences.

    The scalar checked is `sum(f(*xs) * w)` for a fixed random `w`, so every output element
    counts. Use float64 inputs.

    Args:
      f: a function of tensors returning a tensor (or a list of them, summed).
      xs: numpy arrays; floating-point ones are differentiated, others are passed as they are.
      mode: "eager" (GradientTape), "graph" (`gradients` in a Graph run by a Session) or
        "graph_dynamic" (the same with placeholders of unknown dimensions).
    Returns:
      A list of (analytic, numeric) numpy pairs, one per floating-point input.
    """
    import numpy as np
    from autograph.runtime import dtypes
    from autograph.runtime.graph import Graph
    from autograph.runtime.ops import core_ops, math_ops, reduction_ops
    from autograph.runtime.session import Session
    from autograph.runtime.tape import GradientTape
    from autograph.runtime.tensor import EagerTensor

    rng = np.random.default_rng(seed)
    weights = {}

    def scalar(ins):
        total = None
        for i, o in enumerate(nest.flatten(f(*ins))):
            if o is None or not o.dtype.is_floating:
                continue
            w = weights.get(i)
            if w is None:
                w = rng.uniform(0.5, 1.5, np.shape(o.numpy())).astype(o.dtype.np_dtype)
                weights[i] = w
            term = reduction_ops.reduce_sum(math_ops.multiply(o, w))
            if term.dtype is not dtypes.float64:
                term = math_ops.cast(term, dtypes.float64)
            total = term if total is None else math_ops.add(total, term)
        return total

    values = [np.asarray(x) for x in xs]
    floats = [i for i, v in enumerate(values) if v.dtype.kind == "f"]

    def as_inputs(vals):
        return [EagerTensor(v, dtypes.from_numpy(v.dtype)) if i in floats else v
                for i, v in enumerate(vals)]

    scalar(as_inputs(values))          # fixes the weights from the eager output shapes
    if mode == "eager":
        tensors = as_inputs(values)
        with GradientTape() as tape:
            for i in floats:
                tape.watch(tensors[i])
            y = scalar(tensors)
        grads = tape.gradient(y, [tensors[i] for i in floats])

        def evaluate(vals):
            return float(scalar(as_inputs(vals)).numpy())
    elif mode in ("graph", "graph_dynamic"):
        graph = Graph()
        with graph.as_default():
            phs = {i: core_ops.placeholder(
                dtypes.from_numpy(values[i].dtype),
                values[i].shape if mode == "graph" else [None] * values[i].ndim)
                for i in floats}
            ins = [phs[i] if i in floats else v for i, v in enumerate(values)]
            y = scalar(ins)
            grads = gradients(y, [phs[i] for i in floats])
            sess = Session(graph)
            feed = {phs[i]: values[i] for i in floats}
            grads = [None if g is None else EagerTensor(sess.run(g, feed), dtypes.float64)
                     for g in grads]

        def evaluate(vals):
            return float(sess.run(y, {phs[i]: vals[i] for i in floats}))
    else:
        raise ValueError("mode must be 'eager', 'graph' or 'graph_dynamic', got %r" % (mode,))
    out = []
    for i, g in zip(floats, grads):
        v = values[i]
        num = np.zeros(v.shape, np.float64)
        for j in range(v.size):
            up, down = v.copy(), v.copy()
            up.flat[j] += delta
            down.flat[j] -= delta
            hi = evaluate(values[:i] + [up] + values[i + 1:])
            lo = evaluate(values[:i] + [down] + values[i + 1:])
            num.flat[j] = (hi - lo) / (2 * delta)
        ana = np.zeros(v.shape) if g is None else np.asarray(g.numpy(), np.float64)
        out.append((ana, num))
    return out
