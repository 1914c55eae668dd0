"""Constants, placeholders, identity and conversions: the ops every graph starts from.

The lowest op module: it imports only the helpers (`rules`, `errstate`, `static_values`).
Lists holding tensors are packed by `stack`, which lives higher up (`join_ops`) and registers
itself here with `register_list_packer`.
"""
from autograph.runtime import context, dtypes
from autograph.runtime.ops import rules, static_values
from autograph.runtime.ops.errstate import quiet
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import TensorShape, as_shape
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy


def _constant_shape(shapes, attrs):
    return TensorShape(getattr(attrs["value"], "shape", ()))


def _constant_kernel(value, dtype):
    return value


CONSTANT = declare("constant", _constant_kernel, dtype=rules.from_attr, shape=_constant_shape,
                   differentiable=False, doc="A value fixed when the graph is built.")
static_values.register(CONSTANT, lambda op: op.attrs["value"])


def _placeholder_kernel(dtype, shape):
    raise AssertionError("placeholders are fed, never run")  # the executor checks first


PLACEHOLDER = declare("placeholder", _placeholder_kernel, dtype=rules.from_attr,
                      shape=rules.shape_attr, differentiable=False,
                      doc="A value supplied when the graph runs (feed_dict or arguments).")


def _identity(x):
    return x


IDENTITY = declare("identity", _identity, dtype=rules.same_as_first, shape=rules.same_shape,
                   grad=lambda op, g: [g], doc="Returns its input unchanged.")


def constant(value, dtype=None, shape=None, name=None):
    """Creates a tensor from a Python or numpy value.

    Args:
      value: a number, bool, nested list, numpy array or tensor.
      dtype: optional DType; Python ints default to int32 and floats to float32.
      shape: optional shape to reshape (or broadcast a scalar) to.
    Returns:
      An eager tensor, or a constant op's output while a graph is being built.
    Raises:
      TypeError: the value cannot be represented in `dtype`.
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if type(value) is Tensor:
            if dtype is not None and value.dtype is not dtype:
                raise TypeError("constant: expected %s, got a %s tensor; use ag.cast"
                                % (dtype.name, value.dtype.name))
            return value
        value = value._value
    v, d = to_numpy(value, dtype)
    if shape is not None:
        import numpy as np
        shape = as_shape(shape).as_list()
        v = np.broadcast_to(v, shape).copy() if np.ndim(v) == 0 else np.reshape(v, shape)
    graph = context.ctx.graph
    if graph is None:
        return EagerTensor(v, d)
    return apply(CONSTANT, [], {"value": v, "dtype": d}, name=name)


def placeholder(dtype, shape=None, name=None):
    """A graph input whose value is fed at run time. Only valid while building a graph.

    Raises:
      RuntimeError: in eager mode (there is nothing to feed it).
    """
    graph = context.ctx.graph
    if graph is None:
        raise RuntimeError("ag.placeholder needs a graph: use it inside "
                           "`with ag.Graph().as_default():` (eager code uses values directly)")
    return graph.create_op(PLACEHOLDER, [], {"dtype": dtypes.as_dtype(dtype),
                                             "shape": as_shape(shape)}, name=name or "Placeholder")


def identity(x, name=None):
    """Returns a tensor with the same value as `x`."""
    return apply(IDENTITY, [x], name=name)


def convert_to_tensor(value, dtype=None, name=None):
    """Returns `value` as a tensor (eager, or part of the graph being built).

    Raises:
      TypeError: the value is not numeric, or does not fit `dtype`.
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype is not dtype:
            raise TypeError("expected a %s tensor, got %s" % (dtype.name, value.dtype.name))
        if type(value) is EagerTensor and context.ctx.graph is not None:
            return context.ctx.graph.constant(value)
        return value
    if hasattr(value, "_ag_read"):
        t = value._ag_read()
        if dtype is not None and t.dtype is not dtype:
            raise TypeError("expected a %s tensor, got a %s variable" % (dtype.name,
                                                                          t.dtype.name))
        return t
    as_tensor = getattr(type(value), "_ag_as_tensor", None)
    if as_tensor is not None:      # e.g. a TensorArray standing for a list: its stacked items
        return convert_to_tensor(as_tensor(value), dtype, name)
    if isinstance(value, (list, tuple)) and _has_tensor(value):
        return _list_packer[0]([convert_to_tensor(v, dtype) for v in value])
    return constant(value, dtype, name=name)


_list_packer = [None]      # `stack`, registered by join_ops (a module above this one)


def register_list_packer(pack):
    """Makes `pack(tensors)` the op convert_to_tensor packs lists holding tensors with."""
    _list_packer[0] = pack


def _has_tensor(seq):
    for v in seq:
        if isinstance(v, Tensor) or hasattr(v, "_ag_read"):
            return True
        if isinstance(v, (list, tuple)) and _has_tensor(v):
            return True
    return False


# == cast =======================================================================================

@quiet     # nan/inf to int is undefined but silent, as in TensorFlow
def _cast(x, dtype):
    return x.astype(dtype.np_dtype)


def _cast_dtype(ds, attrs):
    return attrs["dtype"]


def _cast_grad(op, g):
    x = op.inputs[0]
    if not x.dtype.is_floating or not g.dtype.is_floating:
        return [None]             # no gradient through integers
    return [cast(g, x.dtype)]


CAST = declare("cast", _cast, dtype=_cast_dtype, shape=rules.same_shape,
               grad=_cast_grad,
               doc="Converts to another dtype (floats to ints truncate towards 0).")


def cast(x, dtype, name=None):
    """Converts x to `dtype`.

    Floats become integers by truncation towards zero; numbers become bool by `!= 0`.
    A tensor that already has `dtype` is returned as is.

    Args:
      x: a tensor or Python/numpy value.
      dtype: the target DType (or anything `ag.as_dtype` accepts).
    Returns:
      A tensor of `dtype` with x's shape.
    Raises:
      TypeError: `dtype` is not a supported dtype.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype is dtypes.variant:
        raise TypeError("cannot cast to the internal variant dtype")
    if isinstance(x, Tensor) and x.dtype is dtype:
        return x
    return apply(CAST, [x], {"dtype": dtype}, name=name)
