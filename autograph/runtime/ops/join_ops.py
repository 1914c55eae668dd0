"""Joining and splitting: concat (with its gradient op `split_like`), stack and unstack.

`stack` is also how `convert_to_tensor` packs lists holding tensors: this module registers it
with core_ops (which sits below it and cannot import it).
One block per op: kernel, declaration, public function.
"""
import numpy as np

from autograph.runtime.ops import core_ops, rules
from autograph.runtime.ops.core_ops import convert_to_tensor
from autograph.runtime.ops.shape_ops import transpose, zeros_like
from autograph.runtime.ops.static_values import int_attr
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape
from autograph.runtime.tensor import Tensor


# == concat / stack / unstack ===================================================================

def _concat(*xs, axis):
    return np.concatenate(xs, axis=axis)


def _concat_shape(shapes, attrs):
    known = [s for s in shapes if s.rank is not None]
    if not known:
        return UNKNOWN
    first = known[0]
    if first.rank == 0:
        raise ValueError("cannot concatenate scalars (shape ()); use ag.stack")
    a = rules.check_axis(attrs["axis"], first.rank)
    out = list(first.dims)
    total = 0
    for s in shapes:
        if s.rank is None:
            total = None
            continue
        if s.rank != first.rank:
            raise ValueError("cannot concatenate shapes %s and %s: their ranks differ"
                             % (first, s))
        for i, d in enumerate(s.dims):
            if i == a:
                continue
            if out[i] is None:
                out[i] = d
            elif d is not None and d != out[i]:
                raise ValueError("cannot concatenate shapes %s and %s along axis %d: dimension"
                                 " %d differs" % (first, s, a, i))
        total = None if total is None or s.dims[a] is None else total + s.dims[a]
    out[a] = total
    return TensorShape(out)


def _split_like(g, *xs, axis):
    ends = np.cumsum([np.shape(x)[axis] for x in xs])
    return tuple(np.split(g, ends[:-1], axis=axis))


def _split_like_grad(op, *gs):
    gs = [zeros_like(o) if g is None else g for g, o in zip(gs, op.outputs)]
    return [concat(gs, op.attrs["axis"])] + [None] * (len(op.inputs) - 1)


SPLIT_LIKE = declare("split_like", _split_like, dtype=lambda ds, a: [ds[0]] * (len(ds) - 1),
                     shape=lambda ss, a: list(ss[1:]), grad=_split_like_grad,
                     doc="Splits the first input along an axis into pieces shaped like the "
                         "other inputs (the gradient of concat).")


def split_like(value, likes, axis, name=None):
    """Splits `value` along `axis` into pieces shaped like the tensors `likes` (whose sizes
    along `axis` add up to value's); the gradient of `concat`. Returns a list of tensors."""
    return list(apply(SPLIT_LIKE, [value] + list(likes), {"axis": int_attr(axis, "axis")},
                      name=name))


def _concat_grad(op, g):
    if len(op.inputs) == 1:
        return [g]
    return split_like(g, op.inputs, op.attrs["axis"])


CONCAT = declare("concat", _concat, dtype=rules.same_as_first, shape=_concat_shape,
                 same_dtype="all", grad=_concat_grad, doc="Joins tensors along an existing axis.")


def concat(values, axis, name=None):
    """Joins a list of tensors along an existing axis.

    Args:
      values: a non-empty list of tensors of one dtype and rank; all dimensions but `axis`
        must match.
      axis: the axis to join along.
    Returns:
      A tensor whose `axis` dimension is the sum of the inputs'.
    Raises:
      TypeError: dtypes differ. ValueError: empty list, scalars, or mismatched shapes.
    """
    values = _tensor_list(values, "concat")
    return apply(CONCAT, values, {"axis": int_attr(axis, "axis")}, name=name)


def _tensor_list(values, what):
    if isinstance(values, Tensor) or not isinstance(values, (list, tuple)):
        raise TypeError("%s takes a list of tensors, got %r" % (what, values))
    if not values:
        raise ValueError("%s needs at least one tensor" % what)
    return list(values)


def _stack(*xs, axis):
    return np.stack(xs, axis=axis)


def _stack_shape(shapes, attrs):
    merged = UNKNOWN
    first = None
    for s in shapes:
        try:
            merged = merged.merge_with(s)
        except ValueError:
            raise ValueError("cannot stack shapes %s and %s: all shapes must be equal"
                             % (first, s)) from None
        if first is None and s.rank is not None:
            first = s
    if merged.rank is None:
        return UNKNOWN
    a = rules.check_axis(attrs["axis"], merged.rank, extra=1)
    return TensorShape(merged.dims[:a] + (len(shapes),) + merged.dims[a:])


def _stack_grad(op, g):
    return unstack(g, num=len(op.inputs), axis=op.attrs["axis"])


STACK = declare("stack", _stack, dtype=rules.same_as_first, shape=_stack_shape,
                same_dtype="all", grad=_stack_grad,
                doc="Joins tensors of one shape along a new axis.")


def stack(values, axis=0, name=None):
    """Joins a list of tensors of one shape along a new axis.

    Args:
      values: a non-empty list of tensors (or Python values) of one dtype and shape.
      axis: position of the new axis (in -rank-1 .. rank).
    Returns:
      A tensor with rank + 1 axes; the new one has len(values) entries.
    Raises:
      TypeError: dtypes differ. ValueError: empty list or mismatched shapes (names both).
    """
    if hasattr(values, "stack") and hasattr(values, "_ag_flatten"):   # a TensorArray
        out = values.stack()
        return out if axis == 0 else transpose_to_axis(out, axis)
    values = _tensor_list(values, "stack")
    return apply(STACK, values, {"axis": int_attr(axis, "axis")}, name=name)


def transpose_to_axis(x, axis):
    """Moves the first axis of `x` to position `axis` (for stacking TensorArrays)."""
    r = x.shape.rank
    if r is None:
        raise ValueError("stack of a TensorArray along axis %d needs a known element rank"
                         % axis)
    axis = axis % r
    perm = list(range(1, r))
    perm.insert(axis, 0)
    return transpose(x, perm)


def _unstack(x, num, axis):
    if np.shape(x)[axis] != num:
        raise ValueError("unstack: expected %d entries along axis %d, got shape %s"
                         % (num, axis, TensorShape(np.shape(x))))
    if not axis:
        return tuple(x)
    # One copy with `axis` first gives contiguous pieces: later elementwise kernels on them
    # are faster than on strided views (and cheaper than np.moveaxis).
    a = axis % x.ndim
    return tuple(x.transpose((a,) + tuple(i for i in range(x.ndim) if i != a)).copy())


def _unstack_dtype(ds, attrs):
    return [ds[0]] * attrs["num"]


def _unstack_shape(shapes, attrs):
    s, num = shapes[0], attrs["num"]
    if s.rank is None:
        return [UNKNOWN] * num
    a = rules.check_axis(attrs["axis"], s.rank)
    if s.dims[a] is not None and s.dims[a] != num:
        raise ValueError("cannot unstack shape %s into %d tensors along axis %d" % (s, num, a))
    return [TensorShape(s.dims[:a] + s.dims[a + 1:])] * num


def _unstack_grad(op, *gs):
    gs = [zeros_like(o) if g is None else g for g, o in zip(gs, op.outputs)]
    return [stack(gs, axis=op.attrs["axis"])]


UNSTACK = declare("unstack", _unstack, dtype=_unstack_dtype, shape=_unstack_shape,
                  grad=_unstack_grad, doc="Splits a tensor along an axis into a list of tensors.")


def unstack(value, num=None, axis=0, name=None):
    """Splits `value` along `axis` into a list of tensors of rank - 1.

    Args:
      value: a tensor of rank >= 1.
      num: number of pieces; inferred from the static shape when None.
      axis: the axis to split along.
    Returns:
      A list of `num` tensors.
    Raises:
      ValueError: num is None and the dimension is not known statically, or does not match.
    """
    if not isinstance(value, Tensor):
        value = convert_to_tensor(value)
    axis = int_attr(axis, "axis")
    s = value.shape
    if s.rank == 0:
        raise ValueError("cannot unstack a scalar (shape ())")
    if num is None:
        d = None if s.rank is None else s[rules.check_axis(axis, s.rank)]
        if d is None:
            raise ValueError("unstack: cannot infer the number of pieces from shape %s; pass "
                             "num=" % (s,))
        num = d
    num = int_attr(num, "num")
    if num == 0:
        return []
    return list(apply(UNSTACK, [value], {"num": num, "axis": axis}, name=name))


core_ops.register_list_packer(stack)
