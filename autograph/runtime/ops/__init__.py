"""The op catalogue, grouped by kind. Importing this package registers every op.

Modules are listed lowest layer first; each imports only modules above it in this list (the
helpers `rules`, `errstate`, `static_values` and `gradient_ops` come before all of them).
`math_ops` and `array_ops` are namespaces re-exporting their families.
"""
from autograph.runtime.ops import core_ops  # noqa: F401  (constant, placeholder, identity, cast)
from autograph.runtime.ops import shape_ops  # noqa: F401  (shape, size, rank, *_like, transpose)
from autograph.runtime.ops import compare_ops  # noqa: F401  (comparisons, logical ops, where)
from autograph.runtime.ops import arithmetic_ops  # noqa: F401  (elementwise arithmetic)
from autograph.runtime.ops import matmul_ops  # noqa: F401  (matmul)
from autograph.runtime.ops import index_ops  # noqa: F401  (gather, strided_slice)
from autograph.runtime.ops import join_ops  # noqa: F401  (concat, stack, unstack)
from autograph.runtime.ops import reshape_ops  # noqa: F401  (reshape, expand_dims, squeeze, ...)
from autograph.runtime.ops import reduction_ops  # noqa: F401  (reduce_*, argmax, softmax)
from autograph.runtime.ops import creation_ops  # noqa: F401  (zeros, ones, fill, range)
from autograph.runtime.ops import math_ops  # noqa: F401  (namespace: the math families)
from autograph.runtime.ops import array_ops  # noqa: F401  (namespace: the array families)
from autograph.runtime.ops import random_ops  # noqa: F401  (uniform, normal, set_seed)
from autograph.runtime.ops import pad_ops  # noqa: F401  (pad, eye)
from autograph.runtime.ops import numerics_ops  # noqa: F401  (check_numerics)
from autograph.runtime.ops import overloads  # noqa: F401  (installs Tensor operators)
from autograph.runtime.ops import state_ops  # noqa: F401,E402
from autograph.runtime.ops import logging_ops  # noqa: F401,E402
from autograph.runtime.ops import python_operators  # noqa: F401,E402  (fast kernels)
