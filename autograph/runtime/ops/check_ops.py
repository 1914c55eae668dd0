"""`defined_check`: a value that may only be used when a run-time condition holds.

A staged loop that may run zero times cannot give a value to a variable it alone assigns
(Python would raise UnboundLocalError on its use). Its output is passed through this op: the
value when the loop ran, an InvalidArgumentError naming the variable otherwise. The op is pure,
so it runs only when the value is used (an unused value is pruned with it). Where converted
code reads the variable (`ag__.ld(x)`), `assert_defined` checks the same condition in program
order even if the value read is never used, as Python raises at the read itself.

`int_checked`: Python's `int()` of a float tensor, which fails rather than wraps where int32
cannot hold the value.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.registry import apply, declare


def _defined_check(ran, value, *, message):
    if not ran:
        raise InvalidArgumentError(message)
    return value


def _grad(op, g):
    return [None, g]


DEFINED_CHECK = declare(
    "defined_check", _defined_check, dtype=lambda ds, a: ds[1], shape=lambda ss, a: ss[1],
    grad=_grad, doc="Its second input, or InvalidArgumentError(message) when its first input "
                    "(a bool) is false.")


def defined_check(ran, value, message, name=None):
    """`value` when `ran` is true at run time; else raises InvalidArgumentError(message)."""
    return apply(DEFINED_CHECK, [ran, value], {"message": str(message)}, name=name)


def _assert_defined(ran, *, message):
    if not ran:
        raise InvalidArgumentError(message)


ASSERT_DEFINED = declare(
    "assert_defined", _assert_defined, dtype=rules.no_outputs, shape=rules.no_output_shapes,
    stateful=True, differentiable=False,
    doc="Raises InvalidArgumentError(message) when its input (a bool) is false.")


def read_checked(value):
    """`value` (a tensor); if it comes from `defined_check`, an `assert_defined` op checks its
    condition where it is read."""
    op = value.op
    if op.opdef is DEFINED_CHECK:
        apply(ASSERT_DEFINED, [op.inputs[0]], {"message": op.attrs["message"]})
    return value


def _int_checked(x, *, message):
    t = np.trunc(x)
    with np.errstate(invalid="ignore"):
        ok = (t >= -2.0 ** 31) & (t <= 2.0 ** 31 - 1)     # (False for NaN)
    if not np.all(ok):
        bad = np.asarray(x)[~np.asarray(ok)].flat[0]
        raise InvalidArgumentError(message % float(bad))
    return t.astype(np.int32)


INT_CHECKED = declare(
    "int_checked", _int_checked, dtype=lambda ds, a: dtypes.int32,
    shape=lambda ss, a: ss[0], differentiable=False,
    doc="Python's int() of floats as int32: truncated toward zero; InvalidArgumentError "
        "(message % the value) for NaN, infinities and values int32 cannot hold.")


def int_checked(x, message, name=None):
    """int32 of the float tensor `x` truncated toward zero, as Python's `int`; when the graph
    runs, a NaN, an infinity or a value outside int32 raises InvalidArgumentError(message %
    value) instead of wrapping."""
    return apply(INT_CHECKED, [x], {"message": str(message)}, name=name)
