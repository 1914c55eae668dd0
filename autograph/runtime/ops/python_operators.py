"""Ops whose kernel is a Python operator on numpy values.

On numpy scalars `a + b` costs ~50 ns where `np.add(a, b)` costs ~500 ns, with the same result
(inputs share one dtype, so no promotion differs). These ops therefore use the operator as
their eager kernel, and the executor inlines it in compiled plans (`t3 = (t1 + t2)`).
"""
import operator

import numpy as np

from autograph.runtime.executor import PLAN_GLOBALS
from autograph.runtime.registry import REGISTRY

_BINARY = {
    "add": ("+", operator.add), "subtract": ("-", operator.sub),
    "multiply": ("*", operator.mul),
    "less": ("<", operator.lt), "less_equal": ("<=", operator.le),
    "greater": (">", operator.gt), "greater_equal": (">=", operator.ge),
    "equal": ("==", operator.eq), "not_equal": ("!=", operator.ne),
    "logical_and": ("&", operator.and_), "logical_or": ("|", operator.or_),
    "logical_xor": ("^", operator.xor),
}
_UNARY = {"logical_not": ("~", operator.invert)}


def _binary_expr(symbol):
    def expr(op, ins):
        return "(%s %s %s)" % (ins[0], symbol, ins[1])
    return expr


def _unary_expr(symbol):
    def expr(op, ins):
        return "(%s%s)" % (symbol, ins[0])
    return expr


def _gather_expr(op, ins):
    return "%s[%s]" % (ins[0], ins[1]) if op.attrs.get("axis") == 0 else None


def _not_expr(op, ins):
    # On a numpy bool scalar `~b` is a ufunc call (~400 ns), `b ^ np.True_` ~40 ns.
    if op.inputs[0].shape.rank == 0:
        return "(%s ^ TRUE_)" % ins[0]
    return "(~%s)" % ins[0]


def _matmul_expr(op, ins):
    # The shape rule has checked both ranks (>= 2) when they are known; otherwise the kernel
    # checks them at run time.
    a, b = op.inputs
    if op.attrs.get("transpose_a") or op.attrs.get("transpose_b") or a.shape.rank is None \
            or b.shape.rank is None:
        return None
    if a.shape.rank == 2 and b.shape.rank == 2 and a.dtype.name in ("float32", "float64") \
            and a.shape[1] is not None and a.shape[1] == b.shape[0]:
        return "%s.dot(%s)" % (ins[0], ins[1])    # 2-D: ndarray.dot is np.matmul's BLAS call
    return "(%s @ %s)" % (ins[0], ins[1])


def _reshape_expr(op, ins):
    shape = op.attrs["shape"]
    if len(ins) != 1 or shape is None or not all(type(d) is int for d in shape):
        return None
    return "%s.reshape(%r)" % (ins[0], tuple(shape))


def _int_division_expr(symbol):
    """`x % y` / `x // y` for integers when the divisor is a scalar: a positive divisor can
    neither divide by zero nor overflow, so the operator equals the kernel; any other divisor
    goes to the kernel (which raises on zero, and wraps on overflow without warning)."""
    def expr(op, ins):
        x, y = op.inputs
        if not x.dtype.is_integer or y.shape.rank != 0:
            return None
        if y.op.opdef.name == "constant" and y.op.attrs["value"] > 0:
            return "(%s %s %s)" % (ins[0], symbol, ins[1])
        return "(%s %s %s if %s > 0 else %s(%s, %s))" % (
            ins[0], symbol, ins[1], ins[1], op.opdef.name + "_kernel_", ins[0], ins[1])
    return expr


def install():
    for name, (symbol, fn) in _BINARY.items():
        REGISTRY[name].kernel = fn
        REGISTRY[name].expr = _binary_expr(symbol)
    for name, (symbol, fn) in _UNARY.items():
        REGISTRY[name].kernel = fn
        REGISTRY[name].expr = _unary_expr(symbol)
    REGISTRY["gather"].expr = _gather_expr
    REGISTRY["logical_not"].expr = _not_expr
    REGISTRY["matmul"].expr = _matmul_expr
    REGISTRY["reshape"].expr = _reshape_expr
    PLAN_GLOBALS["TRUE_"] = np.True_
    for name, symbol in (("mod", "%"), ("floordiv", "//")):
        REGISTRY[name].expr = _int_division_expr(symbol)
        PLAN_GLOBALS[name + "_kernel_"] = REGISTRY[name].kernel


install()
