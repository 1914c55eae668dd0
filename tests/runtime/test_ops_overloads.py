"""Tensor operator overloads, eagerly and in graphs; Python floor semantics exactly."""
import operator

import numpy as np
import pytest

from autograph.runtime import dtypes
from autograph.runtime.graph import Graph
from autograph.runtime.ops import overloads
from autograph.runtime.ops.core_ops import constant, placeholder
from autograph.runtime.tensor import EagerTensor, Tensor
from test_ops_helpers import check

A = np.float32([[1.5, -2.0], [3.0, 0.5]])
B = np.float32([2.0, -0.5])

ARITH = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
         operator.mod, operator.pow, operator.lt, operator.le, operator.gt, operator.ge,
         operator.eq, operator.ne]


@pytest.mark.parametrize("op", ARITH, ids=lambda f: f.__name__)
def test_binary_operators_match_numpy(op):
    with np.errstate(all="ignore"):
        expect = op(A, B)
    check(op, A, B, expect=expect)
    check(lambda x: op(x, 2.0), A, expect=op(A, np.float32(2.0)))
    check(lambda x: op(3.0, x), A, expect=op(np.float32(3.0), A))       # reflected


def test_unary_operators():
    check(operator.neg, A, expect=-A)
    check(abs, A, expect=np.abs(A))
    t = constant(A)
    assert +t is t
    check(operator.invert, np.array([True, False]), expect=np.array([False, True]))


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.xor], ids=lambda f: f.__name__)
def test_bool_operators(op):
    x, y = np.array([True, True, False, False]), np.array([True, False, True, False])
    check(op, x, y, expect=op(x, y))
    check(lambda a: op(a, True), x, expect=op(x, True))
    check(lambda a: op(False, a), x, expect=op(False, x))
    with pytest.raises(TypeError, match="bool"):
        op(constant([1, 2]), constant([3, 4]))
    with pytest.raises(TypeError, match="bool"):
        ~constant([1, 2])


@pytest.mark.parametrize("dtype", ["int32", "int64", "int8"])
def test_floordiv_and_mod_are_exactly_pythons(dtype):
    values = list(range(-11, 12))
    divisors = [d for d in range(-5, 6) if d]
    x = np.array([a for a in values for _ in divisors], dtype)
    y = np.array([b for _ in values for b in divisors], dtype)
    floors = np.array([a // b for a in values for b in divisors], dtype)
    mods = np.array([a % b for a in values for b in divisors], dtype)
    check(operator.floordiv, x, y, expect=floors)
    check(operator.mod, x, y, expect=mods)
    for a in (-7, 7):
        for b in (-2, 2):
            t = constant(np.array(a, dtype))
            assert int(t // b) == a // b and int(t % b) == a % b
            assert int(a // constant(np.array(b, dtype))) == a // b
            assert int(a % constant(np.array(b, dtype))) == a % b
            q, r = divmod(t, b)
            assert (int(q), int(r)) == divmod(a, b)
            q, r = divmod(a, constant(np.array(b, dtype)))
            assert (int(q), int(r)) == divmod(a, b)


def test_int_true_division_gives_float64():
    out = constant(7) / 2
    assert out.dtype is dtypes.float64 and out.numpy() == 3.5


def test_matmul_operator():
    check(operator.matmul, A, A, expect=A @ A)
    t = constant(A)
    out = A @ t                                      # numpy array on the left: reflected
    assert type(out) is EagerTensor and np.array_equal(out.numpy(), A @ A)


def test_numpy_values_on_the_left_defer_to_tensors():
    t = constant(A)
    for left in (np.float32(2.0), B, np.ones((2, 2), np.float32)):
        assert type(left + t) is EagerTensor
        assert type(left < t) is EagerTensor
        np.testing.assert_array_equal((left - t).numpy(), left - A)
    with pytest.raises(TypeError, match="float64.*float32|float32.*float64"):
        np.float64(1.0) + t


def test_getitem_operator():
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    for key in [1, -1, (0, 1), (slice(None), 0), (Ellipsis, slice(None, None, -1)),
                (None, 1, slice(1, None, 2)), (1, Ellipsis, None)]:
        check(lambda t, key=key: t[key], x, expect=x[key])
    check(lambda t, i: t[i, ::-1], x, np.int32(1), expect=x[1, ::-1])


def test_graph_tensors_hash_by_identity_and_compare_elementwise():
    with Graph().as_default():
        x = placeholder(dtypes.float32, [2])
        y = placeholder(dtypes.float32, [2])
        eq = x == y
        assert type(eq) is Tensor and eq.dtype is dtypes.bool_ and eq.shape == (2,)
        assert type(x != 1.0) is Tensor
        d = {x: 1, y: 2}
        assert d[x] == 1 and d[y] == 2 and len({x, y, x}) == 2
        assert (x == None) is False and (x != None) is True  # noqa: E711 - the overload
        assert (x == "x") is False and (x == object()) is False


def test_eager_equality():
    t = constant([1, 2])
    assert (t == [1, 3]).numpy().tolist() == [True, False]
    assert bool(constant(3) == 3)
    assert (t == None) is False  # noqa: E711 - the overload


def test_pow_with_modulo_is_rejected():
    with pytest.raises(TypeError, match="modulo"):
        pow(constant(2), 3, 5)


def test_install_on_another_class_reuses_the_ops():
    class Box:
        """A variable-like value: ops read it through `_ag_read`."""

        def __init__(self, value):
            self.value = value
            self.dtype = value.dtype

        def _ag_read(self):
            return self.value

    overloads.install(Box)
    b = Box(constant(A))
    np.testing.assert_array_equal((b + 1.0).numpy(), A + 1)
    np.testing.assert_array_equal((2.0 * b).numpy(), 2 * A)
    np.testing.assert_array_equal(b[0].numpy(), A[0])
    np.testing.assert_array_equal((b @ b).numpy(), A @ A)
    assert (b == b).numpy().all()
    assert hash(b) == object.__hash__(b)


def test_tensor_class_keeps_identity_hash():
    assert Tensor.__hash__ is object.__hash__
    t = constant(1.0)
    assert hash(t) == object.__hash__(t)
