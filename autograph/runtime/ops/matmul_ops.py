"""Matrix product: `matmul` over the last two axes, batched with broadcasting."""
import numpy as np

from autograph.runtime.ops import rules
from autograph.runtime.ops.gradient_ops import input_needed, unbroadcast
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape, broadcast


# == matmul =====================================================================================

def _matmul(a, b, transpose_a=False, transpose_b=False):
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError("matmul needs tensors of rank >= 2, got shapes %s and %s"
                         % (TensorShape(a.shape), TensorShape(b.shape)))
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] and a.dtype in _BLAS_DTYPES:
        return a.dot(b)     # the same BLAS product as np.matmul, at half its call overhead
    return np.matmul(a, b)


_BLAS_DTYPES = frozenset([np.dtype(np.float32), np.dtype(np.float64)])


def _matmul_shape(shapes, attrs):
    a, b = shapes
    if a.rank is None or b.rank is None:
        return UNKNOWN
    if a.rank < 2 or b.rank < 2:
        raise ValueError("matmul needs tensors of rank >= 2, got shapes %s and %s" % (a, b))
    m, k = a.dims[-2:][::-1] if attrs.get("transpose_a") else a.dims[-2:]
    k2, n = b.dims[-2:][::-1] if attrs.get("transpose_b") else b.dims[-2:]
    if k is not None and k2 is not None and k != k2:
        raise ValueError("matmul: inner dimensions differ (%d vs %d) for shapes %s and %s"
                         % (k, k2, a, b))
    try:
        batch = broadcast(TensorShape(a.dims[:-2]), TensorShape(b.dims[:-2]))
    except ValueError:
        raise ValueError("matmul: batch dimensions of shapes %s and %s do not broadcast"
                         % (a, b)) from None
    return TensorShape(batch.dims + (m, n))


def _matmul_grad(op, g):
    a, b = op.inputs
    ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
    ga = gb = None
    if input_needed(0):
        if ta:
            ga = matmul(b, g, transpose_a=tb, transpose_b=True)
        else:
            ga = matmul(g, b, transpose_b=not tb)
    if input_needed(1):
        if tb:
            gb = matmul(g, a, transpose_a=True, transpose_b=ta)
        else:
            gb = matmul(a, g, transpose_a=not ta)
    return [unbroadcast(ga, a), unbroadcast(gb, b)]      # batch axes may broadcast


MATMUL = declare("matmul", _matmul, dtype=rules.same_numeric, shape=_matmul_shape, same_dtype="all",
                 grad=_matmul_grad,
                 doc="Matrix product over the last two axes (batched, broadcasting).")


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of a and b over their last two axes; leading axes broadcast.

    Args:
      a, b: numeric tensors of one dtype and rank >= 2.
      transpose_a, transpose_b: transpose the last two axes of a / b first.
    Returns:
      A tensor of shape batch + (rows of a, columns of b).
    Raises:
      TypeError: the dtypes differ or are not numeric.
      ValueError: rank below 2, or the inner dimensions differ (names both shapes).
    """
    attrs = None
    if transpose_a or transpose_b:
        attrs = {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)}
    return apply(MATMUL, [a, b], attrs, name=name)
