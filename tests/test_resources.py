"""Resources stay bounded: dropped functions, graphs and sessions free their graphs and plans;
the work of a trace does not grow with the number of earlier traces; the traces kept per
function are bounded."""
import gc
import importlib
import linecache
import logging
import subprocess
import sys
import warnings
import weakref

import pytest

import autograph as ag
from autograph.function import RetracingWarning
from autograph.runtime.graph import Graph

function_module = importlib.import_module("autograph.function")
retracing = importlib.import_module("autograph.tracing.retracing")

N = 20


def _graphs_of(concrete):
    """Weak references to a trace's graph and every subgraph (cond branches, loop bodies)."""
    out, stack = [], [concrete.graph]
    while stack:
        g = stack.pop()
        out.append(weakref.ref(g))
        for op in g.operations:
            stack.extend(v for v in op.attrs.values() if isinstance(v, Graph))
    return out


def _alive(refs):
    gc.collect()
    return sum(r() is not None for r in refs)


def _branchy(x):
    if x > 0.0:
        x = x * 2.0
    else:
        x = -x
    i = 0
    while i < 3:
        x = x + 1.0
        i += 1
    return x


def _reshape_to_5(x):
    return ag.reshape(x, [5])


def _exec_function(i):
    """A function made by exec in a fresh namespace (as notebooks and generated code do)."""
    src = ("def f%d(x):\n    if x > 0.0:\n        x = x * 2.0\n    return x\n" % i)
    filename = "<resources test %d>" % i
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    namespace = {}
    exec(compile(src, filename, "exec"), namespace)
    return namespace["f%d" % i], filename


# -- dropped objects free their graphs --------------------------------------------------------
def test_dropped_functions_free_their_graphs_and_plans():
    refs = []
    for _ in range(N):
        f = ag.function(_branchy)
        assert float(f(ag.constant(1.0))) == 5.0
        (concrete,) = f.concrete_functions
        refs += _graphs_of(concrete)
        refs.append(weakref.ref(concrete._plan))
        refs.append(weakref.ref(f))
        del f, concrete
    assert len(refs) >= 4 * N
    assert _alive(refs) == 0


def test_a_dropped_concrete_function_frees_its_graph_when_the_function_is_gone():
    refs = []
    for _ in range(N):
        f = ag.function(lambda x: x * 2.0)
        cf = f.get_concrete_function(ag.TensorSpec([None], ag.float32))
        del f
        assert cf(ag.constant([1.0])).numpy().tolist() == [2.0]
        refs += _graphs_of(cf)
        del cf
    assert _alive(refs) == 0


def test_dropped_graphs_and_sessions_free_their_plans():
    refs = []
    for _ in range(N):
        g = ag.Graph()
        with g.as_default():
            x = ag.placeholder(ag.float32)
            y = ag.cond(x > 0.0, lambda x=x: x * 2.0, lambda x=x: -x)
            sess = ag.Session()
            assert sess.run(y, {x: 3.0}) == 6.0
        refs += [weakref.ref(g), weakref.ref(sess)]
        del g, x, y, sess
    assert _alive(refs) == 0


def test_a_function_called_in_a_session_graph_is_freed_with_it():
    refs = []
    for _ in range(N):
        f = ag.function(lambda x: x * 3.0)
        with ag.Graph().as_default() as g:
            x = ag.placeholder(ag.float32)
            y = f(x)
            with ag.Session() as sess:
                assert sess.run(y, {x: 1.0}) == 3.0
        refs += [weakref.ref(g), weakref.ref(f)] + _graphs_of(f.concrete_functions[0])
        del f, g, x, y, sess
    assert _alive(refs) == 0


def test_methods_free_their_graphs_with_the_instance():
    class Counter:
        def __init__(self):
            self.v = ag.Variable(0.0)

        @ag.function
        def step(self, x):
            self.v.assign_add(x)
            return self.v.read_value()

    refs = []
    for _ in range(N):
        m = Counter()
        assert float(m.step(ag.constant(2.0))) == 2.0
        refs += [weakref.ref(m)] + _graphs_of(m.step.concrete_functions[0])
        del m
    assert _alive(refs) == 0


def test_a_failed_plan_does_not_keep_its_graph():
    refs = []
    for _ in range(N):
        f = ag.function(_reshape_to_5, input_signature=[ag.TensorSpec(None, ag.float32)])
        with pytest.raises(ag.InvalidArgumentError, match="reshape.*test_resources.py"):
            f(ag.constant([1.0, 2.0]))      # fails at run time, inside the plan
        refs += [weakref.ref(f)] + [r for c in f.concrete_functions for r in _graphs_of(c)]
        del f
    assert _alive(refs) == 0


def test_dropped_user_functions_and_their_generated_source_are_freed():
    before = set(linecache.cache)
    refs = []
    for i in range(N):
        fn, filename = _exec_function(i)
        assert "if_stmt" in ag.to_code(fn)
        assert ag.to_graph(fn)(2.0) == 4.0
        wrapped = ag.function(fn)
        assert float(wrapped(ag.constant(2.0))) == 4.0
        refs += [weakref.ref(fn), weakref.ref(wrapped)]
        del fn, wrapped
        del linecache.cache[filename]
    assert _alive(refs) == 0
    assert [n for n in set(linecache.cache) - before if n.startswith("<autograph")] == []


def test_functions_called_from_converted_code_are_not_kept_without_bound(monkeypatch):
    from autograph.impl import conversion as calls
    from autograph.pyct import parser
    monkeypatch.setattr(calls, "_CACHE_LIMIT", 8)
    monkeypatch.setattr(parser, "_MAX_FILE_INDEXES", 8)

    def outer(g, x):
        return g(x)
    converted = ag.to_graph(outer)
    refs = []
    for i in range(3 * N):
        fn, filename = _exec_function(1000 + i)
        assert converted(fn, 3.0) == 6.0          # fn is converted by converted_call
        refs.append(weakref.ref(fn))
        del fn
        del linecache.cache[filename]
    assert _alive(refs) <= 8
    assert len(parser._file_indexes) <= 8


def test_the_conversion_cache_still_returns_the_same_function():
    fn, filename = _exec_function(999)
    try:
        assert ag.to_graph(fn) is ag.to_graph(fn)

        def wrapper(x):
            return fn(x)
        import functools
        functools.update_wrapper(wrapper, fn)      # copies fn.__dict__ into wrapper
        assert ag.to_graph(wrapper) is not ag.to_graph(fn)
        assert ag.to_graph(wrapper)(3.0) == 6.0
    finally:
        del linecache.cache[filename]


# -- the work of a trace does not grow with earlier traces ------------------------------------
_PKG = function_module.__file__.rsplit("function.py", 1)[0]


def _lines_run(call):
    """Lines executed inside the autograph package while `call()` runs (a deterministic
    measure of work: any loop over earlier traces adds lines per trace)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(_PKG):
            return None

        def local(frame, event, arg):
            nonlocal count
            if event == "line":
                count += 1
            return local
        return local
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(old)
    return count


@pytest.mark.parametrize("max_traces", [10_000, 16])     # never reached / reached early
@pytest.mark.parametrize("log_level", [logging.WARNING, logging.INFO])
def test_the_work_of_a_trace_does_not_grow_with_earlier_traces(log_level, max_traces):
    logger = logging.getLogger("autograph")
    old_level = logger.level
    logger.setLevel(log_level)
    f = ag.function(lambda x, n: x * n, max_traces=max_traces)
    x = ag.constant(1.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetracingWarning)
            work = {}
            for n in range(1, 301):
                if n in (21, 22, 23, 281, 282, 283):
                    work[n] = _lines_run(lambda n=n: f(x, float(n)))
                else:
                    f(x, float(n))
    finally:
        logger.setLevel(old_level)
    assert f.trace_count == 300
    early = max(work[21], work[22], work[23])
    late = min(work[281], work[282], work[283])
    # 260 more earlier traces: a loop over them would add hundreds of lines per trace.
    assert late <= early + 20, (early, late)


def test_retrace_explanations_are_built_only_when_used(monkeypatch):
    calls = []
    real = retracing.differences
    monkeypatch.setattr(retracing, "differences",
                        lambda *a: calls.append(1) or real(*a))
    logger = logging.getLogger("autograph")
    old_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        f = ag.function(lambda x, n: x * n)
        x = ag.constant(1.0)
        for n in range(1, 4):      # fewer than the frequent-retracing warning needs
            f(x, float(n))
    finally:
        logger.setLevel(old_level)
    assert f.trace_count == 3
    assert calls == []


# -- the traces kept per function are bounded -------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*was traced:autograph.function.RetracingWarning")
def test_traces_beyond_max_traces_drop_the_least_recently_used_and_warn_once():
    f = ag.function(lambda x, n: x * n, max_traces=3)
    x = ag.constant(2.0)
    with pytest.warns(RetracingWarning, match=r"limit of 3 traces \(max_traces\)") as record:
        for n in (1.0, 2.0, 3.0):
            f(x, n)
        refs = {n: _graphs_of(c) for n, c in zip((1.0, 2.0, 3.0), f.concrete_functions)}
        f(x, 1.0)                    # 1.0 is now the most recently used: 2.0 goes next
        f(x, 4.0)
        f(x, 5.0)
    assert len([w for w in record if "max_traces" in str(w.message)]) == 1
    kept = [c.structured_input_signature[1][1] for c in f.concrete_functions]
    assert sorted(kept) == [1.0, 4.0, 5.0]
    assert f.trace_count == 5
    assert _alive(refs[2.0]) == 0 and _alive(refs[3.0]) == 0
    assert _alive(refs[1.0]) > 0
    assert float(f(x, 1.0)) == 2.0 and f.trace_count == 5       # still cached
    assert float(f(x, 2.0)) == 4.0 and f.trace_count == 6       # traced again
    assert len(f.concrete_functions) == 3


@pytest.mark.filterwarnings("ignore:.*was traced:autograph.function.RetracingWarning")
def test_max_traces_bounds_methods_and_general_traces_too():
    class Model:
        @ag.function(max_traces=2)
        def scale(self, x, n):
            return x * n

    m = Model()
    with pytest.warns(RetracingWarning, match="max_traces"):
        for n in range(10):
            m.scale(ag.constant(1.0), n)
    assert len(m.scale.concrete_functions) == 2 and m.scale.max_traces == 2

    g = ag.function(lambda x: x + 1.0, reduce_retracing=True, max_traces=2)
    for n in range(1, 200):             # one general trace serves every length
        g(ag.constant([1.0] * n))
    assert g.trace_count == 2 and len(g._cache) <= 2 + 2 * 64


def test_the_default_trace_limit_is_documented_and_settable():
    assert ag.function(lambda x: x).max_traces == function_module.DEFAULT_MAX_TRACES
    assert "max_traces" in function_module.function.__doc__
    with pytest.raises(ValueError, match="max_traces must be at least 1"):
        ag.function(lambda x: x, max_traces=0)
    with pytest.raises(TypeError, match="max_traces must be a positive int"):
        ag.function(max_traces=2.5)


# -- converting large files ---------------------------------------------------------------------
def _module_source(n):
    return "\n".join("def f%d(x, n):\n    if x > %d:\n        x = x - 1\n    while n > 0:\n"
                     "        n -= 1\n    return x + n\n" % (i, i) for i in range(n))


def test_converting_a_module_runs_no_collection_and_restores_the_collector():
    from autograph import api
    collections_run = []

    def count(phase, info):
        if phase == "start":
            collections_run.append(info["generation"])
    source = _module_source(150)
    gc.collect()
    gc.callbacks.append(count)
    try:
        out = api.convert_module_source(source, "many.py")
        assert gc.isenabled()
        gc.disable()
        try:
            api.convert_module_source(source, "many.py")
            assert not gc.isenabled()          # the caller's choice is kept
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(count)
    assert out.count("ag__.if_stmt(") == 150
    # The whole-module conversion keeps everything it allocates until the end: a collection
    # would only rescan the growing heap (the time per function grew with the file's size).
    assert collections_run == []


def test_the_namer_of_each_function_shares_the_files_identifiers():
    import tracemalloc
    from autograph.pyct import naming
    reserved = naming.identifiers(" ".join("name_%d" % i for i in range(100_000)))
    tracemalloc.start()
    try:
        namers = [naming.Namer(reserved) for _ in range(20)]    # one per function of a file
        names = [n.new_symbol("name_7") for n in namers]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A copy of the 100,000 identifiers per function would be megabytes (and quadratic time
    # over a file's functions); sharing them costs a few small sets.
    assert peak < 256 * 1024, peak
    assert names == ["name_7_1"] * 20 and namers[0].is_taken("name_99999")


def _cli(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "autograph"] + args, input=stdin,
                          capture_output=True, timeout=300)


def test_the_cli_refuses_an_input_above_the_size_limit_before_reading_it(tmp_path):
    from autograph import cli_files as cli
    limit = cli.MAX_INPUT_BYTES
    line = b"# " + b"x" * 77 + b"\n"
    big = tmp_path / "big.py"
    big.write_bytes(line * (limit // len(line)) + b"#" * (limit % len(line)) + b"\n")
    assert big.stat().st_size == limit + 1
    for args, stdin, name in ((["convert", str(big)], None, str(big)),
                              (["convert", "-"], big.read_bytes(), "<stdin>")):
        proc = _cli(args, stdin)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == b""
        err = proc.stderr.decode()
        assert err.startswith(name + ": error: the input is larger than %d MiB" % (limit >> 20))
        assert "split the file" in err and len(err.splitlines()) == 1
    at_limit = tmp_path / "at_limit.py"
    at_limit.write_bytes(big.read_bytes()[:limit - 1] + b"\n")
    proc = _cli(["convert", str(at_limit), "--check"])
    assert proc.returncode == 0, proc.stderr
