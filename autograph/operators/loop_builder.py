"""`_LoopBuilder`: stages a `while`/`for` loop as one `while_loop` of its backend (loop
variables undefined before the loop, Python-number dtype retries, lists lowered to backend
lists, values a loop that may run zero times leaves unassigned).
"""

import linecache
import os
import re

from autograph.operators import dispatch
from autograph.operators.frames import (_assignment_line, _statement_frame_info, _use_line_after,
                                        _user_fn, helper_codes)
from autograph.operators.staging import (StagingError, _ListMutated, _Retry, _as_values,
                                         _carries, _check_escaped, _describe, _in_library,
                                         _in_package, _snapshot, _is_scalar_like,
                                         number_keeps_value,
                                         _same_python_value, _user_exception)
from autograph.operators import generated_names
from autograph.operators.variables import Undefined, UndefinedValueError

__all__ = []


def _is_retval(name):
    return generated_names.is_retval(name, ("while", "for"))


# --- Python numbers that the staged loop makes tensors ---------------------------------------------

_NEEDS_A_NUMBER = (TypeError, IndexError, ValueError, KeyError)
# What the errors of a tensor where Python needs a concrete value say (JAX's concretization
# and index errors, an unhashable tracer, a staged range iterated by Python); other errors
# (a dtype mismatch, which a retry may fix) are left as they are.
_CONCRETE_WORDS = ("tracer", "concrete", "static", "unhashable", "iterated by python")
_STDLIB = os.path.dirname(os.__file__) + os.sep


class StagedNumberDtypeError(StagingError, TypeError):
    """A loop variable that was a Python number is given a dtype by the loop body that
    cannot hold that number (see `_LoopBuilder._check_number`)."""


class StagedPythonNumberError(StagingError, TypeError):
    """A loop variable that was a Python number is a tensor where the staged loop needs a
    Python value (see `_python_number_error`)."""


def _python_number_error(e, numbers, part):
    """The StagingError replacing `e`, raised while tracing the `part` ("body" / "condition")
    of a staged loop on a line of the user's that reads a loop variable which was a Python
    number before the loop (`numbers`, name -> what it was): staged, it is a tensor, and
    that line needs a concrete Python value (`range(i)`, `v[:i]`, a dict key, a shape), which
    plain Python had. None if `e` is not such an error (it is then reported as before)."""
    while type(e) is StagingError and e.__cause__ is not None:
        e = e.__cause__      # (raised in a traced `if` branch or `and` / `or` of the loop)
    if not numbers or not isinstance(e, _NEEDS_A_NUMBER) or isinstance(e, StagingError):
        return None
    said = (type(e).__name__ + " " + str(e)).lower()
    if not any(word in said for word in _CONCRETE_WORDS):
        return None
    tb, user = e.__traceback__, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not (_in_package(filename) or _in_library(filename)
                or filename.startswith(_STDLIB)):
            user = tb
        tb = tb.tb_next
    if user is None:
        return None
    filename, line = user.tb_frame.f_code.co_filename, user.tb_lineno
    text = linecache.getline(filename, line).strip()
    used = [name for name in numbers
            if re.search(r"(?<![\w.])%s(?!\w)" % re.escape(name), text)]
    if not used:
        return None
    where = _statement_frame_info()
    what = "; ".join("`%s` was %s" % (name, numbers[name]) for name in used)
    return StagedPythonNumberError(
        "%s before the tensor-dependent loop%s, which is staged (its condition became a "
        "tensor), so in the loop's %s %s a tensor; %s:%d (`%s`) needs a concrete Python "
        "value there (a range or slice bound, a dict key, a shape), which it is only in "
        "plain Python: %s: %s. Use it as a tensor there (a mask such as `jnp.arange(n) < %s` "
        "(`ag.range(n) < %s` in a graph) instead of `v[:%s]` or `range(%s)`, a dynamic slice "
        "(`lax.dynamic_slice`), an array indexed by it instead of a dict), or keep the loop "
        "in Python by making its condition a Python value (test the tensor after the "
        "loop)." % (
            what, " at %s:%d" % where if where else "", part,
            "it is" if len(used) == 1 else "they are", filename, line, text,
            type(e).__name__, str(e).split("\n", 1)[0] or "(no message)",
            used[0], used[0], used[0], used[0]))


# --- the staged loop ------------------------------------------------------------------------------

def _plain_values(backend, v):
    """A number, tensor or structure of them (no backend list, nothing undefined)."""
    if type(v) is Undefined or not _carries(backend, v):
        return False
    leaves = [v] if backend.is_value(v) or _is_scalar_like(v) else backend.flatten(v)
    return not any(backend.is_list(x) for x in leaves)


_VAR, _CONST, _UNDEF, _LIST = "var", "const", "undefined", "list"


class _LoopBuilder:
    """Stages one loop over graph tensors.

    Each state variable is a loop variable (tensors, numbers, structures of them, backend
    lists), passes through unchanged (other Python objects), is undefined (excluded until the
    body is seen to define it), or is a Python list (passes through until the body appends to
    it, then it is lowered to a backend list). What tracing the body reveals is recorded and
    the loop rebuilt (`_Retry`).
    """

    def __init__(self, backend, state, names, body=None, options=None, like=None,
                 unset=(), numbers=None):
        self.backend = backend
        self.options = options or {}  # keyword arguments of the backend's while_loop
        self.state = tuple(state)
        n = len(self.state)
        self.names = tuple(names) if names else tuple("<var %d>" % k for k in range(n))
        self.body = body          # the user's loop body (for the lines in error messages)
        # name -> what it was before the loop ("a Python int", "an item of a Python range"):
        # the Python numbers that are tensors in the staged loop, named in its errors
        # (_python_number_error; a generated flag is never on a line of the user's)
        self.numbers = dict(numbers or {})
        for name, v in zip(self.names, self.state):
            if type(v) in (int, bool, float) and name.isidentifier():
                self.numbers[name] = "a Python %s" % type(v).__name__
        # position -> whether it has a value at entry (False, or a bool tensor): variables the
        # loop may leave without a value (see _created)
        self.created = {}
        state = list(self.state)
        for k, v in enumerate(state):
            # (a tuple too: `retval_ = (late, 1.5)` of an earlier staged `if`)
            unchecked = backend.unchecked(v) if backend.is_value(v) or (
                type(v) is tuple and _carries(backend, v)) else None
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
        # Positions of early-return values that have no value when an iteration starts (the
        # loop stops once its return flag is set, see loops._unset_in_body): the body sees
        # them undefined, as Python does, and carries what it makes of them.
        self.unset = frozenset(unset)
        if like is not None:
            # The loop starts one iteration before the state `like` (loops._restart_state): an
            # early-return value undefined before that iteration starts as the zeros a first
            # trace of the body would find (it is read only where its return flag is set).
            for k, v in enumerate(like):
                if self.kinds[k] is _UNDEF and _is_retval(self.names[k]) \
                        and _plain_values(backend, v):
                    self.init[k] = ("zeros", backend.spec(_as_values(backend, v)))
                    self.kinds[k] = _VAR

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
                err = (_python_number_error(e, self.numbers, "condition")
                       or _user_exception(e, "the condition of a tensor-dependent loop"))
                if err is None:
                    raise
                raise err from e
            if type(c) is bool:
                c = b.to_value(c)
            return c

        def body_fn(*loop_vars):
            self.invariant = set()  # per trace: the runtime retraces when shapes relax
            seen = visible(loop_vars) if created else loop_vars
            before = _snapshot(self.body)
            args = self._expand(seen)
            for k in self.unset:
                if self.kinds[k] is _VAR:
                    args[k] = Undefined(self.names[k])
            try:
                out = body(*args)
            except Exception as e:
                err = (_python_number_error(e, self.numbers, "body")
                       or _user_exception(e, "the body of a tensor-dependent loop"))
                if err is None:
                    raise
                raise err from e
            _check_escaped(b, self.body, self.names, "the body of a tensor-dependent loop",
                           before)
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
        used = _use_line_after(base, helper_codes("while", "for"))
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
                if k in self.unset and type(v) is Undefined:
                    v = lv      # no return in this iteration: the placeholder carries on
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
        self._check_number(k, j, e.actual)
        self.dtypes[(k, j)] = e.actual
        return True

    def _check_number(self, k, j, dtype):
        """Loop variable k's leaf j, a Python number before the loop, is to be carried in
        `dtype` (the body's): refused where that changes the number (0.5 as an int8, 200 as
        an int8, 0 as a bool), which plain Python keeps when the loop runs zero times."""
        if k in self.init:
            return          # (zeros made here: 0 keeps its value in any dtype)
        v = self.state[k]
        if not _is_scalar_like(v):
            v = self.backend.flatten(v)[j]
        if type(v) not in (bool, int, float, complex) or number_keeps_value(v, dtype):
            return
        name = self.names[k]
        where = _statement_frame_info()
        line = _assignment_line(name, _user_fn(self.body)) if name.isidentifier() else None
        raise StagedNumberDtypeError(
            "'%s' is the Python %s %r before the tensor-dependent loop%s, and its body makes "
            "it %s%s; a staged loop carries one dtype from its start, and %s cannot hold %r "
            "(plain Python keeps %r when the loop runs zero times). Start '%s' from a value "
            "of the dtype the body gives it, or make the body keep its kind (cast the value "
            "it assigns)" % (
                name, type(v).__name__, v, " at %s:%d" % where if where else "", dtype,
                " (line %d)" % line if line else "", dtype, v, v, name))

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
        found = {}

        def probe():
            out = body(*full)
            # (inside the probe's graph: the dtype of a Python number adds no op outside it)
            for _, k, j in weak:
                try:
                    leaf = b.flatten(out[k])[j]
                    if b.is_value(leaf):
                        found[(k, j)] = b.dtype(leaf)
                    elif type(leaf) is float and type(b.flatten(self.state[k])[j]) is int:
                        # `w = 1` then `w = w + 0.5 * w`: a Python int the body makes a
                        # Python float (an int loop variable cannot meet the float operand)
                        found[(k, j)] = b.dtype(leaf)
                except Exception:  # noqa: BLE001
                    continue
            return out

        try:
            b.trace_only(probe)
        except Exception:  # noqa: BLE001 - the probe is best effort; the caller re-raises
            return False
        changed = False
        for _, k, j in weak:
            after = found.get((k, j))
            try:
                before = b.dtype(b.flatten(init[self.var_pos.index(k)])[j])
            except Exception:  # noqa: BLE001
                continue
            if after is not None and after != before:
                self._check_number(k, j, after)
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
