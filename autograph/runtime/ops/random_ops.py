"""Random tensors: `uniform`, `normal` and the global seed (`set_seed`).

Seeds follow TensorFlow's two-level scheme, on numpy Generators:
- Each graph op owns a generator, so every run of the graph draws fresh values from it.
  Its seed is (global seed, op seed); with a global seed but no op seed the op's position in
  the graph stands in for the op seed, so rebuilding the same graph after `set_seed` gives
  the same sequence. With neither seed the generator is seeded from the OS.
- Eager calls draw from one generator per op seed, reset by `set_seed`, so code run after
  `set_seed(s)` repeats its values exactly.
"""
import numpy as np

from autograph.runtime import context, dtypes
from autograph.runtime.ops.reshape_ops import shape_arg
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import as_shape, broadcast
from autograph.runtime.tensor import Tensor, to_numpy

# The global seed used when only an op seed is given (TensorFlow uses the same rule).
_DEFAULT_GLOBAL_SEED = 87654321
_MASK = (1 << 64) - 1


class RandomStream:
    """The generator a random op draws from; its repr shows the seed it was made from."""

    __slots__ = ("rng", "seed")

    def __init__(self, seed):
        self.seed = seed
        self.rng = np.random.default_rng(None if seed is None else [s & _MASK for s in seed])

    def __repr__(self):
        return "RandomStream(seed=%s)" % (self.seed,)


class _State:
    global_seed = None
    eager = {}          # op seed (or None) -> RandomStream, for eager calls


_state = _State()


def set_seed(seed):
    """Sets the global random seed: random values after this call are reproducible.

    Args:
      seed: an int, or None to go back to unseeded (OS entropy) generators.
    """
    _state.global_seed = None if seed is None else int(seed)
    _state.eager = {}


def get_seed(op_seed=None):
    """The (global seed, op seed) pair a random op with `op_seed` is seeded from in eager mode,
    or None when neither seed is set (OS entropy)."""
    g = _state.global_seed
    if g is None and op_seed is None:
        return None
    return (_DEFAULT_GLOBAL_SEED if g is None else g,
            _EAGER_OP_SEED if op_seed is None else op_seed)


# Stands for "no op seed" in eager seeds (distinct from every seed a user can pass).
_EAGER_OP_SEED = _MASK


def _stream(inputs, op_seed):
    graph = context.ctx.graph
    if graph is None:
        for x in inputs:
            if type(x) is Tensor:
                graph = x.op.graph
                break
    if graph is None:
        stream = _state.eager.get(op_seed)
        if stream is None:
            stream = _state.eager[op_seed] = RandomStream(get_seed(op_seed))
        return stream
    g = _state.global_seed
    if g is None and op_seed is None:
        return RandomStream(None)
    return RandomStream((_DEFAULT_GLOBAL_SEED if g is None else g,
                         len(graph.operations) if op_seed is None else op_seed))


def _random_shape(shapes, attrs):
    out = as_shape(attrs["shape"])
    for s in shapes[:2]:
        b = broadcast(s, out)
        if b.rank is not None and out.rank is not None and (
                b.rank != out.rank or not b.is_compatible_with(out)):
            raise ValueError("parameters of shape %s do not broadcast to the output shape %s"
                             % (s, out))
    return out


def _random_dtype(ds, attrs):
    d = attrs["dtype"]
    for x in ds[:2]:
        if x is not d:
            raise TypeError("parameters must be %s like the output, got %s" % (d.name, x.name))
    return d


def _params(dtype, a, b):
    return [x if isinstance(x, Tensor) or hasattr(x, "_ag_read") else to_numpy(x, dtype)[0]
            for x in (a, b)]


def _op_seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError("seed must be an int, got %r" % (seed,))
    return int(seed)


# == uniform ====================================================================================

def _uniform(minval, maxval, *dims, shape, dtype, stream):
    size = dims[0] if dims else shape
    npd = dtype.np_dtype
    if dtype.is_integer:
        return stream.rng.integers(minval, maxval, size=size, dtype=npd)
    if npd.itemsize < 4:
        r = stream.rng.random(size, dtype=np.float32).astype(npd)
    else:
        r = stream.rng.random(size, dtype=npd)
    return minval + (maxval - minval) * r


UNIFORM = declare("random_uniform", _uniform, dtype=_random_dtype, shape=_random_shape,
                  differentiable=False, stateful=True,
                  doc="Uniform values in [minval, maxval).")


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Random values uniformly distributed in [minval, maxval).

    Args:
      shape: the output shape (list of ints, TensorShape or 1-D int tensor).
      minval, maxval: bounds (scalars or tensors broadcastable to `shape`); maxval defaults
        to 1 for floats and is required for integers.
      dtype: float16/32/64 or an integer dtype.
      seed: optional op seed (see `set_seed`).
    Returns:
      A tensor of `dtype` and `shape`; a graph op gives fresh values every run.
    Raises:
      ValueError: an integer dtype without maxval. InvalidArgumentError: minval >= maxval for
      integers (when the op runs).
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_numeric:
        raise TypeError("uniform: dtype must be numeric, got %s" % dtype.name)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("uniform: maxval is required for integer dtype %s" % dtype.name)
        maxval = 1
    static, dims = shape_arg(shape)
    inputs = _params(dtype, minval, maxval)
    if dims is not None:
        inputs.append(dims)
    attrs = {"shape": static, "dtype": dtype, "stream": _stream(inputs, _op_seed(seed))}
    return apply(UNIFORM, inputs, attrs, name=name)


# == normal =====================================================================================

def _normal(mean, stddev, *dims, shape, dtype, stream):
    size = dims[0] if dims else shape
    npd = dtype.np_dtype
    if npd.itemsize < 4:
        z = stream.rng.standard_normal(size, dtype=np.float32).astype(npd)
    else:
        z = stream.rng.standard_normal(size, dtype=npd)
    return mean + stddev * z


def _normal_dtype(ds, attrs):
    if not attrs["dtype"].is_floating:
        raise TypeError("normal: dtype must be floating-point, got %s" % attrs["dtype"].name)
    return _random_dtype(ds, attrs)


NORMAL = declare("random_normal", _normal, dtype=_normal_dtype, shape=_random_shape,
                 differentiable=False, stateful=True,
                 doc="Normally distributed values.")


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Random values from a normal distribution.

    Args:
      shape: the output shape (list of ints, TensorShape or 1-D int tensor).
      mean, stddev: scalars or tensors broadcastable to `shape`.
      dtype: float16, float32 or float64.
      seed: optional op seed (see `set_seed`).
    Returns:
      A tensor of `dtype` and `shape`; a graph op gives fresh values every run.
    Raises:
      TypeError: dtype is not floating-point.
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("normal: dtype must be floating-point, got %s" % dtype.name)
    static, dims = shape_arg(shape)
    inputs = _params(dtype, mean, stddev)
    if dims is not None:
        inputs.append(dims)
    attrs = {"shape": static, "dtype": dtype, "stream": _stream(inputs, _op_seed(seed))}
    return apply(NORMAL, inputs, attrs, name=name)

