"""JAX backend: a tensor loop returning inside nested `with` blocks, with a variable assigned
after the `return` in the block and read after it (see tests/operators)."""
import contextlib

import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import autograph as ag  # noqa: E402

nc = contextlib.nullcontext


def while_nested_with(n):
    s = 0
    i = 0
    while i < n:
        with nc():
            with nc():
                if i > 2:
                    return s
                tmp = s
        i = i + 1
        s = tmp + i
    tmp = s * 2
    return tmp


# (n = 0 is not here: the loop carries `tmp`, which only its body assigns, and this backend
# checks such a value where the loop ends, not where it is read: an open difference listed
# in docs/reliability.md)
@pytest.mark.parametrize("n", [2, 10])
def test_jit_matches_python(n):
    assert int(jax.jit(ag.to_graph(while_nested_with))(jnp.int32(n))) == while_nested_with(n)
