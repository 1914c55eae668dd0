"""Graph tensors that a trace leaves behind in Python state.

A graph tensor exists only inside the trace that made it. A traced method that writes one
into an attribute (`self.s = self.s + x`) or over an item of a container leaves the object
holding a symbolic value: later calls read the stale tensor, and the next trace fails with an
unrelated graph error. TensorFlow lets this pass silently. `ag.function` snapshots what the
trace can reach before it runs (the instance, the arguments, the function's closure variables
and the globals it names), looks again afterwards, puts back what the trace replaced and
raises `LeakedTensorError` naming each place. Appending to a list (`traces.append(x)`), adding
to a set or adding a new dict key records what a trace saw and is allowed.
"""
import collections
import contextlib
import functools
import types

import numpy as np

from autograph.runtime.tensor import Tensor

__all__ = ["LeakedTensorError", "Snapshot"]

_MAX_OBJECTS = 5000     # objects walked per snapshot: state beyond this is not checked
_MAX_SLOTS = 100000     # and values looked at
_MAX_DEPTH = 6
_ATOMS = (str, bytes, int, float, complex, bool, type(None), type, types.ModuleType,
          types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial,
          np.ndarray, np.generic, Tensor)
_PLAIN = frozenset([str, bytes, int, float, complex, bool, type(None)])
_MISSING = object()


class LeakedTensorError(TypeError):
    """A traced function left a graph tensor of its trace in an attribute or container."""


def _roots(fn, instance, entries):
    """[(path, object)]: what a trace of `fn` can change that outlives it."""
    out = []
    if instance is not None:
        out.append(("self", instance))
    for _ in range(8):
        if isinstance(fn, types.MethodType):
            if fn.__self__ is not instance:
                out.append(("self", fn.__self__))
            fn = fn.__func__
        elif type(fn) is functools.partial:
            out.extend(("<partial argument>", a) for a in fn.args)
            fn = fn.func
        else:
            break
    code = getattr(fn, "__code__", None)
    if type(fn) is types.FunctionType and code is not None:
        for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
            try:
                out.append((name, cell.cell_contents))
            except ValueError:          # an empty cell
                pass
        g = fn.__globals__
        for name in sorted(_global_names(code)):
            value = g.get(name, _MISSING)
            if value is not _MISSING and not _opaque(value):
                out.append((name, value))
    elif callable(fn) and not isinstance(fn, type):
        out.append(("self", fn))        # a callable object: its attributes
    out.extend(entries)
    return out


def _global_names(code):
    """The global names `code` (and the functions defined in it) may read."""
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_names(c)
    return names


def _opaque(obj):
    if isinstance(obj, _ATOMS) or hasattr(obj, "_ag_read"):
        return True
    return type(obj).__module__.startswith("autograph.")     # our own objects


def _slots(obj):
    """(path suffix, kind, key, value) for each place `obj` holds a value that may be or hold
    a tensor (plain numbers and strings are skipped: a long list of them costs little)."""
    t = type(obj)
    if t is list:
        return [("[%d]" % i, "item", i, v) for i, v in enumerate(obj) if type(v) not in _PLAIN]
    if isinstance(obj, tuple):
        fields = getattr(t, "_fields", None)
        return [((".%s" % fields[i]) if fields else "[%d]" % i, "tuple", i, v)
                for i, v in enumerate(obj) if type(v) not in _PLAIN]
    if isinstance(obj, dict):
        try:
            return [("[%r]" % (k,), "key", k, v) for k, v in list(obj.items())
                    if type(v) not in _PLAIN]
        except Exception:  # noqa: BLE001 - an odd mapping is simply not checked
            return []
    if isinstance(obj, (set, frozenset)):
        return [("{%r}" % (v,), "member", v, v) for v in list(obj) if type(v) not in _PLAIN]
    d = getattr(obj, "__dict__", None)
    if type(d) is dict:
        return [(".%s" % k, "attr", k, v) for k, v in list(d.items()) if type(v) not in _PLAIN]
    return []


def _contents(obj):
    """A shallow copy of what `obj` holds (None for tuples and sets: nothing to put back)."""
    if type(obj) is list:
        return list(obj)
    if isinstance(obj, dict):
        try:
            return dict(obj)
        except Exception:  # noqa: BLE001
            return None
    if isinstance(obj, (tuple, set, frozenset)):
        return None
    d = getattr(obj, "__dict__", None)
    return dict(d) if type(d) is dict else None


def _walk(roots, known=None, visit=None):
    """Yields (path, container, kind, key, value, owner) for every slot reachable from the
    roots. `owner` is the (container, kind, key, path) where a change is undone: the slot
    itself, or for values inside a tuple or inside a container that is not in `known` (made
    by the trace), the slot that holds that tuple or container."""
    seen = set()
    todo = collections.deque((path, obj, 0, None) for path, obj in roots)
    count = slots = 0
    while todo and count < _MAX_OBJECTS and slots < _MAX_SLOTS:
        path, obj, depth, owner = todo.popleft()
        if _opaque(obj) or id(obj) in seen or depth >= _MAX_DEPTH:
            continue
        seen.add(id(obj))
        count += 1
        if visit is not None:
            visit(obj)
        found = _slots(obj)
        slots += len(found)
        for suffix, kind, key, value in found:
            p = path + suffix
            inherit = kind == "tuple" or isinstance(obj, frozenset) or (
                known is not None and owner is not None and id(obj) not in known)
            slot_owner = owner if inherit else (obj, kind, key, p)
            yield p, obj, kind, key, value, slot_owner
            if not _opaque(value):
                todo.append((p, value, depth + 1, slot_owner))


def _of_trace(t, graph):
    g = t.op.graph
    while g is not None:
        if g is graph:
            return True
        g = g.outer
    return False


class Snapshot:
    """What a trace can reach, before it runs; `check` looks for leaks after it."""

    def __init__(self, fn, instance, entries):
        self._roots = _roots(fn, instance, entries)
        self._keep = []         # the objects walked, so their ids stay theirs
        self._known = set()     # ids of the objects that exist before the trace
        self._before = {}       # id(object) -> a shallow copy of what it held

        def visit(obj):
            self._known.add(id(obj))
            self._keep.append(obj)
            contents = _contents(obj)
            if contents is not None:
                self._before[id(obj)] = contents

        for _ in _walk(self._roots, visit=visit):
            pass

    @contextlib.contextmanager
    def guard(self, graph):
        """Undoes leaks if the trace fails (its own error is the one raised)."""
        try:
            yield
        except BaseException:
            self.restore(self.leaks(graph))
            raise

    def leaks(self, graph):
        """[(path, tensor, owner)] for graph tensors of `graph` (or its branches) left behind."""
        out = []
        for path, _, _, _, value, owner in _walk(self._roots, self._known):
            if type(value) is Tensor and _of_trace(value, graph) and self._overwrites(owner):
                out.append((path, value, owner))
        return out

    def _overwrites(self, owner):
        """Whether the place is state that later calls read: an attribute, or an item or key
        that held a value before the trace. Items appended to a list (or added to a set or
        as a new key) record what a trace saw, as in `traces.append(x)`, and are left alone."""
        if owner is None:
            return False
        container, kind, key, _ = owner
        if kind == "attr":
            return True
        before = self._before.get(id(container))
        if kind == "item":
            return before is not None and key < len(before)
        if kind == "key":
            return before is not None and key in before
        return False

    def restore(self, leaks):
        """Undoes the trace's writes at the leaking places (newest list items first)."""
        done = set()
        items = []
        for _, _, owner in leaks:
            if owner is None or (id(owner[0]), owner[1], _key_id(owner)) in done:
                continue
            done.add((id(owner[0]), owner[1], _key_id(owner)))
            if owner[1] == "item":
                items.append(owner)
            else:
                self._restore(owner)
        for owner in sorted(items, key=lambda o: -o[2]):
            self._restore(owner)

    def _restore(self, owner):
        container, kind, key, _ = owner
        before = self._before.get(id(container))
        old = _MISSING
        if before is not None:
            if kind == "item":
                old = before[key] if key < len(before) else _MISSING
            elif kind in ("attr", "key"):
                old = before.get(key, _MISSING)
        try:
            if kind == "attr":
                if old is _MISSING:
                    delattr(container, key)
                else:
                    setattr(container, key, old)
            elif kind == "key":
                if old is _MISSING:
                    del container[key]
                else:
                    container[key] = old
            elif kind == "member":
                container.discard(key)
            elif kind == "item":
                if old is _MISSING:
                    del container[key]
                else:
                    container[key] = old
        except Exception:  # noqa: BLE001 - restoring is best effort; the error still names it
            pass

    def check(self, graph, name):
        """Raises LeakedTensorError (after restoring the places) if the trace left any."""
        leaks = self.leaks(graph)
        if not leaks:
            return
        self.restore(leaks)
        first = leaks[0][1]
        places = "; ".join("%s holds the graph tensor %s%s" % (
            p, t.name, " made at %s:%d" % t.op.source if t.op.source else "")
            for p, t, _ in leaks[:3])
        more = " and %d more" % (len(leaks) - 3) if len(leaks) > 3 else ""
        raise LeakedTensorError(
            "ag.function '%s' left graph tensors of its trace in Python state: %s%s. A graph "
            "tensor has a value only inside the trace that made it, so later calls would read "
            "a stale symbolic %s (and a new trace would fail). Keep state that changes from "
            "call to call in an ag.Variable (create it once, e.g. `self.total = "
            "ag.Variable(0.0)` in __init__, then `self.total.assign_add(x)` in the function),"
            " or return the value from the function. The places were set back to their values "
            "before the trace." % (name, places, more, first.name))


def _key_id(owner):
    return id(owner[2]) if owner[1] == "member" else owner[2]
