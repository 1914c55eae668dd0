import numpy as np
import pytest

import autograph as ag


def run(t, feeds=None):
    return ag.Session().run(t, feeds)


def test_cond_eager_runs_python():
    assert ag.cond(True, lambda: 1, lambda: 2) == 1
    assert int(ag.cond(ag.constant(False), lambda: ag.constant(1), lambda: ag.constant(2))) == 2


def test_cond_graph_runs_only_taken_branch(capsys):
    with ag.Graph().as_default():
        p = ag.placeholder(ag.bool, [])
        v = ag.Variable(0)

        def t():
            ag.print("true branch")
            v.assign_add(1)
            return ag.constant(1.0)

        def f():
            ag.print("false branch")
            v.assign_add(10)
            return 2.0   # Python number adapts to the other branch's dtype

        out = ag.cond(p, t, f)
        sess = ag.Session()
        assert float(sess.run(out, {p: True})) == 1.0
        assert capsys.readouterr().out == "true branch\n"
        assert int(v) == 1
        assert float(sess.run(out, {p: False})) == 2.0
        assert capsys.readouterr().out == "false branch\n"
        assert int(v) == 11


def test_cond_structure_and_dtype_errors():
    with ag.Graph().as_default():
        p = ag.placeholder(ag.bool, [])
        with pytest.raises(ag.BranchMismatchError) as e:
            ag.cond(p, lambda: ag.constant(1.0), lambda: ag.constant(1), names=["x"])
        assert "'x' is float32 in the true branch but int32 in the false branch" in str(e.value)
        with pytest.raises(ag.BranchMismatchError, match="different structures"):
            ag.cond(p, lambda: (1.0, 2.0), lambda: 1.0)
        with pytest.raises(TypeError, match="bool"):
            ag.cond(ag.constant(1), lambda: 1, lambda: 2)


def test_cond_merges_shapes_and_nests():
    with ag.Graph().as_default():
        p = ag.placeholder(ag.bool, [])
        q = ag.placeholder(ag.bool, [])
        x = ag.placeholder(ag.float32, [None])
        out = ag.cond(p, lambda: ag.cond(q, lambda: x * 2.0, lambda: x), lambda: ag.zeros([3]))
        assert out.shape.as_list() == [None]
        np.testing.assert_allclose(run(out, {p: True, q: True, x: [1.0, 2.0]}), [2.0, 4.0])
        np.testing.assert_allclose(run(out, {p: False, q: True, x: [1.0]}), [0.0, 0.0, 0.0])


def test_while_loop_graph_and_eager():
    assert ag.while_loop(lambda i: i < 5, lambda i: (i + 1,), (0,)) == (5,)
    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, [])
        i, s = ag.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0))
        assert run([i, s], {n: 5}) == [5, 10]
        assert run([i, s], {n: 0}) == [0, 0]


def test_while_loop_many_iterations_flat():
    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, [])
        i, = ag.while_loop(lambda i: i < n, lambda i: (i + 1,), (0,))
        assert int(run(i, {n: 200000})) == 200000


def test_while_loop_maximum_iterations_and_nesting():
    with ag.Graph().as_default():
        def outer_body(i, total):
            j, t = ag.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t + 1), (0, total))
            return i + 1, t
        i, total = ag.while_loop(lambda i, t: i < 4, outer_body, (0, 0))
        assert run(total) == 0 + 1 + 2 + 3
        k, = ag.while_loop(lambda k: k < 100, lambda k: (k + 1,), (0,), maximum_iterations=7)
        assert int(run(k)) == 7


def test_while_loop_dtype_change_error_names_variable():
    with ag.Graph().as_default():
        with pytest.raises(ag.LoopVarMismatchError) as e:
            ag.while_loop(lambda s: s < 10, lambda s: (ag.cast(s, ag.float32) + 1.5,), (0,),
                          names=["s"])
    assert "'s' is int32 before the loop but float32" in str(e.value)
    assert e.value.index == 0


def test_while_loop_shape_change():
    with ag.Graph().as_default():
        body = lambda i, x: (i + 1, ag.concat([x, x], 0))
        with pytest.raises(ValueError, match="shape_invariants"):
            ag.while_loop(lambda i, x: i < 3, body, (0, ag.ones([1])))
        i, x = ag.while_loop(lambda i, x: i < 3, body, (0, ag.ones([1])), relax_shapes=True)
        assert run(x).shape == (8,)
        i, x = ag.while_loop(lambda i, x: i < 2, body, (0, ag.ones([1])),
                             shape_invariants=([], [None]))
        assert run(x).shape == (4,)


def test_graph_tensor_bool_and_iteration_errors():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.int32, [3])
        with pytest.raises(TypeError, match="iterating"):
            for _ in x:
                pass
        with pytest.raises(TypeError, match="autograph"):
            bool(x[0] > 0)


def test_tensor_array_in_while_loop():
    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, [])
        ta = ag.TensorArray(ag.float32, size=0, dynamic_size=True)

        def body(i, ta):
            return i + 1, ta.write(i, ag.cast(i, ag.float32) * 2.0)

        _, ta = ag.while_loop(lambda i, ta: i < n, body, (0, ta))
        out = ta.stack()
        np.testing.assert_allclose(run(out, {n: 4}), [0.0, 2.0, 4.0, 6.0])
        assert int(run(ta.size(), {n: 3})) == 3


def test_tensor_array_eager():
    ta = ag.TensorArray(ag.int32, size=2)
    ta = ta.write(0, 5).write(1, 7)
    np.testing.assert_array_equal(ta.stack().numpy(), [5, 7])
    assert int(ta.read(1)) == 7
    with pytest.raises(ag.InvalidArgumentError, match="out of range"):
        ta.write(2, 1)
