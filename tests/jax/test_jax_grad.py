"""Gradients through converted control flow: jax.grad vs finite differences, and the
transformations (jit, grad, value_and_grad, jacfwd, vmap) composed."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
import workloads as w
from autograph.operators.jax_backend import ReverseModeLoopError
from tests.source_helpers import make_function


def finite_difference(f, x, eps=1e-3):
    x = np.asarray(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (float(f(x + d)) - float(f(x - d))) / (2 * eps)
    return g


def check_grad(f, x, py=None, rtol=2e-2):
    """jax.grad of the converted f vs finite differences of the plain Python f."""
    py = py or f
    g = ag.to_graph(f)
    for grad in (jax.grad(g), jax.jit(jax.grad(g)), jax.grad(jax.jit(g))):
        got = np.asarray(grad(jnp.asarray(x, jnp.float32)))
        np.testing.assert_allclose(got, finite_difference(py, x), rtol=rtol, atol=1e-2)


def test_grad_for_over_array_with_continue():
    check_grad(w.sum_even, np.array([0.5, 2.2, 3.5, 4.1, 6.3]),
               py=lambda x: w.sum_even([float(v) for v in x]))


def test_grad_static_range_matches_hand_written_lax():
    g = ag.to_graph(w.static_range)
    for grad in (jax.grad(g), jax.jit(jax.grad(g)), jax.grad(jax.jit(g))):
        np.testing.assert_allclose(grad(jnp.float32(0.3)),
                                   jax.grad(w.static_range_lax)(jnp.float32(0.3)), rtol=1e-5)


def test_grad_for_with_break():
    f = make_function("""
        def f(x):
            s = 0.0
            for v in x:
                if s > 5.0:
                    break
                s += v * v
            return s
    """)
    check_grad(f, np.array([1.0, 1.5, 2.0, 0.5, 3.0]),
               py=lambda x: f([float(v) for v in x]))


def test_grad_for_with_early_return():
    f = make_function("""
        def f(x):
            p = 1.0
            for v in x:
                p = p * v
                if p > 10.0:
                    return p
            return -p
    """)
    check_grad(f, np.array([1.5, 2.0, 2.5, 3.0, 4.0]), py=lambda x: f([float(v) for v in x]))
    check_grad(f, np.array([0.5, 0.5, 0.5]), py=lambda x: f([float(v) for v in x]))


def test_grad_while_with_early_return_of_range_loop():
    f = make_function("""
        def f(x):
            for i in range(10):
                x = x * 1.5
                if x > 100:
                    return x
            return -x
    """)
    check_grad(f, np.float32(3.0))
    check_grad(f, np.float32(0.01))


def test_grad_piecewise():
    for v in (-2.0, 0.5, 3.0):
        check_grad(w.piecewise, np.float32(v))


def test_value_and_grad_jacfwd_vmap_compose():
    g = ag.to_graph(w.sum_even)
    x = jnp.asarray([1.0, 2.0, 4.0, 5.0])
    value, grad = jax.value_and_grad(g)(x)
    assert float(value) == w.sum_even([1.0, 2.0, 4.0, 5.0])
    np.testing.assert_allclose(grad, jax.grad(w.sum_even_lax)(x))
    np.testing.assert_allclose(jax.jacfwd(g)(x), grad)
    xs = jnp.asarray([[1.0, 2.0, 4.0, 5.0], [2.0, 2.0, 3.0, 8.0]])
    batched = jax.jit(jax.vmap(jax.grad(g)))(xs)
    np.testing.assert_allclose(batched, [jax.grad(w.sum_even_lax)(r) for r in xs])


def test_jacfwd_through_unbounded_while():
    # Forward mode works through lax.while_loop.
    g = ag.to_graph(w.while_return)
    np.testing.assert_allclose(jax.jacfwd(g)(jnp.float32(3.0)),
                               finite_difference(w.while_return, np.float32(3.0)), rtol=1e-2)


def test_grad_of_unbounded_while_names_the_loop_and_the_remedy():
    f = make_function("""
        def f(x):
            while x < 100.0:
                x = x * 1.5
            return x
    """)
    # Eagerly, jax.grad sees concrete conditions: the loop runs as Python (and differentiates).
    np.testing.assert_allclose(jax.grad(ag.to_graph(f))(jnp.float32(3.0)), 1.5 ** 9, rtol=1e-5)
    # Under jit the condition is traced: a lax.while_loop, which reverse mode refuses.
    with pytest.raises(ReverseModeLoopError) as info:
        jax.jit(jax.grad(ag.to_graph(f)))(jnp.float32(3.0))
    message = str(info.value)
    assert "maximum_iterations" in message and "while" in message
    assert ":3" in message   # the loop's line in the user's source
    # jit inside grad: the loop is traced without the gradient; the error comes when the
    # gradient is built, still ours.
    with pytest.raises(ReverseModeLoopError, match=r"`while` loop at .*:3"):
        jax.grad(jax.jit(ag.to_graph(f)))(jnp.float32(3.0))
    # Forward mode and plain jit are unaffected.
    assert float(jax.jit(ag.to_graph(f))(jnp.float32(3.0))) == pytest.approx(115.330078125)
    np.testing.assert_allclose(jax.jacfwd(jax.jit(ag.to_graph(f)))(jnp.float32(3.0)), 1.5 ** 9,
                               rtol=1e-5)


def test_untaken_branch_does_not_poison_the_gradient():
    f = make_function("""
        def f(x):
            if x > 0:
                y = jnp.sqrt(x)
            else:
                y = 0.0
            done = x > 1 and x < 10
            return y + jnp.where(done, 1.0, 0.0)
    """, namespace={"jnp": jnp})
    g = jax.jit(jax.grad(ag.to_graph(f)))
    assert float(g(jnp.float32(-1.0))) == 0.0
    np.testing.assert_allclose(g(jnp.float32(4.0)), 0.25)


def test_vmap_and_hessian_of_loops():
    bounded = make_function("""
        def f(x):
            while x < 100.0:
                ag.set_loop_options(maximum_iterations=20)
                x = x * 1.5
            return x
    """, namespace={"ag": ag})
    g = ag.to_graph(bounded)
    xs = jnp.asarray([3.0, 50.0, 200.0])
    np.testing.assert_allclose(jax.vmap(g)(xs), [bounded(float(v)) for v in xs], rtol=1e-6)
    np.testing.assert_allclose(jax.vmap(jax.grad(g))(xs), [1.5 ** 9, 1.5 ** 2, 1.0],
                               rtol=1e-5)
    h = jax.hessian(ag.to_graph(w.static_range))(jnp.float32(0.3))
    np.testing.assert_allclose(h, jax.hessian(w.static_range_lax)(jnp.float32(0.3)),
                               rtol=1e-4)


def test_every_float_workload_differentiates_where_the_maths_allows():
    # Eager jax.grad sees concrete loop conditions: the while runs as Python.
    for v in (3.0, 0.5, 150.0):
        np.testing.assert_allclose(jax.grad(ag.to_graph(w.while_return))(jnp.float32(v)),
                                   finite_difference(w.while_return, np.float32(v)),
                                   rtol=2e-2)
    for name in ("sum_even", "piecewise", "static_range"):
        f, ref = getattr(w, name), getattr(w, name + "_lax")
        x = jnp.asarray([0.5, 2.25, 3.5]) if name == "sum_even" else jnp.float32(0.7)
        np.testing.assert_allclose(jax.jit(jax.grad(ag.to_graph(f)))(x), jax.grad(ref)(x),
                                   rtol=1e-5)
