"""Reusable dtype and shape rules for op declarations."""
from autograph.runtime import dtypes
from autograph.runtime.shapes import SCALAR, UNKNOWN, TensorShape, as_shape, broadcast


# -- dtype rules: rule(input_dtypes, attrs) -> DType | [DType] ---------------------------------
def same_as_first(ds, attrs):
    return ds[0]


def same_numeric(ds, attrs):
    """Binary numeric ops: both inputs share a numeric dtype, which is the result's."""
    a, b = ds
    if a is not b:
        raise TypeError("inputs are %s and %s; tensors of different dtypes are not promoted "
                        "automatically, use ag.cast on one of them" % (a.name, b.name))
    if not a.is_numeric:
        raise TypeError("expected numeric tensors, got %s" % a.name)
    return a


def numeric(ds, attrs):
    d = ds[0]
    if not d.is_numeric:
        raise TypeError("expected a numeric tensor, got %s" % d.name)
    return d


def floating(ds, attrs):
    d = ds[0]
    if not d.is_floating:
        raise TypeError("expected a floating-point tensor (float16/32/64), got %s; use "
                        "ag.cast(x, ag.float32) first" % d.name)
    return d


def boolean(ds, attrs):
    for d in ds:
        if not d.is_bool:
            raise TypeError("expected bool tensors, got %s" % d.name)
    return dtypes.bool_


def to_bool(ds, attrs):
    return dtypes.bool_


def from_attr(ds, attrs):
    return attrs["dtype"]


def fixed(dtype):
    def rule(ds, attrs):
        return dtype
    return rule


def no_outputs(ds, attrs):
    return []


def no_output_shapes(shapes, attrs):
    return []


# -- shape rules: rule(input_shapes, attrs) -> TensorShape | [TensorShape] ---------------------
def same_shape(shapes, attrs):
    return shapes[0]


def broadcast_all(shapes, attrs):
    out = shapes[0]
    for s in shapes[1:]:
        out = broadcast(out, s)
    return out


def scalar(shapes, attrs):
    return SCALAR


def unknown(shapes, attrs):
    return UNKNOWN


def shape_attr(shapes, attrs):
    return as_shape(attrs["shape"])


def reduced(shapes, attrs):
    """Shape after reducing `axis` (None: all) with `keepdims`."""
    s = shapes[0]
    axis, keep = attrs.get("axis"), attrs.get("keepdims", False)
    if s.rank is None:
        return UNKNOWN
    if axis is None:
        return TensorShape([1] * s.rank) if keep else SCALAR
    axes = {normalize_axis(a, s.rank) for a in (axis if isinstance(axis, (tuple, list))
                                                else (axis,))}
    return TensorShape([1 if i in axes else d for i, d in enumerate(s.dims)
                        if keep or i not in axes])


def normalize_axis(axis, rank):
    if not -rank <= axis < max(rank, 1):
        raise ValueError("axis %d is out of range for a tensor of rank %d" % (axis, rank))
    return axis % rank if rank else 0


def check_axis(axis, rank, what="axis", extra=0):
    """`axis` normalised to [0, rank + extra); ValueError when out of range."""
    n = rank + extra
    if not -n <= axis < n:
        raise ValueError("%s %d is out of range for a tensor of rank %d (valid: %d to %d)"
                         % (what, axis, rank, -n, n - 1))
    return axis % n
