"""`ag.dtypes`: the element types and `as_dtype`, as in `tf.dtypes`."""
from autograph.runtime.dtypes import (
    DType, as_dtype, bool_, float16, float32, float64, int8, int16, int32, int64, uint8)

bool = bool_   # noqa: A001  (TensorFlow's name)
del bool_

__all__ = ["DType", "as_dtype", "bool", "float16", "float32", "float64", "int8", "int16",
           "int32", "int64", "uint8"]


def __dir__():
    return list(__all__)
