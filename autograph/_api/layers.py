"""`ag.layers`: Keras-like layers (Dense, Conv2D, LSTMCell) and their helpers."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.layers import (
    Conv2D, Dense, Layer, LSTMCell, get_activation, glorot_uniform)

__all__ = ["Conv2D", "Dense", "LSTMCell", "Layer", "get_activation", "glorot_uniform"]


def __dir__():
    return list(__all__)
