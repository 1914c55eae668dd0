"""The op catalogue, grouped by kind. Importing this package registers every op."""
from autograph.runtime.ops import core_ops  # noqa: F401  (constant, placeholder, identity)
from autograph.runtime.ops import math_ops  # noqa: F401  (elementwise math, compare, matmul, cast)
from autograph.runtime.ops import array_ops  # noqa: F401  (create, reshape, join, gather, slice)
from autograph.runtime.ops import reduction_ops  # noqa: F401  (reduce_*, argmax, softmax)
from autograph.runtime.ops import random_ops  # noqa: F401  (uniform, normal, set_seed)
from autograph.runtime.ops import pad_ops  # noqa: F401  (pad, eye)
from autograph.runtime.ops import numerics_ops  # noqa: F401  (check_numerics)
from autograph.runtime.ops import overloads  # noqa: F401  (installs Tensor operators)
from autograph.runtime.ops import state_ops  # noqa: F401,E402
from autograph.runtime.ops import logging_ops  # noqa: F401,E402
from autograph.runtime.ops import python_operators  # noqa: F401,E402  (fast kernels)
