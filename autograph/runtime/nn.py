"""Neural-network ops (`ag.nn`): convolution, activations, softmax and losses.

`conv2d` is one op whose kernel extracts the input patches as a strided view and multiplies
them with the filters in a single matmul (no Python loop over pixels). Its gradients are two
more ops of the same kind (`conv2d_backprop_input`, `conv2d_backprop_filter`); the three are
each other's gradients, so higher-order gradients work too. Everything else here is composed
from ordinary ops and differentiates through their rules.
"""
import numpy as np

from autograph.runtime.ops import array_ops, math_ops, reduction_ops
from autograph.runtime.ops.gradient_ops import input_needed, stop_gradient
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape

relu = math_ops.relu
sigmoid = math_ops.sigmoid
tanh = math_ops.tanh
softmax = reduction_ops.softmax

__all__ = ["conv2d", "bias_add", "relu", "relu6", "leaky_relu", "elu", "sigmoid", "tanh",
           "softplus", "softmax", "log_softmax", "l2_loss",
           "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits"]


# -- conv2d -------------------------------------------------------------------------------------
def _pair(v, what):
    if isinstance(v, int):
        return v, v
    v = tuple(int(d) for d in v)
    if len(v) == 4:             # TensorFlow's [1, sh, sw, 1]
        if v[0] != 1 or v[3] != 1:
            raise ValueError("%s over the batch or channel axis are not supported, got %s"
                             % (what, list(v)))
        return v[1], v[2]
    if len(v) == 2:
        return v
    if len(v) == 1:
        return v[0], v[0]
    raise ValueError("%s must be an int or a list of 1, 2 or 4 ints, got %s" % (what, list(v)))


def _out_size(size, k, s, padding):
    """(output size, padding before, padding after) along one axis."""
    if size is None:
        return None, None, None
    if padding == "VALID":
        if size < k:
            raise ValueError("the input (%d) is smaller than the filter (%d) with padding VALID"
                             % (size, k))
        return (size - k) // s + 1, 0, 0
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def _geometry(xshape, kh, kw, strides, padding):
    oh, pt, pb = _out_size(xshape[1], kh, strides[0], padding)
    ow, pl, pr = _out_size(xshape[2], kw, strides[1], padding)
    return oh, ow, (pt, pb, pl, pr)


def _patches(x, kh, kw, strides, padding):
    """(rows, oh, ow): the patches of NHWC `x` as a (N*OH*OW, KH*KW*C) matrix (im2col).

    The patches are first a strided view of `x` (no copy); the reshape copies them once.
    """
    n, h, w, c = x.shape
    oh, ow, (pt, pb, pl, pr) = _geometry(x.shape, kh, kw, strides, padding)
    if pt or pb or pl or pr:
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    sh, sw = strides
    s0, s1, s2, s3 = x.strides
    win = np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (s0, s1 * sh, s2 * sw, s1, s2, s3), writeable=False)
    return win.reshape(n * oh * ow, kh * kw * c), oh, ow


def _conv2d(x, f, strides, padding):
    if x.shape[3] != f.shape[2]:
        raise ValueError("conv2d: the input has %d channels but the filters expect %d"
                         % (x.shape[3], f.shape[2]))
    kh, kw, c, out = f.shape
    cols, oh, ow = _patches(x, kh, kw, strides, padding)
    return (cols @ f.reshape(kh * kw * c, out)).reshape(x.shape[0], oh, ow, out)


def _conv2d_backprop_input(x, f, dy, strides, padding):
    """The gradient of conv2d with respect to its input (x only gives the shape).

    A stride-1 VALID convolution of `dy` (spread out by the strides and padded by the filter
    size minus one) with the filters flipped in space and in/out channels swapped: patches and
    one matmul again.
    """
    n, h, w, c = x.shape
    kh, kw, _, out = f.shape
    oh, ow, (pt, pb, pl, pr) = _geometry(x.shape, kh, kw, strides, padding)
    sh, sw = strides
    dh, dw = (oh - 1) * sh + 1, (ow - 1) * sw + 1
    spread = np.zeros((n, dh + 2 * (kh - 1), dw + 2 * (kw - 1), out), dy.dtype)
    spread[:, kh - 1:kh - 1 + dh:sh, kw - 1:kw - 1 + dw:sw, :] = dy
    flipped = f[::-1, ::-1].transpose(0, 1, 3, 2)
    cols, gh, gw = _patches(spread, kh, kw, (1, 1), "VALID")
    part = (cols @ flipped.reshape(kh * kw * out, c)).reshape(n, gh, gw, c)
    hp, wp = h + pt + pb, w + pl + pr
    if gh != hp or gw != wp:     # rows / columns the strides never reached get no gradient
        full = np.zeros((n, hp, wp, c), part.dtype)
        full[:, :gh, :gw] = part
        part = full
    return part[:, pt:pt + h, pl:pl + w, :]


def _conv2d_backprop_filter(x, f, dy, strides, padding):
    """The gradient of conv2d with respect to its filters (f only gives the shape)."""
    kh, kw, c, out = f.shape
    cols, _, _ = _patches(x, kh, kw, strides, padding)
    return (cols.T @ dy.reshape(-1, out)).reshape(kh, kw, c, out)


def _conv_dtype(ds, attrs):
    d = ds[0]
    for other in ds[1:]:
        if other is not d:
            raise TypeError("conv2d inputs must share one dtype, got %s"
                            % ", ".join(x.name for x in ds))
    if not d.is_floating:
        raise TypeError("conv2d needs floating-point tensors, got %s" % d.name)
    return d


def _conv2d_shape(shapes, attrs):
    xs, fs = shapes
    if xs.rank not in (None, 4) or fs.rank not in (None, 4):
        raise ValueError("conv2d needs a 4-D NHWC input and 4-D filters, got shapes %s and %s"
                         % (xs, fs))
    if xs.rank is None or fs.rank is None:
        return TensorShape([None] * 4) if xs.rank is None else UNKNOWN
    kh, kw, c, out = fs.dims
    if xs[3] is not None and c is not None and xs[3] != c:
        raise ValueError("the input has %d channels but the filters expect %d (filter shape %s)"
                         % (xs[3], c, fs))
    if kh is None or kw is None:
        return TensorShape([xs[0], None, None, out])
    oh, ow, _ = _geometry(xs.dims, kh, kw, attrs["strides"], attrs["padding"])
    return TensorShape([xs[0], oh, ow, out])


def _shape_of(i):
    def rule(shapes, attrs):
        return shapes[i]
    return rule


def _conv2d_grad(op, g):
    x, f = op.inputs
    a = op.attrs
    return [_apply(CONV2D_BACKPROP_INPUT, [x, f, g], a) if input_needed(0) else None,
            _apply(CONV2D_BACKPROP_FILTER, [x, f, g], a) if input_needed(1) else None]


def _backprop_input_grad(op, g):
    x, f, dy = op.inputs
    a = op.attrs
    return [None, _apply(CONV2D_BACKPROP_FILTER, [g, f, dy], a), _apply(CONV2D, [g, f], a)]


def _backprop_filter_grad(op, g):
    x, f, dy = op.inputs
    a = op.attrs
    return [_apply(CONV2D_BACKPROP_INPUT, [x, g, dy], a), None, _apply(CONV2D, [x, g], a)]


def _apply(opdef, inputs, attrs):
    return apply(opdef, inputs, dict(attrs))


CONV2D = declare("conv2d", _conv2d, dtype=_conv_dtype, shape=_conv2d_shape, grad=_conv2d_grad,
                 same_dtype="all", doc="2-D convolution (NHWC input, HWIO filters).")
CONV2D_BACKPROP_INPUT = declare(
    "conv2d_backprop_input", _conv2d_backprop_input, dtype=_conv_dtype, shape=_shape_of(0),
    grad=_backprop_input_grad, same_dtype="all",
    doc="Gradient of conv2d with respect to its input (the first input only gives the shape).")
CONV2D_BACKPROP_FILTER = declare(
    "conv2d_backprop_filter", _conv2d_backprop_filter, dtype=_conv_dtype, shape=_shape_of(1),
    grad=_backprop_filter_grad, same_dtype="all",
    doc="Gradient of conv2d with respect to its filters (the second input only gives the "
        "shape).")


def conv2d(input, filters, strides=1, padding="VALID", data_format="NHWC", name=None):
    """2-D convolution (cross-correlation, as in TensorFlow).

    Args:
      input: a float tensor of shape (batch, height, width, in_channels).
      filters: a tensor of shape (filter_height, filter_width, in_channels, out_channels).
      strides: an int, (sh, sw), or TensorFlow's [1, sh, sw, 1].
      padding: "VALID" (no padding) or "SAME" (output size ceil(input / stride)).
      data_format: only "NHWC".
    Returns:
      A tensor of shape (batch, out_height, out_width, out_channels).
    Raises:
      ValueError: bad padding, data format, strides, or mismatched channels.
    """
    if data_format != "NHWC":
        raise ValueError("conv2d supports data_format='NHWC' only, got %r" % (data_format,))
    pad = str(padding).upper()
    if pad not in ("VALID", "SAME"):
        raise ValueError("padding must be 'VALID' or 'SAME', got %r" % (padding,))
    strides = _pair(strides, "strides")
    if min(strides) < 1:
        raise ValueError("strides must be positive, got %s" % (strides,))
    return apply(CONV2D, [input, filters], {"strides": strides, "padding": pad}, name=name)


# -- activations ----------------------------------------------------------------------------------
def bias_add(value, bias, name=None):
    """`value + bias`, with `bias` (1-D) added along the last axis."""
    return math_ops.add(value, bias, name=name)


def relu6(features):
    """min(max(x, 0), 6)."""
    return math_ops.minimum(math_ops.relu(features), 6.0)


def leaky_relu(features, alpha=0.2):
    """x where x > 0, alpha * x elsewhere."""
    return math_ops.maximum(features, math_ops.multiply(features, alpha))


def elu(features):
    """x where x > 0, exp(x) - 1 elsewhere."""
    neg = math_ops.subtract(math_ops.exp(math_ops.minimum(features, 0.0)), 1.0)
    return math_ops.where(math_ops.greater(features, 0.0), features, neg)


def softplus(features):
    """log(1 + exp(x)), without overflow."""
    return math_ops.add(math_ops.relu(features),
                        math_ops.log(math_ops.add(math_ops.exp(
                            math_ops.negative(math_ops.abs(features))), 1.0)))


def log_softmax(logits, axis=-1, name=None):
    """log(softmax(logits)), computed stably."""
    shifted = math_ops.subtract(logits, stop_gradient(
        reduction_ops.reduce_max(logits, axis=axis, keepdims=True)))
    lse = math_ops.log(reduction_ops.reduce_sum(math_ops.exp(shifted), axis=axis,
                                                keepdims=True))
    return math_ops.subtract(shifted, lse, name=name)


def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    return math_ops.multiply(reduction_ops.reduce_sum(math_ops.square(t)), 0.5, name=name)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along `axis`: one loss per example."""
    return math_ops.negative(reduction_ops.reduce_sum(
        math_ops.multiply(labels, log_softmax(logits, axis)), axis=axis), name=name)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Cross-entropy with integer class `labels` (shape: logits' without the last axis)."""
    depth = logits.shape[-1]
    if depth is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits needs a known number of "
                         "classes (last axis of logits)")
    onehot = math_ops.cast(math_ops.equal(array_ops.expand_dims(labels, -1),
                                          array_ops.range(depth, dtype=labels.dtype)),
                           logits.dtype)
    return softmax_cross_entropy_with_logits(onehot, logits, name=name)


def sigmoid_cross_entropy_with_logits(labels, logits, name=None):
    """Elementwise -z*log(sigmoid(x)) - (1-z)*log(1-sigmoid(x)), computed stably."""
    return math_ops.add(
        math_ops.subtract(math_ops.relu(logits), math_ops.multiply(logits, labels)),
        math_ops.log(math_ops.add(math_ops.exp(math_ops.negative(math_ops.abs(logits))),
                                  1.0)), name=name)
