"""The `ag__` helpers that converted code calls (generated code: `ag__.if_stmt(...)`).

Generated code reaches them through `autograph.impl.conversion.ag__`, which adds
`converted_call` (the conversion core sits in the layer above this package).

Each helper looks at the type of its condition or iterable once: Python values and eager
tensors run exactly as the original Python; graph tensors build `cond` / `while_loop` ops.
The type decision is one table (`dispatch.py`) whose first entry is the runtime's graph
`Tensor`; another array library plugs in with `dispatch.register_backend`.

Importing this module does not import the runtime (it is loaded on first use).
"""

from autograph.operators import dispatch as _dispatch
from autograph.operators.control_flow import (UnrollWarning, for_stmt, if_exp, if_stmt,
                                              set_unroll_warning_threshold, while_stmt)
from autograph.operators.data_structures import list_append, list_pop
from autograph.operators.dispatch import Backend, register_backend
from autograph.operators.exceptions import assert_stmt
from autograph.operators.logical import (and_, and_test, nested_and, nested_or, not_, not_and,
                                         not_or, or_, or_test)
from autograph.operators.loop_options import LoopOptions, call_loop_options
from autograph.operators.membership import in_, not_in
from autograph.operators.py_builtins import (abs_, enumerate_, float_, int_, len_, max_, min_,
                                             range_, zip_)
from autograph.operators.sequences import StagedEnumerate, StagedRange, StagedZip
from autograph.operators.variables import Undefined, UndefinedValueError, is_undefined, ld

# The built-in backends: our runtime first, JAX tracers second (jax_backend imports JAX only
# once a type from JAX is seen). dispatch itself imports no backend.
if not _dispatch.backends():
    from autograph.operators.jax_backend import JaxBackend as _JaxBackend
    from autograph.operators.runtime_backend import RuntimeBackend as _RuntimeBackend
    _dispatch.register_backend(_RuntimeBackend(), first=True)
    _dispatch.register_backend(_JaxBackend())

__all__ = [
    "if_stmt", "while_stmt", "for_stmt", "if_exp", "and_", "or_", "and_test", "or_test", "not_",
    "not_and", "not_or", "nested_and", "nested_or",
    "in_", "not_in",
    "Undefined", "UndefinedValueError", "is_undefined", "ld", "list_append", "list_pop",
    "assert_stmt", "range_", "len_", "enumerate_", "zip_", "abs_", "min_", "max_", "int_",
    "float_", "StagedRange", "StagedEnumerate", "StagedZip", "Backend", "register_backend",
    "set_unroll_warning_threshold", "UnrollWarning", "LoopOptions",
    "call_loop_options",
]
