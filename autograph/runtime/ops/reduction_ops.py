"""Reductions over axes (sum, mean, max, min, prod, any, all), argmax/argmin and softmax.

One block per op: kernel, declaration, public function. `axis` is an attribute: an int, a
tuple of ints, or None for every axis; it must be known when the graph is built.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.ops.arithmetic_ops import divide, maximum, multiply, subtract
from autograph.runtime.ops.compare_ops import equal, where
from autograph.runtime.ops.core_ops import cast
from autograph.runtime.ops.errstate import quiet
from autograph.runtime.ops.gradient_ops import broadcast_like
from autograph.runtime.ops.reshape_ops import expand_dims, reshape
from autograph.runtime.ops.shape_ops import size
from autograph.runtime.ops.static_values import int_attr, int_tuple
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import SCALAR, UNKNOWN, TensorShape


def _norm_axis(axis, rank):
    if not -rank <= axis < rank:
        raise ValueError("axis %d is out of range for a tensor of rank %d (valid: %d to %d)"
                         % (axis, rank, -rank, rank - 1))
    return axis % rank


def _reduced_shape(shapes, attrs):
    s = shapes[0]
    axis, keep = attrs["axis"], attrs["keepdims"]
    if s.rank is None:
        return UNKNOWN
    if axis is None:
        return TensorShape([1] * s.rank) if keep else SCALAR
    axes = [_norm_axis(a, s.rank) for a in (axis if type(axis) is tuple else (axis,))]
    if len(set(axes)) != len(axes):
        raise ValueError("axis %s names an axis twice for a tensor of shape %s" % (axis, s))
    return TensorShape([1 if i in axes else d for i, d in enumerate(s.dims)
                        if keep or i not in axes])


def _axis_attr(axis):
    if axis is None:
        return None
    if type(axis) is int:
        return axis
    axes = int_tuple(axis, "axis")
    if isinstance(axis, (list, tuple)):
        return axes
    return axes[0] if np.ndim(axis) == 0 else axes


def _no_axes(x, axis):
    """numpy lets axis 0 / -1 through on 0-d values; the shape rules (and TF) do not."""
    if x.ndim == 0 and axis is not None and axis != ():
        raise ValueError("axis %s is out of range for a tensor of rank 0" % (axis,))


def _reduce(opdef, x, axis, keepdims, name):
    return apply(opdef, [x], {"axis": _axis_attr(axis), "keepdims": bool(keepdims)}, name=name)


# == reduce_sum =================================================================================

def _sum(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.add.reduce(x, axis=axis, dtype=x.dtype, keepdims=keepdims)


def _reduced_axes(op):
    """The axes a reduction removed, sorted and non-negative (None: every axis)."""
    axis = op.attrs.get("axis")
    rank = op.inputs[0].shape.rank
    if axis is None:
        return None if rank is None else tuple(range(rank))
    axes = axis if type(axis) is tuple else (axis,)
    if rank is None:
        if any(a < 0 for a in axes):
            raise ValueError("the gradient of %s over negative axes needs the input's rank"
                             % op.opdef.name)
        return tuple(sorted(axes))
    return tuple(sorted(_norm_axis(a, rank) for a in axes))


def _kept(op, g):
    """A reduction's output (or its gradient) with the reduced axes back, as size 1."""
    if op.attrs.get("keepdims"):
        return g
    axes = _reduced_axes(op)
    s = op.inputs[0].shape
    if axes is None or len(axes) == s.rank:     # g is a scalar: it broadcasts as it is
        return g
    if s.is_fully_defined():
        return reshape(g, [1 if i in axes else d for i, d in enumerate(s.dims)])
    for a in axes:
        g = expand_dims(g, a)
    return g


def _sum_grad(op, g):
    return [broadcast_like(_kept(op, g), op.inputs[0])]


REDUCE_SUM = declare("reduce_sum", _sum, dtype=rules.numeric, shape=_reduced_shape,
                     grad=_sum_grad, doc="Sum over axes (in the input's dtype).")


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements over `axis` (every axis when None), in the input's dtype.

    Args:
      input_tensor: a numeric tensor.
      axis: None, an int or a tuple/list of ints (negative counts from the end).
      keepdims: keep reduced axes with size 1.
    Returns:
      A tensor of the input's dtype.
    Raises:
      TypeError: the input is not numeric. ValueError: an axis is out of range or repeated.
    """
    return _reduce(REDUCE_SUM, input_tensor, axis, keepdims, name)


# == reduce_mean ================================================================================

def _mean(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    kind = x.dtype.kind
    if kind == "f":     # float16 sums in float32, as np.mean does
        s = np.add.reduce(x, axis=axis, dtype=np.float32 if x.dtype.itemsize < 4 else x.dtype,
                          keepdims=keepdims)
    else:               # integers: sum in 64 bits, then divide truncating towards 0 (as TF)
        s = np.add.reduce(x, axis=axis, dtype=np.uint64 if kind == "u" else np.int64,
                          keepdims=keepdims)
    size = np.size(s)
    n = np.size(x) // size if size else 1
    if kind == "f":
        if n == 0:
            return np.full(np.shape(s), np.nan, x.dtype)
        m = s / n
        return m if m.dtype == x.dtype else m.astype(x.dtype)
    if n == 0:
        raise InvalidArgumentError("reduce_mean: no elements to average in an integer tensor")
    q = np.abs(s) // n
    return np.where(s < 0, -q, q).astype(x.dtype) if x.dtype.kind == "i" else q.astype(x.dtype)


def _mean_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    if not x.dtype.is_floating:
        return [None]
    nx, ny = x.shape.num_elements(), y.shape.num_elements()
    if nx is not None and ny is not None:
        count = nx // ny if ny else 1
    else:
        count = divide(cast(size(x), x.dtype), cast(maximum(size(y), 1), x.dtype))
    return [divide(broadcast_like(_kept(op, g), x), count)]


REDUCE_MEAN = declare("reduce_mean", _mean, dtype=rules.numeric, shape=_reduced_shape,
                      grad=_mean_grad, doc="Mean over axes (in the input's dtype).")


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements over `axis`, in the input's dtype.

    Integer means truncate towards zero, as in TensorFlow (cast to float first for exact
    means). Args, Raises: as `reduce_sum`.

    Returns:
      A tensor of the input's dtype.
    """
    return _reduce(REDUCE_MEAN, input_tensor, axis, keepdims, name)


# == reduce_max / reduce_min ====================================================================

def _max(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.maximum.reduce(x, axis=axis, keepdims=keepdims)


def _extremum_grad(op, g):
    """reduce_max / reduce_min: the gradient is shared equally by the tied extreme elements."""
    x = op.inputs[0]
    hit = cast(equal(x, broadcast_like(_kept(op, op.outputs[0]), x)), x.dtype)
    ties = reduce_sum(hit, axis=op.attrs["axis"], keepdims=True)
    return [divide(multiply(broadcast_like(_kept(op, g), x), hit), ties)]


REDUCE_MAX = declare("reduce_max", _max, dtype=rules.numeric, shape=_reduced_shape,
                     grad=_extremum_grad, doc="Maximum over axes (nan wins).")


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over `axis`. Args, Raises: as `reduce_sum`; reducing no elements fails.

    Returns:
      A tensor of the input's dtype.
    """
    return _reduce(REDUCE_MAX, input_tensor, axis, keepdims, name)


def _min(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.minimum.reduce(x, axis=axis, keepdims=keepdims)


REDUCE_MIN = declare("reduce_min", _min, dtype=rules.numeric, shape=_reduced_shape,
                     grad=_extremum_grad, doc="Minimum over axes (nan wins).")


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over `axis`. Args, Returns, Raises: as `reduce_max`."""
    return _reduce(REDUCE_MIN, input_tensor, axis, keepdims, name)


# == reduce_prod ================================================================================

def _prod(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.multiply.reduce(x, axis=axis, dtype=x.dtype, keepdims=keepdims)


def _prod_grad(op, g):
    x = op.inputs[0]
    if not x.dtype.is_floating:
        return [None]
    axis = op.attrs["axis"]
    # d prod / d x_i is the product of the other elements: prod / x_i when there is no zero;
    # at the one zero, the product of the non-zero elements; 0 with two zeros or more.
    zero = equal(x, 0)
    nonzero_x = where(zero, 1, x)
    prod_nonzero = broadcast_like(reduce_prod(nonzero_x, axis=axis, keepdims=True), x)
    zeros = broadcast_like(reduce_sum(cast(zero, x.dtype), axis=axis, keepdims=True), x)
    others = where(
        zero, where(equal(zeros, 1), prod_nonzero, 0),
        where(equal(zeros, 0), divide(prod_nonzero, nonzero_x), 0))
    return [multiply(broadcast_like(_kept(op, g), x), others)]


REDUCE_PROD = declare("reduce_prod", _prod, dtype=rules.numeric, shape=_reduced_shape,
                      grad=_prod_grad, doc="Product over axes (in the input's dtype).")


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product of elements over `axis`, in the input's dtype. Args, Raises: as `reduce_sum`.

    Returns:
      A tensor of the input's dtype.
    """
    return _reduce(REDUCE_PROD, input_tensor, axis, keepdims, name)


# == reduce_any / reduce_all ====================================================================

def _any(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.logical_or.reduce(x, axis=axis, keepdims=keepdims)


REDUCE_ANY = declare("reduce_any", _any, dtype=rules.boolean, shape=_reduced_shape,
                     differentiable=False, doc="Logical or over axes.")


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """True where any element over `axis` is True.

    Args:
      input_tensor: a bool tensor.
      axis, keepdims: as `reduce_sum`.
    Returns:
      A bool tensor.
    Raises:
      TypeError: the input is not bool. ValueError: an axis is out of range or repeated.
    """
    return _reduce(REDUCE_ANY, input_tensor, axis, keepdims, name)


def _all(x, axis=None, keepdims=False):
    _no_axes(x, axis)
    return np.logical_and.reduce(x, axis=axis, keepdims=keepdims)


REDUCE_ALL = declare("reduce_all", _all, dtype=rules.boolean, shape=_reduced_shape,
                     differentiable=False, doc="Logical and over axes.")


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """True where every element over `axis` is True. Args etc.: as `reduce_any`."""
    return _reduce(REDUCE_ALL, input_tensor, axis, keepdims, name)


# == argmax / argmin ============================================================================

def _arg_dtype(ds, attrs):
    if not ds[0].is_numeric:
        raise TypeError("expected a numeric tensor, got %s" % ds[0].name)
    return attrs["output_type"]


def _arg_shape(shapes, attrs):
    s = shapes[0]
    if s.rank is None:
        return UNKNOWN
    if s.rank == 0:
        raise ValueError("needs a tensor of rank >= 1, got shape ()")
    a = _norm_axis(attrs["axis"], s.rank)
    return TensorShape(s.dims[:a] + s.dims[a + 1:])


def _argmax(x, axis, output_type):
    _no_axes(x, axis)
    return np.argmax(x, axis=axis).astype(output_type.np_dtype)


ARGMAX = declare("argmax", _argmax, dtype=_arg_dtype, shape=_arg_shape, differentiable=False,
                 doc="Index of the largest value along an axis (first one on ties).")


def _arg_attrs(axis, output_type):
    output_type = dtypes.as_dtype(output_type)
    if output_type is not dtypes.int32 and output_type is not dtypes.int64:
        raise TypeError("output_type must be int32 or int64, got %s" % output_type.name)
    return {"axis": 0 if axis is None else int_attr(axis, "axis"), "output_type": output_type}


def argmax(input, axis=None, output_type=dtypes.int64, name=None):
    """Index of the largest value along `axis` (the first one on ties).

    Args:
      input: a numeric tensor of rank >= 1.
      axis: the axis to reduce; None means 0, as in TensorFlow.
      output_type: int64 (default, as TensorFlow) or int32.
    Returns:
      An int tensor with `axis` removed.
    Raises:
      TypeError: the input is not numeric. ValueError: the axis is out of range.
      InvalidArgumentError: the axis is empty (when the op runs).
    """
    return apply(ARGMAX, [input], _arg_attrs(axis, output_type), name=name)


def _argmin(x, axis, output_type):
    _no_axes(x, axis)
    return np.argmin(x, axis=axis).astype(output_type.np_dtype)


ARGMIN = declare("argmin", _argmin, dtype=_arg_dtype, shape=_arg_shape, differentiable=False,
                 doc="Index of the smallest value along an axis (first one on ties).")


def argmin(input, axis=None, output_type=dtypes.int64, name=None):
    """Index of the smallest value along `axis`. Args, Returns, Raises: as `argmax`."""
    return apply(ARGMIN, [input], _arg_attrs(axis, output_type), name=name)


# == softmax ====================================================================================

@quiet
def _softmax(x, axis):
    _no_axes(x, axis)
    e = np.exp(x - np.maximum.reduce(x, axis=axis, keepdims=True))
    return e / np.add.reduce(e, axis=axis, keepdims=True)


def _softmax_shape(shapes, attrs):
    s = shapes[0]
    if s.rank == 0:
        raise ValueError("softmax needs a tensor of rank >= 1, got shape ()")
    if s.rank is not None:
        _norm_axis(attrs["axis"], s.rank)
    return s


def _softmax_grad(op, g):
    y = op.outputs[0]
    gy = multiply(g, y)
    return [subtract(gy, multiply(y, reduce_sum(gy, axis=op.attrs["axis"], keepdims=True)))]


SOFTMAX = declare("softmax", _softmax, dtype=rules.floating, shape=_softmax_shape,
                  grad=_softmax_grad, doc="exp(x) / sum(exp(x)) along an axis, computed stably.")


def softmax(logits, axis=-1, name=None):
    """exp(logits) / sum(exp(logits)) along `axis` (shifted by the maximum: no overflow).

    Args:
      logits: a floating-point tensor of rank >= 1.
      axis: the axis to normalise (default the last).
    Returns:
      A tensor of logits' dtype and shape whose entries along `axis` sum to 1.
    Raises:
      TypeError: logits are not floating-point. ValueError: the axis is out of range.
    """
    return apply(SOFTMAX, [logits], {"axis": int_attr(axis, "axis")}, name=name)
