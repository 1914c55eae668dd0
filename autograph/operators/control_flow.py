"""`if_stmt`, `while_stmt`, `for_stmt`, `if_exp`: run Python control flow or stage it.

State is passed functionally: a body takes the variables it modifies and returns them (one
name -> the value, several -> a tuple, none -> None), and the helper returns the new values
in the same form.

With Python values or eager tensors the helpers are plain Python loops and branches (this path
is hot: no allocation beyond what the original code does). With a graph tensor condition or
iterable they build `cond` / `while_loop` through the condition's `Backend` (see dispatch.py).
The staging logic handles what TensorFlow leaves to the user:

* a variable undefined on one branch: early-return values (`retval*`) are filled with zeros of
  the other branch's dtype and shape; anything else is an error naming the variable, the branch
  that lacks it and the lines where it is assigned and used;
* variables undefined before a loop and assigned by its body start as zeros;
* a Python-number loop variable whose dtype the body changes (`s = 0; s += float_tensor`) is
  retried with the body's dtype;
* a Python list appended inside a staged loop becomes a backend list (a TensorArray);
* a Python loop whose condition or break flag becomes a tensor midway continues as a staged
  loop from the current state.
"""

import dis
import itertools
import logging
import os
import sys
import types
import warnings

from autograph import _config
from autograph.operators import dispatch
from autograph.operators import in_place as in_place_lib
from autograph.operators import sequences
from autograph.operators.variables import Undefined, UndefinedValueError

__all__ = ["if_stmt", "while_stmt", "for_stmt", "if_exp", "set_unroll_warning_threshold",
           "StagingError",
           "UnrollWarning"]

logger = logging.getLogger("autograph")

backend_for = dispatch.backend_for
python_types = dispatch.python_types

# A Python loop unrolled over more iterations than this while a graph is being built warns
# (UnrollWarning) and suggests a tensor loop. Configure with
# AUTOGRAPH_UNROLL_WARNING_ITERATIONS (read and checked in autograph/_config.py, with the other
# variables) or `set_unroll_warning_threshold`.
_config.validate()
_unroll_limit = _config.unroll_warning_iterations()


class UnrollWarning(UserWarning):
    """A Python loop was unrolled over many iterations while a graph was being built.

    Every iteration adds ops to the graph. Filter it like any warning, e.g.
    `warnings.filterwarnings("error", category=ag.UnrollWarning)` to make it an error.
    """


def set_unroll_warning_threshold(iterations):
    """Sets after how many unrolled iterations a Python loop building a graph warns.

    Returns the previous threshold.
    """
    global _unroll_limit
    previous, _unroll_limit = _unroll_limit, int(iterations)
    return previous


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


def _counting(body, what, names):
    """Wraps a Python loop body to warn once when it unrolls too many iterations."""
    limit = _unroll_limit
    count = [0]

    def counted(*args):
        count[0] += 1
        if count[0] == limit:
            _warn_unrolled(what, names, limit)
        return body(*args)
    counted.__wrapped__ = body  # in_place names are found in the body's closure
    return counted


def _warn_unrolled(what, names, count):
    warnings.warn(
        "a Python %s loop%s has been unrolled over %d iterations while building a graph; "
        "every iteration adds ops to the graph. If its condition or iterable should be a "
        "tensor, make it one (e.g. ag.range / a tensor bound) so it becomes a single graph "
        "while_loop." % (what, _loop_vars_text(names), count),
        UnrollWarning, stacklevel=_user_stacklevel())


def _user_stacklevel():
    """The `stacklevel` of the first caller outside this package: the converted code."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1  # the function that calls warnings.warn
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == here:
        frame, level = frame.f_back, level + 1
    return level


def _loop_vars_text(names):
    names = [n for n in (names or ()) if n]
    return " (loop variables: %s)" % ", ".join(names) if names else ""


# --- if ----------------------------------------------------------------------------------------

def if_stmt(cond, body, orelse, state, names, in_place=(), untracked=()):
    """`if cond: body else: orelse` over the state variables `names`.

    Args:
      cond: the condition (Python value, eager tensor or graph tensor).
      body, orelse: functions taking the state values and returning the new ones; `orelse`
        may be None (keeps the state).
      state: tuple of the current values of the variables the branches may modify.
      names: their names (for error messages).
      in_place: names of the variables and attributes/items the branches write in place
        (`'count'`, `'self.total'`, see in_place.py); ignored on Python values, carried like
        the state by a graph `cond`.
      untracked: `(source, line)` of attribute/item writes without a fixed name; an error
        (`UntrackedWriteError`) with a graph condition.

    Returns:
      the new state: the value for one variable, a tuple for several, None for none.

    Raises:
      UndefinedValueError: with a graph condition, a variable that is not an early-return
        value is assigned on one branch only.
      TypeError: with a graph condition, the branches give a variable different dtypes or
        structures.
    """
    if cond is True:
        return body(*state)
    if cond is not False:
        if type(cond) not in python_types:
            backend = backend_for(cond)
            if backend is not None:
                try:
                    if in_place or untracked:
                        return _unpack(_stage_in_place(
                            "if", backend, state, names, in_place, untracked, (body, orelse),
                            lambda s, n, fns: _IfBuilder(backend, s, n).build(cond, *fns)))
                    return _unpack(_IfBuilder(backend, state, names).build(cond, body, orelse))
                except RecursionError as e:
                    raise _endless_recursion(e) from None
        if cond:
            return body(*state)
    if orelse is not None:
        return orelse(*state)
    if len(state) == 1:
        return state[0]
    return _unpack(state)


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


def _check_escaped(backend, fn, names, what):
    """Raises if tracing `fn` (a branch or loop body) left a value of its own graph in an
    attribute of an object it closes over (`self`, `acc`) that the statement does not carry
    (not among its state `names`, e.g. 'self.total'): a method called there set it. The graph
    would compute that attribute once per trace, not per iteration or per branch taken."""
    user = _user_fn(fn)
    cells = getattr(user, "__closure__", None)
    if not cells:
        return
    for cell in cells:
        obj = _cell_value(cell)
        attrs = getattr(obj, "__dict__", None)
        if type(attrs) is not dict or isinstance(obj, (type, types.ModuleType)) \
                or callable(obj):
            continue
        for attr, v in attrs.items():
            if not backend.is_local(v):
                continue
            name = "%s.%s" % (_cell_name(user, cell), attr)
            if name in names:
                continue            # carried by the statement (an in_place location)
            where = _statement_frame_info()
            raise StagingError(
                "'%s' was set to a tensor computed in %s%s by code the statement does not carry "
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


def if_exp(cond, if_true, if_false):
    """`if_true() if cond else if_false()`; a graph condition builds a `cond`."""
    if cond is True:
        return if_true()
    if cond is not False:
        if type(cond) not in python_types:
            backend = backend_for(cond)
            if backend is not None:
                result = _IfBuilder(backend, (Undefined("<if expression>"),),
                                    ("<if expression>",), is_expression=True).build(
                    cond, lambda _: if_true(), lambda _: if_false())
                return result[0]
        if cond:
            return if_true()
    return if_false()


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


def _is_retval(name):
    return name.startswith("retval")


def _is_none_or_undefined(v):
    return v is None or type(v) is Undefined


_BRANCH = ("if-branch", "else-branch")


class _IfBuilder:
    """Stages one `if` over a graph condition.

    The `cond` outputs ("layout") are the state variables holding tensors, numbers or
    structures of them before the `if`, plus the undefined ones (either branch may define
    them). Variables holding other Python objects pass through and must not change. The
    second branch built sees the first one's outputs and reconciles: fills early-return
    values with zeros, checks structures, or asks for a rebuild (`_Retry`) when the
    first-built branch needed to know the second (it then traces both branches again).
    Python numbers against tensors are left to the backend's `cond`, which gives them the
    other branch's dtype.
    """

    def __init__(self, backend, state, names, is_expression=False):
        self.backend = backend
        self.state = tuple(state)
        n = len(self.state)
        self.names = tuple(names) if names else tuple("<var %d>" % k for k in range(n))
        self.is_expression = is_expression
        self.forced = set()      # positions forced into the layout by a retry
        self.fill = {}           # position -> spec of the zeros filling an undefined retval
        self.lists = {}          # position -> element spec: a Python list one branch lowered

    def build(self, pred, body, orelse):
        for _ in range(2 * len(self.state) + 2):
            try:
                return self._attempt(pred, body, orelse)
            except _Retry as r:
                if r.owner is not self:
                    raise
        raise AssertionError("autograph: staging this `if` did not converge")

    def _attempt(self, pred, body, orelse):
        b, state, n = self.backend, self.state, len(self.state)
        self.fns = (body, orelse)
        self.layout = layout = [
            k for k in range(n)
            if k in self.forced or type(state[k]) is Undefined or _carries(b, state[k])]
        self.in_layout = set(layout)
        self.list_lens = {k: len(v) for k, v in enumerate(state) if type(v) is list}
        self.outs = [None, None]

        def true_fn():
            return self._branch(0, body)

        def false_fn():
            return self._branch(1, orelse)

        result = b.cond(pred, true_fn, false_fn, tuple(self.names[k] for k in layout))
        if len(layout) == 1 and not isinstance(result, (list, tuple)):
            result = (result,)
        merged = list(self.outs[0])
        t_out, f_out = self.outs
        for pos, k in enumerate(layout):
            tv, fv = t_out[k], f_out[k]
            if type(tv) is Undefined and type(fv) is Undefined:
                merged[k] = tv
            elif _is_retval(self.names[k]) and _is_none_or_undefined(tv) \
                    and _is_none_or_undefined(fv):
                merged[k] = None
            elif _same_python_value(tv, fv):
                merged[k] = tv
            else:
                merged[k] = result[pos]
        return tuple(merged)

    def _branch(self, which, fn):
        b, state, n = self.backend, self.state, len(self.state)
        try:
            out = state if fn is None else _normalize(fn(*state), n, _BRANCH[which])
        except Exception as e:
            # A list the branch appended to is the root cause of what failed after it (e.g.
            # a loop further down the branch that sees the list, or a value holding it,
            # change structure): report that, and let an enclosing loop lower the list.
            self._check_lists(which, e)
            err = _user_exception(e, "the %s of a tensor-dependent `if`" % _BRANCH[which])
            if err is None:
                raise
            raise err from e
        self._check_lists(which)
        if fn is not None:
            _check_escaped(b, fn, self.names,
                           "the %s of a tensor-dependent `if`" % _BRANCH[which])
        self.outs[which] = out
        other = self.outs[1 - which]
        # Variables outside the layout hold Python objects: both branches must agree on them.
        for k in range(n):
            if k in self.in_layout:
                continue
            v = out[k]
            if other is not None:
                self._lowered_list(k, v, other[k])
            if _carries(b, v):
                if other is None or _carries(b, other[k]):
                    self.forced.add(k)  # a tensor-valued variable after all: a cond output
                    raise _Retry(self)
                self._mismatch(k, which, v, other[k], _BRANCH[1 - which])
            if other is not None and not _same_python_value(v, other[k]):
                self._mismatch(k, which, v, other[k], _BRANCH[1 - which])
        result = []
        for k in self.layout:
            v = out[k]
            ov = None if other is None else other[k]
            if k in self.lists:
                v = self._as_list(k, v)
                if type(ov) is list:
                    ov = v       # lowered alike in the other branch's output
            elif other is not None:
                self._lowered_list(k, v, ov)
            if type(v) is Undefined:
                v = self._undefined_output(k, which, other)
            elif not _carries(b, v):
                if v is None and _is_retval(self.names[k]) and _is_none_or_undefined(ov):
                    v = b.to_value(False)  # `return None` vs no return: stays None
                elif other is None:
                    self._mismatch(k, which, v, state[k], "before the `if`")
                else:
                    self._mismatch(k, which, v, ov, _BRANCH[1 - which])
            elif other is not None:
                v = self._reconcile(k, which, v, ov)
            result.append(v)
        return tuple(result)

    def _check_lists(self, which, cause=None):
        state = self.state
        for k, n0 in self.list_lens.items():
            lst = state[k]
            if len(lst) != n0:
                appended = lst[n0:]
                del lst[n0:]
                raise _ListMutated(
                    "list '%s' is modified in place inside the %s of a tensor-dependent "
                    "`if`; a graph `cond` cannot append to or pop from a Python list. Build "
                    "the list in a tensor loop (it becomes a TensorArray) or use a tensor."
                    % (self.names[k], _BRANCH[which]), lst, appended) from cause

    def _as_list(self, k, v):
        if type(v) is not list:
            return v
        b, spec = self.backend, self.lists[k]
        return b.new_list(spec, [x if b.is_value(x) else b.to_value(x, spec.dtype) for x in v])

    def _lowered_list(self, k, v, ov):
        """One branch lowered a Python list to a backend list (it appended to it in a tensor
        loop), the other kept the Python list: rebuild, lowering it in both branches."""
        b = self.backend
        if type(v) is list and b.is_list(ov):
            spec = b.list_spec(ov)
        elif type(ov) is list and b.is_list(v):
            spec = b.list_spec(v)
        else:
            return
        if k not in self.lists:
            self.lists[k] = spec
            self.forced.add(k)
            raise _Retry(self)

    def _undefined_output(self, k, which, other):
        b = self.backend
        if k in self.fill:
            return b.zeros(self.fill[k])
        if other is None or _is_none_or_undefined(other[k]):
            # A placeholder output: discarded if the variable ends up undefined (or None) on
            # both paths, else the second branch reconciles.
            if other is not None and other[k] is None and not _is_retval(self.names[k]):
                self._mismatch(k, which, other[k], Undefined(self.names[k]),
                               _BRANCH[1 - which])
            return b.to_value(False)
        if not _is_retval(self.names[k]):
            self._undefined_error(k, which, 1 - which)
        if not _carries(b, other[k]):
            self._mismatch(k, 1 - which, other[k], Undefined(self.names[k]), _BRANCH[which])
        # An early-return value: zeros shaped like the other branch's.
        self.fill[k] = b.spec(_as_values(b, other[k]))
        return b.zeros(self.fill[k])

    def _reconcile(self, k, which, v, ov):
        """Second-built branch: match the first branch's value at position k."""
        b = self.backend
        if k in self.fill:
            return v  # the first-built branch filled its undefined retval with zeros
        if _carries(b, ov) and not b.same_structure(v, ov):
            where = _user_frame_info()
            at = " at %s:%d" % where if where else ""
            if _is_retval(self.names[k]) and not self.is_expression:
                raise TypeError(
                    "the function returns %s on one path and %s on another, depending on a "
                    "tensor-dependent `if`%s; in a graph every path must return the same "
                    "structure (a Python list appended in a tensor loop becomes a "
                    "TensorArray)" % (b.structure_text(v), b.structure_text(ov), at))
            what = ("the conditional expression" if self.is_expression
                    else "'%s'" % self.names[k])
            raise TypeError(
                "%s has different structures in the two branches of a tensor-dependent `if`%s: "
                "%s in the %s, %s in the %s" % (
                    what, at, b.structure_text(v), _BRANCH[which], b.structure_text(ov),
                    _BRANCH[1 - which]))
        if type(ov) is Undefined or ov is None:
            if not _is_retval(self.names[k]):
                if ov is None:
                    self._mismatch(k, which, v, ov, _BRANCH[1 - which])
                self._undefined_error(k, 1 - which, which)
            if ov is None:
                self._mismatch(k, which, v, ov, _BRANCH[1 - which])
            self.fill[k] = b.spec(_as_values(b, v))
            raise _Retry(self)  # the first-built branch must produce the zeros
        # Python numbers against tensors: the backend's cond adapts them to the other
        # branch's dtype (a Backend contract).
        return v

    def _mismatch(self, k, which, v, ov, other_label):
        b = self.backend
        if _is_retval(self.names[k]):
            where = _user_frame_info()
            raise TypeError(
                "the function returns %s on one path and %s on another, depending on a "
                "tensor-dependent `if`%s; in a graph every path must return tensors of the "
                "same dtype and structure (a path that ends without `return` returns None)"
                % (_describe(b, v), _describe(b, ov), " at %s:%d" % where if where else ""))
        what = "conditional expression" if self.is_expression else "'%s'" % self.names[k]
        raise TypeError(
            "%s is %s in the %s of a tensor-dependent `if` but %s in the %s; a graph `cond` "
            "can only select between tensors (or structures of tensors) of the same dtype"
            % (what, _describe(b, v), _BRANCH[which], _describe(b, ov), other_label))

    def _undefined_error(self, k, lacking, defining):
        name = self.names[k]
        where = _user_frame_info()
        if type(self.state[k]) is not Undefined:
            # Defined before the `if`, so the lacking branch deleted it (`del self.x`).
            raise UndefinedValueError(
                "'%s' is deleted in the %s but not in the %s of a tensor-dependent `if`%s. A "
                "graph `cond` needs a value from both branches: delete it in both branches, "
                "or after the `if`." % (name, _BRANCH[lacking], _BRANCH[defining],
                                        " at %s:%d" % where if where else ""))
        assigned = _assignment_line(name, self.fns[defining])
        used = _use_line_after_if(name)
        parts = ["'%s' is assigned in the %s" % (name, _BRANCH[defining])]
        if assigned:
            parts.append(" (line %d)" % assigned)
        parts.append(" but not in the %s of a tensor-dependent `if`" % _BRANCH[lacking])
        if where:
            parts.append(" at %s:%d" % where)
        if used:
            parts.append(", and it is used afterwards (line %d)" % used)
        parts.append(". A graph `cond` needs a value from both branches: assign '%s' before "
                     "the `if` or in the %s too." % (name, _BRANCH[lacking]))
        raise UndefinedValueError("".join(parts))


# --- source locations for error messages -------------------------------------------------------

_OUR_FILES = None


def _is_ours(code):
    global _OUR_FILES
    if _OUR_FILES is None:
        here = os.path.dirname(os.path.abspath(__file__))
        _OUR_FILES = (here, os.path.join(os.path.dirname(here), "runtime"))
    return code.co_filename.startswith(_OUR_FILES)


def _helper_caller_frame(helpers=None):
    """The frame that called if_stmt (the converted function)."""
    if helpers is None:
        helpers = (if_stmt.__code__,)
    f = sys._getframe(1)
    while f is not None:
        if f.f_code in helpers:
            return f.f_back
        f = f.f_back
    return None


def _statement_frame_info():
    """(file, line) of the innermost converted statement being staged, or None."""
    f = _helper_caller_frame((if_stmt.__code__, while_stmt.__code__, for_stmt.__code__))
    return (f.f_code.co_filename, f.f_lineno) if f is not None else None


def _user_frame_info():
    f = _helper_caller_frame()
    if f is None:
        return None
    return (f.f_code.co_filename, f.f_lineno)


def _instr_lines(code):
    line = None
    for ins in dis.get_instructions(code):
        pos = getattr(ins, "positions", None)
        if pos is not None and pos.lineno is not None:
            line = pos.lineno
        elif ins.starts_line is not None:
            line = ins.starts_line
        yield ins, line


def _assignment_line(name, fn):
    """Line of the first store to `name` in the branch function `fn` (best effort)."""
    code = getattr(fn, "__code__", None)
    todo = [code] if code is not None else []
    while todo:
        code = todo.pop(0)
        for ins, line in _instr_lines(code):
            if ins.opname in ("STORE_FAST", "STORE_DEREF", "STORE_NAME") and ins.argval == name:
                return line
        todo.extend(c for c in code.co_consts if hasattr(c, "co_code"))
    return None


def _user_fn(fn):
    """The user's function inside the wrappers staging puts around a branch or loop body."""
    for _ in range(6):
        fn = getattr(fn, "__wrapped__", fn)
        code = getattr(fn, "__code__", None)
        if code is None or not _is_ours(code):
            return fn
        nested = [f for f in map(_cell_value, fn.__closure__ or ())
                  if hasattr(f, "__code__")]
        inner = [f for f in nested if not _is_ours(f.__code__)]
        if inner:
            return inner[-1]
        if not nested:
            return fn
        fn = nested[-1]
    return fn


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:          # an empty cell
        return None


def _use_line_after(name, helpers):
    """First line reading `name` after the statement being staged (best effort)."""
    f = _helper_caller_frame(helpers)
    if f is None:
        return None
    for ins, line in _instr_lines(f.f_code):
        if ins.offset > f.f_lasti and ins.opname in (
                "LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME") and ins.argval == name:
            return line
    return None


def _use_line_after_if(name):
    f = _helper_caller_frame()
    if f is None:
        return None
    for ins, line in _instr_lines(f.f_code):
        if ins.offset > f.f_lasti and ins.opname in (
                "LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME") and ins.argval == name:
            return line
    return None


# --- while ---------------------------------------------------------------------------------------

def while_stmt(test, body, state, names, in_place=(), untracked=(), opts=None):
    """`while test: body` over the state variables `names`.

    Args:
      test: function of the state values returning the loop condition.
      body: function of the state values returning the new values.
      state: tuple of the current values; names: their names.
      in_place, untracked: as for `if_stmt` (used only when the loop is staged).

    Returns:
      the final state (the value for one variable, a tuple for several, None for none).

    A graph condition builds a `while_loop`; a condition that becomes a graph tensor after
    some Python iterations continues as a `while_loop` from the current state.
    """
    n = len(state)
    if _unroll_limit > 0 and dispatch.building_graph():
        body = _counting(body, "while", names)
    if n == 1:
        (v,) = state
        while True:
            c = test(v)
            if c is not True:
                if c is False:
                    return v
                if type(c) not in python_types:
                    backend = backend_for(c)
                    if backend is not None:
                        return _stage_while(backend, test, body, (v,), names, in_place,
                                            untracked, opts)[0]
                if not c:
                    return v
            v = body(v)
    if n == 0:
        while True:
            c = test()
            if c is not True:
                if c is False:
                    return None
                if type(c) not in python_types:
                    backend = backend_for(c)
                    if backend is not None:
                        _stage_while(backend, test, body, (), names, in_place, untracked, opts)
                        return None
                if not c:
                    return None
            body()
    state = tuple(state)
    while True:
        c = test(*state)
        if c is not True:
            if c is False:
                return state
            if type(c) not in python_types:
                backend = backend_for(c)
                if backend is not None:
                    return _stage_while(backend, test, body, state, names, in_place,
                                        untracked, opts)
            if not c:
                return state
        state = body(*state)


def _stage_while(backend, test, body, state, names, in_place=(), untracked=(), opts=None):
    if in_place or untracked:
        return _stage_in_place("while", backend, state, names, in_place, untracked,
                               (test, body), lambda s, n, fns: _stage_while(backend, *fns, s, n, opts=opts))
    n = len(state)

    def body_fn(*s):
        return _normalize(body(*s), n)

    return _LoopBuilder(backend, state, names, body, _loop_options(opts)).build(test, body_fn)


def _loop_options(opts):
    """The backend `while_loop` options from `ag.set_loop_options` (lifted into `opts=` by
    the loop_options converter): `maximum_iterations`, `shape_invariants` (a dict name ->
    shape), `parallel_iterations`, `swap_memory`."""
    if not opts:
        return {}
    return {k: v for k, v in dict(opts).items() if v is not None}


# --- for -----------------------------------------------------------------------------------------

def for_stmt(iterable, extra_test, body, state, names, in_place=(), untracked=(),
             opts=None):
    """`for target in iterable: body` over the state variables `names`.

    Args:
      iterable: what to iterate: Python iterables run as Python; a graph tensor iterates
        its first dimension; `range`/`enumerate`/`zip` over tensors (from converted_call)
        and backend lists (TensorArray) are staged by index.
      extra_test: None, or a function of the state returning False to stop (break).
      body: function `body(target, *state)` returning the new state values.
      state, names: the current values of the variables the body modifies, and their names.
      in_place, untracked: as for `if_stmt` (used only when the loop is staged).

    Returns:
      the final state (the value for one variable, a tuple for several, None for none).
    """
    if type(iterable) not in python_types:
        backend = backend_for(iterable)
        if backend is not None:
            return _unpack(_stage_for(backend, iterable, extra_test, body, tuple(state), names,
                                      in_place, untracked, opts))
    n = len(state)
    if _unroll_limit > 0:
        t = type(iterable)
        if t is list or t is tuple or t is range or t is dict:
            if len(iterable) > _unroll_limit and dispatch.building_graph():
                _warn_unrolled("for", names, len(iterable))
        elif dispatch.building_graph():
            body = _counting(body, "for", names)
    if extra_test is None:
        if n == 1:
            (v,) = state
            for x in iterable:
                v = body(x, v)
            return v
        if n == 0:
            for x in iterable:
                body(x)
            return None
        state = tuple(state)
        for x in iterable:
            state = body(x, *state)
        return state
    # With a break (or return): the extra test runs before each `next()`, so that a loop
    # that stops never asks its iterator for one more item (Python's `break` leaves the loop
    # without calling `next()`). It may turn into a graph tensor midway.
    state = tuple(state)
    c = extra_test(*state)
    if c is not True:
        stop = _stop(c)
        if stop is not None:
            if stop:
                return _unpack(state)
            return _unpack(_switch_to_staged(c, iterable, None, 0, extra_test, body, state,
                                             names, in_place, untracked, opts))
    it = iter(iterable)
    k = 0
    while True:
        # next() on `it` itself: `for x in it` would call `iter(it)` a second time (an
        # iterator's __iter__ may do more than return itself).
        try:
            x = next(it)
        except StopIteration:
            break
        if n == 1:
            state = (body(x, *state),)
        elif n:
            state = body(x, *state)
        else:
            body(x)
        k += 1
        c = extra_test(*state)
        if c is not True:
            stop = _stop(c)
            if stop is None:
                return _unpack(_switch_to_staged(c, iterable, it, k, extra_test, body, state,
                                                 names, in_place, untracked, opts))
            if stop:
                break
    return _unpack(state)


def _stop(c):
    """Whether the loop's extra test `c` (not `True`) stops it: True/False, or None for a
    graph tensor (the rest of the loop is staged)."""
    if c is False:
        return True
    if type(c) not in python_types and backend_for(c) is not None:
        return None
    return not c


def _switch_to_staged(c, iterable, it, k, extra_test, body, state, names, in_place,
                      untracked, opts=None):
    backend = backend_for(c)
    rest = _remaining(iterable, it, k)
    if not rest:
        return state       # the last item has run: nothing is left to stage
    return _stage_for(backend, rest, extra_test, body, state, names, in_place, untracked,
                      opts)


# The most items of a Python iterator that a loop switching to a staged loop midway reads
# ahead (the staged loop needs them all while it is built); one more is an error.
MAX_STAGED_REMAINING = 100000


def _remaining(iterable, it, k):
    """The items not yet run when a Python `for` loop switches to a staged loop after `k`
    iterations (`it` is the Python iterator in use, None before the first `next()`).

    A range, list or tuple is sliced (nothing more is read from it). Any other iterable is
    read to its end, as the staged loop needs all its items at once; an iterator that yields
    more than MAX_STAGED_REMAINING further items is refused (it may be endless, like
    `itertools.count()`).
    """
    t = type(iterable)
    if t is range or t is list or t is tuple:
        return iterable[k:]
    if it is None:
        it = iter(iterable)
    rest = list(itertools.islice(it, MAX_STAGED_REMAINING + 1))
    if len(rest) > MAX_STAGED_REMAINING:
        where = _statement_frame_info()
        raise TypeError(
            "the `for` loop%s over a Python %s stops (break/return) on a graph tensor "
            "condition after %d iterations, so the rest of the loop must be a graph "
            "while_loop, which needs all its remaining items while the graph is built; the "
            "iterator yielded more than %d further items (is it endless, like "
            "itertools.count()?). Loop over a tensor or ag.range(n), or write a `while` "
            "loop with a tensor condition"
            % (" at %s:%d" % where if where else "", type(iterable).__name__, k,
               MAX_STAGED_REMAINING))
    return rest


def _stage_for(backend, iterable, extra_test, body, state, names, in_place=(), untracked=(),
               opts=None):
    if in_place or untracked:
        return _stage_in_place(
            "for", backend, state, names, in_place, untracked, (extra_test, body),
            lambda s, n, fns: _stage_for(backend, iterable, fns[0], fns[1], s, n, opts=opts))
    seq = sequences.as_sequence(backend, iterable)
    n = len(state)
    length = seq.length()
    if type(length) is int and length == 0:
        return tuple(state)     # nothing to iterate (e.g. a Python loop switched at its end)
    dtype = seq.index_dtype()
    i0 = backend.to_value(0, dtype)

    def test_fn(i, *s):
        c = i < length
        if extra_test is not None:
            more = extra_test(*s)
            if more is not True:
                if more is False:
                    return backend.to_value(False)
                c = backend.logical_and(c, more)
        return c

    def body_fn(i, *s):
        out = _normalize(body(seq.item(i), *s), n)
        return (i + 1,) + out

    names = ("<for index>",) + tuple(names or ("<var %d>" % k for k in range(n)))
    options = _loop_options(opts)
    if type(length) is int:
        # A static trip count lets a backend build a fixed-length loop (JAX: lax.scan, which
        # reverse-mode autodiff supports); `exact`: no break, every iteration runs.
        options["static_trip_count"] = (length, extra_test is None)
    result = _LoopBuilder(backend, (i0,) + tuple(state), names, body, options).build(
        test_fn, body_fn)
    return result[1:]


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


# --- the staged loop ------------------------------------------------------------------------------

_VAR, _CONST, _UNDEF, _LIST = "var", "const", "undefined", "list"


class _LoopBuilder:
    """Stages one loop over graph tensors.

    Each state variable is a loop variable (tensors, numbers, structures of them, backend
    lists), passes through unchanged (other Python objects), is undefined (excluded until the
    body is seen to define it), or is a Python list (passes through until the body appends to
    it, then it is lowered to a backend list). What tracing the body reveals is recorded and
    the loop rebuilt (`_Retry`).
    """

    def __init__(self, backend, state, names, body=None, options=None):
        self.backend = backend
        self.options = options or {}  # keyword arguments of the backend's while_loop
        self.state = tuple(state)
        n = len(self.state)
        self.names = tuple(names) if names else tuple("<var %d>" % k for k in range(n))
        self.body = body          # the user's loop body (for the lines in error messages)
        # position -> whether it has a value at entry (False, or a bool tensor): variables the
        # loop may leave without a value (see _created)
        self.created = {}
        state = list(self.state)
        for k, v in enumerate(state):
            unchecked = backend.unchecked(v) if backend.is_value(v) else None
            if unchecked is not None:
                # A value an earlier loop may not have made: carried with its flag.
                self.created[k], state[k] = unchecked
        self.state = tuple(state)
        self.kinds = []
        for v in self.state:
            if type(v) is Undefined:
                self.kinds.append(_UNDEF)
            elif type(v) is list:
                self.kinds.append(_LIST)
            elif _carries(backend, v):
                self.kinds.append(_VAR)
            else:
                self.kinds.append(_CONST)
        self.init = {}       # position -> ("zeros", spec) or ("list", spec, items): what
        #                      replaces the state's value at entry (made in the outer graph)
        self.dtypes = {}     # (position, leaf) -> dtype for a Python-number leaf

    def build(self, test, body):
        for _ in range(3 * len(self.state) + 3):
            try:
                return self._attempt(test, body)
            except _Retry as r:
                if r.owner is not self:
                    raise
        raise AssertionError("autograph: staging this loop did not converge")

    def _initial_vars(self):
        """The loop variables' initial values; records which flat leaves may be retried
        with another dtype (those converted from Python numbers, and zeros we created)."""
        b = self.backend
        self.var_pos = [k for k, kind in enumerate(self.kinds) if kind is _VAR]
        values, self.leaf_owner = [], []
        for k in self.var_pos:
            v = self._entry_value(k)
            ours = k in self.init and self.init[k][0] == "zeros"
            structured = not (b.is_value(v) or _is_scalar_like(v))
            leaves = b.flatten(v) if structured else [v]
            conv = []
            for j, leaf in enumerate(leaves):
                dtype = self.dtypes.get((k, j))
                if b.is_value(leaf):
                    if dtype is not None:
                        leaf = b.cast(leaf, dtype)
                    conv.append(leaf)
                    width = len(b.flatten(leaf))
                    self.leaf_owner.extend((k, j, ours and width == 1) for _ in range(width))
                else:
                    conv.append(b.to_value(leaf, dtype))
                    self.leaf_owner.append((k, j, True))
            values.append(b.pack(v, conv) if structured else conv[0])
        return values

    def _entry_value(self, k):
        plan = self.init.get(k)
        if plan is None:
            return self.state[k]
        b = self.backend
        if plan[0] == "zeros":
            return b.zeros(plan[1])
        return b.new_list(plan[1], [_as_values(b, x) for x in plan[2]])

    def _expand(self, loop_vars):
        full = list(self.state)
        for k, v in zip(self.var_pos, loop_vars):
            full[k] = v
        return full

    def _attempt(self, test, body):
        b = self.backend
        init = self._initial_vars()
        list_lens = {k: len(self.state[k]) for k, kind in enumerate(self.kinds)
                     if kind is _LIST}
        self.invariant = set()

        # A variable the loop may leave without a value (only the body assigns it) is carried
        # with a bool loop variable saying whether it has one; the body sees it checked (a use
        # before assignment fails at run time, as in Python).
        created = [k for k in self.var_pos if k in self.created]
        n_vars = len(self.var_pos)
        flag_of = {k: n_vars + j for j, k in enumerate(created)}
        message = {k: self._message(k) for k in created}

        # (Only with a backend whose checks are pure and can be unwrapped, `unchecked`: a check
        # that runs whether or not the value is used would fail on the first iteration.)
        lazy = type(b).unchecked is not dispatch.Backend.unchecked

        def visible(loop_vars):
            vals = list(loop_vars[:n_vars])
            if not lazy:
                return vals
            for pos, k in enumerate(self.var_pos):
                if k in flag_of:
                    vals[pos] = b.check_defined(loop_vars[flag_of[k]], vals[pos], message[k])
            return vals

        def test_fn(*loop_vars):
            try:
                c = test(*self._expand(visible(loop_vars) if created else loop_vars))
            except Exception as e:
                err = _user_exception(e, "the condition of a tensor-dependent loop")
                if err is None:
                    raise
                raise err from e
            if type(c) is bool:
                c = b.to_value(c)
            return c

        def body_fn(*loop_vars):
            self.invariant = set()  # per trace: the runtime retraces when shapes relax
            seen = visible(loop_vars) if created else loop_vars
            try:
                out = body(*self._expand(seen))
            except Exception as e:
                err = _user_exception(e, "the body of a tensor-dependent loop")
                if err is None:
                    raise
                raise err from e
            _check_escaped(b, self.body, self.names, "the body of a tensor-dependent loop")
            out = self._check(out, seen, list_lens)
            if not created:
                return out
            out, flags = list(out), []
            for pos, k in enumerate(self.var_pos):
                if k in flag_of:
                    unchecked = b.unchecked(out[pos])
                    if unchecked is None:
                        flags.append(b.to_value(True))
                    else:
                        flag, out[pos] = unchecked
                        flags.append(flag)
            return tuple(out) + tuple(flags)

        names = tuple(self.names[k] for k in self.var_pos)
        if created:
            init.extend(b.to_value(self.created[k]) for k in created)
            names += tuple("<%s has a value>" % self.names[k] for k in created)
        try:
            if self.options and b.loop_options:
                result = b.while_loop(test_fn, body_fn, tuple(init), names, **self.options)
            else:
                result = b.while_loop(test_fn, body_fn, tuple(init), names)
        except b.loop_var_mismatch as e:
            if self._retry_dtype(e, init):
                raise _Retry(self) from None
            raise
        except _ListMutated as e:
            if not self._lower_list(e.lst, e.appended, list_lens):
                raise
            raise _Retry(self) from None
        except TypeError:
            # e.g. `s = 0; s += float_tensor`: the int32 loop variable meets a float32 tensor.
            if self._probe_python_numbers(body, init):
                raise _Retry(self) from None
            raise
        finally:
            for k, n0 in list_lens.items():
                del self.state[k][n0:]
        if not isinstance(result, (list, tuple)):
            result = (result,)
        final = list(self.state)
        for pos, k in enumerate(self.var_pos):
            if k in self.invariant and k not in self.init:
                final[k] = self.state[k]
            elif k in flag_of:
                try:
                    final[k] = b.check_defined(result[flag_of[k]], result[pos], message[k])
                except NotImplementedError:
                    raise UndefinedValueError(message[k].replace(
                        "which ran zero times", "which may run zero times")) from None
            else:
                final[k] = result[pos]
        return tuple(final)

    def _message(self, k):
        """Variable k may have no value after the loop: only the loop body assigns it, and
        the loop may run zero times. Python then raises at its use; the graph must not invent
        a value: the value is checked at run time, when it is used. The error message."""
        name = self.names[k]
        where = _statement_frame_info()
        base = name.split("[", 1)[0].split(".", 1)[0]
        assigned = _assignment_line(name, _user_fn(self.body)) if base == name else None
        used = _use_line_after(base, (while_stmt.__code__, for_stmt.__code__))
        at = " at %s:%d" % where if where else ""
        if base == name:
            message = (
                "'%s' is assigned only inside the tensor-dependent loop%s%s and has no value "
                "where it is used%s: the loop ran zero times (or the use comes before the "
                "assignment), and Python raises UnboundLocalError there. Give '%s' a value "
                "before the loop." % (
                    name, at, " (line %d)" % assigned if assigned else "",
                    " (line %d)" % used if used else "", name))
        else:
            message = (
                "'%s' is set only inside the tensor-dependent loop%s, which ran zero times: "
                "Python would not have created it, and a graph cannot make a value exist or "
                "not depending on how often a loop runs. Give '%s' a value before the loop."
                % (name, at, name))
        return message

    def _check(self, out, loop_vars, list_lens):
        b = self.backend
        res = []
        pos = 0
        for k, kind in enumerate(self.kinds):
            v = out[k]
            name = self.names[k]
            if kind is _VAR:
                lv = loop_vars[pos]
                pos += 1
                if v is lv:
                    self.invariant.add(k)
                elif type(v) is Undefined:
                    raise UndefinedValueError(
                        "loop variable '%s' becomes undefined in the body of a "
                        "tensor-dependent loop" % name)
                elif not _carries(b, v):
                    self._loop_type_error(name, lv, v)
                elif not b.same_structure(lv, v):
                    if _is_retval(name):
                        where = _statement_frame_info()
                        raise TypeError(
                            "the function returns %s on one path and %s on another, inside a "
                            "tensor-dependent loop%s; in a graph every path must return the "
                            "same structure (a Python list appended in a tensor loop becomes "
                            "a TensorArray)" % (b.structure_text(lv), b.structure_text(v),
                                                " at %s:%d" % where if where else ""))
                    raise TypeError(
                        "'%s' changes structure in an iteration of a tensor-dependent loop: "
                        "%s before, %s after; a graph while_loop needs the same structure "
                        "every iteration" % (name, b.structure_text(lv), b.structure_text(v)))
                # Python numbers adopt the loop variable's dtype in the backend's while_loop.
                res.append(v)
            elif kind is _UNDEF:
                if type(v) is Undefined:
                    continue
                if not _carries(b, v):
                    self._loop_type_error(name, self.state[k], v)
                # Defined by the body: start it as zeros of the body's dtype and shape. Unless
                # it is an early-return value (guarded by the return flag), the zeros must never
                # be seen: its value after the loop is checked (see _created).
                self.init[k] = ("zeros", b.spec(_as_values(b, v)))
                self.kinds[k] = _VAR
                if not _is_retval(name):
                    if type(b).check_defined is dispatch.Backend.check_defined:
                        # This backend cannot check at run time: refuse at trace time.
                        raise UndefinedValueError(self._message(k).replace(
                            "which ran zero times", "which may run zero times"))
                    self.created[k] = False
                raise _Retry(self)
            elif kind is _LIST:
                orig = self.state[k]
                if v is orig and len(v) == list_lens[k]:
                    continue
                if v is orig and len(v) > list_lens[k]:
                    first = self._first_item(name, v[list_lens[k]])
                    self.init[k] = ("list", b.spec(first), list(v[:list_lens[k]]))
                    self.kinds[k] = _VAR
                    raise _Retry(self)
                if v is orig:
                    raise NotImplementedError(
                        "list '%s' is shortened (pop) inside a tensor-dependent loop; only "
                        "appending to a list is supported there" % name)
                if b.is_list(v):  # an inner staged loop already lowered it
                    # (only the items from before this loop: the body's own appends to the
                    # Python list are undone when the loop is rebuilt)
                    self.init[k] = ("list", b.list_spec(v), list(orig[:list_lens[k]]))
                    self.kinds[k] = _VAR
                    raise _Retry(self)
                if _carries(b, v):
                    self.kinds[k] = _VAR
                    raise _Retry(self)
                self._loop_type_error(name, orig, v)
            else:  # _CONST
                if _same_python_value(v, self.state[k]):
                    continue
                if _carries(b, v) and _carries(b, self.state[k]):
                    self.kinds[k] = _VAR
                    raise _Retry(self)
                self._loop_type_error(name, self.state[k], v)
        return tuple(res)

    def _first_item(self, name, item):
        """A value appended to list `name` in the loop, as a tensor (the TensorArray's spec)."""
        if not _carries(self.backend, item):
            raise TypeError(
                "list '%s' is appended %s inside a tensor-dependent loop; a list appended to "
                "in a graph loop becomes a TensorArray, which holds tensors only (collect the "
                "values in a Python loop, or append tensors)"
                % (name, _describe(self.backend, item)))
        return _as_values(self.backend, item)

    def _lower_list(self, lst, appended, list_lens):
        """Lowers the LIST-kind state variable holding `lst` (appended to in a nested `if`)."""
        b = self.backend
        for k, kind in enumerate(self.kinds):
            if kind is _LIST and self.state[k] is lst and appended:
                # Only the items from before the loop: the body may have appended to the
                # Python list before the `if` failed (those items are removed on retry).
                self.init[k] = ("list", b.spec(self._first_item(self.names[k], appended[0])),
                                list(lst[:list_lens[k]]))
                self.kinds[k] = _VAR
                return True
        return False

    def _retry_dtype(self, e, init):
        """A loop variable that started as a Python number (or as zeros we made up) and
        whose dtype the body changes: retry it with the body's dtype."""
        index = getattr(e, "index", None)
        if type(index) is not int or not (0 <= index < len(self.leaf_owner)):
            return False
        k, j, adjustable = self.leaf_owner[index]
        if not adjustable or (k, j) in self.dtypes:
            return False
        self.dtypes[(k, j)] = e.actual
        return True

    def _probe_python_numbers(self, body, init):
        """After a failed trace: traces the body once more (into a throwaway graph) with the
        loop variables that started as Python numbers left as Python numbers, and records the
        dtypes the body gives them. Returns True if a retry with those dtypes may help."""
        b = self.backend
        weak = [(pos, k, j) for pos, (k, j, adjustable) in enumerate(self.leaf_owner)
                if adjustable and (k, j) not in self.dtypes]
        if not weak:
            return False
        full = self._expand(init)
        for _, k, _ in weak:
            if k not in self.init:
                full[k] = self.state[k]
        try:
            out = b.trace_only(lambda: body(*full))
        except Exception:  # noqa: BLE001 - the probe is best effort; the caller re-raises
            return False
        changed = False
        for _, k, j in weak:
            try:
                before = b.dtype(b.flatten(init[self.var_pos.index(k)])[j])
                leaf = b.flatten(out[k])[j]
                after = b.dtype(leaf) if b.is_value(leaf) else None
            except Exception:  # noqa: BLE001
                continue
            if after is not None and after != before:
                self.dtypes[(k, j)] = after
                changed = True
        return changed

    def _loop_type_error(self, name, before, after):
        b = self.backend
        raise TypeError(
            "'%s' is %s before an iteration of a tensor-dependent loop but %s after it; "
            "a graph while_loop can only carry tensors (or nested structures of tensors) "
            "whose dtype and structure stay the same" % (name, _describe(b, before),
                                                         _describe(b, after)))
