"""autograph: turn ordinary Python functions into graphs.

    import autograph as ag

A small graph runtime on numpy (tensors, ops, eager mode, Graph + Session, variables,
gradients), a source-to-source converter of Python control flow (`to_graph`, `to_code`) and
`function`, which traces Python functions into cached graphs.
"""
from autograph._version import __version__
from autograph import runtime as _runtime  # noqa: F401  (registers every op)

# dtypes, shapes, tensors
from autograph.runtime.dtypes import (DType, as_dtype, bool_ as bool, float16, float32,  # noqa: A004
                                      float64, int8, int16, int32, int64, uint8)
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import EagerTensor, Tensor, is_tensor

# ops
from autograph.runtime.ops.core_ops import constant, convert_to_tensor, identity, placeholder
from autograph.runtime.ops.math_ops import (
    abs, add, cast, cos, divide, equal, exp, floordiv, greater, greater_equal, less,  # noqa: A004
    less_equal, log, logical_and, logical_not, logical_or, logical_xor, matmul, maximum,
    minimum, mod, multiply, negative, not_equal, pow, relu, sigmoid, sign, sin, sqrt,  # noqa: A004
    square, subtract, tanh, where)
from autograph.runtime.ops.array_ops import (
    broadcast_to, concat, expand_dims, fill, gather, ones, ones_like, range, rank,  # noqa: A004
    reshape, shape, size, squeeze, stack, strided_slice, transpose, unstack, zeros,
    zeros_like)
from autograph.runtime.ops.reduction_ops import (
    argmax, argmin, reduce_all, reduce_any, reduce_max, reduce_mean, reduce_min, reduce_prod,
    reduce_sum, softmax)
from autograph.runtime.ops import random_ops as random  # ag.random.uniform / normal / set_seed
from autograph.runtime.ops.logging_ops import assert_ as Assert, no_op, print_ as print  # noqa: A004
from autograph.runtime.ops.gradient_ops import stop_gradient

# graphs, sessions, control flow, state
from autograph.runtime.graph import Graph, Operation
from autograph.runtime.session import Session
from autograph.runtime.control_flow import cond, while_loop
from autograph.runtime.variables import Variable
from autograph.runtime.tensor_array import TensorArray
from autograph.runtime.context import executing_eagerly, get_default_graph, init_scope
from autograph.runtime.errors import (BranchMismatchError, GraphMismatchError,
                                      InvalidArgumentError, LoopVarMismatchError)
from autograph.runtime import nest

# autodiff and layers
from autograph.runtime.tape import GradientTape
from autograph.runtime.gradients import gradients
from autograph.runtime import nn, layers

# AutoGraph and function
from autograph.api import do_not_convert, to_code, to_graph
from autograph.function import (ConcreteFunction, Function, RetracingWarning, TensorSpec,
                                function)

__all__ = [n for n in dir() if not n.startswith("_")]
