"""`set_loop_options`: options for the enclosing staged loop (TensorFlow's
`tf.autograph.experimental.set_loop_options`).

In converted code the call never runs: the loop_options converter lifts it into the loop
helper's `opts=` (see converters/loop_options.py). Called anywhere else (plain Python, or a
function that is not converted) it does nothing.
"""

__all__ = ["set_loop_options"]


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
