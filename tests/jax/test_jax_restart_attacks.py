"""Programs whose loop restart (loops._restart_state) would change a value: each must give
plain Python's value under `jax.jit(ag.to_graph(f))` (the Python iteration stays outside the
staged loop)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag


def _loop_calling(step):
    def f(x):
        i = 0
        done = False
        while i < 5 and not done:
            x = step(x)
            if x > 0.0:
                done = True
            i += 1
        return x
    return f


def _first_call_adds_one_via_default():
    def step(x, seen=[]):  # noqa: B006 - the mutable default is the point
        seen.append(1)
        return x + (1.0 if len(seen) == 1 else 0.0)
    return step


def _first_call_adds_one_via_kwdefault():
    def step(x, *, seen=[]):  # noqa: B006
        seen.append(1)
        return x + (1.0 if len(seen) == 1 else 0.0)
    return step


def _first_call_adds_one():
    seen = []

    def step(x):
        seen.append(1)
        return x + (1.0 if len(seen) == 1 else 0.0)
    return step


def _partial():
    return jax.tree_util.Partial(_first_call_adds_one())


def _custom_jvp():
    c = jax.custom_jvp(_first_call_adds_one())
    c.defjvp(lambda p, t: (c(p[0]), t[0]))
    return c


def _vectorize():
    return np.vectorize(_first_call_adds_one(), otypes=[np.float32])


@pytest.mark.parametrize("make", [_first_call_adds_one_via_default,
                                  _first_call_adds_one_via_kwdefault, _partial, _custom_jvp])
def test_a_stateful_function_reached_from_the_body_keeps_the_python_iteration(make):
    want = _loop_calling(make())(jnp.float32(0.5))
    got = jax.jit(ag.to_graph(_loop_calling(make())))(jnp.float32(0.5))
    assert float(got) == float(want) == 1.5


def test_a_stateful_vectorized_function_keeps_the_python_iteration():
    step = _vectorize()

    def f(x):
        i = 0
        done = False
        while i < 5 and not done:
            x = x + step(np.float32(0.0))
            if x > 0.0:
                done = True
            i += 1
        return x
    want = float(_loop_calling(_vectorize())(np.float32(0.5)))
    assert float(jax.jit(ag.to_graph(f))(jnp.float32(0.5))) == want


def int_overflow_inside_the_iteration(x):
    i = 40000
    done = False
    while i < 50000 and not done:
        i = i * 100000 // 100000 + 1
        if x > 0.0:
            done = True
    return i


def int_times_float(x):
    i = 9
    done = False
    while i < 50 and not done:
        x = x + i * 0.1
        i += 1
        if x > 0.0:
            done = True
    return x


def test_an_int_overflowing_int32_inside_the_iteration_keeps_it():
    x = jnp.float32(0.5)
    assert int(jax.jit(ag.to_graph(int_overflow_inside_the_iteration))(x)) == \
        int_overflow_inside_the_iteration(x) == 40001


def test_an_int_times_a_python_float_keeps_the_python_rounding():
    # 9 * 0.1 rounded once (Python) is not float32(9) * float32(0.1).
    assert np.float32(9 * 0.1) != np.float32(9) * np.float32(0.1)
    x = jnp.float32(0.0)
    assert float(jax.jit(ag.to_graph(int_times_float))(x)) == float(int_times_float(x))
