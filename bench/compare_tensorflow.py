"""The core workloads through autograph and through TensorFlow, side by side, in one process.

Needs TensorFlow (`pip install tensorflow-cpu`, best in a separate venv that also has this
project installed: `python -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu
-e .`). Without it, this prints a note and exits 0. Every figure is a ratio measured side by
side (see harness.compare); the last column compares the two systems' ratios.

Run: python bench/compare_tensorflow.py [--quick]
"""
import ast
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from bench_core import FUNC_TEMPLATE, _define, _per_item, sum_even  # noqa: E402

import autograph as ag  # noqa: E402


def _import_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf
    except ImportError:
        return None
    tf.get_logger().setLevel("ERROR")
    tf.autograph.set_verbosity(0)
    return tf


class Rows:
    """| workload | autograph | TensorFlow | TF / autograph |"""

    def __init__(self):
        self.rows = []

    def add(self, name, ours, theirs, unit="x", lower_is_better=True):
        if unit == "x":
            a, b = "%.2fx" % ours, "%.2fx" % theirs
        else:
            a, b = "%.2f µs" % (ours * 1e6), "%.2f µs" % (theirs * 1e6)
        adv = theirs / ours if lower_is_better else ours / theirs
        self.rows.append((name, a, b, "%.1f" % adv))

    def render(self):
        out = ["| workload | autograph | TensorFlow | advantage (TF / autograph) |",
               "| --- | ---: | ---: | ---: |"]
        out += ["| %s |" % " | ".join(r) for r in self.rows]
        return "\n".join(out)


def conversion(tf, rows, quick):
    # Rounds of fresh functions (conversions are cached per function), interleaved; the best
    # round of each.
    rounds, chunk = (1, 2) if quick else (5, 3)
    base = t_ag = t_tf = float("inf")
    warm = FUNC_TEMPLATE.format(n=999)
    ag.to_graph(_define(warm, "f999"))             # first-use costs: imports, templates
    tf.autograph.to_graph(_define(warm, "f999"))
    for r in range(rounds):
        n0 = 10 ** 6 + 3 * chunk * r
        sources = [FUNC_TEMPLATE.format(n=n0 + i) for i in range(2 * chunk)]
        ours = [_define(s, "f%d" % (n0 + i)) for i, s in enumerate(sources[:chunk])]
        theirs = [_define(s, "f%d" % (n0 + chunk + i)) for i, s in enumerate(sources[chunk:])]
        base = min(base, _per_item(lambda s: compile(ast.parse(s), "<bench>", "exec"), sources))
        t_ag = min(t_ag, _per_item(ag.to_graph, ours))
        t_tf = min(t_tf, _per_item(tf.autograph.to_graph, theirs))
    rows.add("conversion of a 15-line function vs compile(ast.parse(src))", t_ag / base,
             t_tf / base)
    rows.add("conversion, absolute", t_ag, t_tf, unit="us")


def sum_even_workloads(tf, rows, quick):
    floor_items = np.array([10, 12, 15, 20], dtype=np.int32)
    # autograph
    x = ag.constant([10, 12, 15, 20])
    conv = ag.to_graph(sum_even)
    fn = ag.function(sum_even)
    g = ag.Graph()
    with g.as_default():
        op = conv(ag.constant([10, 12, 15, 20]))
    sess = ag.Session(graph=g)
    # TensorFlow
    tx = tf.constant([10, 12, 15, 20])
    tconv = tf.autograph.to_graph(sum_even)
    tfn = tf.function(sum_even)
    tg = tf.Graph()
    with tg.as_default():
        top = tconv(tf.constant([10, 12, 15, 20]))
    tsess = tf.compat.v1.Session(graph=tg)
    assert int(sess.run(op)) == int(tsess.run(top)) == int(fn(x)) == int(tfn(tx)) == 42
    (floor, e_ag, ec_ag, s_ag, f_ag, e_tf, ec_tf, s_tf, f_tf) = harness.compare(
        lambda: sum_even(floor_items),
        lambda: sum_even(x), lambda: conv(x), lambda: sess.run(op), lambda: fn(x),
        lambda: sum_even(tx), lambda: tconv(tx), lambda: tsess.run(top), lambda: tfn(tx))
    rows.add("sum_even: eager, converted vs original", ec_ag / e_ag, ec_tf / e_tf)
    rows.add("sum_even: Session.run vs numpy-scalar floor", s_ag / floor, s_tf / floor)
    rows.add("sum_even: function call vs numpy-scalar floor", f_ag / floor, f_tf / floor)
    rows.add("sum_even: graph speed-up (eager original / Session.run)", e_ag / s_ag,
             e_tf / s_tf, lower_is_better=False)
    rows.add("sum_even: eager original, absolute", e_ag, e_tf, unit="us")
    rows.add("sum_even: Session.run, absolute", s_ag, s_tf, unit="us")
    tsess.close()


def while_loop(tf, rows, quick):
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
        z = ag.constant(0, ag.int64)
        _, s = ag.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (z, z))
    sess = ag.Session(graph=g)
    tg = tf.Graph()
    with tg.as_default():
        tn = tf.compat.v1.placeholder(tf.int64, [])
        tz = tf.constant(0, tf.int64)
        _, ts = tf.while_loop(lambda i, s: i < tn, lambda i, s: (i + 1, s + i), (tz, tz))
    tsess = tf.compat.v1.Session(graph=tg)
    assert sess.run(s, {n: 10}) == tsess.run(ts, {tn: 10}) == 45
    t_ag, t_tf, base = harness.compare(lambda: sess.run(s, {n: iters}),
                                       lambda: tsess.run(ts, {tn: iters}),
                                       lambda: np_loop(np.int64(iters)), number=1)
    rows.add("while_loop iteration vs numpy-scalar loop", t_ag / base, t_tf / base)
    tsess.close()


def function_call(tf, rows, quick):
    @ag.function
    def tiny(x):
        return x + 1

    @tf.function
    def ttiny(x):
        return x + 1

    x = ag.constant(1.0)
    tx = tf.constant(1.0)
    a = np.float32(1.0)
    t_ag, t_tf, base = harness.compare(lambda: tiny(x), lambda: ttiny(tx),
                                       lambda: np.add(a, a))
    rows.add("cached function call of `x + 1` vs np.add", t_ag / base, t_tf / base)
    rows.add("cached function call of `x + 1`, absolute", t_ag, t_tf, unit="us")


def lstm(tf, rows, quick):
    cell = ag.layers.LSTMCell(10)
    fn = ag.function(lambda i, s: cell(i, s))
    inputs, state = ag.ones([10, 10]), [ag.zeros([10, 10])] * 2
    tcell = tf.keras.layers.LSTMCell(10)
    tfn = tf.function(lambda i, s: tcell(i, s))
    tinputs, tstate = tf.ones([10, 10]), [tf.zeros([10, 10])] * 2
    e_ag, f_ag, e_tf, f_tf = harness.compare(
        lambda: cell(inputs, state), lambda: fn(inputs, state),
        lambda: tcell(tinputs, tstate), lambda: tfn(tinputs, tstate))
    rows.add("LSTM cell: speed-up of the function over eager", e_ag / f_ag, e_tf / f_tf,
             lower_is_better=False)
    rows.add("LSTM cell: eager, absolute", e_ag, e_tf, unit="us")
    rows.add("LSTM cell: function call, absolute", f_ag, f_tf, unit="us")


DOCS = os.path.join(os.path.dirname(HERE), "docs", "performance.md")
BEGIN, END = "<!-- tf:begin -->", "<!-- tf:end -->"


def write_docs(text, path=DOCS):
    """Replaces the text between the tf markers of docs/performance.md."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc[:start] + "\n" + text + "\n" + doc[end:])


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few rounds: a smoke test")
    p.add_argument("--write-docs", action="store_true",
                   help="write the table into docs/performance.md (between its tf markers)")
    args = p.parse_args()
    harness.configure(args.quick)
    tf = _import_tf()
    if tf is None:
        print("TensorFlow is not installed in this Python (%s); nothing to compare. See the "
              "docstring of bench/compare_tensorflow.py." % sys.executable)
        return 0
    rows = Rows()
    start = time.perf_counter()
    for workload in (conversion, sum_even_workloads, while_loop, function_call, lstm):
        workload(tf, rows, args.quick)
    text = "\n".join([
        harness.header(["bench/compare_tensorflow.py"] + (["--quick"] if args.quick else [])),
        "TensorFlow %s (its run took %.0f s)" % (tf.__version__, time.perf_counter() - start),
        "", "Ratios are each system against the same baseline; the last column is how many "
        "times better autograph's figure is (> 1: autograph leads).", "", rows.render()])
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
