"""`ag.function`: trace a Python function into a graph once per input signature, then run it.

    @ag.function
    def f(x, n):
        return x * n

Calling `f` builds a cache key from its arguments (tensors and numpy arrays by shape and dtype,
Python values by value, other objects by identity), traces the (AutoGraph-converted) function on
placeholders into a fresh `Graph` for a new key, compiles that graph once into a plan (stateful
ops included, in program order) and runs the plan. A repeated key only runs the plan: the common
case (flat tensor or scalar arguments, eager mode) costs one small tuple, one dict lookup and the
plan call.

Called while another graph is being built, a function adds its traced work to that graph:
inside another trace (or a cond/while body) its ops are copied in place, so they run in program
order and gradients flow through them; under a user's `with ag.Graph().as_default():` it
becomes one `function_call` op running the compiled plan, so a Session that runs the call runs
all of its side effects. While a GradientTape records eagerly, the traced graph is run op by op
so the tape sees every op (variable reads included).

Retracing is explained: each new trace of an existing function logs (logger "autograph", level
INFO) which argument changed and how, and frequent retracing warns once with the remedy. The
explanation compares the new arguments with a few traces only (the latest one with the same
structure and Python values, and the most recent ones) and is built only when it is logged or
warned about, so a trace costs the same however many came before it.

A function keeps at most `max_traces` traces (DEFAULT_MAX_TRACES unless given): beyond that the
least recently used trace is dropped (its graph and plan are freed; it is traced again if its
arguments come back) and a RetracingWarning says so once.
"""
import collections
import enum
import inspect
import itertools
import logging
import operator
import os
import struct
import sys
import threading
import types
import warnings
import weakref

import numpy as np

from autograph import trace_leaks
from autograph.runtime import context, dtypes, executor, nest, registry
from autograph.runtime.call_op import CALL, STATEFUL_CALL
from autograph.runtime.graph import Graph, Operation
from autograph.runtime.interpreter import interpret
from autograph.runtime.ops import core_ops
from autograph.runtime.shapes import TensorShape, as_shape
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy
from autograph.runtime.tensor_array import stack_lowered

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec", "RetracingWarning"]

logger = logging.getLogger("autograph")

# Tracing runs user code and builds graphs; one re-entrant lock for every function keeps the
# caches consistent and cannot deadlock when traced functions call each other from threads.
_TRACE_LOCK = threading.RLock()
_ctx = context.ctx
_VARIANT = dtypes.variant
_NP_TO_DTYPE = {d.np_dtype: d for d in dtypes.ALL}
_FAST_CACHE_LIMIT = 1024
_RETRACE_WINDOW = 10      # calls
_RETRACE_LIMIT = 5        # traces within the window that trigger the warning
DEFAULT_MAX_TRACES = 256  # traces kept per function (`max_traces`); least recently used go
_EXPLAIN_WINDOW = 8       # recent traces a retrace explanation compares with
_ALIAS_LIMIT = 64         # extra cache keys per trace (exact shapes a general trace serves)
_last_use = operator.attrgetter("_used")
_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class RetracingWarning(UserWarning):
    """An `ag.function` is traced again and again (see the message for the cause and remedy)."""


# -- TensorSpec -------------------------------------------------------------------------------
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


# -- cache keys -------------------------------------------------------------------------------
# An argument is encoded into a hashable "structure part" and a list of tensor shapes:
#   tensor leaf -> ("T", dtype)            and its dims go to `shapes`
#   Python value -> ("V", type, value)     (a new value retraces, as in TensorFlow)
#   other object -> ("O", _IdKey(obj))     (identity; weakly referenced when possible)
#   list/tuple/namedtuple/dict -> (type, children)   (dict children sorted by key)
# Keeping shapes apart lets the cache find a trace with compatible (more general) shapes.
_T, _V, _O = "T", "V", "O"
_VALUE_TYPES = frozenset([bool, int, float, complex, str, bytes, type(None), type(Ellipsis),
                          frozenset, range, np.dtype, dtypes.DType])


class _IdKey:
    """Identity of an object in a cache key, without keeping it alive when weakly referable."""

    __slots__ = ("_ref", "_strong", "_id", "type_name")

    def __init__(self, obj):
        self._id = id(obj)
        self.type_name = type(obj).__name__
        try:
            self._ref = weakref.ref(obj)
            self._strong = None
        except TypeError:            # not weakly referable: keep it alive so its id stays unique
            self._ref = None
            self._strong = obj

    def get(self):
        return self._strong if self._ref is None else self._ref()

    def __hash__(self):
        return self._id

    def __eq__(self, other):
        if type(other) is not _IdKey or other._id != self._id:
            return False
        obj = self.get()
        return obj is not None and obj is other.get()


class _FloatKey:
    """A Python float (or complex) in a cache key, compared by its bit pattern: `0.0` and
    `-0.0` are different keys (copysign tells them apart) and a NaN equals itself, so it hits
    the cache instead of retracing on every call."""

    __slots__ = ("value", "_bits")

    def __init__(self, value):
        self.value = value
        if type(value) is complex:
            self._bits = struct.pack("<dd", value.real, value.imag)
        else:
            self._bits = struct.pack("<d", value)

    def __hash__(self):
        return hash(self._bits)

    def __eq__(self, other):
        return type(other) is _FloatKey and other._bits == self._bits

    def __repr__(self):
        return repr(self.value)


def _fast_float(a):
    """A float's part of a fast-path key: itself, or its bit pattern for zeros and NaNs
    (which `==` cannot tell apart or match)."""
    return a if a and a == a else ("bits", struct.pack("<d", a))


def _tensor_dtype(x):
    """The DType if `x` is a tensor leaf of a cache key (tensor, spec, numpy value), else None."""
    t = type(x)
    if t is EagerTensor:
        return None if x._dtype is _VARIANT else x._dtype
    if t is Tensor or t is TensorSpec:
        return x._dtype
    if t is np.ndarray or isinstance(x, np.generic):
        return _NP_TO_DTYPE.get(x.dtype)
    return None


def _leaf_dims(x):
    t = type(x)
    if t is Tensor or t is TensorSpec:
        return x._shape.dims
    if t is EagerTensor:
        return np.shape(x._value)
    return x.shape


def _encode(x, shapes, leaves):
    d = _tensor_dtype(x)
    if d is not None:
        shapes.append(_leaf_dims(x))
        leaves.append(x)
        return (_T, d)
    t = type(x)
    if t is float or t is complex:
        return (_V, t, _FloatKey(x))
    if t in _VALUE_TYPES or isinstance(x, enum.Enum):
        return (_V, t, x)
    if t is list or t is tuple or nest.is_namedtuple(x):
        return (t, tuple(_encode(v, shapes, leaves) for v in x))
    if isinstance(x, dict):
        return (t, tuple((k, _encode(x[k], shapes, leaves)) for k in nest._sorted_keys(x)))
    return (_O, _IdKey(x))


def _replace_leaves(x, it):
    """`x` with its tensor leaves replaced, in `_encode` order, by values from `it`."""
    if _tensor_dtype(x) is not None:
        return next(it)
    t = type(x)
    if t is list:
        return [_replace_leaves(v, it) for v in x]
    if t is tuple:
        return tuple(_replace_leaves(v, it) for v in x)
    if nest.is_namedtuple(x):
        return t(*[_replace_leaves(v, it) for v in x])
    if isinstance(x, dict) and t not in _VALUE_TYPES:
        new = {k: _replace_leaves(x[k], it) for k in nest._sorted_keys(x)}
        try:
            return t((k, new[k]) for k in x)
        except TypeError:            # e.g. defaultdict: fall back to a plain dict
            return {k: new[k] for k in x}
    return x


def _encode_entries(entries):
    """(structure part, shapes, tensor leaves) for canonical (name, value) entries."""
    shapes, leaves = [], []
    part = tuple((name, _encode(value, shapes, leaves)) for name, value in entries)
    return part, tuple(shapes), leaves


def _dims_compatible(general, dims):
    if general is None:
        return True
    if dims is None or len(general) != len(dims):
        return False
    for g, d in zip(general, dims):
        if g is not None and g != d:
            return False
    return True


def _specificity(shapes):
    return sum(-1 if s is None else sum(d is not None for d in s) for s in shapes)


def _relax(old, new):
    return tuple(TensorShape(a).most_specific_compatible(TensorShape(b)).dims
                 for a, b in zip(old, new))


def _shape_text(dims):
    return str(TensorShape(dims))


def _check_max_traces(value):
    if value is None:
        return DEFAULT_MAX_TRACES
    if type(value) is not int:
        raise TypeError("ag.function: max_traces must be a positive int, got %r" % (value,))
    if value < 1:
        raise ValueError("ag.function: max_traces must be at least 1, got %d" % value)
    return value


# -- explaining retraces ----------------------------------------------------------------------
def _summaries(part, shapes):
    """name -> (text, [(path, leaf)], skeleton); a leaf is ("tensor", dtype, dims),
    ("value", type, value) or ("object", id key, type name)."""
    it = iter(shapes)
    out = collections.OrderedDict()
    for name, enc in part:
        leaves = []
        text = _walk(enc, name, it, leaves)
        out[name] = (text, leaves, _skeleton(enc))
    return out


def _walk(enc, path, shapes, leaves):
    tag = enc[0]
    if tag == _T:
        dims = next(shapes)
        leaves.append((path, ("tensor", enc[1], dims)))
        return "%s %s" % (enc[1].name, _shape_text(dims))
    if tag == _V:
        leaves.append((path, ("value", enc[1], enc[2])))
        return repr(enc[2])
    if tag == _O:
        leaves.append((path, ("object", enc[1], enc[1].type_name)))
        return "<%s>" % enc[1].type_name
    if issubclass(tag, tuple) and hasattr(tag, "_fields"):
        inner = [_walk(e, "%s.%s" % (path, f), shapes, leaves)
                 for f, e in zip(tag._fields, enc[1])]
        return "%s(%s)" % (tag.__name__, ", ".join(inner))
    if issubclass(tag, (list, tuple)):
        inner = [_walk(e, "%s[%d]" % (path, i), shapes, leaves) for i, e in enumerate(enc[1])]
        if tag is tuple:
            return "(%s,)" % inner[0] if len(inner) == 1 else "(%s)" % ", ".join(inner)
        return "[%s]" % ", ".join(inner)
    inner = ["%r: %s" % (k, _walk(e, "%s[%r]" % (path, k), shapes, leaves)) for k, e in enc[1]]
    return "{%s}" % ", ".join(inner)


def _leaf_text(leaf):
    kind = leaf[0]
    if kind == "tensor":
        return "%s tensor of shape %s" % (leaf[1].name, _shape_text(leaf[2]))
    if kind == "value":
        return "None" if leaf[2] is None else "python %s %r" % (leaf[1].__name__, leaf[2])
    return "an object of type %s" % leaf[2]


def _leaf_change(a, b):
    if a[0] == b[0] == "tensor":
        parts = []
        if a[1] is not b[1]:
            parts.append("dtype %s -> %s" % (a[1].name, b[1].name))
        if a[2] != b[2]:
            parts.append("shape %s -> %s" % (_shape_text(a[2]), _shape_text(b[2])))
        return ", ".join(parts)
    if a[0] == b[0] == "value":
        if a[1] is b[1]:
            return "python value %r -> %r" % (a[2], b[2])
        return "python value %r (%s) -> %r (%s)" % (a[2], a[1].__name__, b[2], b[1].__name__)
    if a[0] == b[0] == "object":
        return "a different object of type %s (objects are compared by identity)" % b[2]
    return "%s -> %s" % (_leaf_text(a), _leaf_text(b))


def _differences(old, new):
    """Readable differences between two `_summaries`, e.g. ['x: shape (2,) -> (3,)']."""
    out = []
    for name, (text, leaves, skeleton) in new.items():
        if name not in old:
            out.append("%s: not passed -> %s" % (name, text))
            continue
        old_text, old_leaves, old_skeleton = old[name]
        if old_skeleton != skeleton:
            out.append("%s: structure %s -> %s" % (name, old_text, text))
            continue
        for (path, a), (_, b) in zip(old_leaves, leaves):
            if a != b:
                out.append("%s: %s" % (path, _leaf_change(a, b)))
    for name, (text, _, _) in old.items():
        if name not in new:
            out.append("%s: %s -> not passed" % (name, text))
    return out


def _skeleton(enc):
    """The containers of an encoded argument, leaves reduced to their kind."""
    tag = enc[0]
    if isinstance(tag, str):
        return "*"
    if issubclass(tag, dict):
        return (tag, tuple((k, _skeleton(e)) for k, e in enc[1]))
    return (tag, tuple(_skeleton(e) for e in enc[1]))


def _remedies(diffs):
    text = " ".join(diffs)
    out = []
    if "python value" in text:
        out.append("pass numbers that change as tensors (e.g. ag.constant(n)) rather than "
                   "Python values, which are part of the trace key")
    if "shape" in text:
        out.append("for tensors whose shape changes, use ag.function(..., "
                   "reduce_retracing=True) or an input_signature with None dimensions")
    if "dtype" in text:
        out.append("keep each argument's dtype the same from call to call")
    if "object" in text:
        out.append("pass the same object each call (other objects are compared by identity)")
    out.append("create the ag.function once, outside loops and frequently called functions")
    return out


def _user_stacklevel():
    """warnings.warn stacklevel pointing at the first frame outside the autograph package."""
    f = sys._getframe(1)
    level = 1
    while f is not None:
        name = f.f_code.co_filename
        if not name.startswith(_PKG_DIR) and not name.startswith("<autograph"):
            return level
        f = f.f_back
        level += 1
    return 1


# -- running a trace inside another graph, or under a gradient tape ---------------------------
# Inside another trace (or a cond/while body) the traced ops are copied into the graph being
# built: that graph's plan then runs them in program order, and gradients flow through them
# like through any op. Under a user's root Graph (run by a Session, which only runs what its
# fetches need) the function becomes one `function_call` op (runtime/call_op.py), so all of
# its side effects run whenever the call runs, as a function call should.


def _raise_located(exc):
    """Re-raises an exception from a plan as the runtime's error naming the op and user line."""
    err = executor.run_error(exc)
    if err is exc:
        raise exc
    raise err.with_traceback(None) from exc


def _created_variables(graph):
    found = list(graph.variables)
    for op in graph.operations:
        for value in op.attrs.values():
            if isinstance(value, Graph):
                found.extend(_created_variables(value))
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
        return tuple((name, _decode(enc, it, name)) for name, enc in self._part)

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
                         for n, (t, _, _) in _summaries(self._part, self._shapes).items())
        outs = nest.map_structure(_Text.of, self.structured_outputs) \
            if self.structured_outputs is not None else None
        return "%s(%s) -> %r" % (self._function._name, args, outs)

    def __repr__(self):
        return "<ag.ConcreteFunction %s>" % self.pretty_signature()

    def __call__(self, *args, **kwargs):
        fn = self._function
        fn._ncalls += 1
        entries, _ = fn._canonicalize(args, kwargs)
        if fn.input_signature is not None:
            _, entries = fn._apply_signature(entries)
        part, shapes, leaves = _encode_entries(entries)
        if part != self._part or not all(map(_dims_compatible, self._shapes, shapes)):
            diffs = _differences(_summaries(self._part, self._shapes),
                                 _summaries(part, shapes))
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
            _raise_located(e)
        if not self._checked:
            self._check_outputs(out)
        return self._builder()(out)

    def _check_outputs(self, out):
        for v, d in zip(out, self._out_dtypes):
            if d is _VARIANT:
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
        wrap = registry._wrap if self._safe else EagerTensor
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
                            (None if type(m) is _OpLeaf else m.value) for m in lp]
                    return nest.pack_sequence_as(structure, flat)
        self._fast_build = build
        return build

    def _pack(self, outputs, ops):
        """The result structure from output tensors (graph or eager); `ops` maps the traced
        graph's operations returned by the function to their counterparts (None eagerly)."""
        flat = [outputs[m] if type(m) is int else
                (ops.get(m.op) if type(m) is _OpLeaf else m.value) for m in self._leaf_plan]
        return nest.pack_sequence_as(self.structured_outputs, flat)

    def _call_in_graph(self, leaves, graph):
        if self.graph.capture_list and self.graph.outer is not graph:
            raise ValueError("ag.function '%s' was traced inside another graph (%r) and uses its "
                             "tensors" % (self._function._name, self.graph.outer.name))
        if graph.outer is None and not getattr(graph, "_ag_traced", False):
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


class _OpLeaf:
    """An output leaf that was an operation of the traced graph (None when run eagerly)."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op


class _Const:
    """An output leaf returned as it is (a Python value, eager tensor, variable, ...)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


# -- Function ---------------------------------------------------------------------------------
class Function:
    """A Python function traced into graphs, one per input signature. Use `ag.function`.

    Attributes:
      python_function: the original Python function.
      input_signature: the list of TensorSpec structures, or None.
      trace_count: how many times it has been traced.
    """

    _ag_is_function = True      # tells autograph's converted_call to call it as it is

    def __init__(self, python_function, name=None, input_signature=None, autograph=True,
                 reduce_retracing=False, max_traces=None, _parent=None, _instance=None):
        if not callable(python_function):
            raise TypeError("ag.function expects a callable, got %r" % (python_function,))
        self.python_function = python_function
        self._name = name or getattr(python_function, "__name__", None) or \
            type(python_function).__name__
        self.input_signature = _check_signature(input_signature)
        self._autograph = autograph
        self._reduce_retracing = reduce_retracing
        self._max_traces = _check_max_traces(max_traces)
        self._parent = _parent
        self._instance_ref = None
        if _instance is not None:
            try:
                self._instance_ref = weakref.ref(_instance)
            except TypeError:
                self._instance_ref = lambda: _instance
        self._sig = _parent._sig if _parent is not None else _signature(python_function)
        self._converted = None
        self._cache = {}            # (scope, part, shapes) -> ConcreteFunction
        self._fast = {}             # flat positional key -> (plan, builder, order, concrete)
        self._fast_keys = {}        # kept trace -> its keys in _fast
        self._concretes = {}        # kept traces (at most max_traces) -> None, in trace order
        self._keys = {}             # kept trace -> its keys in _cache
        self._by_part = {}          # structure part -> kept traces with it, in trace order
        self._general = {}          # structure part -> kept traces with None dims
        self._recent = collections.deque(maxlen=_EXPLAIN_WINDOW)   # latest kept traces
        self._dependents = {}       # id of an identity-keyed object -> set of traces using it
        self._watch = {}
        self._limit_warned = False
        self._bound = {}            # id(instance) -> Function bound to it (descriptor)
        self._trace_count = 0
        self._tracing = 0           # traces in progress (a recursive function traces inside)
        self._ncalls = 0
        self._trace_calls = collections.deque(maxlen=_RETRACE_LIMIT)
        self._warned = False
        for attr in ("__module__", "__qualname__", "__doc__"):
            try:
                setattr(self, attr, getattr(python_function, attr))
            except AttributeError:
                pass
        self.__name__ = self._name
        self.__wrapped__ = python_function
        self._method = _no_method     # the live BoundMethod of a per-instance Function

    # -- public ---------------------------------------------------------------------------
    @property
    def trace_count(self):
        """The number of traces so far (each one ran the Python function on placeholders)."""
        return self._trace_count

    def experimental_get_tracing_count(self):
        return self._trace_count

    @property
    def concrete_functions(self):
        """The traces kept (at most `max_traces`), oldest first."""
        return list(self._concretes)

    @property
    def max_traces(self):
        """How many traces this function keeps; the least recently used one goes beyond."""
        return self._max_traces

    def get_concrete_function(self, *args, **kwargs):
        """The trace for these arguments (TensorSpecs, tensors or values), tracing if needed.

        With an input_signature and no arguments, the trace for the signature.

        Returns:
          a ConcreteFunction with `.graph`, `.inputs`, `.outputs`; callable.
        Raises:
          TypeError: the arguments do not match the input_signature.
        """
        if self.input_signature is not None and not args and not kwargs:
            args = tuple(self.input_signature)
        entries, rebuild = self._canonicalize(args, kwargs)
        key_entries = entries
        if self.input_signature is not None:
            key_entries, entries = self._apply_signature(entries, allow_specs=True)
        part, shapes, _ = _encode_entries(key_entries)
        return self._get_or_trace(part, shapes, key_entries, rebuild, _ctx.graph, counted=False)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        bound = self._bound.get(id(instance))
        if bound is None or bound._instance_ref() is not instance:
            bound = self._bind(instance)
        method = bound._method()
        if method is None:
            method = BoundMethod(bound, instance)
            bound._method = weakref.ref(method)
        return method

    def __repr__(self):
        return "<ag.function %s (%d trace%s)>" % (self._name, self._trace_count,
                                                  "" if self._trace_count == 1 else "s")

    def __call__(self, *args, **kwargs):
        self._ncalls += 1
        if _ctx.graph is None and not registry.eager_observers:
            # Fast path: tensor / scalar arguments, a trace already made for this key.
            key = []
            vals = []
            try:
                for a in args:
                    t = type(a)
                    if t is EagerTensor:
                        v = a._value
                        key.append(v.shape)
                        key.append(a._dtype)
                        vals.append(v)
                    elif t is float:
                        key.append(t)
                        key.append(_fast_float(a))
                    elif t is int or t is bool or t is str or a is None:
                        key.append(t)
                        key.append(a)
                    elif t is np.ndarray:
                        key.append(a.shape)
                        key.append(_NP_TO_DTYPE[a.dtype])
                        vals.append(a)
                    elif (t is list or t is tuple) and _fast_leaf(a, key, vals):
                        pass
                    else:
                        break
                else:
                    if not kwargs or _fast_kwargs(kwargs, key, vals):
                        entry = self._fast.get(tuple(key))
                        if entry is not None:
                            plan, build, order, concrete = entry
                            concrete._used = self._ncalls
                            if order is not None:
                                vals = [vals[i] for i in order]
                            try:
                                out = plan(*vals)
                            except Exception as e:  # noqa: BLE001 - re-raised with location
                                _raise_located(e)
                            return build(out)
            except (AttributeError, KeyError):      # variant tensors, unsupported numpy dtypes
                pass
        return self._call_slow(args, kwargs)

    # -- calling --------------------------------------------------------------------------
    def _call_slow(self, args, kwargs):
        entries, rebuild = self._canonicalize(args, kwargs)
        key_entries = entries
        if self.input_signature is not None:
            key_entries, entries = self._apply_signature(entries)
        part, shapes, _ = _encode_entries(key_entries)
        leaves = []
        for _, value in entries:
            _encode(value, [], leaves)
        graph = _ctx.graph
        if graph is None:
            for x in leaves:
                if type(x) is Tensor:
                    graph = x.op.graph
                    break
        for x in leaves:
            if type(x) is TensorSpec:
                raise TypeError("ag.function '%s' was called with %r; TensorSpecs describe "
                                "arguments for get_concrete_function, call it with tensors"
                                % (self._name, x))
        concrete = self._get_or_trace(part, shapes, key_entries, rebuild, graph)
        result = concrete._call_leaves(leaves)
        if graph is None and concrete._scope is None and not registry.eager_observers:
            self._remember_fast(args, kwargs, concrete)
        return result

    def _remember_fast(self, args, kwargs, concrete):
        """Lets later calls with this pattern of arguments take the fast path in __call__."""
        key, vals, markers = [], [], []

        def slot(a):
            # A fresh tensor object per argument shows where canonicalisation puts it.
            t = type(a)
            if t is list or t is tuple:
                key.append((t, len(a)))
                items = [slot(v) for v in a]
                if any(v is _NOT_FAST for v in items):
                    return _NOT_FAST
                return items if t is list else tuple(items)
            n = len(vals)
            if not _fast_leaf(a, key, vals):
                return _NOT_FAST
            if len(vals) == n:
                return a                        # a Python value
            m = EagerTensor(a._value, a._dtype) if type(a) is EagerTensor else a.view()
            markers.append(m)
            return m
        new_args = [slot(a) for a in args]
        new_kwargs = {}
        for k, a in kwargs.items():
            key.append(k)
            new_kwargs[k] = slot(a)
        if any(a is _NOT_FAST for a in new_args) or \
                any(a is _NOT_FAST for a in new_kwargs.values()):
            return
        entries, _ = self._canonicalize(new_args, new_kwargs)
        if self.input_signature is not None:
            _, entries = self._apply_signature(entries)
        leaves = []
        for _, value in entries:
            _encode(value, [], leaves)
        # The plan's inputs must be exactly these arguments (no tensor defaults, no values
        # converted by an input_signature), possibly in another order.
        where = {id(m): i for i, m in enumerate(markers)}
        order = [where.get(id(x)) for x in leaves]
        if None in order or len(order) != len(markers):
            return
        if order == list(range(len(order))):
            order = None
        if len(self._fast) >= _FAST_CACHE_LIMIT:
            self._fast.clear()
            self._fast_keys.clear()
        if concrete in self._concretes:       # not dropped (max_traces) meanwhile
            key = tuple(key)
            self._fast[key] = (concrete._plan, concrete._builder(), order, concrete)
            self._fast_keys.setdefault(concrete, []).append(key)

    def _canonicalize(self, args, kwargs):
        """(entries, rebuild): [(argument name, value)] in parameter order, defaults applied,
        and `rebuild(values)` -> (args, kwargs) to call the Python function with."""
        instance = None
        if self._instance_ref is not None:
            instance = self._instance_ref()
            if instance is None:
                raise ReferenceError("the object that ag.function method '%s' is bound to no "
                                     "longer exists" % self._name)
            args = (instance,) + tuple(args)
        sig = self._sig
        if sig is None:
            entries = [("args[%d]" % i, v) for i, v in enumerate(args)]
            entries += [(k, kwargs[k]) for k in sorted(kwargs)]
            skip = 1 if instance is not None else 0
            n = len(args)

            def rebuild(values):
                values = list(values)
                pos = list(args[:skip]) + values[:n - skip]
                return pos, dict(zip(sorted(kwargs), values[n - skip:]))
            return entries[skip:], rebuild
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError("%s(): %s" % (self._name, e)) from None
        bound.apply_defaults()
        params = sig.parameters
        entries, slots = [], []
        for i, (pname, value) in enumerate(bound.arguments.items()):
            if i == 0 and instance is not None:
                continue
            kind = params[pname].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                for j, v in enumerate(value):
                    entries.append(("%s[%d]" % (pname, j), v))
                    slots.append((pname, j))
            elif kind is inspect.Parameter.VAR_KEYWORD:
                for k in sorted(value):
                    entries.append((k, value[k]))
                    slots.append((pname, k))
            else:
                entries.append((pname, value))
                slots.append((pname, None))
        arguments = bound.arguments

        def rebuild(values):
            new = {}
            for pname, value in arguments.items():
                kind = params[pname].kind
                if kind is inspect.Parameter.VAR_POSITIONAL:
                    value = list(value)
                elif kind is inspect.Parameter.VAR_KEYWORD:
                    value = dict(value)
                new[pname] = value
            for (pname, sub), v in zip(slots, values):
                if sub is None:
                    new[pname] = v
                else:
                    new[pname][sub] = v
            for pname, value in new.items():
                if params[pname].kind is inspect.Parameter.VAR_POSITIONAL:
                    new[pname] = tuple(value)
            b = inspect.BoundArguments(sig, new)
            return b.args, b.kwargs
        return entries, rebuild

    def _apply_signature(self, entries, allow_specs=False):
        """Checks and converts arguments against input_signature.

        Returns (key entries with the signature's specs, entries with converted values).
        """
        sig = self.input_signature
        if len(entries) < len(sig):
            raise TypeError("%s(): its input_signature has %d spec(s) but only %d argument(s) "
                            "can take them" % (self._name, len(sig), len(entries)))
        key_entries, value_entries = [], []
        for i, (name, value) in enumerate(entries):
            if i < len(sig):
                converted = _conform(self._name, name, sig[i], value, allow_specs)
                key_entries.append((name, sig[i]))
                value_entries.append((name, converted))
            else:
                if _has_tensor_leaf(value):
                    raise TypeError(
                        "%s(): argument '%s' is a tensor but the input_signature covers only "
                        "the first %d argument(s); add a TensorSpec for it" % (self._name, name,
                                                                               len(sig)))
                key_entries.append((name, value))
                value_entries.append((name, value))
        return key_entries, value_entries

    # -- tracing --------------------------------------------------------------------------
    def _lookup(self, part, shapes, graph):
        cache = self._cache
        c = cache.get((None, part, shapes))
        if c is None and graph is not None:
            c = cache.get((graph, part, shapes))
        if c is not None:
            return c
        # A trace for more general shapes (reduce_retracing, get_concrete_function with None
        # dims, input signatures) also fits: only those of the same structure part are looked
        # at, so the cost does not grow with the number of traces.
        best = None
        for c in self._general.get(part, ()):
            if (c._scope is None or c._scope is graph) and \
                    all(map(_dims_compatible, c._shapes, shapes)):
                if best is None or _specificity(c._shapes) > _specificity(best._shapes):
                    best = c
        if best is not None:
            keys = self._keys.get(best)
            if keys is not None and len(keys) < _ALIAS_LIMIT:
                key = (best._scope, part, shapes)
                cache[key] = best
                keys.append(key)
        return best

    def _get_or_trace(self, part, shapes, entries, rebuild, graph, counted=True):
        c = self._lookup(part, shapes, graph)
        if c is not None:
            c._used = self._ncalls
            return c
        with _TRACE_LOCK:
            c = self._lookup(part, shapes, graph)
            if c is not None:
                c._used = self._ncalls
                return c
            return self._trace(part, shapes, entries, rebuild, graph, counted)

    def _trace(self, part, shapes, entries, rebuild, outer, counted):
        first = not self._trace_count and not self._tracing
        self._tracing += 1
        try:
            return self._trace_once(part, shapes, entries, rebuild, outer, counted, first)
        finally:
            self._tracing -= 1

    def _trace_once(self, part, shapes, entries, rebuild, outer, counted, first):
        exact = shapes
        if self._reduce_retracing:
            for c in reversed(self._by_part.get(part, ())):
                if c._scope is None or c._scope is outer:
                    shapes = _relax(c._shapes, shapes)
                    break
        diffs = None        # the explanation is built only when it is logged or needed
        if self._trace_count and logger.isEnabledFor(logging.INFO):
            diffs = self._explain(part, exact)
            msg = "ag.function '%s' is tracing again (trace %d): %s" % (
                self._name, self._trace_count + 1, "; ".join(diffs))
            if shapes != exact:
                msg += " (reduce_retracing: tracing with shapes %s)" % ", ".join(
                    _shape_text(s) for s in shapes)
            logger.info(msg)
        elif not self._trace_count and logger.isEnabledFor(logging.DEBUG):
            logger.debug("ag.function '%s': tracing for %s", self._name, ", ".join(
                "%s=%s" % (n, t) for n, (t, _, _) in _summaries(part, shapes).items()))

        graph = Graph(outer=outer, name=self._name)
        graph._ag_traced = True
        # Graph tensors the trace leaves in attributes/containers: an error, places restored.
        state = trace_leaks.Snapshot(self.python_function, self._instance_ref and
                                     self._instance_ref(), entries)
        with state.guard(graph), context.graph_scope(graph):
            placeholders = []
            leaves = []
            for _, value in entries:
                _encode(value, [], leaves)
            for path, leaf, dims in zip(_leaf_paths(part), leaves, shapes):
                dtype = _tensor_dtype(leaf)
                ph_name = getattr(leaf, "name", None) if type(leaf) is TensorSpec else None
                ph_name = ph_name or _op_name(path)
                placeholders.append(core_ops.placeholder(dtype, TensorShape(dims), name=ph_name))
            it = iter(placeholders)
            values = [_replace_leaves(v, it) for _, v in entries]
            args, kwargs = rebuild(values)
            out = self._callable()(*args, **kwargs)
            # A list its loops lowered to a TensorArray leaves the function stacked.
            out = stack_lowered(out)
            leaf_plan = []
            tensors = []
            for leaf in nest.flatten(out):
                if type(leaf) is Tensor:
                    if leaf.op.graph is not graph:
                        leaf = graph.capture(leaf)
                    leaf_plan.append(len(tensors))
                    tensors.append(leaf)
                elif isinstance(leaf, Operation):
                    leaf_plan.append(_OpLeaf(leaf))
                else:
                    leaf_plan.append(_Const(leaf))
        state.check(graph, self._name)
        created = _created_variables(graph)
        if created and not first:
            raise ValueError(
                "ag.function '%s' created variable(s) %s on its trace number %d (%s); an "
                "ag.function may create variables only on its first trace (as a layer builds "
                "its weights on the first call). Create them outside the function, or only "
                "once (e.g. `if self.v is None: self.v = ag.Variable(...)`)"
                % (self._name, ", ".join("'%s'" % v.name for v in created),
                   self._trace_count + 1,
                   "; ".join(diffs if diffs is not None else self._explain(part, exact))
                   or "a new input signature"))
        graph.inputs = placeholders + [inner for _, inner in graph.capture_list]
        graph.outputs = tensors
        scope = outer if graph.capture_list else None
        concrete = ConcreteFunction(self, graph, scope, part, shapes,
                                    nest.pack_sequence_as(out, _structure_leaves(out, tensors,
                                                                                 leaf_plan)),
                                    leaf_plan)
        self._trace_count += 1
        self._register(concrete, (scope, part, shapes), (scope, part, exact))
        if counted and self._tracing == 1:      # not a recursive call traced inside itself
            self._note_trace(diffs, concrete)
        return concrete

    def _explain(self, part, shapes, skip=None):
        """Differences between these arguments and the closest of a few earlier traces: the
        latest with the same structure part, and the most recent ones (a bounded number)."""
        same = self._by_part.get(part, [])
        candidates = same[-2:][::-1] + list(self._recent)[::-1]     # most recent first
        new = _summaries(part, shapes)
        diffs = None
        for c in candidates:
            if c is skip:
                continue
            d = _differences(_summaries(c._part, c._shapes), new)
            if diffs is None or len(d) < len(diffs):
                diffs = d
        if diffs is None:
            return ["the earlier traces are no longer kept"]
        return diffs or ["same arguments, called inside another graph whose tensors the "
                         "earlier trace captured"]

    def _register(self, concrete, key, exact_key):
        part = key[1]
        concrete._used = self._ncalls
        keys = [key]
        self._cache[key] = concrete
        if exact_key != key:
            self._cache[exact_key] = concrete
            keys.append(exact_key)
        self._keys[concrete] = keys
        self._concretes[concrete] = None
        self._by_part.setdefault(part, []).append(concrete)
        if any(dims is None or None in dims for dims in concrete._shapes):
            self._general.setdefault(part, []).append(concrete)
        self._recent.append(concrete)
        for _, enc in part:
            for idkey in _id_keys(enc):
                obj = idkey.get()
                if obj is None:
                    continue
                self._dependents.setdefault(idkey._id, set()).add(concrete)
                if idkey._ref is not None and idkey._id not in self._watch:
                    self._watch[idkey._id] = weakref.ref(obj, self._forget(idkey._id))
        if len(self._concretes) > self._max_traces:
            self._evict(concrete)

    def _evict(self, keep):
        """Drops the least recently used trace (not `keep`, the one just made)."""
        victim = min(self._concretes, key=_last_use)    # C-level scan of <= max_traces
        if victim is keep:
            victim = next((c for c in self._concretes if c is not keep), None)
            if victim is None:
                return
        self._drop(victim)
        if self._limit_warned:
            return
        self._limit_warned = True
        warnings.warn(
            "ag.function '%s' reached its limit of %d traces (max_traces): the least recently "
            "used trace was dropped, and it is traced again if its arguments come back. Pass "
            "ag.function(..., max_traces=N) to keep more, or trace less: %s."
            % (self._name, self._max_traces, "; ".join(_remedies(
                self._explain(keep._part, keep._shapes, skip=keep)))),
            RetracingWarning, stacklevel=_user_stacklevel())

    def _drop(self, c):
        """Forgets a kept trace: its cache keys, fast-path entries and indexes."""
        if c not in self._concretes:
            return
        del self._concretes[c]
        for key in self._keys.pop(c, ()):
            if self._cache.get(key) is c:
                del self._cache[key]
        for index in (self._by_part, self._general):
            same = index.get(c._part)
            if same is not None and c in same:
                same.remove(c)
                if not same:
                    del index[c._part]
        if c in self._recent:
            self._recent.remove(c)
        for key in self._fast_keys.pop(c, ()):
            entry = self._fast.get(key)
            if entry is not None and entry[3] is c:
                del self._fast[key]
        for _, enc in c._part:
            for idkey in _id_keys(enc):
                users = self._dependents.get(idkey._id)
                if users is not None:
                    users.discard(c)
                    if not users:
                        del self._dependents[idkey._id]
                        self._watch.pop(idkey._id, None)

    def _forget(self, obj_id):
        self_ref = weakref.ref(self)

        def on_dead(_):
            fn = self_ref()
            if fn is None:
                return
            fn._watch.pop(obj_id, None)
            for c in list(fn._dependents.pop(obj_id, ())):
                fn._drop(c)
        return on_dead

    def _note_trace(self, diffs, concrete):
        calls = self._trace_calls
        calls.append(self._ncalls)
        if self._warned or len(calls) < _RETRACE_LIMIT or \
                self._ncalls - calls[0] >= _RETRACE_WINDOW:
            return
        self._warned = True
        if diffs is None:
            diffs = self._explain(concrete._part, concrete._shapes, skip=concrete)
        warnings.warn(
            "ag.function '%s' was traced %d times in its last %d calls; each trace runs the "
            "Python function and builds a new graph, which is slow. The last retrace happened "
            "because %s. To avoid it: %s."
            % (self._name, len(calls), self._ncalls - calls[0] + 1,
               "; ".join(diffs or ["the arguments changed"]), "; ".join(_remedies(diffs or []))),
            RetracingWarning, stacklevel=_user_stacklevel())

    def _callable(self):
        if self._parent is not None:
            return self._parent._callable()
        fn = self._converted
        if fn is None:
            fn = self.python_function
            if self._autograph:
                fn = _convert(fn, self._name)
                if fn is None:            # the converter is not available (yet)
                    return self.python_function
            self._converted = fn
        return fn

    def _bind(self, instance):
        with _TRACE_LOCK:
            key = id(instance)
            bound = self._bound.get(key)
            if bound is not None and bound._instance_ref() is instance:
                return bound
            bound = Function(self.python_function, self._name, self.input_signature,
                             self._autograph, self._reduce_retracing, self._max_traces,
                             _parent=self, _instance=instance)
            self_ref = weakref.ref(self)

            def forget(_):
                fn = self_ref()
                if fn is not None and fn._bound.get(key) is bound:
                    del fn._bound[key]
            try:
                weakref.finalize(instance, forget, None)
            except TypeError:
                pass          # not weakly referable: the bound function lives with us
            self._bound[key] = bound
            return bound


def _no_method():
    return None


class BoundMethod:
    # `instance.method` for an ag.function defined in a class. Like a Python bound method it
    # keeps its instance alive, so `M(3).f(x)` and `bound = M(4).f; bound(x)` work. The traces
    # live in the per-instance Function it calls, which refers to the instance only weakly:
    # the class attribute never keeps instances alive, and the traces go with the instance.
    # Other attributes (trace_count, get_concrete_function, python_function, ...) are the
    # per-instance Function's.

    __slots__ = ("_function", "__self__", "__weakref__")
    _ag_is_function = True

    def __init__(self, function, instance):
        self._function = function
        self.__self__ = instance

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._function, name)

    def __repr__(self):
        return "<bound %r of %s>" % (self._function, _object_text(self.__self__))


def _object_text(obj):
    try:
        return "<%s object>" % type(obj).__name__
    except Exception:  # noqa: BLE001 - repr must not fail
        return "an object"


_NOT_FAST = object()


def _fast_leaf(a, key, vals):
    """Appends `a`'s fast-path key (and value, for tensors) as `Function.__call__` does."""
    t = type(a)
    if t is list or t is tuple:          # e.g. an RNN state [h, c]
        key.append((t, len(a)))
        for v in a:
            if type(v) is EagerTensor and v._dtype is not _VARIANT:
                x = v._value
                key.append(x.shape)
                key.append(v._dtype)
                vals.append(x)
            elif not _fast_leaf(v, key, vals):
                return False
    elif t is EagerTensor:
        if a._dtype is _VARIANT:
            return False
        v = a._value
        key.append(v.shape)         # a numpy array or scalar, as in Function.__call__
        key.append(a._dtype)
        vals.append(v)
    elif t is float:
        key.append(t)
        key.append(_fast_float(a))
    elif t is int or t is bool or t is str or a is None:
        key.append(t)
        key.append(a)
    elif t is np.ndarray:
        d = _NP_TO_DTYPE.get(a.dtype)
        if d is None:
            return False
        key.append(a.shape)
        key.append(d)
        vals.append(a)
    else:
        return False
    return True


def _fast_kwargs(kwargs, key, vals):
    for k, a in kwargs.items():
        key.append(k)
        if not _fast_leaf(a, key, vals):
            return False
    return True


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
        if type(m) is _OpLeaf:
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


def _structure_leaves(out, tensors, leaf_plan):
    return [tensors[m] if type(m) is int else (m.op if type(m) is _OpLeaf else m.value)
            for m in leaf_plan]


def _decode(enc, shapes, path):
    """The argument structure described by an encoding (tensors as TensorSpecs)."""
    tag = enc[0]
    if tag == _T:
        return TensorSpec(next(shapes), enc[1], path)
    if tag == _V:
        return enc[2].value if type(enc[2]) is _FloatKey else enc[2]
    if tag == _O:
        return enc[1].get()
    if issubclass(tag, dict):
        items = [(k, _decode(e, shapes, "%s[%r]" % (path, k))) for k, e in enc[1]]
        return dict(items) if tag is dict else _try_build(tag, items, dict)
    items = [_decode(e, shapes, "%s[%d]" % (path, i)) for i, e in enumerate(enc[1])]
    if tag is list or tag is tuple:
        return tag(items)
    return tag(*items)          # a namedtuple


def _try_build(tag, items, fallback):
    try:
        return tag(items)
    except TypeError:
        return fallback(items)


def _id_keys(enc):
    tag = enc[0]
    if tag == _O:
        yield enc[1]
    elif tag == _T or tag == _V:
        return
    elif issubclass(tag, dict):
        for _, e in enc[1]:
            yield from _id_keys(e)
    else:
        for e in enc[1]:
            yield from _id_keys(e)


def _leaf_paths(part):
    """The path (e.g. `x`, `state[0]`) of each tensor leaf of a structure part, in order."""
    out = []
    for name, enc in part:
        leaves = []
        _walk(enc, name, itertools.repeat(()), leaves)
        out.extend(path for path, leaf in leaves if leaf[0] == "tensor")
    return out


def _op_name(path):
    name = "".join(c if c.isalnum() or c in "_." else "_" for c in path).strip("_")
    return name or "arg"


def _has_tensor_leaf(value):
    leaves = []
    _encode(value, [], leaves)
    return bool(leaves)


def _conform(fname, argname, spec, value, allow_specs):
    """`value` checked against a signature structure `spec`, tensor leaves converted."""
    if isinstance(spec, TensorSpec):
        return _conform_leaf(fname, argname, spec, value, allow_specs)
    if nest.is_namedtuple(spec) or isinstance(spec, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(spec) or \
                (nest.is_namedtuple(spec) and type(value) is not type(spec)):
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "%r, got %r" % (fname, argname, spec, value))
        items = [_conform(fname, "%s[%d]" % (argname, i), s, v, allow_specs)
                 for i, (s, v) in enumerate(zip(spec, value))]
        return type(spec)(*items) if nest.is_namedtuple(spec) else type(spec)(items)
    if isinstance(spec, dict):
        if not isinstance(value, dict) or sorted(map(repr, value)) != sorted(map(repr, spec)):
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "a dict with keys %s, got %r" % (fname, argname, sorted(spec), value))
        return {k: _conform(fname, "%s[%r]" % (argname, k), spec[k], value[k], allow_specs)
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
        actual = _spec_of(value)
    else:
        try:
            v, d = to_numpy(value, spec.dtype)
        except (TypeError, ValueError, OverflowError) as e:
            raise TypeError("%s(): argument '%s' does not match the input_signature: expected "
                            "%r, got %r which cannot be converted: %s"
                            % (fname, argname, spec, value, e)) from None
        value = EagerTensor(v, d)
        actual = _spec_of(value)
    if actual is None or actual.dtype is not spec.dtype or \
            not spec.shape.is_compatible_with(actual.shape):
        raise TypeError("%s(): argument '%s' does not match the input_signature: expected %r, "
                        "got %r" % (fname, argname, spec, actual if actual is not None
                                    else value))
    return value


def _spec_of(value):
    d = _tensor_dtype(value)
    if d is None:
        return None
    return TensorSpec(_leaf_dims(value), d)


def _check_signature(sig):
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


def _signature(fn):
    try:
        return inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return None


def _convert(fn, name):
    """The AutoGraph-converted `fn`; None if the converter is not available."""
    try:
        from autograph import api
    except ImportError:
        return None
    convert = getattr(api, "convert", None)
    if convert is None:
        return None
    if isinstance(fn, (type, types.BuiltinFunctionType, types.BuiltinMethodType)):
        return fn                               # classes and C functions run as they are
    try:
        return convert(fn)
    except api.ConversionError as e:
        if api.is_strict():
            raise
        logger.warning("ag.function '%s': autograph could not convert the function, so it is "
                       "traced unconverted (Python control flow over graph tensors inside it "
                       "will fail): %s", name, e)
        return fn


def function(func=None, *, input_signature=None, autograph=True, reduce_retracing=False,
             name=None, max_traces=None, jit_compile=None, experimental_compile=None,
             experimental_relax_shapes=None):
    """Compiles a Python function into cached graphs: `@ag.function` or `ag.function(f, ...)`.

    Args:
      func: the function (plain function, lambda, method or callable object).
      input_signature: optional list of TensorSpec (nested structures allowed), one per
        argument: arguments are converted and checked against it and one trace serves every
        call.
      autograph: convert Python control flow over tensors into graph ops (default True).
      reduce_retracing: after a tensor argument's shape changes, trace with unknown (None)
        dimensions instead of once per shape.
      name: a name for the traced graphs and messages.
      max_traces: how many traces (concrete functions) to keep, default DEFAULT_MAX_TRACES
        (256). When a new trace would exceed it, the least recently used trace is dropped
        (freeing its graph; it is traced again if needed) and a RetracingWarning says so once.
      jit_compile: accepted for TensorFlow code; None, True or False. Every traced graph is
        already compiled (into a Python plan calling numpy kernels), so it changes nothing.
      experimental_compile: TensorFlow's old name of `jit_compile`; the same.
      experimental_relax_shapes: TensorFlow's old name of `reduce_retracing`; True turns it on.
    Returns:
      a `Function` (or a decorator making one, when `func` is omitted).
    Raises:
      TypeError: `input_signature` is not a list of TensorSpecs, `max_traces` is not an int, or
        `jit_compile` / `experimental_compile` / `experimental_relax_shapes` is not a bool
        or None.
      ValueError: `max_traces` is less than 1.
    """
    _check_max_traces(max_traces)
    for flag, value in (("jit_compile", jit_compile), ("experimental_compile",
                                                       experimental_compile),
                        ("experimental_relax_shapes", experimental_relax_shapes)):
        if value is not None and not isinstance(value, bool):
            raise TypeError("ag.function: %s must be True, False or None, got %r"
                            % (flag, value))
    reduce_retracing = bool(reduce_retracing or experimental_relax_shapes)

    def decorate(f):
        if isinstance(f, BoundMethod):
            f = types.MethodType(f.python_function, f.__self__)
        elif isinstance(f, Function):
            f = f.python_function
        return Function(f, name=name, input_signature=input_signature, autograph=autograph,
                        reduce_retracing=reduce_retracing, max_traces=max_traces)
    return decorate if func is None else decorate(func)
