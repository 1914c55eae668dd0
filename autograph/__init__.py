"""autograph: turn ordinary Python functions into graphs.

    import autograph as ag

A small graph runtime on numpy (tensors, ops, eager mode, Graph + Session, variables,
gradients), a source-to-source converter of Python control flow (`to_graph`, `to_code`) and
`function`, which traces Python functions into cached graphs.
"""
from autograph._version import __version__
from autograph import runtime as _runtime  # noqa: F401  (registers every op)
from autograph.runtime.dtypes import (DType, as_dtype, bool_ as bool, float16, float32,  # noqa: A004
                                      float64, int8, int16, int32, int64, uint8)
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import Tensor, EagerTensor, is_tensor
from autograph.runtime.ops.core_ops import constant, convert_to_tensor, identity, placeholder
from autograph.runtime.ops.logging_ops import assert_ as Assert, no_op, print_ as print  # noqa: A004
from autograph.runtime.graph import Graph, Operation
from autograph.runtime.session import Session
from autograph.runtime.control_flow import cond, while_loop
from autograph.runtime.variables import Variable
from autograph.runtime.tensor_array import TensorArray
from autograph.runtime.errors import (BranchMismatchError, GraphMismatchError,
                                      InvalidArgumentError, LoopVarMismatchError)
from autograph.runtime.context import executing_eagerly, get_default_graph, init_scope
from autograph.runtime import nest

__all__ = [n for n in dir() if not n.startswith("_")]
