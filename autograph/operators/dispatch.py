"""The one table that decides, per value type, whether control flow runs in Python or is staged.

Every helper in `autograph.operators` asks this module one question about its condition or
iterable: "which `Backend` stages you, if any?" (`backend_for(value)`; None: Python runs it).
The answer is cached per Python type; `python_types` holds the types no backend stages,
so a hot Python path costs one set lookup (`type(x) in python_types`) before any call. `building_graph()` tells whether ops are being recorded into a graph right now.

The built-in backends (our runtime first, then JAX) are registered by `autograph.operators`
when it is imported; this module imports no backend.

A `Backend` knows how one array library builds `cond` and `while_loop` and a handful of
primitives (constants, zeros, casts, first-dimension indexing, growable lists). The generic
staging logic (undefined variables, early-return values, dtype retries, list lowering, loop
switching) lives in `control_flow.py` and is written once against this interface. Our graph
runtime is the first entry of the table; JAX tracers are the second (`jax_backend.py`,
which imports JAX only once a type from JAX is seen); another library plugs in with
`register_backend(MyBackend())` without touching the converters.
"""

import numpy as np

__all__ = ["Backend", "register_backend", "unregister_backend", "backends", "backend_for",
           "building_graph", "python_types", "on_change", "notify_listeners", "mark_lazy",
           "trace_marks"]


class Backend:
    """How one array library stages control flow. Subclasses override every method.

    `claims(cls)` classifies a Python type once: True (every instance is staged by this
    backend), False (never), or None (ask `is_staged(value)` per value).

    What the generic staging logic relies on:

    * `cond(pred, true_fn, false_fn, names)` traces both functions (true_fn first, ideally)
      and returns outputs of the branches' structure; a Python number facing a tensor in the
      other branch takes that tensor's dtype. Exceptions raised while tracing propagate.
    * `while_loop(test_fn, body_fn, loop_vars, names)` traces test then body (possibly more
      than once, e.g. to relax shapes); Python numbers returned by the body take the loop
      variable's dtype; a dtype change raises one of `loop_var_mismatch` with `.index` (flat
      position), `.expected` and `.actual`.
    * `trace_only(fn)` runs `fn` recording into a throwaway graph (nothing ever runs).
    * values made inside a branch or body belong to it: `zeros` and `new_list` are called
      where the value is needed.
    """

    name = "abstract"
    # Exception types raised by `while_loop` when a loop variable changes dtype; they carry
    # `.index` (flat position), `.expected` and `.actual` dtypes. Used to retry a loop whose
    # Python-number initial value had the wrong dtype.
    loop_var_mismatch = ()
    # True if `cond` accepts `direct=True`: both branch functions only pass values on (no
    # operation of the user's, no effect), so they may run where the `cond` is built, each
    # output a select of the two values.
    direct_cond = False
    # True if `while_loop` accepts the keyword options below (`ag.set_loop_options`, static
    # trip counts); a backend without them gets plain `while_loop` calls.
    loop_options = False

    def claims(self, cls):
        return False

    def is_staged(self, value):
        return True

    # --- staging -----------------------------------------------------------------------------
    def cond(self, pred, true_fn, false_fn, names):
        raise NotImplementedError

    def while_loop(self, test_fn, body_fn, loop_vars, names, **options):
        """`options` (all optional, a backend ignores what it cannot use):
        `maximum_iterations` and `shape_invariants` ({name: shape}), `parallel_iterations`,
        `swap_memory` from `ag.set_loop_options`; `static_trip_count=(n, exact)` when a `for`
        loop iterates a sequence of static length n (`exact`: no break, all n run); its
        test then stops the loop after n iterations by itself (`index < n and ...`)."""
        raise NotImplementedError

    def select(self, pred, a, b):
        """`a` where the staged condition `pred` is true, else `b`, for two values made
        before (tensors or Python numbers, no structures): what a `cond` whose branches
        return them gives, or None to build that `cond`."""
        return None

    def trace_only(self, fn):
        """Calls `fn()` recording its ops into a throwaway graph; returns its result. Used to
        learn the dtypes a loop body produces, never to run anything."""
        raise NotImplementedError

    def call_overloads(self):
        """{function of this library: replacement} used by `converted_call`, for functions
        that must accept what the staging logic produces (e.g. `stack` of a lowered list)."""
        return {}

    def building_graph(self):
        """True while ops are being recorded into a graph (for the unrolled-loop warning)."""
        return False

    def trace_mark(self):
        """An opaque mark of the ops recorded so far into the graph being built, or None
        (not building a graph, or the backend cannot tell). See `effects_since`."""
        return None

    def effects_since(self, mark):
        """False only if it is certain that no op with a side effect when the graph runs
        (print, callback, assertion) was recorded since `trace_mark()` returned `mark`.
        A loop whose last Python iteration before switching to a staged loop recorded none
        may be staged from that iteration instead (see loops.py, `_restart_state`)."""
        return True

    # --- values --------------------------------------------------------------------------------
    def is_value(self, value):
        """True for values this backend can carry through cond/while (tensors, tensor lists)."""
        raise NotImplementedError

    def to_value(self, value, dtype=None):
        """Converts a Python number, numpy value or tensor to a tensor (optionally of dtype)."""
        raise NotImplementedError

    def dtype(self, value):
        raise NotImplementedError

    def spec(self, value):
        """A hashable-free description (dtype, shape) of a tensor, enough for `zeros`."""
        raise NotImplementedError

    def zeros(self, spec):
        raise NotImplementedError

    def flatten(self, structure):
        raise NotImplementedError

    def pack(self, structure, flat):
        raise NotImplementedError

    def same_structure(self, a, b):
        return len(self.flatten(a)) == len(self.flatten(b))

    def structure_text(self, value):
        return type(value).__name__

    # --- ops used by the generic staging logic ---------------------------------------------------
    def logical_and(self, a, b):
        raise NotImplementedError

    def logical_not(self, a):
        raise NotImplementedError

    def truth(self, value):
        """Python's truth value of a staged value as a bool tensor (non-zero; a non-empty
        list). Used by `and`/`or` in the test of an `if`/`while`."""
        raise NotImplementedError

    def check_defined(self, ran, value, message):
        """`value`, whose use at run time fails with `message` unless `ran` (a bool tensor)
        is true: a value created by a loop that may run zero times. A backend without it
        cannot stage such loops (the loop is refused at trace time)."""
        raise NotImplementedError

    def is_local(self, value):
        """True if `value` is a tensor of the branch or loop body graph being traced now (it
        cannot be used outside it)."""
        return False

    def is_outer(self, value):
        """True if `value` (a tensor) was made outside the branch or loop body being traced
        now, in a graph that encloses it: usable anywhere in that branch or body (and in its
        sibling branch). False when unsure."""
        return False

    def read(self, value):
        """`value`, read by converted code where the variable may be unassigned (`ag__.ld`):
        a value from `check_defined` is checked here, in program order (Python raises at the
        read itself, even if the value is never used)."""
        return value

    def unchecked(self, value):
        """`(ran, value)` if `value` came from `check_defined` (for every checked leaf of a
        structure), else None."""
        return None

    def length(self, x):
        """Size of the first dimension: a Python int when static, else a scalar tensor."""
        raise NotImplementedError

    def item(self, x, i):
        """Row `i` (a scalar tensor) of `x` along its first dimension."""
        raise NotImplementedError

    def stack(self, values):
        raise NotImplementedError

    def assert_(self, cond, message, data):
        raise NotImplementedError

    # --- growable lists (lowering of Python lists appended inside a staged loop) -----------------
    def is_list(self, value):
        return False

    def new_list(self, spec, items):
        raise NotImplementedError

    def list_spec(self, lst):
        """The element spec of a backend list (for `new_list`)."""
        raise NotImplementedError

    def list_append(self, lst, value):
        raise NotImplementedError

    def list_pop(self, lst):
        raise NotImplementedError

    def list_length(self, lst):
        raise NotImplementedError

    def list_item(self, lst, i):
        raise NotImplementedError

    def list_stack(self, lst):
        raise NotImplementedError

    # --- builtins ------------------------------------------------------------------------------
    def abs(self, x):
        raise NotImplementedError

    def minimum(self, a, b):
        raise NotImplementedError

    def maximum(self, a, b):
        raise NotImplementedError

    def reduce_min(self, x):
        raise NotImplementedError

    def reduce_max(self, x):
        raise NotImplementedError

    def cast(self, x, kind):
        """kind is the Python builtin `int`, `float` or `bool`, or a dtype of this backend."""
        raise NotImplementedError

    def contains(self, container, x):
        """`x in container` for a 1-D tensor `container` and a scalar `x` (a tensor or a
        Python number): a scalar bool value, true if an element equals `x`."""
        raise NotImplementedError("`in` on %s values is not staged" % self.name)

    def __repr__(self):
        return "<%s backend>" % self.name


class _PerValue:
    """Table entry for a type whose instances must be asked one by one."""

    __slots__ = ("backend",)

    def __init__(self, backend):
        self.backend = backend


# Marker for the lazy sequences of py_builtins (a staged range/enumerate/zip): they carry their
# backend in `.backend`.
LAZY = object()

_BACKENDS = []
_listeners = []  # called when a backend is registered or removed (to drop derived caches)
_NOT_STAGED = (bool, int, float, complex, str, bytes, type(None), list, tuple, dict, set,
               frozenset, range, slice, type(Ellipsis), np.ndarray, np.bool_, np.int8,
               np.int16, np.int32, np.int64, np.uint8, np.float16, np.float32, np.float64)
_TABLE = dict.fromkeys(_NOT_STAGED)
# The types known to be Python's (no backend stages any instance): `type(x) in python_types`
# is the fast test a hot path may make before calling `backend_for`. It grows as types are
# classified and shrinks back when the backends change; never modify it.
python_types = set(_NOT_STAGED)


def register_backend(backend, first=False):
    """Adds a staging backend to the table (after the runtime graph backend unless `first`)."""
    if first:
        _BACKENDS.insert(0, backend)
    else:
        _BACKENDS.append(backend)
    _changed()


def unregister_backend(backend):
    """Removes a backend added with `register_backend`."""
    _BACKENDS.remove(backend)
    _changed()


def backends():
    return tuple(_BACKENDS)


def on_change(callback):
    """Calls `callback()` whenever a backend is registered or removed."""
    _listeners.append(callback)


def notify_listeners():
    """Calls the `on_change` callbacks (a backend whose capabilities grew, e.g. once its
    library is loaded) without reclassifying the types seen so far."""
    for callback in _listeners:
        callback()


def _changed():
    # Types seen so far are classified again (only non-builtin ones can change).
    for cls in list(_TABLE):
        if cls not in _NOT_STAGED and _TABLE[cls] is not LAZY:
            del _TABLE[cls]
    python_types.intersection_update(_NOT_STAGED)
    for callback in _listeners:
        callback()


def _classify(cls):
    entry = None
    for backend in _BACKENDS:
        claim = backend.claims(cls)
        if claim:
            entry = backend
            break
        if claim is None:
            entry = _PerValue(backend)
            break
    _TABLE[cls] = entry
    if entry is None:
        python_types.add(cls)
    return entry


_UNSEEN = object()


def _resolve(value, entry=_UNSEEN):
    """Slow path of `backend_for`: resolves an unseen type or a per-value entry."""
    if entry is _UNSEEN:
        entry = _TABLE.get(type(value), _UNSEEN)
        if entry is _UNSEEN:
            entry = _classify(type(value))
    if entry is None or isinstance(entry, Backend):
        return entry
    if entry is LAZY:
        return value.backend
    backend = entry.backend
    return backend if backend.is_staged(value) else None


def backend_for(value, _get=_TABLE.get):
    """The backend that stages `value`, or None when Python handles it."""
    entry = _get(type(value), _UNSEEN)
    if entry is None:
        return None
    return _resolve(value, entry)


def building_graph():
    """True while some backend records ops into a graph (not eager, not plain Python)."""
    for backend in _BACKENDS:
        if backend.building_graph():
            return True
    return False


def trace_marks():
    """{backend: mark} for the backends recording ops into a graph now that can mark where
    (`Backend.trace_mark`); None if there are none."""
    marks = None
    for backend in _BACKENDS:
        mark = backend.trace_mark()
        if mark is not None:
            if marks is None:
                marks = {}
            marks[backend] = mark
    return marks


def mark_lazy(cls):
    """Registers a lazy staged sequence class (instances carry `.backend`)."""
    _TABLE[cls] = LAZY
    return cls
