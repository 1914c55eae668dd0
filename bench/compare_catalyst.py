"""The six JAX workloads through Catalyst's AutoGraph and through autograph, side by side.

Catalyst (`pip install pennylane-catalyst`) is PennyLane's compiler; `qjit(autograph=True)`
converts Python control flow with its own AutoGraph (built on diastatic-malt) and compiles the
program with its own MLIR pipeline. It is a large peer with its own jax pin, so it is not a
dependency of this project, not in its extras and not in CI: install it in a separate venv
that also has this project (`python -m venv /tmp/catvenv && /tmp/catvenv/bin/pip install
pennylane-catalyst && /tmp/catvenv/bin/pip install --no-deps -e .`). Without it, this prints a
note and exits 0.

Per workload of tests/jax/workloads.py:
- which routes convert and run it correctly (the result compared with the plain Python
  function on numpy values): Catalyst's `qjit(autograph=True)(f)`, `jax.jit` of that,
  `jax.jit(catalyst.autograph.run_autograph(f))`, `jax.jit` of PennyLane's capture route
  (`qml.capture.run_autograph` with capture enabled), ours (`jax.jit(ag.to_graph(f))`);
- first call (a new function under a new name each round: conversion + trace + compile)
  and steady call of Catalyst's qjit, ours and the hand-written `lax` version under
  `jax.jit`;
- for the differentiable workloads, the gradient: `jax.grad(qjit(...))`,
  `qjit(catalyst.grad(f))`, `jax.jit(jax.grad(ag.to_graph(f)))`, hand-written.

Run: python bench/compare_catalyst.py [--quick] [--write-docs]
"""
import inspect
import linecache
import os
import re
import sys
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "jax"))

DOCS = os.path.join(ROOT, "docs", "performance.md")
BEGIN, END = "<!-- catalyst:begin -->", "<!-- catalyst:end -->"


def _import_catalyst():
    try:
        import catalyst
        from catalyst import qjit
    except ImportError:
        return None
    return catalyst, qjit


def _short(exc):
    """The error in one table cell: its type and the start of its message (or, for an error
    without one, such as a bare `assert`, the line that raised it)."""
    text = " ".join(line.strip() for line in str(exc).strip().split("\n")[:3])
    text = re.sub(r" object at 0x[0-9a-f]+", "", text)
    text = re.sub(r"/tmp/\S+\.py", "<generated>", text)
    if not text:
        tb = traceback.extract_tb(exc.__traceback__)
        if tb:
            frame = tb[-1]
            path = frame.filename.split("site-packages/")[-1]
            return "%s at %s:%d (`%s`)" % (type(exc).__name__, path, frame.lineno, frame.line)
    if len(text) > 90:
        text = text[:87] + "..."
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few rounds: a smoke test")
    p.add_argument("--write-docs", action="store_true",
                   help="write the tables into docs/performance.md (between its catalyst "
                        "markers)")
    args = p.parse_args()
    found = _import_catalyst()
    if found is None:
        print("Catalyst is not installed in this Python (%s); nothing to compare. See the "
              "docstring of bench/compare_catalyst.py." % sys.executable)
        return 0
    catalyst, qjit = found
    warnings.filterwarnings("ignore")
    import logging
    logging.getLogger().setLevel(logging.ERROR)   # malt logs "could not transform" warnings
    text = run(catalyst, qjit, args.quick)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


def run(catalyst, qjit, quick):
    import harness
    import jax
    import jax.numpy as jnp
    import numpy as np
    import pennylane as qml
    import workloads

    import autograph as ag

    harness.configure(quick)
    rounds = 2 if quick else 5
    passes = 1 if quick else 2
    x = np.round(np.random.default_rng(0).uniform(0, 10, 64)).astype(np.float32) + 0.25
    X = jnp.asarray(x)
    # name, JAX arguments, the same arguments as numpy values, differentiable?
    cases = [
        ("collatz_steps", (jnp.int32(27),), (27,), False),
        ("sum_even", (X,), (x,), True),
        ("first_index", (X, jnp.float32(9.0)), (x, np.float32(9.0)), False),
        ("piecewise", (jnp.float32(0.5),), (np.float32(0.5),), True),
        ("static_range", (jnp.float32(0.3),), (np.float32(0.3),), True),
        ("while_return", (jnp.float32(3.0),), (np.float32(3.0),), False),
    ]
    fresh_ids = iter(range(10 ** 9))

    def fresh(fn):
        """`fn` under a new name, with a new code object: a first call as a user sees it.
        (Catalyst compiles a function whose name it has seen before about 1.5x faster, so
        the same source under the same name would not measure a first call.)"""
        n = next(fresh_ids)
        name = "%s_%d" % (fn.__name__, n)
        src = inspect.getsource(fn).replace("def %s(" % fn.__name__, "def %s(" % name, 1)
        filename = "<catalyst-compare %d>" % n
        linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
        namespace = dict(vars(workloads))
        exec(compile(src, filename, "exec"), namespace)
        return namespace[name]

    def block(v):
        return jax.block_until_ready(v)

    def check(fn, fargs, expected):
        """'yes', 'WRONG (...)' or the error, and the compiled callable when it works."""
        try:
            out = block(fn(*fargs))
        except Exception as e:    # noqa: BLE001 -- the table reports any failure
            return "no: " + _short(e), None
        if np.allclose(np.asarray(out), np.asarray(expected), rtol=1e-5):
            return "yes", fn
        return "WRONG (%s, expected %s)" % (np.asarray(out), np.asarray(expected)), None

    def capture_route(f):
        def call(*a):
            qml.capture.enable()
            try:
                return jax.jit(qml.capture.run_autograph(f))(*a)
            finally:
                qml.capture.disable()
        return call

    def first_call(make, fargs):
        start = time.perf_counter()
        block(make()(*fargs))
        return time.perf_counter() - start

    def best(*fns):
        out = [float("inf")] * len(fns)
        for _ in range(passes):
            out = [min(a, b) for a, b in zip(out, harness.compare(*fns))]
        return out

    routes_rows, time_rows, grad_rows = [], [], []
    start_all = time.perf_counter()

    def one(name, jargs, pargs, diff):
        f, ref = getattr(workloads, name), getattr(workloads, name + "_lax")
        expected = f(*pargs)
        cat_ok, cat = check(qjit(autograph=True)(f), jargs, expected)
        jcat_ok, jcat = check(jax.jit(qjit(autograph=True)(f)), jargs, expected)
        runag_ok, _ = check(jax.jit(catalyst.autograph.run_autograph(f)), jargs, expected)
        cap_ok, _ = check(capture_route(f), jargs, expected)
        ours_ok, ours = check(jax.jit(ag.to_graph(f)), jargs, expected)
        hand = jax.jit(ref)
        routes_rows.append((name, cat_ok, jcat_ok, runag_ok, cap_ok, ours_ok))

        # First calls, interleaved round by round; a route that failed has no figure.
        fc = {"cat": float("inf"), "ours": float("inf"), "hand": float("inf")}
        for _ in range(rounds):
            if cat is not None:
                fc["cat"] = min(fc["cat"], first_call(
                    lambda: qjit(autograph=True)(fresh(f)), jargs))
            if ours is not None:
                fc["ours"] = min(fc["ours"], first_call(
                    lambda: jax.jit(ag.to_graph(fresh(f))), jargs))
            fc["hand"] = min(fc["hand"], first_call(lambda: jax.jit(fresh(ref)), jargs))
        steady_fns = [("hand", hand)] + [(k, g) for k, g in
                                         (("cat", cat), ("jcat", jcat), ("ours", ours))
                                         if g is not None]
        times = best(*[(lambda g=g: block(g(*jargs))) for _, g in steady_fns])
        st = dict(zip([k for k, _ in steady_fns], times))
        time_rows.append((name, fc, st))

        if diff:
            gexp = np.asarray(block(jax.grad(ref)(*jargs)))
            g_routes = [
                ("cat", lambda: jax.grad(qjit(autograph=True)(f))),
                ("jcat", lambda: jax.jit(jax.grad(qjit(autograph=True)(f)))),
                ("catgrad", lambda: qjit(autograph=True)(catalyst.grad(f))),
                ("ours", lambda: jax.jit(jax.grad(ag.to_graph(f)))),
            ]
            gok, gfns = {}, [("hand", jax.jit(jax.grad(ref)))]
            for key, make in g_routes:
                try:
                    g = make()
                except Exception as e:    # noqa: BLE001
                    gok[key] = "no: " + _short(e)
                    continue
                gok[key], g = check(g, jargs, gexp)
                if g is not None:
                    gfns.append((key, g))
            times = best(*[(lambda g=g: block(g(*jargs))) for _, g in gfns])
            grad_rows.append((name, gok, dict(zip([k for k, _ in gfns], times))))

    for case in cases:
        one(*case)

    def primitives(jaxpr):
        """The primitive names of a jaxpr, inner jaxprs (call_jaxpr, ...) in brackets."""
        out = []
        for eqn in jaxpr.eqns:
            inner = [v for v in eqn.params.values() if hasattr(v, "eqns") or hasattr(v, "jaxpr")]
            names = [primitives(getattr(v, "jaxpr", v)) for v in inner]
            out.append(eqn.primitive.name + ("[%s]" % ", ".join(names) if names else ""))
        return ", ".join(out)

    inside = primitives(jax.make_jaxpr(qjit(autograph=True)(workloads.piecewise))(
        jnp.float32(0.5)).jaxpr)

    import jaxlib
    header = harness.header(["bench/compare_catalyst.py"] + (["--quick"] if quick else []))
    versions = "Catalyst %s, PennyLane %s, jax %s, jaxlib %s (one process; its run took %.0f s)" % (
        catalyst.__version__, qml.__version__, jax.__version__, jaxlib.__version__,
        time.perf_counter() - start_all)
    note = ("Under a JAX trace, a qjit function is one opaque call: `jax.make_jaxpr` of "
            "`qjit(autograph=True)(piecewise)` is `%s` (Catalyst's compiled program called "
            "back from XLA, not XLA control flow)." % inside)
    return "\n".join([header, versions, "", render_routes(routes_rows), "", note, "",
                      render_times(time_rows), "", render_grads(grad_rows)])


def _us(v):
    return "—" if v == float("inf") else "%.1f µs" % (v * 1e6)


def _ms(v):
    return "—" if v == float("inf") else "%.0f ms" % (v * 1e3)


def render_routes(rows):
    out = ["#### Does it convert and run correctly? (result compared with the plain Python "
           "function)", "",
           "| workload | Catalyst `qjit(autograph=True)` | `jax.jit(qjit(autograph=True)(f))` "
           "| `jax.jit(catalyst.autograph.run_autograph(f))` | `jax.jit` of PennyLane capture "
           "(`qml.capture.run_autograph`) | autograph `jax.jit(ag.to_graph(f))` |",
           "| --- | --- | --- | --- | --- | --- |"]
    out += ["| %s |" % " | ".join(r) for r in rows]
    return "\n".join(out)


def render_times(rows):
    out = ["#### First call (a new function under a new name: conversion + trace + compile) and steady call",
           "",
           "| workload | first: Catalyst qjit | first: autograph | first: hand-written lax "
           "| steady: Catalyst qjit | steady: `jax.jit(qjit)` | steady: autograph "
           "| steady: hand-written lax |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, fc, st in rows:
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, _ms(fc["cat"]), _ms(fc["ours"]), _ms(fc["hand"]),
            _us(st.get("cat", float("inf"))), _us(st.get("jcat", float("inf"))),
            _us(st.get("ours", float("inf"))), _us(st["hand"])))
    return "\n".join(out)


def render_grads(rows):
    out = ["#### Gradient (the differentiable workloads): correct? and steady call", "",
           "| workload | `jax.grad(qjit(...))` | `jax.jit(jax.grad(qjit(...)))` "
           "| `qjit(catalyst.grad(f))` | autograph `jax.jit(jax.grad(ag.to_graph(f)))` "
           "| hand-written `jax.jit(jax.grad(lax_f))` |",
           "| --- | --- | --- | --- | --- | ---: |"]
    for name, ok, st in rows:
        cells = []
        for key in ("cat", "jcat", "catgrad", "ours"):
            cells.append("%s, %s" % (ok[key], _us(st[key])) if key in st else ok[key])
        out.append("| %s | %s | %s |" % (name, " | ".join(cells), _us(st["hand"])))
    return "\n".join(out)


def write_docs(text, path=DOCS):
    """Replaces the text between the catalyst markers of docs/performance.md."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc[:start] + "\n" + text + "\n" + doc[end:])


if __name__ == "__main__":
    sys.exit(main())
