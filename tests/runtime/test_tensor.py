import numpy as np
import pytest

import autograph as ag
from autograph.runtime.shapes import TensorShape, broadcast


def test_python_defaults_follow_tensorflow():
    assert ag.constant(1).dtype is ag.int32
    assert ag.constant(1.0).dtype is ag.float32
    assert ag.constant(True).dtype is ag.bool
    assert ag.constant([1, 2]).dtype is ag.int32
    assert ag.constant([1.0, 2]).dtype is ag.float32
    assert ag.constant(2 ** 40).dtype is ag.int64
    assert ag.constant(np.float64(1.0)).dtype is ag.float64


def test_lossy_conversions_are_errors():
    with pytest.raises(TypeError, match="whole number"):
        ag.constant(2.5, dtype=ag.int32)
    with pytest.raises(OverflowError, match="does not fit int32"):
        ag.constant(2 ** 40, dtype=ag.int32)
    with pytest.raises(TypeError, match="not numeric"):
        ag.constant("abc")
    assert int(ag.constant(2.0, dtype=ag.int32)) == 2


def test_eager_tensor_repr_and_conversions():
    z = ag.constant([[4.0, 6.0], [4.0, 6.0]])
    assert repr(z) == "ag.Tensor(\n[[4. 6.]\n [4. 6.]], shape=(2, 2), dtype=float32)"
    s = ag.constant(3)
    assert int(s) == 3 and float(s) == 3.0 and bool(s) and [10, 20, 30, 40][s] == 40
    np.testing.assert_array_equal(np.asarray(z), [[4, 6], [4, 6]])
    assert tuple(z.shape) == (2, 2) and len(z) == 2
    rows = list(ag.constant([1, 2]))
    assert [int(r) for r in rows] == [1, 2]


def test_graph_tensor_repr_and_refusals():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [1, 2], name="x")
        assert repr(x) == 'Tensor("x:0", shape=(1, 2), dtype=float32)'
        with pytest.raises(TypeError, match="iterating"):
            iter(x)
        with pytest.raises(TypeError, match="ag.cond"):
            bool(x)
        with pytest.raises(TypeError, match="Session.run"):
            x.numpy()
        assert len(x) == 1


def test_shapes():
    assert TensorShape([2, None]).is_compatible_with([2, 3])
    assert not TensorShape([2, None]).is_compatible_with([3, 3])
    assert TensorShape([2, None]).merge_with([None, 4]) == (2, 4)
    assert TensorShape([2, 3]).most_specific_compatible([2, 4]) == TensorShape([2, None])
    assert broadcast(TensorShape([3, 1]), TensorShape([4])) == (3, 4)
    assert broadcast(TensorShape([None, 1]), TensorShape([4])) == TensorShape([None, 4])
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        broadcast(TensorShape([3]), TensorShape([4]))
    assert repr(TensorShape(None)) == "<unknown>"
    assert str(TensorShape([None, 3])) == "(None, 3)"


def test_mixed_tensor_dtypes_are_not_promoted():
    with pytest.raises(TypeError) as e:
        ag.constant(1) + ag.constant(1.0)
    assert "int32" in str(e.value) and "float32" in str(e.value)
    assert (ag.constant(1.5) * 2).dtype is ag.float32
