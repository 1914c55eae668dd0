"""ag.pad, ag.eye, ag.newaxis, ag.stack(strict=, element_dtype=) and ag.set_element_type:
TensorFlow's behaviour, eagerly, in graphs and in ag.function."""
import numpy as np
import pytest
from three_modes import MODES, run

import autograph as ag
from autograph.operators.data_structures import list_append

X = np.arange(6, dtype=np.float32).reshape(2, 3)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pad_mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
def test_pad_matches_numpy(mode, pad_mode):
    paddings = [[1, 1], [2, 1]]
    out = run(mode, lambda x: ag.pad(x, paddings, mode=pad_mode), X)
    np_mode = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}[
        pad_mode.upper()]
    np.testing.assert_array_equal(out, np.pad(X, paddings, mode=np_mode))


@pytest.mark.parametrize("mode", MODES)
def test_pad_constant_values_and_static_shape(mode):
    out = run(mode, lambda x: ag.pad(x, [[0, 0], [1, 0]], constant_values=9.0), X)
    np.testing.assert_array_equal(out, np.pad(X, [[0, 0], [1, 0]], constant_values=9.0))
    with ag.Graph().as_default():
        p = ag.placeholder(ag.float32, shape=[None, 3])
        assert ag.pad(p, [[1, 2], [0, 1]]).shape.as_list() == [None, 4]


@pytest.mark.parametrize("pad_mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad_gradient_sums_copies(pad_mode):
    v = ag.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    weights = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    with ag.GradientTape() as tape:
        y = ag.reduce_sum(ag.pad(v, [[1, 1], [2, 1]], pad_mode) * weights)
    grad = tape.gradient(y, v).numpy()
    # Reference: d/dv of sum(pad(v) * w) by finite differences of a linear function.
    expected = np.zeros((2, 3), np.float32)
    for i in range(2):
        for j in range(3):
            e = np.zeros((2, 3), np.float32)
            e[i, j] = 1
            expected[i, j] = (np.pad(e, [[1, 1], [2, 1]], mode=pad_mode.lower()) * weights).sum()
    np.testing.assert_allclose(grad, expected, rtol=1e-6)


def test_pad_errors_name_the_problem():
    with pytest.raises(ValueError, match="one \\[before, after\\] pair per axis"):
        ag.pad(ag.constant(X), [[1, 1]])
    with pytest.raises(ValueError, match="REFLECT padding of axis 0"):
        ag.pad(ag.constant(X), [[2, 0], [0, 0]], "REFLECT")
    with pytest.raises(ValueError, match="non-negative"):
        ag.pad(ag.constant(X), [[-1, 0], [0, 0]])
    with pytest.raises(ValueError, match="mode must be"):
        ag.pad(ag.constant(X), [[0, 0], [0, 0]], "WRAP")


@pytest.mark.parametrize("mode", MODES)
def test_eye(mode):
    out = run(mode, lambda: (ag.eye(3), ag.eye(2, 3, batch_shape=[2], dtype=ag.int32)))
    np.testing.assert_array_equal(out[0], np.eye(3, dtype=np.float32))
    assert out[0].dtype == np.float32 and out[1].dtype == np.int32
    np.testing.assert_array_equal(out[1], np.broadcast_to(np.eye(2, 3), (2, 2, 3)))
    assert ag.linalg.eye is ag.eye


@pytest.mark.parametrize("mode", MODES)
def test_newaxis(mode):
    assert ag.newaxis is None
    out = run(mode, lambda x: x[:, ag.newaxis, 1:], X)
    np.testing.assert_array_equal(out, X[:, np.newaxis, 1:])


@pytest.mark.parametrize("mode", MODES)
def test_stack_of_a_list_and_of_a_tensor(mode):
    out = run(mode, lambda x: (ag.stack([x, x * 2.0], axis=1), ag.stack(x)), X)
    np.testing.assert_array_equal(out[0], np.stack([X, X * 2], axis=1))
    np.testing.assert_array_equal(out[1], X)      # a tensor is already stacked


def test_stack_strict():
    with pytest.raises(TypeError, match="strict=False"):
        ag.stack(3)
    assert ag.stack(3, strict=False) == 3
    with pytest.raises(ValueError, match="set_element_type"):
        ag.stack([])
    empty = []
    assert ag.stack(empty, strict=False) is empty


@pytest.mark.parametrize("mode", MODES)
def test_stack_empty_list_with_element_type(mode):
    def fn():
        a = []
        ag.set_element_type(a, ag.float32, [2])
        return ag.stack(a), ag.stack([], element_dtype=ag.int32)
    out = run(mode, fn)
    assert out[0].shape == (0, 2) and out[0].dtype == np.float32
    assert out[1].shape == (0,) and out[1].dtype == np.int32


def test_set_element_type_refuses_other_dtypes_and_non_lists():
    a = [ag.constant(1)]
    ag.set_element_type(a, ag.float32)
    with pytest.raises(TypeError, match="declared element dtype float32"):
        ag.stack(a)
    b = [1, 2]
    ag.set_element_type(b, ag.float32)
    assert ag.stack(b).dtype is ag.float32
    with pytest.raises(TypeError, match="expects a Python list"):
        ag.set_element_type((1,), ag.float32)


def lowered(n):
    out = []
    ag.set_element_type(out, ag.float32)
    for i in ag.range(n):
        out.append(ag.cast(i, ag.float32) * 2.0)
    return ag.stack(out)


def unrolled(n):
    out = []
    ag.set_element_type(out, ag.float32)
    for i in range(n):
        out.append(float(i))
    return ag.stack(out)


@pytest.mark.parametrize("n", [0, 3])
def test_lists_lowered_in_loops_stack(n):
    f = ag.function(lowered)
    got = f(ag.constant(n)).numpy()
    np.testing.assert_array_equal(got, np.arange(n, dtype=np.float32) * 2)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(ag.to_graph(lowered)(ag.constant(n)).numpy(), got)
    u = ag.to_graph(unrolled)(n).numpy()
    assert u.dtype == np.float32 and u.shape == (n,)


def appends_ints(n):
    out = []
    ag.set_element_type(out, ag.float32)
    for i in ag.range(n):
        out.append(i)
    return ag.stack(out)


def test_declared_element_type_refuses_other_dtypes_in_lowered_loops():
    with pytest.raises(TypeError, match="dtype int32 to a list declared .*float32.*ag.cast"):
        ag.function(appends_ints)(ag.constant(3))
    with pytest.raises(TypeError, match="dtype int32 to a list declared"):
        ag.to_graph(appends_ints)(ag.constant(3))          # eager: the same check
    a = []
    ag.set_element_type(a, ag.float32, [2])
    with pytest.raises(TypeError, match="shape \\(3,\\) to a list declared with element shape"):
        list_append(a, ag.constant([1.0, 2.0, 3.0]))     # what `a.append(...)` becomes
    assert list_append(a, ag.constant([1.0, 2.0])) is a and len(a) == 1
