"""`autograph.jax`: JAX helpers (imports JAX; `import autograph` alone never does).

    import autograph.jax
    fast = autograph.jax.jit(f)          # == jax.jit(ag.to_graph(f))

Converted code needs nothing else: its `ag__` helpers stage `lax.cond` / `lax.while_loop` /
`lax.scan` as soon as they meet a JAX tracer (see docs/jax.md).
"""

import functools

import jax as _jax

from autograph.api import to_graph
from autograph.operators.jax_backend import ReverseModeLoopError

__all__ = ["jit", "to_graph", "ReverseModeLoopError"]


def jit(f=None, **jit_kwargs):
    """`jax.jit(ag.to_graph(f), **jit_kwargs)`; also a decorator (`@autograph.jax.jit` or
    `@autograph.jax.jit(static_argnums=...)`)."""
    if f is None:
        return functools.partial(jit, **jit_kwargs)
    return _jax.jit(to_graph(f), **jit_kwargs)


def __dir__():
    return list(__all__)
