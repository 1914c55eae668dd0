"""The first entry of the dispatch table: our numpy graph runtime (`autograph.runtime`).

Graph tensors (`type(x) is Tensor`, i.e. `tensor.is_symbolic`) are staged; eager tensors run
as Python. A `TensorArray` is staged when its flow is a graph tensor, a `Variable` while a graph
is being built. The runtime is imported on first use, so `autograph.operators` imports
without it.
"""

import numpy as np

from autograph.operators.dispatch import Backend

__all__ = ["RuntimeBackend"]


class _Spec:
    """dtype and static shape of a tensor: enough to make zeros like it."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape):
        self.dtype, self.shape = dtype, shape

    def __repr__(self):
        return "_Spec(%s, %s)" % (self.dtype, self.shape)


class _ListSpec(_Spec):
    """A backend list (TensorArray) of elements of this dtype and shape: its zero is empty."""

    __slots__ = ()


class RuntimeBackend(Backend):
    name = "autograph.runtime"
    loop_options = True

    def __init__(self):
        self._loaded = False
        self._ok = False

    def _load(self):
        if self._loaded:
            return self._ok
        self._loaded = True
        try:
            from autograph.runtime import context, control_flow, dtypes, errors, nest
            from autograph.runtime.ops import (array_ops, core_ops, logging_ops, math_ops,
                                               reduction_ops)
            from autograph.runtime.graph import Graph
            from autograph.runtime.tensor import EagerTensor, Tensor, is_symbolic
            from autograph.runtime.tensor_array import TensorArray
            from autograph.runtime.variables import Variable
        except ImportError:
            return False
        self.ctx, self.cf, self.nest, self.dtypes = context.ctx, control_flow, nest, dtypes
        self.context, self.Graph = context, Graph
        self.core, self.logging_ops, self.math = core_ops, logging_ops, math_ops
        self.array, self.reduction = array_ops, reduction_ops
        self.Tensor, self.EagerTensor, self.is_symbolic = Tensor, EagerTensor, is_symbolic
        self.TensorArray, self.Variable = TensorArray, Variable
        self._mismatch = (errors.LoopVarMismatchError,)
        self._ok = True
        return True

    @property
    def loop_var_mismatch(self):
        return self._mismatch if self._load() else ()

    # --- dispatch ------------------------------------------------------------------------------
    def claims(self, cls):
        if not self._load():
            return False
        if cls is self.Tensor:
            return True             # tensor.is_symbolic: exactly the graph Tensor type
        if cls is self.EagerTensor:
            return False
        if issubclass(cls, (self.Tensor, self.TensorArray, self.Variable)):
            return None
        return False

    def is_staged(self, value):
        if isinstance(value, self.TensorArray):
            return self.is_symbolic(value.flow)
        if isinstance(value, self.Variable):
            return self.ctx.graph is not None
        return self.is_symbolic(value)

    def trace_only(self, fn):
        graph = self.ctx.graph
        with self.context.graph_scope(self.Graph(outer=graph, name="autograph_probe")):
            return fn()

    def building_graph(self):
        return self._load() and self.ctx.graph is not None

    # --- staging -------------------------------------------------------------------------------
    def cond(self, pred, true_fn, false_fn, names):
        return self.cf.cond(self._truth(pred), true_fn, false_fn, names=names)

    def while_loop(self, test_fn, body_fn, loop_vars, names, maximum_iterations=None,
                   shape_invariants=None, **unused):
        # `ag.set_loop_options`: maximum_iterations caps the loop; shape_invariants
        # ({variable name: shape}) relaxes those variables' shapes up front. Loops already
        # relax changing shapes, so the invariants only matter for a shape that must be
        # general from the first iteration. parallel_iterations / swap_memory are accepted
        # and ignored (one thread, no GPU memory).
        invariants = None
        if shape_invariants:
            invariants = [shape_invariants.get(name) if name in shape_invariants
                          else self._shape_of(v) for name, v in zip(names, loop_vars)]
        return self.cf.while_loop(lambda *v: self._truth(test_fn(*v)), body_fn, loop_vars,
                                  shape_invariants=invariants,
                                  maximum_iterations=maximum_iterations, names=names,
                                  relax_shapes=True)

    def _shape_of(self, v):
        return self.nest.map_structure(lambda t: self.to_value(t).shape
                                       if not isinstance(t, self.TensorArray) else None, v)

    def _truth(self, x):
        # Python's truthiness, as `if n % 2:` means: a non-bool tensor is true when non-zero,
        # a list lowered to a TensorArray is true when it is not empty.
        if isinstance(x, self.Tensor) and not x.dtype.is_bool:
            return self.math.not_equal(x, 0)
        if isinstance(x, self.TensorArray):
            return self.math.greater(x.size(), 0)
        return x

    def truth(self, value):
        return self._truth(self._read(value))

    # --- values ----------------------------------------------------------------------------------
    def is_value(self, value):
        return isinstance(value, (self.Tensor, self.TensorArray))

    def to_value(self, value, dtype=None):
        if isinstance(value, self.Tensor):
            if dtype is not None and value.dtype is not dtype:
                return self.math.cast(value, dtype)
            return value
        return self.core.convert_to_tensor(value, dtype)

    def dtype(self, value):
        if isinstance(value, self.Variable):
            return value.dtype
        return self.to_value(value).dtype

    def spec(self, value):
        flat = self.nest.flatten(value, expand_composites=False)
        specs = []
        for t in flat:
            if isinstance(t, self.TensorArray):
                specs.append(_ListSpec(t.dtype, t.element_shape))
                continue
            t = self.to_value(t)
            specs.append(_Spec(t.dtype, t.shape))
        return self.nest.pack_sequence_as(value, specs, expand_composites=False)

    def zeros(self, spec):
        flat = self.nest.flatten(spec, expand_composites=False)
        out = []
        for s in flat:
            if type(s) is _ListSpec:
                out.append(self.new_list(s, []))
                continue
            dims = s.shape.dims if s.shape.rank is not None else ()
            shape = tuple(0 if d is None else d for d in dims)
            out.append(self.core.constant(np.zeros(shape, s.dtype.np_dtype)))
        return self.nest.pack_sequence_as(spec, out, expand_composites=False)

    def flatten(self, structure):
        return self.nest.flatten(structure)

    def pack(self, structure, flat):
        return self.nest.pack_sequence_as(structure, flat)

    def same_structure(self, a, b):
        return self.nest.same_structure(a, b)

    def structure_text(self, value):
        return self.nest.structure_text(value)

    # --- ops ---------------------------------------------------------------------------------------
    def logical_and(self, a, b):
        return self.math.logical_and(a, b)

    def logical_not(self, a):
        # Python's `not x` is defined for any value: a non-bool tensor is true when non-zero.
        if isinstance(a, self.TensorArray):
            return self.math.equal(a.size(), 0)
        if not a.dtype.is_bool:
            return self.math.equal(a, 0)
        return self.math.logical_not(a)

    def _read(self, x):
        return x._ag_read() if isinstance(x, self.Variable) else x

    def length(self, x):
        x = self.to_value(self._read(x))
        shape = x.shape
        if shape.rank == 0:
            raise TypeError("cannot iterate over a scalar tensor (shape ())")
        if shape.rank is not None and shape.dims[0] is not None:
            return shape.dims[0]
        return self.array.shape(x)[0]

    def item(self, x, i):
        return self.array.gather(self._read(x), i)

    def stack(self, values):
        return self.array.stack(list(values))

    def range_(self, n, dtype=None):
        return self.array.range(0, n, dtype=dtype)

    def assert_(self, cond, message, data):
        return self.logging_ops.assert_(cond, list(data), message)

    def check_defined(self, ran, value, message):
        from autograph.runtime.ops.check_ops import defined_check
        flat = self.nest.flatten(value)
        return self.nest.pack_sequence_as(
            value, [defined_check(ran, x, message) for x in flat])

    def is_local(self, value):
        if type(value) is not self.Tensor:
            return False
        graph = self.ctx.graph
        return graph is not None and graph.outer is not None and value.op.graph is graph

    def read(self, value):
        from autograph.runtime.ops.check_ops import read_checked
        if isinstance(value, self.Tensor):
            return read_checked(value)
        return value

    def unchecked(self, value):
        from autograph.runtime.ops.check_ops import DEFINED_CHECK
        flat = self.nest.flatten(value)
        ran, raw = None, []
        for x in flat:
            op = getattr(x, "op", None) if isinstance(x, self.Tensor) else None
            if op is not None and op.opdef is DEFINED_CHECK:
                ran = op.inputs[0]
                x = op.inputs[1]
            raw.append(x)
        if ran is None:
            return None
        return ran, self.nest.pack_sequence_as(value, raw)

    def check_message(self, value):
        """The message of the first `check_defined` leaf of `value` (see `unchecked`), or
        None: a staged `if` that carries the flag re-checks its output with it."""
        from autograph.runtime.ops.check_ops import DEFINED_CHECK
        for x in self.nest.flatten(value):
            op = getattr(x, "op", None) if isinstance(x, self.Tensor) else None
            if op is not None and op.opdef is DEFINED_CHECK:
                return op.attrs["message"]
        return None

    # --- lists -------------------------------------------------------------------------------------
    def is_list(self, value):
        return self._load() and isinstance(value, self.TensorArray)

    def new_list(self, spec, items):
        ta = self.TensorArray(spec.dtype, size=0, dynamic_size=True, element_shape=spec.shape)
        ta.lowered = True   # a Python list stands behind it (see runtime/tensor_array.py)
        for i, x in enumerate(items):
            ta = ta.write(i, x)
        return ta

    def list_spec(self, lst):
        return _Spec(lst.dtype, lst.element_shape)

    def call_overloads(self):
        if not self._load():
            return {}
        stack = self.array.stack

        def stack_overload(values, axis=0, name=None):
            # A list lowered to a TensorArray by a graph loop stacks like the list would.
            if isinstance(values, self.TensorArray) and axis == 0:
                return values.stack()
            return stack(values, axis, name)
        return {stack: stack_overload}

    def list_append(self, lst, value):
        return lst.write(lst.size(), value)

    def list_pop(self, lst):
        raise NotImplementedError(
            "pop() from a list that became a TensorArray inside a tensor loop is not "
            "supported; keep the list in Python or index it instead")

    def list_length(self, lst):
        return lst.size()

    def list_item(self, lst, i):
        return lst.read(i)

    def list_stack(self, lst):
        return lst.stack()

    # --- builtins ----------------------------------------------------------------------------------
    def abs(self, x):
        return self.math.abs(self._read(x))

    # Python's min(a, b) is `b if b < a else a`: a NaN second operand loses, and of equal
    # values (0.0, -0.0) the first is kept, where numpy's minimum gives NaN and -0.0.
    def minimum(self, a, b):
        a, b = self._read(a), self._read(b)
        return self.math.where(self.math.less(b, a), b, a)

    def maximum(self, a, b):
        a, b = self._read(a), self._read(b)
        return self.math.where(self.math.greater(b, a), b, a)

    def reduce_min(self, x):
        x = self._read(x)
        if self._python_order(x):
            return self._python_extreme(x, self.math.less, float("inf"))
        return self.reduction.reduce_min(x)

    def reduce_max(self, x):
        x = self._read(x)
        if self._python_order(x):
            return self._python_extreme(x, self.math.greater, float("-inf"))
        return self.reduction.reduce_max(x)

    def _python_order(self, x):
        return isinstance(x, self.Tensor) and x.dtype.is_floating and x.shape.rank == 1

    def _python_extreme(self, x, better, worst):
        """Python's min(x) / max(x) of a 1-D float tensor (`better` is less / greater): it
        iterates, keeping `v` only if `better(v, cur)`, so a NaN after the first element is
        skipped, a NaN first element is the result, and of equal values (0.0, -0.0) the first
        is kept (numpy's reduction is Python's answer for other tensors)."""
        m, i32 = self.math, self.dtypes.int32
        nan = m.not_equal(x, x)
        numbers = m.where(nan, worst, x)
        best = self.reduction.reduce_min(numbers) if better is m.less \
            else self.reduction.reduce_max(numbers)
        first_best = self.reduction.argmax(
            m.cast(m.logical_and(m.equal(numbers, best), m.logical_not(nan)), i32),
            output_type=i32)
        head = self.array.gather(x, 0)
        return m.where(m.not_equal(head, head), head, self.array.gather(x, first_best))

    def cast(self, x, kind):
        d = self.dtypes
        dtype = {int: d.int32, float: d.float32, bool: d.bool_}.get(kind, kind)
        x = self._read(x)
        if isinstance(x, self.Tensor) and x.dtype is dtype:
            return x
        if kind is int and isinstance(x, self.Tensor) and x.dtype.is_floating:
            # Python's int(): NaN, infinities and ints beyond int32 fail, never wrap
            from autograph.runtime.ops.check_ops import int_checked
            return int_checked(x, "int() of %s: Python raises there (NaN, infinities) or gives "
                               "an int beyond int32, which the graph's int32 cannot hold; keep "
                               "the value a float, or bound it before int()")
        return self.math.cast(x, dtype)

    def contains(self, container, x):
        return self.reduction.reduce_any(self.math.equal(self._read(container), self._read(x)))
