"""Gradients through cond and while_loop (graph mode), against finite differences (float64).

Every case also runs eagerly, where cond/while_loop are Python control flow recorded op by op
by the tape, so both implementations are checked against each other and against numbers.
"""
import io

import numpy as np
import pytest

import autograph  # noqa: F401  (registers every op)
from autograph.runtime import dtypes, gradient_check, gradients
from autograph.runtime.control_flow import cond, while_loop
from autograph.runtime.graph import Graph
from autograph.runtime.ops import array_ops as A
from autograph.runtime.ops import math_ops as M
from autograph.runtime.ops import reduction_ops as R
from autograph.runtime.ops.core_ops import constant, placeholder
from autograph.runtime.ops.logging_ops import print_
from autograph.runtime.session import Session
from autograph.runtime.tape import GradientTape
from autograph.runtime.tensor_array import TensorArray
from autograph.runtime.variables import Variable

F64 = dtypes.float64


def branchy(x):
    return cond(M.greater(R.reduce_sum(x), 0.0), lambda: M.sin(M.multiply(x, x)),
                lambda: M.multiply(M.cos(x), 3.0))


def nested_cond(x, y):
    def outer_true():
        return cond(M.greater(R.reduce_sum(y), 0.0),
                    lambda: M.multiply(x, y), lambda: M.add(M.square(x), y))

    def outer_false():
        return M.exp(M.multiply(x, 0.5))
    return cond(M.less(R.reduce_sum(x), 1.0), outer_true, outer_false)


def cond_one_branch_constant(x):
    return cond(M.greater(R.reduce_sum(x), 0.0), lambda: M.square(x), lambda: A.zeros_like(x))


def cond_two_outputs_one_used(x, y):
    a, b = cond(M.greater(R.reduce_sum(x), 0.0), lambda: (M.multiply(x, y), M.sin(y)),
                lambda: (M.subtract(x, y), M.cos(y)))
    return a


def growth(x):
    """A data-dependent trip count: multiply until the value passes 10."""
    def body(v):
        return (M.add(M.multiply(v, 1.5), x),)
    return while_loop(lambda v: M.less(R.reduce_sum(v), 10.0), body, (x,))[0]


def loop_with_branch(x, y):
    def body(i, v):
        v = cond(M.greater(R.reduce_sum(v), 2.0),
                 lambda: M.sin(v), lambda: M.add(M.multiply(v, y), 0.3))
        return M.add(i, 1), v
    return while_loop(lambda i, v: M.less(i, 6), body, (constant(0), x))[1]


def nested_loops(x):
    def outer_body(i, v):
        def inner_body(j, w):
            return M.add(j, 1), M.add(M.multiply(w, x), 0.1)
        _, w = while_loop(lambda j, w: M.less(j, i), inner_body, (constant(0), v))
        return M.add(i, 1), M.tanh(w)
    return while_loop(lambda i, v: M.less(i, 4), outer_body, (constant(1), x))[1]


def loop_max_iterations(x):
    def body(v, s):
        return M.multiply(v, 1.1), M.add(s, M.sin(v))
    return while_loop(lambda v, s: M.less(R.reduce_sum(v), 1e9), body,
                      (x, A.zeros_like(x)), maximum_iterations=5)[1]


def loop_with_tensor_max(x, y):
    n = M.cast(M.add(M.cast(R.reduce_sum(A.zeros_like(x)), "int32"), 3), "int32")
    return while_loop(lambda v: M.less(R.reduce_sum(v), 1e9),
                      lambda v: (M.multiply(v, y),), (x,), maximum_iterations=n)[0]


def loop_over_matrices(w, h):
    """An RNN-like loop: h = tanh(h @ w) for a data-dependent number of steps."""
    def body(k, h):
        return M.add(k, 1), M.tanh(M.matmul(h, w))
    steps = M.add(M.cast(M.greater(R.reduce_sum(w), 0.0), "int32"), 2)
    return while_loop(lambda k, h: M.less(k, steps), body, (constant(0), h))[1]


def loop_zero_iterations(x):
    return while_loop(lambda v: M.less(R.reduce_sum(v), -1e9),
                      lambda v: (M.multiply(v, 2.0),), (x,))[0]


def loop_int_state_feeds_floats(x):
    def body(i, v):
        return M.add(i, 2), M.add(v, M.multiply(x, M.cast(i, "float64")))
    return while_loop(lambda i, v: M.less(i, 7), body, (constant(1), A.zeros_like(x)))[1]


def loop_inside_cond(x):
    return cond(M.greater(R.reduce_sum(x), 0.0), lambda: growth(x), lambda: M.square(x))


CASES = [
    ("cond-true", branchy, [np.array([0.4, 0.9])]),
    ("cond-false", branchy, [np.array([-0.4, -0.9])]),
    ("nested-cond-tt", nested_cond, [np.array([0.1, 0.2]), np.array([0.3, 0.5])]),
    ("nested-cond-tf", nested_cond, [np.array([0.1, 0.2]), np.array([-0.3, -0.5])]),
    ("nested-cond-f", nested_cond, [np.array([0.7, 0.9]), np.array([0.3, 0.5])]),
    ("cond-constant-branch", cond_one_branch_constant, [np.array([-0.5, 0.1])]),
    ("cond-constant-branch-t", cond_one_branch_constant, [np.array([0.5, 0.1])]),
    ("cond-unused-output", cond_two_outputs_one_used, [np.array([0.5]), np.array([0.2])]),
    ("while-growth-small", growth, [np.array([0.3, 0.2])]),      # many iterations
    ("while-growth-large", growth, [np.array([3.0, 4.0])]),      # one iteration
    ("while-branch", loop_with_branch, [np.array([0.5, 0.4]), np.array([1.7, 1.2])]),
    ("while-nested", nested_loops, [np.array([0.6, -0.4])]),
    ("while-max-iterations", loop_max_iterations, [np.array([0.2, 0.5])]),
    ("while-tensor-max-iterations", loop_with_tensor_max, [np.array([0.2]), np.array([1.3])]),
    ("while-matrices-pos", loop_over_matrices, [np.eye(2) * 0.5 + 0.1, np.array([[0.3, -0.2]])]),
    ("while-matrices-neg", loop_over_matrices, [-np.eye(2) * 0.5, np.array([[0.3, -0.2]])]),
    ("while-zero-iterations", loop_zero_iterations, [np.array([0.5, 1.5])]),
    ("while-int-state", loop_int_state_feeds_floats, [np.array([0.5, 1.5])]),
    ("while-inside-cond", loop_inside_cond, [np.array([0.5, 1.5])]),
]


@pytest.mark.parametrize("mode", ["eager", "graph", "graph_dynamic"])
@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_control_flow_gradient_matches_finite_differences(name, fn, inputs, mode):
    for analytic, numeric in gradient_check.check_gradients(fn, *inputs, mode=mode):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_cond_gradient_runs_only_the_taken_branch():
    out = io.StringIO()
    with Graph().as_default():
        x = placeholder(F64, [])
        y = cond(M.greater(x, 0.0),
                 lambda: M.square(x),
                 lambda: M.multiply(x, 3.0))
        g, = gradients.gradients(y, [x])
        with Session() as sess:
            assert sess.run(g, {x: 2.0}) == 4.0
            assert sess.run(g, {x: -2.0}) == 3.0
    assert out.getvalue() == ""


def test_while_gradient_does_not_repeat_side_effects():
    out = io.StringIO()
    with Graph().as_default():
        x = placeholder(F64, [])

        def body(i, v):
            print_(i, output_stream=out)
            return M.add(i, 1), M.multiply(v, x)
        _, y = while_loop(lambda i, v: M.less(i, 3), body, (constant(0), constant(1.0, F64)))
        g, = gradients.gradients(y, [x])
        with Session() as sess:
            value, grad = sess.run([y, g], {x: 2.0})
    assert value == 8.0 and grad == 12.0
    assert out.getvalue().split() == ["0", "1", "2"]


def test_gradient_of_variables_read_inside_control_flow():
    w = Variable(np.array([0.5, -1.0]), dtype=F64)
    b = Variable(2.0, dtype=F64)
    with Graph().as_default():
        x = placeholder(F64, [2])

        def body(i, v):
            v = cond(M.greater(R.reduce_sum(v), 0.0),
                     lambda: M.multiply(v, w), lambda: M.add(v, b))
            return M.add(i, 1), v
        _, y = while_loop(lambda i, v: M.less(i, 3), body, (constant(0), x))
        loss = R.reduce_sum(M.multiply(y, y))
        gw, gb, gx = gradients.gradients(loss, [w, b, x])
        with Session() as sess:
            values = sess.run([gw, gb, gx], {x: np.array([1.0, 0.3])})

    def f(wv, bv, xv):
        v = xv.copy()
        for _ in range(3):
            v = v * wv if v.sum() > 0 else v + bv
        return float((v * v).sum())
    eps = 1e-6
    wv, bv, xv = w.numpy(), float(b.numpy()), np.array([1.0, 0.3])
    num_w = [(f(wv + e, bv, xv) - f(wv - e, bv, xv)) / (2 * eps) for e in np.eye(2) * eps]
    num_b = (f(wv, bv + eps, xv) - f(wv, bv - eps, xv)) / (2 * eps)
    num_x = [(f(wv, bv, xv + e) - f(wv, bv, xv - e)) / (2 * eps) for e in np.eye(2) * eps]
    np.testing.assert_allclose(values[0], num_w, rtol=1e-5)
    np.testing.assert_allclose(values[1], num_b, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(values[2], num_x, rtol=1e-5)


def test_gradients_grad_ys_and_unconnected():
    with Graph().as_default():
        x = placeholder(F64, [3])
        z = placeholder(F64, [3])
        i = placeholder(dtypes.int32, [])
        y = M.multiply(x, 2.0)
        gx, gz, gi = gradients.gradients(y, [x, z, i], grad_ys=constant(np.array([1.0, 2.0, 3.0])))
        assert gz is None and gi is None
        with Session() as sess:
            np.testing.assert_array_equal(sess.run(gx, {x: np.ones(3)}), [2.0, 4.0, 6.0])


def test_gradients_nested_structures_and_several_targets():
    with Graph().as_default():
        x = placeholder(F64, [])
        y = placeholder(F64, [])
        grads = gradients.gradients([M.square(x), M.multiply(x, y)], {"a": x, "b": [y]})
        with Session() as sess:
            out = sess.run(grads, {x: 3.0, y: 5.0})
    assert out == {"a": 11.0, "b": [3.0]}


def test_gradient_with_respect_to_a_captured_outer_tensor():
    """ag.gradients called inside a cond branch, for a tensor of the enclosing graph."""
    with Graph().as_default():
        x = placeholder(F64, [])

        def branch():
            y = M.multiply(M.square(x), 3.0)
            return gradients.gradients(y, [x])[0]
        g = cond(M.greater(x, 0.0), branch, lambda: constant(0.0, F64))
        with Session() as sess:
            assert sess.run(g, {x: 2.0}) == 12.0


def test_tensor_array_gradients_in_a_loop():
    """An RNN collecting outputs in a TensorArray (what autograph makes of list.append)."""
    def rnn(w, xs):
        n = xs.shape[0]

        def body(t, h, ta):
            h = M.tanh(M.add(M.multiply(h, w), A.gather(xs, t)))
            return M.add(t, 1), h, ta.write(t, h)
        ta = TensorArray(F64, size=0, dynamic_size=True)
        _, _, ta = while_loop(lambda t, h, ta: M.less(t, n), body,
                              (constant(0), A.zeros_like(A.gather(xs, 0)), ta))
        return R.reduce_sum(M.square(ta.stack()), axis=0)

    inputs = [np.array([0.7, -0.4]), np.array([[0.1, 0.2], [0.5, -0.3], [0.2, 0.9]])]
    for mode in ("eager", "graph"):
        for analytic, numeric in gradient_check.check_gradients(rnn, *inputs, mode=mode):
            np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_tensor_array_unstack_read_gradients():
    def f(x):
        ta = TensorArray(F64, size=3).unstack(x)
        return M.add(M.multiply(ta.read(0), ta.read(2)), M.square(ta.read(0)))

    for mode in ("eager", "graph"):
        for analytic, numeric in gradient_check.check_gradients(f, np.array([[1.0, 2.0], [3.0, 4.0],
                                                                        [5.0, 6.0]]), mode=mode):
            np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_graph_tape_records_only_its_own_ops():
    with Graph().as_default():
        x = placeholder(F64, [])
        before = M.square(x)              # outside the tape: a constant for it
        with GradientTape() as tape:
            tape.watch(x)
            y = M.multiply(before, x)
        g = tape.gradient(y, x)
        with Session() as sess:
            assert sess.run(g, {x: 3.0}) == 9.0


def test_second_order_graph_gradients_through_cond():
    with Graph().as_default():
        x = placeholder(F64, [])
        y = cond(M.greater(x, 0.0), lambda: M.multiply(M.sin(x), x), lambda: M.square(x))
        dy, = gradients.gradients(y, [x])
        d2y, = gradients.gradients(dy, [x])
        with Session() as sess:
            for v in (0.7, -0.4):
                got = sess.run(d2y, {x: v})
                want = 2 * np.cos(v) - v * np.sin(v) if v > 0 else 2.0
                np.testing.assert_allclose(got, want, rtol=1e-12)


def test_second_order_through_while_loop():
    with Graph().as_default():
        x = placeholder(F64, [])
        y = while_loop(lambda v: M.less(v, 10.0), lambda v: (M.multiply(v, x),), (x,))[0]
        dy, = gradients.gradients(y, [x])
        d2y, = gradients.gradients(dy, [x])
        with Session() as sess:
            assert sess.run([y, dy, d2y], {x: 2.0}) == [16.0, 32.0, 48.0]   # x ** 4


def test_gradient_of_a_gradient_through_a_tensor_array_is_a_clear_error():
    with Graph().as_default():
        x = placeholder(F64, [])

        def body(i, v, ta):
            return M.add(i, 1), M.multiply(v, x), ta.write(i, v)
        _, _, ta = while_loop(lambda i, v, ta: M.less(i, 3), body,
                              (constant(0), x, TensorArray(F64, dynamic_size=True)))
        dz, = gradients.gradients(R.reduce_sum(ta.stack()), [x])
        with Session() as sess:
            assert sess.run(dz, {x: 2.0}) == 1.0 + 4.0 + 12.0
        with pytest.raises(LookupError, match="went through a TensorArray"):
            gradients.gradients(dz, [x])
