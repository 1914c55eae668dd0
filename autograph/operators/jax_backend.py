"""The JAX entry of the dispatch table: converted code stages `lax` control flow on tracers.

A JAX tracer (inside `jax.jit`, `jax.grad`, `jax.vmap`, ...) cannot be turned into a Python
bool, so an `if`/`while`/`for` that depends on one is staged:

    if tracer            lax.cond
    while tracer         lax.while_loop; with a bound (`ag.set_loop_options(
                         maximum_iterations=N)`): lax.scan of N steps, each a lax.cond that
                         skips the body once the test is false (reverse-differentiable)
    for over an array,   lax.scan over the static trip count (reverse-differentiable); with
    static range         `break`/`continue`/`return` the test becomes a lax.cond in each step

Concrete JAX arrays (outside any transformation) are not staged: like our eager tensors they
run as Python. Python values stay Python everywhere.

This module never imports JAX by itself: `claims` looks at a type's module name first, and JAX
is imported only for a type that comes from JAX (so JAX is already loaded).
"""

import sys
import weakref

import numpy as np

from autograph.operators.dispatch import Backend
from autograph.operators.staging import number_keeps_value
from autograph.operators.jax_lists import (JaxList, JaxLists, _count_array, _is_list_leaf,
                                           _ListSpec, _PendingList, _Spec)
from autograph.operators.jax_staging import (JaxLoopVarMismatchError, JaxStaging,
                                             ReverseModeLoopError)

__all__ = ["JaxBackend", "JaxLoopVarMismatchError", "ReverseModeLoopError", "JaxList"]

_RANK = {bool: 0, int: 1, float: 2, complex: 3}   # Python's numeric tower


class JaxBackend(JaxStaging, JaxLists, Backend):
    name = "jax"
    loop_options = True

    def __init__(self):
        self.jax = None
        self._python_bools = weakref.WeakValueDictionary()   # id -> array made of a bool

    # --- loading -------------------------------------------------------------------------------
    def _load(self):
        if self.jax is not None:
            return True
        if "jax" not in sys.modules:
            return False
        import jax
        import jax.numpy as jnp
        from jax import lax
        from jax._src import core
        from jax._src.interpreters import ad

        self.jnp, self.lax, self.core, self.ad = jnp, lax, core, ad
        self.tree = jax.tree_util
        self.Tracer = core.Tracer
        self.Array = jax.Array
        self._canonical = jax.dtypes.canonicalize_dtype
        self.jax = jax
        self.tree.register_pytree_node(
            JaxList, lambda lst: ((lst.buffer, _count_array(jnp, lst.count)), lst.name),
            lambda name, ch: JaxList(ch[0], ch[1], name))
        return True

    # JAX's default int / float / complex dtype (of a Python number), which follows the
    # jax_enable_x64 setting at the time it is asked
    @property
    def _int(self):
        return self._canonical(np.int64)

    @property
    def _float(self):
        return self._canonical(np.float64)

    @property
    def _complex(self):
        return self._canonical(np.complex128)

    @property
    def loop_var_mismatch(self):
        return (JaxLoopVarMismatchError,)

    def claims(self, cls):
        if cls is JaxList or cls is _PendingList:
            return True
        mod = cls.__module__ or ""
        if not mod.startswith("jax"):
            return False
        if not self._load():
            return False
        if issubclass(cls, self.Tracer):
            # A new kind of value: converted_call's overload table gains jnp.stack etc.
            from autograph.operators import dispatch
            dispatch.notify_listeners()
            return True
        return False

    def is_staged(self, value):
        return True

    def building_graph(self):
        if self.jax is None and not self._load():
            return False
        return not isinstance(self.core.trace_ctx.trace, self.core.EvalTrace)

    def is_outer(self, value):
        if not isinstance(value, self.Tracer):
            return False
        trace = getattr(self.core.trace_ctx.trace, "parent_trace", None)
        for _ in range(64):
            if trace is None:
                return False
            if value._trace is trace:
                return True
            trace = getattr(trace, "parent_trace", None)
        return False

    def trace_mark(self):
        # The jaxpr being recorded and how many equations it has (None where JAX's tracing
        # internals differ: the caller then assumes the worst).
        if self.jax is None and not self._load():
            return None
        frame = getattr(self.core.trace_ctx.trace, "frame", None)
        eqns = getattr(frame, "tracing_eqns", None)
        if type(eqns) is not list:
            return None
        return (frame, len(eqns))

    def effects_since(self, mark):
        frame, n = mark
        if getattr(self.core.trace_ctx.trace, "frame", None) is not frame:
            return True
        eqns = frame.tracing_eqns
        if len(eqns) < n:
            return True
        for eqn in eqns[n:]:
            if isinstance(eqn, weakref.ref):
                continue        # an effect-free equation (kept only while it is used)
            effects = getattr(eqn, "effects", None)
            if effects is None or effects:
                return True
        return False

    def trace_only(self, fn):
        holder = []

        def probe():
            out = fn()
            leaves, tree = self.tree.tree_flatten(out)
            holder.append((leaves, tree))
            return [x for x in leaves if self._is_array(x)]

        shapes = self.jax.eval_shape(probe)
        leaves, tree = holder[-1]
        it = iter(shapes)
        flat = [self.jnp.zeros(next(it).shape, x.dtype) if self._is_array(x) else x
                for x in leaves]
        return self.tree.tree_unflatten(tree, flat)

    def call_overloads(self):
        if not self._load():
            return {}
        jnp = self.jnp
        stack, asarray, array = jnp.stack, jnp.asarray, jnp.array

        def stack_overload(arrays, axis=0, out=None, dtype=None):
            if isinstance(arrays, JaxList):
                arrays = self.list_stack(arrays)
                return arrays if axis == 0 else jnp.moveaxis(arrays, 0, axis)
            return stack(arrays, axis=axis, out=out, dtype=dtype)

        def asarray_overload(a, *args, **kwargs):
            if isinstance(a, JaxList):
                a = self.list_stack(a)
            return asarray(a, *args, **kwargs)

        def array_overload(a, *args, **kwargs):
            if isinstance(a, JaxList):
                a = self.list_stack(a)
            return array(a, *args, **kwargs)

        overloads = {stack: stack_overload, asarray: asarray_overload, array: array_overload}
        try:
            from autograph.runtime.ops import logging_ops
        except ImportError:  # pragma: no cover - the runtime ships with the package
            return overloads
        print_ = logging_ops.print_

        def print_overload(*args, **kwargs):
            # ag.print on JAX values: jax.debug.print, so it prints every time the compiled
            # function runs (not once while tracing).
            if not any(self._is_array(a) for a in args):
                return print_(*args, **kwargs)
            sep = kwargs.get("sep", " ")
            parts, values = [], []
            for a in args:
                if self._is_array(a):
                    parts.append("{}")
                    values.append(a)
                else:
                    parts.append(str(a).replace("{", "{{").replace("}", "}}"))
            self.jax.debug.print(sep.join(parts), *values)
            return None
        overloads[print_] = print_overload
        return overloads

    # --- helpers -------------------------------------------------------------------------------
    def _is_array(self, x):
        return isinstance(x, self.Array)

    def _user_where(self):
        """' at file:line' of the converted statement being staged (the user's line)."""
        from autograph.operators import frames
        where = frames._statement_frame_info()
        return " at %s:%d" % where if where else ""

    def _labels(self, names, values):
        labels = []
        for k, v in enumerate(values):
            name = names[k] if names and k < len(names) else "<var %d>" % k
            n = len(self.tree.tree_leaves(v))
            if n == 1:
                labels.append("'%s'" % name)
            else:
                labels.extend("'%s' (leaf %d)" % (name, j) for j in range(n))
        return labels

    def _truth(self, x, what):
        """Python's truth of `x` as a scalar bool array (non-zero is true)."""
        jnp = self.jnp
        if not self._is_array(x):
            x = jnp.asarray(x)
        if x.ndim != 0:
            if x.size == 1:
                x = x.reshape(())
            else:
                raise ValueError(
                    "the condition of a %s%s is an array of shape %s; Python's truth value of "
                    "an array with more than one element is ambiguous. Use jnp.any(...) or "
                    "jnp.all(...)" % (what, self._user_where(), tuple(x.shape)))
        if x.dtype != jnp.bool_:
            x = x != 0
        return x

    def _strong(self, x):
        """`x` as an array without JAX's weak type (a loop carry's type is exact)."""
        if not self._is_array(x):
            x = self.jnp.asarray(x)
        aval = getattr(x, "aval", None)
        if aval is not None and getattr(aval, "weak_type", False):
            x = self.lax.convert_element_type(x, x.dtype)
        return x

    # --- values --------------------------------------------------------------------------------
    def is_value(self, value):
        return isinstance(value, (self.Array, JaxList, _PendingList))

    def to_value(self, value, dtype=None):
        jnp = self.jnp
        if self._is_array(value):
            if dtype is not None and value.dtype != dtype:
                return value.astype(dtype)
            return value
        if isinstance(value, (JaxList, _PendingList)):
            return value
        t = type(value)
        if t is int or t is float or t is complex or t is bool:
            # A Python number stays weakly typed, as JAX keeps it (`0 + jnp.int8(1)` is
            # int8): in its own default dtype, or in the default dtype of a wider kind
            # (an int carried as JAX's default float after the body made it one; a bool
            # as a weak int after `flag + 1`). (JAX has no weak bool.)
            if dtype is None:
                if t is bool:
                    # (remembered: a loop's body may use it as Python's number, see
                    # jax_bool_carry)
                    arr = jnp.asarray(value)
                    self._python_bools[id(arr)] = arr
                    return arr
                return jnp.asarray(value)
            lift = self._weak_kind(dtype)
            if lift is not None and _RANK[lift] >= _RANK[t]:
                return jnp.asarray(lift(value))
            if not number_keeps_value(value, dtype):
                # (a staged value never silently becomes another number: 0.5 as an int)
                raise TypeError(
                    "the Python %s %r cannot become a %s array without changing its value "
                    "(staging keeps Python's values); give it as a value of that dtype, or "
                    "keep the computation in that kind" % (t.__name__, value, dtype))
        if dtype is None:
            dtype = jnp.asarray(value).dtype
        return jnp.asarray(value, dtype)

    def _weak_kind(self, dtype):
        """The Python type whose numbers JAX makes weakly typed arrays of `dtype` (its default
        int, float or complex dtype), else None."""
        if dtype == self._int:
            return int
        if dtype == self._float:
            return float
        if dtype == self._complex:
            return complex
        return None

    def is_weak(self, x):
        """True for a Python number or a weakly typed array (JAX's Python scalars)."""
        t = type(x)
        if t is int or t is float or t is complex:
            return True
        aval = getattr(x, "aval", None)
        return bool(getattr(aval, "weak_type", False))

    def dtype(self, value):
        t = type(value)
        if t is bool:
            return self.jnp.dtype(self.jnp.bool_)
        if t is int and -2 ** 31 <= value < 2 ** 31:
            return self._int
        if t is float:
            return self._float
        if isinstance(value, JaxList):
            return value.buffer.dtype
        if isinstance(value, _PendingList):
            return value.spec.dtype
        return self.to_value(value).dtype

    def spec(self, value):
        def one(x):
            if isinstance(x, JaxList):
                return _ListSpec(x.buffer.shape[1:], x.buffer.dtype)
            if isinstance(x, _PendingList):
                return x.spec
            x = self.to_value(x)
            return _Spec(x.shape, x.dtype)
        if isinstance(value, (JaxList, _PendingList)):
            return one(value)
        return self.tree.tree_map(one, value,
                                  is_leaf=lambda x: isinstance(x, (JaxList, _PendingList)))

    def zeros(self, spec):
        # (placeholders, never seen as values: in a default dtype they are weakly typed, so
        # the value that replaces them decides, as a Python number's carry does)
        def one(s):
            if type(s) is _ListSpec:
                return self.new_list(s, [])
            kind = self._weak_kind(s.dtype)
            if kind is not None:
                return self.jnp.full(s.shape, kind(0))
            return self.jnp.zeros(s.shape, s.dtype)
        return self.tree.tree_map(one, spec, is_leaf=lambda s: isinstance(s, _Spec))

    def flatten(self, structure):
        return self.tree.tree_leaves(structure, is_leaf=_is_list_leaf)

    def pack(self, structure, flat):
        treedef = self.tree.tree_structure(structure, is_leaf=_is_list_leaf)
        return self.tree.tree_unflatten(treedef, list(flat))

    def same_structure(self, a, b):
        return (self.tree.tree_structure(a, is_leaf=_is_list_leaf)
                == self.tree.tree_structure(b, is_leaf=_is_list_leaf))

    def structure_text(self, value):
        if isinstance(value, (list, tuple)):
            inner = ", ".join(self.structure_text(v) for v in value)
            return ("[%s]" if isinstance(value, list) else "(%s)") % inner
        if isinstance(value, dict):
            return "{%s}" % ", ".join("%r: %s" % (k, self.structure_text(v))
                                      for k, v in value.items())
        if isinstance(value, JaxList):
            return "a list of %s[%s]" % (value.buffer.dtype,
                                         ",".join(map(str, value.buffer.shape[1:])))
        if self.jax is not None and self._is_array(value):
            return "%s[%s]" % (value.dtype, ",".join(map(str, value.shape)))
        return type(value).__name__

    # --- ops -----------------------------------------------------------------------------------
    def logical_and(self, a, b):
        # (lax's `and` of two bools: jnp's would first convert a weakly typed one, the
        # comparison of a loop's weakly typed counter, into a strong bool)
        return self.lax.bitwise_and(self._truth(a, "loop"), self._truth(b, "loop"))

    def truth(self, value):
        if isinstance(value, JaxList):
            return value.count > 0
        return self._truth(value, "condition")

    def check_defined(self, ran, value, message):
        if not isinstance(ran, self.Tracer):
            if bool(np.all(np.asarray(ran))):
                return value
            from autograph.operators.variables import UndefinedValueError
            raise UndefinedValueError(message)

        def check(r):
            if not bool(np.all(r)):
                raise UnboundLocalError(message)
        self.jax.debug.callback(check, ran)
        return value

    def logical_not(self, a):
        if a.dtype != self.jnp.bool_:
            return a == 0
        return self.jnp.logical_not(a)

    def length(self, x):
        x = self.to_value(x)
        if x.ndim == 0:
            raise TypeError("cannot iterate over a scalar array (shape ())")
        return int(x.shape[0])

    def item(self, x, i):
        return self.lax.dynamic_index_in_dim(x, i, keepdims=False)

    def stack(self, values):
        return self.jnp.stack(list(values))

    def range_(self, n, dtype=None):
        if isinstance(n, self.Tracer):
            raise TypeError("range() with a traced bound cannot be materialised as a JAX array "
                            "(its length would depend on a traced value)")
        return self.jnp.arange(int(n), dtype=dtype)

    def assert_(self, cond, message, data):
        # A debug callback that raises when the condition is false: checked every time the
        # compiled function runs (under jit, the error surfaces from the call).
        where = self._user_where()
        cond = self.jnp.all(self.jnp.asarray(cond))
        text = message or "assertion failed"

        def check(ok, *values):
            if not bool(ok):
                extra = " ".join(str(v) for v in values)
                raise AssertionError("%s%s%s" % (text, " " + extra if extra else "",
                                                  " (assert%s)" % where if where else ""))
        self.jax.debug.callback(check, cond, *data)
        return None

    # --- builtins ------------------------------------------------------------------------------
    def contains(self, container, x):
        return self.jnp.any(self.jnp.asarray(container) == x)

    def abs(self, x):
        return self.jnp.abs(x)

    # Python's min(a, b) is `b if b < a else a`: a NaN second operand loses, and of equal
    # values (0.0, -0.0) the first is kept, where jnp.minimum gives NaN and -0.0.
    def minimum(self, a, b):
        return self.jnp.where(b < a, b, a)

    def maximum(self, a, b):
        return self.jnp.where(b > a, b, a)

    def reduce_min(self, x):
        return self._python_extreme(x, self.jnp.min, self.jnp.inf)

    def reduce_max(self, x):
        return self._python_extreme(x, self.jnp.max, -self.jnp.inf)

    def _python_extreme(self, x, reduce, skip):
        # min(v) / max(v) of a float vector walk it in order: a NaN first item is the result,
        # a later NaN never wins, and of equal items (0.0, -0.0) the first is kept.
        x = self.to_value(x)
        if x.ndim != 1 or x.shape[0] == 0 or not self.jnp.issubdtype(x.dtype,
                                                                      self.jnp.floating):
            return reduce(x)
        jnp = self.jnp
        best = reduce(jnp.where(jnp.isnan(x), jnp.asarray(skip, x.dtype), x))
        # (the first item equal to it; none only when every item is NaN: then x[0] is NaN)
        first = x[jnp.argmax(x == best)]
        return jnp.where(jnp.isnan(x[0]), x[0], first)

    def cast(self, x, kind):
        if kind is int:
            dtype = self._int
        elif kind is float:
            dtype = self._float
        elif kind is bool:
            return self._truth(x, "bool()") if np.ndim(x) == 0 else x != 0
        else:
            dtype = kind
        x = self.to_value(x) if not self._is_array(x) else x
        if x.dtype == dtype:
            return x
        if kind is int and self.jnp.issubdtype(x.dtype, self.jnp.floating):
            self._check_int_fits(x, dtype)
        return x.astype(dtype)

    def _check_int_fits(self, x, dtype):
        # Python's int() truncates toward zero and never wraps (ValueError for NaN,
        # OverflowError for infinities); a cast would give some int for those and for values
        # the int dtype cannot hold, so they fail when the compiled function runs.
        from autograph.runtime.errors import user_frame
        where = user_frame()          # the converted code calling int(), under the user's name
        at = " at %s:%d" % where if where else ""
        info = np.iinfo(np.dtype(dtype))
        lo, hi = float(info.min), float(info.max) + 1.0
        jnp = self.jnp
        ok = jnp.all((x >= lo) & (x < hi))
        name = np.dtype(dtype).name

        def check(ok, value):
            if not bool(np.all(ok)):
                bad = [v for v in np.ravel(value) if not lo <= v < hi][0]
                raise ValueError(
                    "int(%r)%s: Python's int gives %s, which the %s result cannot hold; clip "
                    "the value first (jnp.clip), check it with jnp.isfinite, or cast without a check "
                    "(x.astype(jnp.int32))"
                    % (float(bad), at, _python_int_text(bad), name))
        self.jax.debug.callback(check, ok, x)


def _python_int_text(v):
    try:
        return str(int(v))
    except (ValueError, OverflowError) as e:
        return "%s (%s)" % (type(e).__name__, e)
