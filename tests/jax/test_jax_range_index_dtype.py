"""`for k in range(n)` over a traced narrow int `n` (issue #15).

Python's `k` is a Python int: `k * k` and `s += k * 1000` never wrap. Staged, `k` took the
bound's dtype (int8 for an int8 `n`) and wrapped. The target is now at least JAX's default int
(int32; int64 with `jax_enable_x64`) when that holds every value of the bound's dtype; a bound
whose dtype it cannot hold (uint32 / uint64 without x64) is refused with a TypeError.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag


def squares(n):
    s = 0
    last = 0
    for k in range(n):
        s += k * 1000
        last = k * k
    return s, last


def stepped(a, b):
    s = 0
    for k in range(a, b, 3):
        s += k * k
    return s


def enumerated(n, x):
    s = 0
    for i, v in enumerate(range(n)):
        s += i * 1000 + v
    return s


@pytest.mark.parametrize("dtype", [jnp.int8, jnp.int16, jnp.uint8])
def test_range_target_does_not_wrap(dtype):
    n = dtype(100)
    got = jax.jit(ag.to_graph(squares))(n)
    assert [int(v) for v in got] == list(squares(100)) == [4950000, 9801]
    assert all(v.dtype == jnp.int32 for v in got)


@pytest.mark.parametrize("dtype", [jnp.int8, jnp.int16, jnp.uint8])
def test_range_with_start_and_step(dtype):
    got = jax.jit(ag.to_graph(stepped))(dtype(20), dtype(120))
    assert int(got) == stepped(20, 120) and got.dtype == jnp.int32


def test_enumerate_index():
    got = jax.jit(ag.to_graph(enumerated))(jnp.int8(100), 0)
    assert int(got) == enumerated(100, 0) and got.dtype == jnp.int32


def test_uint32_bound_refused_without_x64():
    with pytest.raises(TypeError, match="uint32.*int32"):
        jax.jit(ag.to_graph(squares))(jnp.uint32(5))


def test_int32_bound_unchanged():
    got = jax.jit(ag.to_graph(squares))(jnp.int32(100))
    assert [int(v) for v in got] == [4950000, 9801]
    np.testing.assert_array_equal(np.asarray(got[0]), 4950000)


@pytest.fixture
def x64():
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


@pytest.mark.parametrize("dtype", [jnp.int8, jnp.uint8, jnp.uint32])
def test_x64_counts_in_int64(x64, dtype):
    got = jax.jit(ag.to_graph(squares))(dtype(100))
    assert [int(v) for v in got] == [4950000, 9801]
    assert all(v.dtype == jnp.int64 for v in got)


def test_x64_uint64_bound_refused(x64):
    with pytest.raises(TypeError, match="uint64.*int64"):
        jax.jit(ag.to_graph(squares))(jnp.uint64(5))
