"""The test of a staged loop whose counter stands for a Python int (weakly typed) combines its
comparison with the stop flag without converting the weak bool first: a convert there is one
more operation for XLA to compile on every first call (first_index, bench/bench_jax.py)."""
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

import autograph as ag  # noqa: E402


def first_index(x, t):
    for i in range(len(x)):
        if x[i] > t:
            return i
    return -1


def test_the_loop_test_of_a_weak_counter_has_no_bool_convert():
    args = (jnp.asarray([0.5, 2.0, 3.0, 1.0], jnp.float32), jnp.float32(1.5))
    jaxpr = jax.make_jaxpr(ag.to_graph(first_index))(*args)
    loops = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "while"]
    assert len(loops) == 1
    cond = loops[0].params["cond_jaxpr"].jaxpr
    converts = [e for e in cond.eqns if e.primitive.name == "convert_element_type"]
    assert not converts, cond
    assert int(jax.jit(ag.to_graph(first_index))(*args)) == first_index(*args)
