"""The graph runtime on numpy. Importing it registers every op."""
from autograph.runtime import ops  # noqa: F401
from autograph.runtime import variables as _variables

_variables._install_overloads()
