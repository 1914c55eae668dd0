"""The graph interpreter: runs a graph op by op through `registry.apply`.

    outputs = interpret(graph, input_values)

Each op runs eagerly, so an active GradientTape records every op (variable reads included).
Ops that run subgraphs (cond, while, function calls) run them through their declared
`interpret` rule, which calls back into `interpret`: the taken branch only, the loop in Python.
The executor compiles graphs instead; this is the slow, observable way to run them.
"""
from autograph.runtime import registry


def interpret(graph, values):
    """Runs `graph` on `values` (one per `graph.inputs`); returns its outputs' values."""
    env = dict(zip(graph.inputs, values))
    for op in graph.operations:
        if op.outputs and all(t in env for t in op.outputs):
            continue
        ins = [env[t] for t in op.inputs]
        opdef = op.opdef
        if opdef.interpret is not None:
            outs = opdef.interpret(op, ins, interpret)
        else:
            res = registry.apply(opdef, ins, op.attrs)
            outs = res if isinstance(res, tuple) else () if res is None else (res,)
        env.update(zip(op.outputs, outs))
    return [env[t] for t in graph.outputs]
