"""`ag.random`: random tensors and the global seed, as in `tf.random`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.ops.random_ops import get_seed, normal, set_seed, uniform

__all__ = ["get_seed", "normal", "set_seed", "uniform"]


def __dir__():
    return list(__all__)
