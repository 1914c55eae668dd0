"""Variables: mutable state shared by eager code, Sessions and traced functions."""
import itertools

import numpy as np

from autograph.runtime import context, registry
from autograph.runtime.executor import MissingFeedError, call_plan, compile_plan
from autograph.runtime.ops import state_ops
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy, value_text
from autograph.runtime import dtypes as dtypes_lib

_ids = itertools.count()


class Variable:
    """A tensor-valued variable.

    Its value lives in this object: graph ops read and assign it when they run, so an update
    made by a Session or an `ag.function` is visible eagerly right after, and vice versa.

    Args:
      initial_value: a value, tensor, or a callable returning one (called eagerly).
      dtype: optional DType to convert the initial value to.
      name: optional name.
      trainable: whether GradientTape watches it automatically.
    Raises:
      ValueError: the initial value depends on a graph input (placeholder or argument).
    """

    __array_priority__ = 100

    def __init__(self, initial_value, dtype=None, name=None, trainable=True, shape=None):
        if callable(initial_value):
            with context.init_scope():
                initial_value = initial_value()
        dtype = None if dtype is None else dtypes_lib.as_dtype(dtype)
        value = _initial_numpy(initial_value, dtype)
        if dtype is None:
            dtype = dtypes_lib.from_numpy(value.dtype)
        self._value = np.array(value, dtype=dtype.np_dtype)
        self.dtype = dtype
        self._np_shape = self._value.shape
        self.shape = TensorShape(self._value.shape)
        self.name = name or "Variable"
        self.trainable = trainable
        self._uid = next(_ids)
        self._graph_reads = {}
        graph = context.ctx.graph
        if graph is not None:
            graph.variables.append(self)

    # -- reading ------------------------------------------------------------------------
    def _ag_read(self):
        if context.ctx.graph is None and not registry.eager_observers:
            return EagerTensor(self._value, self.dtype)
        return registry.apply(state_ops.READ_VARIABLE, [], {"var": self}, name="read_" +
                              self.name)

    def _graph_read(self, graph):
        """A single cached read op of this variable in `graph` (for Session fetches)."""
        t = self._graph_reads.get(graph)
        if t is None:
            with graph.as_default():
                t = self._graph_reads[graph] = self._ag_read()
        return t

    def read_value(self):
        """The current value: an eager tensor, or a read op while building a graph."""
        return self._ag_read()

    value = read_value

    def numpy(self):
        return self._value

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __bool__(self):
        if context.ctx.graph is not None:
            # Its value now would be baked into the graph, which reads the variable when it runs.
            from autograph.runtime.unconverted import advice
            raise TypeError(
                "using the variable %s as a Python bool while a graph is being built is not "
                "allowed: the graph reads its value when it runs, not now. %s"
                % (self.name, advice("`if`/`while` on variables", "ag.cond / ag.while_loop")))
        return bool(self._value)

    def __index__(self):
        return int(self._value)

    def __len__(self):
        return len(self._value)

    __hash__ = object.__hash__

    @property
    def ndim(self):
        return self._value.ndim

    def get_shape(self):
        return self.shape

    def __repr__(self):
        return "<ag.Variable '%s' shape=%s dtype=%s, numpy=%s>" % (
            self.name, self.shape, self.dtype.name, value_text(self._value))

    # -- writing ------------------------------------------------------------------------
    def _convert(self, value):
        if isinstance(value, Tensor) or isinstance(value, Variable):
            return value
        if self.dtype.is_integer and registry.is_weak_float(value):
            raise TypeError("cannot assign %r to variable %s (%s): a Python float never "
                            "becomes an integer; pass an int, or ag.cast the value"
                            % (value, self.name, self.dtype.name))
        try:
            return to_numpy(value, self.dtype)[0]
        except (TypeError, OverflowError) as e:
            raise TypeError("cannot assign %r to variable %s (%s): %s"
                            % (value, self.name, self.dtype.name, e)) from None

    def assign(self, value, name=None):
        """Sets the value; returns the new value (eager) or the assign op's output (graph)."""
        return registry.apply(state_ops.ASSIGN, [self._convert(value)], {"var": self}, name)

    def assign_add(self, delta, name=None):
        """Adds `delta` to the value; returns the new value."""
        return registry.apply(state_ops.ASSIGN_ADD, [self._convert(delta)], {"var": self}, name)

    def assign_sub(self, delta, name=None):
        """Subtracts `delta` from the value; returns the new value."""
        return registry.apply(state_ops.ASSIGN_SUB, [self._convert(delta)], {"var": self}, name)


def _initial_numpy(value, dtype):
    if isinstance(value, Variable):
        value = value._value
    if type(value) is EagerTensor:
        value = value._value
    elif type(value) is Tensor:
        # Evaluate the initial value now (it must not depend on graph inputs), so no manual
        # initialisation step is needed.
        try:
            plan = compile_plan(value.graph, [], [value], name="variable initial value")
            value = call_plan(plan, ())[0]
        except MissingFeedError as e:
            raise ValueError("a variable's initial value cannot depend on a graph input (%s); "
                             "pass a value or a callable, or create the variable outside the "
                             "function" % e) from None
    elif isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        from autograph.runtime.ops.array_ops import stack
        with context.init_scope():
            value = stack([v._value if isinstance(v, EagerTensor) else v for v in value])._value
    try:
        return np.asarray(to_numpy(value, dtype)[0])
    except (TypeError, OverflowError) as e:
        raise TypeError("invalid initial value for a variable: %s" % e) from None


def _install_overloads():
    from autograph.runtime.ops import overloads
    overloads.install(Variable)

