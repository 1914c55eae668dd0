"""`function_call`: runs a traced function's graph as one op of another graph.

    outputs = function_call(*inputs, function=f)   ==  f.graph run on inputs

`function` is any object with a `graph` (inputs, outputs) and a compiled `_plan(*values)`;
`ag.function`'s concrete functions are. Every rule of the op is declared here: the kernel runs
the plan, the executor inlines the function's ops into the enclosing plan, the interpreter runs
them op by op, and the gradient replays them and differentiates the copy.
"""
from autograph.runtime import context, executor
from autograph.runtime.gradients import (differentiable, graph_variables, replay, sources_in,
                                         symbolic_gradients)
from autograph.runtime.registry import declare


def _call_dtypes(ds, attrs):
    return [t.dtype for t in attrs["function"].outputs]


def _call_shapes(shapes, attrs):
    return [t.shape for t in attrs["function"].outputs]


def _call_kernel(*values, function):
    return function._plan(*values)


def _emit_call(em, op, ins, outs, indent):
    """The function's ops inlined into the enclosing plan (no call between plans)."""
    sub = op.attrs["function"].graph
    res = executor.emit_graph(em, sub, sub.inputs, ins, sub.outputs, True, indent)
    if outs:
        em.add("%s= %s" % (em.names_for(outs), em.names_for(res)), op, indent)


def _call_subgraphs(op):
    return [op.attrs["function"].graph]


def _interpret_call(op, ins, run):
    return run(op.attrs["function"].graph, ins)


def _call_grad(op, ogs, need, src_vars):
    """The function's ops replayed in the graph being built, then differentiated."""
    sub = op.attrs["function"].graph
    ins = op.inputs
    pos = [i for i in range(len(ins)) if need[i] and differentiable(ins[i].dtype)]
    vars_ = sources_in(graph_variables(sub), src_vars)
    if not pos and not vars_:
        return [None] * len(ins), {}
    g = context.ctx.graph
    start = len(g.operations)
    outs = replay(sub, dict(zip(sub.inputs, ins)))
    ys, dys = [], []
    for o, gy in zip(outs, ogs):
        if gy is not None and differentiable(o.dtype):
            ys.append(o)
            dys.append(gy)
    got = symbolic_gradients(ys, [ins[i] for i in pos] + vars_, dys, outward=False,
                             op_filter=lambda o: o.graph is not g or o.index >= start)
    grads = [None] * len(ins)
    for i, gi in zip(pos, got):
        grads[i] = gi
    return grads, dict(zip(vars_, got[len(pos):]))


_CALL_RULES = dict(dtype=_call_dtypes, shape=_call_shapes, emit=_emit_call,
                   subgraphs=_call_subgraphs, interpret=_interpret_call, graph_grad=_call_grad)
CALL = declare(
    "function_call", _call_kernel, **_CALL_RULES,
    doc="Runs a traced ag.function (its compiled plan) on its inputs and captured tensors.")
STATEFUL_CALL = declare(
    "stateful_function_call", _call_kernel, stateful=True, **_CALL_RULES,
    doc="A function_call whose function has side effects (print, assign, assert, random).")
