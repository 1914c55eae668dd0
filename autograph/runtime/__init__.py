"""The graph runtime on numpy. Importing it registers every op."""
from autograph.runtime import ops  # noqa: F401
