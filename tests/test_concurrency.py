"""Eight threads converting, tracing and calling at once must get correct results.

The default-graph stack is per thread (a `with ag.Graph().as_default():` in one thread does
not capture another thread's ops), and the conversion and trace caches are shared and locked
(no lost or duplicated traces, no half-built entries seen by another thread).
"""
import os
import sys
import threading
import traceback

import numpy as np
import pytest

import autograph as ag
from samples import collatz_steps, sum_even

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz'))
import fuzzgen  # noqa: E402  (tests/fuzz/fuzzgen.py: the differential fuzzer)

THREADS = 8


def run_threads(target, n=THREADS, timeout=300):
    """Runs target(i) in n threads started together; re-raises the first failure. `timeout`
    (seconds per join, None: no limit) makes a hang fail instead of blocking."""
    barrier = threading.Barrier(n)
    errors = []
    results = [None] * n

    def body(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException:  # noqa: BLE001 - reported below with the thread's traceback
            errors.append((i, traceback.format_exc()))

    threads = [threading.Thread(target=body, args=(i,), name='worker-%d' % i)
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), 'a thread hangs'
    assert not errors, '\n'.join('thread %d:\n%s' % e for e in errors)
    return results


@pytest.fixture(autouse=True)
def _switch_often():
    # Switch threads every few bytecodes so races show up in a short test.
    old = sys.getswitchinterval()
    sys.setswitchinterval(2e-4)
    yield
    sys.setswitchinterval(old)


def test_threads_convert_the_same_functions():
    def work(i):
        g = ag.to_graph(collatz_steps)
        code = ag.to_code(sum_even)
        return g, code, [g(n) for n in range(1, 30)], ag.to_graph(sum_even)([i, 2, 4, 7])

    results = run_threads(work)
    assert len({r[0].__code__ for r in results}) == 1     # one conversion, shared
    assert len({r[1] for r in results}) == 1
    for i, (_, _, steps, even) in enumerate(results):
        assert steps == [collatz_steps(n) for n in range(1, 30)]
        assert even == sum_even([i, 2, 4, 7])


def countdown(n):
    while n > 0:
        n -= 1
    return n


def test_threads_converting_one_function_get_the_same_object():
    results = run_threads(lambda i: ag.to_graph(countdown))
    assert len({id(r) for r in results}) == 1
    assert results[0] is ag.to_graph(countdown)


def test_threads_trace_and_call_one_shared_function():
    fn = ag.function(collatz_steps)

    def work(i):
        return [(n, int(fn(ag.constant(n)).numpy())) for n in range(1 + i, 40, THREADS)]

    for pairs in run_threads(work):
        for n, steps in pairs:
            assert steps == collatz_steps(n)
    assert fn.experimental_get_tracing_count() == 1      # one signature, one trace


def test_threads_trace_distinct_signatures_of_one_function():
    def scale_sum(x, k):
        s = ag.zeros_like(x)
        for _ in range(k):
            s = s + x
        return ag.reduce_sum(s)

    fn = ag.function(scale_sum)

    def work(i):
        out = []
        for size in (1, 2, 3, 4):
            x = np.arange(size, dtype=np.float32) + i
            out.append((x, float(fn(ag.constant(x), ag.constant(3)).numpy())))
        return out

    for pairs in run_threads(work):
        for x, got in pairs:
            assert got == pytest.approx(3 * x.sum())
    # shapes (1,), (2,), (3,), (4,) with the same dtype: at most one trace per shape, and
    # after relaxing, fewer; never one per thread.
    assert 1 <= fn.experimental_get_tracing_count() <= 4


def test_default_graph_stack_is_per_thread():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def builder():
        g = ag.Graph()
        with g.as_default():
            seen['builder'] = ag.get_default_graph() is g
            ag.constant(1.0, name='mine')
            inside.set()
            release.wait(10)
        seen['builder_after'] = ag.get_default_graph()

    t = threading.Thread(target=builder)
    t.start()
    assert inside.wait(10)
    try:
        # The other thread is inside its `with`: this thread still runs eagerly.
        assert ag.get_default_graph() is None and ag.executing_eagerly()
        x = ag.constant(2.0) * 3.0
        assert float(x.numpy()) == 6.0
        with ag.Graph().as_default() as mine:
            assert ag.get_default_graph() is mine
    finally:
        release.set()
        t.join(10)
    assert seen == {'builder': True, 'builder_after': None}


def test_threads_build_graphs_and_sessions():
    def work(i):
        g = ag.Graph()
        with g.as_default():
            x = ag.placeholder(ag.int32, shape=[], name='x')
            y = ag.to_graph(collatz_steps)(x)
            assert ag.get_default_graph() is g
            names = {op.name for op in g.operations}
            with ag.Session() as sess:
                values = [int(sess.run(y, feed_dict={x: n})) for n in (i + 1, i + 7)]
        assert ag.get_default_graph() is None
        return names, values

    for i, (_names, values) in enumerate(run_threads(work)):
        assert values == [collatz_steps(i + 1), collatz_steps(i + 7)]


def test_threads_update_one_variable_without_losing_updates():
    v = ag.Variable(0)

    @ag.function
    def bump(n):
        for _ in range(n):
            v.assign_add(1)
        return v.read_value()

    def work(i):
        for _ in range(50):
            bump(ag.constant(3))        # in a traced graph
            v.assign_add(1)             # eagerly
            v.assign_sub(1)
        return int(v.numpy())

    run_threads(work)
    assert int(v.numpy()) == THREADS * 50 * 3
    assert bump.experimental_get_tracing_count() == 1


def test_threads_with_their_own_variables_and_functions():
    def work(i):
        v = ag.Variable(float(i))

        @ag.function
        def step(x):
            if x > 0:
                v.assign_add(x)
            else:
                v.assign_sub(x)
            return v.read_value()

        for k in range(-3, 4):
            step(ag.constant(float(k)))
        return float(v.numpy())

    assert run_threads(work) == [i + 12.0 for i in range(THREADS)]


def test_threads_run_fuzz_programs():
    # The differential fuzzer from 8 threads at once: every program's outcome in every mode
    # (its failures, which documented errors the tensor modes raised, or why it was skipped)
    # must be the one it has single-threaded, and that one a pass. Nothing here reads a clock:
    # the per-program alarm is off (timeout=0; it only ever ran in the main thread) and the
    # threads are joined without a time limit, so a loaded machine is slower, never red.
    def outcome(seed):
        o = fuzzgen.check(fuzzgen.generate(seed), timeout=0)
        return (o.skipped, sorted(o.failures), sorted(o.documented.items()), o.report())

    seeds = [range(1000 + 10 * i, 1000 + 10 * i + 10) for i in range(THREADS)]
    alone = {seed: outcome(seed) for batch in seeds for seed in batch}
    for skipped, failures, _, report in alone.values():
        assert skipped is None and not failures, report

    def work(i):
        return [(seed, outcome(seed)) for seed in seeds[i]]

    for results in run_threads(work, timeout=None):
        for seed, got in results:
            assert got[:3] == alone[seed][:3], (got[3], alone[seed][3])
