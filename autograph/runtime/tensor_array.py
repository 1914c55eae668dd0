"""TensorArray: a list of tensors that can be a while_loop variable.

At run time its value is a Python list (dtype `variant` in graphs); writes fill it in place and
return it, so a loop that appends n elements costs O(n).

A Python list appended to in a tensor loop is lowered to a TensorArray marked `lowered`. After
the loop it stands for the list: converted code tests its truth (non-empty), takes `len`,
indexes, slices and iterates it; ops take it as the stacked tensor; and an `ag.function`
returns it stacked (`stack_lowered`), never as a TensorArray object.
"""
import numpy as np

from autograph.runtime import dtypes, registry
from autograph.runtime.errors import InvalidArgumentError, user_frame, where
from autograph.runtime.ops import rules
from autograph.runtime.registry import declare
from autograph.runtime.shapes import UNKNOWN, TensorShape, as_shape
from autograph.runtime.tensor import Tensor


class _Items(list):
    __slots__ = ("dynamic",)


def _new(size, dynamic):
    items = _Items([None] * int(size))
    items.dynamic = dynamic
    return items


def _write(items, index, value):
    i = int(index)
    if i < 0:
        raise InvalidArgumentError("TensorArray.write: index %d is negative" % i)
    if i >= len(items):
        if not items.dynamic:
            raise InvalidArgumentError(
                "TensorArray.write: index %d is out of range for size %d (create it with "
                "dynamic_size=True to grow)" % (i, len(items)))
        items.extend([None] * (i + 1 - len(items)))
    items[i] = value
    return items


def _read(items, index, dtype, element_shape):
    i = int(index)
    if not -len(items) <= i < len(items) or items[i] is None:
        raise InvalidArgumentError("TensorArray.read: index %d was not written (size %d)"
                                   % (i, len(items)))
    return items[i]


def _stack(items, dtype, element_shape):
    if not items:
        if element_shape.is_fully_defined():
            return np.zeros((0,) + tuple(element_shape), dtype.np_dtype)
        raise InvalidArgumentError("TensorArray.stack: the array is empty and its element "
                                   "shape is unknown; pass element_shape")
    if any(v is None for v in items):
        raise InvalidArgumentError("TensorArray.stack: element %d was never written"
                                   % [v is None for v in items].index(True))
    try:
        return np.stack(items).astype(dtype.np_dtype, copy=False)
    except ValueError as e:
        raise InvalidArgumentError("TensorArray.stack: elements have different shapes: %s"
                                   % e) from None


def _unstack(items, value):
    items[:] = list(value)
    return items


def _size(items):
    return np.int32(len(items))


def _variant(ds, attrs):
    return dtypes.variant


def _elem_dtype(ds, attrs):
    return attrs["dtype"]


# -- gradients ----------------------------------------------------------------------------------
# A TensorArray's gradient is a `variant` too: at run time a list holding each element's
# gradient (None where none arrived). Reads, writes, stack and unstack have rules over such
# lists; a while_loop carries them like any loop variable. The ops on gradient lists are not
# differentiated again: the gradient of a gradient that went through a TensorArray (a
# TensorArray written in a loop; the third order of a while_loop) raises a clear error rather
# than give a wrong value.
def _no_second_order(op, *grads):
    raise LookupError("gradients of gradients that went through a TensorArray are not "
                      "supported (%s is part of such a gradient)" % op.opdef.name)


class _Grads(list):
    __slots__ = ()


def _grad_zeros():
    return _Grads()


def _grad_add(a, b):
    out = _Grads(a)
    out.extend([None] * (len(b) - len(out)))
    for i, v in enumerate(b):
        if v is not None:
            out[i] = v if out[i] is None else out[i] + v
    return out


def _grad_of_read(index, g):
    i = int(index)
    out = _Grads([None] * (i + 1))
    out[i] = g
    return out


def _grad_read(grads, index, like):
    i = int(index)
    v = grads[i] if 0 <= i < len(grads) else None
    return np.zeros(np.shape(like), like.dtype) if v is None else v


def _grad_stack(grads, like):
    out = np.zeros(np.shape(like), like.dtype)
    for i, v in enumerate(grads[:len(out)]):
        if v is not None:
            out[i] = v
    return out


def _grad_unstack(g):
    return _Grads(list(g))


GRAD_ZEROS = declare("tensor_array_grad_zeros", _grad_zeros, dtype=_variant, shape=rules.scalar,
                     differentiable=False, doc="An empty TensorArray gradient.")
GRAD_ADD = declare("tensor_array_grad_add", _grad_add, dtype=_variant, shape=rules.scalar,
                   grad=_no_second_order, doc="Adds two TensorArray gradients elementwise.")
GRAD_OF_READ = declare("tensor_array_grad_of_read", _grad_of_read, dtype=_variant,
                       shape=rules.scalar, grad=_no_second_order,
                       doc="The TensorArray gradient of one read: g at its index.")
GRAD_READ = declare("tensor_array_grad_read", _grad_read, dtype=lambda ds, a: ds[2],
                    shape=lambda ss, a: ss[2], grad=_no_second_order,
                    doc="One element of a TensorArray gradient (zeros shaped like the third "
                        "input where none arrived).")
GRAD_STACK = declare("tensor_array_grad_stack", _grad_stack, dtype=lambda ds, a: ds[1],
                     shape=lambda ss, a: ss[1], grad=_no_second_order,
                     doc="A TensorArray gradient as one tensor shaped like the second input.")
GRAD_UNSTACK = declare("tensor_array_grad_unstack", _grad_unstack, dtype=_variant,
                       shape=rules.scalar, grad=_no_second_order,
                       doc="A stacked gradient as a TensorArray gradient.")


def _write_grad(op, g):
    flow, index, value = op.inputs
    return [g, None, registry.apply(GRAD_READ, [g, index, value])]


def _read_grad(op, g):
    return [registry.apply(GRAD_OF_READ, [op.inputs[1], g]), None]


def _stack_grad(op, g):
    return [registry.apply(GRAD_UNSTACK, [g])]


def _unstack_grad(op, g):
    return [None, registry.apply(GRAD_STACK, [g, op.inputs[1]])]


NEW = declare("tensor_array", _new, dtype=_variant, shape=rules.scalar, differentiable=False,
              doc="A new, empty TensorArray value.")
WRITE = declare("tensor_array_write", _write, dtype=_variant, shape=rules.scalar,
                grad=_write_grad, doc="Writes an element; returns the array.")
READ = declare("tensor_array_read", _read, dtype=_elem_dtype,
               shape=lambda s, a: a["element_shape"], grad=_read_grad, doc="Reads an element.")
STACK = declare("tensor_array_stack", _stack, dtype=_elem_dtype,
                shape=lambda s, a: UNKNOWN if a["element_shape"].dims is None
                else TensorShape((None,) + a["element_shape"].dims),
                grad=_stack_grad, doc="Stacks the elements into one tensor.")
UNSTACK = declare("tensor_array_unstack", _unstack, dtype=_variant, shape=rules.scalar,
                  grad=_unstack_grad, doc="Fills the array with the rows of a tensor.")
SIZE = declare("tensor_array_size", _size, dtype=rules.fixed(dtypes.int32), shape=rules.scalar,
               differentiable=False, doc="The number of elements.")


class TensorArray:
    """A list of same-dtype tensors, usable eagerly, in graphs and as a while_loop variable.

    Args:
      dtype: element dtype.
      size: initial number of elements.
      dynamic_size: whether writes past the end grow the array.
      element_shape: optional static shape of each element.
    """

    lowered = False   # True for a Python list lowered by a tensor loop (see module doc)

    def __init__(self, dtype, size=0, dynamic_size=False, element_shape=None, flow=None):
        self.dtype = dtypes.as_dtype(dtype)
        self.dynamic_size = dynamic_size
        self.element_shape = as_shape(element_shape)
        if flow is None:
            flow = registry.apply(NEW, [size], {"dynamic": bool(dynamic_size)})
        self.flow = flow

    def _with(self, flow, element_shape=None):
        ta = TensorArray(self.dtype, dynamic_size=self.dynamic_size,
                         element_shape=self.element_shape if element_shape is None
                         else element_shape, flow=flow)
        ta.lowered = self.lowered
        return ta

    # composite protocol (nest, while_loop)
    def _ag_flatten(self):
        return [self.flow]

    def _ag_unflatten(self, values):
        return self._with(values[0])

    def write(self, index, value):
        """Returns a TensorArray with element `index` set to `value`."""
        from autograph.runtime.ops.core_ops import convert_to_tensor
        value = convert_to_tensor(value, self.dtype if not isinstance(value, Tensor) else None)
        if value.dtype is not self.dtype:
            raise TypeError(
                "TensorArray of %s: cannot write a %s value%s. A TensorArray (also a list that "
                "a tensor-dependent loop turned into one) holds items of one dtype: cast the "
                "value (ag.cast(value, ag.%s)) or make every item the same kind"
                % (self.dtype.name, value.dtype.name, where(user_frame()), self.dtype.name))
        shape = value.shape
        if not self.element_shape.is_compatible_with(shape):
            raise ValueError("TensorArray elements have shape %s; cannot write shape %s"
                             % (self.element_shape, shape))
        flow = registry.apply(WRITE, [self.flow, index, value])
        return self._with(flow, self.element_shape.merge_with(shape))

    def read(self, index):
        """The element at `index`."""
        return registry.apply(READ, [self.flow, index], self._attrs())

    def stack(self):
        """All elements stacked along a new first axis."""
        return registry.apply(STACK, [self.flow], self._attrs())

    def unstack(self, value):
        """Returns a TensorArray holding the rows of `value`."""
        from autograph.runtime.ops.core_ops import convert_to_tensor
        value = convert_to_tensor(value, self.dtype)
        flow = registry.apply(UNSTACK, [self.flow, value])
        shape = value.shape
        return self._with(flow, shape[1:] if shape.rank else UNKNOWN)

    def __getitem__(self, index):
        """`ta[i]` is `ta.read(i)`; `ta[a:b]` slices the stacked elements (lists lowered to
        TensorArrays stay indexable)."""
        if isinstance(index, slice):
            return self.stack()[index]
        return self.read(index)

    def __iter__(self):
        from autograph.runtime.tensor import is_symbolic
        if is_symbolic(self.flow):
            raise TypeError(
                "a TensorArray in a graph cannot be iterated by Python (its length is only "
                "known when the graph runs); iterate it with a `for` loop in converted code "
                "(ag.function / ag.to_graph), or use .stack()")
        return iter([self.read(i) for i in range(int(self.size().numpy()))])

    def __bool__(self):
        from autograph.runtime.tensor import is_symbolic
        if is_symbolic(self.flow):
            raise TypeError(
                "the truth value of a TensorArray in a graph is only known when the graph "
                "runs; test it in converted code (`if lst:`), or test `len(lst) > 0`")
        return bool(int(self.size().numpy()))

    def __len__(self):
        from autograph.runtime.tensor import is_symbolic
        if is_symbolic(self.flow):
            raise TypeError(
                "the length of a TensorArray in a graph is a tensor: use len() in converted "
                "code (ag.function / ag.to_graph), or .size()")
        return int(self.size().numpy())

    def __add__(self, other):
        raise TypeError(
            "cannot concatenate a TensorArray (a list appended to in a tensor loop becomes "
            "one) with %s: append the items in the loop instead, or concatenate stacked "
            "tensors (ag.concat([ag.stack(lst), ...]))" % type(other).__name__)

    __radd__ = __add__

    def _ag_as_tensor(self):
        """What ops see: the stacked elements."""
        return self.stack()

    def size(self):
        """The number of elements (an int32 tensor)."""
        return registry.apply(SIZE, [self.flow])

    def _attrs(self):
        return {"dtype": self.dtype, "element_shape": self.element_shape}

    def __repr__(self):
        return "<ag.TensorArray dtype=%s element_shape=%s>" % (self.dtype.name,
                                                                self.element_shape)


def stack_lowered(structure):
    """`structure` with every lowered list (see the module doc) replaced by its stacked
    elements: what an `ag.function` returns for a list its loops lowered."""
    if isinstance(structure, TensorArray):
        return structure.stack() if structure.lowered else structure
    t = type(structure)
    if t is tuple or t is list:
        items = [stack_lowered(v) for v in structure]
        if all(a is b for a, b in zip(items, structure)):
            return structure
        return t(items)
    if t is dict:
        items = {k: stack_lowered(v) for k, v in structure.items()}
        if all(items[k] is structure[k] for k in structure):
            return structure
        return items
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        items = [stack_lowered(v) for v in structure]
        if all(a is b for a, b in zip(items, structure)):
            return structure
        return t(*items)
    return structure



