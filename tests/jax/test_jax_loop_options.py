"""`ag.set_loop_options` under JAX: a declared bound makes a traced `while` a lax.scan of N
steps, so jax.grad differentiates it; and lists appended in staged loops."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from tests.source_helpers import make_function

BOUNDED = """
    def f(x):
        while x < 100.0:
            ag.set_loop_options(maximum_iterations=20)
            x = x * 1.5
        return x
"""


def bounded():
    return make_function(BOUNDED, namespace={"ag": ag})


def test_bounded_while_values_match_python():
    f = bounded()
    g = jax.jit(ag.to_graph(f))
    for v in (3.0, 0.5, 150.0):
        np.testing.assert_allclose(g(jnp.float32(v)), f(v), rtol=1e-6)


def test_bounded_while_is_reverse_differentiable():
    g = ag.to_graph(bounded())
    for grad in (jax.jit(jax.grad(g)), jax.grad(jax.jit(g))):
        np.testing.assert_allclose(grad(jnp.float32(3.0)), 1.5 ** 9, rtol=1e-5)
        np.testing.assert_allclose(grad(jnp.float32(200.0)), 1.0)


def test_bound_caps_the_loop():
    f = make_function("""
        def f(x):
            while x > 0:
                ag.set_loop_options(maximum_iterations=3)
                x = x - 1
            return x
    """, namespace={"ag": ag})
    assert int(jax.jit(ag.to_graph(f))(jnp.int32(10))) == 7
    assert int(jax.jit(ag.to_graph(f))(jnp.int32(2))) == 0
    assert f(10) == 0   # plain Python: the option is a no-op


def test_bounded_while_with_early_return_grad():
    f = make_function("""
        def f(x):
            i = 0
            while i < 10:
                ag.set_loop_options(maximum_iterations=10)
                x = x * 1.5
                if x > 100:
                    return x
                i += 1
            return -x
    """, namespace={"ag": ag})
    g = ag.to_graph(f)
    np.testing.assert_allclose(jax.jit(jax.grad(g))(jnp.float32(3.0)), 1.5 ** 9, rtol=1e-5)
    np.testing.assert_allclose(jax.jit(jax.grad(g))(jnp.float32(0.1)), -(1.5 ** 10), rtol=1e-5)


def test_traced_bound_caps_a_forward_loop():
    f = make_function("""
        def f(x, n):
            while x > 0:
                ag.set_loop_options(maximum_iterations=n)
                x = x - 1
            return x
    """, namespace={"ag": ag})
    assert int(jax.jit(ag.to_graph(f))(jnp.int32(10), jnp.int32(4))) == 6


def test_list_in_static_loop_becomes_a_stacked_array():
    f = make_function("""
        def f(x):
            out = []
            s = 0.0
            for v in x:
                s = s + v
                out.append(s * s)
            return jnp.stack(out)
    """, namespace={"jnp": jnp})
    x = jnp.asarray([1.0, 2.0, 3.0])
    got = jax.jit(ag.to_graph(f))(x)
    np.testing.assert_allclose(got, [1.0, 9.0, 36.0])
    np.testing.assert_allclose(f([1.0, 2.0, 3.0]), [1.0, 9.0, 36.0])
    # and it differentiates
    grad = jax.grad(lambda x: ag.to_graph(f)(x).sum())(x)
    np.testing.assert_allclose(grad, jax.grad(lambda x: (jnp.cumsum(x) ** 2).sum())(x))


def test_list_with_items_from_before_the_loop():
    f = make_function("""
        def f(x):
            out = [0.0]
            for v in x:
                out.append(v * 2)
            return jnp.stack(out)
    """, namespace={"jnp": jnp})
    np.testing.assert_allclose(jax.jit(ag.to_graph(f))(jnp.asarray([1.0, 2.0])), [0, 2, 4])


def test_list_in_bounded_while_is_a_buffer_usable_by_index_and_len():
    f = make_function("""
        def f(n):
            out = []
            i = 0
            while i < n:
                ag.set_loop_options(maximum_iterations=8)
                out.append(i * i)
                i += 1
            total = 0
            for k in range(len(out)):
                total += out[k]
            return total, len(out)
    """, namespace={"ag": ag})
    total, count = jax.jit(ag.to_graph(f))(jnp.int32(4))
    assert (int(total), int(count)) == f(4) == (14, 4)


def test_list_in_unbounded_while_is_an_error_naming_the_list():
    f = make_function("""
        def f(n):
            items = []
            while n > 1:
                items.append(n)
                n = n // 2
            return items
    """)
    with pytest.raises(TypeError, match="list 'items'.*maximum_iterations"):
        jax.jit(ag.to_graph(f))(jnp.int32(100))


def test_stacking_a_list_of_run_time_length_is_an_error():
    f = make_function("""
        def f(n):
            out = []
            while n > 1:
                ag.set_loop_options(maximum_iterations=10)
                out.append(n)
                n = n // 2
            return jnp.stack(out)
    """, namespace={"ag": ag, "jnp": jnp})
    with pytest.raises(TypeError, match="list 'out'.*run time"):
        jax.jit(ag.to_graph(f))(jnp.int32(100))


def test_several_appends_per_iteration_size_the_buffer():
    f = make_function("""
        def f(x):
            out = []
            for v in x:
                out.append(v)
                out.append(-v)
            return jnp.stack(out)
    """, namespace={"jnp": jnp})
    got = jax.jit(ag.to_graph(f))(jnp.asarray([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(got, f([1.0, 2.0, 3.0]))


def test_conditional_append_keeps_a_run_time_length():
    f = make_function("""
        def f(x):
            out = []
            for v in x:
                if v > 0:
                    out.append(v)
            s = 0.0
            for k in range(len(out)):
                s += out[k]
            return s, len(out)
    """)
    s, n = jax.jit(ag.to_graph(f))(jnp.asarray([1.0, -2.0, 3.0, -4.0]))
    assert (float(s), int(n)) == f([1.0, -2.0, 3.0, -4.0]) == (4.0, 2)


def test_append_from_a_nested_staged_loop_is_an_error_naming_the_list():
    f = make_function("""
        def f(x, n):
            out = []
            for v in x:
                i = 0
                while i < n:
                    out.append(v)
                    i += 1
            return out
    """)
    with pytest.raises(TypeError, match="list 'out'"):
        jax.jit(ag.to_graph(f))(jnp.asarray([1.0, 2.0]), jnp.int32(2))
