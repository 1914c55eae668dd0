"""The six JAX workloads (shared by the tests and bench/bench_jax.py), each with a plain
Python version (converted by autograph) and a hand-written `lax` version."""

import jax.numpy as jnp
from jax import lax


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def collatz_steps_lax(n):
    def body(c):
        n, steps = c
        n = lax.cond(n % 2 == 0, lambda n: n // 2, lambda n: 3 * n + 1, n)
        return n, steps + 1
    return lax.while_loop(lambda c: c[0] != 1, body, (n, jnp.int32(0)))[1]


def sum_even(x):
    s = 0.0
    for v in x:
        if v % 2 >= 1:
            continue
        s += v * v
    return s


def sum_even_lax(x):
    def step(s, v):
        return s + jnp.where(v % 2 >= 1, 0.0, v * v), None
    return lax.scan(step, jnp.zeros((), x.dtype), x)[0]


def first_index(x, t):
    for i in range(len(x)):
        if x[i] > t:
            return i
    return -1


def first_index_lax(x, t):
    def body(c):
        i, found = c
        return i + 1, jnp.where((found < 0) & (x[i] > t), i, found)
    def test(c):
        i, found = c
        return (i < x.shape[0]) & (found < 0)
    return lax.while_loop(test, body, (jnp.int32(0), jnp.int32(-1)))[1]


def piecewise(x):
    if x < 0:
        y = -x
    elif x < 1:
        y = x * x
    else:
        y = 2 * x - 1
    return y


def piecewise_lax(x):
    index = jnp.where(x < 0, 0, jnp.where(x < 1, 1, 2))
    return lax.switch(index, [lambda x: -x, lambda x: x * x, lambda x: 2 * x - 1], x)


def static_range(x):
    s = x
    for i in range(8):
        s = jnp.sin(s) * (i + 1.0)
    return s


def static_range_lax(x):
    return lax.fori_loop(0, 8, lambda i, s: jnp.sin(s) * (i + 1.0), x)


def while_return(x):
    i = 0
    while i < 10:
        x = x * 1.5
        if x > 100:
            return x
        i += 1
    return -x


def while_return_lax(x):
    def body(c):
        i, x, done = c
        x2 = x * 1.5
        return i + 1, x2, x2 > 100
    i, x, done = lax.while_loop(lambda c: (c[0] < 10) & ~c[2], body,
                                (jnp.int32(0), x, jnp.bool_(False)))
    return jnp.where(done, x, -x)
