"""Creating, reshaping, joining, splitting, gathering and slicing tensors; shape/size/rank.

One block per op: kernel, declaration (with its dtype and shape rules), public function.

Shape-valued arguments (`zeros(shape)`, `reshape(x, shape)`, ...) are attributes when their
value is known while building (Python ints, eager tensors, constants, `shape()` of a fully
defined tensor), so the output shape is static and eager calls convert nothing. Only a shape
computed by the graph becomes an extra int tensor input (`dims`), and the static shape then
keeps what is known (its length, known entries).

Results may be numpy views of their inputs (reshape, transpose, slicing): tensors are
immutable, so kernels and variables never write into an array they did not create.
"""
import builtins
import math
import operator

import numpy as np

from autograph.runtime import context, dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import math_ops, rules
from autograph.runtime.ops.core_ops import CONSTANT, convert_to_tensor
from autograph.runtime.ops.gradient_ops import unbroadcast
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape, as_shape, broadcast
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy

_pyrange = builtins.range


# == helpers ====================================================================================

def get_static_value(x):
    """The value of `x` as numpy if it is known without running a graph, else None.

    Known: eager tensors, Python/numpy values, graph constants, shape/size/rank of tensors
    whose static shape settles them, and static slices of those (`shape(x)[0]`). Variables
    are never static (they change).
    """
    t = type(x)
    if t is EagerTensor:
        return x._value
    if t is Tensor:
        op = x.op
        opdef = op.opdef
        if opdef is CONSTANT:
            return op.attrs["value"]
        if opdef is SHAPE or opdef is SIZE or opdef is RANK:
            s = op.inputs[0].shape
            npd = op.attrs["out_type"].np_dtype
            if opdef is RANK:
                return None if s.rank is None else npd.type(s.rank)
            if not s.is_fully_defined():
                return None
            return np.array(s.dims, npd) if opdef is SHAPE else npd.type(s.num_elements())
        if opdef is STRIDED_SLICE and len(op.inputs) == 1:     # e.g. shape(x)[0]
            v = get_static_value(op.inputs[0])
            return None if v is None else v[op.attrs["spec"]]
        return None
    if hasattr(x, "_ag_read"):
        return None
    try:
        return to_numpy(x)[0]
    except (TypeError, ValueError):
        return None


def _axis(axis, rank, what="axis", extra=0):
    """`axis` normalised to [0, rank + extra); ValueError when out of range."""
    n = rank + extra
    if not -n <= axis < n:
        raise ValueError("%s %d is out of range for a tensor of rank %d (valid: %d to %d)"
                         % (what, axis, rank, -n, n - 1))
    return axis % n


def int_attr(value, what):
    """A Python int from an int, numpy int or eager int tensor (attributes are static)."""
    if type(value) is int:
        return value
    if type(value) is bool or isinstance(value, np.bool_):
        raise TypeError("%s must be an int, got a bool" % what)
    if type(value) is Tensor:
        v = get_static_value(value)
        if v is None:
            raise TypeError("%s must be known when the graph is built, got the graph tensor %s"
                            % (what, value.name))
        value = v
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError("%s must be an int, got %r" % (what, value)) from None


def int_tuple(value, what):
    """A tuple of Python ints from an int or a list/tuple/1-D value of ints (static)."""
    if type(value) is Tensor:
        v = get_static_value(value)
        if v is None:
            raise TypeError("%s must be known when the graph is built, got the graph tensor %s"
                            % (what, value.name))
        value = v
    if isinstance(value, (list, tuple)):
        return tuple(int_attr(v, what) for v in value)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return (int_attr(value, what),)
    return tuple(int_attr(v, what) for v in arr.reshape(-1))


def shape_arg(shape, allow_inferred=False, what="shape"):
    """Splits a shape argument into (static dims, dims tensor or None).

    Static dims is a tuple of ints (and None where only the graph knows the size), or None when
    even the rank is unknown. The dims tensor is an int tensor given when the shape is computed
    by the graph. `allow_inferred` accepts -1 (reshape).

    Raises:
      TypeError: not a shape (floats, bools, nested lists). ValueError: a negative size.
    """
    t = type(shape)
    if (t is tuple or t is list) and all(type(d) is int for d in shape):
        static, dims = tuple(shape), None
    elif isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("%s must be fully defined, got %s" % (what, shape))
        static, dims = shape.dims, None
    elif t is Tensor:
        v = get_static_value(shape)
        if v is None:
            static, dims = _dynamic_dims(shape, what)
        else:
            static, dims = _static_dims(v, what), None
    elif (t is tuple or t is list) and any(type(d) is Tensor for d in shape):
        vals = [get_static_value(d) if type(d) is Tensor else d for d in shape]
        if any(v is None for v in vals):
            static = tuple(None if v is None else int_attr(v, what) for v in vals)
            dims = stack([math_ops.cast(d, dtypes.int32) if isinstance(d, Tensor)
                          else int_attr(d, what) for d in shape])
        else:
            static, dims = _static_dims(vals, what), None
    else:
        static, dims = _static_dims(shape, what), None
    if static is not None:
        for d in static:
            if d is not None and d < 0 and not (allow_inferred and d == -1):
                raise ValueError("%s must not have negative sizes, got %s" % (what, static))
    return static, dims


def _static_dims(value, what):
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (int(value),)
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim > 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise TypeError("%s must be a list of ints or a 1-D int tensor, got %r" % (what, value))
    return tuple(int(d) for d in arr.reshape(-1))


def _dynamic_dims(t, what):
    if not t.dtype.is_integer:
        raise TypeError("%s must be an int tensor, got %s" % (what, t.dtype.name))
    rank = t.shape.rank
    if rank == 0:
        return (None,), stack([t])
    if rank is None:
        return None, t
    if rank != 1:
        raise ValueError("%s must be a 1-D int tensor, got shape %s" % (what, t.shape))
    if t.op.opdef is SHAPE:         # shape(x): the dims of x known statically carry over
        return t.op.inputs[0].shape.dims, t
    n = t.shape[0]
    return (None if n is None else (None,) * n), t


def _shape_from_attr(shapes, attrs):
    return as_shape(attrs["shape"])


# == zeros / ones / fill ========================================================================

def _zeros(*dims, shape, dtype):
    return np.zeros(dims[0] if dims else shape, dtype.np_dtype)


ZEROS = declare("zeros", _zeros, dtype=rules.from_attr, shape=_shape_from_attr,
                differentiable=False, doc="A tensor of zeros.")


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of the given shape filled with zeros.

    Args:
      shape: list/tuple of ints, TensorShape, or 1-D int tensor.
      dtype: element type (default float32).
    Returns:
      A tensor of `dtype` and `shape`.
    Raises:
      TypeError/ValueError: `shape` is not a valid shape.
    """
    static, dims = shape_arg(shape)
    return apply(ZEROS, [] if dims is None else [dims],
                 {"shape": static, "dtype": dtypes.as_dtype(dtype)}, name=name)


def _ones(*dims, shape, dtype):
    return np.ones(dims[0] if dims else shape, dtype.np_dtype)


ONES = declare("ones", _ones, dtype=rules.from_attr, shape=_shape_from_attr,
               differentiable=False, doc="A tensor of ones.")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of the given shape filled with ones. Args, Returns, Raises: as `zeros`."""
    static, dims = shape_arg(shape)
    return apply(ONES, [] if dims is None else [dims],
                 {"shape": static, "dtype": dtypes.as_dtype(dtype)}, name=name)


def _fill(value, *dims, shape):
    if np.ndim(value):
        raise ValueError("fill: the value must be a scalar, got shape %s"
                         % (TensorShape(np.shape(value)),))
    return np.full(dims[0] if dims else shape, value, value.dtype)


def _fill_shape(shapes, attrs):
    if shapes[0].rank:
        raise ValueError("the value must be a scalar, got shape %s" % (shapes[0],))
    return as_shape(attrs["shape"])


def _fill_grad(op, g):
    from autograph.runtime.ops.reduction_ops import reduce_sum
    return [reduce_sum(g)] + [None] * (len(op.inputs) - 1)


FILL = declare("fill", _fill, dtype=rules.same_as_first, shape=_fill_shape,
               grad=_fill_grad, doc="A tensor filled with one scalar value.")


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value`.

    Args:
      dims: the shape (list/tuple of ints, TensorShape or 1-D int tensor).
      value: a scalar; its dtype is the result's (Python float -> float32, int -> int32).
    Returns:
      A tensor of value's dtype and shape `dims`.
    Raises:
      ValueError: value is not a scalar, or dims is not a valid shape.
    """
    static, d = shape_arg(dims)
    return apply(FILL, [value] if d is None else [value, d], {"shape": static}, name=name)


def _like_dtype(ds, attrs):
    return attrs["dtype"] or ds[0]


def _zeros_like(x, dtype):
    return np.zeros(np.shape(x), x.dtype if dtype is None else dtype.np_dtype)


ZEROS_LIKE = declare("zeros_like", _zeros_like, dtype=_like_dtype, shape=rules.same_shape,
                     differentiable=False, doc="Zeros with the shape of the input.")


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape of `input` and its dtype (or `dtype`).

    Args:
      input: a tensor or value.
      dtype: optional element type of the result.
    Returns:
      A tensor shaped like `input`.
    """
    return apply(ZEROS_LIKE, [input], {"dtype": None if dtype is None else
                                       dtypes.as_dtype(dtype)}, name=name)


def _ones_like(x, dtype):
    return np.ones(np.shape(x), x.dtype if dtype is None else dtype.np_dtype)


ONES_LIKE = declare("ones_like", _ones_like, dtype=_like_dtype, shape=rules.same_shape,
                    differentiable=False, doc="Ones with the shape of the input.")


def ones_like(input, dtype=None, name=None):
    """Ones with the shape of `input` and its dtype (or `dtype`). Args etc.: as `zeros_like`."""
    return apply(ONES_LIKE, [input], {"dtype": None if dtype is None else
                                      dtypes.as_dtype(dtype)}, name=name)


# == range ======================================================================================

def _range(start, limit, delta, dtype, length=None):
    if delta == 0:
        raise InvalidArgumentError("range: delta must not be zero")
    return np.arange(start, limit, delta, dtype=dtype.np_dtype)


def _range_dtype(ds, attrs):
    d = attrs["dtype"]
    for x in ds:
        if x is not d:
            raise TypeError("start, limit and delta must be %s, got %s" % (d.name, x.name))
    return d


def _range_shape(shapes, attrs):
    for s in shapes:
        if s.rank:
            raise ValueError("start, limit and delta must be scalars, got shape %s" % (s,))
    return TensorShape([attrs.get("length")])


RANGE = declare("range", _range, dtype=_range_dtype, shape=_range_shape, differentiable=False,
                doc="start, start + delta, ... up to but excluding limit.")

# A Python value's dtype in range(), and the order TensorFlow uses to pick the widest.
_RANGE_ORDER = {dtypes.int32: 0, dtypes.int64: 1, dtypes.float32: 2, dtypes.float64: 3}


def range(start, limit=None, delta=1, dtype=None, name=None):  # shadows the builtin: the TF name
    """A 1-D tensor [start, start + delta, ...] up to but excluding `limit`, like Python's.

    `range(n)` counts from 0. An empty range (limit on the wrong side) gives an empty tensor.

    Args:
      start, limit, delta: scalars (Python numbers or scalar tensors).
      dtype: element type; by default the widest of the arguments' dtypes in the order
        int32 < int64 < float32 < float64 (Python ints are int32, floats float32).
    Returns:
      A 1-D tensor of `dtype` (its length is static when the arguments are).
    Raises:
      TypeError: non-numeric arguments or dtype. ValueError / InvalidArgumentError: delta is 0.
    """
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    kinds = [_range_arg_dtype(a) for a in args]
    if dtype is None:
        if kinds[0] is kinds[1] is kinds[2]:
            dtype = kinds[0]
        elif all(k in _RANGE_ORDER for k in kinds):
            dtype = max(kinds, key=_RANGE_ORDER.get)
        else:
            raise TypeError("range: arguments of dtypes %s cannot be combined; pass dtype="
                            % ", ".join(k.name for k in kinds))
    else:
        dtype = dtypes.as_dtype(dtype)
    if not dtype.is_numeric:
        raise TypeError("range: dtype must be numeric, got %s" % dtype.name)
    npt = dtype.np_dtype.type
    inputs = [math_ops.cast(a, dtype) if isinstance(a, Tensor) or hasattr(a, "_ag_read")
              else npt(a) for a in args]
    attrs = {"dtype": dtype}
    if context.ctx.graph is not None or any(type(x) is Tensor for x in inputs):
        vals = [get_static_value(x) for x in inputs]
        if all(v is not None for v in vals):
            attrs["length"] = _range_length(*vals)
    return apply(RANGE, inputs, attrs, name=name)


def _range_arg_dtype(a):
    t = type(a)
    if t is int:
        return dtypes.int32 if -2 ** 31 <= a < 2 ** 31 else dtypes.int64
    if t is float:
        return dtypes.float32
    if isinstance(a, Tensor) or hasattr(a, "_ag_read"):
        d = a.dtype
    else:
        d = to_numpy(a)[1]
    if not d.is_numeric:
        raise TypeError("range: arguments must be numbers, got %s" % d.name)
    return d


def _range_length(start, limit, delta):
    if delta == 0:
        raise ValueError("delta must not be zero")
    if isinstance(start, np.integer):
        return max(0, -((int(start) - int(limit)) // int(delta)))
    return max(0, math.ceil((float(limit) - float(start)) / float(delta)))


# == reshape / transpose / expand_dims / squeeze / broadcast_to =================================

def _reshape(x, *dims, shape):
    return x.reshape(dims[0] if dims else shape)


def _reshape_shape(shapes, attrs):
    src, target = shapes[0], attrs["shape"]
    if target is None:
        return UNKNOWN
    n_inferred = sum(1 for d in target if d == -1)
    if n_inferred > 1:
        raise ValueError("only one dimension can be -1, got %s" % (target,))
    out = [None if d is None or d == -1 else d for d in target]
    known = 1
    for d in out:
        if d is not None:
            known *= d
    n = src.num_elements()
    if n is not None:
        if None not in out and n != known or known and n % known:
            raise ValueError("cannot reshape a tensor of shape %s (%d elements) into shape %s"
                             % (src, n, _fmt_target(target)))
        if n_inferred and None not in target and known:
            out[target.index(-1)] = n // known
    return TensorShape(out)


def _fmt_target(target):
    return "(%s)" % ", ".join("?" if d is None else str(d) for d in target) + (
        "," if len(target) == 1 else "")


def reshape_like(g, x):
    """`g` reshaped to the shape of `x` (the static shape when known, else read at run time)."""
    s = x.shape
    return reshape(g, s.as_list() if s.is_fully_defined() else shape(x))


def _reshape_grad(op, g):
    return [reshape_like(g, op.inputs[0])] + [None] * (len(op.inputs) - 1)


RESHAPE = declare("reshape", _reshape, dtype=rules.same_as_first, shape=_reshape_shape,
                  grad=_reshape_grad, doc="Same elements (row-major order) in a new shape.")


def reshape(tensor, shape, name=None):
    """The elements of `tensor` in row-major order, with a new shape.

    Args:
      tensor: a tensor.
      shape: the new shape; one entry may be -1 (inferred from the number of elements).
    Returns:
      A tensor of tensor's dtype with the new shape.
    Raises:
      ValueError: the element counts differ (names both shapes), or several -1 entries.
    """
    static, dims = shape_arg(shape, allow_inferred=True)
    return apply(RESHAPE, [tensor] if dims is None else [tensor, dims], {"shape": static},
                 name=name)


def _transpose(x, perm):
    return x.transpose(perm)


def _transpose_shape(shapes, attrs):
    s, perm = shapes[0], attrs["perm"]
    if perm is None:
        return UNKNOWN if s.rank is None else TensorShape(s.dims[::-1])
    if s.rank is None:
        return TensorShape([None] * len(perm))
    if sorted(perm) != list(_pyrange(s.rank)):
        raise ValueError("perm %s is not a permutation of the axes of shape %s"
                         % (list(perm), s))
    return TensorShape([s.dims[p] for p in perm])


def _transpose_grad(op, g):
    perm = op.attrs["perm"]
    return [transpose(g, None if perm is None else [int(p) for p in np.argsort(perm)])]


TRANSPOSE = declare("transpose", _transpose, dtype=rules.same_as_first, shape=_transpose_shape,
                    grad=_transpose_grad, doc="Permutes the axes (reverses them by default).")


def transpose(a, perm=None, name=None):
    """Permutes the axes of `a`: output axis i is input axis perm[i].

    Args:
      a: a tensor.
      perm: a permutation of range(rank); None reverses the axes.
    Returns:
      A tensor of a's dtype with permuted shape.
    Raises:
      ValueError: perm is not a permutation of the axes.
    """
    if perm is not None:
        perm = int_tuple(perm, "perm")
        if any(p < 0 for p in perm):
            raise ValueError("perm must not have negative entries, got %s" % (list(perm),))
    return apply(TRANSPOSE, [a], {"perm": perm}, name=name)


def _expand_dims(x, axis):
    shape = x.shape
    a = _axis(axis, len(shape), extra=1)
    return x.reshape(shape[:a] + (1,) + shape[a:])


def _expand_dims_shape(shapes, attrs):
    s = shapes[0]
    if s.rank is None:
        return UNKNOWN
    a = _axis(attrs["axis"], s.rank, extra=1)
    return TensorShape(s.dims[:a] + (1,) + s.dims[a:])


def _expand_dims_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


EXPAND_DIMS = declare("expand_dims", _expand_dims, dtype=rules.same_as_first,
                      shape=_expand_dims_shape, grad=_expand_dims_grad,
                      doc="Inserts an axis of size 1.")


def expand_dims(input, axis, name=None):
    """Inserts an axis of size 1 at `axis` (in -rank-1 .. rank).

    Args:
      input: a tensor.
      axis: where the new axis goes; negative counts from the end.
    Returns:
      A tensor with rank + 1 axes.
    Raises:
      ValueError: axis is out of range.
    """
    return apply(EXPAND_DIMS, [input], {"axis": int_attr(axis, "axis")}, name=name)


def _squeeze(x, axis):
    return np.squeeze(x, axis)


def _squeeze_shape(shapes, attrs):
    s, axis = shapes[0], attrs["axis"]
    if s.rank is None:
        return UNKNOWN
    if axis is None:
        if None in s.dims:
            return UNKNOWN      # which axes have size 1 is only known at run time
        return TensorShape([d for d in s.dims if d != 1])
    axes = set()
    for a in axis:
        a = _axis(a, s.rank)
        if s.dims[a] is not None and s.dims[a] != 1:
            raise ValueError("cannot squeeze axis %d of shape %s: its size is %d, not 1"
                             % (a, s, s.dims[a]))
        axes.add(a)
    return TensorShape([d for i, d in enumerate(s.dims) if i not in axes])


def _squeeze_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


SQUEEZE = declare("squeeze", _squeeze, dtype=rules.same_as_first, shape=_squeeze_shape,
                  grad=_squeeze_grad, doc="Removes axes of size 1.")


def squeeze(input, axis=None, name=None):
    """Removes axes of size 1: all of them, or those listed in `axis`.

    Args:
      input: a tensor.
      axis: None, an int or a list of ints.
    Returns:
      A tensor of input's dtype with those axes removed.
    Raises:
      ValueError: a listed axis does not have size 1, or is out of range.
    """
    if axis is not None:
        axis = int_tuple(axis, "axis")
    return apply(SQUEEZE, [input], {"axis": axis}, name=name)


def _broadcast_to(x, *dims, shape):
    return np.broadcast_to(x, dims[0] if dims else shape)


def _broadcast_to_shape(shapes, attrs):
    s, target = shapes[0], as_shape(attrs["shape"])
    try:
        out = broadcast(s, target)
    except ValueError:
        out = None
    if out is None or (out.rank is not None and target.rank is not None
                       and out.rank != target.rank):
        raise ValueError("cannot broadcast shape %s to %s" % (s, target))
    return target.merge_with(out) if out.rank is not None else target


def _broadcast_to_grad(op, g):
    return [unbroadcast(g, op.inputs[0])] + [None] * (len(op.inputs) - 1)


BROADCAST_TO = declare("broadcast_to", _broadcast_to, dtype=rules.same_as_first,
                       shape=_broadcast_to_shape, grad=_broadcast_to_grad,
                       doc="Repeats the input to a larger shape.")


def broadcast_to(input, shape, name=None):
    """Broadcasts `input` to `shape` (numpy rules).

    Args:
      input: a tensor.
      shape: the target shape.
    Returns:
      A tensor of input's dtype and `shape`.
    Raises:
      ValueError: the shapes are not compatible (names both).
    """
    static, dims = shape_arg(shape)
    return apply(BROADCAST_TO, [input] if dims is None else [input, dims], {"shape": static},
                 name=name)


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
    a = _axis(attrs["axis"], first.rank)
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
    a = _axis(attrs["axis"], merged.rank, extra=1)
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
    return tuple(x.transpose((a,) + tuple(i for i in _pyrange(x.ndim) if i != a)).copy())


def _unstack_dtype(ds, attrs):
    return [ds[0]] * attrs["num"]


def _unstack_shape(shapes, attrs):
    s, num = shapes[0], attrs["num"]
    if s.rank is None:
        return [UNKNOWN] * num
    a = _axis(attrs["axis"], s.rank)
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
        d = None if s.rank is None else s[_axis(axis, s.rank)]
        if d is None:
            raise ValueError("unstack: cannot infer the number of pieces from shape %s; pass "
                             "num=" % (s,))
        num = d
    num = int_attr(num, "num")
    if num == 0:
        return []
    return list(apply(UNSTACK, [value], {"num": num, "axis": axis}, name=name))


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
    a = _axis(attrs["axis"], p.rank)
    return TensorShape(p.dims[:a] + i.dims + p.dims[a + 1:])


def _gather_grad_kernel(g, params, indices, axis):
    """Adds the slices of g into zeros shaped like params, at the gathered indices."""
    out = np.zeros(np.shape(params), g.dtype)
    idx = np.asarray(indices)
    ax = axis % out.ndim
    g = g.reshape(out.shape[:ax] + idx.shape + out.shape[ax + 1:])
    np.add.at(np.moveaxis(out, ax, 0),
              idx, np.moveaxis(g, list(_pyrange(ax, ax + idx.ndim)), list(_pyrange(idx.ndim))))
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
    return len(_pyrange(*k.indices(d)))


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


# == shape / size / rank ========================================================================

def _out_type(ds, attrs):
    return attrs["out_type"]


def _shape(x, out_type):
    return np.array(np.shape(x), out_type.np_dtype)


def _shape_shape(shapes, attrs):
    return TensorShape([shapes[0].rank])


SHAPE = declare("shape", _shape, dtype=_out_type, shape=_shape_shape, differentiable=False,
                doc="The shape of the input as a 1-D int tensor.")


def _check_index_type(out_type):
    d = dtypes.as_dtype(out_type)
    if d is not dtypes.int32 and d is not dtypes.int64:
        raise TypeError("out_type must be int32 or int64, got %s" % d.name)
    return d


def shape(input, out_type=dtypes.int32, name=None):
    """The run-time shape of `input` as a 1-D int tensor.

    Args:
      input: a tensor.
      out_type: int32 (default) or int64.
    Returns:
      A tensor of shape (rank,).
    """
    return apply(SHAPE, [input], {"out_type": _check_index_type(out_type)}, name=name)


def _size_kernel(x, out_type):
    return out_type.np_dtype.type(np.size(x))


SIZE = declare("size", _size_kernel, dtype=_out_type, shape=rules.scalar, differentiable=False,
               doc="The number of elements of the input.")


def size(input, out_type=dtypes.int32, name=None):
    """The number of elements of `input` as a scalar int tensor. Args: as `shape`."""
    return apply(SIZE, [input], {"out_type": _check_index_type(out_type)}, name=name)


def _rank(x, out_type):
    return out_type.np_dtype.type(np.ndim(x))


RANK = declare("rank", _rank, dtype=_out_type, shape=rules.scalar, differentiable=False,
               doc="The number of axes of the input.")


def rank(input, name=None):
    """The number of axes of `input` as a scalar int32 tensor."""
    return apply(RANK, [input], {"out_type": dtypes.int32}, name=name)

