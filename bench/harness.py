"""Side-by-side timing helpers: every figure is a ratio measured in one process run.

The machines this runs on are shared (other jobs, CI on 2 cores), so absolute times swing by a
factor of 2-4 within a minute. Two rules keep the ratios honest:
- `compare` interleaves the workloads it compares, round by round, so both see the same load;
- every figure is the best (minimum) over many short rounds: noise only ever adds time.
"""
import argparse
import os
import platform
import sys
import time
import timeit

import numpy as np

# Set by `configure` (from --quick): CI smoke runs use few rounds.
QUICK = False


def configure(quick):
    global QUICK
    QUICK = bool(quick)


def _budget(budget):
    if budget is not None:
        return budget
    return 0.05 if QUICK else 0.6


def best_of(fn, number=None, repeat=None):
    """Best per-call time in seconds of `fn` (see `compare`)."""
    return compare(fn, number=number, rounds=repeat)[0]


def compare(*fns, number=None, rounds=None, budget=None):
    """Best per-call time (seconds) of each of `fns`, measured in interleaved rounds.

    Each round runs every function `number` times, one after the other; the result for each
    is its fastest round. Short rounds (about a millisecond: `number` is calibrated unless
    given) and many of them (`budget` seconds per function unless `rounds` is given) find the
    machine's quiet moments: measured this way, ratios repeat within a few percent on a busy
    machine where long rounds swing by 2x. Every function is called once first (warm-up:
    caches, traces, plans).
    """
    per_call = [_calibrate(fn) for fn in fns]
    numbers = [number or max(1, int(1e-3 / t)) for t in per_call]
    if rounds is None:
        round_time = sum(n * t for n, t in zip(numbers, per_call))
        rounds = max(5, min(5000, int(_budget(budget) * len(fns) / round_time)))
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t = timeit.timeit(fn, number=numbers[i]) / numbers[i]
            if t < best[i]:
                best[i] = t
    return best


def _calibrate(fn):
    """Warms `fn` up, then estimates its time per call (seconds)."""
    fn()
    n = 1
    while True:
        t = timeit.timeit(fn, number=n)
        if t >= 2e-4 or n >= 1 << 20:
            return max(t / n, 1e-8)
        n *= 4


def parse_args(argv=None, description=None):
    p = argparse.ArgumentParser(description=description or __doc__)
    p.add_argument("--quick", action="store_true", help="few repetitions: a CI smoke test")
    return p.parse_args(argv)


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def machine():
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average %.1f at start" % os.getloadavg()[0]
    return "%s (%d cores, %s), Linux %s, Python %s, numpy %s%s" % (
        _cpu_model(), os.cpu_count() or 1, platform.machine(), platform.release(),
        platform.python_version(), np.__version__, load)


class Table:
    """Rows of (benchmark, measured, baseline, ratio, target, met) printed as Markdown.

    A row with a target says "yes" or "NO" in its last column; a missed target is reported,
    never raised: the benchmarks are not tests.
    """

    def __init__(self, title):
        self.title = title
        self.rows = []
        self.targets = []       # (name, ratio text, target text, met) for the summary

    def add(self, name, value, baseline, target=None, higher_is_better=False, unit="us"):
        ratio = value / baseline if baseline else float("nan")
        if target is None:
            ok = ""
        elif higher_is_better:
            ok = "yes" if ratio >= target else "NO"
        else:
            ok = "yes" if ratio <= target else "NO"
        tgt = "" if target is None else ("≥ %gx" % target if higher_is_better else
                                         "≤ %gx" % target)
        self.rows.append((name, _fmt(value, unit), _fmt(baseline, unit), "%.2fx" % ratio, tgt,
                          ok))
        if target is not None:
            self.targets.append((name, "%.2fx" % ratio, tgt, ok))
        return ratio

    def note(self, name, value, unit="us", target="", met=None):
        ok = "" if met is None else ("yes" if met else "NO")
        self.rows.append((name, _fmt(value, unit), "", "", target, ok))
        if met is not None:
            self.targets.append((name, _fmt(value, unit), target, ok))

    def render(self):
        out = ["### %s" % self.title, "",
               "| benchmark | measured | baseline | ratio | target | met |",
               "| --- | ---: | ---: | ---: | --- | --- |"]
        out += ["| %s |" % " | ".join(r) for r in self.rows]
        return "\n".join(out)


def summary(tables):
    """One Markdown table of every row that has a target."""
    out = ["| table | benchmark | result | target | met |", "| --- | --- | ---: | --- | --- |"]
    for t in tables:
        short = t.title.split(":")[0].split(" (")[0]
        for name, result, target, ok in t.targets:
            out.append("| %s | %s | %s | %s | %s |" % (short, name, result, target, ok))
    return "\n".join(out)


def _fmt(v, unit):
    if unit == "us":
        return "%.2f µs" % (v * 1e6)
    if unit == "ms":
        return "%.2f ms" % (v * 1e3)
    if unit == "B":
        return "%.1f KiB" % (v / 1024.0)
    return "%.3g %s" % (v, unit)


def header(argv):
    return "Command: `python %s`  \nDate: %s  \nMachine: %s" % (
        " ".join(argv), time.strftime("%Y-%m-%d %H:%M"), machine())


def main_guard(run, description=None):
    """Runs one benchmark module as a script: `run(quick)` -> list of Tables."""
    args = parse_args(description=description)
    configure(args.quick)
    tables = run(args.quick)
    print(header(sys.argv))
    print()
    for t in tables:
        print(t.render())
        print()
