"""Retracing: why an `ag.function` traces again, and which traces it keeps.

Each new trace of an existing function logs (logger "autograph", level INFO) which argument
changed and how, and frequent retracing warns once with the remedy. The explanation compares
the new arguments with a few traces only (the latest one with the same structure and Python
values, and the most recent ones) and is built only when it is logged or warned about, so a
trace costs the same however many came before it.

A function keeps at most `max_traces` traces (DEFAULT_MAX_TRACES unless given): beyond that the
least recently used trace is dropped (its graph and plan are freed; it is traced again if its
arguments come back) and a RetracingWarning says so once. `TraceCache` holds the kept traces,
their keys and indexes, and drops the traces of identity-keyed objects that die.
"""
import collections
import functools
import operator
import os
import sys
import warnings
import weakref

from autograph.tracing.signature import (TENSOR, VALUE, dims_compatible, fold, id_keys,
                                         shape_text, skeleton, specificity)

__all__ = ["RetracingWarning", "DEFAULT_MAX_TRACES", "TraceCache", "check_max_traces",
           "summaries", "differences"]

FAST_CACHE_LIMIT = 1024
_RETRACE_WINDOW = 10      # calls
_RETRACE_LIMIT = 5        # traces within the window that trigger the warning
DEFAULT_MAX_TRACES = 256  # traces kept per function (`max_traces`); least recently used go
_EXPLAIN_WINDOW = 8       # recent traces a retrace explanation compares with
_ALIAS_LIMIT = 64         # extra cache keys per trace (exact shapes a general trace serves)
_last_use = operator.attrgetter("_used")
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class RetracingWarning(UserWarning):
    """An `ag.function` is traced again and again (see the message for the cause and remedy)."""



def check_max_traces(value):
    if value is None:
        return DEFAULT_MAX_TRACES
    if type(value) is not int:
        raise TypeError("ag.function: max_traces must be a positive int, got %r" % (value,))
    if value < 1:
        raise ValueError("ag.function: max_traces must be at least 1, got %d" % value)
    return value


# -- explaining retraces ----------------------------------------------------------------------
def summaries(part, shapes):
    """name -> (text, [(path, leaf)], skeleton); a leaf is ("tensor", dtype, dims),
    ("value", type, value) or ("object", id key, type name)."""
    it = iter(shapes)
    out = collections.OrderedDict()
    for name, enc in part:
        leaves = []
        text = fold(enc, name, functools.partial(_leaf_summary, it, leaves), _container_text)
        out[name] = (text, leaves, skeleton(enc))
    return out


def _leaf_summary(shapes, leaves, e, path):
    tag = e[0]
    if tag == TENSOR:
        dims = next(shapes)
        leaves.append((path, ("tensor", e[1], dims)))
        return "%s %s" % (e[1].name, shape_text(dims))
    if tag == VALUE:
        leaves.append((path, ("value", e[1], e[2])))
        return repr(e[2])
    leaves.append((path, ("object", e[1], e[1].type_name)))
    return "<%s>" % e[1].type_name


def _container_text(tag, items, _):
    if issubclass(tag, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, t) for k, t in items)
    inner = [t for _, t in items]
    if issubclass(tag, tuple) and hasattr(tag, "_fields"):
        return "%s(%s)" % (tag.__name__, ", ".join(inner))
    if tag is tuple:
        return "(%s,)" % inner[0] if len(inner) == 1 else "(%s)" % ", ".join(inner)
    return "[%s]" % ", ".join(inner)


def _leaf_text(leaf):
    kind = leaf[0]
    if kind == "tensor":
        return "%s tensor of shape %s" % (leaf[1].name, shape_text(leaf[2]))
    if kind == "value":
        return "None" if leaf[2] is None else "python %s %r" % (leaf[1].__name__, leaf[2])
    return "an object of type %s" % leaf[2]


def _leaf_change(a, b):
    if a[0] == b[0] == "tensor":
        parts = []
        if a[1] is not b[1]:
            parts.append("dtype %s -> %s" % (a[1].name, b[1].name))
        if a[2] != b[2]:
            parts.append("shape %s -> %s" % (shape_text(a[2]), shape_text(b[2])))
        return ", ".join(parts)
    if a[0] == b[0] == "value":
        if a[1] is b[1]:
            return "python value %r -> %r" % (a[2], b[2])
        return "python value %r (%s) -> %r (%s)" % (a[2], a[1].__name__, b[2], b[1].__name__)
    if a[0] == b[0] == "object":
        return "a different object of type %s (objects are compared by identity)" % b[2]
    return "%s -> %s" % (_leaf_text(a), _leaf_text(b))


def differences(old, new):
    """Readable differences between two `summaries`, e.g. ['x: shape (2,) -> (3,)']."""
    out = []
    for name, (text, leaves, structure) in new.items():
        if name not in old:
            out.append("%s: not passed -> %s" % (name, text))
            continue
        old_text, old_leaves, old_skeleton = old[name]
        if old_skeleton != structure:
            out.append("%s: structure %s -> %s" % (name, old_text, text))
            continue
        for (path, a), (_, b) in zip(old_leaves, leaves):
            if a != b:
                out.append("%s: %s" % (path, _leaf_change(a, b)))
    for name, (text, _, _) in old.items():
        if name not in new:
            out.append("%s: %s -> not passed" % (name, text))
    return out


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



class TraceCache:
    """The traces an `ag.function` keeps, found by cache key.

    Keys are (scope, structure part, shapes); scope is the outer graph of a trace that captured
    its tensors, else None. `fast` maps the fast path's flat keys to (plan, builder, order,
    trace). At most `max_traces` traces are kept; the least recently used (`_used`: the
    function's call count at its last use) goes first.
    """

    def __init__(self, name, max_traces):
        self.name = name
        self.max_traces = max_traces
        self.cache = {}             # (scope, part, shapes) -> ConcreteFunction
        self.fast = {}              # flat positional key -> (plan, builder, order, concrete)
        self._fast_keys = {}        # kept trace -> its keys in fast
        self.concretes = {}         # kept traces (at most max_traces) -> None, in trace order
        self._keys = {}             # kept trace -> its keys in cache
        self._by_part = {}          # structure part -> kept traces with it, in trace order
        self._general = {}          # structure part -> kept traces with None dims
        self._recent = collections.deque(maxlen=_EXPLAIN_WINDOW)   # latest kept traces
        self._dependents = {}       # id of an identity-keyed object -> set of traces using it
        self._watch = {}
        self._limit_warned = False
        self._trace_calls = collections.deque(maxlen=_RETRACE_LIMIT)
        self._warned = False

    def lookup(self, part, shapes, graph):
        """The kept trace serving these arguments (called in `graph`, or eagerly), or None."""
        cache = self.cache
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
                    all(map(dims_compatible, c._shapes, shapes)):
                if best is None or specificity(c._shapes) > specificity(best._shapes):
                    best = c
        if best is not None:
            keys = self._keys.get(best)
            if keys is not None and len(keys) < _ALIAS_LIMIT:
                key = (best._scope, part, shapes)
                cache[key] = best
                keys.append(key)
        return best

    def latest(self, part, outer):
        """The latest kept trace of this structure part usable in `outer`, or None."""
        for c in reversed(self._by_part.get(part, ())):
            if c._scope is None or c._scope is outer:
                return c
        return None

    def explain(self, part, shapes, skip=None):
        """Differences between these arguments and the closest of a few earlier traces: the
        latest with the same structure part, and the most recent ones (a bounded number)."""
        same = self._by_part.get(part, [])
        candidates = same[-2:][::-1] + list(self._recent)[::-1]     # most recent first
        new = summaries(part, shapes)
        diffs = None
        for c in candidates:
            if c is skip:
                continue
            d = differences(summaries(c._part, c._shapes), new)
            if diffs is None or len(d) < len(diffs):
                diffs = d
        if diffs is None:
            return ["the earlier traces are no longer kept"]
        return diffs or ["same arguments, called inside another graph whose tensors the "
                         "earlier trace captured"]

    def register(self, concrete, key, exact_key, ncalls):
        """Keeps a new trace under its key (and the exact shapes' key, if relaxed)."""
        part = key[1]
        concrete._used = ncalls
        keys = [key]
        self.cache[key] = concrete
        if exact_key != key:
            self.cache[exact_key] = concrete
            keys.append(exact_key)
        self._keys[concrete] = keys
        self.concretes[concrete] = None
        self._by_part.setdefault(part, []).append(concrete)
        if any(dims is None or None in dims for dims in concrete._shapes):
            self._general.setdefault(part, []).append(concrete)
        self._recent.append(concrete)
        for _, enc in part:
            for idkey in id_keys(enc):
                obj = idkey.get()
                if obj is None:
                    continue
                self._dependents.setdefault(idkey.id, set()).add(concrete)
                if idkey.ref is not None and idkey.id not in self._watch:
                    self._watch[idkey.id] = weakref.ref(obj, self._forget(idkey.id))
        if len(self.concretes) > self.max_traces:
            self._evict(concrete)

    def remember_fast(self, key, concrete, entry):
        """A fast-path entry for a kept trace (nothing if it was dropped meanwhile)."""
        if len(self.fast) >= FAST_CACHE_LIMIT:
            self.fast.clear()
            self._fast_keys.clear()
        if concrete in self.concretes:
            self.fast[key] = entry
            self._fast_keys.setdefault(concrete, []).append(key)

    def note_trace(self, diffs, concrete, ncalls):
        """Warns once when traces come too often (`diffs`: the explanation, if built)."""
        calls = self._trace_calls
        calls.append(ncalls)
        if self._warned or len(calls) < _RETRACE_LIMIT or ncalls - calls[0] >= _RETRACE_WINDOW:
            return
        self._warned = True
        if diffs is None:
            diffs = self.explain(concrete._part, concrete._shapes, skip=concrete)
        warnings.warn(
            "ag.function '%s' was traced %d times in its last %d calls; each trace runs the "
            "Python function and builds a new graph, which is slow. The last retrace happened "
            "because %s. To avoid it: %s."
            % (self.name, len(calls), ncalls - calls[0] + 1,
               "; ".join(diffs or ["the arguments changed"]), "; ".join(_remedies(diffs or []))),
            RetracingWarning, stacklevel=_user_stacklevel())

    def _evict(self, keep):
        """Drops the least recently used trace (not `keep`, the one just made)."""
        victim = min(self.concretes, key=_last_use)    # C-level scan of <= max_traces
        if victim is keep:
            victim = next((c for c in self.concretes if c is not keep), None)
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
            % (self.name, self.max_traces, "; ".join(_remedies(
                self.explain(keep._part, keep._shapes, skip=keep)))),
            RetracingWarning, stacklevel=_user_stacklevel())

    def _drop(self, c):
        """Forgets a kept trace: its cache keys, fast-path entries and indexes."""
        if c not in self.concretes:
            return
        del self.concretes[c]
        for key in self._keys.pop(c, ()):
            if self.cache.get(key) is c:
                del self.cache[key]
        for index in (self._by_part, self._general):
            same = index.get(c._part)
            if same is not None and c in same:
                same.remove(c)
                if not same:
                    del index[c._part]
        if c in self._recent:
            self._recent.remove(c)
        for key in self._fast_keys.pop(c, ()):
            entry = self.fast.get(key)
            if entry is not None and entry[3] is c:
                del self.fast[key]
        for _, enc in c._part:
            for idkey in id_keys(enc):
                users = self._dependents.get(idkey.id)
                if users is not None:
                    users.discard(c)
                    if not users:
                        del self._dependents[idkey.id]
                        self._watch.pop(idkey.id, None)

    def _forget(self, obj_id):
        self_ref = weakref.ref(self)

        def on_dead(_):
            cache = self_ref()
            if cache is None:
                return
            cache._watch.pop(obj_id, None)
            for c in list(cache._dependents.pop(obj_id, ())):
                cache._drop(c)
        return on_dead
