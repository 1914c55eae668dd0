"""What staging an `if` and a loop share: state packing, the errors a staged statement
raises (`StagingError`, endless recursion, escaped graph values), the value helpers of the
builders (Python numbers against tensors, early-return values, undefined values) and the
staging of state written in place (`in_place=`, see in_place.py).
"""

import builtins
import dis
import os
import sys
import types

import numpy as np

from autograph.operators import in_place as in_place_lib
from autograph.operators.frames import (_cell_value, _statement_frame_info, _user_fn,
                                        _user_frame_info)
from autograph.operators.variables import Undefined, UndefinedValueError

__all__ = ['StagingError', 'StagingRecursionError']


# --- helpers shared by the Python paths ---------------------------------------------------------

def _unpack(state):
    n = len(state)
    if n == 1:
        return state[0]
    if n == 0:
        return None
    return tuple(state)


def _normalize(result, n, what="body"):
    """A body's return value as an n-tuple."""
    if n == 1:
        return (result,)
    if n == 0:
        return ()
    result = tuple(result)
    if len(result) != n:
        raise ValueError("the %s returned %d values for %d state variables"
                         % (what, len(result), n))
    return result


class StagingError(Exception):
    """A Python exception was raised by the user's code while a tensor-dependent branch or
    loop body was being traced. Tracing runs every branch whatever the tensors' values, so the
    exception would not mean what it means in Python; it is reported as this error, which a
    `try/except` for the original exception type in the traced code does not catch (that
    would change the traced control flow). The original exception is its `__cause__`."""


_PACKAGE_DIR = None


def _in_package(filename):
    global _PACKAGE_DIR
    if _PACKAGE_DIR is None:
        _PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    return filename.startswith(_PACKAGE_DIR)


def _user_exception(e, what):
    """The StagingError replacing `e`, raised by the user's code while `what` was traced; None
    if `e` comes from autograph itself (a staging or op error: it propagates unchanged)."""
    if isinstance(e, (StagingError, RecursionError)):
        return None
    tb, last, user = e.__traceback__, None, None
    while tb is not None:
        last = tb
        if not _in_package(tb.tb_frame.f_code.co_filename):
            user = tb
        tb = tb.tb_next
    if last is None:
        return None
    if type(e) is UnboundLocalError and last.tb_frame.f_code.co_name == "ld" and user:
        # `ag__.ld(x)` of a variable with no value while tracing a branch or body that the
        # running program may never take: Python raises only if it does.
        where = _statement_frame_info()
        name = str(e).split("'")[1] if str(e).count("'") >= 2 else "?"
        return UndefinedValueError(
            "'%s' has no value where it is read at %s:%d, in %s%s: the loop or branch that "
            "assigns it did not run before the graph was built. A graph builds every branch "
            "and loop body, so it needs a value there even if the program would not read it: "
            "give '%s' a value before the tensor-dependent statement." % (
                name, user.tb_frame.f_code.co_filename, user.tb_lineno, what,
                " at %s:%d" % where if where else "", name))
    if _in_package(last.tb_frame.f_code.co_filename):
        return None
    raised_at = (last.tb_frame.f_code.co_filename, last.tb_lineno)
    where = _statement_frame_info()
    return StagingError(
        "%s: %s was raised at %s:%d while tracing %s%s. A graph traces every branch and loop "
        "body whatever the tensors' values, so this exception is raised at trace time, not "
        "when (or if) the graph takes that path; an `except %s` in the traced code does not "
        "catch it here. Check the condition when the graph runs instead, with a runtime "
        "assertion on tensors (`ag.debugging.Assert(cond, [values])` or `assert cond, msg` "
        "in converted code), or raise it outside tensor-dependent control flow." % (
            type(e).__name__, str(e) or "(no message)", raised_at[0], raised_at[1], what,
            " at %s:%d" % where if where else "", type(e).__name__))


def _objects(fn):
    """(name, object, its __dict__) of the plain objects a branch or body closes over."""
    user = _user_fn(fn)
    out = []
    for cell in getattr(user, "__closure__", None) or ():
        obj = _cell_value(cell)
        attrs = getattr(obj, "__dict__", None)
        if type(attrs) is not dict or isinstance(obj, (type, types.ModuleType)) \
                or callable(obj):
            continue
        out.append((_cell_name(user, cell), obj, attrs))
    return out


def _snapshot(fn):
    """The attributes of the objects `fn` closes over, before tracing it (see _check_escaped)."""
    return {id(obj): dict(attrs) for _, obj, attrs in _objects(fn)}


_NUMBERS = (int, float, complex)


def _check_escaped(backend, fn, names, what, before=None):
    """Raises if tracing `fn` (a branch or loop body) set an attribute of an object it closes
    over (`self`, `acc`) that the statement does not carry (not among its state `names`, e.g.
    'self.total'): a method called there set it to a value of the branch's graph, or changed a
    number (snapshot `before`). The graph would compute it once per trace, not per iteration
    or per branch taken."""
    for obj_name, obj, attrs in _objects(fn):
        if obj_name in names and hasattr(type(obj), "_ag_flatten"):
            continue    # a carried variable holding a composite value (a lowered list)
        old = before.get(id(obj), {}) if before is not None else None
        for attr, v in attrs.items():
            if not backend.is_local(v):
                if old is None or attr not in old or old[attr] is v:
                    continue
                w = old[attr]
                if not ((type(v) in _NUMBERS or backend.is_value(v))
                        and (type(w) in _NUMBERS or backend.is_value(w))):
                    continue        # e.g. a layer's `built` flag or its new variables
            name = "%s.%s" % (obj_name, attr)
            if name in names:
                continue            # carried by the statement (an in_place location)
            where = _statement_frame_info()
            raise StagingError(
                "'%s' was set while tracing %s%s by code the statement does not carry "
                "(e.g. a method called there: only the variables, attributes and items the "
                "converted function itself assigns become part of the graph's loop or branch "
                "state). The graph would not update it per iteration or per branch taken. "
                "Assign it in the function itself (`%s = ...`), or keep it in an ag.Variable "
                "and update it with assign" % (
                    name, what, " at %s:%d" % where if where else "", name))


def _cell_name(fn, cell):
    """The name of closure cell `cell` of `fn`."""
    for name, c in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        if c is cell:
            return name
    return "<object>"


class StagingRecursionError(RecursionError):
    """Building a tensor-dependent `if` recursed without end (a recursive function whose
    base case depends on a tensor: both branches are built, so the recursion never stops)."""


def _endless_recursion(e):
    if isinstance(e, StagingRecursionError):
        return e
    where = _user_frame_info()
    return StagingRecursionError(
        "building the branches of the tensor-dependent `if`%s recursed without end: a "
        "recursive function whose recursion depends on a graph tensor cannot be traced, "
        "because a graph `if` builds both branches, so the recursion never reaches its base "
        "case. Write it as a loop, or recurse on Python values"
        % (" at %s:%d" % where if where else ""))


class _ListMutated(NotImplementedError):
    """A Python list was appended to inside a staged `if`. An enclosing staged loop that
    carries the list lowers it to a backend list and retries; otherwise this is the error."""

    def __init__(self, message, lst, appended):
        NotImplementedError.__init__(self, message)
        self.lst = lst
        self.appended = appended


class _Retry(BaseException):
    """Raised inside a branch or loop body being staged: rebuild with what was learned.
    A BaseException, so that a user's `except Exception:` around traced code lets it pass."""

    def __init__(self, owner):
        BaseException.__init__(self, "internal autograph retry (should never escape)")
        self.owner = owner


_PYNUM = (bool, int, float, complex)


def _is_scalar_like(v):
    """Python numbers and numpy values: converted to tensors on demand."""
    t = type(v)
    return t in _PYNUM or t.__module__ == "numpy"


def _carries(backend, v):
    """True if `v` can be a cond/while_loop value: a tensor, backend list, number, numpy
    value, or a non-empty list/tuple/dict structure of those."""
    if backend.is_value(v) or _is_scalar_like(v):
        return True
    if isinstance(v, (list, tuple, dict)):
        try:
            leaves = backend.flatten(v)
        except Exception:  # noqa: BLE001 - anything nest refuses is not carriable
            return False
        return bool(leaves) and all(backend.is_value(x) or _is_scalar_like(x) for x in leaves)
    return False


def _as_values(backend, v):
    """`v` with every number converted to a tensor."""
    if backend.is_value(v):
        return v
    if _is_scalar_like(v):
        return backend.to_value(v)
    return backend.pack(v, [x if backend.is_value(x) else backend.to_value(x)
                            for x in backend.flatten(v)])


def _same_python_value(a, b):
    if a is b:
        return True
    ta = type(a)
    if ta is not type(b) or ta not in (int, float, bool, str, bytes, complex):
        return False
    return a == b


_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2, "V": 2, "c": 3}  # ("V": bfloat16 and the like)
_PY_RANK = {bool: 0, int: 1, float: 2, complex: 3}


def number_keeps_value(value, dtype):
    """True if the Python number `value`, given `dtype` (a numpy dtype or one of our runtime's
    dtypes) by staging, is still that number: a kind at least as wide (bool < int < float <
    complex: 0.5 never becomes 0, nor 0 False), an integer within the dtype's range (200 is
    no int8), a finite number finite (100000 is no float16). A float rounded to a narrower
    float is its nearest value there, as JAX rounds a Python float that meets such an array."""
    try:
        d = np.dtype(getattr(dtype, "np_dtype", dtype))
        rank = _KIND_RANK.get(d.kind)
        if rank is None or rank < _PY_RANK[type(value)]:
            return False
        if rank <= 1 and d.kind != "b":
            info = np.iinfo(d)
            return info.min <= value <= info.max
        if rank >= 2:
            with np.errstate(all="ignore"):
                converted = np.asarray(value).astype(d)
            return bool(np.all(np.isfinite(converted))) or not np.all(np.isfinite(value))
        return True
    except (TypeError, ValueError, OverflowError, KeyError):
        return False


def _describe(backend, v):
    if type(v) is Undefined:
        return "undefined"
    if backend.is_value(v):
        try:
            return "a %s tensor" % (backend.dtype(v),)
        except Exception:  # noqa: BLE001 - backend lists etc.
            return "a %s" % type(v).__name__
    if v is None:
        return "None"
    if type(v) in _PYNUM:
        return "the Python %s %r" % (type(v).__name__, v)
    return "a Python %s" % type(v).__name__


def _is_none_or_undefined(v):
    return v is None or type(v) is Undefined


_BRANCH = ("if-branch", "else-branch")


# --- state written in place --------------------------------------------------------------------

_STATEMENT = {"if": "tensor-dependent `if`", "while": "tensor-dependent `while` loop",
              "for": "`for` loop over a tensor"}


def _stage_in_place(kind, backend, state, names, in_place, untracked, fns, stage):
    """Stages a statement whose functions `fns` also write `in_place` locations.

    The locations become extra state: `stage(state, names, wrapped_fns)` runs the usual
    staging on the state followed by their values, with each function wrapped to set the
    locations from its arguments before running and to append their values to its result.
    Afterwards the locations hold what the graph computed (or, if staging fails, their values
    from before). Returns the new values of `state`.
    """
    if untracked:
        _untracked_error(kind, untracked)
    n = len(state)
    locs = in_place_lib.resolve(in_place, fns)
    entry = tuple(loc.get() for loc in locs)

    def set_all(values):
        for loc, v in zip(locs, values):
            loc.set(v)

    def wrap(fn, leading):
        # for: extra_test(*s), body(x, *s); if: body/orelse(*s) (orelse may be None);
        # while: test(*s), body(*s). Tests return a condition, bodies the state.
        is_test = fn is fns[0] and kind != "if"
        if fn is None:
            if kind != "if":
                return None
            fn = _keep_state(n)
        k = leading + n

        def wrapped(*args):
            set_all(args[k:])
            out = fn(*args[:k])
            if is_test:
                return out
            return _unpack(_normalize(out, n) + tuple(loc.get() for loc in locs))
        return wrapped

    if kind == "if":
        wrapped = (wrap(fns[0], 0), wrap(fns[1], 0))
    elif kind == "while":
        wrapped = (wrap(fns[0], 0), wrap(fns[1], 0))
    else:
        wrapped = (wrap(fns[0], 0), wrap(fns[1], 1))
    try:
        result = stage(tuple(state) + entry, tuple(names) + tuple(in_place), wrapped)
    except BaseException:
        set_all(entry)
        raise
    result = tuple(result)
    set_all(result[n:])
    return result[:n]


def _keep_state(n):
    def keep(*s):
        return _unpack(s)
    return keep


def _untracked_error(kind, untracked):
    where = _statement_frame_info()
    writes = ", ".join("`%s` (line %d)" % (text, line) for text, line in untracked)
    raise in_place_lib.UntrackedWriteError(
        "the %s%s writes %s, an attribute or item whose key changes inside the statement or "
        "that has no fixed name; a graph can only carry variables and attributes/items with "
        "fixed names (like `self.x`, `a[0]`, `d['k']`), so this write would happen once, while "
        "tracing, whatever the graph computes. Collect the values in a local variable (a list "
        "appended to in a tensor loop becomes a TensorArray) and write them after the "
        "statement, or use a fixed key" % (
            _STATEMENT[kind], " at %s:%d" % where if where else "", writes))


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


def _in_library(filename):
    return "site-packages" in filename or "dist-packages" in filename
