"""Errors the runtime raises. Each message names the op, the inputs and the user's line."""
import os
import sys

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class InvalidArgumentError(ValueError):
    """A kernel failed at run time (bad value, failed assert, bad feed)."""

    def __init__(self, message, op=None):
        super().__init__(message)
        self.op = op


class BranchMismatchError(TypeError):
    """The two branches of a cond return different structures or dtypes."""


class LoopVarMismatchError(TypeError):
    """A while_loop body changes a loop variable's dtype or structure."""

    def __init__(self, message, index=None, expected=None, actual=None):
        super().__init__(message)
        self.index = index
        self.expected = expected
        self.actual = actual


class GraphMismatchError(ValueError):
    """A tensor of one graph was used with another graph."""


def user_frame():
    """(filename, lineno) of the innermost frame outside the autograph package, or None.

    Converted code is compiled under the user's file name, so it counts as user code.
    """
    f = sys._getframe(2)
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_PKG_DIR) and not fn.startswith("<autograph"):
            return fn, f.f_lineno
        f = f.f_back
    return None


def where(source):
    """' (at file:line)' for an op's recorded source location, or ''."""
    if not source:
        return ""
    return " (at %s:%d)" % source
