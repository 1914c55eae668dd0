"""The text form of a graph: one line per op, like Python (`add_1 = add(x, y)`)."""
import numpy as np


def _ident(name):
    return name.replace("/", ".")


def _attr_text(k, v):
    if hasattr(v, "operations") and hasattr(v, "outer"):      # a subgraph
        return "%s=<%s>" % (k, v.name)
    if k == "var":
        return "var=%s" % v.name
    if isinstance(v, np.ndarray) and v.size > 6:
        return "%s=<%s %s>" % (k, v.dtype, v.shape)
    if isinstance(v, (np.ndarray, np.generic)):
        return "%s=%s" % (k, np.array2string(np.asarray(v), separator=", "))
    return "%s=%r" % (k, v)


def op_text(op):
    """One op as a line of the text form: `add_1 = add(x, y)`."""
    outs = [_ident(op.name) if len(op.outputs) == 1 else "%s_%d" % (_ident(op.name), i)
            for i, _ in enumerate(op.outputs)]
    args = [_ident(t.op.name) if len(t.op.outputs) == 1 else "%s_%d" % (_ident(t.op.name),
                                                                         t.value_index)
            for t in op.inputs]
    args += [_attr_text(k, v) for k, v in op.attrs.items() if k != "template"]
    call = "%s(%s)" % (op.opdef.name, ", ".join(args))
    return "%s = %s" % (", ".join(outs), call) if outs else call


def graph_to_text(graph):
    return "\n".join(op_text(op) for op in graph.operations)
