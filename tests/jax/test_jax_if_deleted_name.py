"""JAX backend: `del y` in one branch of a traced `if`, `y` not read afterwards, is no error
(the backend cannot check a value lazily: a read of `y` after the `if` is refused while
tracing, as `UnboundLocalError` naming `y`)."""
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import autograph as ag  # noqa: E402


def dead_after_if(x):
    y = x + 1
    if x > 0:
        del y
        z = 1
    else:
        z = 2
    return z


def read_after_if(x):
    y = x + 1
    if x > 0:
        del y
    return y * 2


@pytest.mark.parametrize("x", [3, -3])
def test_dead_deleted_name_is_no_error(x):
    assert int(jax.jit(ag.to_graph(dead_after_if))(jnp.int32(x))) == dead_after_if(x)


def test_read_deleted_name_is_refused_while_tracing():
    with pytest.raises(UnboundLocalError, match="'y'"):
        jax.jit(ag.to_graph(read_after_if))(jnp.int32(-3))
