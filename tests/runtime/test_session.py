import collections

import numpy as np
import pytest

import autograph as ag


def test_feeds_any_tensor_and_skips_its_producers():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32)
        y = ag.square(x)
        z = ag.add(x, y)
        sess = ag.Session()
        assert [float(v) for v in sess.run([z], feed_dict={x: 2.0})] == [6.0]
        assert [float(v) for v in sess.run([z], feed_dict={x: 2.0, y: 2.0})] == [4.0]
        # y fed: the placeholder x is still needed by z, so feeding y alone is an error
        with pytest.raises(ag.InvalidArgumentError, match="placeholder Placeholder"):
            sess.run(z, feed_dict={y: 1.0})


def test_fetch_structures():
    Pair = collections.namedtuple("Pair", "a b")
    with ag.Graph().as_default():
        a = ag.constant(1.0)
        b = ag.constant([2, 3])
        sess = ag.Session()
        out = sess.run({"x": a, "y": [b, (a,)], "p": Pair(a, b)})
        assert float(out["x"]) == 1.0
        np.testing.assert_array_equal(out["y"][0], [2, 3])
        assert isinstance(out["y"][1], tuple) and float(out["y"][1][0]) == 1.0
        assert isinstance(out["p"], Pair)
        op = ag.no_op()
        assert sess.run(op) is None


def test_plan_cache_reused():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [])
        y = x * 2.0
        sess = ag.Session()
        sess.run(y, {x: 1.0})
        sess.run(y, {x: 2.0})
        assert len(sess._plans) == 1
        sess.run([y], {x: 2.0})       # same fetches and feeds: the same plan
        assert len(sess._plans) == 1
        sess.run([y, x], {x: 2.0})
        assert len(sess._plans) == 2


def test_missing_feed_names_placeholder_and_line():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [2], name="images")
        y = x + 1.0
        with ag.Session() as sess:
            with pytest.raises(ag.InvalidArgumentError) as e:
                sess.run(y)
    msg = str(e.value)
    assert "images" in msg and "must be fed" in msg and "test_session.py" in msg


def test_feed_wrong_shape_and_dtype():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [2], name="x")
        i = ag.placeholder(ag.int32, [], name="i")
        sess = ag.Session()
        with pytest.raises(ValueError, match=r"expected shape \(2,\), got a value of shape \(3,\)"):
            sess.run(x, {x: [1.0, 2.0, 3.0]})
        with pytest.raises(TypeError, match="int32"):
            sess.run(i, {i: 2.5})
        with pytest.raises(TypeError, match="float64"):
            sess.run(i, {i: np.array(2.5)})
        assert float(sess.run(i, {i: 3})) == 3
        np.testing.assert_allclose(sess.run(x, {x: np.array([1.0, 2.0])}), [1.0, 2.0])
        with pytest.raises(OverflowError if False else TypeError, match="int32"):
            sess.run(i, {i: 2 ** 40})


def test_fetch_from_another_graph_is_an_error():
    with ag.Graph().as_default():
        a = ag.constant(1.0) + 1.0
    with ag.Graph().as_default():
        sess = ag.Session()
        with pytest.raises(ag.GraphMismatchError, match="another graph"):
            sess.run(a)


def test_session_needs_a_graph_and_closes():
    with pytest.raises(RuntimeError, match="needs a graph"):
        ag.Session()
    with ag.Graph().as_default():
        c = ag.constant(1)
        sess = ag.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(c)


def test_only_needed_ops_run(capsys):
    with ag.Graph().as_default():
        x = ag.constant(1)
        ag.print("not needed")
        y = x + 1
        sess = ag.Session()
        assert int(sess.run(y)) == 2
    assert capsys.readouterr().out == ""


def test_kernel_error_names_op_and_user_line():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [None])
        y = ag.placeholder(ag.float32, [None])
        z = x + y   # the failing line
        sess = ag.Session()
        with pytest.raises(ag.InvalidArgumentError) as e:
            sess.run(z, {x: [1.0, 2.0], y: [1.0, 2.0, 3.0]})
    msg = str(e.value)
    assert "add" in msg and "test_session.py" in msg


def test_graph_text_form():
    g = ag.Graph()
    with g.as_default():
        x = ag.placeholder(ag.float32, [], name="x")
        y = ag.placeholder(ag.float32, [], name="y")
        ag.add(x, y)
        ag.add(x, y)
    text = g.as_text().splitlines()
    assert text[-2:] == ["add = add(x, y)", "add_1 = add(x, y)"]
    assert [op.name for op in g.get_operations()] == ["x", "y", "add", "add_1"]


def test_name_scope_prefixes_op_names():
    name_scope = ag.name_scope
    g = ag.Graph()
    with g.as_default():
        x = ag.placeholder(ag.float32, [], name="x")
        with name_scope("layer"):
            y = x + 1.0
            with name_scope("inner"):
                z = y * 2.0
    assert y.op.name == "layer/add" and z.op.name == "layer/inner/multiply"
    assert "layer.add = add(x, layer.constant)" in g.as_text()
    with name_scope("eager"):
        assert float(ag.constant(1.0) + 1.0) == 2.0
