"""`if_stmt` and `if_exp`: a Python branch on Python values and eager tensors; a staged
`cond` (built by `_IfBuilder` through the condition's `Backend`) on graph values.
"""

import re

from autograph.operators import dispatch
from autograph.operators.frames import (_assignment_line, _cell_value, _user_frame_info,
                                        register_helper)
from autograph.operators.if_code import (_integral, _moves_only, _read_after_if,
                                         loads_only)
from autograph.operators.generated_names import is_jump_flag, is_retval as _is_retval
from autograph.operators.staging import (_BRANCH, _ListMutated, _Retry, _as_values, _carries,
                                         _check_escaped, _describe, _snapshot, _endless_recursion,
                                         _is_none_or_undefined, _is_scalar_like,
                                         _normalize,
                                         _same_python_value, _stage_in_place, _unpack,
                                         _user_exception)
from autograph.operators.variables import Undefined, UndefinedValueError

__all__ = ['if_stmt', 'if_exp']

backend_for = dispatch.backend_for
python_types = dispatch.python_types


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


def if_exp(cond, if_true, if_false):
    """`if_true() if cond else if_false()`; a graph condition builds a `cond`."""
    if cond is True:
        return if_true()
    if cond is not False:
        if type(cond) not in python_types:
            backend = backend_for(cond)
            if backend is not None:
                if loads_only(if_true) and loads_only(if_false):
                    # `a if c else b` of two variables or constants: nothing to trace.
                    try:
                        a, b = if_true(), if_false()
                    except Exception:  # noqa: BLE001 - the builder reports it
                        pass
                    else:
                        picked = backend.select(cond, a, b)
                        if picked is not None:
                            return picked
                builder = _IfBuilder(backend, (Undefined("<if expression>"),),
                                     ("<if expression>",), is_expression=True)
                # (`ag__.if_exp(do_return, lambda: retval_, ...)`: the function's return)
                builder.returns = loads_only(if_true) and any(
                    _is_retval(n) for n in if_true.__code__.co_freevars)
                result = builder.build(cond, lambda _: if_true(), lambda _: if_false())
                return result[0]
        if cond:
            return if_true()
    return if_false()


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
        self.returns = False     # an expression that picks the function's return value
        self.forced = set()      # positions forced into the layout by a retry
        self.fill = {}           # position -> spec of the zeros filling an undefined retval
        # position -> the value the other branch gives an early-return value, when it comes
        # from outside the `if` (see _undefined_output)
        self.fill_value = {}
        self.lists = {}          # position -> element spec: a Python list one branch lowered
        # position -> message: a value a loop may not have made (a `check_defined` value) in
        # the state or a branch's output. Its "has a value" flag is a `cond` output of its own
        # and the merged value is checked again after the `if`: passed through as the checked
        # value, the check would run whenever the branch is taken, used or not.
        self.checked = {}
        self.lazy = (type(backend).unchecked is not dispatch.Backend.unchecked
                     and hasattr(backend, "check_message"))
        self.direct = False      # the branches run where the `if` is built (see _attempt)
        # positions of variables one branch deletes (`del y`) and the other keeps, with a
        # backend that cannot check a value lazily: undefined after the `if` (see _deleted)
        self.dropped = set()

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
            if k not in self.dropped
            and (k in self.forced or type(state[k]) is Undefined or _carries(b, state[k]))]
        self.in_layout = set(layout)
        for k in layout:
            unwrapped = self._unwrap(state[k])
            if unwrapped is not None:
                self.checked.setdefault(k, unwrapped[2])
        self.flagged = [k for k in layout if k in self.checked]
        self.list_lens = {k: len(v) for k, v in enumerate(state) if type(v) is list}
        self.outs = [None, None]

        def true_fn():
            return self._branch(0, body)

        def false_fn():
            return self._branch(1, orelse)

        names = tuple(self.names[k] for k in layout)
        names += tuple("<%s has a value>" % self.names[k] for k in self.flagged)
        self.direct = b.direct_cond and not self.lists and self._direct(body, orelse)
        try:
            if self.direct:
                result = b.cond(pred, true_fn, false_fn, names, direct=True)
            else:
                result = b.cond(pred, true_fn, false_fn, names)
        except TypeError as e:
            err = self._return_dtypes(e, names)
            if err is None:
                raise
            raise err from None
        if len(names) == 1 and not isinstance(result, (list, tuple)):
            result = (result,)
        flag_at = {k: len(layout) + j for j, k in enumerate(self.flagged)}
        merged = list(self.outs[0])
        for k in self.dropped:
            merged[k] = Undefined(self.names[k])
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
            elif k in flag_at:
                merged[k] = b.check_defined(result[flag_at[k]], result[pos], self.checked[k])
            else:
                merged[k] = result[pos]
        return tuple(merged)

    def _return_dtypes(self, e, names):
        """The backend's "'retval_' is bool in the true branch but int32 in the false branch"
        (the paths of the function return different dtypes) in the user's words, of the same
        class; None for any other error."""
        msg = str(e)
        for name in names:
            if not (_is_retval(name) or (name == "<if expression>" and self.returns)):
                continue
            m = re.search(r"'%s' is (\S+) in the true branch but (\S+) in the false branch"
                          % re.escape(name), msg)
            if m is None:
                continue
            head = re.match(r"cond( \(at [^)]*\))?: ", msg)
            return type(e)(
                "%sthe function returns %s on one path and %s on another, depending on a "
                "tensor-dependent condition; in a graph every path must return the same dtype: "
                "cast one of the values (ag.cast) or return the same kind of number on every "
                "path" % (head.group(0) if head else "", m.group(1), m.group(2)))
        return None

    def _direct(self, body, orelse):
        """True if both branches only pass values on, or compute with integers and booleans
        only (no float output can then depend on an operation, so a select gives the values
        and gradients of a cond): see `_moves_only`."""
        fns = [fn for fn in (body, orelse) if fn is not None]
        kinds = [_moves_only(fn) for fn in fns]
        if not all(kinds):
            return False
        if all(kind == "moves" for kind in kinds):
            return True
        # A branch that only moves values may pass on any value (a float it reads from its
        # closure becomes one side of a select); one that applies operators may only reach
        # integers and booleans: its arguments (the state) and its own closure.
        b = self.backend
        values = list(self.state)
        for fn, kind in zip(fns, kinds):
            if kind == "arith":
                values.extend(_cell_value(c) for c in fn.__closure__ or ())
        return all(_integral(b, v) for v in values)

    def _unwrap(self, v):
        """`(flag, value, message)` if `v` is a value a loop may not have made, else None."""
        b = self.backend
        if not self.lazy or type(v) is Undefined or not _carries(b, v):
            return None
        unchecked = b.unchecked(v)
        if unchecked is None:
            return None
        return unchecked[0], unchecked[1], b.check_message(v)

    def _branch(self, which, fn):
        b, state, n = self.backend, self.state, len(self.state)
        before = _snapshot(fn) if fn is not None else None
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
                           "the %s of a tensor-dependent `if`" % _BRANCH[which], before)
        self.outs[which] = out
        other = self.outs[1 - which]
        # Variables outside the layout hold Python objects: both branches must agree on them.
        for k in range(n):
            if k in self.in_layout or k in self.dropped:
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
        result, flags = [], []
        for k in self.layout:
            v = out[k]
            ov = None if other is None else other[k]
            flag = None
            unwrapped = self._unwrap(v)
            if unwrapped is not None:
                if k not in self.checked:
                    self.checked[k] = unwrapped[2]  # e.g. made by a loop in this branch
                    raise _Retry(self)
                flag, v = unwrapped[0], unwrapped[1]
            if k in self.checked:
                flags.append(b.to_value(type(v) is not Undefined) if flag is None else flag)
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
        return tuple(result) + tuple(flags)

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
        if k in self.fill_value:
            return self.fill_value[k]
        if k in self.fill:
            return b.zeros(self.fill[k])
        if other is None or _is_none_or_undefined(other[k]):
            # A placeholder output: discarded if the variable ends up undefined (or None) on
            # both paths, else the second branch reconciles.
            if other is not None and other[k] is None and not _is_retval(self.names[k]):
                self._mismatch(k, which, other[k], Undefined(self.names[k]),
                               _BRANCH[1 - which])
            return b.to_value(False)
        if not (_is_retval(self.names[k]) or self._returns(which)):
            self._undefined_error(k, which, 1 - which)
        if not _carries(b, other[k]):
            self._mismatch(k, 1 - which, other[k], Undefined(self.names[k]), _BRANCH[which])
        # An early-return value: a placeholder, read only where the return flag (set with it
        # in the other branch) says it has a value. The other branch's value itself when it
        # comes from outside the `if` (then the `if` has no output to merge for it: XLA
        # drops a select between equal values), else zeros shaped like it.
        if self._outer(other[k]):
            self.fill_value[k] = other[k]
            return other[k]
        self.fill[k] = b.spec(_as_values(b, other[k]))
        return b.zeros(self.fill[k])

    def _one_branch(self, k, lacking, defining, where, jumped):
        """Variable k, unassigned before the `if`, is assigned in one branch only, and either
        the other one breaks or continues (`if c: break` then `tmp = s` in a `with` block,
        read after the block where the jump flag is unset), or no read of it follows the
        `if` in the user's code (it is carried because a branch reads it, e.g. after a
        `with` block). Python raises UnboundLocalError only where it is read on a path that
        has no value. With a backend that checks values lazily, it is carried with a "has a
        value" flag, checked where it is read when the graph runs; otherwise returns (the
        caller refuses). Raises _Retry."""
        b, name = self.backend, self.names[k]
        defined = self.outs[defining][k] if self.outs[defining] is not None else None
        if k in self.fill or not self.lazy or defined is None:
            return
        unwrapped = self._unwrap(defined)
        if unwrapped is not None:
            defined = unwrapped[1]   # (itself checked: e.g. a jump in the defining branch)
        if not _carries(b, defined) or b.is_list(defined):
            return
        here = "the %s of the tensor-dependent `if`%s %s" % (
            _BRANCH[lacking], " at %s:%d" % where if where else "",
            "jumped (break/continue) before assigning it" if jumped
            else "does not assign it and the graph took it")
        if k in self.checked:
            self.checked[k] = "%s (or %s)" % (self.checked[k].rsplit(". Give", 1)[0], here) \
                + ". Give '%s' a value before the `if`." % name
        else:
            self.checked[k] = (
                "'%s' has no value where it is read: %s, and Python raises UnboundLocalError "
                "there. Give '%s' a value before the `if`." % (name, here, name))
        self.fill[k] = b.spec(_as_values(b, defined))
        raise _Retry(self)

    def _returns(self, which, flags=("do_return",)):
        """True if branch `which` returns from the function: it sets a return flag
        (`do_return = True`; or another jump flag of `flags`). A variable it leaves unassigned is then never read (the code
        after it runs only where the flag is unset), like an early-return value: a
        placeholder fills it (e.g. `tmp`, assigned after the `return` in a `with` block that
        the code after the `if` reads)."""
        out = self.outs[which]
        return out is not None and any(
            out[j] is True and is_jump_flag(name, flags)
            for j, name in enumerate(self.names))

    def _outer(self, v):
        """True if `v` is a Python number or made outside the `if` (usable in either branch;
        any value when the branches run where the `if` is built, `direct`)."""
        b = self.backend
        leaves = [v] if b.is_value(v) or _is_scalar_like(v) else b.flatten(v)
        return bool(leaves) and all(
            _is_scalar_like(x) or (b.is_value(x) and not b.is_list(x)
                                   and (self.direct or b.is_outer(x)))
            for x in leaves)

    def _reconcile(self, k, which, v, ov):
        """Second-built branch: match the first branch's value at position k."""
        b = self.backend
        if k in self.fill or k in self.fill_value:
            return v  # the first-built branch filled its undefined retval
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
            if not (_is_retval(self.names[k]) or (type(ov) is Undefined
                                                  and self._returns(1 - which))):
                if ov is None:
                    self._mismatch(k, which, v, ov, _BRANCH[1 - which])
                self._undefined_error(k, 1 - which, which)
            if ov is None:
                self._mismatch(k, which, v, ov, _BRANCH[1 - which])
            if self._outer(v):
                self.fill_value[k] = v
            else:
                self.fill[k] = b.spec(_as_values(b, v))
            raise _Retry(self)  # the first-built branch must produce the placeholder
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

    def _deleted(self, k, lacking, defining, where):
        """Variable k, defined before the `if`, is deleted in one branch only (`del y`).
        Python raises UnboundLocalError where it is read afterwards if that branch ran, and
        nothing if it is not read. With a backend that checks values lazily, the value is
        carried with a "has a value" flag and checked where it is read (when the graph
        runs); otherwise it is undefined after the `if` (a read is an error while tracing).
        Raises _Retry, or returns if the variable cannot be handled (a Python object)."""
        b, name = self.backend, self.names[k]
        defined = self.outs[defining][k] if self.outs[defining] is not None else None
        if k in self.checked or k in self.dropped or k in self.fill \
                or name.split("[", 1)[0].split(".", 1)[0] != name:
            return  # (an item or attribute: whether it exists cannot depend on a tensor)
        if self.lazy and defined is not None and _carries(b, defined) \
                and not b.is_list(defined):
            self.checked[k] = (
                "'%s' is deleted in the %s of the tensor-dependent `if`%s, which the graph "
                "took, and it is read afterwards: Python raises UnboundLocalError there. "
                "Give '%s' a value again after the `del`, or do not read it after the `if`."
                % (name, _BRANCH[lacking], " at %s:%d" % where if where else "", name))
            self.fill[k] = b.spec(_as_values(b, defined))
        elif _read_after_if(name) is not None:
            # Read afterwards and no run-time check: refuse here. (Dropped, its read would
            # raise while tracing, inside any `try:` of the user's around it, whose handler
            # would then run for every input.)
            return
        else:
            self.dropped.add(k)
        raise _Retry(self)

    def _undefined_error(self, k, lacking, defining):
        name = self.names[k]
        where = _user_frame_info()
        if type(self.state[k]) is not Undefined:
            # Defined before the `if`, so the lacking branch deleted it (`del y`).
            self._deleted(k, lacking, defining, where)
            raise UndefinedValueError(
                "'%s' is deleted in the %s but not in the %s of a tensor-dependent `if`%s. A "
                "graph `cond` needs a value from both branches: delete it in both branches, "
                "or after the `if`." % (name, _BRANCH[lacking], _BRANCH[defining],
                                        " at %s:%d" % where if where else ""))
        used = _read_after_if(name)
        jumped = self._returns(lacking, ("break_", "continue_"))
        if jumped or (used is None and name.isidentifier()):
            # (read afterwards with no jump: refused here, the documented trace-time error;
            # an item or attribute: whether it exists cannot depend on a tensor)
            self._one_branch(k, lacking, defining, where, jumped)
        assigned = _assignment_line(name, self.fns[defining])
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


register_helper("if", if_stmt)
