"""`ag.dtypes`: the element types, `as_dtype` and `cast`, as in `tf.dtypes`."""
import autograph.runtime  # noqa: F401  (registers every op)
from autograph.runtime.dtypes import (
    DType, as_dtype, bool_, float16, float32, float64, int8, int16, int32, int64, uint8)
from autograph.runtime.ops.math_ops import cast

bool = bool_   # noqa: A001  (TensorFlow's name)
del bool_

__all__ = ["DType", "as_dtype", "bool", "cast", "float16", "float32", "float64", "int8",
           "int16", "int32", "int64", "uint8"]


def __dir__():
    return list(__all__)
