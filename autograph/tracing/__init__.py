"""Tracing Python functions into cached graphs: the machinery behind `ag.function`.

| module | what it holds |
| --- | --- |
| `spec.py` | `TensorSpec`; tensor leaves of arguments; checking arguments against an input_signature |
| `signature.py` | the cache key: `CallSignature` (arguments in parameter order), the encoding of arguments and the one walker over encodings |
| `retracing.py` | `RetracingWarning`, explanations of retraces, `TraceCache` (lookup, max_traces/LRU, identity-keyed objects) |
| `concrete.py` | `ConcreteFunction`: one trace, compiled once; run eagerly, inlined into a graph or as one call op |
| `function.py` | `Function` (the fast call path, tracing) and the `function` decorator |
| `leaks.py` | `LeakedTensorError`: graph tensors a trace leaves in Python state |

The public names are re-exported by `autograph/function.py` (and `ag.*`).
"""
