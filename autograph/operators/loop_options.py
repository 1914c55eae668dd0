"""`set_loop_options`: options for the enclosing staged loop (TensorFlow's
`tf.autograph.experimental.set_loop_options`).

In converted code the call stays where it is written (the first statement of the loop body,
as `ag__.call_loop_options(ag.set_loop_options, ...)`), so a loop that runs as Python
evaluates its arguments as Python does, and the call does nothing. The loop_options converter also hands the same arguments to the loop helper as
`opts=LoopOptions(lambda: {...})`, evaluated only if the loop is staged (see
converters/loop_options.py).
"""
import collections.abc

__all__ = ["set_loop_options", "LoopOptions", "call_loop_options"]


def call_loop_options(func, **options):
    """`func(**options)`: the `set_loop_options(...)` statement at the top of a converted loop
    body. The caller has evaluated `func` and the arguments as Python does; `func` is called as
    it is (never converted), except ours, which does nothing (skipping it saves the cost of
    `**` in every iteration of a loop that runs as Python)."""
    if func is set_loop_options:
        return None
    return func(**options)


class LoopOptions(collections.abc.Mapping):
    """The options of one loop, read-only, evaluated on first use: `make()` returns the dict.

    A loop that runs as Python never reads its options, so their expressions are not
    evaluated outside the loop body (where Python evaluates them, every iteration); a staged
    loop reads them once, when the loop helper stages it.
    """

    __slots__ = ("_make", "_options")

    def __init__(self, make):
        self._make = make
        self._options = None

    def _get(self):
        if self._options is None:
            self._options = dict(self._make())
        return self._options

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self):
        return len(self._get())

    def __repr__(self):
        return "LoopOptions(%r)" % (self._get() if self._options is not None else "<lazy>")


def set_loop_options(maximum_iterations=None, shape_invariants=None, parallel_iterations=None,
                     swap_memory=None):
    """Sets options of the enclosing loop; must be the first statement of the loop body.

    Args:
      maximum_iterations: a cap on the loop's iterations. A staged loop of our runtime stops
        after this many; under JAX a `while` loop with a bound becomes a `lax.scan` of that
        many steps, so `jax.grad` can differentiate it (and a list appended in it becomes a
        buffer of that many rows).
      shape_invariants: `[(variable, shape), ...]`: loop variables whose shape changes across
        iterations (a shape with `None` dimensions). Our runtime relaxes changing shapes by
        itself; the invariants make the shape general from the first iteration. JAX arrays
        have static shapes: not supported there.
      parallel_iterations, swap_memory: accepted for TensorFlow compatibility, no effect.

    Plain Python (not converted): does nothing.
    """
    del maximum_iterations, shape_invariants, parallel_iterations, swap_memory
