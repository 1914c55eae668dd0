"""`ag.optimizers`: SGD and Adam with `apply_gradients`, as `tf.keras.optimizers`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.optimizers import SGD, Adam, Optimizer

__all__ = ["Adam", "Optimizer", "SGD"]


def __dir__():
    return list(__all__)
