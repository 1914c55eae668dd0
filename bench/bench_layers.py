"""Layer and gradient benchmarks (issue 5): the seed's LSTM cell eager vs ag.function, conv2d
against a plain numpy patches+matmul baseline of the same shape, and training steps.

Run: python bench/bench_layers.py [--quick]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import autograph as ag  # noqa: E402


# --- LSTM cell -----------------------------------------------------------------------------------
def _numpy_lstm(x, h, c, kernel, recurrent, bias):
    """The same cell in plain numpy: the floor for any implementation on numpy."""
    z = x @ kernel + h @ recurrent + bias
    i, f, g, o = np.split(z, 4, axis=1)
    c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
    return 1 / (1 + np.exp(-o)) * np.tanh(c), c


def bench_lstm(quick):
    t = harness.Table("Layers: the seed's LSTM cell (10 units, batch 10)")
    cell = ag.layers.LSTMCell(10, seed=0)
    fn = ag.function(lambda i, s: cell(i, s))
    inputs, state = ag.ones([10, 10]), [ag.zeros([10, 10])] * 2
    out_e, _ = cell(inputs, state)
    out_g, _ = fn(inputs, state)
    np.testing.assert_allclose(out_e.numpy(), out_g.numpy(), rtol=1e-5, atol=1e-6)
    weights = [v.numpy() for v in cell.trainable_variables]
    x, h, c = np.ones((10, 10), np.float32), np.zeros((10, 10), np.float32), \
        np.zeros((10, 10), np.float32)
    eager, func, floor = harness.compare(lambda: cell(inputs, state), lambda: fn(inputs, state),
                                         lambda: _numpy_lstm(x, h, c, *weights))
    t.add("LSTM cell: eager vs ag.function (speed-up)", eager, func, target=3,
          higher_is_better=True)
    t.add("LSTM cell: ag.function vs the same cell in plain numpy", func, floor)

    # A training step: forward, tape gradient, SGD update.
    target = ag.ones([10, 10])

    def step():
        with ag.GradientTape() as tape:
            out, _ = cell(inputs, state)
            loss = ag.reduce_mean(ag.square(out - target))
        for v, g in zip(cell.trainable_variables, tape.gradient(loss, cell.trainable_variables)):
            v.assign_sub(0.01 * g)
        return loss

    step_fn = ag.function(step)
    step(), step_fn()
    eager_step, func_step = harness.compare(step, step_fn)
    t.add("LSTM training step (tape + assign_sub): eager vs ag.function (speed-up)",
          eager_step, func_step, higher_is_better=True)
    return t


# --- conv2d --------------------------------------------------------------------------------------
def numpy_conv2d(x, f):
    """Baseline: VALID, stride-1 convolution as im2col patches times the filter matrix."""
    n, h, w, c = x.shape
    kh, kw, _, out = f.shape
    oh, ow = h - kh + 1, w - kw + 1
    s = x.strides
    patches = np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
    return (patches.reshape(n * oh * ow, kh * kw * c) @ f.reshape(kh * kw * c, out)) \
        .reshape(n, oh, ow, out)


def bench_conv2d(quick):
    t = harness.Table("Layers: conv2d vs a plain numpy patches+matmul baseline")
    shapes = [((1, 12, 12, 4), (3, 3, 4, 8)),            # the seed's Conv2D(8, 3) on 12x12x4
              ((8, 32, 32, 16), (3, 3, 16, 32))]
    for xs, fs in shapes[:1] if quick else shapes:
        _conv_rows(t, xs, fs)
    return t


def _conv_rows(t, xs, fs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=xs).astype(np.float32)
    f = rng.normal(size=fs).astype(np.float32)
    xt, ft = ag.constant(x), ag.constant(f)
    conv_fn = ag.function(lambda a, b: ag.nn.conv2d(a, b))
    np.testing.assert_allclose(ag.nn.conv2d(xt, ft).numpy(), numpy_conv2d(x, f),
                               rtol=1e-4, atol=1e-4)
    eager, func, base = harness.compare(lambda: ag.nn.conv2d(xt, ft), lambda: conv_fn(xt, ft),
                                        lambda: numpy_conv2d(x, f))
    label = "conv2d %s * %s" % ("x".join(map(str, xs)), "x".join(map(str, fs)))
    t.add(label + ": eager op vs numpy", eager, base, target=1.5)
    t.add(label + ": in ag.function vs numpy", func, base, target=1.5)

    layer = ag.layers.Conv2D(fs[3], fs[:2], seed=0)

    def grad_step():
        with ag.GradientTape() as tape:
            loss = ag.reduce_sum(layer(xt))
        return tape.gradient(loss, layer.trainable_variables)

    grad_fn = ag.function(grad_step)
    forward, backward, backward_fn = harness.compare(lambda: layer(xt), grad_step, grad_fn)
    t.add(label + ": Conv2D forward+gradient (tape) vs forward", backward, forward)
    t.add(label + ": Conv2D forward+gradient in ag.function vs eager", backward_fn, backward)


def run(quick):
    return [bench_lstm(quick), bench_conv2d(quick)]


if __name__ == "__main__":
    harness.main_guard(run, __doc__)
