"""Graphs: operations recorded in creation order, which is also a valid execution order."""
import contextlib
import threading

from autograph.runtime import context
from autograph.runtime.errors import GraphMismatchError, user_frame, where
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy


class Operation:
    """A node: an op applied to input tensors, with attributes and output tensors."""

    __slots__ = ("graph", "name", "opdef", "inputs", "attrs", "outputs", "source", "index",
                 "__weakref__")

    def __init__(self, graph, name, opdef, inputs, attrs, source, index):
        self.graph = graph
        self.name = name
        self.opdef = opdef
        self.inputs = inputs
        self.attrs = attrs
        self.outputs = ()
        self.source = source      # (user file, line) where the op was created
        self.index = index        # position in the graph: creation order

    @property
    def type(self):
        return self.opdef.name

    def __repr__(self):
        return "<Operation %s = %s%s>" % (self.name, self.opdef.name, where(self.source))


class Graph:
    """A dataflow graph. Use `with g.as_default():` to add ops to it.

    Subgraphs (branches of `cond`, bodies of `while_loop`, traced functions) have an `outer`
    graph: a tensor of an enclosing graph used inside is captured as an input placeholder.
    """

    def __init__(self, outer=None, name="graph", is_function=False):
        self.operations = []
        self.outer = outer
        self.name = name
        # The graph of a traced ag.function: a call inside it copies the callee's ops in
        # (like a cond/while body), where a user's root graph gets one function_call op.
        self.is_function = is_function
        self._names = {}
        self._scope = []
        self._lock = threading.Lock()
        self.inputs = []          # placeholders that are inputs of a subgraph / function
        self.outputs = []
        self.captures = {}        # outer tensor -> inner placeholder
        self.capture_list = []    # [(outer tensor, inner placeholder)] in capture order
        self.variables = []       # variables created while this graph was default
        self._plans = {}
        self.version = 0          # bumped on every new op (plan caches check it)

    # -- building -------------------------------------------------------------------------
    def as_default(self):
        """Context manager making this graph the one new ops are added to (per thread)."""
        return context.graph_scope(self)

    @contextlib.contextmanager
    def name_scope(self, name):
        self._scope.append(name)
        try:
            yield "/".join(self._scope) + "/"
        finally:
            self._scope.pop()

    def unique_name(self, base):
        if self._scope:
            base = "/".join(self._scope) + "/" + base
        with self._lock:
            n = self._names.get(base)
            if n is None:
                self._names[base] = 1
                return base
            while True:
                candidate = "%s_%d" % (base, n)
                n += 1
                if candidate not in self._names:
                    self._names[base] = n
                    self._names[candidate] = 1
                    return candidate

    def create_op(self, opdef, inputs, attrs=None, name=None, source=None):
        """Adds an op; inputs are converted to tensors of this graph (constants, captures)."""
        attrs = attrs or {}
        tensors = self._convert_inputs(opdef, inputs)
        in_dtypes = [t._dtype for t in tensors]
        in_shapes = [t._shape for t in tensors]
        if source is None:
            source = user_frame()
        try:
            out_dtypes = opdef.dtype_rule(in_dtypes, attrs)
            out_shapes = opdef.shape_rule(in_shapes, attrs)
        except (TypeError, ValueError) as e:
            desc = ", ".join("%s %s" % (d.name, s) for d, s in zip(in_dtypes, in_shapes))
            raise type(e)("%s%s: %s (inputs: %s)" % (opdef.name, where(source), e, desc)) \
                from None
        op = Operation(self, self.unique_name(name or opdef.name), opdef, tensors, attrs,
                       source, len(self.operations))
        if type(out_dtypes) is list:
            op.outputs = tuple(Tensor(op, i, d, s)
                               for i, (d, s) in enumerate(zip(out_dtypes, out_shapes)))
            result = op.outputs if op.outputs else op
        else:
            op.outputs = (Tensor(op, 0, out_dtypes, out_shapes),)
            result = op.outputs[0]
        self.operations.append(op)
        self.version += 1
        return result

    def _convert_inputs(self, opdef, inputs):
        from autograph.runtime.registry import (REGISTRY, _positions, common_dtype, pack_lists,
                                                promote_weak)
        for x in inputs:
            if hasattr(type(x), "_ag_as_tensor"):   # a TensorArray standing for a list
                inputs = [y._ag_as_tensor() if hasattr(type(y), "_ag_as_tensor") else y
                          for y in inputs]
                break
        inputs = pack_lists(inputs, lambda items: self.create_op(REGISTRY["stack"], items,
                                                                  {"axis": 0}))
        target = None
        if opdef.same_dtype:
            inputs = promote_weak(opdef, inputs, lambda x, d: self.create_op(
                REGISTRY["cast"], [x], {"dtype": d}))
            target = common_dtype(opdef, inputs, _positions(opdef, len(inputs)))
        same = opdef.same_dtype
        out = []
        for i, x in enumerate(inputs):
            if type(x) is Tensor:
                out.append(x if x.op.graph is self else self.capture(x))
                continue
            if hasattr(x, "_ag_read"):          # a Variable: read it inside this graph
                with context.graph_scope(self):
                    out.append(x._ag_read())
                continue
            want = target if target is not None and (same == "all" or i in same) else None
            out.append(self.constant(x, want))
        return out

    def constant(self, value, dtype=None):
        """A constant op holding `value` (Python, numpy or eager value)."""
        if type(value) is EagerTensor:
            v, d = value._value, value._dtype
            if dtype is not None and d is not dtype:
                raise TypeError("expected a %s tensor, got %s" % (dtype.name, d.name))
        else:
            v, d = to_numpy(value, dtype)
        from autograph.runtime.registry import REGISTRY
        return self.create_op(REGISTRY["constant"], [], {"value": v, "dtype": d})

    def capture(self, tensor):
        """The placeholder standing for an enclosing graph's `tensor` inside this graph."""
        inner = self.captures.get(tensor)
        if inner is not None:
            return inner
        if self.outer is None and tensor.op.graph.outer is not None:
            from autograph.runtime.errors import where
            raise GraphMismatchError(
                "tensor %s was computed%s inside a tensor-dependent branch or loop body (graph "
                "%r) and is used outside it: a value made there exists only inside it. It "
                "escaped through Python state the statement does not carry, e.g. an attribute "
                "or list written by a method or function called there. Assign the new value to "
                "a variable or attribute of the converted function itself (those are carried), "
                "or keep the state in an ag.Variable and update it with assign"
                % (tensor.name, where(tensor.op.source), tensor.op.graph.name))
        if self.outer is None:
            raise GraphMismatchError(
                "tensor %s belongs to another graph than the one being built; tensors cannot "
                "be shared between graphs (build both in one graph, or pass values through an "
                "ag.function argument)" % tensor.name)
        if tensor.op.opdef.name == "defined_check":
            # A value that fails when it is used (ops/check_ops.py) is checked where it is
            # used: in this subgraph, so a branch not taken or a loop body not run never fails.
            inner = self.create_op(tensor.op.opdef, list(tensor.op.inputs),
                                   dict(tensor.op.attrs), source=tensor.op.source)
            self.captures[tensor] = inner
            return inner
        src = tensor if tensor.op.graph is self.outer else self.outer.capture(tensor)
        from autograph.runtime.registry import REGISTRY
        inner = self.create_op(REGISTRY["placeholder"], [],
                               {"dtype": tensor.dtype, "shape": tensor.shape},
                               name="capture_" + tensor.op.name.replace("/", "_"),
                               source=tensor.op.source)
        self.captures[tensor] = inner
        self.capture_list.append((src, inner))
        return inner

    # -- inspection -----------------------------------------------------------------------
    def get_operations(self):
        return list(self.operations)

    def get_operation_by_name(self, name):
        for op in self.operations:
            if op.name == name:
                return op
        raise KeyError("no operation named %r in this graph" % name)

    def as_text(self):
        """One line per op, like Python: `add_1 = add(x, y)`."""
        from autograph.runtime.printing import graph_to_text
        return graph_to_text(self)

    def to_dot(self):
        """The graph as Graphviz DOT text: one box per op, labelled as in `as_text()`, with
        the subgraphs of `cond` and `while` ops as nested clusters."""
        from autograph.runtime.graph_dot import graph_to_dot
        return graph_to_dot(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Jupyter: an SVG picture when the graphviz package and its `dot` program are
        # installed, else the text form.
        from autograph.runtime.graph_dot import graph_to_svg
        bundle = {"text/plain": self.as_text()}
        svg = graph_to_svg(self)
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle

    def __str__(self):
        return self.as_text()

    def __repr__(self):
        return "<ag.Graph %s with %d ops>" % (self.name, len(self.operations))

