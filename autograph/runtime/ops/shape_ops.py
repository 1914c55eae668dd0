"""Ops that read only the shape of their input (shape, size, rank, zeros_like, ones_like) and
transpose.

They sit just above core_ops: elementwise math (the gradient of `sign`), joining and reshaping
build on them. One block per op: kernel, declaration, public function.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.ops import rules, static_values
from autograph.runtime.ops.static_values import int_tuple
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape


# == zeros_like / ones_like =====================================================================

def _like_dtype(ds, attrs):
    return attrs["dtype"] or ds[0]


def _zeros_like(x, dtype):
    return np.zeros(np.shape(x), x.dtype if dtype is None else dtype.np_dtype)


ZEROS_LIKE = declare("zeros_like", _zeros_like, dtype=_like_dtype, shape=rules.same_shape,
                     differentiable=False, doc="Zeros with the shape of the input.")


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape of `input` and its dtype (or `dtype`).

    Args:
      input: a tensor or value.
      dtype: optional element type of the result.
    Returns:
      A tensor shaped like `input`.
    """
    return apply(ZEROS_LIKE, [input], {"dtype": None if dtype is None else
                                       dtypes.as_dtype(dtype)}, name=name)


def _ones_like(x, dtype):
    return np.ones(np.shape(x), x.dtype if dtype is None else dtype.np_dtype)


ONES_LIKE = declare("ones_like", _ones_like, dtype=_like_dtype, shape=rules.same_shape,
                    differentiable=False, doc="Ones with the shape of the input.")


def ones_like(input, dtype=None, name=None):
    """Ones with the shape of `input` and its dtype (or `dtype`). Args etc.: as `zeros_like`."""
    return apply(ONES_LIKE, [input], {"dtype": None if dtype is None else
                                      dtypes.as_dtype(dtype)}, name=name)


# == transpose ==================================================================================

def _transpose(x, perm):
    return x.transpose(perm)


def _transpose_shape(shapes, attrs):
    s, perm = shapes[0], attrs["perm"]
    if perm is None:
        return UNKNOWN if s.rank is None else TensorShape(s.dims[::-1])
    if s.rank is None:
        return TensorShape([None] * len(perm))
    if sorted(perm) != list(range(s.rank)):
        raise ValueError("perm %s is not a permutation of the axes of shape %s"
                         % (list(perm), s))
    return TensorShape([s.dims[p] for p in perm])


def _transpose_grad(op, g):
    perm = op.attrs["perm"]
    return [transpose(g, None if perm is None else [int(p) for p in np.argsort(perm)])]


TRANSPOSE = declare("transpose", _transpose, dtype=rules.same_as_first, shape=_transpose_shape,
                    grad=_transpose_grad, doc="Permutes the axes (reverses them by default).")


def transpose(a, perm=None, name=None):
    """Permutes the axes of `a`: output axis i is input axis perm[i].

    Args:
      a: a tensor.
      perm: a permutation of range(rank); None reverses the axes.
    Returns:
      A tensor of a's dtype with permuted shape.
    Raises:
      ValueError: perm is not a permutation of the axes.
    """
    if perm is not None:
        perm = int_tuple(perm, "perm")
        if any(p < 0 for p in perm):
            raise ValueError("perm must not have negative entries, got %s" % (list(perm),))
    return apply(TRANSPOSE, [a], {"perm": perm}, name=name)


# == shape / size / rank ========================================================================

def _out_type(ds, attrs):
    return attrs["out_type"]


def _shape(x, out_type):
    return np.array(np.shape(x), out_type.np_dtype)


def _shape_shape(shapes, attrs):
    return TensorShape([shapes[0].rank])


SHAPE = declare("shape", _shape, dtype=_out_type, shape=_shape_shape, differentiable=False,
                doc="The shape of the input as a 1-D int tensor.")


def _shape_static(op):
    s = op.inputs[0].shape
    return np.array(s.dims, op.attrs["out_type"].np_dtype) if s.is_fully_defined() else None


static_values.register(SHAPE, _shape_static)


def _check_index_type(out_type):
    d = dtypes.as_dtype(out_type)
    if d is not dtypes.int32 and d is not dtypes.int64:
        raise TypeError("out_type must be int32 or int64, got %s" % d.name)
    return d


def shape(input, out_type=dtypes.int32, name=None):
    """The run-time shape of `input` as a 1-D int tensor.

    Args:
      input: a tensor.
      out_type: int32 (default) or int64.
    Returns:
      A tensor of shape (rank,).
    """
    return apply(SHAPE, [input], {"out_type": _check_index_type(out_type)}, name=name)


def _size_kernel(x, out_type):
    return out_type.np_dtype.type(np.size(x))


SIZE = declare("size", _size_kernel, dtype=_out_type, shape=rules.scalar, differentiable=False,
               doc="The number of elements of the input.")


def _size_static(op):
    s = op.inputs[0].shape
    return op.attrs["out_type"].np_dtype.type(s.num_elements()) if s.is_fully_defined() else None


static_values.register(SIZE, _size_static)


def size(input, out_type=dtypes.int32, name=None):
    """The number of elements of `input` as a scalar int tensor. Args: as `shape`."""
    return apply(SIZE, [input], {"out_type": _check_index_type(out_type)}, name=name)


def _rank(x, out_type):
    return out_type.np_dtype.type(np.ndim(x))


RANK = declare("rank", _rank, dtype=_out_type, shape=rules.scalar, differentiable=False,
               doc="The number of axes of the input.")


def _rank_static(op):
    r = op.inputs[0].shape.rank
    return None if r is None else op.attrs["out_type"].np_dtype.type(r)


static_values.register(RANK, _rank_static)


def rank(input, name=None):
    """The number of axes of `input` as a scalar int32 tensor."""
    return apply(RANK, [input], {"out_type": dtypes.int32}, name=name)
