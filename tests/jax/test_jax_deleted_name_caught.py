"""JAX backend: a name deleted in one branch of a traced `if` and read afterwards inside the
user's `try: ... except UnboundLocalError:` must not let the handler swallow the refusal made
while tracing (the handler would then run for every input, also where Python keeps the name:
a changed value). Staging refuses at the `if` instead."""
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import autograph as ag  # noqa: E402


def read_in_try(x):
    y = x + 1
    if x > 0:
        del y
    try:
        z = y * 2
    except (UnboundLocalError, NameError):
        z = -1
    return z


def test_python_values():
    assert read_in_try(-3) == -4 and read_in_try(3) == -1


@pytest.mark.parametrize("x", [-3, 3])
def test_refused_not_a_changed_value(x):
    try:
        got = int(jax.jit(ag.to_graph(read_in_try))(jnp.int32(x)))
    except UnboundLocalError as e:
        assert "'y'" in str(e) and "deleted" in str(e)
    else:
        assert got == read_in_try(x)
