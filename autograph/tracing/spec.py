"""`TensorSpec` and the tensor leaves of `ag.function` arguments: which values are tensors in a
cache key, their dtype and dims, and checking arguments against an input_signature."""
import numpy as np

from autograph.runtime import dtypes, nest
from autograph.runtime.shapes import as_shape
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy

__all__ = ["TensorSpec", "tensor_dtype", "leaf_dims", "spec_of", "conform", "check_signature"]

VARIANT = dtypes.variant
NP_TO_DTYPE = {d.np_dtype: d for d in dtypes.ALL}


class TensorSpec:
    """Describes a tensor argument: a shape (dims may be None, or None for any rank) and a dtype.

    Args:
      shape: a list/tuple of ints or None, a TensorShape, or None (unknown rank).
      dtype: a DType (or anything `ag.as_dtype` accepts). Defaults to float32.
      name: optional name, used for the placeholder of a traced function.
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape=None, dtype=dtypes.float32, name=None):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of a tensor, numpy array or Python value."""
        if isinstance(tensor, Tensor):
            return cls(tensor.shape, tensor.dtype, name)
        if isinstance(tensor, TensorSpec):
            return cls(tensor.shape, tensor.dtype, name if name is not None else tensor.name)
        value, dtype = to_numpy(tensor)
        return cls(np.shape(value), dtype, name)

    def is_compatible_with(self, other):
        """True if `other` (a spec, tensor or value) has this dtype and a compatible shape."""
        if not isinstance(other, TensorSpec):
            try:
                other = TensorSpec.from_tensor(other)
            except (TypeError, ValueError, OverflowError):
                return False
        return self._dtype is other._dtype and self._shape.is_compatible_with(other._shape)

    def most_specific_compatible_type(self, other):
        """The most specific spec both `self` and `other` are compatible with (same dtype)."""
        if self._dtype is not other.dtype:
            raise ValueError("%r and %r have different dtypes" % (self, other))
        return TensorSpec(self._shape.most_specific_compatible(other.shape), self._dtype)

    def __eq__(self, other):
        return (type(other) is TensorSpec and self._shape.dims == other._shape.dims
                and self._dtype is other._dtype and self._name == other._name)

    def __hash__(self):
        return hash((self._shape.dims, self._dtype, self._name))

    def __repr__(self):
        return "TensorSpec(shape=%s, dtype=%s, name=%r)" % (self._shape, self._dtype.name,
                                                             self._name)




def tensor_dtype(x):
    """The DType if `x` is a tensor leaf of a cache key (tensor, spec, numpy value), else None."""
    t = type(x)
    if t is EagerTensor:
        return None if x.dtype is VARIANT else x.dtype
    if t is Tensor or t is TensorSpec:
        return x.dtype
    if t is np.ndarray or isinstance(x, np.generic):
        return NP_TO_DTYPE.get(x.dtype)
    return None


def leaf_dims(x):
    """The dims of a tensor leaf (`tensor_dtype(x)` is not None)."""
    t = type(x)
    if t is Tensor or t is TensorSpec:
        return x.shape.dims
    if t is EagerTensor:
        return np.shape(x.numpy())
    return x.shape


def spec_of(value):
    """The TensorSpec of a tensor leaf, None for other values."""
    d = tensor_dtype(value)
    if d is None:
        return None
    return TensorSpec(leaf_dims(value), d)


def conform(fname, argname, spec, value, allow_specs):
    """`value` checked against a signature structure `spec`, tensor leaves converted."""
    if isinstance(spec, TensorSpec):
        return _conform_leaf(fname, argname, spec, value, allow_specs)
    if nest.is_namedtuple(spec) or isinstance(spec, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(spec) or \
                (nest.is_namedtuple(spec) and type(value) is not type(spec)):
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "%r, got %r" % (fname, argname, spec, value))
        items = [conform(fname, "%s[%d]" % (argname, i), s, v, allow_specs)
                 for i, (s, v) in enumerate(zip(spec, value))]
        return type(spec)(*items) if nest.is_namedtuple(spec) else type(spec)(items)
    if isinstance(spec, dict):
        if not isinstance(value, dict) or sorted(map(repr, value)) != sorted(map(repr, spec)):
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "a dict with keys %s, got %r" % (fname, argname, sorted(spec), value))
        return {k: conform(fname, "%s[%r]" % (argname, k), spec[k], value[k], allow_specs)
                for k in spec}
    return value


def _conform_leaf(fname, argname, spec, value, allow_specs):
    if hasattr(value, "_ag_read") and not isinstance(value, Tensor):
        value = value._ag_read()            # a Variable: its current value
    if isinstance(value, TensorSpec):
        if not allow_specs:
            raise TypeError("%s(): argument '%s' is a TensorSpec; call with tensors"
                            % (fname, argname))
        actual = value
    elif isinstance(value, Tensor) or type(value) is np.ndarray or \
            isinstance(value, np.generic):
        actual = spec_of(value)
    else:
        try:
            v, d = to_numpy(value, spec.dtype)
        except (TypeError, ValueError, OverflowError) as e:
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "%r, got %r which cannot be converted: %s"
                            % (fname, argname, spec, value, e)) from None
        value = EagerTensor(v, d)
        actual = spec_of(value)
    if actual is None or actual.dtype is not spec.dtype or \
            not spec.shape.is_compatible_with(actual.shape):
        raise TypeError("%s(): argument '%s' does not match the input_signature: expected %r, "
                        "got %r" % (fname, argname, spec, actual if actual is not None
                                    else value))
    return value


def check_signature(sig):
    if sig is None:
        return None
    if isinstance(sig, TensorSpec) or not isinstance(sig, (list, tuple)):
        raise TypeError("input_signature must be a list or tuple of ag.TensorSpec (one per "
                        "argument), got %r" % (sig,))
    for leaf in nest.flatten(list(sig)):
        if not isinstance(leaf, TensorSpec):
            raise TypeError("input_signature must contain only ag.TensorSpec objects (nested "
                            "in lists, tuples or dicts), got %r" % (leaf,))
    return tuple(sig)

