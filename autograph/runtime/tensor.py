"""Tensors: symbolic graph tensors and eager tensors holding a numpy value.

Operator overloads (+, *, [], ...) are installed by `ops/overloads.py`, so this module
stays free of op declarations.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.shapes import TensorShape


class Tensor:
    """A symbolic tensor: the `value_index`-th output of `op` in a graph.

    Its value exists only when a Session or a traced function runs the graph.
    """

    __slots__ = ("op", "value_index", "_dtype", "_shape", "__weakref__")
    __array_priority__ = 100  # numpy defers to our operator overloads

    def __init__(self, op, value_index, dtype, shape):
        self.op = op
        self.value_index = value_index
        self._dtype = dtype
        self._shape = shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self):
        return "%s:%d" % (self.op.name, self.value_index)

    @property
    def ndim(self):
        return self._shape.rank

    def __repr__(self):
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self.name, self._shape, self._dtype.name)

    __str__ = __repr__

    __hash__ = object.__hash__

    def __bool__(self):
        from autograph.runtime.unconverted import advice
        raise TypeError(
            "using the graph tensor %s as a Python bool is not allowed: its value is only known "
            "when the graph runs. %s" % (self.name, advice("`if`/`while` on tensors",
                                                           "ag.cond / ag.while_loop directly")))

    def __iter__(self):
        from autograph.runtime.unconverted import advice
        raise TypeError(
            "iterating over the graph tensor %s is not allowed in plain Python: its length is "
            "only known when the graph runs. %s" % (self.name, advice(
                "`for` loops over tensors", "ag.while_loop")))

    def __len__(self):
        d = self._shape[0] if self._shape.rank else None
        if d is None:
            from autograph.runtime.unconverted import advice
            raise TypeError(
                "len() of the graph tensor %s is not known statically (shape %s). %s"
                % (self.name, self._shape, advice("`len(t)` calls",
                                                  "ag.shape(t)[0] or ag.size(t)")))
        return d

    def __index__(self):
        raise TypeError("the graph tensor %s cannot be used as a Python int; its value is only "
                        "known when the graph runs" % self.name)

    def __int__(self):
        raise TypeError("int() of the graph tensor %s is not possible: its value is only known "
                        "when the graph runs; use ag.cast(x, ag.int32)" % self.name)

    def __float__(self):
        raise TypeError("float() of the graph tensor %s is not possible: its value is only known"
                        " when the graph runs; use ag.cast(x, ag.float32)" % self.name)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("the graph tensor %s has no numpy value: run it with a Session or call "
                        "the ag.function that built it" % self.name)

    def numpy(self):
        raise TypeError("the graph tensor %s has no value outside a running graph; fetch it "
                        "with Session.run or return it from an ag.function" % self.name)


class EagerTensor(Tensor):
    """A tensor with a concrete value (a numpy array or numpy scalar)."""

    __slots__ = ("_value",)

    def __init__(self, value, dtype):
        self._value = value
        self._dtype = dtype
        self._shape = None
        self.op = None
        self.value_index = 0

    @property
    def shape(self):
        s = self._shape
        if s is None:
            s = self._shape = TensorShape(np.shape(self._value))
        return s

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return np.ndim(self._value)

    @property
    def graph(self):
        return None

    @property
    def name(self):
        raise AttributeError("eager tensors have no name; only graph tensors do")

    def numpy(self):
        """The value as a numpy array (a numpy scalar for 0-d tensors)."""
        return self._value

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._value)
        return a if dtype is None else a.astype(dtype)

    def __bool__(self):
        return bool(self._value)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __index__(self):
        if not self._dtype.is_integer:
            raise TypeError("only integer tensors can be used as an index, got %s" % self._dtype)
        return int(self._value)

    def __iter__(self):
        v = self._value
        if np.ndim(v) == 0:
            raise TypeError("iteration over a 0-d tensor")
        d = self._dtype
        return (EagerTensor(row, d) for row in v)

    def __len__(self):
        if np.ndim(self._value) == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._value)

    def __repr__(self):
        return "ag.Tensor(%s, shape=%s, dtype=%s)" % (value_text(self._value), self.shape,
                                                      self._dtype.name)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if spec:
            return format(self._value, spec)
        return str(self)


def value_text(value):
    """A tensor value as numpy prints it (numpy's print options: `...` past its threshold),
    one row per line; a value of rank 2 or more starts on a line of its own, as TensorFlow's."""
    text = np.array2string(np.asarray(value), separator=" ")
    return "\n" + text if "\n" in text else text


def is_symbolic(x):
    """True only for graph tensors: their value exists only when a graph runs."""
    return type(x) is Tensor


def is_tensor(x):
    """True for graph and eager tensors (not for variables, numpy arrays or Python values)."""
    return isinstance(x, Tensor)


_INT32 = dtypes.int32
_I32_MIN, _I32_MAX = -(2 ** 31), 2 ** 31 - 1
_I64_MIN, _I64_MAX = -(2 ** 63), 2 ** 63 - 1


def to_numpy(value, dtype=None):
    """Converts a Python or numpy value to (numpy value, DType).

    Python ints default to int32 (int64 when they do not fit), floats to float32, as in
    TensorFlow; numpy values keep their dtype unless `dtype` is given.

    Raises:
      TypeError: a value that cannot be represented in `dtype` (lossy or overflowing).
    """
    t = type(value)
    if dtype is not None and (t is float and dtype.is_floating or t is int and dtype.is_floating
                              or t is bool and dtype.is_bool):
        return dtype.np_dtype.type(value), dtype
    if t is int and dtype is not None and dtype.is_integer:
        lo, hi = _int_range(dtype)
        if lo <= value <= hi:
            return dtype.np_dtype.type(value), dtype
    if t is np.ndarray or isinstance(value, np.generic):
        if dtype is None:
            return value, dtypes.from_numpy(value.dtype)
        return _cast_checked(value, dtype), dtype
    if dtype is None:
        d = dtypes.python_default(value)
        if d is None:
            try:
                arr = np.asarray(value)
            except (ValueError, TypeError) as e:
                raise TypeError("cannot convert %r to a tensor: %s" % (_short(value), e)) from None
            kind = arr.dtype.kind
            if kind == "f":
                d = dtypes.float32
            elif kind in "iu":
                d = dtypes.int32 if arr.size == 0 or (
                    arr.min() >= _I32_MIN and arr.max() <= _I32_MAX) else dtypes.int64
            elif kind == "b":
                d = dtypes.bool_
            elif kind == "O" and arr.size and all(type(v) is int for v in arr.flat):
                _raise_overflow(arr, dtypes.int64)      # Python ints beyond int64
            else:
                raise TypeError("cannot convert %r to a tensor: it is not numeric (numpy made "
                                "dtype %s of it)" % (_short(value), arr.dtype))
            return _cast_checked(arr, d), d
        if d is _INT32 and not _I32_MIN <= value <= _I32_MAX:
            d = dtypes.int64
        dtype = d
    return _cast_checked(value, dtype), dtype


_RANGES = {}


def _int_range(dtype):
    r = _RANGES.get(dtype)
    if r is None:
        info = np.iinfo(dtype.np_dtype)
        r = _RANGES[dtype] = (int(info.min), int(info.max))
    return r


def _cast_checked(value, dtype):
    npd = dtype.np_dtype
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype == npd:
            return value
        src = value.dtype.kind
        dst = npd.kind
        if src == "f" and dst in "iub" or src in "iu" and dst == "b":
            raise TypeError("cannot convert a %s value to %s without losing information; use "
                            "ag.cast" % (value.dtype, dtype.name))
        return _checked_int_range(value, dtype) if dst in "iu" else value.astype(npd)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise TypeError("cannot convert %r to a tensor of dtype %s: %s"
                        % (_short(value), dtype.name, e)) from None
    kind = arr.dtype.kind
    if kind == "O" and npd.kind in "iu" and arr.size and all(
            type(v) is int for v in arr.flat):
        _raise_overflow(arr, dtype)      # Python ints beyond any numpy integer
    if kind == "O" or kind in "USV":
        raise TypeError("cannot convert %r to a tensor of dtype %s" % (_short(value), dtype.name))
    if npd.kind in "iu":
        if kind == "f":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
                raise TypeError("cannot convert %r to %s: it is not a whole number; use a %s "
                                "value or ag.cast" % (_short(value), dtype.name, "float"))
        return _checked_int_range(arr, dtype)
    if npd.kind == "b" and kind != "b":
        raise TypeError("cannot convert %r to bool; use a comparison or ag.cast"
                        % (_short(value),))
    out = arr.astype(npd)
    return out if out.ndim else npd.type(out)


def _checked_int_range(arr, dtype):
    info = np.iinfo(dtype.np_dtype)
    if arr.size and (arr.min() < info.min or arr.max() > info.max):
        _raise_overflow(arr, dtype)
    out = np.asarray(arr).astype(dtype.np_dtype)
    return out if out.ndim else dtype.np_dtype.type(out)


def _raise_overflow(arr, dtype):
    info = np.iinfo(dtype.np_dtype)
    values = arr.tolist()
    flat = [int(v) for v in np.asarray(arr, dtype=object).flat]
    if dtype.np_dtype.itemsize < 8 and _I64_MIN <= min(flat) and max(flat) <= _I64_MAX:
        fix = "use a wider dtype such as int64"
    else:
        fix = "it does not fit any integer dtype; use a float dtype"
    raise OverflowError("value %s does not fit %s (range %d to %d); %s"
                        % (_short(values), dtype.name, info.min, info.max, fix))


def _short(value):
    r = repr(value)
    return r if len(r) < 60 else r[:57] + "..."
