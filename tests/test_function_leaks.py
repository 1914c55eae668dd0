"""A trace that leaves graph tensors in Python state (attributes, containers reachable from
the arguments, `self`, closures and globals) is an error naming the place; the places are set
back to their values before the trace."""
import pytest

import autograph as ag
from autograph.tracing.leaks import LeakedTensorError


def c(value, dtype=None):
    return ag.constant(value, dtype=dtype)


class Accumulator:
    def __init__(self):
        self.s = c(0.0)

    @ag.function
    def add(self, x):
        self.s = self.s + x
        return self.s


def test_attribute_of_self_is_named_and_restored():
    a = Accumulator()
    with pytest.raises(LeakedTensorError) as info:
        a.add(c(1.0))
    msg = str(info.value)
    assert "self.s holds the graph tensor add:0" in msg
    assert "test_function_leaks.py:20" in msg          # the line that made the tensor
    assert "ag.Variable" in msg and "return the value" in msg
    assert isinstance(info.value, TypeError)
    assert float(a.s.numpy()) == 0.0                  # set back: the object still works
    with pytest.raises(LeakedTensorError):            # the same clear error again, not a
        a.add(c(1.0))                                 # GraphMismatchError


class Fresh:
    @ag.function
    def f(self, x):
        self.cache = x * 2
        return x


def test_new_attribute_is_removed():
    obj = Fresh()
    with pytest.raises(LeakedTensorError, match=r"self\.cache holds"):
        obj.f(c(1.0))
    assert not hasattr(obj, "cache")


def test_closure_list_item_overwritten_is_named_and_restored():
    log = [0.0, 1.0]

    @ag.function
    def f(x, d):
        log[1] = x + 1
        d["old"] = x            # the function gets a copy of a dict argument
        return x

    d = {"old": 1}
    with pytest.raises(LeakedTensorError, match=r"log\[1\] holds") as info:
        f(c(1.0), d)
    assert "d[" not in str(info.value)
    assert log == [0.0, 1.0] and d == {"old": 1}


def test_recording_what_traces_saw_is_allowed():
    # The tutorial's way to count traces: appending (or adding a new key) records, it does
    # not overwrite state that later calls read.
    traces = []
    seen = {}

    @ag.function
    def double(a):
        traces.append(a)
        seen[len(seen)] = a
        return a + a

    assert int(double(c(1)).numpy()) == 2
    assert float(double(c(1.5)).numpy()) == 3.0
    assert int(double(c(5)).numpy()) == 10
    assert len(traces) == 2 and len(seen) == 2


def test_object_argument():
    class Holder:
        pass

    h = Holder()

    @ag.function
    def f(x, holder):
        holder.items = [x]
        return x

    with pytest.raises(LeakedTensorError, match=r"holder\.items\[0\] holds"):
        f(c(1.0), h)
    assert not hasattr(h, "items")


GLOBAL_STATE = {"last": None}


def test_global_dict():
    @ag.function
    def f(x):
        GLOBAL_STATE["last"] = x
        return x

    with pytest.raises(LeakedTensorError, match=r"GLOBAL_STATE\['last'\] holds"):
        f(c(1.0))
    assert GLOBAL_STATE == {"last": None}


class Pair:
    def __init__(self):
        self.p = (1, 2)

    @ag.function
    def f(self, x):
        self.p = (x, 2)
        return x


def test_tensor_inside_a_tuple_restores_the_attribute():
    obj = Pair()
    with pytest.raises(LeakedTensorError, match=r"self\.p\[0\] holds"):
        obj.f(c(1.0))
    assert obj.p == (1, 2)


def test_tensor_made_in_a_staged_branch():
    class Box:
        pass

    box = Box()

    @ag.function(autograph=False)
    def f(x):
        def then():
            box.v = x * 3
            return x
        return ag.cond(x > 0, then, lambda: x)

    with pytest.raises(LeakedTensorError, match=r"box\.v holds"):
        f(c(1.0))
    assert not hasattr(box, "v")


def test_variables_returned_values_and_eager_tensors_are_fine():
    class Model:
        def __init__(self):
            self.total = ag.Variable(0.0)
            self.const = c(5.0)
            self.calls = 0

        @ag.function
        def add(self, x):
            self.total.assign_add(x)
            self.calls += 1          # a Python value changed at trace time: allowed
            return self.total.read_value() + self.const

    m = Model()
    assert float(m.add(c(1.0)).numpy()) == 6.0
    assert float(m.add(c(2.0)).numpy()) == 8.0
    assert m.calls == 1


def test_a_failed_trace_also_restores():
    obj = Fresh()

    @ag.function
    def f(x):
        obj.cache = x
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        f(c(1.0))
    assert not hasattr(obj, "cache")


class Registry:
    def __init__(self):
        self.d = {"k": []}

    @ag.function
    def f(self, x):
        self.d["k"] = [x]
        return x


def test_new_container_replacing_an_item():
    r = Registry()
    before, item = r.d, r.d["k"]
    with pytest.raises(LeakedTensorError, match=r"self\.d\['k'\]\[0\] holds"):
        r.f(c(1.0))
    assert r.d is before and r.d["k"] is item and item == []
