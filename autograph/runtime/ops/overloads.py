"""Python operators on tensors: `x + 1`, `x[1:, None]`, `a @ b`, `x < y`, `m & n`, ...

`install(cls)` puts them on a class whose instances the ops accept (tensors, and variables,
which reuse it); importing this module installs them on `Tensor`, so graph and eager tensors
both have them. Each operator calls `registry.apply` on the op's declaration directly.

`==` and `!=` are elementwise, as in TensorFlow 2; tensors still hash by identity, so use
sets/dicts (or `is`) rather than `in` on lists to find a tensor.
"""
import numbers

import numpy as np

from autograph.runtime.ops import array_ops as A
from autograph.runtime.ops import math_ops as M
from autograph.runtime import dtypes
from autograph.runtime.context import ctx as _ctx
from autograph.runtime.ops.core_ops import CAST
from autograph.runtime.registry import _eager, apply
from autograph.runtime.tensor import Tensor


def _binary(opdef, name):
    # Eagerly (no default graph, no graph tensor involved) go straight to the eager runner.
    def forward(self, other):
        if _ctx.graph is None and type(self) is not Tensor and type(other) is not Tensor:
            return _eager(opdef, [self, other], None)
        return apply(opdef, [self, other])

    def reflected(self, other):
        if _ctx.graph is None and type(self) is not Tensor and type(other) is not Tensor:
            return _eager(opdef, [other, self], None)
        return apply(opdef, [other, self])

    forward.__name__ = forward.__qualname__ = "__%s__" % name
    reflected.__name__ = reflected.__qualname__ = "__r%s__" % name
    forward.__doc__ = reflected.__doc__ = "Calls the %s op." % opdef.name
    return forward, reflected


def _comparable(other):
    """Whether `==` should compare elementwise (a tensor-like value) or fall back to `is`."""
    return (isinstance(other, (Tensor, numbers.Number, np.ndarray, np.generic, list, tuple))
            or hasattr(other, "_ag_read"))


def __eq__(self, other):
    """Elementwise `==` (a bool tensor); False for None and non-numeric objects."""
    if not _comparable(other):
        return NotImplemented
    return apply(M.EQUAL, [self, other])


def __ne__(self, other):
    """Elementwise `!=` (a bool tensor); True for None and non-numeric objects."""
    if not _comparable(other):
        return NotImplemented
    return apply(M.NOT_EQUAL, [self, other])


def __neg__(self):
    return apply(M.NEGATIVE, [self])


def __pos__(self):
    return self


def __abs__(self):
    return apply(M.ABS, [self])


def __invert__(self):
    """`~x`: logical not (bool tensors only, as in TensorFlow)."""
    return apply(M.LOGICAL_NOT, [self])


def __getitem__(self, key):
    """x[key] with ints, slices (any step), None, Ellipsis and scalar int tensors."""
    return A.strided_slice(self, key)


def __divmod__(self, other):
    return apply(M.FLOORDIV, [self, other]), apply(M.MOD, [self, other])


def __rdivmod__(self, other):
    return apply(M.FLOORDIV, [other, self]), apply(M.MOD, [other, self])


def __pow__(self, other, modulo=None):
    if modulo is not None:
        raise TypeError("pow() with a modulo is not supported on tensors")
    if type(other) is int and other < 0 and self.dtype.is_integer:
        # Python: an int to a negative int power is a float (2 ** -1 == 0.5); numpy refuses.
        self = apply(CAST, [self], {"dtype": dtypes.float32})
    return apply(M.POW, [self, other])


def __round__(self, ndigits=None):
    raise TypeError(
        "round() of a tensor is not supported: Python's round(x) is an int rounded half to "
        "even (round(2.5) == 2) and round(x, n) a float, which no op here computes. Round in "
        "the graph with ag.cast(x, ag.int32) (truncates toward zero) after adding or "
        "subtracting 0.5 as your rounding needs, or round the value after the graph runs")


def __rpow__(self, other):
    return apply(M.POW, [other, self])


_BINARY = [(M.ADD, "add"), (M.SUBTRACT, "sub"), (M.MULTIPLY, "mul"), (M.DIVIDE, "truediv"),
           (M.FLOORDIV, "floordiv"), (M.MOD, "mod"), (M.MATMUL, "matmul"),
           (M.LOGICAL_AND, "and"), (M.LOGICAL_OR, "or"), (M.LOGICAL_XOR, "xor")]

# Comparisons reflect to their mirror image: `1 < x` calls x.__gt__(1).
_COMPARE = [(M.LESS, "lt"), (M.LESS_EQUAL, "le"), (M.GREATER, "gt"), (M.GREATER_EQUAL, "ge")]


def install(cls):
    """Installs the operator overloads on `cls` (Tensor, Variable, ...).

    `cls` keeps its own `__hash__`: setting `__eq__` after class creation does not reset it.
    """
    for opdef, name in _BINARY:
        forward, reflected = _binary(opdef, name)
        setattr(cls, "__%s__" % name, forward)
        setattr(cls, "__r%s__" % name, reflected)
    for opdef, name in _COMPARE:
        setattr(cls, "__%s__" % name, _binary(opdef, name)[0])
    for f in (__eq__, __ne__, __neg__, __pos__, __abs__, __invert__, __getitem__, __divmod__,
              __rdivmod__, __pow__, __rpow__, __round__):
        setattr(cls, f.__name__, f)
    return cls


install(Tensor)
