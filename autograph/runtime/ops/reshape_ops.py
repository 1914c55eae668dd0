"""Reshaping: reshape, expand_dims, squeeze, broadcast_to, and `shape_arg`, which reads the
shape arguments of these and of the creation and random ops.

Shape-valued arguments (`zeros(shape)`, `reshape(x, shape)`, ...) are attributes when their
value is known while building (Python ints, eager tensors, constants, `shape()` of a fully
defined tensor), so the output shape is static and eager calls convert nothing. Only a shape
computed by the graph becomes an extra int tensor input (`dims`), and the static shape then
keeps what is known (its length, known entries).

Results may be numpy views of their inputs: tensors are immutable, so kernels and variables
never write into an array they did not create.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.ops import rules
from autograph.runtime.ops.core_ops import cast
from autograph.runtime.ops.gradient_ops import unbroadcast
from autograph.runtime.ops.join_ops import stack
from autograph.runtime.ops.shape_ops import SHAPE, shape
from autograph.runtime.ops.static_values import get_static_value, int_attr, int_tuple
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape, as_shape, broadcast
from autograph.runtime.tensor import Tensor


# == shape arguments ============================================================================

def shape_arg(shape, allow_inferred=False, what="shape"):
    """Splits a shape argument into (static dims, dims tensor or None).

    Static dims is a tuple of ints (and None where only the graph knows the size), or None when
    even the rank is unknown. The dims tensor is an int tensor given when the shape is computed
    by the graph. `allow_inferred` accepts -1 (reshape).

    Raises:
      TypeError: not a shape (floats, bools, nested lists). ValueError: a negative size.
    """
    t = type(shape)
    if (t is tuple or t is list) and all(type(d) is int for d in shape):
        static, dims = tuple(shape), None
    elif isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("%s must be fully defined, got %s" % (what, shape))
        static, dims = shape.dims, None
    elif t is Tensor:
        v = get_static_value(shape)
        if v is None:
            static, dims = _dynamic_dims(shape, what)
        else:
            static, dims = _static_dims(v, what), None
    elif (t is tuple or t is list) and any(type(d) is Tensor for d in shape):
        vals = [get_static_value(d) if type(d) is Tensor else d for d in shape]
        if any(v is None for v in vals):
            static = tuple(None if v is None else int_attr(v, what) for v in vals)
            dims = stack([cast(d, dtypes.int32) if isinstance(d, Tensor)
                          else int_attr(d, what) for d in shape])
        else:
            static, dims = _static_dims(vals, what), None
    else:
        static, dims = _static_dims(shape, what), None
    if static is not None:
        for d in static:
            if d is not None and d < 0 and not (allow_inferred and d == -1):
                raise ValueError("%s must not have negative sizes, got %s" % (what, static))
    return static, dims


def _static_dims(value, what):
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (int(value),)
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim > 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise TypeError("%s must be a list of ints or a 1-D int tensor, got %r" % (what, value))
    return tuple(int(d) for d in arr.reshape(-1))


def _dynamic_dims(t, what):
    if not t.dtype.is_integer:
        raise TypeError("%s must be an int tensor, got %s" % (what, t.dtype.name))
    rank = t.shape.rank
    if rank == 0:
        return (None,), stack([t])
    if rank is None:
        return None, t
    if rank != 1:
        raise ValueError("%s must be a 1-D int tensor, got shape %s" % (what, t.shape))
    if t.op.opdef is SHAPE:         # shape(x): the dims of x known statically carry over
        return t.op.inputs[0].shape.dims, t
    n = t.shape[0]
    return (None if n is None else (None,) * n), t


# == reshape / expand_dims / squeeze / broadcast_to ============================================

def _reshape(x, *dims, shape):
    return x.reshape(dims[0] if dims else shape)


def _reshape_shape(shapes, attrs):
    src, target = shapes[0], attrs["shape"]
    if target is None:
        return UNKNOWN
    n_inferred = sum(1 for d in target if d == -1)
    if n_inferred > 1:
        raise ValueError("only one dimension can be -1, got %s" % (target,))
    out = [None if d is None or d == -1 else d for d in target]
    known = 1
    for d in out:
        if d is not None:
            known *= d
    n = src.num_elements()
    if n is not None:
        if None not in out and n != known or known and n % known:
            raise ValueError("cannot reshape a tensor of shape %s (%d elements) into shape %s"
                             % (src, n, _fmt_target(target)))
        if n_inferred and None not in target and known:
            out[target.index(-1)] = n // known
    return TensorShape(out)


def _fmt_target(target):
    return "(%s)" % ", ".join("?" if d is None else str(d) for d in target) + (
        "," if len(target) == 1 else "")


def reshape_like(g, x):
    """`g` reshaped to the shape of `x` (the static shape when known, else read at run time)."""
    s = x.shape
    return reshape(g, s.as_list() if s.is_fully_defined() else shape(x))


def _reshape_grad(op, g):
    return [reshape_like(g, op.inputs[0])] + [None] * (len(op.inputs) - 1)


RESHAPE = declare("reshape", _reshape, dtype=rules.same_as_first, shape=_reshape_shape,
                  grad=_reshape_grad, doc="Same elements (row-major order) in a new shape.")


def reshape(tensor, shape, name=None):
    """The elements of `tensor` in row-major order, with a new shape.

    Args:
      tensor: a tensor.
      shape: the new shape; one entry may be -1 (inferred from the number of elements).
    Returns:
      A tensor of tensor's dtype with the new shape.
    Raises:
      ValueError: the element counts differ (names both shapes), or several -1 entries.
    """
    static, dims = shape_arg(shape, allow_inferred=True)
    return apply(RESHAPE, [tensor] if dims is None else [tensor, dims], {"shape": static},
                 name=name)


def _expand_dims(x, axis):
    shape = x.shape
    a = rules.check_axis(axis, len(shape), extra=1)
    return x.reshape(shape[:a] + (1,) + shape[a:])


def _expand_dims_shape(shapes, attrs):
    s = shapes[0]
    if s.rank is None:
        return UNKNOWN
    a = rules.check_axis(attrs["axis"], s.rank, extra=1)
    return TensorShape(s.dims[:a] + (1,) + s.dims[a:])


def _expand_dims_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


EXPAND_DIMS = declare("expand_dims", _expand_dims, dtype=rules.same_as_first,
                      shape=_expand_dims_shape, grad=_expand_dims_grad,
                      doc="Inserts an axis of size 1.")


def expand_dims(input, axis, name=None):
    """Inserts an axis of size 1 at `axis` (in -rank-1 .. rank).

    Args:
      input: a tensor.
      axis: where the new axis goes; negative counts from the end.
    Returns:
      A tensor with rank + 1 axes.
    Raises:
      ValueError: axis is out of range.
    """
    return apply(EXPAND_DIMS, [input], {"axis": int_attr(axis, "axis")}, name=name)


def _squeeze(x, axis):
    return np.squeeze(x, axis)


def _squeeze_shape(shapes, attrs):
    s, axis = shapes[0], attrs["axis"]
    if s.rank is None:
        return UNKNOWN
    if axis is None:
        if None in s.dims:
            return UNKNOWN      # which axes have size 1 is only known at run time
        return TensorShape([d for d in s.dims if d != 1])
    axes = set()
    for a in axis:
        a = rules.check_axis(a, s.rank)
        if s.dims[a] is not None and s.dims[a] != 1:
            raise ValueError("cannot squeeze axis %d of shape %s: its size is %d, not 1"
                             % (a, s, s.dims[a]))
        axes.add(a)
    return TensorShape([d for i, d in enumerate(s.dims) if i not in axes])


def _squeeze_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


SQUEEZE = declare("squeeze", _squeeze, dtype=rules.same_as_first, shape=_squeeze_shape,
                  grad=_squeeze_grad, doc="Removes axes of size 1.")


def squeeze(input, axis=None, name=None):
    """Removes axes of size 1: all of them, or those listed in `axis`.

    Args:
      input: a tensor.
      axis: None, an int or a list of ints.
    Returns:
      A tensor of input's dtype with those axes removed.
    Raises:
      ValueError: a listed axis does not have size 1, or is out of range.
    """
    if axis is not None:
        axis = int_tuple(axis, "axis")
    return apply(SQUEEZE, [input], {"axis": axis}, name=name)


def _broadcast_to(x, *dims, shape):
    return np.broadcast_to(x, dims[0] if dims else shape)


def _broadcast_to_shape(shapes, attrs):
    s, target = shapes[0], as_shape(attrs["shape"])
    try:
        out = broadcast(s, target)
    except ValueError:
        out = None
    if out is None or (out.rank is not None and target.rank is not None
                       and out.rank != target.rank):
        raise ValueError("cannot broadcast shape %s to %s" % (s, target))
    return target.merge_with(out) if out.rank is not None else target


def _broadcast_to_grad(op, g):
    return [unbroadcast(g, op.inputs[0])] + [None] * (len(op.inputs) - 1)


BROADCAST_TO = declare("broadcast_to", _broadcast_to, dtype=rules.same_as_first,
                       shape=_broadcast_to_shape, grad=_broadcast_to_grad,
                       doc="Repeats the input to a larger shape.")


def broadcast_to(input, shape, name=None):
    """Broadcasts `input` to `shape` (numpy rules).

    Args:
      input: a tensor.
      shape: the target shape.
    Returns:
      A tensor of input's dtype and `shape`.
    Raises:
      ValueError: the shapes are not compatible (names both).
    """
    static, dims = shape_arg(shape)
    return apply(BROADCAST_TO, [input] if dims is None else [input, dims], {"shape": static},
                 name=name)
