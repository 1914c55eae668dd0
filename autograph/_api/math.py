"""`ag.math`: element-wise math, comparisons and reductions, as in `tf.math`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.ops.math_ops import (
    abs, add, cos, divide, equal, exp, floordiv, floormod, greater, greater_equal, less,
    less_equal, log, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod,
    multiply, negative, not_equal, pow, sigmoid, sign, sin, sqrt, square, subtract, tanh, truediv)
from autograph.runtime.ops.reduction_ops import (
    argmax, argmin, reduce_all, reduce_any, reduce_max, reduce_mean, reduce_min, reduce_prod,
    reduce_sum, softmax)

__all__ = [
    "abs", "add", "argmax", "argmin", "cos", "divide", "equal", "exp", "floordiv", "floormod",
    "greater", "greater_equal", "less", "less_equal", "log", "logical_and", "logical_not",
    "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply", "negative",
    "not_equal", "pow", "reduce_all", "reduce_any", "reduce_max", "reduce_mean", "reduce_min",
    "reduce_prod", "reduce_sum", "sigmoid", "sign", "sin", "softmax", "sqrt", "square",
    "subtract", "tanh", "truediv"]


def __dir__():
    return list(__all__)
