"""array_ops against numpy: creation, reshaping, joining, gathering, slicing, shape/size/rank."""
import numpy as np
import pytest

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.graph import Graph
from autograph.runtime.ops import array_ops as A
from autograph.runtime.ops import math_ops as M
from autograph.runtime.ops.core_ops import constant, placeholder
from autograph.runtime.shapes import TensorShape
from test_ops_helpers import check, run_graph

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


# -- zeros / ones / fill / *_like -------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "bool", "uint8"])
def test_zeros_and_ones(dtype):
    check(lambda: A.zeros([2, 3], dtype), expect=np.zeros((2, 3), dtype))
    check(lambda: A.ones((4,), dtype), expect=np.ones((4,), dtype))
    check(lambda: A.zeros([], dtype), expect=np.zeros((), dtype))


def test_zeros_default_dtype_and_shape_forms():
    check(lambda: A.zeros(3), expect=np.zeros(3, np.float32))
    check(lambda: A.ones(TensorShape([2, 1])), expect=np.ones((2, 1), np.float32))
    check(lambda: A.zeros(np.array([2, 2])), expect=np.zeros((2, 2), np.float32))
    check(lambda: A.zeros(constant([1, 2])), expect=np.zeros((1, 2), np.float32))
    check(lambda: A.zeros([0, 2]), expect=np.zeros((0, 2), np.float32))
    with pytest.raises(ValueError, match="negative"):
        A.zeros([2, -1])
    with pytest.raises(TypeError, match="shape"):
        A.zeros([2.5])


def test_zeros_with_a_shape_known_only_when_the_graph_runs():
    check(lambda x: A.zeros(A.shape(x), dtypes.int32), X, expect=np.zeros(X.shape, np.int32))
    check(lambda x: A.ones([A.size(x), 2]), X, expect=np.ones((24, 2), np.float32))
    with Graph().as_default():
        x = placeholder(dtypes.float32, [None, 3])
        assert A.zeros(A.shape(x)).shape == (None, 3)
        assert A.ones([A.shape(x)[0], 5]).shape == (None, 5)
        assert A.zeros(A.shape(placeholder(dtypes.float32))).shape.rank is None


def test_fill():
    check(lambda v: A.fill([2, 3], v), np.float32(1.5), expect=np.full((2, 3), 1.5, np.float32))
    check(lambda: A.fill([2], 7), expect=np.int32([7, 7]))
    check(lambda v: A.fill(A.shape(v), v[0, 0]), X[:1, :2, 0])
    with pytest.raises(ValueError, match="scalar"):
        A.fill([2], constant([1.0, 2.0]))
    with Graph().as_default():
        with pytest.raises(ValueError, match="scalar"):
            A.fill([2], placeholder(dtypes.float32, [2]))


@pytest.mark.parametrize("dtype", [None, "int32", "bool"])
def test_zeros_like_and_ones_like(dtype):
    d = np.float32 if dtype is None else dtype
    check(lambda x: A.zeros_like(x, dtype), X, expect=np.zeros(X.shape, d))
    check(lambda x: A.ones_like(x, dtype), X[0, 0, 0], expect=np.ones((), d))


# -- range ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,expect", [
    ((5,), {}, np.arange(5, dtype=np.int32)),
    ((1, 10, 3), {}, np.int32([1, 4, 7])),
    ((10, 0, -3), {}, np.int32([10, 7, 4, 1])),
    ((5, 1), {}, np.zeros(0, np.int32)),
    ((0, 1, 0.25), {}, np.float32([0, 0.25, 0.5, 0.75])),
    ((0.5, 3), {}, np.float32([0.5, 1.5, 2.5])),
    ((4,), {"dtype": "float64"}, np.arange(4, dtype=np.float64)),
    ((3,), {"dtype": dtypes.int64}, np.arange(3, dtype=np.int64)),
    ((2 ** 33, 2 ** 33 + 2), {}, np.int64([2 ** 33, 2 ** 33 + 1])),
])
def test_range_like_tensorflow(args, kwargs, expect):
    check(lambda: A.range(*args, **kwargs), expect=expect)


def test_range_dtype_inference_and_tensor_arguments():
    assert A.range(constant(np.int64(3))).dtype is dtypes.int64
    assert A.range(0, constant(np.float64(2.0))).dtype is dtypes.float64
    assert A.range(0, 3, dtype="float32").dtype is dtypes.float32
    check(lambda n: A.range(n), np.int32(4), expect=np.arange(4, dtype=np.int32), static=False)
    check(lambda a, b: A.range(a, b, 2), np.int32(1), np.int32(6), expect=np.int32([1, 3, 5]),
          static=False)
    with Graph().as_default():
        assert A.range(placeholder(dtypes.int32, [])).shape == (None,)
        assert A.range(2, 9, 3).shape == (3,)
        assert A.range(constant(5)).shape == (5,)


def test_range_delta_zero_is_an_error():
    with pytest.raises(InvalidArgumentError, match="delta"):
        A.range(0, 5, 0)
    with pytest.raises(InvalidArgumentError, match="delta"):
        run_graph(lambda d: A.range(0, 5, d), [np.int32(0)])
    with Graph().as_default(), pytest.raises(ValueError, match="delta"):
        A.range(constant(0), 5, 0)


# -- reshape / transpose / expand_dims / squeeze / broadcast_to -------------------------------

@pytest.mark.parametrize("shape", [[6, 4], [-1], [4, -1, 3], (24,), [2, 12, 1], [1, 1, 24]])
def test_reshape(shape):
    check(lambda x: A.reshape(x, shape), X, expect=X.reshape(shape))


def test_reshape_scalar_and_dynamic_shape():
    check(lambda x: A.reshape(x, []), X[:1, :1, 0].reshape(1), expect=np.float32(0))
    check(lambda x, y: A.reshape(x, A.shape(y)), X.reshape(-1), X, expect=X)
    check(lambda x: A.reshape(x, [A.shape(x)[0], -1]), X, expect=X.reshape(2, -1))
    with Graph().as_default():
        x = placeholder(dtypes.float32, [None, 4])
        assert A.reshape(x, [-1, 2]).shape == (None, 2)
        assert A.reshape(placeholder(dtypes.float32, [6, 4]), [-1, 8]).shape == (3, 8)
        assert A.reshape(x, A.shape(x)).shape == (None, 4)


def test_reshape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, 5\)|size 24.*\(5, ?5\)"):
        A.reshape(constant(X), [5, 5])
    with Graph().as_default():
        x = placeholder(dtypes.float32, [2, 3, 4])
        with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, 5\)"):
            A.reshape(x, [5, 5])
        with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, -1\)"):
            A.reshape(x, [5, -1])
        with pytest.raises(ValueError, match="-1"):
            A.reshape(x, [-1, -1])


@pytest.mark.parametrize("perm", [None, [0, 1, 2], [2, 0, 1], (1, 0, 2)])
def test_transpose(perm):
    check(lambda x: A.transpose(x, perm), X, expect=np.transpose(X, perm))


def test_transpose_errors():
    with Graph().as_default():
        with pytest.raises(ValueError, match=r"perm.*\(2, 3, 4\)"):
            A.transpose(placeholder(dtypes.float32, [2, 3, 4]), [0, 1])
    with pytest.raises((ValueError, InvalidArgumentError)):
        A.transpose(constant(X), [0, 0, 1])


@pytest.mark.parametrize("axis", [0, 1, 3, -1, -4])
def test_expand_dims(axis):
    check(lambda x: A.expand_dims(x, axis), X, expect=np.expand_dims(X, axis))


def test_expand_dims_out_of_range():
    with pytest.raises(ValueError, match="axis 4"):
        A.expand_dims(constant(X), 4)
    with Graph().as_default(), pytest.raises(ValueError, match="axis -5"):
        A.expand_dims(placeholder(dtypes.float32, [2, 3, 4]), -5)
    check(lambda x: A.expand_dims(x, 0), np.float32(3), expect=np.float32([3]))


@pytest.mark.parametrize("axis", [None, 0, [0, 2], -1])
def test_squeeze(axis):
    x = X.reshape(1, 6, 1, 4)[..., :1]
    check(lambda x: A.squeeze(x, axis), x, expect=np.squeeze(x, None if axis is None
                                                              else tuple(np.atleast_1d(axis))))


def test_squeeze_errors_and_unknown_dims():
    with pytest.raises(ValueError):
        A.squeeze(constant(X), 1)
    with Graph().as_default():
        with pytest.raises(ValueError, match=r"axis 1 of shape \(2, 3, 4\)"):
            A.squeeze(placeholder(dtypes.float32, [2, 3, 4]), 1)
        assert A.squeeze(placeholder(dtypes.float32, [None, 1])).shape.rank is None
        assert A.squeeze(placeholder(dtypes.float32, [None, 1]), 1).shape == (None,)


def test_broadcast_to():
    check(lambda x: A.broadcast_to(x, [2, 3, 4]), X[0, :1], expect=np.broadcast_to(X[0, :1],
                                                                                    (2, 3, 4)))
    with Graph().as_default(), pytest.raises(ValueError, match=r"\(3,\).*\(2, 4\)"):
        A.broadcast_to(placeholder(dtypes.float32, [3]), [2, 4])


# -- concat / stack / unstack -----------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_concat(axis):
    y = X * 2
    check(lambda a, b: A.concat([a, b, a], axis), X, y, expect=np.concatenate([X, y, X], axis))


def test_concat_errors_name_both_shapes():
    a, b = np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)|dimension"):
        A.concat([constant(a), constant(b)], 0)
    with Graph().as_default():
        with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
            A.concat([placeholder(dtypes.float32, [2, 3]), placeholder(dtypes.float32, [2, 4])], 0)
        with pytest.raises(ValueError, match="scalar"):
            A.concat([placeholder(dtypes.float32, []), placeholder(dtypes.float32, [])], 0)
        with pytest.raises(TypeError, match="int32.*float32"):
            A.concat([placeholder(dtypes.int32, [2]), placeholder(dtypes.float32, [2])], 0)
        c = A.concat([placeholder(dtypes.float32, [None, 3]),
                      placeholder(dtypes.float32, [2, None])], 0)
        assert c.shape == (None, 3)
    with pytest.raises(ValueError, match="at least one"):
        A.concat([], 0)


@pytest.mark.parametrize("axis", [0, 1, 3, -1])
def test_stack(axis):
    check(lambda a, b: A.stack([a, b], axis), X, X + 1, expect=np.stack([X, X + 1], axis))


def test_stack_python_values_and_errors():
    check(lambda a: A.stack([a, 2.0, 3.0]), np.float32(1), expect=np.float32([1, 2, 3]))
    check(lambda: A.stack([1, 2]), expect=np.int32([1, 2]))
    with Graph().as_default():
        with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
            A.stack([placeholder(dtypes.float32, [2]), placeholder(dtypes.float32, [3])])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack(axis):
    expect = [np.take(X, i, axis) for i in range(X.shape[axis])]
    out = check(lambda x: A.unstack(x, axis=axis), X, expect=expect, modes=["full"])
    assert len(out) == X.shape[axis]
    n = X.shape[axis]
    check(lambda x: A.unstack(x, num=n, axis=axis), X, expect=expect)


def test_unstack_num_and_errors():
    assert A.unstack(constant(np.zeros((0, 2)))) == []
    with Graph().as_default():
        x = placeholder(dtypes.float32, [None, 2])
        with pytest.raises(ValueError, match="num"):
            A.unstack(x)
        parts = A.unstack(x, num=3)
        assert len(parts) == 3 and parts[0].shape == (2,)
        assert [t.shape for t in A.unstack(x, axis=1)] == [TensorShape([None])] * 2
    with pytest.raises(ValueError, match="scalar"):
        A.unstack(constant(1.0))
    with pytest.raises((ValueError, InvalidArgumentError)):
        A.unstack(constant(X), num=5)


# -- gather -----------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather(axis):
    idx = np.int32([[0, 1], [1, 0]])
    check(lambda x, i: A.gather(x, i, axis), X, idx, expect=np.take(X, idx, axis))
    check(lambda x, i: A.gather(x, i, axis), X, np.int64(-1), expect=np.take(X, -1, axis))


def test_gather_errors():
    with pytest.raises(InvalidArgumentError):
        A.gather(constant(X), constant([5]))
    with pytest.raises(TypeError, match="indices.*float32"):
        A.gather(constant(X), constant([0.0]))


# -- slicing ----------------------------------------------------------------------------------

KEYS = [0, -1, 1, (1, 2), (0, -1, 3), slice(None), slice(1, None), slice(None, None, -1),
        (slice(None, None, -2), 1), (Ellipsis, 0), (0, Ellipsis), (None, 0), (0, None, 1),
        (Ellipsis, None), (slice(1, 3), None, slice(None, None, -1)), (1, slice(5, 0, -2)),
        (slice(-2, None), Ellipsis, slice(None, 2)), (slice(10, 20),), (slice(0, 0),), ()]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_strided_slice_matches_numpy(key):
    check(lambda x: A.strided_slice(x, key), X, expect=X[key])


def test_slicing_scalars_and_numpy_int_indices():
    check(lambda x: A.strided_slice(x, None), np.float32(2), expect=np.float32([2]))
    check(lambda x: A.strided_slice(x, (np.int64(1), np.int32(-1))), X, expect=X[1, -1])
    check(lambda x: A.strided_slice(x, constant(1)), X, expect=X[1])


def test_tensor_indices_in_graphs():
    check(lambda x, i: A.strided_slice(x, i), X, np.int32(1), expect=X[1])
    check(lambda x, i: A.strided_slice(x, (i, Ellipsis, i)), X, np.int64(-1), expect=X[-1, ..., -1])
    check(lambda x, i: A.strided_slice(x, slice(i, None)), X[0], np.int32(1), expect=X[0, 1:],
          static=False)
    check(lambda x, i: A.strided_slice(x, (slice(None), slice(None, None, i))), X[0],
          np.int32(-2), expect=X[0, :, ::-2], static=False)
    with Graph().as_default():
        x = placeholder(dtypes.float32, [5, 3])
        i = placeholder(dtypes.int32, [])
        assert A.strided_slice(x, i).shape == (3,)
        assert A.strided_slice(x, slice(i, None)).shape == (None, 3)
        assert A.strided_slice(x, (slice(None, None, -1), i)).shape == (5,)


def test_slicing_errors():
    with pytest.raises((ValueError, InvalidArgumentError), match="out of bounds|index"):
        A.strided_slice(constant(X), 2)
    with Graph().as_default():
        x = placeholder(dtypes.float32, [2, 3])
        with pytest.raises(ValueError, match=r"index 3 is out of bounds for axis 1 of shape"):
            A.strided_slice(x, (0, 3))
        with pytest.raises(ValueError, match="too many indices"):
            A.strided_slice(x, (0, 0, 0))
        with pytest.raises(ValueError, match="step"):
            A.strided_slice(x, slice(None, None, 0))
        with pytest.raises(TypeError, match="ag.gather"):
            A.strided_slice(x, placeholder(dtypes.int32, [2]))
        with pytest.raises(TypeError, match="integer|int"):
            A.strided_slice(x, placeholder(dtypes.float32, []))
    for bad in ([0, 1], 1.5, True, "a"):
        with pytest.raises(TypeError, match="gather"):
            A.strided_slice(constant(X), bad)
    with pytest.raises(IndexError, match="ellipsis"):
        A.strided_slice(constant(X), (Ellipsis, Ellipsis))


def test_slice_with_tensor_out_of_range_fails_when_run():
    with pytest.raises(InvalidArgumentError):
        run_graph(lambda x, i: A.strided_slice(x, i), [X, np.int32(7)])


# -- shape / size / rank ----------------------------------------------------------------------

def test_shape_size_rank():
    check(A.shape, X, expect=np.int32([2, 3, 4]))
    check(lambda x: A.shape(x, out_type=dtypes.int64), X, expect=np.int64([2, 3, 4]))
    check(A.size, X, expect=np.int32(24))
    check(A.rank, X, expect=np.int32(3))
    check(A.shape, np.float32(1), expect=np.zeros(0, np.int32))
    with Graph().as_default():
        assert A.shape(placeholder(dtypes.float32)).shape == (None,)
        assert A.shape(placeholder(dtypes.float32, [None, 2])).shape == (2,)


def test_get_static_value():
    with Graph().as_default():
        x = placeholder(dtypes.float32, [2, 3])
        y = placeholder(dtypes.float32, [None, 3])
        assert A.get_static_value(A.shape(x)).tolist() == [2, 3]
        assert A.get_static_value(A.size(x)) == 6
        assert A.get_static_value(A.rank(y)) == 2
        assert A.get_static_value(A.shape(y)) is None
        assert A.get_static_value(constant([1, 2])).tolist() == [1, 2]
        assert A.get_static_value(M.add(x, 1.0)) is None
        assert A.get_static_value(A.shape(x)[-1]) == 3
        assert A.get_static_value(A.shape(y)[1]) is None
        assert A.reshape(x, [A.shape(x)[0], -1]).shape == (2, 3)
        assert A.reshape(y, [A.shape(y)[0], -1]).shape == (None, None)
    assert A.get_static_value(constant(3)) == 3
