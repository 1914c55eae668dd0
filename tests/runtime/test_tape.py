"""GradientTape: eager recording, watching, persistence, nesting, and tapes inside ag.function."""
import numpy as np
import pytest

import autograph as ag
from autograph.runtime import registry


def test_seed_example_variable_gradient():
    w = ag.Variable([[1.0]])
    with ag.GradientTape() as tape:
        loss = w * w + 2.0 * w + 5.0
    grad = tape.gradient(loss, w)
    assert grad.dtype == ag.float32
    np.testing.assert_allclose(grad.numpy(), [[4.0]])


def test_watched_constant_and_unwatched_constant():
    x = ag.constant(3.0)
    y = ag.constant(4.0)
    with ag.GradientTape(persistent=True) as tape:
        tape.watch(x)
        z = x * x * y
    assert float(tape.gradient(z, x)) == 24.0
    assert tape.gradient(z, y) is None            # never watched: not recorded


def test_non_persistent_tape_used_twice_is_a_clear_error():
    x = ag.constant(2.0)
    with ag.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 4.0
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.gradient(y, x)


def test_persistent_tape_gives_several_gradients():
    x = ag.constant(2.0)
    with ag.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 32.0
    assert float(tape.gradient(z, y)) == 8.0       # with respect to an intermediate


def test_nested_sources_keep_their_structure():
    a = ag.Variable(1.0)
    b = ag.Variable(2.0)
    c = ag.constant(3.0)
    with ag.GradientTape() as tape:
        tape.watch(c)
        y = a * b + b * c
    g = tape.gradient(y, {"ab": [a, b], "c": (c,)})
    assert set(g) == {"ab", "c"} and isinstance(g["c"], tuple)
    assert [float(v) for v in g["ab"]] == [2.0, 4.0] and float(g["c"][0]) == 2.0


def test_unconnected_sources_give_none_or_zeros():
    x = ag.Variable(1.0)
    unused = ag.Variable([1.0, 2.0])
    with ag.GradientTape(persistent=True) as tape:
        y = x * 3.0
    assert tape.gradient(y, unused) is None
    zero = tape.gradient(y, unused, unconnected_gradients="zero")
    np.testing.assert_array_equal(zero.numpy(), [0.0, 0.0])


def test_stop_gradient_blocks_the_path():
    x = ag.Variable(3.0)
    with ag.GradientTape() as tape:
        y = x * ag.stop_gradient(x * x)           # d/dx = x*x, not 3x*x
    assert float(tape.gradient(y, x)) == 9.0


def test_watch_accessed_variables_false():
    a = ag.Variable(2.0)
    b = ag.Variable(5.0)
    with ag.GradientTape(watch_accessed_variables=False, persistent=True) as tape:
        tape.watch(a)
        y = a * b
    assert float(tape.gradient(y, a)) == 5.0
    assert tape.gradient(y, b) is None
    assert tape.watched_variables() == (a,)


def test_non_trainable_variables_are_not_watched_automatically():
    a = ag.Variable(2.0, trainable=False)
    with ag.GradientTape() as tape:
        y = a * a
    assert tape.gradient(y, a) is None


def test_broadcasting_is_reduced_in_gradients():
    x = ag.Variable([1.0, 2.0, 3.0])
    m = ag.Variable([[1.0], [10.0]])
    with ag.GradientTape() as tape:
        y = ag.reduce_sum(x * m)                 # (3,) * (2, 1) -> (2, 3)
    gx, gm = tape.gradient(y, [x, m])
    np.testing.assert_array_equal(gx.numpy(), [11.0, 11.0, 11.0])
    np.testing.assert_array_equal(gm.numpy(), [[6.0], [6.0]])


def test_several_targets_are_summed_and_output_gradients_scale():
    x = ag.Variable(2.0)
    with ag.GradientTape(persistent=True) as tape:
        y1 = x * x
        y2 = x * 3.0
    assert float(tape.gradient([y1, y2], x)) == 7.0
    assert float(tape.gradient(y1, x, output_gradients=ag.constant(10.0))) == 40.0


def test_integer_sources_have_no_gradient():
    i = ag.constant(3)
    with ag.GradientTape() as tape:
        tape.watch(i)
        y = i * i
    assert tape.gradient(y, i) is None


def test_nested_tapes_give_second_derivatives():
    x = ag.constant(3.0)
    with ag.GradientTape() as outer:
        outer.watch(x)
        with ag.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)                  # 3x^2, recorded by the outer tape
    d2y = outer.gradient(dy, x)                    # 6x
    assert float(dy) == 27.0 and float(d2y) == 18.0


def test_stop_recording():
    x = ag.Variable(2.0)
    with ag.GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = x * 100.0
        y = y + z
    assert float(tape.gradient(y, x)) == 4.0


def test_gradient_uses_the_value_read_not_a_later_assignment():
    v = ag.Variable(3.0)
    with ag.GradientTape() as tape:
        y = v * v
    v.assign(100.0)
    assert float(tape.gradient(y, v)) == 6.0


def test_reset_and_reuse():
    x = ag.Variable(2.0)
    with ag.GradientTape(persistent=True) as tape:
        y = x * x
        tape.reset()
        z = x * 5.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 5.0


def test_eager_control_flow_is_recorded_op_by_op():
    x = ag.Variable(1.5)
    with ag.GradientTape() as tape:
        v = x
        while float(v) < 10.0:                    # Python loop: v = x ** 6
            v = v * x
    assert float(tape.gradient(v, x)) == pytest.approx(6 * 1.5 ** 5)


def test_the_tape_records_nothing_it_does_not_watch():
    a = ag.constant([1.0, 2.0])
    with ag.GradientTape() as tape:
        for _ in range(50):
            a = a * 2.0
    assert tape._records == []
    assert not registry.eager_observers           # observer removed after the block


def test_an_op_without_a_rule_is_a_clear_error():
    opdef = registry.OpDef("test_no_rule", lambda x: x * 2, lambda ds, a: ds[0],
                           lambda ss, a: ss[0])
    x = ag.Variable(1.0)
    with ag.GradientTape() as tape:
        y = registry.apply(opdef, [x])
    with pytest.raises(LookupError, match="no gradient is defined for op 'test_no_rule'"):
        tape.gradient(y, x)


def test_layers_and_nn_ops_under_a_tape():
    layer = ag.layers.Dense(3, activation="tanh", seed=1)
    x = ag.constant(np.ones((2, 4), np.float32))
    with ag.GradientTape() as tape:
        y = ag.reduce_sum(ag.nn.softmax(layer(x)))
    grads = tape.gradient(y, layer.trainable_variables)
    assert [tuple(g.shape) for g in grads] == [(4, 3), (3,)]


# -- inside ag.function ----------------------------------------------------------------------------
def test_tape_inside_function_with_variables():
    w = ag.Variable([1.0, 2.0])

    @ag.function
    def grad_fn(x):
        with ag.GradientTape() as tape:
            loss = ag.reduce_sum(w * w * x)
        return tape.gradient(loss, w)

    np.testing.assert_allclose(grad_fn(ag.constant([3.0, 4.0])).numpy(), [6.0, 16.0])
    w.assign([2.0, 2.0])
    np.testing.assert_allclose(grad_fn(ag.constant([3.0, 4.0])).numpy(), [12.0, 16.0])


def test_tape_inside_function_with_autograph_control_flow():
    w = ag.Variable(2.0)

    @ag.function
    def grad_fn(n):
        with ag.GradientTape() as tape:
            tape.watch(n)
            v = n
            i = 0
            while i < 3:                # a graph while_loop (i becomes a tensor) ...
                if v > 5.0:             # ... with a graph cond inside
                    v = v * w
                else:
                    v = v + w * w
                i += 1
        return tape.gradient(v, [w, n])

    def reference(wv, nv):
        v = nv
        for _ in range(3):
            v = v * wv if v > 5.0 else v + wv * wv
        return v

    for nv in (0.5, 3.0, 6.0):
        gw, gn = grad_fn(ag.constant(nv))
        eps = 1e-3
        num_w = (reference(2.0 + eps, nv) - reference(2.0 - eps, nv)) / (2 * eps)
        num_n = (reference(2.0, nv + eps) - reference(2.0, nv - eps)) / (2 * eps)
        assert float(gw) == pytest.approx(num_w, rel=1e-3)
        assert float(gn) == pytest.approx(num_n, rel=1e-3)


def test_tape_inside_function_watch_accessed_variables_false():
    a = ag.Variable(3.0)
    b = ag.Variable(4.0)

    @ag.function
    def f():
        with ag.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(a)
            y = a * b
        return tape.gradient(y, [a, b])

    ga, gb = f()
    assert float(ga) == 4.0 and gb is None


def test_eager_tape_sees_inside_a_called_function():
    w = ag.Variable(3.0)
    f = ag.function(lambda x: x * w * w)
    f(ag.constant(1.0))                            # traced and run without a tape
    with ag.GradientTape() as tape:
        y = f(ag.constant(2.0))
    assert float(tape.gradient(y, w)) == 12.0


def test_function_call_op_in_a_session_graph():
    """An ag.function called while building a root Graph is one function_call op."""
    w = ag.Variable(3.0, dtype=ag.float64)
    f = ag.function(lambda x: ag.sin(x) * w * w)
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float64, [])
        y = f(x)
        assert any(op.type.endswith("function_call") for op in y.graph.get_operations())
        gx, gw = ag.gradients(y * y, [x, w])
        with ag.Session() as sess:
            out = sess.run([gx, gw], {x: 0.5})
    s, c = np.sin(0.5), np.cos(0.5)
    np.testing.assert_allclose(out, [2 * (s * 9) * c * 9, 2 * (s * 9) * s * 6])


def test_tapes_in_threads_record_only_their_own_ops():
    import threading

    results, errors = {}, []
    barrier = threading.Barrier(4)

    def work(k):
        try:
            v = ag.Variable(float(k))
            barrier.wait()
            for _ in range(50):
                with ag.GradientTape() as tape:
                    y = v * v * v
                g = tape.gradient(y, v)
            results[k] = float(g)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == {k: 3.0 * k * k for k in range(1, 5)}
    assert not registry.eager_observers
