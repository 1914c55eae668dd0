"""`Function`: a Python function traced into a graph once per input signature, then run.

    @ag.function
    def f(x, n):
        return x * n

Calling `f` builds a cache key from its arguments (tensors and numpy arrays by shape and dtype,
Python values by value, other objects by identity; tracing/signature.py), traces the
(AutoGraph-converted) function on placeholders into a fresh `Graph` for a new key, compiles
that graph once into a plan (stateful ops included, in program order) and runs the plan
(tracing/concrete.py). A repeated key only runs the plan: the common case (flat tensor or scalar
arguments, eager mode) costs one small tuple, one dict lookup and the plan call. Which traces
are kept and why a function traces again: tracing/retracing.py.
"""
import inspect
import logging
import threading
import types
import weakref

import numpy as np

from autograph.runtime import context, nest, registry
from autograph.runtime.graph import Graph, Operation
from autograph.runtime.ops import core_ops
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import EagerTensor, Tensor
from autograph.runtime.tensor_array import stack_lowered
from autograph.tracing import leaks
from autograph.tracing.concrete import (ConcreteFunction, Const, OpLeaf, created_variables,
                                        raise_located, structure_leaves)
from autograph.tracing.retracing import TraceCache, check_max_traces, summaries
from autograph.tracing.signature import (NOT_FAST, CallSignature, encode_entries, fast_float,
                                         fast_kwargs, fast_leaf, leaf_paths, op_name, relax,
                                         replace_leaves, shape_text, tensor_leaves)
from autograph.tracing.spec import (NP_TO_DTYPE, VARIANT, TensorSpec, check_signature,
                                   tensor_dtype)

__all__ = ["function", "Function", "BoundMethod"]

logger = logging.getLogger("autograph")

# Tracing runs user code and builds graphs; one re-entrant lock for every function keeps the
# caches consistent and cannot deadlock when traced functions call each other from threads.
_TRACE_LOCK = threading.RLock()
_ctx = context.ctx


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
        self.input_signature = check_signature(input_signature)
        self._autograph = autograph
        self._reduce_retracing = reduce_retracing
        self._max_traces = check_max_traces(max_traces)
        self._parent = _parent
        self._instance_ref = None
        if _instance is not None:
            try:
                self._instance_ref = weakref.ref(_instance)
            except TypeError:
                self._instance_ref = lambda: _instance
        self._call_signature = CallSignature(
            self._name, _parent._call_signature.signature if _parent is not None
            else _signature(python_function), self.input_signature)
        self._converted = None
        self._traces = TraceCache(self._name, self._max_traces)
        self._cache = self._traces.cache     # (scope, part, shapes) -> ConcreteFunction
        self._fast = self._traces.fast       # flat positional key -> (plan, build, order, trace)
        self._bound = {}            # id(instance) -> Function bound to it (descriptor)
        self._trace_count = 0
        self._tracing = 0           # traces in progress (a recursive function traces inside)
        self._ncalls = 0
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
        return list(self._traces.concretes)

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
        key_entries, _, rebuild = self._arguments(args, kwargs, allow_specs=True)
        part, shapes, _ = encode_entries(key_entries)
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
            entry = None
            # Only exact builtin types take it, checked without catching anything: no code
            # of the user's (a __hash__, __eq__ or property) runs here, so nothing it raises
            # can be mistaken for "not a fast-path call".
            for a in args:
                t = type(a)
                if t is EagerTensor:
                    if a._dtype is VARIANT:
                        break
                    v = a._value
                    key.append(v.shape)
                    key.append(a._dtype)
                    vals.append(v)
                elif t is float:
                    key.append(t)
                    key.append(fast_float(a))
                elif t is int or t is bool or t is str or a is None:
                    key.append(t)
                    key.append(a)
                elif t is np.ndarray:
                    d = NP_TO_DTYPE.get(a.dtype)
                    if d is None:
                        break
                    key.append(a.shape)
                    key.append(d)
                    vals.append(a)
                elif (t is list or t is tuple) and fast_leaf(a, key, vals):
                    pass
                else:
                    break
            else:
                if not kwargs or fast_kwargs(kwargs, key, vals):
                    entry = self._fast.get(tuple(key))
            # An error the plan raises reaches the caller: never the slow path (which would
            # run the graph a second time).
            if entry is not None:
                plan, build, order, concrete = entry
                concrete._used = self._ncalls
                if order is not None:
                    vals = [vals[i] for i in order]
                try:
                    out = plan(*vals)
                except Exception as e:  # noqa: BLE001 - re-raised with location
                    raise_located(e)
                return build(out)
        return self._call_slow(args, kwargs)

    # -- calling --------------------------------------------------------------------------
    def _arguments(self, args, kwargs, allow_specs=False, count=False):
        """(key entries, value entries, rebuild) of a call (`CallSignature.entries`), the
        instance of a bound method first; `count`: a call of one of the traces."""
        if count:
            self._ncalls += 1
        instance = None
        if self._instance_ref is not None:
            instance = self._instance_ref()
            if instance is None:
                raise ReferenceError("the object that ag.function method '%s' is bound to no "
                                     "longer exists" % self._name)
        return self._call_signature.entries(args, kwargs, instance, allow_specs)

    def _call_slow(self, args, kwargs):
        key_entries, entries, rebuild = self._arguments(args, kwargs)
        part, shapes, _ = encode_entries(key_entries)
        leaves = tensor_leaves(entries)
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
                if any(v is NOT_FAST for v in items):
                    return NOT_FAST
                return items if t is list else tuple(items)
            n = len(vals)
            if not fast_leaf(a, key, vals):
                return NOT_FAST
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
        if any(a is NOT_FAST for a in new_args) or \
                any(a is NOT_FAST for a in new_kwargs.values()):
            return
        leaves = tensor_leaves(self._arguments(new_args, new_kwargs)[1])
        # The plan's inputs must be exactly these arguments (no tensor defaults, no values
        # converted by an input_signature), possibly in another order.
        where = {id(m): i for i, m in enumerate(markers)}
        order = [where.get(id(x)) for x in leaves]
        if None in order or len(order) != len(markers):
            return
        if order == list(range(len(order))):
            order = None
        self._traces.remember_fast(tuple(key), concrete,
                                   (concrete._plan, concrete._builder(), order, concrete))

    # -- tracing --------------------------------------------------------------------------
    def _get_or_trace(self, part, shapes, entries, rebuild, graph, counted=True):
        c = self._traces.lookup(part, shapes, graph)
        if c is not None:
            c._used = self._ncalls
            return c
        with _TRACE_LOCK:
            c = self._traces.lookup(part, shapes, graph)
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
            c = self._traces.latest(part, outer)
            if c is not None:
                shapes = relax(c._shapes, shapes)
        diffs = None        # the explanation is built only when it is logged or needed
        if self._trace_count and logger.isEnabledFor(logging.INFO):
            diffs = self._traces.explain(part, exact)
            msg = "ag.function '%s' is tracing again (trace %d): %s" % (
                self._name, self._trace_count + 1, "; ".join(diffs))
            if shapes != exact:
                msg += " (reduce_retracing: tracing with shapes %s)" % ", ".join(
                    shape_text(s) for s in shapes)
            logger.info(msg)
        elif not self._trace_count and logger.isEnabledFor(logging.DEBUG):
            logger.debug("ag.function '%s': tracing for %s", self._name, ", ".join(
                "%s=%s" % (n, t) for n, (t, _, _) in summaries(part, shapes).items()))

        graph = Graph(outer=outer, name=self._name, is_function=True)
        # Graph tensors the trace leaves in attributes/containers: an error, places restored.
        state = leaks.Snapshot(self.python_function, self._instance_ref and
                                     self._instance_ref(), entries)
        with state.guard(graph), context.graph_scope(graph):
            placeholders = []
            leaves = tensor_leaves(entries)
            for path, leaf, dims in zip(leaf_paths(part), leaves, shapes):
                dtype = tensor_dtype(leaf)
                ph_name = getattr(leaf, "name", None) if type(leaf) is TensorSpec else None
                ph_name = ph_name or op_name(path)
                placeholders.append(core_ops.placeholder(dtype, TensorShape(dims), name=ph_name))
            it = iter(placeholders)
            values = [replace_leaves(v, it) for _, v in entries]
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
                    leaf_plan.append(OpLeaf(leaf))
                else:
                    leaf_plan.append(Const(leaf))
        state.check(graph, self._name)
        created = created_variables(graph)
        if created and not first:
            raise ValueError(
                "ag.function '%s' created variable(s) %s on its trace number %d (%s); an "
                "ag.function may create variables only on its first trace (as a layer builds "
                "its weights on the first call). Create them outside the function, or only "
                "once (e.g. `if self.v is None: self.v = ag.Variable(...)`)"
                % (self._name, ", ".join("'%s'" % v.name for v in created),
                   self._trace_count + 1,
                   "; ".join(diffs if diffs is not None else self._traces.explain(part, exact))
                   or "a new input signature"))
        graph.inputs = placeholders + [inner for _, inner in graph.capture_list]
        graph.outputs = tensors
        scope = outer if graph.capture_list else None
        concrete = ConcreteFunction(self, graph, scope, part, shapes,
                                    nest.pack_sequence_as(out, structure_leaves(out, tensors,
                                                                                 leaf_plan)),
                                    leaf_plan)
        self._trace_count += 1
        self._traces.register(concrete, (scope, part, shapes), (scope, part, exact),
                              self._ncalls)
        if counted and self._tracing == 1:      # not a recursive call traced inside itself
            self._traces.note_trace(diffs, concrete, self._ncalls)
        return concrete

    def _callable(self):
        if self._parent is not None:
            return self._parent._callable()
        fn = self._converted
        if fn is None:
            fn = self.python_function
            if self._autograph:
                fn = _convert(fn, self._name)
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




def _signature(fn):
    try:
        return inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return None


def _convert(fn, name):
    """The AutoGraph-converted `fn` (`fn` itself for classes and C functions)."""
    from autograph.impl import conversion
    if isinstance(fn, (type, types.BuiltinFunctionType, types.BuiltinMethodType)):
        return fn                               # classes and C functions run as they are

    def warn(error):
        logger.warning("ag.function '%s': autograph could not convert the function, so it is "
                       "traced unconverted (Python control flow over graph tensors inside it "
                       "will fail): %s", name, error)
    return conversion.convert_or_as_is(fn, warn)


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
    check_max_traces(max_traces)
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
