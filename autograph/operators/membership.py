"""`in` and `not in` that stage on graph tensors.

    in_(x, c)        ==  x in c
    not_in(x, c)     ==  x not in c

Python calls `c.__contains__(x)` and turns its result into a bool, which a graph tensor
cannot be, so converted code calls these helpers instead. On anything else they are exactly
Python's operators. With a graph tensor on either side:

  * `x in t` for a 1-D tensor `t` and a scalar `x`: true if an element of `t` equals `x`
    (Python iterates `t` and compares each element);
  * `x in [a, b, ...]` (a list or tuple) for a scalar tensor `x`: `x == a or x == b or ...`,
    true at once for an item that is `x` itself, items that are not numbers or tensors
    (`None`, strings) never equal;
  * `x in range(...)`: `start <= x < stop` (or the reverse for a negative step) on the step;
  * sets and dicts keep Python's hashing: tensors hash by identity.
"""
import numbers

from autograph.operators import dispatch

__all__ = ["in_", "not_in"]

_backend = dispatch.backend_for


def in_(x, container, _python=dispatch.python_types):
    """`x in container`; a bool tensor when either side is a graph tensor (see the module)."""
    if type(container) in _python and type(x) in _python:    # no backend stages either
        return x in container
    backend = _backend(container)
    if backend is not None:
        return _in_tensor(backend, x, container)
    backend = _backend(x)
    if backend is not None:
        tc = type(container)
        if tc is list or tc is tuple:
            return _in_items(backend, x, container)
        if tc is range:
            return _in_range(x, container)
        if backend.is_value(container):          # an eager tensor
            return _in_tensor(backend, x, container)
    return x in container


def not_in(x, container, _python=dispatch.python_types):
    """`x not in container`."""
    if type(container) in _python and type(x) in _python:
        return x not in container
    r = in_(x, container)
    if r is True or r is False:
        return not r
    return _backend(r).logical_not(r)


def _rank(backend, v):
    shape = backend.spec(v).shape
    return shape.rank if hasattr(shape, "rank") else len(shape)


def _rank_text(rank):
    return "unknown" if rank is None else str(rank)


def _in_tensor(backend, x, t):
    if not (backend.is_value(x) or isinstance(x, numbers.Number)):
        return False        # Python compares each element with `x`: never equal
    rank = _rank(backend, t)
    xr = _rank(backend, x) if backend.is_value(x) else 0
    if rank != 1 or xr not in (0, None):
        raise TypeError(
            "`x in t` with a graph tensor is staged for a 1-D tensor `t` and a scalar `x`; `t` "
            "has rank %s and `x` rank %s (Python's `in` compares each row of `t` with `x` and "
            "needs one bool per row). For other shapes use ag.reduce_any(ag.equal(t, x), ...)"
            % (_rank_text(rank), _rank_text(xr)))
    return backend.contains(t, x)


def _in_items(backend, x, items):
    candidates = []
    for item in items:
        if item is x:
            return True
        if isinstance(item, numbers.Number) or backend.is_value(item):
            candidates.append(item)
    if not candidates:
        return False
    xr = _rank(backend, x)
    if xr not in (0, None):
        raise TypeError(
            "`x in [...]` with a graph tensor `x` is staged for a scalar `x` (Python's `in` "
            "needs one bool per item); `x` has rank %d. Compare explicitly, e.g. "
            "ag.reduce_any(ag.equal(ag.stack(items), x), axis=0)" % xr)
    # Python asks each item `item == x`: each comparison keeps its own operand kinds (an
    # int tensor is never equal to 2.5, equal to True where it is 1), which one stacked
    # tensor of the items could not.
    found = None
    for item in candidates:
        eq = item == x
        found = eq if found is None else found | eq
    return found


def _in_range(x, r):
    if len(r) == 0:
        return False
    if r.step > 0:
        inside = (x >= r.start) & (x < r.stop)
    else:
        inside = (x <= r.start) & (x > r.stop)
    return inside & ((x - r.start) % abs(r.step) == 0)
