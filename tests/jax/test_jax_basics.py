"""The JAX backend: converted code stages lax control flow on tracers.

Three-way pattern: plain Python vs `jax.jit(ag.to_graph(f))` vs hand-written `lax`."""

import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
import workloads as w
from tests.source_helpers import make_function


def jit(f):
    return jax.jit(ag.to_graph(f))


def test_import_autograph_does_not_import_jax():
    code = ("import autograph, autograph.operators, sys; "
            "import autograph.operators.control_flow; "
            "assert 'jax' not in sys.modules, sorted(m for m in sys.modules if 'jax' in m)")
    subprocess.run([sys.executable, "-c", code], check=True)
    # Nor does converting and running code, on Python values and on our runtime's tensors.
    code = ("import sys, linecache; import autograph as ag\n"
            "src = 'def f(n):\\n    s = 0\\n    while n > 1:\\n        n = n // 2\\n"
            "        s += 1\\n    return s\\n'\n"
            "linecache.cache['<m>'] = (len(src), None, src.splitlines(True), '<m>')\n"
            "ns = {}; exec(compile(src, '<m>', 'exec'), ns)\n"
            "assert ag.to_graph(ns['f'])(100) == 6\n"
            "assert int(ag.function(ns['f'])(ag.constant(100))) == 6\n"
            "assert 'jax' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_collatz_under_jit_is_one_computation():
    f = jit(w.collatz_steps)
    assert int(f(jnp.int32(27))) == w.collatz_steps(27) == 111
    assert int(f(jnp.int32(27))) == int(jax.jit(w.collatz_steps_lax)(jnp.int32(27)))
    text = f.lower(jnp.int32(27)).as_text()
    assert "while" in text and ("case" in text or "select" in text)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 7, 97])
def test_collatz_values(n):
    assert int(jit(w.collatz_steps)(jnp.int32(n))) == w.collatz_steps(n)


def test_python_values_stay_python():
    # Called with Python values, the converted function runs as Python (no JAX at all).
    assert ag.to_graph(w.collatz_steps)(27) == 111
    # A concrete JAX array outside any transformation also runs as Python.
    assert int(ag.to_graph(w.collatz_steps)(jnp.int32(27))) == 111


@pytest.mark.parametrize("name", ["sum_even", "first_index", "piecewise", "static_range",
                                  "while_return"])
def test_workloads_three_way(name):
    f, ref = getattr(w, name), getattr(w, name + "_lax")
    rng = np.random.default_rng(0)
    if name in ("sum_even", "first_index"):
        x = np.round(rng.uniform(0, 10, size=12)).astype(np.float32)
        for args in ([x, 4.5], [x, 9.5], [x, 100.0]) if name == "first_index" else ([x],):
            expected = f(list(map(float, args[0])), *args[1:]) if name == "first_index" \
                else f([float(v) for v in args[0]])
            got = jit(f)(jnp.asarray(args[0]), *args[1:])
            np.testing.assert_allclose(got, expected, rtol=1e-5)
            np.testing.assert_allclose(got, jax.jit(ref)(jnp.asarray(args[0]), *args[1:]),
                                       rtol=1e-5)
    else:
        for v in (-2.0, 0.5, 3.0, 150.0):
            expected = f(np.float32(v)) if name == "static_range" else f(v)
            got = jit(f)(jnp.float32(v))
            np.testing.assert_allclose(got, expected, rtol=1e-5)
            np.testing.assert_allclose(got, jax.jit(ref)(jnp.float32(v)), rtol=1e-5)


def test_logical_operators_and_ternary():
    f = make_function("""
        def f(x, y):
            a = x > 0 and y > 0
            b = x > 0 or y > 0
            c = not (x > y)
            d = x if x > y else y
            return a, b, c, d
    """)
    g = jit(f)
    for x, y in [(1.0, 2.0), (-1.0, 2.0), (1.0, -2.0), (-1.0, -2.0)]:
        got = g(jnp.float32(x), jnp.float32(y))
        assert [bool(v) for v in got[:3]] == [bool(v) for v in f(x, y)[:3]]
        assert float(got[3]) == f(x, y)[3]


def test_builtins_over_traced_values():
    f = make_function("""
        def f(x):
            n = len(x)
            s = 0.0
            for i, v in enumerate(x):
                s += abs(v) * i
            for a, b in zip(x, x[::-1]):
                s += min(a, b) + max(a, b)
            for i in range(n):
                s += x[i]
            return s, n, max(x), min(x)
    """)
    x = np.array([1.0, -2.0, 3.0], np.float32)
    got = jit(f)(jnp.asarray(x))
    expected = f(list(map(float, x)))
    np.testing.assert_allclose([float(v) for v in got], expected, rtol=1e-6)


def test_range_with_traced_bound():
    f = make_function("""
        def f(n):
            s = 0
            for i in range(n):
                s += i
            return s
    """)
    assert int(jit(f)(jnp.int32(10))) == 45
    assert int(jit(f)(jnp.int32(0))) == 0


def test_called_user_functions_are_converted():
    helper = make_function("""
        def helper(x):
            if x > 0:
                return x
            return -x
    """)
    f = make_function("""
        def f(x):
            return helper(x) + 1
    """, namespace={"helper": helper})
    assert float(jit(f)(jnp.float32(-3.0))) == 4.0
    assert float(jit(f)(jnp.float32(3.0))) == 4.0


def test_python_number_adapts_to_branch_dtype():
    f = make_function("""
        def f(x):
            if x > 0:
                y = 1
            else:
                y = x * 2.0
            return y
    """)
    assert float(jit(f)(jnp.float32(3.0))) == 1.0
    assert float(jit(f)(jnp.float32(-3.0))) == -6.0


def test_loop_variable_from_python_number_takes_body_dtype():
    f = make_function("""
        def f(x):
            s = 0
            while s < 10:
                s += x
            return s
    """)
    assert float(jit(f)(jnp.float32(2.5))) == 10.0


def test_vmap_matches_per_element_python():
    g = jax.vmap(ag.to_graph(w.collatz_steps))
    ns = np.array([1, 2, 3, 7, 27], np.int32)
    assert list(np.asarray(g(jnp.asarray(ns)))) == [w.collatz_steps(int(n)) for n in ns]
    h = jax.vmap(ag.to_graph(w.piecewise))
    xs = np.array([-2.0, 0.5, 3.0], np.float32)
    np.testing.assert_allclose(h(jnp.asarray(xs)), [w.piecewise(float(v)) for v in xs])


def test_ag_print_is_staged_as_debug_print(capfd):
    f = make_function("""
        def f(x):
            if x > 0:
                ag.print("positive", x)
            return x
    """, namespace={"ag": ag})
    g = jit(f)
    g(jnp.float32(2.0)).block_until_ready()
    g(jnp.float32(3.0)).block_until_ready()
    jax.effects_barrier()
    out = capfd.readouterr().out
    assert "positive 2.0" in out and "positive 3.0" in out
    g(jnp.float32(-1.0)).block_until_ready()   # the branch is not taken: nothing printed
    jax.effects_barrier()
    assert "positive" not in capfd.readouterr().out


def test_cheap_integer_branches_are_a_select_others_a_cond():
    text = str(jax.make_jaxpr(ag.to_graph(w.collatz_steps))(jnp.int32(27)))
    assert "select_n" in text and "cond[" not in text    # integer updates: both + select
    text = str(jax.make_jaxpr(ag.to_graph(w.piecewise))(jnp.float32(2.0)))
    assert "cond[" in text                                # float arithmetic: a real cond


def test_assert_on_traced_value_is_checked_at_run_time():
    f = make_function("""
        def f(x):
            assert x > 0, "x must be positive"
            return x * 2
    """)
    g = jit(f)
    assert float(g(jnp.float32(2.0))) == 4.0
    with pytest.raises(Exception, match="x must be positive"):
        g(jnp.float32(-2.0)).block_until_ready()
        jax.effects_barrier()


def test_autograph_jax_jit():
    import autograph.jax as agj

    assert int(agj.jit(w.collatz_steps)(jnp.int32(27))) == 111

    @agj.jit(static_argnums=1)
    def power(x, n):
        y = 1.0
        for _ in range(n):
            y = y * x
        return y
    assert float(power(jnp.float32(2.0), 5)) == 32.0
    assert ag.jax.jit is agj.jit
