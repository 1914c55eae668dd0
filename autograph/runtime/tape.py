"""GradientTape: records operations while active, then differentiates them.

    w = ag.Variable([[1.0]])
    with ag.GradientTape() as tape:
        loss = w * w + 2.0 * w + 5.0
    tape.gradient(loss, w)            # [[4.]]

Eagerly, the tape listens to every op that runs (`registry.eager_observers`) and keeps a
record of those with an input it tracks: watched tensors, variables (trainable ones are watched
on first read unless `watch_accessed_variables=False`), and the outputs of recorded ops.
`gradient` replays the records backwards with each op's gradient rule (`gradients.backprop`).

While a graph is being built (inside `ag.function`), ops are graph operations, so the tape
remembers which operations were added while it was active and `gradient` adds the backward
ops to the graph (`gradients.symbolic_gradients`), control flow included.
"""
import contextlib
import threading

from autograph.runtime import context, dtypes, gradients, nest, registry
from autograph.runtime.ops import state_ops
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy

READ_VARIABLE = state_ops.READ_VARIABLE

class _Recording(threading.local):
    def __init__(self):
        self.tapes = []          # this thread's eager tapes currently recording


_local = _Recording()
_lock = threading.Lock()
_active = [0]                    # recording tapes in all threads: the observer is installed
                                 # only while there are some (it slows variable reads down)


def _observe(opdef, inputs, attrs, outputs):
    for tape in _local.tapes:
        tape._record(opdef, inputs, attrs, outputs)


def _start(tape):
    _local.tapes.append(tape)
    with _lock:
        _active[0] += 1
        if _observe not in registry.eager_observers:
            registry.eager_observers.append(_observe)


def _stop(tape):
    _local.tapes.remove(tape)
    with _lock:
        _active[0] -= 1
        if not _active[0] and _observe in registry.eager_observers:
            registry.eager_observers.remove(_observe)


def _is_recording(tape):
    return any(t is tape for t in _local.tapes)


def _is_var(x):
    return hasattr(x, "_ag_read") and not isinstance(x, Tensor)


def _identity_rule(op, g):
    return [g]


class _Record:
    """One recorded eager op, shaped like a graph Operation for the gradient rules."""

    __slots__ = ("opdef", "inputs", "attrs", "outputs", "keys", "out_keys", "rule")
    name = None
    source = None

    def __init__(self, opdef, inputs, attrs, outputs, keys, rule=None):
        self.opdef = opdef
        self.inputs = inputs
        self.attrs = attrs
        self.outputs = outputs
        self.keys = keys
        self.out_keys = tuple(id(t) for t in outputs)
        self.rule = rule

    @property
    def type(self):
        return self.opdef.name


def _record_inputs(opdef, inputs):
    """The op's inputs as eager tensors (variables as the value they had, numbers converted)."""
    out = []
    target = None
    same = opdef.same_dtype
    for i, x in enumerate(inputs):
        if type(x) is EagerTensor:
            out.append(x)
        elif _is_var(x):
            out.append(EagerTensor(x._value, x.dtype))
        else:
            if target is None and same:
                positions = range(len(inputs)) if same == "all" else same
                target = registry.common_dtype(opdef, inputs, positions)
            want = target if same and (same == "all" or i in same) else None
            out.append(EagerTensor(*to_numpy(x, want)))
    return tuple(out)


class GradientTape:
    """Records operations for automatic differentiation.

    Args:
      persistent: allow several `gradient` calls; otherwise the records are released after
        the first.
      watch_accessed_variables: watch trainable variables automatically when they are read.

    Use as a context manager; `gradient(target, sources)` after (or inside) the block.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._records = []
        self._tracked = {}          # id -> tensor or variable, kept alive while the tape is
        self._variables = []        # watched variables, in watch order
        self._active = False
        self._released = False
        self._graph = None          # graph mode: the graph being built, and the op range
        self._range = None
        self._graph_watched = set()

    # -- recording --------------------------------------------------------------------------
    def __enter__(self):
        if self._active:
            raise RuntimeError("this GradientTape is already recording; use a new tape for "
                               "nested recording")
        graph = context.ctx.graph
        self._active = True
        if graph is not None:
            self._graph = graph
            self._range = [len(graph.operations), None]
        else:
            _start(self)
        return self

    def __exit__(self, *exc):
        self._active = False
        if self._graph is not None:
            self._range[1] = len(self._graph.operations)
        elif _is_recording(self):
            _stop(self)
        return False

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording: ops run inside are not differentiated."""
        graph_mode = self._graph is not None
        if graph_mode:
            raise RuntimeError("stop_recording is only supported for eager tapes; inside "
                               "ag.function use ag.stop_gradient")
        was = _is_recording(self)
        if was:
            _stop(self)
        try:
            yield
        finally:
            if was:
                _start(self)

    def reset(self):
        """Drops everything recorded so far (the tape keeps recording if active)."""
        self._records = []
        self._tracked = {}
        self._variables = []
        self._released = False
        if self._graph is not None:
            self._range = [len(self._graph.operations), None if self._active else
                           len(self._graph.operations)]
            self._graph_watched = set()

    def watch(self, tensor):
        """Makes the tape track `tensor` (a tensor, a variable, or a nested structure of them).

        Raises:
          TypeError: an element is not a floating-point tensor or variable.
        """
        for x in nest.flatten(tensor):
            if _is_var(x):
                self._watch_var(x)
            elif type(x) is Tensor:
                self._graph_watched.add(x)
            elif type(x) is EagerTensor:
                if x.dtype.is_floating:
                    self._tracked[id(x)] = x
            else:
                raise TypeError("GradientTape.watch expects tensors or variables, got %r"
                                % (x,))

    def _watch_var(self, var):
        if id(var) not in self._tracked:
            self._tracked[id(var)] = var
            self._variables.append(var)

    def watched_variables(self):
        """The variables this tape watches (explicitly or because they were read)."""
        if self._graph is not None:
            return self._graph_variables()
        return tuple(self._variables)

    def _record(self, opdef, inputs, attrs, outputs):
        tracked = self._tracked
        if opdef is READ_VARIABLE:
            var = attrs["var"]
            if id(var) not in tracked:
                if not (self._watch_accessed and var.trainable and var.dtype.is_floating):
                    return
                self._watch_var(var)
            out = outputs[0]
            tracked[id(out)] = out
            self._records.append(_Record(opdef, (EagerTensor(var._value, var.dtype),), attrs,
                                         outputs, (id(var),), _identity_rule))
            return
        keys = None
        for x in inputs:
            if id(x) in tracked:
                keys = [id(y) if id(y) in tracked else None for y in inputs]
                break
        if keys is None or opdef.differentiable is False:
            return
        for t in outputs:
            if t._dtype.is_floating or t._dtype is dtypes.variant:
                tracked[id(t)] = t
        self._records.append(_Record(opdef, _record_inputs(opdef, inputs), attrs, outputs,
                                     tuple(keys)))

    # -- differentiation ----------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """The gradient of `target` (summed if several) with respect to each of `sources`.

        Args:
          target: a tensor or a (nested) list of tensors.
          sources: a tensor or variable, or a nested structure of them.
          output_gradients: optional gradients of `target` (same structure); ones by default.
          unconnected_gradients: "none" (default) gives None for a source the target does not
            depend on; "zero" gives zeros.
        Returns:
          Gradients in the structure of `sources`.
        Raises:
          RuntimeError: a non-persistent tape is used a second time.
          LookupError: an op on the path has no gradient rule.
        """
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError("unconnected_gradients must be 'none' or 'zero', got %r"
                             % (unconnected_gradients,))
        if self._released:
            raise RuntimeError(
                "a non-persistent GradientTape can compute gradients only once, and this one "
                "already has; create it with ag.GradientTape(persistent=True) to call "
                "gradient() several times")
        flat_t = nest.flatten(target)
        flat_s = nest.flatten(sources)
        if output_gradients is None:
            flat_g = [None] * len(flat_t)
        else:
            flat_g = nest.flatten(output_gradients)
            if len(flat_g) != len(flat_t):
                raise ValueError("output_gradients must have the structure of target")
        for s in flat_s:
            if not (_is_var(s) or isinstance(s, Tensor)):
                raise TypeError("GradientTape.gradient: sources must be tensors or variables, "
                                "got %r" % (s,))
        if self._graph is not None or any(type(t) is Tensor for t in flat_t):
            grads = self._graph_gradient(flat_t, flat_s, flat_g)
        else:
            grads = self._eager_gradient(flat_t, flat_s, flat_g)
        if unconnected_gradients == "zero":
            grads = [gradients.zeros_like(s) if g is None else g for g, s in zip(grads, flat_s)]
        if not self._persistent:
            self._released = True
            self._records = []
            self._tracked = {}
        return nest.pack_sequence_as(sources, grads)

    def _eager_gradient(self, flat_t, flat_s, flat_g):
        tracked = self._tracked
        src_keys = {id(s) for s in flat_s if id(s) in tracked}
        wanted = set(src_keys)
        nodes = []
        for r in self._records:
            for k in r.keys:
                if k in wanted:
                    nodes.append(r)
                    wanted.update(r.out_keys)
                    break
        was = _is_recording(self)
        if was:
            _stop(self)
        try:
            seeds = {}
            for t, g in zip(flat_t, flat_g):
                if id(t) not in wanted:
                    continue
                if g is None:
                    value = EagerTensor(t._value, t.dtype) if _is_var(t) else t
                    g = gradients.ones_like(value)
                seeds[id(t)] = gradients.add_n([seeds[id(t)], g]) if id(t) in seeds else g
            got = gradients.backprop(nodes, seeds, wanted, _keys, _out_keys, _eager_rule,
                                     src_keys)
        finally:
            if was:
                _start(self)
        return [got.get(id(s)) for s in flat_s]

    def _graph_gradient(self, flat_t, flat_s, flat_g):
        graph = self._graph
        xs = []
        for s in flat_s:
            if _is_var(s):
                ok = (id(s) in self._tracked or self._watch_accessed and s.trainable)
                xs.append(s if ok else None)
            else:
                xs.append(s if type(s) is Tensor else None)
        op_filter = None
        if graph is not None:
            lo, hi = self._range
            hi = len(graph.operations) if hi is None else hi

            def op_filter(op):
                return op.graph is not graph or lo <= op.index < hi
        keep = [i for i, x in enumerate(xs) if x is not None]
        out = [None] * len(xs)
        if keep:
            got = gradients.symbolic_gradients(flat_t, [xs[i] for i in keep], flat_g,
                                               op_filter)
            for i, g in zip(keep, got):
                out[i] = g
        return out

    def _graph_variables(self):
        lo, hi = self._range
        hi = len(self._graph.operations) if hi is None else hi
        found = {id(v): v for v in self._variables}
        if self._watch_accessed:
            for op in self._graph.operations[lo:hi]:
                v = op.attrs.get("var") if op.opdef is READ_VARIABLE else None
                if v is not None and v.trainable:
                    found.setdefault(id(v), v)
        return tuple(found.values())


def _keys(r):
    return r.keys


def _out_keys(r):
    return r.out_keys


def _eager_rule(r, ogs):
    if r.rule is not None:
        return r.rule(r, *ogs), {}
    return gradients.call_rule(r, ogs), {}
