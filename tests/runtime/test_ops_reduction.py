"""reduction_ops against numpy: reduce_*, argmax/argmin, softmax."""
import numpy as np
import pytest

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.graph import Graph
from autograph.runtime.ops import reduction_ops as R
from autograph.runtime.ops.core_ops import constant, placeholder
from test_ops_helpers import check

RNG = np.random.default_rng(1)
AXES = [None, 0, 1, -1, (0, 2), [1], (), (-1, 0, 1)]


def data(dtype, shape=(2, 3, 4)):
    if np.dtype(dtype).kind == "f":
        return RNG.uniform(-3, 3, shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return RNG.uniform(size=shape) < 0.5
    return RNG.integers(0 if np.dtype(dtype).kind == "u" else -9, 9, shape).astype(dtype)


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


REDUCE = [(R.reduce_sum, lambda x, a, k: np.sum(x, a, dtype=x.dtype, keepdims=k)),
          (R.reduce_prod, lambda x, a, k: np.prod(x, a, dtype=x.dtype, keepdims=k)),
          (R.reduce_max, lambda x, a, k: np.max(x, a, keepdims=k)),
          (R.reduce_min, lambda x, a, k: np.min(x, a, keepdims=k))]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "float16"])
@pytest.mark.parametrize("op,ref", REDUCE, ids=[f.__name__ for f, _ in REDUCE])
def test_reductions_keep_the_dtype(op, ref, dtype, axis, keepdims):
    x = data(dtype)
    check(lambda t: op(t, axis, keepdims), x, expect=ref(x, _np_axis(axis), keepdims),
          rtol=1e-2 if dtype == "float16" else None)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_reduce_mean_floats(dtype, axis, keepdims):
    x = data(dtype)
    expect = np.mean(x.astype(np.float64), _np_axis(axis), keepdims=keepdims).astype(dtype)
    check(lambda t: R.reduce_mean(t, axis, keepdims), x, expect=expect,
          rtol=1e-2 if dtype == "float16" else None)


@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
def test_reduce_mean_ints_truncates_towards_zero_like_tensorflow(dtype, axis):
    x = data(dtype)
    if dtype != "uint8":
        x[0] = -x[0]
    expect = np.trunc(np.mean(x.astype(np.float64), _np_axis(axis))).astype(dtype)
    check(lambda t: R.reduce_mean(t, axis), x, expect=expect)
    check(R.reduce_mean, np.int8([100, 100, 100]), expect=np.int8(100))   # no 8-bit overflow
    check(R.reduce_mean, np.int32([-3, -4]), expect=np.int32(-3))


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("op,ref", [(R.reduce_any, np.any), (R.reduce_all, np.all)])
def test_reduce_any_all(op, ref, axis, keepdims):
    x = data("bool")
    check(lambda t: op(t, axis, keepdims), x, expect=ref(x, _np_axis(axis), keepdims=keepdims))


def test_reductions_of_scalars_and_empty_tensors():
    check(R.reduce_sum, np.float32(2.5), expect=np.float32(2.5))
    check(lambda t: R.reduce_sum(t, 0), np.zeros((0, 3), np.int32), expect=np.zeros(3, np.int32))
    check(lambda t: R.reduce_prod(t, 1), np.zeros((2, 0), np.float32),
          expect=np.ones(2, np.float32))
    check(R.reduce_any, np.zeros(0, bool), expect=np.bool_(False))
    with pytest.raises(InvalidArgumentError):
        R.reduce_max(constant(np.zeros(0, np.float32)))


def test_reduction_dtype_and_axis_errors():
    with pytest.raises(TypeError, match="bool"):
        R.reduce_sum(constant([True]))
    with pytest.raises(TypeError, match="int32"):
        R.reduce_all(constant([1]))
    with Graph().as_default():
        x = placeholder(dtypes.float32, [2, 3])
        with pytest.raises(ValueError, match="axis 2 is out of range.*rank 2"):
            R.reduce_sum(x, 2)
        with pytest.raises(ValueError, match="twice"):
            R.reduce_sum(x, (0, -2))
        with pytest.raises(ValueError, match="out of range"):
            R.reduce_sum(placeholder(dtypes.float32, []), 0)
        assert R.reduce_sum(placeholder(dtypes.float32), 1).shape.rank is None
        assert R.reduce_sum(placeholder(dtypes.float32, [None, 3]), 0).shape == (3,)
        with pytest.raises(TypeError, match="known when the graph is built"):
            R.reduce_sum(x, placeholder(dtypes.int32, []))
    with pytest.raises((ValueError, InvalidArgumentError)):
        R.reduce_sum(constant(np.zeros((2, 3))), 2)
    for op in (R.reduce_sum, R.reduce_mean, R.reduce_max, R.argmax, R.softmax):
        with pytest.raises(InvalidArgumentError, match="rank 0"):    # numpy would allow it
            op(constant(1.0), 0)
    with pytest.raises(InvalidArgumentError, match="rank 0"):
        R.reduce_any(constant(True), -1)
    assert R.reduce_sum(constant(np.ones((2, 3))), constant(1)).shape == (2,)


# -- argmax / argmin --------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("op,ref", [(R.argmax, np.argmax), (R.argmin, np.argmin)])
def test_argmax_argmin_default_int64(op, ref, axis):
    x = data("float32")
    x[0, 0, :] = 3.0     # ties: the first index wins
    check(lambda t: op(t, axis), x, expect=ref(x, 0 if axis is None else axis).astype(np.int64))
    check(lambda t: op(t, axis, output_type=dtypes.int32), x,
          expect=ref(x, 0 if axis is None else axis).astype(np.int32))


def test_argmax_errors():
    with pytest.raises(TypeError, match="int32 or int64"):
        R.argmax(constant([1.0]), output_type=dtypes.float32)
    with pytest.raises(TypeError, match="bool"):
        R.argmax(constant([True]))
    with Graph().as_default():
        with pytest.raises(ValueError, match="rank"):
            R.argmax(placeholder(dtypes.float32, []))
        with pytest.raises(ValueError, match="axis 2"):
            R.argmin(placeholder(dtypes.float32, [2, 2]), 2)
    with pytest.raises(InvalidArgumentError):
        R.argmax(constant(np.zeros((0,), np.float32)))


# -- softmax ----------------------------------------------------------------------------------

def _softmax(x, axis):
    e = np.exp(x.astype(np.float64) - np.max(x, axis, keepdims=True))
    return (e / e.sum(axis, keepdims=True)).astype(x.dtype)


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_softmax(dtype, axis):
    x = data(dtype)
    out = check(lambda t: R.softmax(t, axis), x, expect=_softmax(x, axis),
                rtol=1e-2 if dtype == "float16" else None)
    np.testing.assert_allclose(out.sum(axis), 1, rtol=1e-2)


def test_softmax_is_stable_and_checks_inputs():
    out = check(R.softmax, np.float32([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(out, [0.5, 0.5, 0.0])
    with pytest.raises(TypeError, match="int32"):
        R.softmax(constant([1, 2]))
    with Graph().as_default():
        with pytest.raises(ValueError, match="rank"):
            R.softmax(placeholder(dtypes.float32, []))
        with pytest.raises(ValueError, match="axis"):
            R.softmax(placeholder(dtypes.float32, [2]), 1)
