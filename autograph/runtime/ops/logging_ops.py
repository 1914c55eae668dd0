"""Side effects: print, assert and no_op. Stateful, so they run in program order."""
import sys

import numpy as np

from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.registry import apply, declare
from autograph.runtime.tensor import Tensor


def _format(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return np.array2string(np.asarray(value), separator=" ").replace("\n", "") \
            if np.ndim(value) else str(value)
    return str(value)


def format_summarized(value, summarize=3):
    """A tensor value as `tf.print` shows it: one row per line, each dimension cut to its first
    and last `summarize` entries with `...` between (None: 3; -1: every entry)."""
    if not isinstance(value, (np.ndarray, np.generic)) or np.ndim(value) == 0:
        return str(value.item() if isinstance(value, np.ndarray) else value)
    if summarize is None:
        summarize = 3
    if summarize < 0:
        return np.array2string(np.asarray(value), separator=" ", threshold=sys.maxsize)
    return np.array2string(np.asarray(value), separator=" ", threshold=0,
                           edgeitems=max(int(summarize), 1))


def _print(*values, template, sep, end, stream, summarize=3):
    it = iter(values)
    parts = [format_summarized(next(it), summarize) if piece is _SLOT else str(piece)
             for piece in template]
    out = stream if stream is not None else sys.stdout
    out.write(sep.join(parts) + end)


_SLOT = object()   # marks where a tensor value goes in a print template

PRINT = declare("print", _print, dtype=rules.no_outputs, shape=rules.no_output_shapes,
                stateful=True, differentiable=False,
                doc="Prints its inputs when it runs (eagerly: at once).")


def print_(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """Prints tensors' values when the op runs: at once eagerly, on every run in a graph.

    Unlike Python's print inside a traced function (which runs once, at trace time, and
    shows symbolic tensors), this prints the values each time the graph runs. As `tf.print`,
    a tensor prints one row per line, and each dimension longer than 2 * summarize shows its
    first and last `summarize` entries around `...`.

    Args:
      *inputs: tensors and Python values (printed with str), separated by `sep`.
      output_stream: a file object (default sys.stdout, looked up when printing).
      summarize: entries shown at each end of every dimension (default, and None: 3); -1
        shows every entry.
      sep: the separator between inputs. end: the text printed last.
    Raises:
      TypeError: summarize is not an int or None.
    """
    if summarize is not None and (type(summarize) is not int):
        raise TypeError("print: summarize must be an int (-1 for everything), got %r"
                        % (summarize,))
    tensors = []
    template = []
    for x in inputs:
        if isinstance(x, Tensor) or hasattr(x, "_ag_read"):
            tensors.append(x)
            template.append(_SLOT)
        else:
            template.append(x)
    return apply(PRINT, tensors, {"template": tuple(template), "sep": sep, "end": end,
                                  "stream": output_stream, "summarize": summarize}, name=name)


def _assert(cond, *data, message):
    if not np.all(cond):
        detail = " ".join(_format(d) for d in data)
        raise InvalidArgumentError("assertion failed: %s%s" % (message, (" " + detail)
                                                               if detail else ""))


ASSERT = declare("assert", _assert, dtype=rules.no_outputs, shape=rules.no_output_shapes,
                 stateful=True, differentiable=False,
                 doc="Raises InvalidArgumentError when its condition is false.")


def assert_(condition, data=(), message="", name=None):
    """Checks `condition` (all elements true) when the op runs.

    Raises:
      InvalidArgumentError: the condition is false; the message names the op and its line.
    """
    return apply(ASSERT, [condition] + list(data), {"message": str(message)}, name=name)


def _no_op():
    return None


NO_OP = declare("no_op", _no_op, dtype=rules.no_outputs, shape=rules.no_output_shapes,
                differentiable=False, doc="Does nothing.")


def no_op(name=None):
    """An op that does nothing (a placeholder for grouping)."""
    return apply(NO_OP, [], name=name)
