"""Staged sequences: what a staged `for` loop iterates by index.

A staged `for` becomes `while i < length: target = item(i); ...`. Each sequence here knows its
backend, its `length()` (a Python int when static, else a scalar tensor) and `item(i)` for a
scalar tensor index `i`. `range(n)`, `enumerate(t)` and `zip(a, b)` over tensors return these
lazily from `converted_call`, so `for i in range(n)` never materialises the range.
"""

import numpy as np

from autograph.operators import dispatch

__all__ = ["StagedRange", "StagedEnumerate", "StagedZip", "TensorSeq", "ListSeq", "as_sequence"]


class _Sequence:
    __slots__ = ("backend",)

    def length(self):
        raise NotImplementedError

    def item(self, i):
        raise NotImplementedError

    def index_dtype(self):
        """dtype of the loop counter (None: the backend's default integer)."""
        n = self.length()
        return None if type(n) is int else self.backend.dtype(n)

    def __iter__(self):
        raise TypeError(
            "%s over graph tensors cannot be iterated by Python; iterate it with a `for` loop "
            "in a function converted by autograph (ag.to_graph / ag.function)"
            % type(self).__name__)

    def __len__(self):
        raise TypeError("the length of %s is a tensor; use len() inside converted code"
                        % type(self).__name__)


def _np_dtype(d):
    try:
        return np.dtype(getattr(d, "np_dtype", d))
    except TypeError:
        return None     # (a backend whose dtypes numpy does not know: left as they are)


def _range_dtype(backend, args):
    """The dtype a staged range computes in: its tensor arguments' integer dtype widened to
    the backend's default int (int32; int64 under jax_enable_x64) where that holds every value
    of it, a wider one as it is; a TypeError where no such dtype exists (uint32 without x64)."""
    wide = backend.dtype(0)
    out = None
    for v in args:
        if type(v) is int:
            continue
        d = backend.dtype(v if backend.is_value(v) else backend.to_value(v))
        nd, nw = _np_dtype(d), _np_dtype(wide)
        if nd is None or nw is None or nd.kind not in "iu":
            return None     # (refused by range() itself)
        if np.can_cast(nd, nw, "safe"):
            d = wide
        elif not np.can_cast(nw, nd, "safe"):
            raise TypeError(
                "range() over a %s tensor: Python's items are ints, so the staged loop counts "
                "in %s (the default int), which cannot hold every %s value; cast the argument "
                "to %s%s" % (nd, nw, nd, nw, " or enable jax_enable_x64"
                             if hasattr(backend, "jnp") and nw.itemsize < 8 else ""))
        if out is None or np.can_cast(_np_dtype(out), _np_dtype(d), "safe"):
            out = d
    return out


@dispatch.mark_lazy
class StagedRange(_Sequence):
    """`range(start, stop, step)` where some argument is a graph tensor."""

    __slots__ = ("start", "stop", "step", "_n")

    def __init__(self, backend, start, stop, step):
        self.backend = backend
        dtype = _range_dtype(backend, (start, stop, step))
        if dtype is not None:
            # Python's items are Python ints: an int8 bound's `k * k` must not wrap.
            start, stop, step = (v if type(v) is int or backend.dtype(v) == dtype
                                 else backend.cast(v, dtype) for v in (start, stop, step))
        self.start, self.stop, self.step = start, stop, step
        self._n = None

    def length(self):
        if self._n is None:
            # ceil((stop - start) / step), clipped at 0; valid for either sign of step.
            n = -((self.start - self.stop) // self.step)
            if type(n) is int:
                self._n = max(n, 0)
            else:
                self._n = self.backend.maximum(n, 0)
        return self._n

    def item(self, i):
        if type(self.start) is int and self.start == 0 and type(self.step) is int and self.step == 1:
            return i
        return self.start + i * self.step

    def index_dtype(self):
        for v in (self.start, self.stop, self.step):
            if type(v) is not int:
                return self.backend.dtype(self.backend.to_value(v))
        return None

    def to_tensor(self):
        """The range materialised as a 1-D tensor (used when a tensor is really needed)."""
        b = self.backend
        n = self.length()
        idx = b.range_(n, dtype=self.index_dtype())
        return self.item(idx)

    def __repr__(self):
        return "StagedRange(%r, %r, %r)" % (self.start, self.stop, self.step)


@dispatch.mark_lazy
class StagedEnumerate(_Sequence):
    __slots__ = ("seq", "start")

    def __init__(self, backend, seq, start=0):
        self.backend = backend
        self.seq, self.start = seq, start

    def length(self):
        return self.seq.length()

    def index_dtype(self):
        return self.seq.index_dtype()

    def item(self, i):
        return (i + self.start if not (type(self.start) is int and self.start == 0) else i,
                self.seq.item(i))


@dispatch.mark_lazy
class StagedZip(_Sequence):
    __slots__ = ("seqs",)

    def __init__(self, backend, seqs):
        self.backend = backend
        self.seqs = tuple(seqs)

    def length(self):
        n = None
        for s in self.seqs:
            m = s.length()
            if n is None:
                n = m
            elif type(n) is int and type(m) is int:
                n = min(n, m)
            else:
                n = self.backend.minimum(n, m)
        return n

    def index_dtype(self):
        for s in self.seqs:
            d = s.index_dtype()
            if d is not None:
                return d
        return None

    def item(self, i):
        return tuple(s.item(i) for s in self.seqs)


class TensorSeq(_Sequence):
    """The rows of a tensor (its first dimension) or the elements of a backend list."""

    __slots__ = ("x", "is_list")

    def __init__(self, backend, x):
        self.backend = backend
        self.x = x
        self.is_list = backend.is_list(x)

    def length(self):
        if self.is_list:
            return self.backend.list_length(self.x)
        return self.backend.length(self.x)

    def item(self, i):
        if self.is_list:
            return self.backend.list_item(self.x, i)
        return self.backend.item(self.x, i)


class ListSeq(_Sequence):
    """A Python list of same-structured items (numbers, tensors, tuples of them), stacked."""

    __slots__ = ("structure", "leaves", "n")

    def __init__(self, backend, items):
        self.backend = backend
        items = list(items)
        self.n = len(items)
        if not items:
            self.structure, self.leaves = None, []
            return
        self.structure = items[0]
        flat = [backend.flatten(it) for it in items]
        width = len(flat[0])
        if any(len(f) != width for f in flat):
            raise TypeError("cannot iterate a list of differently structured items in a "
                            "graph loop: %r" % (items,))
        self.leaves = [backend.stack([backend.to_value(f[j]) for f in flat])
                       for j in range(width)]

    def length(self):
        return self.n

    def item(self, i):
        return self.backend.pack(self.structure, [self.backend.item(leaf, i)
                                                  for leaf in self.leaves])


def as_sequence(backend, x):
    """The staged sequence for `x` (a staged tensor, backend list, lazy sequence or list)."""
    if isinstance(x, _Sequence):
        return x
    if type(x) is range:
        return StagedRange(backend, x.start, x.stop, x.step)
    if isinstance(x, (list, tuple)) and not backend.is_value(x):
        return ListSeq(backend, x)
    return TensorSeq(backend, x)
