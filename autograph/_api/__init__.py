"""The public namespaces `ag.math`, `ag.nn`, `ag.random`, ... as TensorFlow users type them.

Each is a thin module that re-exports the runtime's functions under their TensorFlow names;
its `__all__` is its public API and `dir()` shows exactly that (no imported helpers).
"""

# `x[ag.newaxis]` inserts an axis of size 1, as numpy's and TensorFlow's `newaxis` do.
newaxis = None
