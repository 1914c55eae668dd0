"""ag.nn and ag.layers: conv2d against a direct reference, Dense / Conv2D / LSTMCell like Keras,
eager and inside ag.function, and a training loop."""
import numpy as np
import pytest

import autograph as ag
from autograph.runtime import nn as runtime_nn
from autograph.runtime import gradient_check

rng = np.random.default_rng(7)


def conv_reference(x, f, strides, padding):
    """Direct convolution: a loop over output pixels (fine for tiny test shapes)."""
    n, h, w, c = x.shape
    kh, kw, _, out = f.shape
    sh, sw = strides
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + kh - h, 0)
        pw = max((ow - 1) * sw + kw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.zeros((n, oh, ow, out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            y[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, f)
    return y


@pytest.mark.parametrize("xshape,fshape,strides,padding", [
    ((2, 7, 6, 3), (3, 2, 3, 4), 1, "VALID"),
    ((2, 7, 6, 3), (3, 3, 3, 4), (2, 3), "SAME"),
    ((1, 5, 5, 2), (2, 2, 2, 1), 2, "SAME"),
    ((1, 8, 8, 1), (1, 1, 1, 2), [1, 3, 2, 1], "VALID"),
    ((3, 4, 4, 2), (4, 4, 2, 2), 1, "SAME"),
])
def test_conv2d_matches_direct_convolution(xshape, fshape, strides, padding):
    x, f = rng.normal(size=xshape), rng.normal(size=fshape)
    y = ag.nn.conv2d(ag.constant(x), ag.constant(f), strides=strides, padding=padding)
    s = runtime_nn._pair(strides, "strides")
    np.testing.assert_allclose(y.numpy(), conv_reference(x, f, s, padding), atol=1e-12)
    with ag.Graph().as_default():
        xp = ag.placeholder(ag.float64, [None, None, None, xshape[3]])
        yg = ag.nn.conv2d(xp, ag.constant(f), strides=strides, padding=padding)
        assert yg.shape.rank == 4 and yg.shape[3] == fshape[3]
        with ag.Session() as sess:
            np.testing.assert_allclose(sess.run(yg, {xp: x}), y.numpy())


def test_conv2d_static_shape_and_errors():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [None, 12, 12, 4])
        f = ag.zeros([3, 3, 4, 8])
        assert ag.nn.conv2d(x, f).shape == (None, 10, 10, 8)
        assert ag.nn.conv2d(x, f, strides=2, padding="SAME").shape == (None, 6, 6, 8)
        with pytest.raises(ValueError, match="channels"):
            ag.nn.conv2d(x, ag.zeros([3, 3, 5, 8]))
    with pytest.raises(ValueError, match="padding"):
        ag.nn.conv2d(ag.zeros([1, 4, 4, 1]), ag.zeros([2, 2, 1, 1]), padding="FULL")
    with pytest.raises(TypeError, match="floating"):
        ag.nn.conv2d(ag.zeros([1, 4, 4, 1], ag.int32), ag.zeros([2, 2, 1, 1], ag.int32))


def test_nn_functions_against_numpy():
    x = rng.normal(size=(3, 5))
    t = ag.constant(x)
    e = np.exp(x - x.max(1, keepdims=True))
    sm = e / e.sum(1, keepdims=True)
    np.testing.assert_allclose(ag.nn.softmax(t).numpy(), sm)
    np.testing.assert_allclose(ag.nn.log_softmax(t).numpy(), np.log(sm))
    np.testing.assert_allclose(ag.nn.softplus(t).numpy(), np.log1p(np.exp(x)))
    np.testing.assert_allclose(ag.nn.l2_loss(t).numpy(), (x * x).sum() / 2)
    labels = np.array([1, 0, 4])
    xent = ag.nn.sparse_softmax_cross_entropy_with_logits(ag.constant(labels), t).numpy()
    np.testing.assert_allclose(xent, -np.log(sm[np.arange(3), labels]))
    z = (rng.uniform(size=(3, 5)) > 0.5).astype(np.float64)
    p = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(
        ag.nn.sigmoid_cross_entropy_with_logits(ag.constant(z), t).numpy(),
        -z * np.log(p) - (1 - z) * np.log(1 - p))


# -- layers ---------------------------------------------------------------------------------------
def test_dense_creates_weights_on_first_call():
    layer = ag.layers.Dense(4, activation="relu", seed=3)
    assert not layer.built and layer.trainable_variables == []
    x = ag.ones([2, 3])
    y = layer(x)
    assert layer.built and tuple(y.shape) == (2, 4)
    kernel, bias = layer.trainable_variables
    assert tuple(kernel.shape) == (3, 4) and tuple(bias.shape) == (4,)
    limit = np.sqrt(6 / (3 + 4))
    assert np.all(np.abs(kernel.numpy()) <= limit) and np.all(bias.numpy() == 0)
    expected = np.maximum(np.ones((2, 3)) @ kernel.numpy() + bias.numpy(), 0)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    assert kernel.name.endswith("/kernel")


def test_initial_weights_are_seedable():
    a = ag.layers.Dense(5, seed=11)
    b = ag.layers.Dense(5, seed=11)
    c = ag.layers.Dense(5, seed=12)
    for layer in (a, b, c):
        layer(ag.ones([1, 4]))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())
    assert not np.array_equal(a.kernel.numpy(), c.kernel.numpy())
    ag.random.set_seed(5)
    d = ag.layers.Dense(5)
    d(ag.ones([1, 4]))
    ag.random.set_seed(5)
    e = ag.layers.Dense(5)
    e(ag.ones([1, 4]))
    ag.random.set_seed(None)
    np.testing.assert_array_equal(d.kernel.numpy(), e.kernel.numpy())


def test_dense_on_other_ranks_and_dtypes():
    layer = ag.layers.Dense(2, seed=0)
    y = layer(ag.ones([4, 3, 5], ag.float64))
    assert tuple(y.shape) == (4, 3, 2) and y.dtype == ag.float64
    assert layer.kernel.dtype == ag.float64
    v = ag.layers.Dense(2, seed=0)(np.ones(5, np.float32))
    assert tuple(v.shape) == (2,)


def test_layer_errors():
    with pytest.raises(ValueError, match="unknown activation"):
        ag.layers.Dense(2, activation="swishy")
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, [None, None])
        with pytest.raises(ValueError, match="last dimension"):
            ag.layers.Dense(2)(x)
    with pytest.raises(ValueError, match="padding"):
        ag.layers.Conv2D(2, 3, padding="full")


def test_conv2d_layer():
    layer = ag.layers.Conv2D(8, 3, strides=2, padding="same", activation="tanh", seed=2)
    x = rng.normal(size=(2, 9, 9, 4)).astype(np.float32)
    y = layer(ag.constant(x))
    assert tuple(y.shape) == (2, 5, 5, 8)
    assert tuple(layer.kernel.shape) == (3, 3, 4, 8)
    ref = np.tanh(conv_reference(x.astype(np.float64), layer.kernel.numpy(), (2, 2), "SAME")
                  + layer.bias.numpy())
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-5)


def lstm_reference(x, h, c, kernel, recurrent, bias):
    z = x @ kernel + h @ recurrent + bias
    i, f, g, o = np.split(z, 4, axis=1)
    sig = lambda v: 1 / (1 + np.exp(-v))
    c = sig(f) * c + sig(i) * np.tanh(g)
    h = sig(o) * np.tanh(c)
    return h, c


def test_lstm_cell_matches_the_equations():
    cell = ag.layers.LSTMCell(6, seed=4)
    x = rng.normal(size=(3, 5)).astype(np.float32)
    h0 = rng.normal(size=(3, 6)).astype(np.float32)
    c0 = rng.normal(size=(3, 6)).astype(np.float32)
    out, (h, c) = cell(ag.constant(x), [ag.constant(h0), ag.constant(c0)])
    assert out is h
    bias = cell.bias.numpy()
    np.testing.assert_array_equal(bias[6:12], 1.0)                 # unit forget bias
    np.testing.assert_array_equal(np.delete(bias, np.s_[6:12]), 0.0)
    rh, rc = lstm_reference(x, h0, c0, cell.kernel.numpy(), cell.recurrent_kernel.numpy(), bias)
    np.testing.assert_allclose(h.numpy(), rh, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), rc, rtol=1e-5, atol=1e-6)
    assert [tuple(v.shape) for v in cell.trainable_variables] == [(5, 24), (6, 24), (24,)]
    assert cell.state_size == [6, 6]
    zeros = cell.get_initial_state(3)
    assert [tuple(s.shape) for s in zeros] == [(3, 6), (3, 6)]


@pytest.mark.parametrize("make,shape", [
    (lambda: ag.layers.Dense(3, activation="sigmoid"), [4, 5]),
    (lambda: ag.layers.Conv2D(2, (2, 3), activation="relu"), [2, 6, 6, 3]),
])
def test_layers_eager_and_in_function_agree(make, shape):
    layer = make()
    fn = ag.function(lambda x: layer(x))
    x = ag.constant(rng.normal(size=shape).astype(np.float32))
    np.testing.assert_allclose(layer(x).numpy(), fn(x).numpy(), rtol=1e-6, atol=1e-6)


def test_lstm_cell_in_function_unrolled_over_time():
    cell = ag.layers.LSTMCell(4, seed=9)

    @ag.function
    def run(xs):
        state = cell.get_initial_state(2)
        out = None
        for t in range(3):                     # Python range: unrolled at trace time
            out, state = cell(xs[t], state)
        return out

    xs = rng.normal(size=(3, 2, 5)).astype(np.float32)
    assert not cell.built
    graph_out = run(ag.constant(xs))          # the weights are created in the first trace
    assert cell.built and len(cell.trainable_variables) == 3
    state = cell.get_initial_state(2)
    for t in range(3):
        out, state = cell(ag.constant(xs[t]), state)
    np.testing.assert_allclose(graph_out.numpy(), out.numpy(), rtol=1e-5, atol=1e-6)


def test_layer_gradients_match_finite_differences():
    conv = ag.layers.Conv2D(2, 2, padding="same", activation="tanh", seed=1)
    dense = ag.layers.Dense(3, activation="softplus", seed=2)
    cell = ag.layers.LSTMCell(2, seed=3)
    x = rng.normal(size=(1, 3, 3, 2))
    conv(ag.constant(x))
    dense(ag.ones([1, 18], ag.float64))
    cell(ag.ones([1, 3], ag.float64), [ag.zeros([1, 2], ag.float64)] * 2)
    weights = conv.trainable_variables + dense.trainable_variables + cell.trainable_variables

    def model(*values):
        for v, value in zip(weights, values[1:]):
            v.assign(value)
        y = dense(ag.reshape(conv(values[0]), [1, 18]))
        out, _ = cell(y, [ag.zeros([1, 2], ag.float64), ag.zeros([1, 2], ag.float64)])
        return out

    # `model` sets the weights from its arguments, so finite differences can move them:
    # first the input's gradient, then each weight's (a few entries each) through a tape.
    start = [v.numpy().copy() for v in weights]
    pairs = gradient_check.check_gradients(lambda xi: model(xi, *start), x)
    np.testing.assert_allclose(pairs[0][0], pairs[0][1], rtol=1e-5, atol=1e-7)
    with ag.GradientTape() as tape:
        loss = ag.reduce_sum(model(ag.constant(x), *start))
    grads = tape.gradient(loss, weights)
    eps = 1e-6
    for k, (v, g) in enumerate(zip(weights, grads)):
        flat = start[k].reshape(-1)
        for j in range(0, flat.size, max(1, flat.size // 3)):
            up = [s.copy() for s in start]
            down = [s.copy() for s in start]
            up[k].reshape(-1)[j] += eps
            down[k].reshape(-1)[j] -= eps
            num = (float(ag.reduce_sum(model(ag.constant(x), *up)))
                   - float(ag.reduce_sum(model(ag.constant(x), *down)))) / (2 * eps)
            assert g.numpy().reshape(-1)[j] == pytest.approx(num, rel=1e-5, abs=1e-8), v.name


def test_training_loop_linear_regression_in_a_function():
    """Dense(1) fitted by SGD: gradients from a tape, updates with assign_sub, all traced."""
    true_w = np.array([[2.0], [-3.0], [0.5]], np.float32)
    xs = rng.normal(size=(64, 3)).astype(np.float32)
    ys = xs @ true_w + 1.25
    model = ag.layers.Dense(1, seed=0)

    @ag.function
    def train_step(x, y, lr):
        with ag.GradientTape() as tape:
            loss = ag.reduce_mean(ag.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(lr * g)
        return loss

    x, y = ag.constant(xs), ag.constant(ys)
    first = float(train_step(x, y, ag.constant(0.1)))
    for _ in range(300):
        loss = float(train_step(x, y, ag.constant(0.1)))
    assert first > 1.0 and loss < 1e-6
    np.testing.assert_allclose(model.kernel.numpy(), true_w, atol=1e-3)
    np.testing.assert_allclose(model.bias.numpy(), [1.25], atol=1e-3)
    assert train_step.trace_count == 1
