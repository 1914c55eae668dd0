"""`ag.Module`: a base class that finds the variables of an object and of what it holds.

As `tf.Module`: `variables` and `trainable_variables` walk the instance's attributes (in
attribute-name order), descending into sub-modules, layers, lists, tuples and dicts, and list
each variable once. Nothing is registered: whatever the attributes hold when you ask is the
answer, so layers count once they have built their weights (on their first call).
"""
from autograph.runtime.layers import Layer
from autograph.runtime.variables import Variable


class Module:
    """Base class for models: tracks the variables of itself and of its sub-modules/layers.

    Args:
      name: optional name (default: the class name in snake_case).
    """

    def __init__(self, name=None):
        self._name = name or _snake(type(self).__name__)

    @property
    def name(self):
        """The module's name."""
        return self._name

    @property
    def variables(self):
        """Every variable reachable from the attributes, in attribute order, each once."""
        return _walk(self, lambda x: isinstance(x, Variable))

    @property
    def trainable_variables(self):
        """The variables with `trainable=True`."""
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self):
        """The variables with `trainable=False`."""
        return [v for v in self.variables if not v.trainable]

    @property
    def submodules(self):
        """Every Module and layer reachable from the attributes (not this one), each once."""
        return _walk(self, lambda x: isinstance(x, (Module, Layer)))

    def __repr__(self):
        return "<ag.Module %s '%s'>" % (type(self).__name__, self._name)


def _snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def _children(obj):
    if isinstance(obj, Layer):
        return list(obj.weights)
    if isinstance(obj, dict):
        return [obj[k] for k in sorted(obj, key=str)]
    if isinstance(obj, (list, tuple)):
        return list(obj)
    state = getattr(obj, "__dict__", None)
    if isinstance(obj, Module) and state is not None:
        return [state[k] for k in sorted(state) if k != "_name"]
    return []


def _walk(root, wanted):
    found, seen = [], {id(root)}
    stack = _children(root)[::-1]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if wanted(x):
            found.append(x)
        if isinstance(x, (Module, Layer, list, tuple, dict)):
            stack.extend(_children(x)[::-1])
    return found
