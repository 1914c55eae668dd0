"""Whether a loop's converted test and body are effect-free: they only compute values, so
running an iteration again (restarting a loop staged midway, see loops._restart_state)
cannot change anything Python observes. Conservative: anything unknown is not effect-free.
"""

import builtins
import dis
import sys
import types

import numpy as np

from autograph.operators.frames import _cell_value
from autograph.operators.staging import _in_library
from autograph.operators.variables import Undefined


# --- effect-free loop bodies (restarting a loop staged midway, see loops._restart_state) --------

# Builtins that neither change nor read state other than their arguments.
_PURE_BUILTINS = frozenset((
    "abs", "all", "any", "bool", "complex", "divmod", "enumerate", "float", "frozenset",
    "hasattr", "int", "isinstance", "issubclass", "len", "list", "dict", "map",
    "filter", "max", "min", "pow", "range", "repr", "reversed", "round", "set", "slice",
    "sorted", "str", "sum", "tuple", "type", "zip", "object", "super"))
# Instructions that write somewhere other than the function's own locals (or that import,
# yield or enter a context manager).
_WRITES = frozenset((
    "STORE_ATTR", "DELETE_ATTR", "STORE_SUBSCR", "DELETE_SUBSCR", "STORE_SLICE",
    "DELETE_SLICE", "STORE_GLOBAL", "DELETE_GLOBAL", "STORE_NAME", "DELETE_NAME",
    "LOAD_NAME", "IMPORT_NAME", "IMPORT_STAR", "IMPORT_FROM", "YIELD_VALUE",
    "RETURN_GENERATOR", "BEFORE_WITH", "SETUP_WITH", "BEFORE_ASYNC_WITH", "GET_AWAITABLE",
    "LOAD_BUILD_CLASS"))
# Modules whose functions compute values only (no hidden state); attributes named like
# `_DENIED_ATTRS` are refused separately (generators with state, printing, callbacks, and
# ways to reach an attribute by a computed name or a namespace's mutable dict:
# `getattr(np, "ran" + "dom")` is not a builtin known to be pure, `np.__dict__[...]`,
# `__getattribute__`, `operator.attrgetter` / `methodcaller` are refused), and the process-wide
# settings of JAX and numpy (`jax.config.update`, `jax.enable_x64(...)` and the other
# `jax._src.config` states, `np.seterr`, `np.set_printoptions`, caches, profilers): calling
# or reading them twice may not give what the one call Python made gave.
_PURE_MODULES = ("ag__", "autograph", "jax", "math", "cmath", "operator", "numpy")
_DENIED_ATTRS = ("random", "print", "callback", "debug", "write", "seed", "save", "load",
                 "tofile", "fromfile", "register", "set_unroll", "getattr", "__dict__",
                 "attrgetter", "methodcaller",
                 "config", "seterr", "setbufsize", "printoptions", "errstate", "clear_",
                 "enable_", "disable_", "default_", "transfer_guard", "log_compiles",
                 "leaks", "set_mesh", "profiler", "distributed", "monitoring", "promotion",
                 "cache")


def _effect_free(backend, fns):
    """True if calling the functions `fns` (a loop's test and body, as converted code) can
    only compute values: no write outside their own locals, no call of a function that is
    not known to be pure (user functions defined elsewhere, `print`, `next`, generators with
    state), and nothing reachable from them (closures, globals) that is mutable. Conservative:
    False whenever unsure."""
    seen = set()
    return all(fn is None or _fn_effect_free(backend, fn, seen, 0) for fn in fns)


def _fn_effect_free(backend, fn, seen, depth):
    if id(fn) in seen:
        return True
    seen.add(id(fn))
    code = getattr(fn, "__code__", None)
    if code is None or depth > 6 or getattr(fn, "__self__", None) is not None:
        return False
    for cell in getattr(fn, "__closure__", None) or ():
        if not _safe_value(backend, _cell_value(cell), seen, depth):
            return False
    # A mutable default argument is state kept between calls, like a closure's.
    defaults = tuple(getattr(fn, "__defaults__", None) or ()) + tuple(
        (getattr(fn, "__kwdefaults__", None) or {}).values())
    if not all(_safe_value(backend, v, seen, depth) for v in defaults):
        return False
    wrapped = getattr(fn, "__wrapped__", None)
    if wrapped is not None and not _fn_effect_free(backend, wrapped, seen, depth + 1):
        return False
    # Attributes set on the function (`helper.calls = []`) are state reachable from it too
    # (not autograph's own marks and caches, `_autograph_*`).
    attrs = getattr(fn, "__dict__", None) or {}
    if not all(_safe_value(backend, v, seen, depth) for k, v in attrs.items()
               if k != "__wrapped__" and not k.startswith("_autograph_")):
        return False
    return _code_effect_free(backend, code, fn.__globals__, frozenset(code.co_freevars), seen,
                             depth)


def _code_effect_free(backend, code, globals_, outer, seen, depth):
    ok, global_names = _code_summary(code)
    if not ok:
        return False
    if outer:
        stored = _stored_derefs(code)
        if stored is None or not stored.isdisjoint(outer):
            return False                # `nonlocal` write to an enclosing function
    for name in global_names:
        if name in globals_:
            if not _safe_value(backend, globals_[name], seen, depth):
                return False
        elif name not in _PURE_BUILTINS and not _builtin_exception(name):
            return False
    return True


_SUMMARIES = {}
_OPS = dis.opmap
_BAD_OPS = frozenset(_OPS[n] for n in _WRITES if n in _OPS)
_EXT = dis.EXTENDED_ARG
_LOAD_GLOBAL = _OPS["LOAD_GLOBAL"]
_ATTR_OPS = frozenset(_OPS[n] for n in ("LOAD_ATTR", "LOAD_METHOD") if n in _OPS)
_DEREF_OPS = frozenset(_OPS[n] for n in ("STORE_DEREF", "DELETE_DEREF") if n in _OPS)
# Python 3.11 stores LOAD_GLOBAL's name index shifted by one bit, 3.12 LOAD_ATTR's too.
_GLOBAL_SHIFT = 1 if sys.version_info >= (3, 11) else 0
_ATTR_SHIFT = 1 if sys.version_info >= (3, 12) else 0


def _instructions(code):
    """(opcode, argument) of `code`'s instructions (a fast scan of its bytecode)."""
    raw, ext = code.co_code, 0
    for i in range(0, len(raw), 2):
        op, arg = raw[i], raw[i + 1] | ext
        if op == _EXT:
            ext = arg << 8
            continue
        ext = 0
        yield op, arg


def _code_summary(code):
    """(no write outside locals, the global names read) of `code` and its nested code."""
    summary = _SUMMARIES.get(code)
    if summary is not None:
        return summary
    ok, names = True, set()
    for op, arg in _instructions(code):
        if op in _BAD_OPS:
            ok = False
            break
        if op == _LOAD_GLOBAL:
            names.add(code.co_names[arg >> _GLOBAL_SHIFT])
        elif op in _ATTR_OPS and _denied_attr(code.co_names[arg >> _ATTR_SHIFT]):
            ok = False
            break
    if ok:
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                inner_ok, inner = _code_summary(const)
                if not inner_ok:
                    ok = False
                    break
                names.update(inner)
    summary = (ok, frozenset(names))
    if len(_SUMMARIES) > 4096:
        _SUMMARIES.clear()
    _SUMMARIES[code] = summary
    return summary


def _denied_attr(name):
    return any(word in name for word in _DENIED_ATTRS)


def _stored_derefs(code):
    """Names of the cells `code` and its nested code assign or delete."""
    out = set()
    name_of = getattr(code, "_varname_from_oparg", None)
    for op, arg in _instructions(code):
        if op in _DEREF_OPS:
            if name_of is None:
                return None
            out.add(name_of(arg))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            inner = _stored_derefs(const)
            if inner is None:
                return None
            out |= inner
    return out


def _builtin_exception(name):
    v = getattr(builtins, name, None)
    return isinstance(v, type) and issubclass(v, BaseException)


def _pure_module(name):
    name = name or ""
    return name.split(".", 1)[0] in _PURE_MODULES and not _denied_attr(name)


def _safe_value(backend, v, seen, depth):
    """A value an effect-free function may reach: immutable, or a pure function/module."""
    t = type(v)
    if v is None or t in (bool, int, float, complex, str, bytes, range, Undefined):
        return True
    if t in (tuple, frozenset):
        return all(_safe_value(backend, x, seen, depth) for x in v)
    if backend.is_value(v):
        return not backend.is_list(v) and not isinstance(v, (list, dict))
    if isinstance(v, types.ModuleType):
        return _pure_module(v.__name__)
    if callable(v) and _denied_attr(str(getattr(v, "__name__", ""))):
        return False
    if t is types.FunctionType:
        if _pure_module(getattr(v, "__module__", None)) and not _user_code(v):
            return True
        return _fn_effect_free(backend, v, seen, depth + 1)
    if t is types.BuiltinFunctionType:
        if getattr(v, "__self__", None) is builtins:
            return v.__name__ in _PURE_BUILTINS
        return _pure_module(getattr(v, "__module__", None))
    if isinstance(v, type):
        if v.__module__ == "builtins":
            return v.__name__ in _PURE_BUILTINS or issubclass(v, BaseException)
        return _pure_module(v.__module__)
    module = getattr(t, "__module__", "") or ""
    # numpy ufuncs, JAX's jitted functions and dtypes: functions of their arguments only.
    if not (module.split(".", 1)[0] in ("numpy", "jax", "jaxlib") and not _denied_attr(module)
            and (callable(v) or t.__name__ == "dtype")):
        return False
    return _wraps_only_safe_values(backend, v, seen, depth)


# Where numpy / JAX callables keep the function they wrap (`np.vectorize`, `jax.jit`,
# `jax.custom_jvp`, `jax.tree_util.Partial`, ...).
_WRAPPED_ATTRS = ("__wrapped__", "__func__", "func", "fun", "_fun", "_func", "pyfunc", "jvp",
                  "fwd", "bwd", "args", "keywords")


def _wraps_only_safe_values(backend, v, seen, depth):
    """A numpy / JAX callable object is a function of its arguments only if what it wraps
    (a user function, partial arguments, its attributes) is: `jax.tree_util.Partial(f)` or
    `np.vectorize(f)` runs `f`, whatever state `f` keeps."""
    if id(v) in seen:
        return True
    seen.add(id(v))
    if depth > 6:
        return False
    if isinstance(v, np.ufunc) and "vectorized" in (getattr(v, "__name__", "") or ""):
        return False                    # np.frompyfunc(f): runs f, unreachable from here
    reached = []
    for attr in _WRAPPED_ATTRS:
        try:
            reached.append(getattr(v, attr))
        except AttributeError:
            continue
        except Exception:
            return False
    d = getattr(v, "__dict__", None)
    if isinstance(d, dict):
        reached += [x for k, x in d.items() if not (k.startswith("__") and k != "__wrapped__")]
    for x in reached:
        if isinstance(x, dict):
            x = tuple(x.values())
        if x is not v and not _safe_value(backend, x, seen, depth + 1):
            return False
    return True


def _user_code(fn):
    """True for a function converted by autograph (its code lives outside the libraries)."""
    return "<converted>" in fn.__code__.co_name or not _in_library(fn.__code__.co_filename)
