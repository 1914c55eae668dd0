"""Staging of the JAX backend: `cond` and `while_loop` on tracers (`lax.cond`,
`lax.while_loop`, `lax.scan` for bounded and static-trip-count loops) as the mixin
`JaxStaging` of `JaxBackend`, with the jaxpr checks deciding between a select and a cond.
"""

from autograph.operators.generated_names import is_jump_flag
from autograph.operators.if_stmt import loads_only
from autograph.operators.jax_bool_carry import python_bools_used_as_numbers
from autograph.operators.jax_lists import JaxList, _is_list_leaf, _PendingList
from autograph.operators.staging import number_keeps_value

__all__ = ["JaxStaging", "JaxLoopVarMismatchError", "ReverseModeLoopError"]


class JaxLoopVarMismatchError(TypeError):
    """A staged JAX loop's body changes a loop variable's dtype (`.index`, `.expected`,
    `.actual` as the Backend contract asks)."""

    def __init__(self, message, index=None, expected=None, actual=None):
        TypeError.__init__(self, message)
        self.index, self.expected, self.actual = index, expected, actual


class ReverseModeLoopError(ValueError):
    """`jax.grad` (reverse mode) through a `while` loop with no declared bound."""


def _make_forward_only_primitive():
    from jax._src.interpreters import ad, batching, mlir
    from jax.extend.core import Primitive

    prim = Primitive("autograph_forward_only")
    prim.def_impl(lambda x, message: x)
    prim.def_abstract_eval(lambda x, message: x)
    mlir.register_lowering(prim, lambda ctx, x, message: [x])

    def batch(args, dims, message):
        return prim.bind(args[0], message=message), dims[0]

    def jvp(primals, tangents, message):
        (x,), (t,) = primals, tangents
        if type(t) is ad.Zero:
            return prim.bind(x, message=message), t
        return prim.bind(x, message=message), prim.bind(t, message=message)

    def transpose(ct, x, message):
        raise ReverseModeLoopError(message)

    batching.primitive_batchers[prim] = batch
    ad.primitive_jvps[prim] = jvp
    ad.primitive_transposes[prim] = transpose
    return prim


_BRANCHING = frozenset(("while", "cond", "scan", "custom_jvp_call", "custom_vjp_call",
                        "custom_vjp_call_jaxpr", "debug_callback", "pure_callback", "io_callback",
                        "autograph_forward_only"))


def _cheap(closed, limit=24):
    """A jaxpr of at most `limit` operations, no effects, loops, conditionals or callbacks
    (nested jaxprs, like those of `jit`-wrapped jnp functions, count)."""
    if closed.effects:
        return False
    todo, count = [closed.jaxpr], 0
    while todo:
        jaxpr = todo.pop()
        for eqn in jaxpr.eqns:
            count += 1
            if count > limit or eqn.primitive.name in _BRANCHING:
                return False
            for v in eqn.params.values():
                inner = getattr(v, "jaxpr", None)
                if inner is not None:
                    todo.append(getattr(inner, "jaxpr", inner))
    return True


# Operations whose transpose maps a zero cotangent to exactly zero whatever their inputs
# (linear in their float inputs, no data-dependent factor): an untaken branch built from them
# contributes exact zeros to a gradient, as an untaken `cond` branch does.
_LINEAR = frozenset(("neg", "add", "sub", "convert_element_type", "copy", "copy_p",
                     "reshape", "broadcast_in_dim", "squeeze", "expand_dims", "select_n",
                     "reduce_sum", "transpose", "slice", "concatenate"))


def _forwards(closed, inexact):
    """True if every output flagged in `inexact` (floating point) comes from the branch's
    inputs and constants through linear operations only (`_LINEAR`, or a product with a finite
    constant): with a select instead of a cond, the untaken branch then adds exact zeros to the
    gradient. Integer and boolean values carry no gradient and may be computed freely."""
    import numpy as np

    jaxpr = closed.jaxpr
    safe = set(map(id, jaxpr.invars)) | set(map(id, jaxpr.constvars))

    def ok(v):
        return _is_literal(v) or id(v) in safe

    for eqn in jaxpr.eqns:
        name = eqn.primitive.name
        if not any(np.issubdtype(o.aval.dtype, np.inexact) for o in eqn.outvars):
            good = True              # integer / boolean results: no gradient flows
        elif name in _LINEAR:
            good = all(ok(v) for v in eqn.invars
                       if np.issubdtype(v.aval.dtype, np.inexact))
        elif name == "mul" and len(eqn.invars) == 2:
            a, b = eqn.invars
            good = ((_is_literal(a) and np.all(np.isfinite(a.val)) and ok(b))
                    or (_is_literal(b) and np.all(np.isfinite(b.val)) and ok(a)))
        else:
            good = False
        if good:
            safe.update(id(o) for o in eqn.outvars)
    return all(ok(var) for flag, var in zip(inexact, jaxpr.outvars) if flag)


def _is_literal(var):
    return type(var).__name__ == "Literal"


def _vars_text(names):
    names = [n for n in (names or ()) if n and not n.startswith("<")]
    return " (loop variables: %s)" % ", ".join(names) if names else ""


def _generated_flag(label):
    """True for the converters' jump flags (`do_return`, `break_`), only ever flags."""
    name = label.strip("'")
    return name.startswith("<") or is_jump_flag(
        name, ("do_return", "break_", "continue_"), kinds=("while", "for"))


class JaxStaging:
    """`cond`, `while_loop` and `trace_only` of `JaxBackend`."""

    # `cond(..., direct=True)`: the branches only move values (see if_stmt._moves_only).
    direct_cond = True

    def cond(self, pred, true_fn, false_fn, names, direct=False):
        jax, jnp, tree = self.jax, self.jnp, self.tree
        pred = self._truth(pred, "tensor-dependent `if`")
        forced = {}          # flat position -> (dtype, weak) for a weak value (a Python number)
        for _ in range(3):
            record = [None, None]

            def wrap(which, fn, record=record):
                def branch():
                    out = fn()
                    leaves, treedef = tree.tree_flatten(out)
                    # Python numbers (bools too) and weakly typed arrays take the other
                    # branch's dtype (`forced`), and stay weak if both are weak.
                    weak = [type(x) is bool or self.is_weak(x) for x in leaves]
                    conv = []
                    for i, x in enumerate(leaves):
                        if i in forced:
                            x = self._adopt(x, *forced[i])
                        elif not self._is_array(x):
                            x = jnp.asarray(x)
                        conv.append(x)
                    record[which] = (treedef, conv, weak, out, leaves)
                    return conv
                return branch

            if direct:
                # Branches that only pass values on (and the numbers and placeholders made
                # for them) record nothing worth a jaxpr: both run here, and each output is
                # a select between two values made before, as a cond of them gives.
                outs = (wrap(0, true_fn)(), wrap(1, false_fn)())
            else:
                # Each branch is traced once, in order, into a jaxpr (closing over the outer
                # values); the staged op is built from the jaxprs. A branch that only returns
                # a variable or a constant (`lambda: t` of `a and b`) records nothing: it runs
                # here and gives its values (tracing it would cost a jaxpr for nothing).
                outs = tuple(wrap(k, fn)() if loads_only(fn) else jax.make_jaxpr(wrap(k, fn))()
                             for k, fn in enumerate((true_fn, false_fn)))
            if not self._branches_agree(record):
                if self._reconcile_branches(record, forced, names):
                    continue
                raise AssertionError("autograph: the branches of this `if` do not agree")
            if direct:
                flat = [x if x is y else self.lax.select(pred, x, y) for x, y in zip(*outs)]
            else:
                flat = self._select_or_cond(pred, *outs)
            result = tree.tree_unflatten(record[0][0], flat)
            self._join_lists(result, record[0][3], record[1][3])
            return result
        raise AssertionError("autograph: staging this `if` with JAX did not converge")

    def select(self, pred, a, b):
        jnp = self.jnp
        for v in (a, b):
            if not self._is_array(v) and type(v) not in (bool, int, float):
                return None
        if a is b:
            return a
        # As `cond`: a weak value (a Python number) takes the other side's dtype where that
        # keeps its value (two weak values, their weak join); otherwise both must agree in
        # dtype and shape (else None: the `cond` reports what does not agree).
        x, y = (v if self._is_array(v) else jnp.asarray(v) for v in (a, b))
        if x.shape != y.shape:
            return None
        if x.dtype != y.dtype:
            wa = type(a) is bool or self.is_weak(a)
            wb = type(b) is bool or self.is_weak(b)
            if wa and wb:
                dtype = jnp.result_type(x, y)
                weak = self.is_weak(a) or self.is_weak(b)
                x, y = self._adopt(a, dtype, weak), self._adopt(b, dtype, weak)
            elif wa or wb:
                v, weak, d = (a, x, y.dtype) if wa else (b, y, x.dtype)
                if jnp.result_type(weak, d) != d or not (self._is_array(v)
                                                         or number_keeps_value(v, d)):
                    return None
                if wa:
                    x = self._adopt(v, d, False)
                else:
                    y = self._adopt(v, d, False)
            else:
                return None
        return self.lax.select(self._truth(pred, "tensor-dependent `if`"), x, y)

    def _adopt(self, x, dtype, weak):
        """The weak value `x` (a Python number or weakly typed array) in `dtype`, weakly typed
        if `weak` (then `dtype` is the default dtype of a kind at least as wide as x's)."""
        if not self._is_array(x):
            return self.to_value(x, dtype) if weak else self.jnp.asarray(x, dtype)
        if x.dtype == dtype:
            return x
        kind = self._weak_kind(dtype) if weak else None
        if kind is not None:
            # (JAX's own promotion of a weak value: an int plus a Python float 0.0 is a weak
            # float, exactly the int's value)
            return x + kind(0)
        return self.lax.convert_element_type(x, dtype)

    def _weak_dtype(self, name, where, a, b, va, vb, which):
        """The dtype the weak value `va` (array `a`, in the `which` branch) takes next to the
        other branch's strongly typed `b` (value `vb`): `b`'s dtype, as JAX promotes a
        Python number that meets an array; refused where the value would change."""
        jnp = self.jnp
        d = b.dtype
        promoted = jnp.result_type(a, d) == d
        if promoted and (self._is_array(va) or number_keeps_value(va, d)):
            return d
        if self._is_array(va):
            return None         # (reported as two arrays of different dtypes)
        from autograph.operators.staging import _describe
        branches = ("if-branch", "else-branch")
        what = _describe(self, va)
        raise TypeError(
            "%s is %s in the %s of a tensor-dependent `if`%s but %s in the %s; a lax.cond "
            "gives one dtype, and as %s that value would change (Python keeps it as it is). "
            "Give both branches values of one dtype (e.g. `jnp.asarray(v, jnp.%s)` in the %s)"
            % (name, what, branches[which], where, _describe(self, vb), branches[1 - which],
               d, jnp.result_type(a, d), branches[1 - which]))

    def _branches_agree(self, record):
        (t0, c0, _, _, _), (t1, c1, _, _, _) = record
        return t0 == t1 and all(a.dtype == b.dtype and a.shape == b.shape
                                for a, b in zip(c0, c1))

    def _select_or_cond(self, pred, tj, fj):
        """`lax.cond` over the branch jaxprs; or both branches and a select, when both are a
        few effect-free operations with no loops or conditionals and every floating-point
        output of each branch is one of its inputs or a constant (computed only from
        integers and booleans otherwise). Then the values and the gradients are those of
        the cond (a select sends each cotangent to the input the taken branch forwards),
        and XLA runs one conditional less: `and`/`or` in loop tests, integer updates,
        early-return flags. A branch given as a list of values (one that only loads a
        variable or a constant) ran where the `if` is built: its outputs are those values."""
        core, lax, jnp = self.jax.core, self.lax, self.jnp

        def run(j):
            # (a list: the values of a branch that ran where the `if` is built)
            return list(j) if type(j) is list else core.eval_jaxpr(j.jaxpr, j.consts)

        def cheap(j, inexact):
            return type(j) is list or (_cheap(j) and _forwards(j, inexact))

        avals = tj if type(tj) is list else tj.out_avals
        inexact = [jnp.issubdtype(a.dtype, jnp.inexact) for a in avals]
        if cheap(tj, inexact) and cheap(fj, inexact):
            a, b = run(tj), run(fj)
            # (both branches giving the same value from outside the `if`: no select)
            return [x if x is y else lax.select(pred, x, y) for x, y in zip(a, b)]
        return lax.cond(pred, lambda: run(tj), lambda: run(fj))

    def _join_lists(self, result, out0, out1):
        """The lists a `cond` returns: at most as many appends as the larger branch made."""
        flat = self.tree.tree_leaves(result, is_leaf=_is_list_leaf)
        if not any(isinstance(x, JaxList) for x in flat):
            return
        for x, a, b in zip(flat, self.tree.tree_leaves(out0, is_leaf=_is_list_leaf),
                           self.tree.tree_leaves(out1, is_leaf=_is_list_leaf)):
            if isinstance(x, JaxList) and isinstance(a, JaxList) and isinstance(b, JaxList):
                if a.appended is not None and b.appended is not None:
                    x.appended = max(a.appended, b.appended)
                    x.exact = a.exact and b.exact and a.appended == b.appended

    def _reconcile_branches(self, record, forced, names):
        (t0, c0, p0, out0, l0), (t1, c1, p1, out1, l1) = record
        where = self._user_where()
        if t0 != t1:
            raise TypeError(
                "the two branches of a tensor-dependent `if`%s give different structures: %s "
                "in the if-branch, %s in the else-branch; a lax.cond needs the same structure "
                "from both" % (where, self.structure_text(out0), self.structure_text(out1)))
        labels = self._labels(names, out0 if isinstance(out0, tuple) and names
                              and len(names) == len(out0) else (out0,))
        changed = False
        for i, (a, b) in enumerate(zip(c0, c1)):
            label = labels[i] if i < len(labels) else "output %d" % i
            if a.dtype != b.dtype:
                dtype = None
                if p0[i] and p1[i]:
                    # (two Python numbers: their join, `0` and `0.5` a weak float)
                    # (a bool beside a weak number: the weak join, as `True + 1` is)
                    dtype = self.jnp.result_type(a, b)
                    weak = self.is_weak(l0[i]) or self.is_weak(l1[i])
                elif p0[i]:
                    dtype, weak = self._weak_dtype(label, where, a, b, l0[i], l1[i], 0), False
                elif p1[i]:
                    dtype, weak = self._weak_dtype(label, where, b, a, l1[i], l0[i], 1), False
                if dtype is not None:
                    forced[i] = (dtype, weak)
                else:
                    raise TypeError(
                        "%s is %s in the if-branch of a tensor-dependent `if`%s but %s in the "
                        "else-branch; a lax.cond can only select between values of the same "
                        "dtype (cast one of them)" % (label, a.dtype, where, b.dtype))
                if forced.get(i) is not None:
                    changed = True
            elif a.shape != b.shape:
                raise TypeError(
                    "%s has shape %s in the if-branch of a tensor-dependent `if`%s but %s in the "
                    "else-branch; a lax.cond needs the same shape from both branches"
                    % (label, tuple(a.shape), where, tuple(b.shape)))
        return changed

    def while_loop(self, test_fn, body_fn, loop_vars, names, maximum_iterations=None,
                   static_trip_count=None, _rows=None, **unused):
        lax, tree = self.lax, self.tree
        where = self._user_where()
        loop_vars = tuple(loop_vars)
        trip_count = None
        bound = None
        counted = False     # the test stops the loop after `bound` iterations by itself
        if static_trip_count is not None:
            n, exact = static_trip_count
            if exact:
                trip_count = n
            bound, counted = n, True
        if maximum_iterations is not None:
            cap = maximum_iterations
            if isinstance(cap, self.Tracer):
                # A traced bound: a while_loop with a counter (forward-only).
                return self._capped_while(test_fn, body_fn, loop_vars, names, cap)
            cap = int(cap)
            if trip_count is not None and cap < trip_count:
                trip_count = None
            if bound is None or cap < bound:
                bound, counted = cap, False
        pending = loop_vars
        rows = _rows or {}   # position -> rows per iteration of a list's buffer
        loop_vars = self._lower_pending(loop_vars, bound, names, where, rows)
        leaves, treedef = tree.tree_flatten(loop_vars)
        # A weakly typed value (a Python number) is carried weakly, as lax carries it: the
        # body decides its dtype (`i + jnp.int8(1)` is int8; the loop is then traced again
        # with that dtype, see loop_builder._retry_dtype) and a value the body keeps weak
        # stays weak after the loop (`i + 1`), as Python's number does.
        init = [x if self._is_array(x) else self.jnp.asarray(x) for x in leaves]
        weak = [self.is_weak(x) for x in init]
        labels = self._labels(names, loop_vars)

        def unflat(c):
            return list(tree.tree_unflatten(treedef, list(c)))

        def fix(out):
            out = tuple(out)
            o_leaves, o_tree = tree.tree_flatten(out)
            if o_tree != treedef:
                raise TypeError(
                    "a loop variable changes structure in an iteration of a tensor-dependent "
                    "loop%s: %s before, %s after; a JAX loop needs the same structure every "
                    "iteration" % (where, self.structure_text(loop_vars),
                                   self.structure_text(out)))
            res = []
            for i, (x, x0) in enumerate(zip(o_leaves, init)):
                if not self._is_array(x):
                    y = self.jnp.asarray(x)
                    if y.dtype != x0.dtype and self.jnp.result_type(x, x0.dtype) == x0.dtype:
                        if not number_keeps_value(x, x0.dtype):
                            raise TypeError(
                                "%s is %s in a tensor-dependent loop%s, and its body assigns "
                                "it the Python %s %r, which %s cannot hold (Python keeps %r); "
                                "start it from a value of a dtype that holds the number"
                                % (labels[i], x0.dtype, where, type(x).__name__, x,
                                   x0.dtype, x))
                        y = self.jnp.asarray(x, x0.dtype)
                    x = y
                if x.dtype != x0.dtype:
                    raise JaxLoopVarMismatchError(
                        "%s is %s before an iteration of a tensor-dependent loop%s but %s after "
                        "it; keep its dtype the same (e.g. start from a value of dtype %s)"
                        % (labels[i], x0.dtype, where, x.dtype, x.dtype),
                        index=i, expected=x0.dtype, actual=x.dtype)
                if x.shape != x0.shape:
                    raise TypeError(
                        "%s has shape %s before an iteration of a tensor-dependent loop%s but "
                        "%s after it; a JAX loop carries arrays of a fixed shape (pad it to a "
                        "fixed size, or keep the loop in Python)"
                        % (labels[i], tuple(x0.shape), where, tuple(x.shape)))
                res.append(x if weak[i] else self._strong(x))
            return res

        list_pos = [k for k, v in enumerate(loop_vars) if isinstance(v, JaxList)]
        appended = {}
        self._check_python_bools(body_fn, unflat, init, leaves, list_pos, labels, where)

        def body(c):
            args = unflat(c)
            for k in list_pos:
                args[k].appended, args[k].exact = 0, True
            out = tuple(body_fn(*args))
            for k in list_pos:
                v = out[k] if k < len(out) else None
                appended[k] = (v.appended, v.exact) if isinstance(v, JaxList) else (None, False)
            return fix(out)

        def test(c):
            return self._truth(test_fn(*unflat(c)), "tensor-dependent loop")

        if trip_count is not None:
            def step(c, _):
                return body(c), None
            out, _ = lax.scan(step, init, None, length=trip_count)
        elif bound is not None and not any(self.jnp.issubdtype(x.dtype, self.jnp.inexact)
                                           for x in init):
            # Only integers and booleans are carried: no gradient can flow through the loop,
            # so a while_loop capped by a counter (it stops early; a scan would run every step).
            # A `for` loop's own index is that counter (its test is `index < n and ...`).
            if counted:
                out = lax.while_loop(test, body, init)
            else:
                k0 = self.jnp.zeros((), self.jnp.int32)
                out = lax.while_loop(
                    lambda kc: self.jnp.logical_and(kc[0] < bound, test(kc[1])),
                    lambda kc: (kc[0] + 1, body(kc[1])), (k0, init))[1]
        elif bound is not None:
            def step(c, _):
                return lax.cond(test(c), body, lambda c: list(c), c), None
            out, _ = lax.scan(step, init, None, length=bound)
        else:
            out = lax.while_loop(test, body, init)
            self._check_reverse_mode(out, names, where)
            out = self._refuse_reverse_mode(out, names, where)
        grow = {k: a for k, (a, _) in appended.items()
                 if isinstance(loop_vars[k], JaxList) and a is not None
                 and a > rows.get(k, 1) and isinstance(pending[k], _PendingList)}
        if grow:
            # A body appends several items per iteration: trace again with a larger buffer.
            rows = {**rows, **grow}
            return self.while_loop(test_fn, body_fn, pending, names, maximum_iterations,
                                   static_trip_count, _rows=rows)
        unknown = [k for k, (a, _) in appended.items() if a is None]
        if unknown:
            raise TypeError(
                "list '%s' is appended to inside a tensor-dependent loop%s in a way whose "
                "number of items per iteration cannot be bounded while tracing (e.g. inside a "
                "nested loop); append in the loop body itself or inside its `if`s"
                % (loop_vars[unknown[0]].name, where))
        result = unflat(out)
        if trip_count is not None and list_pos:
            # Every iteration appended the same static number of items: the count is static.
            result = list(result)
            for k in list_pos:
                n0, (d, exact) = loop_vars[k].count, appended.get(k)
                if isinstance(n0, int) and isinstance(d, int) and exact:
                    lst = result[k]
                    result[k] = JaxList(lst.buffer, n0 + d * trip_count, lst.name)
            result = tuple(result)
        return tuple(result)

    def _check_python_bools(self, body_fn, unflat, init, leaves, list_pos, labels, where):
        """A loop variable that was a Python bool and that the body uses as Python's number
        (`flag + True` is 2): a JaxLoopVarMismatchError with the int dtype, so that the loop
        builder carries it as a weak int (see jax_bool_carry)."""
        bools = [i for i, x in enumerate(leaves) if self._python_bools.get(id(x)) is x
                 and not _generated_flag(labels[i])]
        if not bools:
            return
        jnp, tree = self.jnp, self.tree

        def run(*c):
            args = unflat(c)
            for k in list_pos:
                args[k].appended, args[k].exact = 0, True
            out = tree.tree_flatten(tuple(body_fn(*args)))[0]
            return [x if self._is_array(x) else jnp.asarray(x) for x in out]

        probe = list(init)
        for i in bools:
            probe[i] = jnp.asarray(1)
        found = python_bools_used_as_numbers(self, run, probe, bools)
        for i, dtype in found.items():
            raise JaxLoopVarMismatchError(
                "%s is a Python bool before a tensor-dependent loop%s whose body uses it as a "
                "number (`True + True` is 2 in Python, a JAX bool array stays True); start it "
                "from an int (e.g. 1 for True) or use it only as a flag (`|`, `not`)"
                % (labels[i], where), index=i, expected=init[i].dtype, actual=dtype)

    def _capped_while(self, test_fn, body_fn, loop_vars, names, cap):
        jnp = self.jnp
        cap = jnp.asarray(cap)
        k0 = jnp.zeros((), cap.dtype)

        def test2(k, *v):
            return jnp.logical_and(self._truth(test_fn(*v), "tensor-dependent loop"), k < cap)

        def body2(k, *v):
            return (k + 1,) + tuple(body_fn(*v))

        try:
            out = self.while_loop(test2, body2, (k0,) + tuple(loop_vars),
                                  ("<iteration>",) + tuple(names or ()))
        except JaxLoopVarMismatchError as e:
            # (the caller's positions: without the iteration counter put first)
            if type(e.index) is int and e.index > 0:
                e.index -= 1
            raise
        return out[1:]

    def _refuse_reverse_mode(self, out, names, where):
        """Marks the floating-point outputs of a lax.while_loop so that building their
        reverse-mode gradient fails with our message (naming the loop) before JAX's own
        while_loop error. This covers what `_check_reverse_mode` cannot see: a `jax.jit`
        traced inside `jax.grad`. The mark is an identity primitive whose tangent is itself
        and whose transpose raises: forward mode, vmap and evaluation are unaffected (it
        lowers to nothing)."""
        prim = self._forward_only_primitive()
        if prim is None:
            return out
        jnp = self.jnp
        message = self._reverse_mode_message(names, where)
        return [prim.bind(x, message=message) if jnp.issubdtype(x.dtype, jnp.inexact) else x
                for x in out]

    def _forward_only_primitive(self):
        prim = getattr(self, "_forward_only", False)
        if prim is not False:
            return prim
        try:
            prim = _make_forward_only_primitive()
        except Exception:  # noqa: BLE001 - JAX internals moved: JAX's own error remains
            prim = None
        self._forward_only = prim
        return prim

    def _reverse_mode_message(self, names, where):
        return ("jax.grad (reverse mode) cannot differentiate the tensor-dependent `while` "
                "loop%s%s: it becomes a lax.while_loop, whose number of iterations is only "
                "known at run time. Declare a bound with "
                "`ag.set_loop_options(maximum_iterations=N)` as the first statement of the "
                "loop body (it becomes a lax.scan of N steps), loop `for` over a range "
                "with a static bound, or use forward mode (jax.jacfwd / jax.jvp)"
                % (where, _vars_text(names)))

    def _check_reverse_mode(self, out, names, where):
        """Reverse mode (`jax.grad`, `jax.vjp`) cannot go through lax.while_loop: say so now,
        naming the loop, instead of JAX's error when the gradient is computed."""
        lin = getattr(self.ad, "LinearizeTracer", None)
        if lin is None:
            return
        for x in self.tree.tree_leaves(out):
            if isinstance(x, lin) and getattr(x._trace, "is_vjp", False) \
                    and type(x.tangent) is not self.ad.Zero:
                raise ReverseModeLoopError(self._reverse_mode_message(names, where))
