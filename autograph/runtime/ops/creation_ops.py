"""Creating tensors: zeros, ones, fill and range.

The shape arguments are read by `reshape_ops.shape_arg` (static attributes when known while
building). This module sits above reduction_ops: the gradient of `fill` is a reduce_sum.
One block per op: kernel, declaration, public function.
"""
import math

import numpy as np

from autograph.runtime import context, dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.ops.core_ops import cast
from autograph.runtime.ops.reduction_ops import reduce_sum
from autograph.runtime.ops.reshape_ops import shape_arg
from autograph.runtime.ops.static_values import get_static_value
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import TensorShape, as_shape
from autograph.runtime.tensor import Tensor, to_numpy


# == zeros / ones / fill ========================================================================

def _zeros(*dims, shape, dtype):
    return np.zeros(dims[0] if dims else shape, dtype.np_dtype)


ZEROS = declare("zeros", _zeros, dtype=rules.from_attr, shape=rules.shape_attr,
                differentiable=False, doc="A tensor of zeros.")


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of the given shape filled with zeros.

    Args:
      shape: list/tuple of ints, TensorShape, or 1-D int tensor.
      dtype: element type (default float32).
    Returns:
      A tensor of `dtype` and `shape`.
    Raises:
      TypeError/ValueError: `shape` is not a valid shape.
    """
    static, dims = shape_arg(shape)
    return apply(ZEROS, [] if dims is None else [dims],
                 {"shape": static, "dtype": dtypes.as_dtype(dtype)}, name=name)


def _ones(*dims, shape, dtype):
    return np.ones(dims[0] if dims else shape, dtype.np_dtype)


ONES = declare("ones", _ones, dtype=rules.from_attr, shape=rules.shape_attr,
               differentiable=False, doc="A tensor of ones.")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of the given shape filled with ones. Args, Returns, Raises: as `zeros`."""
    static, dims = shape_arg(shape)
    return apply(ONES, [] if dims is None else [dims],
                 {"shape": static, "dtype": dtypes.as_dtype(dtype)}, name=name)


def _fill(value, *dims, shape):
    if np.ndim(value):
        raise ValueError("fill: the value must be a scalar, got shape %s"
                         % (TensorShape(np.shape(value)),))
    return np.full(dims[0] if dims else shape, value, value.dtype)


def _fill_shape(shapes, attrs):
    if shapes[0].rank:
        raise ValueError("the value must be a scalar, got shape %s" % (shapes[0],))
    return as_shape(attrs["shape"])


def _fill_grad(op, g):
    return [reduce_sum(g)] + [None] * (len(op.inputs) - 1)


FILL = declare("fill", _fill, dtype=rules.same_as_first, shape=_fill_shape,
               grad=_fill_grad, doc="A tensor filled with one scalar value.")


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value`.

    Args:
      dims: the shape (list/tuple of ints, TensorShape or 1-D int tensor).
      value: a scalar; its dtype is the result's (Python float -> float32, int -> int32).
    Returns:
      A tensor of value's dtype and shape `dims`.
    Raises:
      ValueError: value is not a scalar, or dims is not a valid shape.
    """
    static, d = shape_arg(dims)
    return apply(FILL, [value] if d is None else [value, d], {"shape": static}, name=name)


# == range ======================================================================================

def _range(start, limit, delta, dtype, length=None):
    if delta == 0:
        raise InvalidArgumentError("range: delta must not be zero")
    return np.arange(start, limit, delta, dtype=dtype.np_dtype)


def _range_dtype(ds, attrs):
    d = attrs["dtype"]
    for x in ds:
        if x is not d:
            raise TypeError("start, limit and delta must be %s, got %s" % (d.name, x.name))
    return d


def _range_shape(shapes, attrs):
    for s in shapes:
        if s.rank:
            raise ValueError("start, limit and delta must be scalars, got shape %s" % (s,))
    return TensorShape([attrs.get("length")])


RANGE = declare("range", _range, dtype=_range_dtype, shape=_range_shape, differentiable=False,
                doc="start, start + delta, ... up to but excluding limit.")

# A Python value's dtype in range(), and the order TensorFlow uses to pick the widest.
_RANGE_ORDER = {dtypes.int32: 0, dtypes.int64: 1, dtypes.float32: 2, dtypes.float64: 3}


def range(start, limit=None, delta=1, dtype=None, name=None):  # shadows the builtin: the TF name
    """A 1-D tensor [start, start + delta, ...] up to but excluding `limit`, like Python's.

    `range(n)` counts from 0. An empty range (limit on the wrong side) gives an empty tensor.

    Args:
      start, limit, delta: scalars (Python numbers or scalar tensors).
      dtype: element type; by default the widest of the arguments' dtypes in the order
        int32 < int64 < float32 < float64 (Python ints are int32, floats float32).
    Returns:
      A 1-D tensor of `dtype` (its length is static when the arguments are).
    Raises:
      TypeError: non-numeric arguments or dtype. ValueError / InvalidArgumentError: delta is 0.
    """
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    kinds = [_range_arg_dtype(a) for a in args]
    if dtype is None:
        if kinds[0] is kinds[1] is kinds[2]:
            dtype = kinds[0]
        elif all(k in _RANGE_ORDER for k in kinds):
            dtype = max(kinds, key=_RANGE_ORDER.get)
        else:
            raise TypeError("range: arguments of dtypes %s cannot be combined; pass dtype="
                            % ", ".join(k.name for k in kinds))
    else:
        dtype = dtypes.as_dtype(dtype)
    if not dtype.is_numeric:
        raise TypeError("range: dtype must be numeric, got %s" % dtype.name)
    npt = dtype.np_dtype.type
    inputs = [cast(a, dtype) if isinstance(a, Tensor) or hasattr(a, "_ag_read")
              else npt(a) for a in args]
    attrs = {"dtype": dtype}
    if context.ctx.graph is not None or any(type(x) is Tensor for x in inputs):
        vals = [get_static_value(x) for x in inputs]
        if all(v is not None for v in vals):
            attrs["length"] = _range_length(*vals)
    return apply(RANGE, inputs, attrs, name=name)


def _range_arg_dtype(a):
    t = type(a)
    if t is int:
        return dtypes.int32 if -2 ** 31 <= a < 2 ** 31 else dtypes.int64
    if t is float:
        return dtypes.float32
    if isinstance(a, Tensor) or hasattr(a, "_ag_read"):
        d = a.dtype
    else:
        d = to_numpy(a)[1]
    if not d.is_numeric:
        raise TypeError("range: arguments must be numbers, got %s" % d.name)
    return d


def _range_length(start, limit, delta):
    if delta == 0:
        raise ValueError("delta must not be zero")
    if isinstance(start, np.integer):
        return max(0, -((int(start) - int(limit)) // int(delta)))
    return max(0, math.ceil((float(limit) - float(start)) / float(delta)))
