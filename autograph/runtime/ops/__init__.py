"""The op catalogue, grouped by kind. Importing this package registers every op."""
from autograph.runtime.ops import core_ops  # noqa: F401  (constant, placeholder, identity)
from autograph.runtime.ops import state_ops  # noqa: F401,E402
from autograph.runtime.ops import logging_ops  # noqa: F401,E402
