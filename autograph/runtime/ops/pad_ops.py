"""Padding and identity matrices: `pad` (TensorFlow's three modes) and `eye`.

`pad`'s gradient is one more op, `pad_grad`, which sums the output gradient back onto the input
positions each padded element was copied from (one for CONSTANT, possibly several for REFLECT
and SYMMETRIC); `pad` and `pad_grad` are each other's gradients (both are linear).
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.ops import rules
from autograph.runtime.ops.core_ops import constant
from autograph.runtime.ops.static_values import get_static_value, int_attr, int_tuple
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import Tensor

_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def _pad(x, constant_values=None, *, paddings, mode):
    if mode == "CONSTANT":
        return np.pad(x, paddings, mode="constant",
                      constant_values=0 if constant_values is None else constant_values)
    return np.pad(x, paddings, mode=_MODES[mode])


def _pad_shape(shapes, attrs):
    s, paddings = shapes[0], attrs["paddings"]
    if s.rank is None:
        return TensorShape([None] * len(paddings))
    if s.rank != len(paddings):
        raise ValueError("pad: paddings has %d rows but the tensor has rank %d (shape %s); give "
                         "one [before, after] pair per axis" % (len(paddings), s.rank, s))
    mode = attrs["mode"]
    for axis, (d, (a, b)) in enumerate(zip(s.dims, paddings)):
        if d is None or mode == "CONSTANT":
            continue
        limit = d - 1 if mode == "REFLECT" else d
        if a > limit or b > limit:
            raise ValueError("pad: %s padding of axis %d by %s needs at most %d per side for "
                             "size %d" % (mode, axis, [a, b], limit, d))
    return TensorShape([None if d is None else d + a + b for d, (a, b) in zip(s.dims, paddings)])


def _source_index(shape, paddings, mode):
    """For each output element of pad, the flat index of the input element it copies (-1 for
    CONSTANT padding)."""
    index = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if mode == "CONSTANT":
        return np.pad(index, paddings, mode="constant", constant_values=-1)
    return np.pad(index, paddings, mode=_MODES[mode])


def _pad_grad(g, *, paddings, mode):
    input_shape = tuple(n - a - b for n, (a, b) in zip(np.shape(g), paddings))
    source = _source_index(input_shape, paddings, mode).ravel()
    keep = source >= 0
    flat = np.zeros(int(np.prod(input_shape)), dtype=g.dtype)
    np.add.at(flat, source[keep], np.asarray(g).ravel()[keep])
    return flat.reshape(input_shape)


def _pad_grad_shape(shapes, attrs):
    s, paddings = shapes[0], attrs["paddings"]
    if s.rank is None:
        return TensorShape([None] * len(paddings))
    return TensorShape([None if d is None else d - a - b for d, (a, b) in zip(s.dims, paddings)])


def _pad_gradient(op, g):
    grads = [pad_grad(g, op.attrs["paddings"], op.attrs["mode"])]
    if len(op.inputs) > 1:
        grads.append(None)       # constant_values: treated as a constant
    return grads


def _pad_grad_gradient(op, g):
    return [pad(g, op.attrs["paddings"], op.attrs["mode"])]


PAD = declare("pad", _pad, dtype=rules.same_as_first, shape=_pad_shape, grad=_pad_gradient,
              same_dtype="all", doc="Pads a tensor (CONSTANT, REFLECT or SYMMETRIC).")
PAD_GRAD = declare("pad_grad", _pad_grad, dtype=rules.same_as_first, shape=_pad_grad_shape,
                   grad=_pad_grad_gradient,
                   doc="The gradient of pad: sums each output element onto its source.")


def _pairs(paddings):
    value = paddings
    if isinstance(value, Tensor):
        value = get_static_value(value)
        if value is None:
            raise TypeError("pad: paddings must be known when the graph is built, got the graph "
                            "tensor %s" % paddings.name)
    try:
        arr = np.asarray(value)
        ok = arr.ndim == 2 and arr.shape[1] == 2 and (arr.size == 0 or arr.dtype.kind in "iu")
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError("pad: paddings must be pairs of ints [[before, after], ...], one per "
                         "axis, got %r" % (paddings,))
    if (arr < 0).any():
        raise ValueError("pad: paddings must be non-negative, got %s" % arr.tolist())
    return tuple((int(a), int(b)) for a, b in arr)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads `tensor` with `paddings[i] = [before, after]` elements on each side of axis i.

    As `tf.pad`: CONSTANT fills with `constant_values`; REFLECT mirrors the tensor without its
    edge element (at most size-1 per side); SYMMETRIC mirrors it with the edge (at most size).

    Args:
      tensor: a tensor of rank n.
      paddings: n pairs of non-negative ints (static: a list, numpy array or eager tensor).
      mode: "CONSTANT", "REFLECT" or "SYMMETRIC" (any case).
      constant_values: the fill value of CONSTANT mode (a scalar of the tensor's dtype).
    Returns:
      A tensor of the same dtype; axis i grows by before + after.
    Raises:
      ValueError: wrong number of pairs, negative sizes, unknown mode, or reflecting more
        than the tensor holds.
    """
    mode_name = str(mode).upper()
    if mode_name not in _MODES:
        raise ValueError("pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got %r" % (mode,))
    pairs = _pairs(paddings)
    inputs = [tensor]
    if mode_name == "CONSTANT" and not (type(constant_values) in (int, float)
                                        and constant_values == 0):
        inputs.append(constant_values)
    attrs = {"paddings": pairs, "mode": mode_name}
    shape = getattr(tensor, "shape", None)
    _pad_shape([shape if isinstance(shape, TensorShape) else TensorShape(np.shape(tensor))],
               attrs)       # eager ops skip shape rules: check the sizes here too
    return apply(PAD, inputs, attrs, name=name)


def pad_grad(grad, paddings, mode, name=None):
    """The gradient of `pad` (by `paddings`, in `mode`) with respect to its input."""
    return apply(PAD_GRAD, [grad], {"paddings": tuple(tuple(p) for p in paddings),
                                    "mode": mode}, name=name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (ones on the diagonal), as `tf.eye`.

    Args:
      num_rows: the number of rows (a static int).
      num_columns: the number of columns; num_rows by default.
      batch_shape: optional leading dimensions; the matrix is repeated over them.
      dtype: the element dtype (float32 by default).
    Returns:
      A constant tensor of shape batch_shape + [num_rows, num_columns].
    """
    rows = int_attr(num_rows, "num_rows")
    cols = rows if num_columns is None else int_attr(num_columns, "num_columns")
    if rows < 0 or cols < 0:
        raise ValueError("eye: sizes must be non-negative, got %d x %d" % (rows, cols))
    dtype = dtypes.as_dtype(dtype)
    value = np.eye(rows, cols, dtype=dtype.as_numpy_dtype)
    if batch_shape is not None:
        batch = int_tuple(batch_shape, "batch_shape") if len(batch_shape) else ()
        value = np.broadcast_to(value, batch + value.shape).copy()
    return constant(value, dtype=dtype, name=name or "eye")

