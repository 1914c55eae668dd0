"""Python numbers carried through staged control flow keep JAX's weak typing (issue #15).

A Python number is weakly typed for JAX: it takes the dtype of the array it meets
(`0 + jnp.int8(1)` is int8). Staged, the number becomes a loop carry or a `cond` output; it
must give what plain Python on concrete arrays (eager JAX) gives: the same dtype, value and
weak type. Each case is compared three ways where JAX allows: plain Python, `jax.jit(
ag.to_graph(f))` and the loop hand-written with `lax` from a Python-number carry (which
promotes a weak carry to the dtype the body makes). Where a staged value could not equal
Python's (a Python float or an out-of-range int carried in an int8 array), staging refuses.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import autograph as ag
from autograph.operators import loops


def _sig(v):
    """(dtype, weak type) of a result as JAX sees it (a Python number is weakly typed)."""
    if isinstance(v, (bool, int, float, complex)):
        v = jnp.asarray(v)
    return (jnp.dtype(v.dtype), bool(getattr(v, "weak_type", False)))


def _same(got, want):
    gl, wl = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(gl) == len(wl)
    for g, w in zip(gl, wl):
        assert _sig(g) == _sig(w), (g, w)
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def _staged(f, *args, restart=True):
    g = jax.jit(ag.to_graph(f))
    if restart:
        return g(*args)
    keep = loops._restart_state
    loops._restart_state = lambda backend, marks, prev, state, *rest, **kw: state
    try:
        return g(*args)
    finally:
        loops._restart_state = keep


def check(f, *args, hand=None, restart=True):
    want = f(*args)                          # plain Python on concrete arrays: eager JAX
    got = _staged(f, *args, restart=restart)
    _same(got, want)
    if hand is not None:
        ref = jax.jit(hand)(*args)
        gl, rl = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(ref)
        for g, r in zip(gl, rl):
            assert g.dtype == r.dtype
            np.testing.assert_array_equal(np.asarray(g), np.asarray(r))
    return got


# --- while --------------------------------------------------------------------------------------

def while_int8(n):
    i = 0
    while i < n:
        i = i + jnp.int8(1)
    return i


def while_float16(x):
    s = 0.0
    while s < x:
        s = s + jnp.float16(1)
    return s


def while_bfloat16(x):
    s = 0.0
    while s < x:
        s = s + jnp.asarray(1, jnp.bfloat16)
    return s


def while_counter(n):
    i = 0
    while i < n:
        i += 1
    return i, i + jnp.int8(1), i * 0.5


def while_int_then_float(n):
    i = 0
    while i < n:
        i = i + 0.5
    return i


def while_complex(x):
    z = 0
    w = 0.0
    while jnp.abs(z) < x:
        z = z + jnp.complex64(1j)
        w = w + jnp.complex64(1)
    return z, w


def while_bool_flag(x, n):
    flag = False
    i = 0
    while i < n:
        flag = flag | (x[i] > 0)
        i += 1
    return flag, i + jnp.int8(0)


def test_while_int8():
    check(while_int8, jnp.int32(5),
          hand=lambda n: lax.while_loop(lambda i: i < n, lambda i: i + jnp.int8(1), 0))


def test_while_float16_and_bfloat16():
    check(while_float16, jnp.float32(3),
          hand=lambda x: lax.while_loop(lambda s: s < x, lambda s: s + jnp.float16(1), 0.0))
    check(while_bfloat16, jnp.float32(3))


def test_while_counter_stays_weak():
    got = check(while_counter, jnp.int32(5),
                hand=lambda n: (lambda i: (i, i + jnp.int8(1), i * 0.5))(
                    lax.while_loop(lambda i: i < n, lambda i: i + 1, 0)))
    assert got[0].weak_type and got[1].dtype == jnp.int8


def test_while_int_becomes_float():
    check(while_int_then_float, jnp.int32(3))


def test_while_complex():
    check(while_complex, jnp.float32(2.5))


def test_while_bool_flag():
    check(while_bool_flag, jnp.asarray([-1, 2, -3], jnp.int32), jnp.int32(3))


def test_while_wider_strong_body_from_int8():
    def f(n):
        i = jnp.int8(0)
        while i < n:
            i = i + 300
        return i
    check(f, jnp.int32(5))


# --- for ----------------------------------------------------------------------------------------

def for_traced_range(n):
    s = 0
    k = 0
    for k in range(n):
        s = s + jnp.int8(1) + k * 0
    return s, k, k + jnp.int8(1)


def for_array_int8(x):
    s = 0
    for v in x:
        s = s + v
    return s


def for_array_float16(x):
    s = 0.0
    for v in x:
        s = s + v * v
    return s


def for_static_break(n):
    s = 0
    for k in range(8):
        s = s + jnp.int8(1) + k * 0
        if s >= n:
            break
    return s


def for_static_break_float(x, t):
    s = 0.0
    for k in range(4):
        s = s + x[k]
        if s > t:
            break
    return s


def test_for_traced_range():
    check(for_traced_range, jnp.int32(4))


def test_for_over_arrays_scan():
    check(for_array_int8, jnp.asarray([1, 2, 3], jnp.int8),
          hand=lambda x: lax.scan(lambda s, v: (s + v, None), 0, x)[0])
    check(for_array_float16, jnp.asarray([1, 2, 3], jnp.float16))


def test_for_static_range_break():
    check(for_static_break, jnp.int32(3))
    check(for_static_break_float, jnp.asarray([1, 2, 3, 4], jnp.float16), jnp.float16(2.5))


# --- loops staged midway (restart), nested loops, jumps -------------------------------------------

def midway_while(x, t):
    i = 0
    done = False
    while i < 4 and not done:
        if x[i] > t:
            done = True
        i += 1
    return i, i + jnp.int8(1)


def midway_for(x, t):
    i = 0
    for i in range(4):
        if x[i] > t:
            break
    return i, i + jnp.int8(1)


@pytest.mark.parametrize("restart", [True, False])
@pytest.mark.parametrize("f", [midway_while, midway_for], ids=["while", "for-range"])
def test_staged_midway(f, restart):
    check(f, jnp.asarray([1.0, 5.0, 2.0, 7.0]), jnp.float32(3.0), restart=restart)


def nested(n):
    total = 0
    i = 0
    while i < n:
        j = 0
        while j < i:
            j = j + jnp.int8(1)
        total = total + j
        i += 1
    return total, i


def test_nested_loops():
    check(nested, jnp.int32(4))


def jumps(n):
    i = 0
    s = 0
    while i < n:
        i = i + jnp.int8(1)
        if i % 2 == 0:
            continue
        if i > 4:
            break
        s = s + i
    return i, s


def early_return(n):
    i = 0
    while i < n:
        i = i + jnp.int8(1)
        if i > 2:
            return i * 2
    return i


def test_break_continue_and_return():
    check(jumps, jnp.int32(9))
    check(early_return, jnp.int32(9))
    check(early_return, jnp.int32(2))


# --- if, ternaries, and / or --------------------------------------------------------------------

def if_int8(c):
    x = 0
    if c > 0:
        x = jnp.int8(1)
    return x


def if_float16(c):
    x = 0.0
    if c > 0:
        x = jnp.float16(1.5)
    return x


def if_python_numbers(c):
    x = 0
    y = 1
    if c > 0:
        x = 2
        y = 2.5
    return x, y, x + jnp.int8(1)


def ternaries(c):
    a = jnp.int8(1) if c > 0 else 0
    b = 1 if c > 0 else 2
    return a, b, b + jnp.int8(0)


def and_or(c, k):
    return (c and 3) or k, (k and 5) or 6


def test_staged_if():
    check(if_int8, jnp.int32(1))
    check(if_float16, jnp.int32(1))
    check(if_python_numbers, jnp.int32(1))
    # The path that Python takes without the array keeps a Python number; staged it is
    # carried in the dtype of the other branch (JAX's promotion of a weak value, its value
    # exact): 0 as int8; the int 1 as the weak float 1.0 beside 2.5.
    got = jax.jit(ag.to_graph(if_int8))(jnp.int32(0))
    assert _sig(got) == (jnp.int8, False) and int(got) == 0
    x, y, z = jax.jit(ag.to_graph(if_python_numbers))(jnp.int32(-1))
    assert _sig(x) == _sig(0) and int(x) == 0 and _sig(z) == (jnp.int8, False)
    assert _sig(y) == _sig(1.0) and float(y) == 1.0


def test_ternaries_and_or():
    check(ternaries, jnp.int32(1))
    got = jax.jit(ag.to_graph(ternaries))(jnp.int32(-1))
    assert _sig(got[0]) == (jnp.int8, False) and int(got[0]) == 0
    _same(got[1:], ternaries(jnp.int32(-1))[1:])
    # `k` a Python int given to jax.jit: a weakly typed tracer, as the Python number is
    g = jax.jit(ag.to_graph(and_or))
    for c, k in [(1, 7), (0, 7), (1, 0), (0, 0)]:
        got, want = g(jnp.int32(c), k), and_or(jnp.int32(c), k)
        assert [int(v) for v in got] == [int(v) for v in want]
        assert got[1].weak_type and got[1].dtype == jnp.asarray(0).dtype
        assert got[0].dtype == jnp.int32


# --- transformations and x64 --------------------------------------------------------------------

def test_vmap():
    ns = jnp.asarray([1, 3, 4], jnp.int32)
    got = jax.vmap(ag.to_graph(while_int8))(ns)
    assert got.dtype == jnp.int8
    assert [int(v) for v in got] == [int(while_int8(n)) for n in ns]
    got = jax.vmap(ag.to_graph(while_counter))(ns)
    assert got[1].dtype == jnp.int8 and got[0].weak_type


def test_grad():
    x = jnp.asarray([1, 2, 3], jnp.float16)
    want = jax.value_and_grad(for_array_float16)(x)
    got = jax.jit(jax.value_and_grad(ag.to_graph(for_array_float16)))(x)
    _same(got, want)


@pytest.fixture
def x64():
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


def test_x64(x64):
    check(while_int8, jnp.int32(5))
    check(while_counter, jnp.int32(5))
    check(while_float16, jnp.float32(3))
    check(midway_while, jnp.asarray([1.0, 5.0, 2.0, 7.0]), jnp.float32(3.0))
    check(if_python_numbers, jnp.int32(1))


# --- refusals: a Python number whose value the staged dtype would change --------------------------

def float_to_int8(x):
    s = 0.5
    while x > 0:
        s = jnp.int8(9)
        x = x - 1
    return s


def int_out_of_int8(x):
    i = 200
    while x > 0:
        i = i + jnp.int8(1)
        x = x - 1
    return i


def if_float_to_int8(c):
    x = 0.5
    if c > 0:
        x = jnp.int8(1)
    return x


@pytest.mark.parametrize("f, what", [(float_to_int8, "'s'"), (int_out_of_int8, "'i'"),
                                     (if_float_to_int8, "'x'")])
def test_refuses_a_changed_value(f, what):
    with pytest.raises(TypeError) as e:
        jax.jit(ag.to_graph(f))(jnp.float32(2))
    text = str(e.value)
    assert what in text and "test_jax_weak_python_numbers.py" in text


def int_to_bool(x):
    f = 0
    while x > 0:
        f = x > 1
        x = x - 1
    return f


def int_to_float16_inf(x):
    s = 100000
    while x > 0:
        s = s + jnp.float16(1)
        x = x - 1
    return s


@pytest.mark.parametrize("f, what", [(int_to_bool, "'f' is the Python int 0"),
                                     (int_to_float16_inf, "'s' is the Python int 100000")])
def test_refuses_a_changed_kind_or_overflow(f, what):
    with pytest.raises(ag.StagingError, match=what):
        jax.jit(ag.to_graph(f))(jnp.float32(2))


def test_refuses_on_our_runtime_too():
    @ag.function
    def f(x):
        s = 0.0
        while x > 0:
            s = ag.cast(x, ag.int32)
            x = x - 1
        return s
    with pytest.raises(ag.StagingError, match="'s' is the Python float 0.0 .* int32"):
        f(ag.constant(2))


# --- siblings: a bound traced in the loop, early-return values ------------------------------------

def traced_bound(x, m):
    i = 0
    s = 0
    while x < 100.0:
        ag.set_loop_options(maximum_iterations=m)
        x = x * 1.5
        i = i + jnp.int8(1)
        s = s + 0.5
    return i, s


def returns_counter(n):
    i = 0
    while i < n:
        i = i + 1
        if i > 2:
            return i
    return 0


def test_traced_maximum_iterations():
    # (the counter the bound adds did shift the position of a variable whose dtype the body
    # changes: 's' was refused as int32 before / float32 after)
    check(traced_bound, jnp.float32(3.0), jnp.int32(50))


def test_early_return_value_stays_weak():
    check(returns_counter, jnp.int32(5))


# --- a grid: a Python number met by arrays and numbers of every kind ------------------------------

_FORMS = {
    "while": "    i = 0\n    while i < n:\n        a = a + {rhs}\n        i += 1\n",
    "scan": "    for i in jnp.arange(3):\n        a = a + {rhs}\n",
    "if": "    i = n\n    if n > 0:\n        a = a + {rhs}\n",
    "ternary": "    i = n\n    a = (a + {rhs}) if n > 0 else a\n",
}
_RHS = ["jnp.int8(1)", "jnp.float16(1)", "jnp.asarray(1, jnp.bfloat16)", "jnp.uint8(3)",
        "jnp.complex64(1j)", "1", "0.5", "x8", "i"]


@pytest.mark.parametrize("form", sorted(_FORMS))
def test_grid_equals_plain_python(form):
    # (a Python bool met by a Python bool is left out: `True + True` is 2 in Python, True for
    # a bool array; see docs/jax.md, Limitations)
    from tests.source_helpers import make_function
    args = (jnp.int32(3), jnp.int8(5))
    for init in ["0", "0.0", "0.5", "True", "2"]:
        for rhs in _RHS:
            src = "def f(n, x8):\n    a = %s\n%s    return a\n" % (
                init, _FORMS[form].format(rhs=rhs))
            f = make_function(src, namespace={"jnp": jnp})
            want, got = f(*args), jax.jit(ag.to_graph(f))(*args)
            assert _sig(got) == _sig(want), src
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want), err_msg=src)


# --- lists appended in staged loops: an item is never cast into another value -----------------------

def list_int_then_float(x):
    out = []
    for v in x:
        out.append(1)
        out.append(v * 0.5)
    return jnp.stack(out)


def list_int8_then_half(x):
    out = []
    for v in x:
        out.append(v)
        out.append(0.5)
    return jnp.stack(out)


def list_float_before_int8_loop(x):
    out = [0.5]
    for v in x:
        if v > 1:
            out.append(v)
    return len(out)


def list_numbers_that_fit(x):
    out = [2]
    for v in x:
        out.append(v)
        out.append(1)
        out.append(True)
    return jnp.stack(out)


@pytest.mark.parametrize("f, x", [
    (list_int_then_float, jnp.asarray([1.0, 3.0])),
    (list_int8_then_half, jnp.asarray([1, 3], jnp.int8)),
    (list_float_before_int8_loop, jnp.asarray([1, 3], jnp.int8)),
])
def test_list_item_of_another_dtype_is_refused(f, x):
    # (plain Python's jnp.stack promotes the items; the staged buffer has the dtype of the
    # first one, and casting 0.5 or a float32 into it changed the values silently)
    with pytest.raises(TypeError, match="list 'out' holds"):
        jax.jit(ag.to_graph(f))(x)


def test_list_items_that_fit_take_its_dtype():
    x = jnp.asarray([1, 3], jnp.int8)
    got, want = jax.jit(ag.to_graph(list_numbers_that_fit))(x), list_numbers_that_fit(x)
    assert got.dtype == want.dtype == jnp.int8
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_backend_to_value_keeps_python_numbers():
    from autograph.operators import dispatch
    from autograph.operators.jax_backend import JaxBackend
    (b,) = [x for x in dispatch.backends() if isinstance(x, JaxBackend)]
    assert b._load()
    assert _sig(b.to_value(0)) == _sig(0) and _sig(b.to_value(True)) == (jnp.bool_, False)
    assert _sig(b.to_value(1, jnp.float32)) == _sig(1.0)      # weak: a Python float's dtype
    assert _sig(b.to_value(1, jnp.int8)) == (jnp.int8, False)
    for v, dtype in [(0.5, jnp.int32), (200, jnp.int8), (1e5, jnp.float16), (1j, jnp.float32)]:
        with pytest.raises(TypeError, match="without changing its value"):
            b.to_value(v, dtype)


def assigns_300_to_int8(x):
    i = jnp.int8(0)
    while x > 0:
        i = 300
        x = x - 1
    return i


def assigns_1e5_to_float16(x):
    s = jnp.float16(0)
    while x > 0:
        s = 1e5
        x = x - 1
    return s


def assigns_fitting_numbers(x):
    i = jnp.int8(0)
    s = jnp.float16(0)
    while x > 0:
        i = 100
        s = 0.5
        x = x - 1
    return i, s


@pytest.mark.parametrize("f, what", [(assigns_300_to_int8, "'i' is int8 .* the Python int 300"),
                                     (assigns_1e5_to_float16,
                                      "'s' is float16 .* the Python float 100000.0")])
def test_number_assigned_to_a_carry_that_cannot_hold_it(f, what):
    # (300 raised JAX's OverflowError without the variable; 1e5 became inf silently)
    with pytest.raises(TypeError, match=what):
        jax.jit(ag.to_graph(f))(jnp.float32(2))


def test_numbers_assigned_to_a_carry_take_its_dtype():
    got = jax.jit(ag.to_graph(assigns_fitting_numbers))(jnp.float32(2))
    assert _sig(got[0]) == (jnp.int8, False) and int(got[0]) == 100
    assert _sig(got[1]) == (jnp.float16, False) and float(got[1]) == 0.5


def grow_bounded(x):
    s = 0.0
    while x < 100.0:
        ag.set_loop_options(maximum_iterations=20)
        x = x * 1.5
        s = s + x
    return s


def sum_until(x):
    s = 0
    for v in x:
        s = s + v
        if s > 5:
            break
    return s


def test_grad_through_bounded_while_and_break():
    for f, x in [(grow_bounded, jnp.float16(3.0)), (grow_bounded, 3.0),
                 (sum_until, jnp.asarray([1, 2, 3, 4], jnp.float16))]:
        got = jax.jit(jax.value_and_grad(ag.to_graph(f)))(x)
        _same(got, jax.value_and_grad(f)(x))
