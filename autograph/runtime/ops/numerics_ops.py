"""`check_numerics`: passes a tensor through, failing when it holds NaN or Inf.

An op of its own (not an assert beside an identity) so that whoever uses the result also
runs the check: a Session that fetches only the result runs it too.
"""
import numpy as np

from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.ops.core_ops import convert_to_tensor
from autograph.runtime.registry import apply, declare


def _check_numerics(x, *, message):
    if not np.isfinite(x).all():
        raise InvalidArgumentError("%s : Tensor had %s values" % (
            message, "NaN" if np.isnan(x).any() else "Inf"))
    return x


CHECK_NUMERICS = declare("check_numerics", _check_numerics, dtype=rules.floating,
                         shape=rules.same_shape, grad=lambda op, g: [g],
                         doc="Returns its input; fails when it holds NaN or Inf.")


def check_numerics(tensor, message, name=None):
    """Checks that a floating tensor has no NaN or Inf and returns it, as
    `tf.debugging.check_numerics`.

    Args:
      tensor: a floating-point tensor.
      message: the start of the error message.
    Returns:
      `tensor`'s value (computations that use it run the check first).
    Raises:
      InvalidArgumentError: when the op runs and the tensor holds NaN or Inf.
      TypeError: the tensor is not floating point.
    """
    tensor = convert_to_tensor(tensor)
    return apply(CHECK_NUMERICS, [tensor], {"message": str(message)}, name=name)
