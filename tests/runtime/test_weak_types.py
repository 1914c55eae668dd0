"""Python numbers next to tensors are weakly typed, as in JAX: a Python float never becomes an
integer (an integer tensor with a Python float gives float32), a Python number never widens a
tensor (`float16 * 2.0` stays float16, `int32 + 2` stays int32). One rule in the registry,
shared by eager and graph mode and every op that takes operands of one dtype."""
import math

import numpy as np
import pytest

import autograph as ag


def c(value, dtype=None):
    return ag.constant(value, dtype=dtype)


def both_modes(fn, *args):
    """fn(*args) eagerly and through ag.function (a graph), as numpy values."""
    eager = fn(*args)
    graph = ag.function(fn, autograph=False)(*args)
    return eager, graph


@pytest.mark.parametrize("fn,dtype,value", [
    (lambda x: x * 2.0, ag.float32, 6.0),
    (lambda x: 2.5 - x, ag.float32, -0.5),
    (lambda x: x + 2, ag.int32, 5),
    (lambda x: x / 2.0, ag.float32, 1.5),
    (lambda x: x // 2.0, ag.float32, 1.0),
    (lambda x: x % 2.5, ag.float32, 0.5),
    (lambda x: x ** 0.5, ag.float32, math.sqrt(3)),
    (lambda x: ag.maximum(x, 3.5), ag.float32, 3.5),
    (lambda x: ag.where(x > 0, x, 0.5), ag.float32, 3.0),
    (lambda x: x < 3.5, ag.bool, True),
    (lambda x: x == 3.0, ag.bool, True),
    (lambda x: ag.stack([x, 0.5]), ag.float32, [3.0, 0.5]),
    (lambda x: x * [0.5, 1.0], ag.float32, [1.5, 3.0]),
])
def test_int_tensor_with_python_float_is_float(fn, dtype, value):
    for out in both_modes(fn, c(3)):
        assert out.dtype is dtype
        np.testing.assert_allclose(out.numpy(), value, rtol=1e-6)


@pytest.mark.parametrize("dtype", [ag.int8, ag.int64, ag.uint8])
def test_every_integer_dtype_goes_to_the_default_float(dtype):
    for out in both_modes(lambda x: x * 1.5, c(2, dtype)):
        assert out.dtype is ag.float32 and float(out.numpy()) == 3.0


@pytest.mark.parametrize("dtype", [ag.float16, ag.float32, ag.float64])
def test_python_float_never_widens_a_float_tensor(dtype):
    for out in both_modes(lambda x: x * 2.0 + 1, c(2.0, dtype)):
        assert out.dtype is dtype and float(out.numpy()) == 5.0


def test_python_int_keeps_integer_dtype():
    for out in both_modes(lambda x: x * 2 + 1, c(3, ag.int8)):
        assert out.dtype is ag.int8 and int(out.numpy()) == 7


def test_tensors_of_different_dtypes_are_still_not_promoted():
    with pytest.raises(TypeError, match="int32 but input 1 is float32"):
        c(1) + c(1.0)
    with pytest.raises(TypeError, match="use ag.cast"):
        ag.function(lambda x, y: x + y)(c(1), c(1.0))


def test_bool_tensor_with_python_float_is_refused():
    with pytest.raises(TypeError):
        c(True) * 2.0


def test_gradient_flows_through_the_promotion():
    w = ag.Variable(3.0)
    with ag.GradientTape() as tape:
        y = w * (c(2) * 1.5)
    assert float(tape.gradient(y, w)) == 3.0


def test_graph_records_a_cast_of_the_integer_operand():
    g = ag.function(lambda x: x * 2.0).get_concrete_function(ag.TensorSpec([], ag.int32))
    assert [op.type for op in g.graph.get_operations() if op.type == "cast"] == ["cast"]


def test_int_variable_with_python_float():
    v = ag.Variable(2)
    assert (v * 1.5).dtype is ag.float32 and float(v * 1.5) == 3.0


def _doubling(n):
    x = 1
    i = 0
    while i < n:
        x = x * 2.0
        i += 1
    return x


def test_staged_loop_variable_that_starts_int_and_becomes_float():
    # Python: 1099511627776.0; the loop variable must end float32 with that value.
    expected = _doubling(40)
    out = ag.function(_doubling)(c(40))
    assert out.dtype is ag.float32
    assert float(out.numpy()) == expected


def _accumulate(n):
    s = 0
    for _ in ag.range(n):
        s = s + 0.5
    return s


def test_staged_for_loop_int_accumulator_with_python_float():
    out = ag.function(_accumulate)(c(5))
    assert out.dtype is ag.float32 and float(out.numpy()) == _accumulate(5)


def _branch(x):
    if x > 0:
        y = x
    else:
        y = 2.5
    return y


def test_staged_if_int_tensor_against_python_float_branch():
    f = ag.function(_branch)
    assert float(f(c(-1)).numpy()) == 2.5
    assert float(f(c(3)).numpy()) == 3.0


def test_lists_holding_tensors_are_packed_like_convert_to_tensor():
    def fn(x):
        return ag.concat(([x], [x]), 0), ag.stack([[x, 1.0], [2.0, x]]), ag.add([x, x], 1.0)

    for a, b, s in both_modes(fn, c(3.0)):
        np.testing.assert_array_equal(a.numpy(), [3.0, 3.0])
        np.testing.assert_array_equal(b.numpy(), [[3.0, 1.0], [2.0, 3.0]])
        np.testing.assert_array_equal(s.numpy(), [4.0, 4.0])


def test_packed_list_keeps_gradients():
    w = ag.Variable(2.0)
    with ag.GradientTape() as tape:
        y = ag.reduce_sum(ag.multiply([w, w], [1.0, 3.0]))
    assert float(tape.gradient(y, w)) == 4.0


def test_while_loop_without_loop_variables():
    v = ag.Variable(0)

    def f(n):
        while v.read_value() < n:
            v.assign_add(1)
        return v.read_value()

    out = ag.function(f)(c(5))
    assert int(out.numpy()) == 5 and int(v.numpy()) == 5


def test_runtime_while_loop_with_empty_loop_vars():
    v = ag.Variable(0)

    def step(k):
        v.assign_add(k)

    @ag.function(autograph=False)
    def f(n):
        ag.while_loop(lambda: v.read_value() < n, lambda: step(2), [])
        return v.read_value()

    assert int(f(c(7)).numpy()) == 8
    assert ag.while_loop(lambda: v.read_value() < 10, lambda: step(1), ()) == ()
    assert int(v.numpy()) == 10


def test_only_python_numbers_with_a_float_are_float32():
    for out in both_modes(lambda c: ag.where(c, 1, 2.5), c(True)):
        assert out.dtype is ag.float32 and float(out.numpy()) == 1.0
    assert ag.add(1, 2.5).dtype is ag.float32 and float(ag.add(1, 2.5).numpy()) == 3.5
    assert ag.add(1, 2).dtype is ag.int32


def test_python_float_is_never_assigned_to_an_integer_variable():
    v = ag.Variable(3)
    with pytest.raises(TypeError, match="a Python float never becomes an integer"):
        v.assign_add(2.0)
    with pytest.raises(TypeError, match="never becomes an integer"):
        v.assign([1.5])
    assert int(v.numpy()) == 3
    v.assign_add(2)
    assert int(v.numpy()) == 5
    f = ag.Variable(1.0)
    f.assign_add(2)                 # an int into a float variable is exact
    assert float(f.numpy()) == 3.0
