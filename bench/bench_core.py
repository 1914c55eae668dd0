"""Core benchmarks (issue 7): conversion cost, the seed's sum_even five ways, while_loop
iterations and memory, and the cached ag.function call. The seed's LSTM cell is in
bench_layers.py.

Run: python bench/bench_core.py [--quick]
"""
import ast
import gc
import linecache
import os
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import autograph as ag  # noqa: E402

# --- 1. conversion ----------------------------------------------------------------------------
FUNC_TEMPLATE = '''
def f{n}(x, n):
    total = 0
    i = 0
    while i < n:
        if x > {n}:
            total += x
        elif x < 0:
            total -= 1
        else:
            total += 2
        for j in range(3):
            if j == 2:
                break
            total += j
        i += 1
    return total
'''

_serial = iter(range(10 ** 9))


def _define(source, name):
    """Defines `name` from `source` under a fresh file name registered with linecache (so
    conversion finds the text, and no two definitions share a code object)."""
    filename = "<bench-%d>" % next(_serial)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    env = {}
    exec(compile(source, filename, "exec"), env)
    return env[name]


def _big_source(k, tag):
    body = "".join("    x = x + %d\n    if x > %d:\n        x = x - 1\n" % (i, i)
                   for i in range(k // 2))
    return "def big%s(x):\n%s    return x\n" % (tag, body)


def _per_item(fn, items):
    """Mean time of `fn(item)` over `items`, with the garbage collector off as timeit does
    (the conversion of a large function allocates enough AST nodes to trigger full
    collections, whose cost depends on everything else alive in the process)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for item in items:
            fn(item)
        return (time.perf_counter() - start) / len(items)
    finally:
        if enabled:
            gc.enable()


def bench_conversion(quick):
    t = harness.Table("1. Conversion: ag.to_graph of a new function")
    rounds, chunk = (3, 3) if quick else (25, 4)
    conv = base = float("inf")
    ag.to_graph(_define(FUNC_TEMPLATE.format(n=10 ** 8), "f%d" % 10 ** 8))   # warm-up
    for r in range(rounds):
        sources = [FUNC_TEMPLATE.format(n=r * chunk + n) for n in range(chunk)]
        fns = [_define(s, "f%d" % (r * chunk + n)) for n, s in enumerate(sources)]
        base = min(base, _per_item(lambda s: compile(ast.parse(s), "<bench>", "exec"), sources))
        conv = min(conv, _per_item(ag.to_graph, fns))
    t.add("15-line function (if/elif/while/for/break): to_graph vs compile(ast.parse(src))",
          conv, base, target=5)

    small = large = float("inf")
    for r in range(2 if quick else 5):
        s_fn = _define(_big_source(100, "s%d" % r), "bigs%d" % r)
        l_fn = _define(_big_source(1000, "l%d" % r), "bigl%d" % r)
        small = min(small, _per_item(ag.to_graph, [s_fn]))
        large = min(large, _per_item(ag.to_graph, [l_fn]))
    t.add("1,000-statement vs 100-statement function (about 10x: linear)", large, small,
          target=15, unit="ms")
    return t


# --- 2. sum_even ------------------------------------------------------------------------------
def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def bench_sum_even(quick):
    t = harness.Table("2. The seed's sum_even over 4 elements")
    x = ag.constant([10, 12, 15, 20])
    floor_items = np.array([10, 12, 15, 20], dtype=np.int32)
    converted = ag.to_graph(sum_even)
    fn = ag.function(sum_even)
    g = ag.Graph()
    with g.as_default():
        op = converted(ag.constant([10, 12, 15, 20]))
    sess = ag.Session(graph=g)
    assert sess.run(op) == 42
    floor, eager, eager_conv, graph, func = harness.compare(
        lambda: sum_even(floor_items), lambda: sum_even(x), lambda: converted(x),
        lambda: sess.run(op), lambda: fn(x))
    assert int(fn(x)) == int(converted(x)) == 42
    t.note("floor: the same loop on numpy scalars in plain Python", floor)
    t.add("eager: converted vs original", eager_conv, eager, target=1.3)
    t.add("graph: Session.run vs the floor", graph, floor, target=10)
    t.add("graph speed-up: eager original vs Session.run", eager, graph, target=3,
          higher_is_better=True)
    t.add("ag.function call vs the floor", func, floor)
    return t


# --- 3. while_loop ----------------------------------------------------------------------------
def bench_while(quick):
    t = harness.Table("3. while_loop per iteration (scalar body: i + 1, s + i)")
    iters = 2000 if quick else 20000

    def np_loop(n, one=np.int64(1)):
        i = np.int64(0)
        s = np.int64(0)
        while i < n:
            s = s + i
            i = i + one
        return s

    g = ag.Graph()
    with g.as_default():
        n = ag.placeholder(ag.int64, [])
        zero = ag.constant(0, ag.int64)
        _, s = ag.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (zero, zero))
    sess = ag.Session(graph=g)
    assert sess.run(s, {n: 10}) == 45
    if True:
        graph, base = harness.compare(lambda: sess.run(s, {n: iters}),
                                      lambda: np_loop(np.int64(iters)), number=1)
        t.add("while_loop iteration vs the numpy-scalar Python loop", graph / iters,
              base / iters, target=5)

        big = 10 ** 5 if quick else 10 ** 6
        gc.collect()
        tracemalloc.start()
        sess.run(s, {n: 1000})
        small_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        assert sess.run(s, {n: big}) == big * (big - 1) // 2
        big_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        growth = max(0, big_peak - small_peak)
        t.note("peak memory growth: %s vs 1,000 iterations" % format(big, ","), growth,
               unit="B", target="flat (< 64 KiB)", met=growth < 64 * 1024)
    return t


# --- 4. cached ag.function call ---------------------------------------------------------------
def bench_function_call(quick):
    t = harness.Table("4. Cached ag.function call of `x + 1` (float32 scalar)")

    @ag.function
    def tiny(x):
        return x + 1

    x = ag.constant(1.0)
    a = np.float32(1.0)
    call, base = harness.compare(lambda: tiny(x), lambda: np.add(a, a))
    t.add("cached call vs one np.add call", call, base)
    t.note("cached call, absolute", call, target="≤ 25 µs", met=call <= 25e-6)
    return t


def run(quick):
    return [bench_conversion(quick), bench_sum_even(quick), bench_while(quick),
            bench_function_call(quick)]


if __name__ == "__main__":
    harness.main_guard(run, __doc__)
