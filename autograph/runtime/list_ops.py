"""`ag.stack` and `ag.set_element_type`: turning the lists a function builds into tensors.

A list appended to in a Python loop is a Python list; appended to in a staged (tensor) loop it
becomes a TensorArray. `stack` turns either into one tensor. `set_element_type` declares the
dtype and shape of a list's elements, so that an empty list still stacks into a typed tensor
(shape (0, ...)) and an element of another dtype is refused instead of converted.
"""
import collections

from autograph.runtime import dtypes
from autograph.runtime.ops import array_ops
from autograph.runtime.ops.core_ops import convert_to_tensor
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import Tensor

__all__ = ["stack", "set_element_type", "element_type", "check_element", "has_declarations"]

# id(list) -> (list, dtype, shape). Lists cannot carry attributes or weak references, so the
# declarations live here, bounded (the oldest are forgotten first).
_ELEMENT_TYPES = collections.OrderedDict()
_MAX_TYPED_LISTS = 4096


def set_element_type(entity, dtype, shape=None):
    """Declares the dtype (and optionally the shape) of the elements of list `entity`.

    As TensorFlow AutoGraph's `set_element_type`: call it right after creating the list.
    `ag.stack` then gives a tensor of that dtype even when the list is empty, and converts the
    elements with that dtype (a value that does not fit it is an error, never a cast).

    Args:
      entity: a Python list (typically empty, before a loop appends to it).
      dtype: the elements' DType.
      shape: optional element shape (a list of ints, None for unknown dimensions).
    Returns:
      None.
    Raises:
      TypeError: `entity` is not a list.
    """
    if type(entity) is not list:
        raise TypeError("set_element_type expects a Python list, got %s; it declares the type "
                        "of the elements a loop will append" % type(entity).__name__)
    _ELEMENT_TYPES[id(entity)] = (entity, dtypes.as_dtype(dtype),
                                  None if shape is None else TensorShape(shape))
    _ELEMENT_TYPES.move_to_end(id(entity))
    while len(_ELEMENT_TYPES) > _MAX_TYPED_LISTS:
        _ELEMENT_TYPES.popitem(last=False)


def has_declarations():
    """True once any list has been given an element type (a fast test for list_append)."""
    return bool(_ELEMENT_TYPES)


def element_type(entity):
    """The (dtype, shape) declared for list `entity` by `set_element_type`, or None."""
    entry = _ELEMENT_TYPES.get(id(entity))
    if entry is None or entry[0] is not entity:
        return None
    return entry[1], entry[2]


def check_element(entity, element):
    """Raises TypeError if list `entity` has a declared element type that `element` does not
    have (a tensor of another dtype, or of an incompatible static shape). Called on append."""
    declared = element_type(entity)
    if declared is None or not hasattr(element, "dtype"):
        return
    dtype, shape = declared
    if element.dtype is not dtype:
        raise TypeError("appending an element of dtype %s to a list declared with "
                        "ag.set_element_type(..., %s): convert it with ag.cast first"
                        % (element.dtype.name, dtype.name))
    got = getattr(element, "shape", None)
    if shape is not None and isinstance(got, TensorShape) and not _compatible(shape, got):
        raise TypeError("appending an element of shape %s to a list declared with element "
                        "shape %s (ag.set_element_type)" % (got, shape))


def _compatible(a, b):
    if a.rank is None or b.rank is None:
        return True
    return a.rank == b.rank and all(x is None or y is None or x == y
                                    for x, y in zip(a.dims, b.dims))


def stack(values, axis=0, name=None, *, element_dtype=None, strict=True):
    """Joins a list of tensors (or a list a loop built) along a new axis, as `tf.stack`.

    Beyond `tf.stack`, it takes what AutoGraph's `stack` takes: a TensorArray (a list appended
    to in a tensor loop), an empty list whose element type is known (`element_dtype` or
    `ag.set_element_type`), and, with `strict=False`, anything else, returned unchanged.

    Args:
      values: a list or tuple of tensors of one shape, or a TensorArray; a tensor is returned
        as it is (it is already stacked).
      axis: position of the new axis.
      element_dtype: the dtype of the elements (for an empty list).
      strict: if True (default), a value that cannot be stacked is an error; if False it is
        returned unchanged.
    Returns:
      A tensor with one more axis (of size len(values)).
    Raises:
      ValueError: an empty list without element type (strict). TypeError: not a list,
        tuple, TensorArray or tensor (strict), or an element not of the declared dtype.
    """
    if hasattr(values, "stack") and hasattr(values, "_ag_flatten"):        # a TensorArray
        return array_ops.stack(values, axis, name)
    if isinstance(values, Tensor) or hasattr(values, "_ag_read"):
        return values
    if not isinstance(values, (list, tuple)):
        if strict:
            raise TypeError("stack expects a list of tensors or a TensorArray, got %s; pass "
                            "strict=False to return such values unchanged"
                            % type(values).__name__)
        return values
    declared = element_type(values)
    dtype = dtypes.as_dtype(element_dtype) if element_dtype is not None else (
        declared[0] if declared else None)
    if not values:
        if dtype is None:
            if strict:
                raise ValueError("cannot stack an empty list: its element dtype is unknown; "
                                 "declare it with ag.set_element_type(lst, dtype, shape) or "
                                 "pass element_dtype=")
            return values
        shape = declared[1] if declared and declared[1] is not None else TensorShape([])
        if not shape.is_fully_defined():
            raise ValueError("cannot stack an empty list of elements of shape %s: the "
                             "element shape must be fully known" % (shape,))
        dims = [0] + list(shape.dims)
        axis = axis % len(dims)
        dims.insert(axis, dims.pop(0))
        return array_ops.zeros(dims, dtype=dtype, name=name)
    if dtype is not None:
        values = [_typed(v, dtype) for v in values]
    return array_ops.stack(values, axis, name)


def _typed(value, dtype):
    if isinstance(value, Tensor) or hasattr(value, "_ag_read"):
        if value.dtype is not dtype:
            raise TypeError("list element of dtype %s does not match the declared element "
                            "dtype %s" % (value.dtype.name, dtype.name))
        return value
    return convert_to_tensor(value, dtype)
