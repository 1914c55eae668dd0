"""Data types: a small closed set, each tied to a numpy dtype."""
import numpy as np


class DType:
    """A tensor element type. Compare with `==`; `as_numpy_dtype` gives the numpy type."""

    __slots__ = ("name", "as_numpy_dtype", "np_dtype", "is_floating", "is_integer", "is_bool",
                 "is_unsigned")

    def __init__(self, name, np_type):
        self.name = name
        self.as_numpy_dtype = np_type
        self.np_dtype = np.dtype(np_type) if np_type is not object else np.dtype(object)
        kind = self.np_dtype.kind
        self.is_floating = kind == "f"
        self.is_integer = kind in "iu"
        self.is_unsigned = kind == "u"
        self.is_bool = kind == "b"

    @property
    def is_numeric(self):
        return self.is_floating or self.is_integer

    @property
    def min(self):
        return np.finfo(self.np_dtype).min if self.is_floating else np.iinfo(self.np_dtype).min

    @property
    def max(self):
        return np.finfo(self.np_dtype).max if self.is_floating else np.iinfo(self.np_dtype).max

    def __repr__(self):
        return "ag.%s" % self.name

    def __str__(self):
        return self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool_ = DType("bool", np.bool_)
# Internal: values that are not arrays (TensorArray lists). Never a user-facing dtype.
variant = DType("variant", object)

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
_BY_NAME = {d.name: d for d in ALL + (variant,)}
_BY_NP = {d.np_dtype: d for d in ALL}
_BY_NP[np.dtype(object)] = variant

# Python types map to these, as in TensorFlow.
_PY_DEFAULTS = {bool: bool_, int: int32, float: float32}


def as_dtype(value):
    """Returns the DType for a DType, numpy dtype/type, name string or Python type.

    Raises:
      TypeError: when `value` names no supported dtype.
    """
    if type(value) is DType:
        return value
    if isinstance(value, str):
        d = _BY_NAME.get(value)
    elif value in _PY_DEFAULTS:
        d = _PY_DEFAULTS[value]
    else:
        try:
            d = _BY_NP.get(np.dtype(value))
        except TypeError:
            d = None
    if d is None:
        raise TypeError(
            "unsupported dtype %r; use one of: %s" % (value, ", ".join(x.name for x in ALL)))
    return d


def from_numpy(np_dtype):
    """The DType for a numpy dtype, or a TypeError naming it."""
    d = _BY_NP.get(np_dtype)
    if d is None:
        raise TypeError("numpy dtype %s has no autograph equivalent; supported: %s"
                        % (np_dtype, ", ".join(x.name for x in ALL)))
    return d


def python_default(value):
    """The dtype TensorFlow gives a Python scalar: bool, int32 or float32 (None if not scalar)."""
    return _PY_DEFAULTS.get(type(value))
