"""`in` / `not in` on JAX tracers stage like on graph tensors."""
import jax
import jax.numpy as jnp

import autograph as ag


def _member(x, t):
    if x in t:
        y = x * 10
    else:
        y = x
    return y, x in [1, 2], x not in range(0, 10, 2)


def test_in_on_tracers_matches_python():
    f = jax.jit(ag.to_graph(_member))
    t = [1, 2, 5]
    for x in (2, 3, 4):
        y, a, b = f(jnp.int32(x), jnp.array(t))
        assert (int(y), bool(a), bool(b)) == _member(x, t)
