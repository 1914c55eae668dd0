"""Where conversion time goes: wall time per pipeline stage, then a cProfile of the same work.

    python bench/profile_conversion.py            # the 15-line function of bench_core
    python bench/profile_conversion.py --big 1000 # a function of 1,000 statements

Stage times come from wrapping the stage functions (no profiler running, garbage collector
off as timeit does), so they add up to the measured total; the cProfile listing that follows
inflates Python-heavy code but ranks the functions to look at.
"""
import argparse
import collections
import cProfile
import gc
import io
import os
import pstats
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_core import FUNC_TEMPLATE, _big_source, _define  # noqa: E402

import autograph as ag  # noqa: E402
from autograph import api  # noqa: E402
from autograph.converters import pipeline  # noqa: E402
from autograph.pyct import loader, parser  # noqa: E402

_serial = iter(range(10 ** 9))


def _fresh(big):
    n = next(_serial)
    if big:
        return _define(_big_source(big, "p%d" % n), "bigp%d" % n)
    return _define(FUNC_TEMPLATE.format(n=10 ** 7 + n), "f%d" % (10 ** 7 + n))


def stage_times(big, count):
    times = collections.defaultdict(float)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[name] += time.perf_counter() - start
        return wrapper

    saved = (pipeline.PIPELINE, api.parser.parse_entity, api.loader.compile_function)
    pipeline.PIPELINE = tuple((n, timed("converter " + n, f)) for n, f in pipeline.PIPELINE)
    api.parser.parse_entity = timed("parse (source -> gast)", parser.parse_entity)
    api.loader.compile_function = timed("compile (gast -> ast -> code)", loader.compile_function)
    try:
        fns = [_fresh(big) for _ in range(count + 1)]
        ag.to_graph(fns.pop())          # warm-up: imports, templates
        times.clear()
        gc.disable()
        start = time.perf_counter()
        for fn in fns:
            ag.to_graph(fn)
        total = time.perf_counter() - start
    finally:
        gc.enable()
        pipeline.PIPELINE, api.parser.parse_entity, api.loader.compile_function = saved
    return total / count, {k: v / count for k, v in times.items()}


def profile(big, count, top):
    fns = [_fresh(big) for _ in range(count)]
    prof = cProfile.Profile()
    prof.enable()
    for fn in fns:
        ag.to_graph(fn)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    by_file = collections.Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        by_file[filename.split("autograph" + os.sep)[-1]] += tottime
    lines = ["self time by file (cProfile):"]
    lines += ["  %5.1f%%  %s" % (100 * t / stats.total_tt, f) for f, t in by_file.most_common(10)]
    stats.sort_stats("tottime").print_stats(top)
    return "\n".join(lines) + "\n" + out.getvalue()


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--big", type=int, default=0, help="statements in a generated function")
    p.add_argument("--count", type=int, default=0, help="functions to convert")
    p.add_argument("--top", type=int, default=25, help="functions listed by the profile")
    args = p.parse_args()
    count = args.count or (2 if args.big >= 500 else 5 if args.big else 30)
    total, stages = stage_times(args.big, count)
    what = "%d-statement function" % args.big if args.big else "15-line function"
    print("%s: %.2f ms per conversion (mean of %d, gc off)" % (what, total * 1e3, count))
    for name, t in sorted(stages.items(), key=lambda kv: -kv[1]):
        if t >= 0.005 * total:
            print("  %-40s %8.2f ms  %5.1f%%" % (name, t * 1e3, 100 * t / total))
    rest = total - sum(stages.values())
    print("  %-40s %8.2f ms  %5.1f%%" % ("other (cache, loader.new_function, ...)",
                                          rest * 1e3, 100 * rest / total))
    print()
    print(profile(args.big, count, args.top))


if __name__ == "__main__":
    main()
