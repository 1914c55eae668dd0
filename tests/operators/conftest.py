"""Shared helpers for the operators' graph tests."""
import pytest

import autograph as ag
from autograph.runtime.ops import array_ops, math_ops, reduction_ops


class Ops:
    """The runtime ops the tests use (resolved from the runtime, not the public namespace)."""
    cast = staticmethod(math_ops.cast)
    reduce_sum = staticmethod(reduction_ops.reduce_sum)
    stack = staticmethod(array_ops.stack)
    range = staticmethod(array_ops.range)
    gather = staticmethod(array_ops.gather)
    print = staticmethod(ag.print)


@pytest.fixture
def ops():
    return Ops


@pytest.fixture
def graph():
    """A fresh default graph for the test; `graph.run(fetches, **feeds)` runs it."""
    g = ag.Graph()
    with g.as_default():
        def run(fetches, feed=None):
            with ag.Session(graph=g) as sess:
                return sess.run(fetches, feed_dict=feed)
        g.run = run
        yield g
