"""`Undefined`: the value of a variable that has not been assigned on the path taken.

Generated code initialises a variable that a branch or loop may leave unassigned with
`ag__.Undefined('x')`. On the Python path the placeholder simply flows through; any use of it
raises `UndefinedValueError` (an `UnboundLocalError`, as the original Python would raise).
Where the user's code reads such a variable and may find it unassigned, the read is
`ag__.ld(x)`, which raises UnboundLocalError at once, as Python does, instead of letting the placeholder be
returned, stored or passed on.
"""

from autograph.operators import dispatch

backend_for = dispatch.backend_for
python_types = dispatch.python_types

__all__ = ["Undefined", "UndefinedValueError", "is_undefined", "ld"]


class UndefinedValueError(UnboundLocalError):
    """A variable was used on a path where it has no value (an `UnboundLocalError`)."""


class Undefined:
    """Placeholder for a variable `name` that has no value on the path taken.

    Every use (arithmetic, truth test, call, attribute, indexing, iteration) raises
    `UndefinedValueError` naming the variable.
    """

    __slots__ = ("symbol_name",)

    def __init__(self, symbol_name):
        object.__setattr__(self, "symbol_name", symbol_name)

    def __repr__(self):
        return "Undefined(%r)" % (self.symbol_name,)

    def _fail(self, *args, **kwargs):
        raise UndefinedValueError(
            "variable '%s' is not defined on every path: it is used here, but it was not "
            "assigned a value on the path the program took (assign it before the `if`/loop "
            "or on every branch)" % (self.symbol_name,))

    def __getattr__(self, name):
        # Dunder probes (copy, pickle, numpy, hasattr checks in libraries) must see a plain
        # missing attribute; a user's `x.attr` is a use of the undefined variable.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        self._fail()

    def __setattr__(self, name, value):
        self._fail()

    def __hash__(self):
        return id(self)

    __bool__ = __len__ = __iter__ = __contains__ = __call__ = _fail
    __getitem__ = __setitem__ = __delitem__ = _fail
    __index__ = __int__ = __float__ = __complex__ = _fail
    __neg__ = __pos__ = __abs__ = __invert__ = _fail
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _fail
    __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _fail
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _fail
    __lshift__ = __rlshift__ = __rshift__ = __rrshift__ = _fail
    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = __imod__ = _fail


def is_undefined(value):
    """True if `value` is an `Undefined` placeholder."""
    return type(value) is Undefined


def ld(value, free=False):
    """Returns `value`: the read of a variable that may be unassigned on the path taken.

    `free`: the original read is in a nested scope of the user's code (a lambda, a generator
    expression, a comprehension before Python 3.12), where Python reads a free variable.

    Raises:
      UnboundLocalError: `value` is an `Undefined` placeholder: the variable has no value
        here, and the original code raises exactly this error here (not a subclass, so that
        `type(e)` and `except` clauses see what they see in Python).
      NameError: the same, for a `free` read (Python's error there).
    """
    if type(value) is Undefined:
        if free:
            raise NameError(
                "cannot access free variable '%s' where it is not associated with a value"
                " in enclosing scope" % (value.symbol_name,))
        raise UnboundLocalError(
            # Python's own message: code that prints or compares it sees the same text.
            "cannot access local variable '%s' where it is not associated with a value"
            % (value.symbol_name,))
    if type(value) not in python_types:
        backend = backend_for(value)
        if backend is not None:
            # A graph value a loop may not have assigned (see loop_builder._LoopBuilder):
            # the read is checked when the graph runs, where Python would raise.
            return backend.read(value)
    return value
