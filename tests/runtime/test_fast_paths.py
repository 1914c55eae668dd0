"""The performance fast paths (issue 7) give the same results and errors as the general paths.

Behaviour only: timings live in bench/, never in tests.
"""
import numpy as np
import pytest

import autograph as ag
from autograph.runtime import registry
from autograph.runtime.ops import math_ops as M


# -- eager ops: registry._eager's fast path vs _eager_general ---------------------------------

PAIRS = [
    (lambda: ag.constant(3), 2), (lambda: ag.constant(3.5), 2), (lambda: ag.constant(3.5), 0.25),
    (lambda: ag.constant([1, 2]), 7), (lambda: ag.constant(2 ** 31), 1),
    (lambda: ag.constant(np.uint8(3)), 5), (lambda: ag.constant(np.float16(1)), 0.5),
    (lambda: ag.constant(1, ag.int64), 2 ** 40), (lambda: ag.constant([1.0, 2.0]), ag.constant(3.0)),
    (lambda: ag.constant(3), 2.5),      # a Python float makes an integer op float32
]


@pytest.mark.parametrize("opdef", [M.ADD, M.SUBTRACT, M.MULTIPLY, M.LESS, M.MOD, M.FLOORDIV],
                         ids=lambda o: o.name)
@pytest.mark.parametrize("make,other", PAIRS)
def test_eager_fast_path_matches_general_path(opdef, make, other):
    x = make()
    for inputs in ([x, other], [other, x]):
        with np.errstate(over="ignore"):        # uint8 3 - 5 wraps, in both paths
            fast = registry._eager(opdef, list(inputs), None)
            slow = registry._eager_general(opdef, list(inputs), None)
        assert fast.dtype is slow.dtype
        assert type(fast.numpy()) is type(slow.numpy())
        np.testing.assert_array_equal(fast.numpy(), slow.numpy())


@pytest.mark.parametrize("expr,error,message", [
    (lambda: ag.constant(1) + ag.constant(1.0), TypeError,
     "add: input 0 is int32 but input 1 is float32"),
    (lambda: ag.constant(1, ag.int8) + 300, OverflowError, "does not fit int8"),
    (lambda: 2 ** 40 + ag.constant(1), OverflowError, "does not fit int32"),
    (lambda: ag.constant(True) + 1, TypeError, "cannot convert '1' to bool"),
    (lambda: ag.constant(1) % 0, ag.InvalidArgumentError, "mod: integer division by zero"),
])
def test_eager_errors_are_unchanged(expr, error, message):
    for _ in range(2):      # the second time, caches are warm
        with pytest.raises(error, match=message):
            expr()


def test_a_failing_dtype_rule_is_not_cached():
    for _ in range(3):
        with pytest.raises(TypeError, match="add: expected numeric tensors, got bool"):
            ag.constant(True) + ag.constant(True)


def test_observers_see_fast_path_ops():
    seen = []

    def observe(opdef, inputs, attrs, outs):
        seen.append((opdef.name, len(inputs), attrs, len(outs)))
    registry.eager_observers.append(observe)
    try:
        x = ag.constant(2.0)
        (-(x * 3)) + x
    finally:
        registry.eager_observers.remove(observe)
    assert seen == [("multiply", 2, {}, 1), ("negative", 1, {}, 1), ("add", 2, {}, 1)]


def test_variables_take_the_general_path():
    v = ag.Variable(2.0)
    assert float(v + 1) == 3.0 and float(1 - v) == -1.0 and float(v * ag.constant(4.0)) == 8.0


# -- compiled plans: operators inlined as Python expressions ----------------------------------

@pytest.mark.parametrize("dtype", [ag.int32, ag.int64, ag.uint8])
def test_int_mod_and_floordiv_in_plans(dtype):
    g = ag.Graph()
    with g.as_default():
        x = ag.placeholder(dtype, [])
        y = ag.placeholder(dtype, [])
        outs = [x % y, x // y, x % 3, x // 3]
    sess = ag.Session(graph=g)
    for a, b in [(7, 2), (7, 3), (0, 5)]:
        got = sess.run(outs, {x: a, y: b})
        assert [int(v) for v in got] == [a % b, a // b, a % 3, a // 3]
        assert all(v.dtype == dtype.np_dtype for v in got)
    for op in (x % y, x // y):
        with pytest.raises(ag.InvalidArgumentError, match="integer division by zero"):
            sess.run(op, {x: 7, y: 0})


def test_int_mod_by_a_negative_divisor_in_plans():
    g = ag.Graph()
    with g.as_default():
        x = ag.placeholder(ag.int32, [3])
        y = ag.placeholder(ag.int32, [])
        outs = [x % y, x // y, x % -2]
    got = ag.Session(graph=g).run(outs, {x: [-7, 7, 8], y: -2})
    np.testing.assert_array_equal(got[0], [-1, -1, 0])
    np.testing.assert_array_equal(got[1], [3, -4, -4])
    np.testing.assert_array_equal(got[2], [-1, -1, 0])


def test_logical_not_in_plans_keeps_numpy_bools():
    g = ag.Graph()
    with g.as_default():
        s = ag.placeholder(ag.bool, [])
        v = ag.placeholder(ag.bool, [2])
        u = ag.placeholder(ag.bool)
        outs = [ag.logical_not(s), ag.logical_not(v), ag.logical_not(u)]
    got = ag.Session(graph=g).run(outs, {s: True, v: [True, False], u: False})
    assert type(got[0]) is np.bool_ and not got[0]
    np.testing.assert_array_equal(got[1], [False, True])
    assert bool(got[2]) is True


def test_matmul_and_reshape_in_plans_match_eager():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(12, dtype=np.float32).reshape(3, 4)
    g = ag.Graph()
    with g.as_default():
        x = ag.placeholder(ag.float32, [2, 3])
        y = ag.placeholder(ag.float32, [3, 4])
        z = ag.placeholder(ag.float32)
        outs = [ag.matmul(x, y), ag.reshape(ag.matmul(x, y), [4, -1]),
                ag.matmul(x, x, transpose_b=True)]
        dyn = ag.matmul(z, z)
    sess = ag.Session(graph=g)
    got = sess.run(outs, {x: a, y: b})
    np.testing.assert_array_equal(got[0], a @ b)
    np.testing.assert_array_equal(got[1], (a @ b).reshape(4, -1))
    np.testing.assert_array_equal(got[2], a @ a.T)
    with pytest.raises(ag.InvalidArgumentError, match="rank >= 2"):
        sess.run(dyn, {z: np.float32([1, 2])})


# -- ag.function: cached calls with list/tuple arguments --------------------------------------

def test_function_fast_path_with_list_arguments():
    calls = []

    @ag.function
    def f(x, state):
        calls.append(1)
        h, c = state
        return x + h, [h * 2.0, c - x]

    x = ag.constant([1.0, 2.0])
    state = [ag.constant([3.0, 4.0]), ag.constant([5.0, 6.0])]
    for _ in range(3):
        out, new_state = f(x, state)
        assert type(new_state) is list and len(new_state) == 2
        np.testing.assert_array_equal(out.numpy(), [4.0, 6.0])
        np.testing.assert_array_equal(new_state[0].numpy(), [6.0, 8.0])
        np.testing.assert_array_equal(new_state[1].numpy(), [4.0, 4.0])
    assert len(calls) == 1
    f(x, (state[0], state[1]))                  # a tuple is another structure: a new trace
    f(x, [state[1], state[0]])
    assert len(calls) == 2
    out, _ = f(x, [ag.constant([0.0, 0.0]), ag.constant([0.0, 0.0])])
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0])
    f(x, [ag.constant([[1.0, 2.0]]), ag.constant([[1.0, 2.0]])])   # new shapes: a new trace
    assert len(calls) == 3
    out, _ = f(x, [ag.constant([1.0, 1.0]), 2.0])                # a Python value in the list
    np.testing.assert_array_equal(out.numpy(), [2.0, 3.0])
    assert len(calls) == 4


def test_function_fast_path_same_tensor_twice_in_a_list():
    @ag.function
    def f(state):
        return state[0] - 2.0 * state[1]

    a, b = ag.constant(1.0), ag.constant(5.0)
    assert float(f([a, a])) == -1.0
    assert float(f([a, b])) == -9.0
    assert float(f([b, b])) == -5.0


def test_function_output_structure_built_by_generated_code():
    @ag.function
    def f(x):
        return (x, [x + 1.0, (x + 2.0, None, 7)], "tag")

    for _ in range(2):
        out = f(ag.constant(1.0))
        assert type(out) is tuple and type(out[1]) is list and type(out[1][1]) is tuple
        assert float(out[0]) == 1.0 and float(out[1][0]) == 2.0 and float(out[1][1][0]) == 3.0
        assert out[1][1][1] is None and out[1][1][2] == 7 and out[2] == "tag"


def test_kernel_calls_pass_attributes_as_keywords():
    from autograph.runtime import executor

    def kernel(x, **attrs):
        return (x, attrs)

    em = executor.Emitter("<test>")
    call = executor._kernel_call(em, kernel, ["t1"], {"axis": 2, "keepdims": True})
    assert eval(call, dict(em.globals, t1=5)) == (5, {"axis": 2, "keepdims": True})
    # Keys that cannot be written as keywords go through functools.partial.
    call = executor._kernel_call(em, kernel, ["t1"], {"lambda": 1, "not an id": 2})
    assert eval(call, dict(em.globals, t1=5)) == (5, {"lambda": 1, "not an id": 2})
