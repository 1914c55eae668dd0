"""Gradient checking: analytic gradients against central finite differences (used by tests)."""
import numpy as np

from autograph.runtime import dtypes, nest
from autograph.runtime.gradients import gradients
from autograph.runtime.graph import Graph
from autograph.runtime.ops import core_ops, math_ops, reduction_ops
from autograph.runtime.session import Session
from autograph.runtime.tape import GradientTape
from autograph.runtime.tensor import EagerTensor


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
