"""`ag.linalg`: the matrix ops the runtime has (`matmul`, `eye`, transposes), as in `tf.linalg`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.ops.array_ops import transpose as _transpose
from autograph.runtime.ops.math_ops import matmul
from autograph.runtime.ops.pad_ops import eye

__all__ = ["eye", "matmul", "matrix_transpose"]


def matrix_transpose(a, name=None):
    """Swaps the last two axes of `a` (a batch of matrices), as `tf.linalg.matrix_transpose`.

    Args:
      a: a tensor of rank 2 or more (known rank).
    Returns:
      A tensor whose last two axes are swapped.
    Raises:
      ValueError: the rank is unknown or below 2.
    """
    from autograph.runtime.ops.core_ops import convert_to_tensor
    a = convert_to_tensor(a)
    rank = a.shape.rank
    if rank is None or rank < 2:
        raise ValueError("matrix_transpose needs a tensor of known rank >= 2, got shape %s"
                         % (a.shape,))
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    return _transpose(a, perm, name=name)


def __dir__():
    return list(__all__)
