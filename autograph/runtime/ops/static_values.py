"""Values known while a graph is built, and the int attributes read from them.

`get_static_value` knows eager tensors and Python/numpy values itself; for graph tensors it asks
the static-value rule of the op that made them. Op modules register those rules beside their
declarations (`constant`, `shape`/`size`/`rank`, `strided_slice`), so this module sits below
every op module and imports none of them.
"""
import operator

import numpy as np

from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy

_RULES = {}     # OpDef -> rule(op) -> the value of its output as numpy, or None


def register(opdef, rule):
    """Declares how `opdef`'s output value is known without running: `rule(op)` -> value/None."""
    _RULES[opdef] = rule


def get_static_value(x):
    """The value of `x` as numpy if it is known without running a graph, else None.

    Known: eager tensors, Python/numpy values, graph constants, shape/size/rank of tensors
    whose static shape settles them, and static slices of those (`shape(x)[0]`). Variables
    are never static (they change).
    """
    t = type(x)
    if t is EagerTensor:
        return x._value
    if t is Tensor:
        op = x.op
        rule = _RULES.get(op.opdef)
        return None if rule is None else rule(op)
    if hasattr(x, "_ag_read"):
        return None
    try:
        return to_numpy(x)[0]
    except (TypeError, ValueError):
        return None


def int_attr(value, what):
    """A Python int from an int, numpy int or eager int tensor (attributes are static)."""
    if type(value) is int:
        return value
    if type(value) is bool or isinstance(value, np.bool_):
        raise TypeError("%s must be an int, got a bool" % what)
    if type(value) is Tensor:
        v = get_static_value(value)
        if v is None:
            raise TypeError("%s must be known when the graph is built, got the graph tensor %s"
                            % (what, value.name))
        value = v
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError("%s must be an int, got %r" % (what, value)) from None


def int_tuple(value, what):
    """A tuple of Python ints from an int or a list/tuple/1-D value of ints (static)."""
    if type(value) is Tensor:
        v = get_static_value(value)
        if v is None:
            raise TypeError("%s must be known when the graph is built, got the graph tensor %s"
                            % (what, value.name))
        value = v
    if isinstance(value, (list, tuple)):
        return tuple(int_attr(v, what) for v in value)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return (int_attr(value, what),)
    return tuple(int_attr(v, what) for v in arr.reshape(-1))

