"""`and_`, `or_`, `not_`: lazy boolean operators with Python semantics on Python values.

    and_(lambda: a, lambda: b)  ==  a and b     (returns the deciding operand)
    or_(lambda: a, lambda: b)   ==  a or b
    not_(a)                     ==  not a

An operand that is a graph tensor makes the rest a `cond`, so later operands are still only
evaluated (at run time) when needed, as in `i < n and x[i] > 0`.
"""

from autograph.operators import dispatch

__all__ = ["and_", "or_", "not_"]

_TABLE = dispatch._TABLE
_UNSEEN = dispatch._UNSEEN
_lookup = dispatch.lookup


def and_(first, *rest):
    """`a and b and ...` over thunks (functions of no arguments), evaluated lazily."""
    v = first()
    if not rest:
        return v
    if v is not True:
        if v is False:
            return v
        entry = _TABLE.get(type(v), _UNSEEN)
        if entry is not None:
            backend = _lookup(v, entry)
            if backend is not None:
                return _staged_and(backend, v, rest)
        if not v:
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
        entry = _TABLE.get(type(v), _UNSEEN)
        if entry is not None:
            backend = _lookup(v, entry)
            if backend is not None:
                return _staged_or(backend, v, rest)
        if v:
            return v
    if len(rest) == 1:
        return rest[0]()
    return or_(*rest)


def _staged_and(backend, v, rest):
    return backend.cond(v, lambda: _as_bool(backend, and_(*rest)), lambda: v, ("<and>",))


def _staged_or(backend, v, rest):
    return backend.cond(v, lambda: v, lambda: _as_bool(backend, or_(*rest)), ("<or>",))


def _as_bool(backend, v):
    # In a staged `and`/`or` every operand becomes a bool tensor (a Python value's truth).
    if type(v) is bool:
        return v
    if backend.is_value(v):
        return v
    if dispatch.backend_for(v) is not None:
        return v
    return bool(v)


def not_(x):
    """`not x`; a graph tensor gives a logical_not op."""
    if x is True:
        return False
    if x is False:
        return True
    entry = _TABLE.get(type(x), _UNSEEN)
    if entry is not None:
        backend = _lookup(x, entry)
        if backend is not None:
            return backend.logical_not(backend.to_value(x) if not backend.is_value(x) else x)
    return not x
