"""ag.optimizers (SGD, Adam) and ag.Module: against numpy references, eagerly and in
ag.function (graphs and sessions use the same update ops)."""
import numpy as np
import pytest

import autograph as ag

G = [np.array([0.5, -1.0], np.float32), np.array([0.25, 2.0], np.float32),
     np.array([-0.5, 0.1], np.float32)]


def sgd_reference(w, lr, momentum=0.0, nesterov=False):
    v = np.zeros_like(w)
    for g in G:
        if not momentum:
            w = w - lr * g
            continue
        v = momentum * v - lr * g
        w = w + (momentum * v - lr * g if nesterov else v)
    return w


def adam_reference(w, lr, b1=0.9, b2=0.999, eps=1e-7):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(G, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
    return w


CASES = [
    (lambda: ag.optimizers.SGD(0.1), lambda w: sgd_reference(w, 0.1)),
    (lambda: ag.optimizers.SGD(0.1, momentum=0.9), lambda w: sgd_reference(w, 0.1, 0.9)),
    (lambda: ag.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
     lambda w: sgd_reference(w, 0.1, 0.9, True)),
    (lambda: ag.optimizers.Adam(0.1), lambda w: adam_reference(w, 0.1)),
]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "function"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_apply_gradients_matches_reference(case, traced):
    make, reference = CASES[case]
    opt = make()
    w0 = np.array([1.0, 2.0], np.float32)
    w = ag.Variable(w0)

    def step(g):
        opt.apply_gradients(zip([g], [w]))
        return w.read_value()

    step = ag.function(step) if traced else step
    for g in G:
        step(ag.constant(g))
    np.testing.assert_allclose(w.numpy(), reference(w0), rtol=1e-5, atol=1e-6)
    assert int(opt.iterations.numpy()) == len(G)


def test_apply_gradients_skips_none_and_rejects_no_gradients():
    a, b = ag.Variable(1.0), ag.Variable(2.0)
    opt = ag.optimizers.SGD(1.0)
    opt.apply_gradients([(ag.constant(0.5), a), (None, b)])
    assert a.numpy() == 0.5 and b.numpy() == 2.0
    with pytest.raises(ValueError, match="no gradients provided"):
        opt.apply_gradients([(None, a)])
    with pytest.raises(ValueError, match="zip\\(grads"):
        opt.apply_gradients([a])


class Linear(ag.Module):
    def __init__(self):
        super().__init__()
        self.w = ag.Variable([[0.0]], name="w")
        self.b = ag.Variable([0.0], name="b")

    def __call__(self, x):
        return ag.matmul(x, self.w) + self.b


class Model(ag.Module):
    def __init__(self):
        super().__init__(name="model")
        self.first = Linear()
        self.dense = ag.layers.Dense(1, seed=0)
        self.parts = [Linear(), {"frozen": ag.Variable(3.0, trainable=False)}]
        self.again = self.first                     # counted once


def test_module_tracks_variables_of_submodules_layers_and_containers():
    m = Model()
    assert m.name == "model" and Linear().name == "linear"
    assert len(m.variables) == 5                    # the Dense layer is not built yet
    m.dense(ag.constant([[1.0, 2.0]]))
    assert len(m.variables) == 7 and len(m.trainable_variables) == 6
    assert [v.numpy() for v in m.non_trainable_variables] == [3.0]
    assert len({id(v) for v in m.variables}) == 7
    assert sum(isinstance(s, Linear) for s in m.submodules) == 2
    assert m.dense in m.submodules


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_training_loop_in_function_fits_a_line(optimizer):
    model = Linear()
    opt = ag.optimizers.SGD(0.1) if optimizer == "SGD" else ag.optimizers.Adam(0.1)
    x = ag.constant([[1.0], [2.0], [3.0], [4.0]])
    y = ag.constant([[3.0], [5.0], [7.0], [9.0]])

    @ag.function
    def train_step(x, y):
        with ag.GradientTape() as tape:
            loss = ag.reduce_mean(ag.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    first = float(train_step(x, y))
    for _ in range(300):
        loss = float(train_step(x, y))
    assert loss < first * 1e-3
    np.testing.assert_allclose(model.w.numpy(), [[2.0]], atol=0.05)
    np.testing.assert_allclose(model.b.numpy(), [1.0], atol=0.15)
    assert train_step.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "function"])
def test_minimize_with_a_loss_function_or_a_recorded_tape(traced):
    w = ag.Variable(3.0)
    opt = ag.optimizers.SGD(0.25)

    def step():
        opt.minimize(lambda: w * w, [w])            # d(w^2)/dw = 2w: w -= 0.5 w
        with ag.GradientTape() as tape:
            loss = w * w
        opt.minimize(loss, [w], tape=tape)
        return w.read_value()
    step = ag.function(step) if traced else step
    assert float(step()) == 0.75
    with pytest.raises(ValueError, match="tape="):
        opt.minimize(w * w, [w])
