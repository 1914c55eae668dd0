"""A loop whose test becomes a tracer during a Python iteration is staged from that iteration
(loops._restart_state) when that cannot change a value, a side effect, a gradient or an error;
otherwise the iteration stays outside the staged loop, as Python ran it."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
import workloads as w
from tests.source_helpers import make_function

X = jnp.asarray(np.round(np.random.default_rng(0).uniform(0, 10, 64)).astype(np.float32) + 0.25)


def jit(f):
    return jax.jit(ag.to_graph(f))


def _loop_inputs(f, *args):
    """The inputs of the one staged loop of `ag.to_graph(f)`, and the function's inputs."""
    closed = jax.make_jaxpr(ag.to_graph(f))(*args)
    loops = [e for e in closed.jaxpr.eqns if e.primitive.name in ("while", "scan")]
    assert len(loops) == 1, closed
    return loops[0].invars, closed.jaxpr.invars


def starts_from_entry(f, *args):
    """True if the staged loop starts from the values the function had before the loop
    (its inputs and constants): no op of a Python iteration feeds it."""
    loop_in, fn_in = _loop_inputs(f, *args)
    ids = set(map(id, fn_in))
    return all(type(v).__name__ == "Literal" or id(v) in ids for v in loop_in)


def test_workload_loops_start_from_the_entry_state():
    assert starts_from_entry(w.first_index, X, jnp.float32(9.0))
    # Its Python int `i` is only a counter (compared with 10, incremented by 1): the int32
    # step computes the same (other uses keep the iteration: test_jax_restart_counters.py).
    assert starts_from_entry(w.while_return, jnp.float32(3.0))


@pytest.mark.parametrize("t", [-1.0, 0.0, 5.0, 9.0, 10.0, 11.0])
def test_first_index_values(t):
    # t < x[0]: the Python iteration (the one restaged) is the one that returns.
    g = jit(w.first_index)
    x = np.asarray(X)
    assert int(g(X, jnp.float32(t))) == w.first_index(list(x), np.float32(t))


@pytest.mark.parametrize("x", [0.5, 3.0, 66.7, 67.0, 100.0, 1e4, -2.0])
def test_while_return_values(x):
    # 67 * 1.5 > 100: returns in the restaged first iteration.
    assert float(jit(w.while_return)(jnp.float32(x))) == pytest.approx(
        float(w.while_return(np.float32(x))), rel=1e-6)


def test_range_with_a_start_and_step_restages_its_first_item():
    f = make_function("""
        def f(x, t):
            for i in range(3, 40, 2):
                if x[i] > t:
                    return i
            return -1
    """)
    assert starts_from_entry(f, X, jnp.float32(9.0))
    x = np.asarray(X)
    for t in (-1.0, 5.0, 9.0, 20.0):
        assert int(jit(f)(X, jnp.float32(t))) == f(list(x), np.float32(t))


def test_gradient_through_a_restaged_bounded_while():
    f = make_function("""
        def f(x):
            small = True
            while small:
                ag.set_loop_options(maximum_iterations=10)
                x = x * 3.0
                if x > 100.0:
                    return x * x
                small = x > 1e-6
            return -x
    """, namespace={"ag": ag})
    assert starts_from_entry(f, jnp.float32(3.0))
    for x in (3.0, 70.0, 0.01):
        # jax.grad without jit: the conditions are concrete, the loop runs as Python.
        want = jax.grad(ag.to_graph(f))(x)
        assert float(jax.jit(jax.grad(ag.to_graph(f)))(jnp.float32(x))) == pytest.approx(
            float(want), rel=1e-6)


def test_an_effect_recorded_in_the_python_iteration_keeps_it(capfd):
    # jax.debug.print records an op that prints when the graph runs: staging the iteration
    # again would print its line twice.
    f = make_function("""
        def f(x):
            i = 0
            while i < 5:
                jax.debug.print("step {}", i)
                x = x * 2.0
                if x > 10.0:
                    break
                i += 1
            return x
    """, namespace={"jax": jax})
    assert not starts_from_entry(f, jnp.float32(1.0))
    assert float(jit(f)(jnp.float32(1.0))) == 16.0
    jax.effects_barrier()
    lines = [ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("step")]
    assert lines == ["step 0", "step 1", "step 2", "step 3"]


@pytest.mark.parametrize("body", [
    # a Python side effect: the iteration must stay as Python ran it
    ("seen.append(1)", "x = x * 2.0"),
    ("print('iteration')", "x = x * 2.0"),
    ("x = x * helper(2.0)",),          # a user function with a side effect
    ("x = x * 2.0 + s",),              # a Python float (float64 in Python, float32 staged)
])
def test_iterations_that_may_differ_staged_stay_python(body):
    source = """
        def f(x):
            i = 0
            %s
            while i < 5:
                %s
                if x > 10.0:
                    break
                i += 1
                %s
            return x
    """ % (("s = 0.1", "\n                ".join(body), "s = s * 3.0") if "+ s" in body[0]
           else ("", "\n                ".join(body), ""))
    seen = []
    f = make_function(source, namespace={"seen": seen,
                                         "helper": lambda v: seen.append(v) or v})
    assert not starts_from_entry(f, jnp.float32(1.0))
    assert float(jit(f)(jnp.float32(1.0))) == pytest.approx(float(f(np.float32(1.0))))


def test_an_effect_free_user_function_allows_the_restart():
    f = make_function("""
        def f(x):
            small = True
            while small:
                x = x * helper(2.0)
                if x > 10.0:
                    break
                small = x < 1e3
            return x
    """, namespace={"helper": lambda v: v})
    assert starts_from_entry(f, jnp.float32(1.0))
    for x in (1.0, 6.0, 20.0, 0.001):
        assert float(jit(f)(jnp.float32(x))) == pytest.approx(float(f(np.float32(x))))


def test_nonlocal_write_keeps_the_python_iteration():
    f = make_function("""
        def outer(x):
            count = 0
            def bump():
                nonlocal count
                count += 1
                return 2.0
            i = 0
            while i < 5:
                x = x * bump()
                if x > 10.0:
                    break
                i += 1
            return x
    """)
    assert not starts_from_entry(f, jnp.float32(1.0))
    assert float(jit(f)(jnp.float32(1.0))) == 16.0


def test_an_error_of_the_python_iteration_is_raised_as_before():
    # Python's 10 // 0 raises in the first iteration (a staged integer division would not):
    # the iteration runs as Python first.
    f = make_function("""
        def f(x):
            for i in range(5, 8):
                if x * (10 // (i - 5)) > 0:
                    return i
            return -1
    """)
    with pytest.raises(ZeroDivisionError):
        jit(f)(jnp.float32(1.0))


def test_an_assert_on_a_tracer_in_the_python_iteration_keeps_it():
    # The converted `assert` records a run-time check (an op with an effect) in the Python
    # iteration; staged again, the check would run twice.
    f = make_function("""
        def f(x):
            i = 0
            while i < 5:
                assert x < 1000.0, "too big"
                x = x * 2.0
                if x > 10.0:
                    break
                i += 1
            return x
    """)
    assert not starts_from_entry(f, jnp.float32(1.0))
    assert float(jit(f)(jnp.float32(1.0))) == 16.0


# --- early-return values inside staged loops --------------------------------------------------
# The converted code assigns `retval_` only with `do_return = True`, and a loop with a return
# stops once that flag is set, so an iteration never starts with a return value: the body is
# traced with it undefined (loops._unset_in_body), and an `if` that returns a value made
# outside it gives that value as the other branch's placeholder (no select).

def _loop_body_selects(f, *args):
    """The selects making values the staged loop of `ag.to_graph(f)` carries."""
    closed = jax.make_jaxpr(ag.to_graph(f))(*args)
    (loop,) = [e for e in closed.jaxpr.eqns if e.primitive.name in ("while", "scan")]
    body = loop.params.get("body_jaxpr", loop.params.get("jaxpr")).jaxpr
    outs = set(map(id, body.outvars))
    # (the selects whose result the loop carries: not those normalizing an index)
    return [e for e in body.eqns if e.primitive.name == "select_n" and id(e.outvars[0]) in outs]


def test_first_index_carries_its_return_value_without_a_select():
    # Only the return flag is selected; the return value is the loop index itself.
    assert len(_loop_body_selects(w.first_index, X, jnp.float32(9.0))) == 1


def test_while_return_carries_its_return_value_without_a_select():
    # x * 1.5 is both the new x and the return value: the flag and `i` are selected.
    assert len(_loop_body_selects(w.while_return, jnp.float32(3.0))) == 2


@pytest.mark.parametrize("source", [
    # the returned value is made outside the `if` (the loop item): no select
    """
    def f(x):
        for v in x:
            if v > 2.0:
                return v
        return -1.0
    """,
    # made inside the `if`: a zeros placeholder and a select, as before
    """
    def f(x):
        for v in x:
            if v > 2.0:
                return v * v
        return -1.0
    """,
    """
    def f(x):
        s = 0.0
        for v in x:
            s = s + v
            if s > 2.0:
                return s
        return -s
    """,
])
def test_early_return_values_and_gradients(source):
    f = make_function(source)
    for x in ([0.5, 1.0, 3.0, 4.0], [3.0, 0.0, 0.0, 5.0], [0.1, 0.2, 0.3, 0.4]):
        x = jnp.asarray(x, jnp.float32)
        assert float(jit(f)(x)) == pytest.approx(float(f(np.asarray(x))))
        want = jax.grad(ag.to_graph(f))(x)          # concrete: the loop runs as Python
        got = jax.jit(jax.grad(ag.to_graph(f)))(x)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def test_a_loop_test_that_does_not_stop_on_the_flag_keeps_the_carried_value():
    # The return is inside an inner `for` over a Python range whose iterations are unrolled:
    # the outer while's own test has `not do_return`; correctness of values either way.
    f = make_function("""
        def f(x):
            i = 0
            while x < 50.0:
                x = x * 2.0
                for k in range(2):
                    if x > 20.0 + k:
                        return x + k
                i += 1
            return -x
    """)
    for x in (0.5, 3.0, 30.0, 60.0):
        assert float(jit(f)(jnp.float32(x))) == pytest.approx(float(f(np.float32(x))))


def test_effect_free_check():
    from autograph.operators import dispatch
    from autograph.operators.effects import _effect_free
    backend = dispatch.backend_for(jax.make_jaxpr(lambda x: x)(1.0).jaxpr.invars and jnp.ones(1))
    backend = backend or [b for b in dispatch.backends() if b.name == "jax"][0]
    box, seen = [0], []
    src = """
        def pure(x, i):
            return jnp.sin(x) * abs(i) + len((1, 2))
        def prints(x):
            print(x)
            return x
        def appends(x):
            seen.append(x)
            return x
        def sets_attr(x):
            x.y = 1
            return x
        def stores_item(x):
            box[0] = x
            return x
        def draws(x):
            return x + np.random.rand()
        def calls_user(x):
            return helper(x)
    """
    ns = {"jnp": jnp, "np": np, "seen": seen, "box": box,
          "helper": lambda v: seen.append(v) or v}
    fns = {name: make_function(src, name, ns) for name in (
        "pure", "prints", "appends", "sets_attr", "stores_item", "draws", "calls_user")}
    assert _effect_free(backend, (fns.pop("pure"),))
    for name, fn in fns.items():
        assert not _effect_free(backend, (fn,)), name


# --- `a if c else b` of two variables or constants: a select, with cond's dtype rules ---------

@pytest.mark.parametrize("a,b,want_dtype", [
    ("x", "2", jnp.float32),         # a Python number takes the array's dtype
    ("2", "x", jnp.float32),
    ("n", "-1", jnp.int32),
    ("1", "2.5", jnp.float32),       # two numbers: their common dtype
    ("x", "y", jnp.float32),
    ("True", "False", jnp.bool_),
])
def test_conditional_expression_of_loaded_values(a, b, want_dtype):
    f = make_function("""
        def f(x, y, n, c):
            return %s if c > 0 else %s
    """ % (a, b))
    args = (jnp.float32(1.5), jnp.float32(-3.0), jnp.int32(7))
    for c in (1.0, -1.0):
        got = jit(f)(*args, jnp.float32(c))
        want = f(*(np.asarray(v) for v in args), c)
        assert got.dtype == want_dtype
        assert got == pytest.approx(float(want))
    closed = jax.make_jaxpr(ag.to_graph(f))(*args, jnp.float32(1.0))
    assert "cond" not in {e.primitive.name for e in closed.jaxpr.eqns}


def test_conditional_expression_of_different_dtypes_is_refused_as_before():
    f = make_function("""
        def f(x, n, c):
            return x if c > 0 else n
    """)
    with pytest.raises(TypeError, match="dtype"):
        jit(f)(jnp.float32(1.5), jnp.int32(2), jnp.float32(1.0))


# --- an `if` whose branches only move values or compute with integers: no branch jaxprs ------

@pytest.mark.parametrize("n", [1, 2, 3, 6, 7, 27, 97])
def test_integer_branches_values(n):
    assert int(jit(w.collatz_steps)(jnp.int32(n))) == w.collatz_steps(n)


def test_integer_branch_errors_are_raised_as_before():
    f = make_function("""
        def f(x):
            k = 1
            if x > 0:
                k = k // 0
            return k
    """)
    with pytest.raises(Exception, match="ZeroDivisionError"):
        jit(f)(jnp.float32(1.0))


def test_float_branches_keep_their_jaxpr_rules():
    # A float computed in a branch: the select-or-cond rules of the traced branches apply
    # (here a cond: log's gradient is not linear), the gradient is the taken branch's.
    f = make_function("""
        def f(x):
            k = 0
            if x > 0:
                y = jnp.log(x)
                k = k + 1
            else:
                y = x
            return y, k
    """, namespace={"jnp": jnp})
    closed = jax.make_jaxpr(ag.to_graph(f))(jnp.float32(2.0))
    assert "cond" in {e.primitive.name for e in closed.jaxpr.eqns}
    g = jax.jit(jax.grad(lambda x: ag.to_graph(f)(x)[0]))
    assert float(g(jnp.float32(0.0))) == 1.0
    assert float(g(jnp.float32(2.0))) == 0.5
