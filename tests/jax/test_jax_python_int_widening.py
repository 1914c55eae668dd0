"""JAX backend (a sibling check; this backend already carried it): a Python int loop variable that the body makes a Python float by reading it
twice (`w = w + 0.5 * w`) is carried as a float, as Python computes it."""
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import autograph as ag  # noqa: E402


def for_range(n):
    w = 1
    for _i in range(n):
        w = w + 0.5 * w
    return w


def while_tensor_test(n):
    w = 1
    while n > 0:
        w = w + 0.5 * w
        n = n - 1
    return w


@pytest.mark.parametrize("fn", [for_range, while_tensor_test])
@pytest.mark.parametrize("n", [0, 2, 3])
def test_jit_matches_python(fn, n):
    got = jax.jit(ag.to_graph(fn))(jnp.int32(n))
    assert float(got) == pytest.approx(fn(n))
