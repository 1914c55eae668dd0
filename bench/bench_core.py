"""Core benchmarks: conversion cost, the seed's sum_even four ways, while_loop iterations and
the cached ag.function call. Run: python bench/bench_core.py [--quick]"""
import ast
import linecache
import os
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import autograph as ag  # noqa: E402

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


def _define(source, name, filename):
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    env = {}
    exec(compile(source, filename, "exec"), env)
    return env[name]


def bench_conversion(quick):
    t = harness.Table("1. Conversion (ag.to_graph of a new 15-line function)")
    count = 20 if quick else 200
    sources = [FUNC_TEMPLATE.format(n=n) for n in range(count)]
    fns = [_define(s, "f%d" % n, "<bench-conv-%d>" % n) for n, s in enumerate(sources)]
    start = time.perf_counter()
    for s in sources:
        compile(ast.parse(s), "<bench>", "exec")
    base = (time.perf_counter() - start) / count
    start = time.perf_counter()
    for fn in fns:
        ag.to_graph(fn)
    conv = (time.perf_counter() - start) / count
    t.add("to_graph vs compile(ast.parse(src))", conv, base, target=5)

    def big(k):
        body = "".join("    x = x + %d\n    if x > %d:\n        x = x - 1\n" % (i, i)
                       for i in range(k // 2))
        src = "def big%d(x):\n%s    return x\n" % (k, body)
        return _define(src, "big%d" % k, "<bench-big-%d>" % k)
    small, large = big(100), big(1000)
    t0 = time.perf_counter()
    ag.to_graph(small)
    t1 = time.perf_counter()
    ag.to_graph(large)
    t2 = time.perf_counter()
    t.add("1,000-statement vs 100-statement function", t2 - t1, t1 - t0, target=15,
          unit="ms")
    return t


def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def bench_sum_even(quick):
    t = harness.Table("2. The seed's sum_even over 4 elements")
    n = 200 if quick else 2000
    x = ag.constant([10, 12, 15, 20])
    floor_items = np.array([10, 12, 15, 20], dtype=np.int32)
    converted = ag.to_graph(sum_even)
    fn = ag.function(sum_even)
    floor = harness.best_of(lambda: sum_even(floor_items), n)
    eager = harness.best_of(lambda: sum_even(x), n)
    eager_conv = harness.best_of(lambda: converted(x), n)
    with ag.Graph().as_default(), ag.Session() as sess:
        op = converted(ag.constant([10, 12, 15, 20]))
        graph = harness.best_of(lambda: sess.run(op), n)
    func = harness.best_of(lambda: fn(x), n)
    t.note("floor: same loop on numpy scalars", floor)
    t.add("eager, converted vs eager, original", eager_conv, eager, target=1.3)
    t.add("graph (Session.run) vs floor", graph, floor, target=10)
    t.add("eager original vs graph (Session.run): graph speed-up", eager, graph, target=3,
          higher_is_better=True)
    t.add("ag.function vs floor", func, floor)
    return t


def bench_while(quick):
    t = harness.Table("3. while_loop per iteration (scalar body)")
    iters = 2000 if quick else 20000

    def np_loop(n, one=np.int32(1)):
        i = np.int32(0)
        s = np.int32(0)
        while i < n:
            s = s + i
            i = i + one
        return s

    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, [])
        _, s = ag.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0))
        sess = ag.Session()
        graph = harness.best_of(lambda: sess.run(s, {n: iters}), 1, repeat=3) / iters
        base = harness.best_of(lambda: np_loop(np.int32(iters)), 1, repeat=3) / iters
        t.add("while_loop iteration vs numpy-scalar Python loop", graph, base, target=5)
        big = 10 ** 5 if quick else 10 ** 6
        tracemalloc.start()
        sess.run(s, {n: 1000})
        small_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        sess.run(s, {n: big})
        big_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        t.note("peak memory growth: %d vs 1,000 iterations" % big, big_peak - small_peak,
               unit="B", target="flat (< 64 KiB)")
    return t


def bench_function_call(quick):
    t = harness.Table("4. Cached ag.function call of `x + 1`")
    n = 2000 if quick else 20000

    @ag.function
    def tiny(x):
        return x + 1

    x = ag.constant(1.0)
    a = np.float32(1.0)
    call = harness.best_of(lambda: tiny(x), n)
    base = harness.best_of(lambda: np.add(a, a), n)
    t.add("cached call vs one np.add", call, base)
    t.note("cached call, absolute", call, target="≤ 25 µs")
    return t


def run(quick):
    return [bench_conversion(quick), bench_sum_even(quick), bench_while(quick),
            bench_function_call(quick)]


if __name__ == "__main__":
    harness.main_guard(run)
