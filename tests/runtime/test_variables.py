import numpy as np
import pytest

import autograph as ag


def test_eager_variable_basics():
    v = ag.Variable([[1.0]])
    assert v.dtype is ag.float32 and v.shape == (1, 1)
    v.assign([[3.0]])
    v.assign_add([[1.0]])
    v.assign_sub([[0.5]])
    np.testing.assert_allclose(v.numpy(), [[3.5]])
    w = ag.Variable(0)
    w.assign_add(3)
    assert int(w) == 3 and float(w) == 3.0
    np.testing.assert_allclose((v * 2.0).numpy(), [[7.0]])


def test_assign_errors():
    v = ag.Variable(0)
    with pytest.raises(TypeError, match="int32"):
        v.assign(1.5)
    with pytest.raises(TypeError, match="float32"):
        v.assign(ag.constant(1.5))
    m = ag.Variable([1.0, 2.0])
    with pytest.raises(ag.InvalidArgumentError, match="shape"):
        m.assign([1.0, 2.0, 3.0])


def test_state_persists_across_session_runs_and_is_visible_eagerly():
    v = ag.Variable(1)
    with ag.Graph().as_default():
        inc = v.assign_add(2)
        sess = ag.Session()
        assert int(sess.run(inc)) == 3
        assert int(sess.run(inc)) == 5
        assert int(sess.run(v)) == 5
    assert int(v) == 5


def test_variable_created_in_graph_needs_no_initialiser():
    with ag.Graph().as_default():
        v = ag.Variable(ag.ones([2]) * 3.0)
        with ag.Session() as sess:
            np.testing.assert_allclose(sess.run(v), [3.0, 3.0])
        x = ag.placeholder(ag.float32, [])
        with pytest.raises(ValueError, match="graph input"):
            ag.Variable(x * 2.0)


def test_stateful_ops_run_in_program_order(capsys):
    v = ag.Variable(0)
    with ag.Graph().as_default():
        a = v.assign_add(1)
        ag.print("after first", a)
        b = v.assign_add(10)
        sess = ag.Session()
        assert sess.run([a, b]) == [1, 11]
