"""Runs every benchmark in bench/ and prints one Markdown report.

    python bench/run_all.py            # full run (about a minute)
    python bench/run_all.py --quick    # smoke run for CI (a few seconds): few rounds
    python bench/run_all.py --write-docs   # also put the report in docs/performance.md

A missed target is reported in the table ("NO"), never an error: the exit status is non-zero
when a listed benchmark is missing, cannot be imported or crashes. A benchmark that needs an
optional library (`OPTIONAL_LIBRARIES`) that is not installed is skipped with a note. The report starts with the summary of every target, then each
benchmark's own table.
"""
import argparse
import importlib
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

# Benchmark modules, in report order; each has `run(quick) -> [harness.Table]`. Every one must
# be there and import: a missing one fails the run.
MODULES = ["bench_core", "bench_operators", "bench_layers", "bench_scaling"]
# Libraries a benchmark may need without being a dependency of the project (comparisons).
OPTIONAL_LIBRARIES = ("tensorflow", "jax", "jaxlib", "catalyst", "pennylane")

DOCS = os.path.join(os.path.dirname(HERE), "docs", "performance.md")
BEGIN = "<!-- bench:begin (written by bench/run_all.py --write-docs) -->"
END = "<!-- bench:end -->"


def run(quick):
    """-> (tables, notes, failures)"""
    tables, notes, failures = [], [], []
    for name in MODULES:
        if not os.path.exists(os.path.join(HERE, name + ".py")):
            failures.append((name, "%s.py is listed in bench/run_all.py MODULES but is not in "
                                   "%s\n" % (name, HERE)))
            continue
        start = time.perf_counter()
        try:
            module = importlib.import_module(name)
            tables.extend(module.run(quick))
        except ImportError as e:
            missing = (e.name or "").partition(".")[0]
            if missing not in OPTIONAL_LIBRARIES:
                failures.append((name, traceback.format_exc()))
            else:
                notes.append("%s.py: needs %s, not installed: skipped" % (name, missing))
            continue
        except Exception:  # noqa: BLE001 - reported, and the run fails at the end
            failures.append((name, traceback.format_exc()))
            continue
        notes.append("%s.py: %.1f s" % (name, time.perf_counter() - start))
    return tables, notes, failures


def report(argv, tables, notes):
    out = [harness.header(argv), "", "### Targets", "", harness.summary(tables), ""]
    for t in tables:
        out += [t.render(), ""]
    out += ["Ran: " + "; ".join(notes) + "."]
    return "\n".join(out)


def write_docs(text, path=DOCS):
    """Replaces the text between the bench markers of docs/performance.md."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit("%s has no %r ... %r section to write into" % (path, BEGIN, END))
    doc = pattern.sub(lambda m: "%s\n%s\n%s" % (BEGIN, text, END), doc)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few rounds: a CI smoke test")
    p.add_argument("--write-docs", action="store_true",
                   help="write the report into docs/performance.md (between its markers)")
    args = p.parse_args(argv)
    harness.configure(args.quick)
    tables, notes, failures = run(args.quick)
    text = report(["bench/run_all.py"] + (["--quick"] if args.quick else []), tables, notes)
    print(text)
    for name, tb in failures:
        print("\n%s failed:\n%s" % (name, tb), file=sys.stderr)
    if failures:
        return 1
    if args.write_docs:
        write_docs(text)
        print("\nwrote %s" % os.path.relpath(DOCS), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
