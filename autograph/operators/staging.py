"""What staging an `if` and a loop share: state packing, the errors a staged statement
raises (`StagingError`, endless recursion, escaped graph values), the value helpers of the
builders (Python numbers against tensors, early-return values, undefined values) and the
staging of state written in place (`in_place=`, see in_place.py).
"""

import os
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


def _in_library(filename):
    return "site-packages" in filename or "dist-packages" in filename
