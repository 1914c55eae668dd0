"""`defined_check`: a value that may only be used when a run-time condition holds.

A staged loop that may run zero times cannot give a value to a variable it alone assigns
(Python would raise UnboundLocalError on its use). Its output is passed through this op: the
value when the loop ran, an InvalidArgumentError naming the variable otherwise. The op is pure,
so it runs only when the value is used (an unused value is pruned with it).
"""
from autograph.runtime.errors import InvalidArgumentError
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
