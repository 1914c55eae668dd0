"""Session: runs the part of a graph needed for some fetches, with values fed in."""
import numpy as np

from autograph.runtime import context, executor, nest
from autograph.runtime.errors import GraphMismatchError
from autograph.runtime.graph import Operation
from autograph.runtime.tensor import EagerTensor, Tensor, to_numpy


class Session:
    """Runs graph fragments. `Session(graph=None)` uses the default graph.

    `run(fetches, feed_dict)` compiles a plan for each distinct (fetches, feeds) pair once and
    reuses it; any tensor can be fed, in which case the ops that produce it do not run.
    """

    def __init__(self, graph=None):
        graph = graph if graph is not None else context.get_default_graph()
        if graph is None:
            raise RuntimeError("ag.Session needs a graph: create it inside "
                               "`with ag.Graph().as_default():` or pass Session(graph=g)")
        self.graph = graph
        self._plans = {}
        self._closed = False
        self._scope = None

    def __enter__(self):
        self._scope = self.graph.as_default()
        self._scope.__enter__()
        return self

    def __exit__(self, *exc):
        scope, self._scope = self._scope, None
        scope.__exit__(*exc)
        self.close()

    def close(self):
        self._closed = True
        self._plans.clear()

    def run(self, fetches, feed_dict=None):
        """Computes `fetches` (a tensor, an op, or any nested list/tuple/dict/namedtuple of them).

        Returns:
          numpy values in the structure of `fetches` (None for ops).
        Raises:
          InvalidArgumentError: a placeholder the fetches need was not fed, or a kernel failed.
          TypeError / ValueError: a fed value has the wrong dtype or shape, or a fetch is not
            a tensor of this session's graph.
        """
        if self._closed:
            raise RuntimeError("this Session is closed; create a new one")
        single = type(fetches) is Tensor or isinstance(fetches, Operation)
        flat = [fetches] if single else nest.flatten(fetches)
        feeds = feed_dict or {}
        key = (tuple(map(id, flat)), tuple(map(id, feeds)))
        entry = self._plans.get(key)
        if entry is None:
            entry = self._compile(flat, list(feeds))
            self._plans[key] = entry
        plan, feed_tensors, _ = entry
        args = [_feed_value(t, feeds[t]) for t in feed_tensors] if feeds else ()
        values = executor.call_plan(plan, args)
        if single:
            return values[0]
        return nest.pack_sequence_as(fetches, list(values))

    def _compile(self, flat, feed_keys):
        g = self.graph
        fetch = []
        for f in flat:
            if hasattr(f, "_ag_read") and not isinstance(f, Tensor):
                f = f._graph_read(g)
            if isinstance(f, Operation):
                if f.graph is not g:
                    raise GraphMismatchError("fetch %s is an op of another graph" % f.name)
            elif type(f) is Tensor:
                if f.op.graph is not g:
                    raise GraphMismatchError(
                        "fetch %s is a tensor of another graph than this Session's" % f.name)
            else:
                raise TypeError("cannot fetch %r: fetches must be graph tensors or ops of the "
                                "session's graph (got %s)" % (f, type(f).__name__))
            fetch.append(f)
        for t in feed_keys:
            if type(t) is not Tensor:
                raise TypeError("feed_dict keys must be graph tensors, got %r" % (t,))
            if t.op.graph is not g:
                raise GraphMismatchError("fed tensor %s belongs to another graph" % t.name)
        plan = executor.compile_plan(g, feed_keys, fetch, name="session")
        # Keep fetch and feed objects alive so their ids in the cache key stay unique.
        return plan, feed_keys, (flat, fetch)


def _feed_value(t, value):
    """Checks and converts a fed value to `t`'s dtype; errors name the tensor and both sides."""
    dtype = t._dtype
    if type(value) is EagerTensor:
        if value._dtype is not dtype:
            raise TypeError("feed for %s: expected dtype %s, got a %s tensor"
                            % (t.name, dtype.name, value._dtype.name))
        value = value._value
    else:
        try:
            if isinstance(value, (np.ndarray, np.generic)) and value.dtype != dtype.np_dtype:
                value = _cast_feed(value, dtype)
            value, _ = to_numpy(value, dtype)
        except (TypeError, OverflowError) as e:
            raise TypeError("feed for %s (dtype %s): %s" % (t.name, dtype.name, e)) from None
    shape = t._shape
    if shape.dims is not None and not shape.is_compatible_with(np.shape(value)):
        raise ValueError("feed for %s: expected shape %s, got a value of shape %s"
                         % (t.name, shape, tuple(np.shape(value))))
    return value


def _cast_feed(value, dtype):
    src, dst = value.dtype.kind, dtype.np_dtype.kind
    if src == dst or (src in "iu" and dst in "iuf"):
        return value      # to_numpy checks ranges and casts
    raise TypeError("a %s value cannot be fed as %s without losing information"
                    % (value.dtype, dtype.name))
