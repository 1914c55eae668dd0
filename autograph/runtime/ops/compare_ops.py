"""Comparisons (bool results), logical ops (bool in, bool out) and `where`.

The lowest elementwise math: arithmetic's gradients build on `where` and the comparisons.
One block per op: kernel, declaration, public function.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.ops import rules
from autograph.runtime.ops.gradient_ops import unbroadcast
from autograph.runtime.registry import apply, declare


def _compare_numeric(ds, attrs):
    rules.same_numeric(ds, attrs)
    return dtypes.bool_


def _compare_any(ds, attrs):
    a, b = ds
    if a is not b:
        raise TypeError("inputs are %s and %s; tensors of different dtypes are not promoted "
                        "automatically, use ag.cast on one of them" % (a.name, b.name))
    return dtypes.bool_


# == comparisons (bool results, not differentiable) =============================================

LESS = declare("less", np.less, dtype=_compare_numeric, shape=rules.broadcast_all,
               same_dtype="all", differentiable=False, doc="x < y, elementwise.")


def less(x, y, name=None):
    """Returns the bool tensor x < y (elementwise, broadcasting).

    Args:
      x, y: numeric tensors of one dtype (Python numbers take the tensor's dtype).
    Returns:
      A bool tensor with the broadcast shape.
    Raises:
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(LESS, [x, y], name=name)


LESS_EQUAL = declare("less_equal", np.less_equal, dtype=_compare_numeric,
                     shape=rules.broadcast_all, same_dtype="all", differentiable=False,
                     doc="x <= y, elementwise.")


def less_equal(x, y, name=None):
    """Returns the bool tensor x <= y. Args, Returns, Raises: as `less`."""
    return apply(LESS_EQUAL, [x, y], name=name)


GREATER = declare("greater", np.greater, dtype=_compare_numeric, shape=rules.broadcast_all,
                  same_dtype="all", differentiable=False, doc="x > y, elementwise.")


def greater(x, y, name=None):
    """Returns the bool tensor x > y. Args, Returns, Raises: as `less`."""
    return apply(GREATER, [x, y], name=name)


GREATER_EQUAL = declare("greater_equal", np.greater_equal, dtype=_compare_numeric,
                        shape=rules.broadcast_all, same_dtype="all", differentiable=False,
                        doc="x >= y, elementwise.")


def greater_equal(x, y, name=None):
    """Returns the bool tensor x >= y. Args, Returns, Raises: as `less`."""
    return apply(GREATER_EQUAL, [x, y], name=name)


EQUAL = declare("equal", np.equal, dtype=_compare_any, shape=rules.broadcast_all,
                same_dtype="all", differentiable=False, doc="x == y, elementwise.")


def equal(x, y, name=None):
    """Returns the bool tensor x == y; any dtype, bool included. Args etc.: as `less`."""
    return apply(EQUAL, [x, y], name=name)


NOT_EQUAL = declare("not_equal", np.not_equal, dtype=_compare_any, shape=rules.broadcast_all,
                    same_dtype="all", differentiable=False, doc="x != y, elementwise.")


def not_equal(x, y, name=None):
    """Returns the bool tensor x != y; any dtype, bool included. Args etc.: as `less`."""
    return apply(NOT_EQUAL, [x, y], name=name)


# == logical ops (bool in, bool out) ============================================================

LOGICAL_AND = declare("logical_and", np.logical_and, dtype=rules.boolean,
                      shape=rules.broadcast_all, differentiable=False, doc="x and y.")


def logical_and(x, y, name=None):
    """Returns x AND y elementwise.

    Args:
      x, y: bool tensors (or Python bools).
    Returns:
      A bool tensor with the broadcast shape.
    Raises:
      TypeError: an input is not bool. ValueError: shapes do not broadcast.
    """
    return apply(LOGICAL_AND, [x, y], name=name)


LOGICAL_OR = declare("logical_or", np.logical_or, dtype=rules.boolean,
                     shape=rules.broadcast_all, differentiable=False, doc="x or y.")


def logical_or(x, y, name=None):
    """Returns x OR y elementwise. Args, Returns, Raises: as `logical_and`."""
    return apply(LOGICAL_OR, [x, y], name=name)


LOGICAL_XOR = declare("logical_xor", np.logical_xor, dtype=rules.boolean,
                      shape=rules.broadcast_all, differentiable=False, doc="x != y on bools.")


def logical_xor(x, y, name=None):
    """Returns x XOR y elementwise. Args, Returns, Raises: as `logical_and`."""
    return apply(LOGICAL_XOR, [x, y], name=name)


LOGICAL_NOT = declare("logical_not", np.logical_not, dtype=rules.boolean,
                      shape=rules.same_shape, differentiable=False, doc="not x.")


def logical_not(x, name=None):
    """Returns NOT x elementwise.

    Args:
      x: a bool tensor.
    Returns:
      A bool tensor of x's shape.
    Raises:
      TypeError: x is not bool.
    """
    return apply(LOGICAL_NOT, [x], name=name)


# == where ======================================================================================

def _where_dtype(ds, attrs):
    c, x, y = ds
    if not c.is_bool:
        raise TypeError("the condition must be a bool tensor, got %s" % c.name)
    if x is not y:
        raise TypeError("x is %s but y is %s; they must have one dtype (use ag.cast)"
                        % (x.name, y.name))
    return x


def _where_grad(op, g):
    c, x, y = op.inputs
    return [None, unbroadcast(where(c, g, 0), x), unbroadcast(where(c, 0, g), y)]


WHERE = declare("where", np.where, dtype=_where_dtype, shape=rules.broadcast_all,
                same_dtype=(1, 2), grad=_where_grad,
                doc="cond ? x : y, elementwise with broadcasting.")


def where(condition, x, y, name=None):
    """Returns elements of x where `condition` is True and of y elsewhere.

    Args:
      condition: a bool tensor.
      x, y: tensors of one dtype (Python values take the other's dtype).
    Returns:
      A tensor of x's dtype with the broadcast shape of all three inputs.
    Raises:
      TypeError: condition is not bool, or x and y differ in dtype.
      ValueError: the shapes do not broadcast.
    """
    return apply(WHERE, [condition, x, y], name=name)
