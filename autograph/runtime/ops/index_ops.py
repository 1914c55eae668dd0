"""Indexing: `gather` (slices by a tensor of indices) and `strided_slice` (x[key]), each with
the op that is its gradient (`gather_grad`, `strided_slice_grad`).

One block per op: kernel, declaration, public function.
"""
import operator

import numpy as np

from autograph.runtime.ops import rules, static_values
from autograph.runtime.ops.static_values import get_static_value, int_attr
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape
from autograph.runtime.tensor import Tensor


# == gather =====================================================================================

def _gather(params, indices, axis):
    return np.take(params, indices, axis=axis)


def _gather_dtype(ds, attrs):
    if not ds[1].is_integer:
        raise TypeError("indices must be an int tensor, got %s" % ds[1].name)
    return ds[0]


def _gather_shape(shapes, attrs):
    p, i = shapes
    if p.rank is None or i.rank is None:
        return UNKNOWN
    if p.rank == 0:
        raise ValueError("cannot gather from a scalar (shape ())")
    a = rules.check_axis(attrs["axis"], p.rank)
    return TensorShape(p.dims[:a] + i.dims + p.dims[a + 1:])


def _gather_grad_kernel(g, params, indices, axis):
    """Adds the slices of g into zeros shaped like params, at the gathered indices."""
    out = np.zeros(np.shape(params), g.dtype)
    idx = np.asarray(indices)
    ax = axis % out.ndim
    g = g.reshape(out.shape[:ax] + idx.shape + out.shape[ax + 1:])
    np.add.at(np.moveaxis(out, ax, 0),
              idx, np.moveaxis(g, list(range(ax, ax + idx.ndim)), list(range(idx.ndim))))
    return out


def _gather_grad_grad(op, g):
    return [gather(g, op.inputs[2], axis=op.attrs["axis"]), None, None]


GATHER_GRAD = declare("gather_grad", _gather_grad_kernel, dtype=rules.same_as_first,
                      shape=lambda ss, a: ss[1], grad=_gather_grad_grad,
                      doc="Scatters (adds) slices into zeros shaped like params at the "
                          "indices (the gradient of gather).")


def gather_grad(grad, params, indices, axis=0, name=None):
    """Zeros shaped like `params` plus the slices of `grad` added at `indices` along `axis`
    (repeated indices add up); the gradient of `gather`."""
    return apply(GATHER_GRAD, [grad, params, indices], {"axis": int_attr(axis, "axis")},
                 name=name)


def _gather_grad(op, g):
    params, indices = op.inputs
    return [gather_grad(g, params, indices, op.attrs["axis"]), None]


GATHER = declare("gather", _gather, dtype=_gather_dtype, shape=_gather_shape,
                 grad=_gather_grad, doc="Picks slices along an axis by index.")


def gather(params, indices, axis=0, name=None):
    """Picks slices of `params` along `axis` at `indices` (negative indices count from the end).

    Args:
      params: a tensor of rank >= 1.
      indices: an int tensor of any shape.
      axis: the axis of params to index.
    Returns:
      A tensor of shape params.shape[:axis] + indices.shape + params.shape[axis + 1:].
    Raises:
      TypeError: indices are not integers. InvalidArgumentError: an index is out of range.
    """
    return apply(GATHER, [params, indices], {"axis": int_attr(axis, "axis")}, name=name)


# == slicing: x[key] ============================================================================

class _Dyn:
    """A place in a slicing key filled at run time by the op's extra input `i`."""

    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __repr__(self):
        return "<input %d>" % (self.i + 1)


def _resolve(part, dyn):
    return int(dyn[part.i]) if type(part) is _Dyn else part


def _strided_slice(x, *dyn, spec):
    if dyn:
        key = []
        for k in spec:
            if type(k) is slice:
                k = slice(_resolve(k.start, dyn), _resolve(k.stop, dyn), _resolve(k.step, dyn))
            elif type(k) is _Dyn:
                k = int(dyn[k.i])
            key.append(k)
        spec = tuple(key)
    return x[spec]


def _slice_dtype(ds, attrs):
    for d in ds[1:]:
        if not d.is_integer:
            raise TypeError("tensor indices must be integers, got %s" % d.name)
    return ds[0]


def _slice_len(k, d):
    if k.step == 0:
        raise ValueError("slice step cannot be zero")
    parts = (k.start, k.stop, k.step)
    if d is None or any(type(p) is _Dyn for p in parts):
        if k.start is None and k.stop is None and (k.step is None or k.step in (1, -1)):
            return d
        return None
    return len(range(*k.indices(d)))


def _slice_shape(shapes, attrs):
    s, spec = shapes[0], attrs["spec"]
    for extra in shapes[1:]:
        if extra.rank:
            raise ValueError("tensor indices must be scalars, got shape %s" % (extra,))
    if s.rank is None:
        return UNKNOWN
    used = sum(1 for k in spec if k is not None and k is not Ellipsis)
    if used > s.rank:
        raise ValueError("too many indices (%d) for a tensor of shape %s" % (used, s))
    out = []
    i = 0
    for k in spec:
        if k is None:
            out.append(1)
        elif k is Ellipsis:
            n = s.rank - used
            out.extend(s.dims[i:i + n])
            i += n
        elif type(k) is slice:
            out.append(_slice_len(k, s.dims[i]))
            i += 1
        else:
            d = s.dims[i]
            if type(k) is int and d is not None and not -d <= k < d:
                raise ValueError("index %d is out of bounds for axis %d of shape %s"
                                 % (k, i, s))
            i += 1
    out.extend(s.dims[i:])
    return TensorShape(out)


def _strided_slice_grad_kernel(g, x, *dyn, spec):
    """Places g into zeros shaped like x, where x[spec] was taken."""
    out = np.zeros(np.shape(x), g.dtype)
    if dyn:
        spec = tuple(slice(_resolve(k.start, dyn), _resolve(k.stop, dyn), _resolve(k.step, dyn))
                     if type(k) is slice else _resolve(k, dyn) for k in spec)
    out[spec] = g
    return out


def _strided_slice_grad_grad(op, g):
    return [apply(STRIDED_SLICE, [g] + list(op.inputs[2:]), {"spec": op.attrs["spec"]})] \
        + [None] * (len(op.inputs) - 1)


STRIDED_SLICE_GRAD = declare("strided_slice_grad", _strided_slice_grad_kernel,
                             dtype=rules.same_as_first, shape=lambda ss, a: ss[1],
                             grad=_strided_slice_grad_grad,
                             doc="Places a slice's gradient into zeros shaped like the sliced "
                                 "tensor (the gradient of strided_slice).")


def strided_slice_grad(grad, x, key, name=None):
    """Zeros shaped like `x` with `grad` placed where `x[key]` was taken; the gradient of
    `strided_slice`."""
    spec, dyn = _parse_key(key)
    return apply(STRIDED_SLICE_GRAD, [grad, x] + dyn, {"spec": spec}, name=name)


def _strided_slice_grad(op, g):
    x = op.inputs[0]
    return [apply(STRIDED_SLICE_GRAD, [g, x] + list(op.inputs[1:]), {"spec": op.attrs["spec"]})]\
        + [None] * (len(op.inputs) - 1)


STRIDED_SLICE = declare("strided_slice", _strided_slice, dtype=_slice_dtype,
                        shape=_slice_shape, grad=_strided_slice_grad,
                        doc="x[key]: ints, slices, None, Ellipsis.")


def _strided_slice_static(op):
    """A static slice of a static value (e.g. shape(x)[0])."""
    if len(op.inputs) != 1:
        return None
    v = get_static_value(op.inputs[0])
    return None if v is None else v[op.attrs["spec"]]


static_values.register(STRIDED_SLICE, _strided_slice_static)

_INDEX_HELP = ("tensors are indexed with ints, slices (any step), None (newaxis), Ellipsis and "
               "scalar int tensors; use ag.gather to pick entries by a list of indices")


def _parse_key(key):
    """The static slicing spec for `key`, and the scalar tensors it refers to."""
    if type(key) is not tuple:
        key = (key,)
    spec = []
    dyn = []
    for k in key:
        if k is None or k is Ellipsis:
            spec.append(k)
        elif type(k) is slice:
            spec.append(slice(_key_part(k.start, dyn), _key_part(k.stop, dyn),
                              _key_part(k.step, dyn)))
        else:
            spec.append(_key_part(k, dyn))
    if spec.count(Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    return tuple(spec), dyn


def _key_part(p, dyn):
    t = type(p)
    if t is int or p is None:
        return p
    if t is bool or t is np.bool_:
        raise TypeError("cannot index a tensor with a bool; %s" % _INDEX_HELP)
    if hasattr(p, "_ag_read"):
        p = p._ag_read()
        t = type(p)
    if isinstance(p, Tensor):
        if not p.dtype.is_integer or p.shape.rank not in (0, None):
            raise TypeError("cannot index a tensor with a %s tensor of shape %s; %s"
                            % (p.dtype.name, p.shape, _INDEX_HELP))
        v = get_static_value(p)
        if v is not None:
            return int(v)
        dyn.append(p)
        return _Dyn(len(dyn) - 1)
    try:
        return operator.index(p)
    except TypeError:
        raise TypeError("cannot index a tensor with %r; %s" % (p, _INDEX_HELP)) from None


def strided_slice(x, key, name=None):
    """x[key] (what `Tensor.__getitem__` calls).

    Args:
      x: a tensor.
      key: an int, slice (negative steps too), None/newaxis, Ellipsis, a scalar int tensor, or
        a tuple of these. Tensors may be symbolic: their values are read when the graph runs.
    Returns:
      The selected part of x, with x's dtype.
    Raises:
      TypeError: an unsupported index (lists, floats, bools; use ag.gather).
      ValueError / InvalidArgumentError: an index is out of bounds.
    """
    spec, dyn = _parse_key(key)
    return apply(STRIDED_SLICE, [x] + dyn if dyn else [x], {"spec": spec}, name=name)
