"""`ConcreteFunction`: one trace of an `ag.function`, compiled once, and how it runs.

Called while another graph is being built, a trace adds its work to that graph: inside another
trace (or a cond/while body) its ops are copied in place, so they run in program order and
gradients flow through them; under a user's `with ag.Graph().as_default():` it becomes one
`function_call` op (runtime/call_op.py) running the compiled plan, so a Session that runs the
call runs all of its side effects. While a GradientTape records eagerly, the traced graph is
run op by op so the tape sees every op (variable reads included).
"""
import numpy as np

from autograph.runtime import context, executor, nest, registry
from autograph.runtime.call_op import CALL, STATEFUL_CALL
from autograph.runtime.graph import Graph, Operation
from autograph.runtime.interpreter import interpret
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy
from autograph.tracing.retracing import differences, summaries
from autograph.tracing.signature import decode, dims_compatible, encode_entries
from autograph.tracing.spec import VARIANT

__all__ = ["ConcreteFunction", "raise_located", "created_variables", "OpLeaf", "Const",
           "structure_leaves"]

_ctx = context.ctx


def raise_located(exc):
    """Re-raises an exception from a plan as the runtime's error naming the op and user line."""
    err = executor.run_error(exc)
    if err is exc:
        raise exc
    raise err.with_traceback(None) from exc


def created_variables(graph):
    """The variables created while tracing `graph` (its cond/while subgraphs included)."""
    found = list(graph.variables)
    for op in graph.operations:
        for value in op.attrs.values():
            if isinstance(value, Graph):
                found.extend(created_variables(value))
    return found


# -- concrete functions -----------------------------------------------------------------------
class ConcreteFunction:
    """One trace of an `ag.function`: a graph for one input signature, compiled once.

    Attributes:
      graph: the traced Graph.
      inputs: its input placeholders (arguments' tensors, then captured tensors).
      outputs: the graph tensors it returns, flat.
      structured_outputs: what the Python function returned, with graph tensors in it.
      structured_input_signature: (name, structure) pairs, tensors described by TensorSpec.
    Calling it runs the graph; arguments must match the trace (same Python values, tensors of
    the traced dtypes and compatible shapes).
    """

    def __init__(self, function, graph, scope, part, shapes, structured_outputs, leaf_plan):
        self._function = function
        self.graph = graph
        self._scope = scope
        self._part = part
        self._shapes = shapes
        self.structured_outputs = structured_outputs
        self._leaf_plan = leaf_plan            # per output leaf: int (output index) or marker
        self.name = graph.name
        self._plan = executor.compile_plan(graph, graph.inputs, graph.outputs,
                                           include_stateful=True, name=graph.name)
        self._out_dtypes = [t.dtype for t in graph.outputs]
        self._stateful = any(op.opdef.stateful for op in graph.operations)
        self._checked = False
        self._safe = False                    # outputs need converting (a kernel's dtype slips)
        self._fast_build = None
        self._used = 0                        # the function's call count at its last use (LRU)

    @property
    def structured_input_signature(self):
        """((name, structure), ...) with tensors described by TensorSpecs, Python values as
        they were (objects compared by identity: the object, or None once it is gone)."""
        it = iter(self._shapes)
        return tuple((name, decode(enc, it, name)) for name, enc in self._part)

    @property
    def inputs(self):
        return list(self.graph.inputs)

    @property
    def outputs(self):
        return list(self.graph.outputs)

    @property
    def captured_inputs(self):
        """Tensors of the enclosing graph this trace uses (fed to its capture placeholders)."""
        return [outer for outer, _ in self.graph.capture_list]

    @property
    def variables(self):
        """Variables the graph reads or assigns."""
        seen, out = set(), []
        for op in self.graph.operations:
            var = op.attrs.get("var")
            if var is not None and id(var) not in seen and hasattr(var, "_ag_read"):
                seen.add(id(var))
                out.append(var)
        return out

    def pretty_signature(self):
        """`name(x: float32 (2,), n: 3) -> float32 (2,)`: the arguments this trace is for."""
        args = ", ".join("%s: %s" % (n, t)
                         for n, (t, _, _) in summaries(self._part, self._shapes).items())
        outs = nest.map_structure(_Text.of, self.structured_outputs) \
            if self.structured_outputs is not None else None
        return "%s(%s) -> %r" % (self._function._name, args, outs)

    def __repr__(self):
        return "<ag.ConcreteFunction %s>" % self.pretty_signature()

    def __call__(self, *args, **kwargs):
        _, entries, _ = self._function._arguments(args, kwargs, count=True)
        part, shapes, leaves = encode_entries(entries)
        if part != self._part or not all(map(dims_compatible, self._shapes, shapes)):
            diffs = differences(summaries(self._part, self._shapes),
                                 summaries(part, shapes))
            raise TypeError("concrete function %s was traced for other arguments (traced -> "
                            "given): %s" % (self.pretty_signature(),
                                            "; ".join(diffs) or "incompatible shapes"))
        return self._call_leaves(leaves)

    # -- running ----------------------------------------------------------------------------
    def _call_leaves(self, leaves):
        graph = _ctx.graph
        if graph is None:
            for x in leaves:
                if type(x) is Tensor:
                    graph = x.op.graph
                    break
        if graph is not None:
            return self._call_in_graph(leaves, graph)
        if self.graph.capture_list:
            raise ValueError(
                "ag.function '%s' was traced inside graph %r and uses its tensors (%s); call it"
                " while building that graph" % (self._function._name, self.graph.outer.name,
                                                ", ".join(t.name for t in self.captured_inputs)))
        if registry.eager_observers:       # a gradient tape is recording: let it see each op
            values = [x if type(x) is EagerTensor else EagerTensor(*to_numpy(x)) for x in leaves]
            return self._pack(interpret(self.graph, values), {})
        values = [x._value if type(x) is EagerTensor else x for x in leaves]
        return self._run(values)

    def _run(self, values):
        try:
            out = self._plan(*values)
        except Exception as e:  # noqa: BLE001 - re-raised naming the op and user line
            raise_located(e)
        if not self._checked:
            self._check_outputs(out)
        return self._builder()(out)

    def _check_outputs(self, out):
        for v, d in zip(out, self._out_dtypes):
            if d is VARIANT:
                continue
            if not (type(v) is np.ndarray or isinstance(v, np.generic)) or v.dtype != d.np_dtype:
                self._safe = True
                self._fast_build = None
        self._checked = True

    def _builder(self):
        """A function from the plan's output tuple to the user-facing (eager) result."""
        build = self._fast_build
        if build is not None:
            return build
        wrap = registry.wrap if self._safe else EagerTensor
        dts = self._out_dtypes
        lp = self._leaf_plan
        structure = self.structured_outputs
        if len(lp) == 1 and lp[0] == 0 and type(structure) is Tensor:
            d = dts[0]

            def build(out):
                return wrap(out[0], d)
        elif structure is None:
            def build(out):
                return None
        else:
            build = _compile_builder(structure, lp, wrap, dts)
            if build is None:
                def build(out):
                    flat = [wrap(out[m], dts[m]) if type(m) is int else
                            (None if type(m) is OpLeaf else m.value) for m in lp]
                    return nest.pack_sequence_as(structure, flat)
        self._fast_build = build
        return build

    def _pack(self, outputs, ops):
        """The result structure from output tensors (graph or eager); `ops` maps the traced
        graph's operations returned by the function to their counterparts (None eagerly)."""
        flat = [outputs[m] if type(m) is int else
                (ops.get(m.op) if type(m) is OpLeaf else m.value) for m in self._leaf_plan]
        return nest.pack_sequence_as(self.structured_outputs, flat)

    def _call_in_graph(self, leaves, graph):
        if self.graph.capture_list and self.graph.outer is not graph:
            raise ValueError("ag.function '%s' was traced inside another graph (%r) and uses its "
                             "tensors" % (self._function._name, self.graph.outer.name))
        if graph.outer is None and not graph.is_function:
            # A user's graph, run by a Session: one op that runs the whole function.
            opdef = STATEFUL_CALL if self._stateful else CALL
            result = graph.create_op(opdef, list(leaves) + self.captured_inputs,
                                     {"function": self}, name=self.name)
            if isinstance(result, Operation):
                if self.structured_outputs is None:
                    return result        # nothing returned: the op, so a Session can run it
                op, result = result, ()
            else:
                op = result[0].op
            return self._pack(result, _AllOps(op))
        return self._inline(leaves, graph)

    def _inline(self, leaves, graph):
        """Copies the traced ops into `graph` (being built), inputs mapped to `leaves`."""
        sub = self.graph
        mapping = {}
        for ph, x in zip(sub.inputs, leaves):
            if type(x) is Tensor:
                mapping[ph] = x if x.op.graph is graph else graph.capture(x)
            else:
                mapping[ph] = graph.constant(x._value if type(x) is EagerTensor else x)
        for outer, inner in sub.capture_list:
            mapping[inner] = outer if outer.op.graph is graph else graph.capture(outer)
        ops = {}
        with graph.name_scope(self.name):
            for op in sub.operations:
                if op.outputs and all(t in mapping for t in op.outputs):
                    continue
                res = graph.create_op(op.opdef, [mapping[t] for t in op.inputs],
                                      dict(op.attrs), name=op.name, source=op.source)
                if isinstance(res, Operation):
                    ops[op] = res
                    continue
                outs = res if isinstance(res, tuple) else (res,)
                ops[op] = outs[0].op
                mapping.update(zip(op.outputs, outs))
        return self._pack([mapping[t] for t in sub.outputs], ops)


class _Text(str):
    """Shows as its text in reprs of structures."""

    __repr__ = str.__str__

    @classmethod
    def of(cls, x):
        if isinstance(x, Tensor):
            return cls("%s %s" % (x.dtype.name, x.shape))
        return x


class _AllOps(dict):
    """Maps every operation to one (the call op)."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def get(self, key, default=None):
        return self.op


class OpLeaf:
    """An output leaf that was an operation of the traced graph (None when run eagerly)."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op


class Const:
    """An output leaf returned as it is (a Python value, eager tensor, variable, ...)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value



def _compile_builder(structure, leaf_plan, wrap, out_dtypes):
    """`build(out)` -> the result structure, as generated code (`(W(out[0], D0), [...])`), for
    structures of plain lists and tuples; None for others (dicts, namedtuples, composites),
    which `nest.pack_sequence_as` handles."""
    env = {"W": wrap}
    plan = iter(leaf_plan)

    def expr(x):
        t = type(x)
        if t is list or t is tuple:
            items = [expr(v) for v in x]
            if None in items:
                return None
            if t is list:
                return "[%s]" % ", ".join(items)
            return "(%s)" % "".join(i + ", " for i in items)
        if isinstance(x, (list, tuple, dict)) or hasattr(x, "_ag_flatten"):
            return None
        m = next(plan)
        if type(m) is int:
            env["D%d" % m] = out_dtypes[m]
            return "W(out[%d], D%d)" % (m, m)
        if type(m) is OpLeaf:
            return "None"
        name = "C%d" % len(env)
        env[name] = m.value
        return name
    body = expr(structure)
    if body is None or next(plan, None) is not None:
        return None
    exec(compile("def build(out):\n    return %s\n" % body, "<autograph output builder>",
                 "exec"), env)
    return env["build"]


def structure_leaves(out, tensors, leaf_plan):
    return [tensors[m] if type(m) is int else (m.op if type(m) is OpLeaf else m.value)
            for m in leaf_plan]
