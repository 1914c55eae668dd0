"""Side-by-side timing helpers: every figure is a ratio measured in one process run."""
import argparse
import platform
import sys
import time
import timeit

import numpy as np


def best_of(fn, number, repeat=5):
    """Best per-call time in seconds over `repeat` rounds of `number` calls."""
    fn()  # warm up (caches, traces, plans)
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="few repetitions: a CI smoke test")
    return p.parse_args(argv)


def machine():
    return "%s, Python %s, numpy %s, %s" % (platform.machine(), platform.python_version(),
                                             np.__version__, platform.processor() or "cpu")


class Table:
    """Rows of (benchmark, measured, baseline, ratio, target, ok) printed as Markdown."""

    def __init__(self, title):
        self.title = title
        self.rows = []

    def add(self, name, value, baseline, target=None, higher_is_better=False, unit="us"):
        ratio = value / baseline if baseline else float("nan")
        if target is None:
            ok = ""
        elif higher_is_better:
            ok = "yes" if ratio >= target else "NO"
        else:
            ok = "yes" if ratio <= target else "NO"
        tgt = "" if target is None else ("≥ %gx" if higher_is_better else "≤ %gx") % target
        self.rows.append((name, _fmt(value, unit), _fmt(baseline, unit), "%.2fx" % ratio, tgt,
                          ok))
        return ratio

    def note(self, name, value, unit="us", target=""):
        self.rows.append((name, _fmt(value, unit), "", "", target, ""))

    def render(self):
        out = ["### %s" % self.title, "",
               "| benchmark | measured | baseline | ratio | target | met |",
               "| --- | ---: | ---: | ---: | --- | --- |"]
        out += ["| %s |" % " | ".join(r) for r in self.rows]
        return "\n".join(out)


def _fmt(v, unit):
    if unit == "us":
        return "%.2f µs" % (v * 1e6)
    if unit == "ms":
        return "%.2f ms" % (v * 1e3)
    return "%.3g %s" % (v, unit)


def header(argv):
    return "Command: `python %s`  \nDate: %s  \nMachine: %s" % (
        " ".join(argv), time.strftime("%Y-%m-%d"), machine())


def main_guard(run):
    args = parse_args()
    tables = run(args.quick)
    print(header(sys.argv))
    print()
    for t in tables:
        print(t.render())
        print()
