"""math_ops against numpy: values, dtypes and shapes, eagerly and in graphs."""
import warnings

import numpy as np
import pytest

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.graph import Graph
from autograph.runtime.ops import errstate
from autograph.runtime.ops import math_ops as M
from autograph.runtime.ops.core_ops import constant, placeholder
from autograph.runtime.tensor import EagerTensor
from test_ops_helpers import check, run_graph

RNG = np.random.default_rng(0)
NUMERIC = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8"]
FLOATS = ["float16", "float32", "float64"]


def rand(shape, dtype, low=-5, high=5):
    dtype = np.dtype(dtype)
    if dtype.kind == "u":
        low = 0
    if dtype.kind == "f":
        return RNG.uniform(low, high, shape).astype(dtype)
    return RNG.integers(low, high, shape).astype(dtype)


# -- binary arithmetic ------------------------------------------------------------------------

BINARY = [(M.add, np.add), (M.subtract, np.subtract), (M.multiply, np.multiply),
          (M.maximum, np.maximum), (M.minimum, np.minimum)]


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("op,ref", BINARY, ids=[f.__name__ for f, _ in BINARY])
def test_binary_matches_numpy_and_broadcasts(op, ref, dtype):
    x, y = rand((2, 3), dtype), rand((3,), dtype)
    check(op, x, y, expect=ref(x, y))
    check(op, x[0, 0], y[0], expect=ref(x[0, 0], y[0]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_pow(dtype):
    x, y = rand((2, 3), dtype, 1, 4), rand((3,), dtype, 0, 3)
    check(M.pow, x, y, expect=np.power(x, y))


def test_pow_of_zero_to_negative_float_is_inf_without_warning():
    out = check(M.pow, np.float32([0.0, 4.0]), np.float32(-0.5), expect=np.float32([np.inf, 0.5]))
    assert out.dtype == np.float32


def test_int_pow_negative_exponent_fails():
    with pytest.raises(InvalidArgumentError, match="negative"):
        M.pow(constant(2), constant(-1))


@pytest.mark.parametrize("dtype,out", [("int8", "float32"), ("uint8", "float32"),
                                       ("int16", "float32"), ("int32", "float64"),
                                       ("int64", "float64"), ("float16", "float16"),
                                       ("float32", "float32"), ("float64", "float64")])
def test_divide_is_true_division_with_tensorflow_dtypes(dtype, out):
    x, y = rand((2, 3), dtype, 1, 9), rand((3,), dtype, 1, 9)
    expect = (x.astype(np.float64) / y.astype(np.float64)).astype(out)
    check(M.divide, x, y, expect=expect, dtype=out)


def test_float_division_by_zero_gives_inf_and_nan_silently():
    x = np.float32([1.0, -1.0, 0.0])
    check(M.divide, x, np.float32(0.0), expect=np.float32([np.inf, -np.inf, np.nan]))
    check(M.divide, np.int32([1, 0]), np.int32(0), expect=np.float64([np.inf, np.nan]))


def _python_floor_table(op, values, divisors, dtype):
    x = np.array([a for a in values for b in divisors], dtype)
    y = np.array([b for a in values for b in divisors], dtype)
    expect = np.array([op(a, b) for a in values for b in divisors], dtype)
    return x, y, expect


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64"])
@pytest.mark.parametrize("name", ["floordiv", "mod"])
def test_floordiv_and_mod_follow_python_exactly_on_ints(name, dtype):
    op = {"floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b}[name]
    x, y, expect = _python_floor_table(op, range(-9, 10), [-4, -3, -2, -1, 1, 2, 3, 7], dtype)
    check(getattr(M, name), x, y, expect=expect)


@pytest.mark.parametrize("name", ["floordiv", "mod"])
def test_floordiv_and_mod_follow_python_exactly_on_floats(name):
    op = {"floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b}[name]
    values = [-7.5, -3.0, -0.7, -0.1, 0.0, 0.1, 0.7, 1.0, 2.5, 7.25]
    x, y, expect = _python_floor_table(op, values, [-2.5, -0.1, 0.1, 0.3, 2.0], np.float64)
    check(getattr(M, name), x, y, expect=expect, rtol=0)


def test_unsigned_floordiv_and_mod():
    x, y = np.uint8([7, 200, 0]), np.uint8([2, 7, 3])
    check(M.floordiv, x, y, expect=x // y)
    check(M.mod, x, y, expect=x % y)


def test_float_floordiv_and_mod_by_zero_are_silent():
    check(M.floordiv, np.float32([1.0, -1.0]), np.float32(0), expect=np.float32([np.inf, -np.inf]))
    check(M.mod, np.float32([1.0]), np.float32(0), expect=np.float32([np.nan]))


@pytest.mark.parametrize("name", ["floordiv", "mod"])
def test_integer_division_by_zero_is_an_error(name):
    op = getattr(M, name)
    with pytest.raises(InvalidArgumentError, match="integer division by zero"):
        op(constant([4, 5]), constant([1, 0]))
    with pytest.raises(InvalidArgumentError, match="integer division by zero"):
        run_graph(op, [np.int32([4, 5]), np.int32([1, 0])])
    with pytest.raises(InvalidArgumentError, match="integer division by zero"):
        op(constant(np.int64(3)), constant(np.int64(0)))


# -- unary ------------------------------------------------------------------------------------

UNARY_NUMERIC = [(M.negative, np.negative), (M.abs, np.abs), (M.sign, np.sign),
                 (M.square, np.square), (M.relu, lambda x: np.maximum(x, 0).astype(x.dtype))]


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("op,ref", UNARY_NUMERIC, ids=[f.__name__ for f, _ in UNARY_NUMERIC])
def test_unary_numeric(op, ref, dtype):
    x = rand((2, 3), dtype)
    check(op, x, expect=ref(x))
    check(op, x[0, 0], expect=ref(x[0, 0]))


def _sigmoid(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


UNARY_FLOAT = [(M.sqrt, np.sqrt, 0, 9), (M.exp, np.exp, -5, 5), (M.log, np.log, 0.1, 9),
               (M.sin, np.sin, -5, 5), (M.cos, np.cos, -5, 5), (M.tanh, np.tanh, -5, 5),
               (M.sigmoid, _sigmoid, -8, 8)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op,ref,low,high", UNARY_FLOAT, ids=[u[0].__name__ for u in UNARY_FLOAT])
def test_unary_float(op, ref, low, high, dtype):
    x = rand((2, 3), dtype, low, high)
    check(op, x, expect=ref(x))


@pytest.mark.parametrize("op", [u[0] for u in UNARY_FLOAT], ids=[u[0].__name__ for u in UNARY_FLOAT])
def test_unary_float_rejects_ints_naming_the_dtype(op):
    with pytest.raises(TypeError, match="int32"):
        op(constant([1, 2]))
    with Graph().as_default():
        with pytest.raises(TypeError, match="%s.*int32" % op.__name__):
            op(placeholder(dtypes.int32, [2]))


def test_domain_edges_are_silent_like_tensorflow():
    check(M.log, np.float32([0.0, -1.0]), expect=np.float32([-np.inf, np.nan]))
    check(M.sqrt, np.float32([-1.0]), expect=np.float32([np.nan]))
    check(M.exp, np.float32([1000.0]), expect=np.float32([np.inf]))


def test_sigmoid_is_stable_at_extremes():
    x = np.float32([-1000, -30, 0, 30, 1000])
    out = check(M.sigmoid, x)
    assert out[0] == 0 and out[-1] == 1 and out[2] == 0.5
    assert 0 < out[1] < 1e-12 and np.isclose(out[1], np.exp(-30.0), rtol=1e-5)


# -- comparisons and logic --------------------------------------------------------------------

COMPARE = [(M.less, np.less), (M.less_equal, np.less_equal), (M.greater, np.greater),
           (M.greater_equal, np.greater_equal), (M.equal, np.equal),
           (M.not_equal, np.not_equal)]


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "uint8"])
@pytest.mark.parametrize("op,ref", COMPARE, ids=[f.__name__ for f, _ in COMPARE])
def test_comparisons(op, ref, dtype):
    x, y = rand((2, 3), dtype, 0, 3), rand((3,), dtype, 0, 3)
    check(op, x, y, expect=ref(x, y))


def test_equality_works_on_bools_but_ordering_does_not():
    a, b = np.array([True, False]), np.array([True, True])
    check(M.equal, a, b, expect=np.array([True, False]))
    check(M.not_equal, a, b, expect=np.array([False, True]))
    with pytest.raises(TypeError, match="bool"):
        M.less(constant(a), constant(b))


LOGICAL = [(M.logical_and, np.logical_and), (M.logical_or, np.logical_or),
           (M.logical_xor, np.logical_xor)]


@pytest.mark.parametrize("op,ref", LOGICAL, ids=[f.__name__ for f, _ in LOGICAL])
def test_logical(op, ref):
    x, y = np.array([[True, False], [False, True]]), np.array([True, False])
    check(op, x, y, expect=ref(x, y))


def test_logical_not_and_bool_only():
    check(M.logical_not, np.array([True, False]), expect=np.array([False, True]))
    with pytest.raises(TypeError, match="bool.*int32|int32"):
        M.logical_and(constant([1]), constant([True]))


def test_where_broadcasts_all_three():
    c = np.array([[True], [False]])
    x, y = np.float32([1, 2, 3]), np.float32(-1)
    check(M.where, c, x, y, expect=np.where(c, x, y))
    check(lambda c: M.where(c, 1.0, 0.0), c, expect=np.float32([[1.0], [0.0]]))
    with pytest.raises(TypeError, match="bool|condition"):
        M.where(constant([1]), constant([1.0]), constant([2.0]))
    with pytest.raises(TypeError, match="int32.*float32|float32.*int32"):
        M.where(constant([True]), constant([1]), constant([2.0]))


# -- matmul -----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_matmul(dtype):
    a, b = rand((2, 3), dtype), rand((3, 4), dtype)
    check(M.matmul, a, b, expect=a @ b)
    batch_a, batch_b = rand((5, 1, 2, 3), dtype), rand((4, 3, 2), dtype)
    check(M.matmul, batch_a, batch_b, expect=batch_a @ batch_b)


def test_matmul_transpose_flags():
    a, b = rand((3, 2), "float32"), rand((4, 3), "float32")
    check(lambda a, b: M.matmul(a, b, transpose_a=True, transpose_b=True), a, b,
          expect=a.T @ b.T)


def test_matmul_errors_name_both_shapes():
    a, b = np.zeros((2, 3), np.float32), np.zeros((4, 5), np.float32)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        M.matmul(constant(a), constant(b))
    with Graph().as_default():
        with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
            M.matmul(placeholder(dtypes.float32, [2, 3]), placeholder(dtypes.float32, [4, 5]))
    with pytest.raises(ValueError, match="rank"):
        M.matmul(constant([1.0, 2.0]), constant([1.0, 2.0]))
    with Graph().as_default():
        with pytest.raises(ValueError, match="rank"):
            M.matmul(placeholder(dtypes.float32, [2]), placeholder(dtypes.float32, [2]))


# -- cast -------------------------------------------------------------------------------------

@pytest.mark.parametrize("src,dst,values,expect", [
    ("float32", "int32", [1.7, -1.7, 0.2], [1, -1, 0]),
    ("int32", "float32", [1, -2], [1.0, -2.0]),
    ("int32", "bool", [0, 3, -1], [False, True, True]),
    ("bool", "float64", [True, False], [1.0, 0.0]),
    ("float64", "float16", [0.5, 2.0], [0.5, 2.0]),
    ("int64", "uint8", [3, 250], [3, 250]),
])
def test_cast(src, dst, values, expect):
    check(lambda x: M.cast(x, dst), np.array(values, src), expect=np.array(expect, dst))


def test_cast_to_same_dtype_returns_the_tensor_and_python_values_convert():
    t = constant([1.0])
    assert M.cast(t, dtypes.float32) is t
    assert M.cast(3.7, dtypes.int32).numpy() == 3
    with pytest.raises(TypeError):
        M.cast(t, "complex64")


# -- dtype and shape rules shared by every binary op ------------------------------------------

@pytest.mark.parametrize("op", [M.add, M.subtract, M.multiply, M.divide, M.floordiv, M.mod,
                                M.pow, M.maximum, M.minimum, M.less, M.equal, M.matmul])
def test_dtype_mismatch_names_both_dtypes(op):
    a, b = constant([[1]]), constant([[1.0]])
    with pytest.raises(TypeError, match=r"%s.*int32.*float32" % op.__name__):
        op(a, b)
    with Graph().as_default():
        x = placeholder(dtypes.int32, [1, 1])
        y = placeholder(dtypes.float32, [1, 1])
        with pytest.raises(TypeError, match=r"%s.*int32.*float32" % op.__name__):
            op(x, y)


@pytest.mark.parametrize("op", [M.add, M.divide, M.mod, M.less, M.equal, M.logical_and])
def test_shape_mismatch_names_both_shapes(op):
    dt = np.bool_ if op is M.logical_and else np.float32
    a, b = np.zeros((2, 3), dt), np.zeros((4,), dt)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        op(constant(a), constant(b))
    with Graph().as_default():
        d = dtypes.from_numpy(np.dtype(dt))
        with pytest.raises(ValueError, match=r"%s.*\(2, 3\).*\(4,\)" % op.__name__):
            op(placeholder(d, [2, 3]), placeholder(d, [4]))


def test_python_scalars_take_the_tensor_dtype():
    for d in ("float16", "float64", "int8", "uint8", "int64"):
        t = constant(np.array([1, 2], d))
        assert M.add(t, 1).dtype.name == d
        assert M.multiply(2, t).dtype.name == d
    # ... except that a Python float never becomes an integer: weakly typed, as in JAX.
    assert M.add(constant([1]), 2.5).dtype.name == "float32"
    assert M.add(constant([1]), 2.5).numpy().tolist() == [3.5]


def test_unknown_shapes_broadcast_to_unknown_dims():
    with Graph().as_default():
        x = placeholder(dtypes.float32, [None, 3])
        y = placeholder(dtypes.float32, [3])
        assert M.add(x, y).shape == (None, 3)
        assert M.add(x, placeholder(dtypes.float32)).shape.rank is None
        assert M.matmul(x, placeholder(dtypes.float32, [3, None])).shape == (None, None)


def test_eager_results_are_eager_tensors_with_numpy_values():
    out = M.add(constant([1, 2]), 1)
    assert type(out) is EagerTensor
    assert isinstance(out.numpy(), np.ndarray)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        M.divide(constant(1.0), constant(0.0))


def test_kernels_restore_the_numpy_error_state(monkeypatch):
    before = np.geterr()
    with np.errstate(all="raise"):
        assert np.isinf(M.divide(constant(1.0), constant(0.0)).numpy())   # quiet inside
        with pytest.raises(FloatingPointError):                          # raise outside
            np.float32(1.0) / np.float32(0.0)
    assert np.geterr() == before
    with pytest.raises(InvalidArgumentError):
        M.mod(constant(1), constant(0))
    assert np.geterr() == before
    monkeypatch.setattr(errstate, "_extobj_contextvar", None)         # the np.errstate fallback
    quiet_log = errstate.quiet(np.log)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isneginf(quiet_log(np.float32(0.0)))
