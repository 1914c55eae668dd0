"""Keras-like layers (`ag.layers`): Dense, Conv2D and LSTMCell.

A layer creates its weights (variables) on its first call, when the input's last dimension is
known; kernels start glorot-uniform and biases at zero. Initial values come from `ag.random`
(eagerly, even inside a trace), so `ag.random.set_seed(s)` or a layer's own `seed` make them
reproducible. Layers run eagerly and inside `ag.function` alike: their weights are variables,
which a traced function reads (and can update) by reference.
"""
import math

import numpy as np

from autograph.runtime import context, dtypes, nn
from autograph.runtime.ops import array_ops, math_ops, random_ops
from autograph.runtime.ops.core_ops import convert_to_tensor
from autograph.runtime.tensor import Tensor
from autograph.runtime.variables import Variable

__all__ = ["Layer", "Dense", "Conv2D", "LSTMCell", "get_activation", "glorot_uniform"]

_counts = {}


# -- activations and initializers ---------------------------------------------------------------
_ACTIVATIONS = {
    None: None, "linear": None, "relu": nn.relu, "sigmoid": nn.sigmoid, "tanh": nn.tanh,
    "softmax": nn.softmax, "elu": nn.elu, "softplus": nn.softplus, "relu6": nn.relu6,
    "leaky_relu": nn.leaky_relu,
}


def get_activation(activation):
    """An activation function from its name ('relu', 'tanh', ...), a callable, or None."""
    if callable(activation):
        return activation
    try:
        return _ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError("unknown activation %r; use one of %s or a function"
                         % (activation, ", ".join(sorted(k for k in _ACTIVATIONS if k))))\
            from None


def glorot_uniform(shape, dtype=dtypes.float32, seed=None, fan=None):
    """Values uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).

    For convolution kernels (h, w, in, out) the fans count the receptive field: h*w*in and
    h*w*out. With a `seed` (an int or a tuple of ints) the same seed always gives the same
    values; without one the values come from `ag.random` (reproducible after
    `ag.random.set_seed`). Returns a numpy array, computed eagerly even inside a trace.
    """
    if fan is None:
        receptive = 1
        for d in shape[:-2]:
            receptive *= d
        fan_in = shape[-2] * receptive if len(shape) > 1 else shape[0]
        fan_out = shape[-1] * receptive
    else:
        fan_in, fan_out = fan
    limit = math.sqrt(6.0 / max(1, fan_in + fan_out))
    if seed is not None:        # the same seed gives the same values, every time
        rng = np.random.default_rng(seed)
        return rng.uniform(-limit, limit, shape).astype(dtype.np_dtype)
    with context.init_scope():  # ag.random's streams: reproducible after ag.random.set_seed
        return random_ops.uniform(shape, -limit, limit, dtype=dtype).numpy()


def _initial_value(initializer, shape, dtype, seed):
    if callable(initializer):
        with context.init_scope():
            value = initializer(shape, dtype)
        return value.numpy() if hasattr(value, "numpy") else value
    if initializer == "glorot_uniform":
        return glorot_uniform(shape, dtype, seed)
    if initializer in ("zeros", "ones"):
        return (np.zeros if initializer == "zeros" else np.ones)(shape, dtype.np_dtype)
    raise ValueError("unknown initializer %r; use 'glorot_uniform', 'zeros', 'ones' or a "
                     "function (shape, dtype) -> value" % (initializer,))


# -- the base class --------------------------------------------------------------------------------
class Layer:
    """A callable with weights created on first use.

    Subclasses define `build(input_shape)` (create weights with `add_weight`) and
    `call(inputs, ...)`.

    Args:
      name: a name for the layer's variables (unique by default: "dense", "dense_1", ...).
      dtype: the weights' dtype; by default the first input's floating dtype, else float32.
      seed: optional seed for the initial weights (each weight gets its own stream).
    """

    def __init__(self, name=None, dtype=None, seed=None, trainable=True):
        base = _snake(type(self).__name__)
        if name is None:
            n = _counts.get(base, 0)
            _counts[base] = n + 1
            name = base if n == 0 else "%s_%d" % (base, n)
        self.name = name
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self.seed = seed
        self.trainable = trainable
        self.built = False
        self._weights = []

    def build(self, input_shape):
        """Creates the weights, given the static shape of the first input."""

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError

    def __call__(self, inputs, *args, **kwargs):
        inputs = self._convert(inputs)
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        return self.call(inputs, *args, **kwargs)

    def _convert(self, x):
        if isinstance(x, Tensor) or hasattr(x, "_ag_read"):
            if self.dtype is None:
                self.dtype = x.dtype if x.dtype.is_floating else dtypes.float32
            if hasattr(x, "_ag_read") and not isinstance(x, Tensor):
                x = x._ag_read()
            if x.dtype is not self.dtype:
                x = math_ops.cast(x, self.dtype)
            return x
        if self.dtype is None:
            self.dtype = dtypes.float32
        return convert_to_tensor(x, self.dtype)

    def add_weight(self, name, shape, initializer="glorot_uniform", trainable=True):
        """Creates a variable of this layer (initial value computed eagerly)."""
        shape = tuple(int(d) for d in shape)
        seed = None if self.seed is None else (int(self.seed), len(self._weights))
        value = _initial_value(initializer, shape, self.dtype or dtypes.float32, seed)
        var = Variable(value, dtype=self.dtype or dtypes.float32,
                       name="%s/%s" % (self.name, name), trainable=trainable and self.trainable)
        self._weights.append(var)
        return var

    @property
    def weights(self):
        """All variables of the layer, in creation order."""
        return list(self._weights)

    variables = weights

    @property
    def trainable_variables(self):
        return [v for v in self._weights if v.trainable]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        return [v for v in self._weights if not v.trainable]

    def __repr__(self):
        return "<ag.layers.%s '%s'%s>" % (type(self).__name__, self.name,
                                         "" if self.built else " (not built)")


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _last_dim(shape, layer):
    if shape.rank is None or shape[-1] is None:
        raise ValueError("%s: the last dimension of the input must be known to create the "
                         "weights, got shape %s" % (layer.name, shape))
    return shape[-1]


# -- layers ------------------------------------------------------------------------------------------
class Dense(Layer):
    """`activation(inputs @ kernel + bias)`.

    Args:
      units: the output size (last axis).
      activation: name ('relu', 'sigmoid', 'tanh', 'softmax', ...), function or None.
      use_bias: add a bias vector.
      kernel_initializer, bias_initializer: 'glorot_uniform', 'zeros', 'ones' or a function
        (shape, dtype) -> value.
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel = self.bias = None

    def build(self, input_shape):
        n = _last_dim(input_shape, self)
        self.kernel = self.add_weight("kernel", (n, self.units), self.kernel_initializer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer)

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank == 1:
            y = array_ops.reshape(math_ops.matmul(array_ops.expand_dims(inputs, 0),
                                                  self.kernel), [self.units])
        else:
            y = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            y = math_ops.add(y, self.bias)
        return self.activation(y) if self.activation is not None else y


class Conv2D(Layer):
    """2-D convolution over NHWC inputs: `activation(conv2d(inputs, kernel) + bias)`.

    Args:
      filters: the number of output channels.
      kernel_size: an int or (height, width).
      strides: an int or (sh, sw).
      padding: 'valid' or 'same'.
      activation, use_bias, kernel_initializer, bias_initializer: as in `Dense`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = nn._pair(kernel_size, "kernel_size")
        self.strides = nn._pair(strides, "strides")
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError("padding must be 'valid' or 'same', got %r" % (padding,))
        self.padding = str(padding).upper()
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel = self.bias = None

    def build(self, input_shape):
        if input_shape.rank not in (None, 4):
            raise ValueError("%s expects NHWC inputs of rank 4, got shape %s"
                             % (self.name, input_shape))
        c = _last_dim(input_shape, self)
        self.kernel = self.add_weight("kernel", self.kernel_size + (c, self.filters),
                                      self.kernel_initializer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer)

    def call(self, inputs):
        y = nn.conv2d(inputs, self.kernel, self.strides, self.padding)
        if self.use_bias:
            y = math_ops.add(y, self.bias)
        return self.activation(y) if self.activation is not None else y


class LSTMCell(Layer):
    """One step of a long short-term memory layer, as Keras' LSTMCell.

    `cell(inputs, [h, c])` returns `(output, [h, c])` with output == the new h. Gates are
    computed as `inputs @ kernel + h @ recurrent_kernel + bias`, split in the order
    input, forget, cell, output.

    Args:
      units: the size of h and c.
      activation: applied to the cell input and the cell state ('tanh').
      recurrent_activation: applied to the gates ('sigmoid').
      use_bias: add a bias; with `unit_forget_bias` the forget gate's starts at 1.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, unit_forget_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = get_activation(activation) or (lambda x: x)
        self.recurrent_activation = get_activation(recurrent_activation) or (lambda x: x)
        self.use_bias = use_bias
        self.unit_forget_bias = unit_forget_bias
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return [self.units, self.units]

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        n = _last_dim(input_shape, self)
        u = self.units
        self.kernel = self.add_weight("kernel", (n, 4 * u), self.kernel_initializer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (u, 4 * u),
                                                self.recurrent_initializer)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                def init(shape, dtype, _base=self.bias_initializer):
                    b = np.array(_initial_value(_base, shape, dtype, None), dtype.np_dtype)
                    b[u:2 * u] = 1.0
                    return b
            self.bias = self.add_weight("bias", (4 * u,), init)

    def get_initial_state(self, batch_size, dtype=None):
        """Zero [h, c] for a batch."""
        dtype = dtype or self.dtype or dtypes.float32
        return [array_ops.zeros([batch_size, self.units], dtype),
                array_ops.zeros([batch_size, self.units], dtype)]

    def __call__(self, inputs, states, training=None):
        return super().__call__(inputs, states)

    def call(self, inputs, states):
        if not isinstance(states, (list, tuple)) or len(states) != 2:
            raise ValueError("%s expects states [h, c], got %r" % (self.name, states))
        h, c = (self._convert(s) for s in states)
        z = math_ops.add(math_ops.matmul(inputs, self.kernel),
                         math_ops.matmul(h, self.recurrent_kernel))
        if self.use_bias:
            z = math_ops.add(z, self.bias)
        z = array_ops.reshape(z, [-1, 4, self.units])
        # One activation call over all four gates is cheaper than three calls on slices.
        i, f, _, o = array_ops.unstack(self.recurrent_activation(z), num=4, axis=1)
        g = self.activation(array_ops.strided_slice(z, (slice(None), 2)))
        c = math_ops.add(math_ops.multiply(f, c), math_ops.multiply(i, g))
        h = math_ops.multiply(o, self.activation(c))
        return h, [h, c]
