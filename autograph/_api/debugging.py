"""`ag.debugging`: run-time checks on tensor values, as in `tf.debugging`.

Each check is an `assert` op: eagerly it raises at once, in a graph when the graph runs
(`InvalidArgumentError` naming the check, the op and its line, and the values).
"""
import numpy as _np

import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.ops import math_ops as _math, reduction_ops as _reduce
from autograph.runtime.ops.core_ops import convert_to_tensor as _to_tensor
from autograph.runtime.ops.numerics_ops import check_numerics
from autograph.runtime.ops.logging_ops import assert_ as Assert

__all__ = ["Assert", "assert_equal", "assert_greater", "assert_greater_equal", "assert_less",
           "assert_less_equal", "assert_near", "assert_non_negative", "assert_positive",
           "check_numerics"]


def _compare(op, symbol, x, y, message, name):
    x = _to_tensor(x)
    y = _to_tensor(y, x.dtype) if not hasattr(y, "dtype") else y
    text = "%sCondition x %s y did not hold element-wise; x and y:" % (
        (message + ". ") if message else "", symbol)
    return Assert(_reduce.reduce_all(op(x, y)), [x, y], text, name=name)


def assert_equal(x, y, message=None, summarize=None, name=None):
    """Checks x == y element-wise (with broadcasting), as `tf.debugging.assert_equal`.

    Returns:
      The assert op (None eagerly, where it has run).
    Raises:
      InvalidArgumentError: when the op runs and some element differs.
    """
    return _compare(_math.equal, "==", x, y, message, name)


def assert_less(x, y, message=None, summarize=None, name=None):
    """Checks x < y element-wise, as `tf.debugging.assert_less`."""
    return _compare(_math.less, "<", x, y, message, name)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    """Checks x <= y element-wise, as `tf.debugging.assert_less_equal`."""
    return _compare(_math.less_equal, "<=", x, y, message, name)


def assert_greater(x, y, message=None, summarize=None, name=None):
    """Checks x > y element-wise, as `tf.debugging.assert_greater`."""
    return _compare(_math.greater, ">", x, y, message, name)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    """Checks x >= y element-wise, as `tf.debugging.assert_greater_equal`."""
    return _compare(_math.greater_equal, ">=", x, y, message, name)


def assert_positive(x, message=None, summarize=None, name=None):
    """Checks x > 0 element-wise, as `tf.debugging.assert_positive`."""
    return _compare(_math.greater, ">", x, 0, message, name)


def assert_non_negative(x, message=None, summarize=None, name=None):
    """Checks x >= 0 element-wise, as `tf.debugging.assert_non_negative`."""
    return _compare(_math.greater_equal, ">=", x, 0, message, name)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Checks |x - y| <= atol + rtol * |y| element-wise, as `tf.debugging.assert_near`.

    The default tolerances are 10 * the dtype's machine epsilon (float32: about 1.2e-6).
    """
    x = _to_tensor(x)
    y = _to_tensor(y, x.dtype)
    eps = float(_np.finfo(x.dtype.as_numpy_dtype).eps) if x.dtype.is_floating else 0.0
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    close = _math.less_equal(_math.abs(x - y), atol + rtol * _math.abs(y))
    text = "%sx and y not equal to tolerance rtol = %g, atol = %g; x and y:" % (
        (message + ". ") if message else "", rtol, atol)
    return Assert(_reduce.reduce_all(close), [x, y], text, name=name)


def __dir__():
    return list(__all__)
