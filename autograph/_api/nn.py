"""`ag.nn`: convolution, activations, softmax and losses, as in `tf.nn`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.nn import (
    bias_add, conv2d, elu, l2_loss, leaky_relu, log_softmax, relu, relu6, sigmoid,
    sigmoid_cross_entropy_with_logits, softmax, softmax_cross_entropy_with_logits, softplus,
    sparse_softmax_cross_entropy_with_logits, tanh)

__all__ = ["bias_add", "conv2d", "elu", "l2_loss", "leaky_relu", "log_softmax", "relu", "relu6",
           "sigmoid", "sigmoid_cross_entropy_with_logits", "softmax",
           "softmax_cross_entropy_with_logits", "softplus",
           "sparse_softmax_cross_entropy_with_logits", "tanh"]


def __dir__():
    return list(__all__)
