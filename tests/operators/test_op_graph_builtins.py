"""Builtin overloads, assert_stmt and misc helpers with graph tensors."""
import numpy as np
import pytest

import autograph as ag
from autograph.impl.conversion import ag__


def call(f, *args, **kwargs):
    return ag__.converted_call(f, args, kwargs or None)


def test_len_of_graph_tensors(graph):
    assert call(len, ag.placeholder(ag.float32, [4, 2])) == 4           # static: a Python int
    x = ag.placeholder(ag.float32, [None, 2])
    n = call(len, x)
    assert type(n) is ag.Tensor
    assert graph.run(n, {x: np.zeros((3, 2), np.float32)}) == 3
    with pytest.raises(TypeError, match="scalar"):
        call(len, ag.placeholder(ag.float32, []))


def test_len_of_eager_tensors_and_tensor_arrays():
    assert call(len, ag.constant([1, 2, 3])) == 3
    ta = ag.TensorArray(ag.int32, size=0, dynamic_size=True).write(0, 5).write(1, 6)
    n = call(len, ta)
    assert n == 2 and type(n) is int


def test_abs_min_max_of_graph_tensors(graph):
    x = ag.placeholder(ag.float32, [None])
    y = ag.placeholder(ag.float32, [None])
    feed = {x: [-1.0, 5.0, 2.0], y: [0.0, 3.0, 9.0]}
    np.testing.assert_array_equal(graph.run(call(abs, x), feed), [1.0, 5.0, 2.0])
    np.testing.assert_array_equal(graph.run(call(min, x, y), feed), [-1.0, 3.0, 2.0])
    np.testing.assert_array_equal(graph.run(call(max, x, y, 1.0), feed), [1.0, 5.0, 9.0])
    assert graph.run(call(max, x), feed) == 5.0
    assert graph.run(call(min, x), feed) == -1.0
    with pytest.raises(NotImplementedError, match="key="):
        call(max, x, key=abs)


def test_int_and_float_cast_graph_tensors(graph):
    x = ag.placeholder(ag.float32, [])
    i = call(int, x)
    assert i.dtype is ag.int32 and graph.run(i, {x: 3.7}) == 3
    f = call(float, ag.placeholder(ag.int32, []))
    assert f.dtype is ag.float32


def test_builtins_on_eager_tensors_behave_as_the_originals():
    t = ag.constant(-2.5)
    assert call(float, t) == -2.5 and type(call(float, t)) is float
    assert call(int, ag.constant(7)) == 7 and type(call(int, ag.constant(7))) is int
    assert float(call(abs, t)) == 2.5
    assert list(call(range, ag.constant(3))) == [0, 1, 2]
    v = ag.constant([3, 1, 2])
    assert int(call(max, v)) == 3     # Python's max over the rows
    assert [int(a) for a, in call(zip, v)] == [3, 1, 2]


def test_range_enumerate_zip_with_graph_tensors_are_lazy(graph):
    n = ag.placeholder(ag.int32, [])
    x = ag.placeholder(ag.float32, [None])
    assert isinstance(call(range, n), ag__.StagedRange)
    assert isinstance(call(range, 0, n, 2), ag__.StagedRange)
    assert isinstance(call(enumerate, x), ag__.StagedEnumerate)
    assert isinstance(call(zip, [1, 2], x), ag__.StagedZip)
    with pytest.raises(TypeError, match="range expected at most 3"):
        call(range, 1, 2, 3, n)
    with pytest.raises(TypeError, match="length of StagedRange is a tensor"):
        len(call(range, n))


# --- assert ------------------------------------------------------------------------------------

def test_assert_stmt_on_graph_tensors_checks_when_the_graph_runs(graph):
    x = ag.placeholder(ag.float32, [])
    op = ag__.assert_stmt(x > 0, lambda: "x must be positive")
    graph.run(op, {x: 1.0})
    with pytest.raises(ag.InvalidArgumentError, match="x must be positive"):
        graph.run(op, {x: -1.0})


def test_assert_stmt_message_with_tensor_data(graph):
    x = ag.placeholder(ag.float32, [])
    op = ag__.assert_stmt(x > 0, lambda: ("bad value:", x))
    with pytest.raises(ag.InvalidArgumentError, match="bad value: -2"):
        graph.run(op, {x: -2.0})


def test_assert_stmt_on_eager_tensors_is_python():
    ag__.assert_stmt(ag.constant(True), lambda: "no")
    with pytest.raises(AssertionError, match="no"):
        ag__.assert_stmt(ag.constant(False), lambda: "no")


# --- structures and variables --------------------------------------------------------------------

def test_if_structure_mismatch_names_the_variable(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(TypeError) as info:
        ag__.if_stmt(x > 0, lambda p: (x, x), lambda p: (x,), ((0.0, 0.0),), ("p",))
    msg = str(info.value)
    assert "'p'" in msg and "structure" in msg and "if-branch" in msg


def test_variable_condition_in_a_graph_is_staged(graph):
    v = ag.Variable(True)
    y = ag__.if_exp(v, lambda: 1, lambda: 2)
    assert type(y) is ag.Tensor and graph.run(y) == 1


def test_variable_condition_eagerly_is_python():
    v = ag.Variable(0)
    assert ag__.if_exp(v, lambda: 1, lambda: 2) == 2


def test_variables_in_loop_state_pass_through(graph):
    v = ag.Variable(0)
    x = ag.placeholder(ag.int32, [None])

    def body(c, var, s):
        return var, s + c
    var, s = ag__.for_stmt(x, None, body, (v, 0), ("v", "s"))
    assert var is v and graph.run(s, {x: [1, 2]}) == 3
