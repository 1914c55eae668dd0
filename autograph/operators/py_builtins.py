"""Overloads of Python builtins that `converted_call` dispatches to.

Each overload behaves exactly like the builtin on Python values and eager tensors, and builds
tensor ops when a graph tensor is involved:

    range(n)        lazy `StagedRange` (a `for` over it is a while_loop, nothing materialised)
    enumerate(t)    lazy `StagedEnumerate`;   zip(a, b)  lazy `StagedZip`
    len(t)          size of the first dimension (static int when known)
    abs/min/max     abs / minimum / maximum ops; min(t), max(t) of one tensor reduce over it
    int/float       cast to int32 / float32

`print`, `isinstance` and every other builtin are called as they are.
"""

import builtins
from operator import index as _index

from autograph.operators import dispatch, sequences

__all__ = ["range_", "len_", "enumerate_", "zip_", "abs_", "min_", "max_", "int_", "float_",
           "BUILTIN_OVERLOADS"]


_range, _len, _enumerate, _zip = builtins.range, builtins.len, builtins.enumerate, builtins.zip
_abs, _min, _max, _int, _float = builtins.abs, builtins.min, builtins.max, builtins.int, \
    builtins.float


_staged = dispatch.backend_for


def _any_staged(args):
    for a in args:
        if type(a) is not int:
            b = _staged(a)
            if b is not None:
                return b
    return None


def _integer_dtype(dtype):
    """Whether a backend dtype is an integer type (True when it cannot tell)."""
    flag = getattr(dtype, "is_integer", None)
    if type(flag) is bool:
        return flag
    kind = getattr(dtype, "kind", None)      # numpy dtypes (JAX)
    return kind in ("i", "u") if type(kind) is str else True


def _check_index(backend, value, what):
    """Raises TypeError where Python's `operator.index(value)` would: `value` is a float
    (or other non-integer) Python value or tensor."""
    if type(value) is int:
        return
    if _staged(value) is not None:
        dtype = backend.dtype(value)
        if not _integer_dtype(dtype):
            raise TypeError(
                "%s is a %s tensor, but it must be an integer, as in Python (where a float "
                "raises \"TypeError: 'float' object cannot be interpreted as an integer\"); "
                "use an integer tensor, or cast it with ag.cast(x, ag.int32) if truncating "
                "is what you mean" % (what, getattr(dtype, "name", dtype)))
        return
    _index(value)   # Python's own error for a float, str, ...


def range_(*args):
    """`range(...)`; with a graph tensor argument, a lazy `StagedRange`.

    Raises:
      TypeError: as Python does; also for a graph tensor argument that is not an integer.
    """
    backend = _any_staged(args)
    if backend is None:
        return _range(*args)
    n = _len(args)
    for k, a in _enumerate(args):
        _check_index(backend, a, "range() argument %d" % (k + 1))
    if n == 1:
        start, stop, step = 0, args[0], 1
    elif n == 2:
        (start, stop), step = args, 1
    elif n == 3:
        start, stop, step = args
    else:
        raise TypeError("range expected at most 3 arguments, got %d" % n)
    return sequences.StagedRange(backend, start, stop, step)


def len_(*args, **kwargs):
    """`len(x)`; the first dimension of a graph tensor (an int when static)."""
    if _len(args) != 1 or kwargs:
        return _len(*args, **kwargs)      # Python's own error
    x = args[0]
    if type(x) in dispatch.python_types:
        return _len(x)
    backend = _staged(x)
    if backend is not None:
        if isinstance(x, sequences._Sequence):
            return x.length()
        if backend.is_list(x):
            return backend.list_length(x)
        return backend.length(x)
    for b in dispatch.backends():
        if b.is_list(x):  # an eager TensorArray: its size as a Python int
            return _int(b.list_length(x))
    return _len(x)


def enumerate_(iterable, start=0):
    """`enumerate(iterable, start)`; over a graph tensor, a lazy `StagedEnumerate`."""
    backend = _staged(iterable)
    if backend is None:
        return _enumerate(iterable, start)
    _check_index(backend, start, "the start of enumerate()")
    return sequences.StagedEnumerate(backend, sequences.as_sequence(backend, iterable), start)


def zip_(*iterables, **kwargs):
    """`zip(...)`; if any iterable is a graph tensor, a lazy `StagedZip`."""
    backend = None
    for it in iterables:
        backend = _staged(it)
        if backend is not None:
            break
    if backend is None:
        return _zip(*iterables, **kwargs)
    if kwargs:
        raise NotImplementedError("zip(..., strict=) over graph tensors is not supported")
    for k, it in _enumerate(iterables):
        if hasattr(type(it), "__next__") and _staged(it) is None:
            # A graph loop needs all its items while it is built; reading a Python iterator
            # to its end would consume more of it than Python's zip does.
            raise TypeError(
                "zip() argument %d is a Python %s (an iterator), zipped with a graph tensor: a "
                "graph loop needs all its items while it is built, and reading an iterator to "
                "its end would consume more of it than Python's zip does. Pass list(...) of it "
                "if it is finite"
                % (k + 1, type(it).__name__))
    return sequences.StagedZip(backend, [sequences.as_sequence(backend, it)
                                         for it in iterables])


def abs_(*args, **kwargs):
    """`abs(x)`; an abs op on a graph tensor."""
    if _len(args) != 1 or kwargs:
        return _abs(*args, **kwargs)      # Python's own error
    x = args[0]
    backend = _staged(x)
    if backend is None:
        return _abs(x)
    return backend.abs(x)


def _minmax(builtin, pairwise, reduce, args, kwargs):
    backend = _any_staged(args)
    if backend is None:
        return builtin(*args, **kwargs)
    if kwargs:
        raise NotImplementedError("%s() with key= or default= over graph tensors is not "
                                  "supported" % builtin.__name__)
    if _len(args) == 1:
        return reduce(backend, args[0])
    result = args[0]
    for a in args[1:]:
        result = pairwise(backend, result, a)
    return result


def min_(*args, **kwargs):
    """`min(...)`; with graph tensors, minimum ops (one tensor: its smallest element)."""
    return _minmax(_min, lambda b, x, y: b.minimum(x, y), lambda b, x: b.reduce_min(x),
                   args, kwargs)


def max_(*args, **kwargs):
    """`max(...)`; with graph tensors, maximum ops (one tensor: its largest element)."""
    return _minmax(_max, lambda b, x, y: b.maximum(x, y), lambda b, x: b.reduce_max(x),
                   args, kwargs)


def int_(*args, **kwargs):
    """`int(x)`; a cast to int32 for a graph tensor."""
    if _len(args) != 1 or kwargs:
        return _int(*args, **kwargs)
    x = args[0]
    backend = _staged(x)
    if backend is None:
        return _int(x)
    return backend.cast(x, int)


def float_(*args, **kwargs):
    """`float(x)`; a cast to float32 for a graph tensor."""
    if _len(args) != 1 or kwargs:
        return _float(*args, **kwargs)
    x = args[0]
    backend = _staged(x)
    if backend is None:
        return _float(x)
    return backend.cast(x, float)


# id(builtin) -> overload. Builtins live for the whole process, so their ids are stable.
BUILTIN_OVERLOADS = {
    id(_range): range_, id(_len): len_, id(_enumerate): enumerate_, id(_zip): zip_,
    id(_abs): abs_, id(_min): min_, id(_max): max_, id(_int): int_, id(_float): float_,
}
