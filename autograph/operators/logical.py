"""`and_`, `or_`, `not_`: lazy boolean operators with Python semantics on Python values.

    and_(lambda: a, lambda: b)       ==  a and b     (returns the deciding operand)
    or_(lambda: a, lambda: b)        ==  a or b
    and_test(lambda: a, lambda: b)   ==  a and b     where only its truth is used (the test
    or_test(lambda: a, lambda: b)    ==  a or b      of an `if`/`while`/ternary, `not ...`)
    not_(a)                          ==  not a
    and_(nested_or(lambda: a, lambda: b), lambda: c)  ==  (a or b) and c

An `and`/`or` that is an operand of another one (as a value) is passed as `nested_and(...)` /
`nested_or(...)`: it gives its value and remembers its truth when one of its operands' tests
decided it, so that the enclosing `and`/`or` does not ask that operand again (CPython asks each
operand at most once: its compiler threads the jumps of nested `and`/`or`).

An operand that is a graph tensor makes the rest a `cond`, so later operands are still only
evaluated (at run time) when needed, as in `i < n and x[i] > 0`. Staged, `a and b` is still one
of its operands: a `cond` choosing between them, which needs them to be one kind of tensor
(`x and 7` with an int32 `x` is an int32 tensor). Operands that cannot be one tensor (a bool and
an int: `x > 0 and 5`) are an error naming the expression, never a silent cast. In a test
position only the truth value matters: `and_test`/`or_test` stage the truth of each operand.
"""

import linecache
import sys

import numpy as np

from autograph.operators import dispatch

__all__ = ["and_", "or_", "and_test", "or_test", "not_", "not_and", "not_or", "nested_and",
           "nested_or", "StagedOperandError"]

backend_for = dispatch.backend_for
python_types = dispatch.python_types


class StagedOperandError(TypeError):
    """A staged `and`/`or` whose operands cannot be one tensor (e.g. a bool and an int)."""


def and_(first, *rest):
    """`a and b and ...` over thunks (functions of no arguments), evaluated lazily."""
    v = first()
    if not rest:
        return v
    if v is not True:
        if v is False:
            return v
        if type(v) not in python_types:
            backend = backend_for(v)
            if backend is not None:
                return _staged("and", backend, v, rest, False)
        if (first.truth is False) if type(first) is Nested and first.truth is not None \
                else not v:
            return v
    if len(rest) == 1:
        return rest[0]()
    return and_(*rest)


def or_(first, *rest):
    """`a or b or ...` over thunks (functions of no arguments), evaluated lazily."""
    v = first()
    if not rest:
        return v
    if v is not False:
        if v is True:
            return v
        if type(v) not in python_types:
            backend = backend_for(v)
            if backend is not None:
                return _staged("or", backend, v, rest, False)
        if first.truth if type(first) is Nested and first.truth is not None else v:
            return v
    if len(rest) == 1:
        return rest[0]()
    return or_(*rest)


def and_test(first, *rest):
    """`a and b and ...` whose value is only tested for truth (the test of an `if`, `while`,
    ternary or the operand of `not`). On Python values the truth of `and_` (an operand that
    decides gives `False`, so that its `__bool__` runs once, as in Python's own tests; the
    last operand is returned as it is); staged, a bool tensor."""
    v = first()
    if not rest:
        return v
    if v is not True:
        if v is False:
            return v
        if type(v) not in python_types:
            backend = backend_for(v)
            if backend is not None:
                return _staged("and", backend, v, rest, True)
        if (first.truth is False) if type(first) is Nested and first.truth is not None \
                else not v:
            return False
    if len(rest) == 1:
        return rest[0]()
    return and_test(*rest)


def or_test(first, *rest):
    """`a or b or ...` whose value is only tested for truth (see `and_test`)."""
    v = first()
    if not rest:
        return v
    if v is not False:
        if v is True:
            return v
        if type(v) not in python_types:
            backend = backend_for(v)
            if backend is not None:
                return _staged("or", backend, v, rest, True)
        if first.truth if type(first) is Nested and first.truth is not None else v:
            return True
    if len(rest) == 1:
        return rest[0]()
    return or_test(*rest)


def _staged(op, backend, v, rest, truth_only):
    """`v and rest...` / `v or rest...` where `v` is a graph tensor: a `cond` on `v`."""
    if truth_only:
        nxt = and_test if op == "and" else or_test
        t = _truth(backend, v)

        def later():
            return _truth(backend, _traced(nxt, rest))

        if op == "and":
            return backend.cond(v, later, lambda: t, ("<and>",))
        return backend.cond(v, lambda: t, later, ("<or>",))
    nxt = and_ if op == "and" else or_
    where = _caller_line()

    def later():
        w = _traced(nxt, rest)
        _check_operands(op, backend, v, w, where)
        return w

    _check_first(op, backend, v, where)
    if op == "and":
        return backend.cond(v, later, lambda: v, ("<and>",))
    return backend.cond(v, lambda: v, later, ("<or>",))


def _traced(nxt, rest):
    """The later operands, traced inside the `cond`: an exception the user's code raises there
    becomes a StagingError (see staging.StagingError), as in a branch of a staged `if`."""
    try:
        return nxt(*rest)
    except Exception as e:
        from autograph.operators.staging import _user_exception
        err = _user_exception(e, "the right-hand side of a tensor-dependent `and`/`or`")
        if err is None:
            raise
        raise err from e


def _truth(backend, v):
    """The truth value of an operand, as a bool tensor or a Python bool."""
    if type(v) is bool:
        return v
    if backend.is_value(v):
        return backend.truth(v)
    other = backend_for(v)
    if other is not None:
        return other.truth(v)
    return bool(v)


def _kind(backend, v):
    """'bool', 'int', 'float', 'complex', or None (cannot be a tensor operand)."""
    t = type(v)
    if t is bool:
        return "bool", None
    if t is int:
        return "int", None
    if t is float:
        return "float", None
    if backend.is_value(v) and not backend.is_list(v):
        d = backend.dtype(v)
        kind = np.dtype(getattr(d, "np_dtype", d)).kind
        return {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(kind, str(d)), d
    return None, None


def _check_first(op, backend, v, where):
    if backend.is_list(v):
        _operand_error(op, where, "a list built in a tensor loop", None,
                       "test its length instead (`len(l) > 0`)")


def _check_operands(op, backend, v, w, where):
    """`v` (a tensor) and `w` (the other operand) must be one kind of tensor."""
    kv, dv = _kind(backend, v)
    kw, dw = _kind(backend, w)
    if kw is not None and kv == kw and (dw is None or dv is None or dv == dw
                                        or _weak(backend, v) or _weak(backend, w)):
        # (a weakly typed value, a Python int given to `jax.jit`, takes the other's dtype)
        return
    _operand_error(op, where, _describe(backend, v), _describe(backend, w), None)


def _weak(backend, v):
    """True for a weakly typed array of a backend that has them (JAX's Python scalars)."""
    is_weak = getattr(backend, "is_weak", None)
    return is_weak is not None and type(v) not in python_types and is_weak(v)


def _describe(backend, v):
    if backend.is_value(v) and not backend.is_list(v):
        return "a %s tensor" % backend.dtype(v).name
    if backend.is_list(v):
        return "a list built in a tensor loop"
    if type(v) in (bool, int, float):
        return "the Python %s %r" % (type(v).__name__, v)
    return "a Python %s" % type(v).__name__


def _operand_error(op, where, first, other, remedy):
    at = ""
    if where is not None:
        filename, line = where
        text = linecache.getline(filename, line).strip()
        at = " at %s:%d" % (filename, line) + (" (`%s`)" % text if text else "")
    if other is None:
        what = "its first operand is %s" % first
    else:
        what = "its first operand is %s and the other %s" % (first, other)
    raise StagedOperandError(
        "the `%s` expression%s depends on a graph tensor, and in Python its value is one of "
        "its operands; %s, which cannot be one tensor. %s" % (
            op, at, what, (remedy[0].upper() + remedy[1:] + ".") if remedy else
            "Make both operands tensors of one dtype (e.g. `ag.cast`), or compare explicitly "
            "(`(x > 0) and (n != 0)`) to get a bool."))


def _caller_line():
    """(file, line) of the converted code that called and_/or_ (the user's line)."""
    f = sys._getframe(2)
    here = __file__
    while f is not None and f.f_code.co_filename == here:
        f = f.f_back
    if f is None:
        return None
    return f.f_code.co_filename, f.f_lineno


def not_(x):
    """`not x`; a graph tensor gives a logical_not op."""
    if x is True:
        return False
    if x is False:
        return True
    if type(x) not in python_types:
        backend = backend_for(x)
        if backend is not None:
            return backend.logical_not(backend.to_value(x) if not backend.is_value(x) else x)
    return not x


def not_and(*thunks):
    """`not (a and b and ...)` where the `not` is a value (`flag = not (x and n)`): on Python
    values exactly `not_(and_(...))` (the deciding operand's `__bool__` runs twice, as in
    CPython); on graph tensors only the operands' truth matters, so their dtypes may differ."""
    return _not_of("and", thunks)


def not_or(*thunks):
    """`not (a or b or ...)` as a value (see `not_and`)."""
    return _not_of("or", thunks)


def _not_of(op, thunks):
    last = len(thunks) - 1
    for i, thunk in enumerate(thunks):
        v = thunk()
        if i == last:
            return not_(v)
        if type(v) not in python_types:
            backend = backend_for(v)
            if backend is not None:
                return backend.logical_not(_staged(op, backend, v, thunks[i + 1:], True))
        # (a nested operand's known truth decides; the `not` asks the deciding operand again,
        # as CPython's `not` after a jump does)
        truth = thunk.truth if type(thunk) is Nested else None
        if truth is None:
            truth = bool(v)
        if (not truth) if op == "and" else truth:
            return not v


class Nested:
    """An `and`/`or` that is an operand of another `and`/`or` (or of `not`), as a value:
    called, it gives its value like `and_`/`or_`, and leaves in `truth` the truth of that
    value when a test of one of its operands decided it (None when its last operand, untested,
    is the value), so that the enclosing operator does not test it again."""

    __slots__ = ("op", "thunks", "truth")

    def __init__(self, op, thunks):
        self.op, self.thunks, self.truth = op, thunks, None

    def __call__(self):
        self.truth = None
        thunks = self.thunks
        last = len(thunks) - 1
        stop = self.op == "or"      # the truth that decides: True for `or`, False for `and`
        for i, thunk in enumerate(thunks):
            v = thunk()
            truth = thunk.truth if type(thunk) is Nested else None
            if i == last:
                self.truth = truth
                return v
            if truth is None:
                if v is True or v is False:
                    truth = v
                elif type(v) not in python_types and backend_for(v) is not None:
                    return _staged(self.op, backend_for(v), v, thunks[i + 1:], False)
                else:
                    truth = bool(v)
            if truth is stop:
                self.truth = truth
                return v


def nested_and(*thunks):
    """`a and b and ...` as an operand of an enclosing `and`/`or`/`not` (see `Nested`)."""
    return Nested("and", thunks)


def nested_or(*thunks):
    """`a or b or ...` as an operand of an enclosing `and`/`or`/`not` (see `Nested`)."""
    return Nested("or", thunks)
