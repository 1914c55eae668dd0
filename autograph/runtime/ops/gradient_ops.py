"""Ops that exist for automatic differentiation: stop_gradient and broadcast reduction.

Gradient rules live beside each op's declaration; the ones for broadcasting ops reduce the
incoming gradient to each input's shape with `unbroadcast`. Its op takes the input itself (only
for its shape), so it also works in graphs where some dimensions are known only at run time.
This module imports only the registry, so every op module can use it.
"""
import threading

import numpy as np

from autograph.runtime.ops import rules
from autograph.runtime.registry import apply, declare
from autograph.runtime.tensor import EagerTensor, Tensor


# -- which input gradients are used --------------------------------------------------------------
_rule_state = threading.local()


def input_needed(i):
    """Inside a gradient rule: False when the gradient of input `i` will not be used.

    The backward pass sets this around each rule call, so rules of costly ops (matmul,
    conv2d) can skip work for inputs such as constants or data. Outside a backward pass (or
    when unknown) it is True.
    """
    needed = getattr(_rule_state, "needed", None)
    return needed is None or needed[i]


def set_inputs_needed(needed):
    """Sets what `input_needed` answers; returns the previous setting (to restore)."""
    old = getattr(_rule_state, "needed", None)
    _rule_state.needed = needed
    return old


# -- stop_gradient ----------------------------------------------------------------------------
def _identity(x):
    return x


STOP_GRADIENT = declare("stop_gradient", _identity, dtype=rules.same_as_first,
                        shape=rules.same_shape, differentiable=False,
                        doc="Returns its input; gradients do not flow through it.")


def stop_gradient(x, name=None):
    """Returns `x` unchanged, but as a constant for differentiation.

    Tapes and `ag.gradients` treat the result as if it did not depend on `x`.
    """
    return apply(STOP_GRADIENT, [x], name=name)


# -- broadcast reduction ----------------------------------------------------------------------
def sum_to_shape(g, shape):
    """numpy: sums `g` over the axes that broadcasting added or stretched to reach `shape`."""
    gs = np.shape(g)
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                      if d == 1 and gs[lead + i] != 1)
    out = np.sum(g, axis=axes, keepdims=False) if axes else g
    return np.reshape(out, shape)


def _sum_to_like(g, like):
    return sum_to_shape(g, np.shape(like))


def _broadcast_like(g, like):
    return np.broadcast_to(g, np.shape(like)).copy()


def _second_shape(shapes, attrs):
    return shapes[1]


def _sum_to_like_grad(op, g):
    return [broadcast_like(g, op.inputs[0]), None]


def _broadcast_like_grad(op, g):
    return [sum_to_like(g, op.inputs[0]), None]


SUM_TO_LIKE = declare("sum_to_like", _sum_to_like, dtype=rules.same_as_first,
                      shape=_second_shape, grad=_sum_to_like_grad,
                      doc="Sums a broadcast gradient back to the shape of the second input.")
BROADCAST_LIKE = declare("broadcast_like", _broadcast_like, dtype=rules.same_as_first,
                         shape=_second_shape, grad=_broadcast_like_grad,
                         doc="Broadcasts the first input to the shape of the second.")


def sum_to_like(g, like):
    return apply(SUM_TO_LIKE, [g, like])


def broadcast_like(g, like):
    return apply(BROADCAST_LIKE, [g, like])


def _static_dims(x):
    if type(x) is EagerTensor:
        return np.shape(x._value)
    if isinstance(x, Tensor) or hasattr(x, "_ag_read"):
        return x.shape.dims
    return np.shape(x)


def unbroadcast(g, x):
    """The gradient `g` of a broadcasting op's output, reduced to the shape of input `x`.

    Adds no op when the static shapes show that nothing was broadcast.
    """
    if g is None:
        return None
    gd, xd = _static_dims(g), _static_dims(x)
    if gd is not None and gd == xd and None not in gd:
        return g
    return sum_to_like(g, x)
