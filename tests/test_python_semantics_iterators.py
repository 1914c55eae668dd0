"""Converted `for` loops call `next()` exactly when and as often as Python does.

Each case runs the original function and its conversion on an iterator that records every
`__next__` call (and what the loop body saw), and compares the two logs.
"""
import itertools
import queue

import pytest

import autograph as ag
from source_helpers import make_function


class Recorder:
    """An iterator over `items` that logs each `__next__` call."""

    def __init__(self, items, log):
        self.items = list(items)
        self.pos = 0
        self.log = log

    def __iter__(self):
        return self

    def __next__(self):
        self.log.append(("next", self.pos))
        if self.pos >= len(self.items):
            raise StopIteration
        self.pos += 1
        return self.items[self.pos - 1]


def both(source, make_args, name=None):
    """(result, log) of the original and of the converted function."""
    fn = make_function(source, name)
    out = []
    for f in (fn, ag.to_graph(fn)):
        log = []
        out.append((f(*make_args(log)), log))
    return out


BREAK = """
def f(it, log):
    for x in it:
        log.append(("body", x))
        if x == 2:
            break
    return list(it)
"""

BREAK_ELSE = """
def f(it, log):
    for x in it:
        log.append(("body", x))
        if x == limit:
            break
    else:
        log.append("else")
    return list(it)
"""

CONTINUE_BREAK = """
def f(it, log):
    total = 0
    for x in it:
        if x % 2:
            continue
        total += x
        if total > 4:
            break
        log.append(("body", x))
    return total, list(it)
"""

RETURN = """
def f(it, log):
    for x in it:
        log.append(("body", x))
        if x == 3:
            return x
    return None
"""

NESTED_SHARED = """
def f(it, log):
    pairs = []
    for a in it:
        for b in it:
            pairs.append((a, b))
            if b % 3 == 0:
                break
        if a > 5:
            break
    return pairs, list(it)
"""

NESTED_RETURN = """
def f(it, log):
    for a in it:
        for b in it:
            if a + b > 7:
                return (a, b)
    return None
"""


@pytest.mark.parametrize("source", [BREAK, CONTINUE_BREAK, RETURN, NESTED_SHARED,
                                    NESTED_RETURN])
@pytest.mark.parametrize("n", [0, 1, 3, 10])
def test_next_calls_match_python(source, n):
    (r0, log0), (r1, log1) = both(
        source, lambda log: (Recorder(range(n), log), log))
    assert r1 == r0
    assert log1 == log0


@pytest.mark.parametrize("limit", [1, 3, 99])
def test_for_else_next_calls_match_python(limit):
    fn = make_function(BREAK_ELSE, namespace={"limit": limit})
    logs = []
    for f in (fn, ag.to_graph(fn)):
        log = []
        logs.append((f(Recorder(range(5), log), log), log))
    assert logs[1] == logs[0]


def test_rest_of_iterator_after_break():
    def rest(lines):
        it = iter(lines)
        for line in it:
            if line == "---":
                break
        return list(it)

    assert rest(["a", "---", "b", "c"]) == ["b", "c"]
    assert ag.to_graph(rest)(["a", "---", "b", "c"]) == ["b", "c"]


def test_generator_side_effects_in_order():
    def gen(log):
        for i in range(5):
            log.append("produce %d" % i)
            yield i

    def f(log):
        for x in gen(log):
            log.append("consume %d" % x)
            if x == 1:
                break
        log.append("after")

    logs = []
    for fn in (f, ag.to_graph(f)):
        log = []
        fn(log)
        logs.append(log)
    assert logs[1] == logs[0]
    assert "produce 2" not in logs[1]


@pytest.mark.parametrize("wrap", ["zip", "enumerate", "map"])
def test_builtin_iterators_run_no_extra_step(wrap):
    source = """
def f(log):
    def produce():
        for i in range(6):
            log.append(i)
            yield i
    for item in %s:
        if log[-1] == 2:
            break
    return list(log)
""" % {"zip": "zip(produce(), produce())", "enumerate": "enumerate(produce())",
       "map": "map(abs, produce())"}[wrap]
    (r0, _), (r1, _) = both(source, lambda log: (log,))
    assert r1 == r0


def test_file_loop_then_read(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("a\n---\nb\nc\n")

    def f(p):
        with open(p) as fh:
            for line in fh:
                if line.strip() == "---":
                    break
            return fh.read()

    assert f(path) == "b\nc\n"
    assert ag.to_graph(f)(path) == "b\nc\n"


def test_dict_mutated_then_return():
    def pop_first(d):
        for k in d:
            del d[k]
            return k

    d0, d1 = {"a": 1, "b": 2}, {"a": 1, "b": 2}
    assert pop_first(d0) == ag.to_graph(pop_first)(d1) == "a"
    assert d0 == d1 == {"b": 2}


def test_iter_callable_sentinel_does_not_block():
    def first_message(q):
        for msg in iter(q.get, None):
            return msg
        return None

    q = queue.Queue()
    q.put("hello")
    # A further q.get() would block forever: the loop must not call next() after `return`.
    assert ag.to_graph(first_message)(q) == "hello"
    assert q.empty()


def test_infinite_count_with_break_python_values():
    def first_square_over(limit):
        for i in itertools.count():
            if i * i > limit:
                break
        return i

    assert ag.to_graph(first_square_over)(50) == first_square_over(50) == 8


def test_infinite_count_with_python_break_under_function():
    @ag.function
    def f(x):
        for i in itertools.count():
            x = x + 1.0
            if i >= 3:
                break
        return x

    assert float(f(ag.constant(0.0)).numpy()) == 4.0


class RecordedIterable:
    """An iterable whose iterators log their `__next__` calls."""

    def __init__(self, items, log):
        self.items, self.log = items, log

    def __iter__(self):
        return Recorder(self.items, self.log)


def test_next_calls_under_function_with_python_iterable():
    log = []

    def body(it, x):
        for v in it:
            x = x + v
            if v == 2:
                break
        log.append("done")
        return x

    logs = []
    for fn in (body, ag.function(body)):
        del log[:]
        out = fn(RecordedIterable([1.0, 2.0, 3.0, 4.0], log), ag.constant(0.0))
        logs.append((float(out.numpy()), list(log)))
    assert logs[1] == logs[0]
    assert logs[0][1] == [("next", 0), ("next", 1), "done"]


# --- a Python loop whose break condition becomes a graph tensor midway ---------------------

def _sum_until(items, x):
    s = 0
    for k in items:
        s += k
        if x < k:
            break
    return s


@pytest.mark.parametrize("kind", ["list", "range", "generator", "iterator"])
@pytest.mark.parametrize("x", [-1, 1, 9])
def test_break_on_tensor_midway_matches_eager(kind, x):
    make = {"list": lambda: [0, 1, 2, 3],
            "range": lambda: range(4),
            "generator": lambda: (v for v in range(4)),
            "iterator": lambda: iter([0, 1, 2, 3])}[kind]
    f = ag.function(lambda x: _sum_until(make(), x))
    assert int(f(ag.constant(x)).numpy()) == _sum_until(make(), x)


def test_break_on_tensor_over_endless_iterator_is_an_error():
    @ag.function
    def f(x):
        s = 0
        for k in itertools.count():
            s += k
            if x < k:
                break
        return s

    with pytest.raises(TypeError, match=r"endless.*itertools\.count") as info:
        f(ag.constant(3))
    assert "test_python_semantics_iterators.py" in str(info.value)


def test_break_flag_already_a_tensor_before_the_first_item():
    # The inner loop starts with the outer `return` flag already a graph tensor: the whole
    # inner loop is staged, and its items are read once.
    log = []

    def f(x):
        for a in range(3):
            if x < a:
                return a
            for b in Recorder([1, 2], log):
                x = x + b
        return -1

    g = ag.function(f)
    assert int(g(ag.constant(0)).numpy()) == f(0)


@pytest.mark.parametrize("items", [[8], (8,), "generator"])
def test_return_on_tensor_in_the_last_iteration(items):
    # The stop flag becomes a tensor after the last item: nothing is left to stage.
    def f(a, xs):
        v = a
        for e in xs:
            if v > 3:
                return v * 2
            v += e
        return v

    make = (lambda: (x for x in [8])) if items == "generator" else (lambda: items)
    g = ag.function(lambda a: f(a, make()))
    for a in (1, 5):
        assert int(g(ag.constant(a)).numpy()) == f(a, make())


@pytest.mark.parametrize("source", [BREAK, CONTINUE_BREAK, RETURN, NESTED_SHARED,
                                    NESTED_RETURN])
def test_next_calls_match_python_under_function(source):
    # The iterable is a Python iterable: the loop is unrolled while tracing, with exactly the
    # original's next() calls; the function also takes a tensor so that it is really traced.
    fn = make_function(source, "f")
    log0 = []
    fn(Recorder(range(10), log0), log0)
    log1 = []
    traced = ag.function(lambda x: (fn(Recorder(range(10), log1), log1), x + 1))
    traced(ag.constant(1))
    assert log1 == log0
