"""`ag.function`: trace a Python function into a graph once per input signature, then run it.

The public home of the tracing names (`ag.function`, `ag.Function`, `ag.ConcreteFunction`,
`ag.TensorSpec`, `ag.RetracingWarning`, `ag.LeakedTensorError`); the machinery lives in the
`autograph.tracing` package (see its `__init__` and docs/architecture.md).
"""
from autograph.tracing.concrete import ConcreteFunction
from autograph.tracing.function import BoundMethod, Function, function
from autograph.tracing.leaks import LeakedTensorError
from autograph.tracing.retracing import DEFAULT_MAX_TRACES, RetracingWarning
from autograph.tracing.spec import TensorSpec

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec", "RetracingWarning",
           "LeakedTensorError", "BoundMethod", "DEFAULT_MAX_TRACES"]
