"""`and` / `or` / ternaries under `jax_enable_x64` with a Python int given to `jax.jit` (issue #15).

A Python int passed to `jax.jit` is a weakly typed int64 tracer with x64 on; beside a strongly
typed int32 operand of a staged `and` / `or` it takes the operand's dtype, as a Python number
does (`jnp.where` promotes it so). It was refused as "a int32 tensor and a int64 tensor".
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from autograph.operators.logical import StagedOperandError


@pytest.fixture
def x64():
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


def and_or(c, k):
    return (c and 3) or k, (k and 5) or 6


def nested(c, k):
    return (c or (k and 7)) and (k or c)


def ternary_and_not(c, k):
    a = (c and k) if not k else (k or c)
    return a, not (c and k)


@pytest.mark.parametrize("f", [and_or, nested, ternary_and_not])
def test_weak_int64_tracer_beside_int32_operand(x64, f):
    g = jax.jit(ag.to_graph(f))
    for c, k in [(1, 7), (0, 7), (1, 0), (0, 0), (-2, 3)]:
        got, want = g(jnp.int32(c), k), f(jnp.int32(c), k)
        for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
            assert np.asarray(a).tolist() == np.asarray(b).tolist(), (f.__name__, c, k, a, b)
        if f is and_or:
            # the int32 operand's dtype; all-weak operands stay a weak int64, as in Python
            assert got[0].dtype == jnp.int32
            assert got[1].dtype == jnp.int64 and got[1].weak_type


def test_strong_int64_beside_int32_still_refused(x64):
    # two strongly typed arrays of different dtypes: Python's value has one or the other
    # dtype depending on the path, which one graph value cannot have
    g = jax.jit(ag.to_graph(and_or))
    with pytest.raises(StagedOperandError, match="int32 tensor and the other a int64 tensor"):
        g(jnp.int32(0), jnp.int64(3))
