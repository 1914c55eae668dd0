"""Reverse-mode differentiation: the backward pass shared by tapes and graphs.

    grads = ag.gradients(ys, xs)     # in a graph: adds the backward ops, returns dys/dxs

Each op's gradient rule is declared beside the op: `rule(op, *output_grads) -> input grads`.
Rules are written with ordinary ops, so one rule serves both callers of `backprop` below:

- `GradientTape` (eager): the nodes are the tape's records of ops that ran, and rules run
  eagerly (an outer tape records them, which gives higher-order gradients);
- `gradients` (graph): the nodes are graph operations, and rules add ops to the graph.

Variables enter a graph through `read_variable` ops; a variable source collects the gradients
of every read of it, including reads inside `cond` branches and `while_loop` bodies.

Ops that run subgraphs (cond, while, function calls) declare their own `graph_grad` beside
them (runtime/control_flow.py, runtime/call_op.py); this module only gives them the tools:
`replay` copies a subgraph into the graph being built, `symbolic_gradients` differentiates it,
`graph_variables` says which variables a subgraph reads. Replayed subgraphs are recomputed, so
random ops or variable updates inside a differentiated branch or loop body are recomputed too
(their gradient sees the recomputed values).
"""
import contextlib
import weakref

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


def differentiable(dtype):
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
              (_float(y.dtype) or g is not None and differentiable(y.dtype))]
    if not ys_sym:
        return [None] * len(xs)
    inner = max((y.graph for y, _ in ys_sym), key=lambda g: len(_graph_chain(g)))
    chain = _graph_chain(inner) if outward else [inner]
    src_vars = {x for x in xs if _is_var(x) and _float(x.dtype)}
    src_tensors = {x for x in xs if type(x) is Tensor and differentiable(x.dtype)}

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
                    if differentiable(t.dtype):
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
        return bool(variables_read(op) & src_vars)
    return False


def graph_rule(op, ogs, wanted, src_vars):
    """A graph op's input gradients, and gradients of variables read inside its subgraphs."""
    opdef = op.opdef
    if opdef is READ_VARIABLE:
        return [ogs[0]], {}
    if opdef.graph_grad is not None:
        return opdef.graph_grad(op, ogs, [t in wanted for t in op.inputs], src_vars)
    return call_rule(op, ogs), {}


# -- control flow ---------------------------------------------------------------------------------
def _is_control_flow(op):
    """Ops that run subgraphs: cond, while, and calls of traced functions."""
    return op.opdef.subgraphs is not None


# graph -> (graph.version, variables read): graphs only grow, so the version validates it.
_VARS_READ = weakref.WeakKeyDictionary()


def graph_variables(g):
    """Variables read anywhere in graph `g`, including nested subgraphs (cached per version)."""
    cached = _VARS_READ.get(g)
    if cached is not None and cached[0] == g.version:
        return cached[1]
    found = set()
    for op in g.operations:
        if op.opdef is READ_VARIABLE:
            found.add(op.attrs["var"])
        elif _is_control_flow(op):
            found |= variables_read(op)
    _VARS_READ[g] = (g.version, found)
    return found


def variables_read(op):
    """Variables read by the subgraphs of a subgraph op."""
    out = set()
    for sub in op.opdef.subgraphs(op):
        out |= graph_variables(sub)
    return out


def sources_in(variables, src_vars):
    """The source variables among `variables`, in a stable order."""
    return sorted(variables & src_vars, key=lambda v: v._uid)


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


def capture(t):
    """`t` as a tensor of the graph being built (capturing an enclosing graph's tensor)."""
    g = context.ctx.graph
    if type(t) is not Tensor or t.graph is g:
        return t
    return g.capture(t)
