"""Whether a staged JAX loop's body uses a loop variable that started as a Python bool as a
number (issue #15).

To Python a bool is an int: `True + True == 2`, `True * True == 1`, `~True == -2`. A JAX bool
array computes `+` as `or`, `*` as `and` and `~` as `not`, so a Python bool carried as a bool
array would stay `True` where Python counts. The body is traced once more with such a
variable as a weakly typed int (the value Python computes with); if its new value then comes
from an arithmetic operation whose operands are only the variable itself and constants (the
Python numbers of the source), Python's value is that int and the loop carries the int.
Operations that keep bools bools in Python (`|`, `&`, `^`, comparisons, `not`, min/max,
`jnp.where`) leave the bool as it is. An operand that is another traced value is left alone:
staged, an array and a Python int made a tracer (a range's item) look the same.
"""

__all__ = ["python_bools_used_as_numbers"]

# Arithmetic whose result on two bools is an int in Python but a bool on JAX bool arrays.
_NUMBER_OPS = frozenset(("add", "mul", "not"))


def python_bools_used_as_numbers(backend, run, probe, positions):
    """{position: dtype} for the flat loop variables at `positions` (Python bools) whose new
    value `run(*probe)` (the body on flat values; `probe` has those positions as weak ints)
    computes as a number from the variable and constants only."""
    import jax
    try:
        closed = jax.make_jaxpr(run)(*probe)
    except Exception:
        return {}        # (the real trace reports what is wrong)
    jaxpr = closed.jaxpr
    found = {}
    for i in positions:
        if i >= len(jaxpr.outvars):
            continue
        aval = jaxpr.outvars[i].aval
        if aval.dtype == bool or getattr(aval, "shape", ()) != ():
            continue
        if _number_path(backend.core, jaxpr, {i}, {i}):
            found[i] = aval.dtype
    return found


def _chosen_constants(core, e):
    """The outputs of a staged `if` / ternary (a top-level `select_n` or `cond`) that are one
    of its constants whatever the condition: Python numbers of the source in Python."""
    name = e.primitive.name
    if name == "select_n":
        if all(not _is_var(core, v) for v in e.invars[1:]):
            return list(e.outvars)
    elif name == "cond":
        outs = []
        for k, v in enumerate(e.outvars):
            if all(_constant_out(core, b.jaxpr, k) for b in e.params["branches"]):
                outs.append(v)
        return outs
    return []


def _constant_out(core, jaxpr, k):
    v = jaxpr.outvars[k]
    if not _is_var(core, v):
        return True
    const = set()       # (not constvars: closed-over arrays and tracers)
    for e in jaxpr.eqns:
        if all(u in const for u in e.invars if _is_var(core, u)):
            const.update(e.outvars)
    return v in const


def _is_var(core, v):
    return not isinstance(v, core.Literal)


def _number_path(core, jaxpr, tainted_in, needed_out):
    """True if an arithmetic operation of _NUMBER_OPS on the path from invars `tainted_in`
    to outvars `needed_out` has only tainted or constant operands."""
    tainted = {jaxpr.invars[k] for k in tainted_in}
    const = set()       # (not constvars: closed-over arrays and tracers)
    for e in jaxpr.eqns:
        ins = [v for v in e.invars if _is_var(core, v)]
        if any(v in tainted for v in ins):
            tainted.update(e.outvars)
        elif all(v in const for v in ins):
            const.update(e.outvars)
        else:
            const.update(_chosen_constants(core, e))
    needed = {v for k, v in enumerate(jaxpr.outvars) if k in needed_out and _is_var(core, v)}
    for e in reversed(jaxpr.eqns):
        if not any(v in needed for v in e.outvars):
            continue
        ins = [v for v in e.invars if _is_var(core, v)]
        needed.update(ins)
        if not any(v in tainted for v in ins):
            continue
        name = e.primitive.name
        sub_in = {k for k, v in enumerate(e.invars) if _is_var(core, v) and v in tainted}
        sub_out = {k for k, v in enumerate(e.outvars) if v in needed}
        if name in ("pjit", "jit") and "jaxpr" in e.params:
            if _number_path(core, e.params["jaxpr"].jaxpr, sub_in, sub_out):
                return True
        elif name == "cond":
            shifted = {k - 1 for k in sub_in if k > 0}
            if any(_number_path(core, b.jaxpr, shifted, sub_out) for b in e.params["branches"]):
                return True
        elif name in _NUMBER_OPS:
            if all(v in tainted or v in const for v in ins):
                return True
    return False
