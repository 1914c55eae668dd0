"""Runs one computation eagerly, in a Graph + Session, and inside ag.function."""
import numpy as np

import autograph as ag

MODES = ["eager", "graph", "function"]


def run(mode, fn, *args):
    """`fn(*tensors)` with args given as numpy values; returns numpy results."""
    if mode == "eager":
        out = fn(*[ag.constant(a) for a in args])
    elif mode == "graph":
        with ag.Graph().as_default():
            out = fn(*[ag.constant(a) for a in args])
            with ag.Session() as sess:
                out = sess.run(out)
    else:
        out = ag.function(fn)(*[ag.constant(a) for a in args])
    return ag.nest.map_structure(
        lambda t: np.asarray(t.numpy() if hasattr(t, "numpy") else t), out)
