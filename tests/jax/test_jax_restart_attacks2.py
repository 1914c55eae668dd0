"""More attacks on the loop restart (loops._restart_state): programs whose first iteration,
staged again from the state before it, could give another value or effect than the one
Python ran. Each is compared with plain Python (the original function on concrete JAX
values) and with the same program staged without any restart (`no_restart`), which is what
the restart must never differ from. Differentiable ones also compare `jax.grad` with finite
differences."""

import itertools
import operator
import random
import time
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import autograph as ag
from autograph.operators import loops
from tests.source_helpers import make_function
from test_jax_restart import starts_from_entry


def _fresh(source, namespace=None):
    """The function of `source`, defined in a namespace made by `namespace()` (called once per
    definition, so that plain Python and the staged run each start from fresh state)."""
    return make_function(source, namespace=(namespace or dict)())


def _staged(source, namespace, args, restart=True):
    f = _fresh(source, namespace)
    if restart:
        return jax.jit(ag.to_graph(f))(*args)
    keep = loops._restart_state
    loops._restart_state = lambda backend, marks, prev, state, *rest, **kw: state
    try:
        return jax.jit(ag.to_graph(f))(*args)
    finally:
        loops._restart_state = keep


def _same_as_python(source, namespace=None, args=(jnp.float32(1.0),), seed=None):
    """Plain Python, staged and staged without restart give the same values; or staging
    refuses the program (an error naming the loop), with or without the restart alike."""
    def run(fn):
        if seed is not None:
            random.seed(seed)
            np.random.seed(seed)
        return np.asarray(fn())
    want = run(lambda: _fresh(source, namespace)(*args))
    try:
        plain = run(lambda: _staged(source, namespace, args, restart=False))
    except Exception as e:   # noqa: BLE001 - a refusal of staging itself, not of the restart
        with pytest.raises(type(e)):
            run(lambda: _staged(source, namespace, args))
        return
    np.testing.assert_array_equal(plain, want)
    got = run(lambda: _staged(source, namespace, args))
    np.testing.assert_array_equal(got, want)


def _while(use, setup="", start=0, stop=None, result="x"):
    """A `while` whose test becomes a tracer during its first iteration (`done` set by a traced
    `if`); `use` runs first in the body, with a Python int counter `i`."""
    lines = ["def f(x):", "    i = %d" % start, "    done = False"]
    lines += ["    " + s for s in setup.splitlines() if s]
    lines += ["    while i < %d and not done:" % (start + 30 if stop is None else stop)]
    lines += ["        " + s for s in use.splitlines() if s]
    lines += ["        i += 1", "        if x > 0.0:", "            done = True",
              "    return %s" % result]
    return "\n".join(lines) + "\n"


# --- writes through calls and rebinding of globals ---------------------------------------------

class _Box:
    value = 0.0


def _module():
    m = types.ModuleType("state_module")
    m.value = 0.0
    return m


def _fn_with_attrs():
    def helper(v):
        return v
    helper.value = 0.0
    helper.calls = []
    return helper


WRITES = {
    "globals()[...] =": ("x = x + value\nglobals()['value'] = 1.0", lambda: {"value": 0.0}),
    "module attribute": ("x = x + m.value\nm.value = 1.0", lambda: {"m": _module()}),
    "setattr on a module": ("x = x + m.value\nsetattr(m, 'value', 1.0)",
                            lambda: {"m": _module()}),
    "getattr(lst, 'append')": ("x = x + len(lst)\ngetattr(lst, 'append')(1)",
                               lambda: {"lst": []}),
    "operator.setitem": ("x = x + box[0]\noperator.setitem(box, 0, 1.0)",
                         lambda: {"box": [0.0], "operator": operator}),
    "dict.update": ("x = x + d['k']\nd.update(k=1.0)", lambda: {"d": {"k": 0.0}}),
    "list.__setitem__": ("x = x + box[0]\nbox.__setitem__(0, 1.0)", lambda: {"box": [0.0]}),
    "setattr on an object": ("x = x + b.value\nsetattr(b, 'value', 1.0)",
                             lambda: {"b": _Box()}),
    "a function's __dict__": ("x = x + helper.value\nhelper.__dict__.update(value=1.0)",
                              lambda: {"helper": _fn_with_attrs()}),
    "a list kept as a function attribute": (
        "x = x + len(helper.calls)\nhelper.calls.append(1)",
        lambda: {"helper": _fn_with_attrs()}),
    "a numpy array written through out=": (
        "x = x + arr[0]\nnp.add(arr, 1.0, out=arr)", lambda: {"arr": np.zeros(1), "np": np}),
    "a numpy array written by a method": (
        "x = x + arr[0]\narr.fill(1.0)", lambda: {"arr": np.zeros(1)}),
    "np.copyto": ("x = x + arr[0]\nnp.copyto(arr, 1.0)",
                  lambda: {"arr": np.zeros(1), "np": np}),
}


@pytest.mark.parametrize("use,namespace", WRITES.values(), ids=list(WRITES))
def test_writes_keep_the_python_iteration(use, namespace):
    # The body reads a value, then changes it: the first iteration staged again would read
    # the changed value.
    _same_as_python(_while(use), namespace)


# --- iterators, random numbers, clocks --------------------------------------------------------

def _generator():
    def gen():
        k = 0
        while True:
            yield float(k)
            k += 1
    return gen()


STATEFUL_CALLS = {
    "itertools.count()": ("x = x + next(c)", lambda: {"c": itertools.count()}),
    "a shared iterator": ("x = x + next(it)", lambda: {"it": iter([0.0, 1.0, 2.0, 3.0])}),
    "a generator": ("x = x + next(g)", lambda: {"g": _generator()}),
    "random.random()": ("x = x + random.random()", lambda: {"random": random}),
    "np.random.rand()": ("x = x + np.random.rand()", lambda: {"np": np}),
    "np.random reached by getattr": ("x = x + getattr(np, 'ran' + 'dom').rand()",
                                     lambda: {"np": np}),
    "np.random reached by __dict__": ("x = x + np.__dict__['ran' + 'dom'].rand()",
                                      lambda: {"np": np}),
    "np.random reached by operator.attrgetter": (
        "x = x + operator.attrgetter('ran' + 'dom')(np).rand()",
        lambda: {"np": np, "operator": operator}),
    "np.random reached by __getattribute__": (
        "x = x + np.__getattribute__('ran' + 'dom').rand()", lambda: {"np": np}),
    "a RandomState": ("x = x + rs.rand()", lambda: {"rs": np.random.RandomState(0)}),
}


@pytest.mark.parametrize("use,namespace", STATEFUL_CALLS.values(), ids=list(STATEFUL_CALLS))
def test_stateful_calls_keep_the_python_iteration(use, namespace):
    _same_as_python(_while(use), namespace, seed=0)


def test_next_in_the_test_keeps_the_python_iteration():
    source = """
        def f(x):
            done = False
            while next(c) < 10 and not done:
                x = x * 2.0
                if x > 0.0:
                    done = True
            return x
    """
    _same_as_python(source, lambda: {"c": itertools.count()})
    calls = []
    for restart in (True, False):
        ns = {"c": itertools.count()}
        _staged(source, lambda ns=ns: ns, (jnp.float32(1.0),), restart)
        calls.append(next(ns["c"]))
    # two in Python (the test that turned traced included), one in the traced test
    assert calls == [3, 3]


def test_a_clock_keeps_the_python_iteration():
    f = make_function(_while("x = x + 0.0 * time.time()"), namespace={"time": time})
    assert not starts_from_entry(f, jnp.float32(1.0))


# --- objects whose dunders or attributes count their calls ----------------------------------

class Counting:
    """Each protocol method counts its calls and answers with the count."""

    def __init__(self):
        self.calls = 0

    def _tick(self):
        self.calls += 1
        return self.calls

    @property
    def prop(self):
        return float(self._tick())

    def __getattr__(self, name):
        if name.startswith("dyn"):
            return float(self._tick())
        raise AttributeError(name)

    def __index__(self):
        return self._tick()

    def __bool__(self):
        return self._tick() == 1

    def __eq__(self, other):
        return self._tick() == 1

    def __lt__(self, other):
        return self._tick() == 1

    def __add__(self, other):
        return other + float(self._tick())

    __hash__ = object.__hash__


DUNDERS = {
    "property": "x = x + obj.prop",
    "__getattr__": "x = x + obj.dynamic",
    "__index__": "x = x + (1.0, 2.0, 3.0)[operator.index(obj) - 1]",
    "__bool__": "x = x + (1.0 if obj else 2.0)",
    "__eq__": "x = x + (1.0 if obj == 0 else 2.0)",
    "__lt__": "x = x + (1.0 if obj < 0 else 2.0)",
    "__add__": "x = obj + x",
}


@pytest.mark.parametrize("use", DUNDERS.values(), ids=list(DUNDERS))
def test_objects_counting_their_calls_keep_the_python_iteration(use):
    _same_as_python(_while(use), lambda: {"obj": Counting(), "operator": operator})


def test_a_counting_object_as_loop_state_keeps_the_python_iteration():
    source = """
        def f(x):
            obj = make()
            done = False
            while not done:
                x = x + obj.prop
                obj = obj
                if x > 0.0:
                    done = True
            return x
    """
    _same_as_python(source, lambda: {"make": Counting})


# --- the int counter -------------------------------------------------------------------------

def test_a_counter_used_as_an_index_into_an_array_restarts():
    source = _while("x = x + v[i] + w[i]", start=2)
    v = jnp.arange(10, dtype=jnp.float32) * 0.1
    source = source.replace("def f(x):", "def f(x, w):")
    f = make_function(source, namespace={"v": v})
    # (v, a global, is a constant of the program: the loop starts from it and from x, w)
    closed = jax.make_jaxpr(ag.to_graph(f))(jnp.float32(1.0), v)
    (loop,) = [e for e in closed.jaxpr.eqns if e.primitive.name == "while"]
    entry = set(map(id, closed.jaxpr.invars)) | set(map(id, closed.jaxpr.constvars))
    assert all(type(a).__name__ == "Literal" or id(a) in entry for a in loop.invars)
    ns = lambda: {"v": v}   # noqa: E731
    for x in (1.0, -1.0):
        _same_as_python(source, ns, args=(jnp.float32(x), v))


@pytest.mark.parametrize("use", [
    "x = x + len(f'{i}')",                        # an f-string of the int
    "x = x + len(str(i))",
    "x = x + {9: 1.0, 10: 2.0}.get(i + 0, 3.0)",  # a dict key
])
def test_counter_in_strings_and_keys_keeps_the_python_iteration(use):
    # Staged, the int is an array: its text is not the number's, and it is not a dict key.
    _same_as_python(_while(use, start=9))


@pytest.mark.parametrize("use", [
    "x = x + sum(range(i))",
    "x = x + jnp.sum(v[:i])",
])
def test_counter_as_a_range_or_slice_bound_keeps_the_python_iteration(use):
    # A traced bound cannot size a range or a slice: keeping the Python iteration, the loop
    # stops after it and never stages the body with a traced `i`.
    source = _while(use, start=2)
    ns = lambda: {"jnp": jnp, "v": jnp.arange(10, dtype=jnp.float32)}   # noqa: E731
    f = _fresh(source, ns)
    want = f(jnp.float32(1.0))
    try:
        got = jax.jit(ag.to_graph(_fresh(source, ns)))(jnp.float32(1.0))
    except Exception as e:   # noqa: BLE001 - a refusal is acceptable, a value must be right
        assert "i" in str(e) or "Tracer" in type(e).__name__ or "concrete" in str(e)
    else:
        assert float(got) == float(want)


COUNTER_STEPS = {
    "i += 1": ("i += 1", 0, 10),
    "i = i + 1": ("i = i + 1", 0, 10),
    "i = 1 + i": ("i = 1 + i", 0, 10),
    "i -= 1 past 0": ("i -= 1", 1, 10),
}


@pytest.mark.parametrize("step,start,stop", COUNTER_STEPS.values(), ids=list(COUNTER_STEPS))
def test_counter_steps_restart_with_python_values(step, start, stop):
    source = """
        def f(x):
            i = %d
            done = False
            while i > -%d and i < %d and not done:
                x = x * 1.5
                %s
                if x > 4.0:
                    done = True
            return x, i
    """ % (start, stop, stop, step)
    assert starts_from_entry(_fresh(source), jnp.float32(1.0))
    for x in (1.0, 3.0, 5.0, -1.0):
        _same_as_python(source, args=(jnp.float32(x),))


def test_i_plus_true_keeps_python_values():
    _same_as_python(_while("i += True\nx = x * 2.0", start=0, result="(x, i)"))


def test_a_counter_used_after_the_loop_in_a_float_expression():
    # After a staged loop the counter is an int32 array either way (restart or not); the
    # restart must not change the value computed from it.
    source = _while("x = x * 2.0", start=8, result="x + i * 0.1")
    args = (jnp.float32(1.0),)
    assert float(_staged(source, None, args)) == float(_staged(source, None, args, False))


@pytest.mark.parametrize("use", [
    "x = x + ((i < 20) + (i < 20)) * 0.5",        # True + True: 2 in Python, True for arrays
    "c = i < 20\nx = x + (c + c) * 0.5",
    "x = x + (i == 9) * 0.1 * 3.0",
    "x = x - (i < 20)",
    "x = x + ((not (i > 20)) + True) * 0.5",
])
def test_a_comparison_result_used_as_a_number_keeps_the_python_iteration(use):
    _same_as_python(_while(use, start=9))


# --- Python bools and floats as loop variables -------------------------------------------------

@pytest.mark.parametrize("use", [
    "x = x + (flag + flag) * 0.5",
    "x = x + (flag * 0.1) * 3.0",
    "x = x - (-flag)",
    "x = x + len(str(flag))",
])
def test_a_python_bool_used_as_a_number_keeps_the_python_iteration(use):
    source = """
        def f(x):
            flag = True
            done = False
            while not done:
                %s
                if x > 100.0:
                    flag = False
                if x > 0.0:
                    done = True
            return x
    """ % use
    _same_as_python(source)


def test_a_python_bool_flag_still_restarts():
    source = """
        def f(x):
            done = False
            while not done:
                x = x * 1.5
                if x > 10.0:
                    done = True
            return x
    """
    assert starts_from_entry(_fresh(source), jnp.float32(1.0))
    for x in (1.0, 20.0, 0.5):
        _same_as_python(source, args=(jnp.float32(x),))


def test_an_unchanged_python_float_loop_variable_keeps_the_python_iteration():
    # s is the same float object after the first iteration; staged it is a float32 array.
    _same_as_python(_while("x = x + s * s * 1000.0\nif i > 3:\n    s = 0.2", setup="s = 0.1",
                           start=0))


# --- for over a range: the loop index restarts ---------------------------------------------------

FOR_TARGET = {
    "times a float": ("x = x + i * 0.1", 9, 20),
    "overflowing int32 in the step": ("x = x + i * 100000 // 100000", 40000, 50000),
    "in an f-string": ("x = x + len(f'{i}')", 9, 20),
    "bool arithmetic of a comparison": ("x = x + ((i < 50) + (i < 50)) * 0.5", 9, 20),
}


@pytest.mark.parametrize("use,start,stop", FOR_TARGET.values(), ids=list(FOR_TARGET))
@pytest.mark.parametrize("jump", ["return x", "break"])
def test_for_range_index_used_otherwise_keeps_the_python_iteration(use, start, stop, jump):
    source = """
        def f(x):
            for i in range(%d, %d):
                %s
                if x > 0.0:
                    %s
            return x
    """ % (start, stop, use, jump)
    _same_as_python(source, args=(jnp.float32(0.0),))


def test_for_range_index_large_values_keep_the_python_iteration():
    source = """
        def f(x):
            for i in range(2 ** 31 - 3, 2 ** 31 - 1):
                if i + 1 > 5:
                    if x > 0.0:
                        return x
            return -x
    """
    f = _fresh(source)
    assert not starts_from_entry(f, jnp.float32(1.0))
    _same_as_python(source)


def test_for_range_index_as_an_index_and_return_value_restarts():
    source = """
        def f(v, t):
            for i in range(2, 9):
                if v[i] > t:
                    return i
            return -1
    """
    v = jnp.asarray([0.0, 5.0, 1.0, 3.0, 7.0, 2.0, 9.0, 4.0, 8.0, 6.0], jnp.float32)
    assert starts_from_entry(_fresh(source), v, jnp.float32(2.0))
    for t in (-1.0, 0.5, 2.0, 6.5, 20.0):
        _same_as_python(source, args=(v, jnp.float32(t)))


def test_for_range_gradient_with_a_restart():
    f = _fresh("""
        def f(x):
            for i in range(3, 9):
                x = x * 1.5
                if x > 5.0:
                    break
            return x * x
    """)
    for x0 in (1.0, 4.0, 0.5):
        got = float(jax.jit(jax.grad(ag.to_graph(f)))(jnp.float32(x0)))
        eps = 1e-3
        want = (float(f(np.float64(x0 + eps))) - float(f(np.float64(x0 - eps)))) / (2 * eps)
        assert got == pytest.approx(want, rel=1e-3)


# --- nesting, helpers, vmap ---------------------------------------------------------------------

def test_inner_loop_restarting_under_a_python_outer_loop():
    source = """
        def f(x):
            for k in range(3):
                i = 9
                done = False
                while i < 40 and not done:
                    x = x + i * 0.1 + k
                    i += 1
                    if x > 0.0:
                        done = True
            return x
    """
    _same_as_python(source, args=(jnp.float32(-0.5),))
    _same_as_python(source, args=(jnp.float32(0.5),))


def test_a_loop_inside_a_converted_helper_called_from_the_body():
    helper_source = """
        def helper(x):
            j = 9
            stop = False
            while j < 20 and not stop:
                x = x + j * 0.1
                j += 1
                if x > 0.0:
                    stop = True
            return x
    """
    source = _while("x = helper(x)", start=0)
    ns = lambda: {"helper": make_function(helper_source)}   # noqa: E731
    _same_as_python(source, ns, args=(jnp.float32(-0.5),))
    _same_as_python(source, ns, args=(jnp.float32(0.5),))


def test_vmap_of_a_restarting_loop_matches_python_per_element():
    source = """
        def f(x):
            i = 0
            while i < 10:
                x = x * 1.5
                if x > 100.0:
                    return x
                i += 1
            return -x
    """
    f = _fresh(source)
    xs = jnp.asarray([0.5, 3.0, 66.7, 67.0, 100.0, -2.0], jnp.float32)
    got = jax.jit(jax.vmap(ag.to_graph(f)))(xs)
    want = [float(f(x)) for x in xs]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_vmap_of_a_for_index_restart_matches_python_per_element():
    source = """
        def f(x):
            for i in range(9, 20):
                x = x + i * 0.1
                if x > 0.0:
                    return x
            return x
    """
    f = _fresh(source)
    xs = jnp.asarray([0.0, 0.25, 2.0], jnp.float32)     # (each stops in its first iteration)
    got = jax.jit(jax.vmap(ag.to_graph(f)))(xs)
    want = [float(f(x)) for x in xs]
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want, np.float32))


def test_while_gradient_with_a_counter_restart_against_finite_differences():
    f = _fresh("""
        def f(x):
            i = 0
            while i < 6:
                ag.set_loop_options(maximum_iterations=6)
                x = x * 1.5 + 0.1
                if x > 20.0:
                    return x * x
                i += 1
            return -x
    """, lambda: {"ag": ag})
    for x0 in (1.0, 9.0, 0.3):
        got = float(jax.jit(jax.grad(ag.to_graph(f)))(jnp.float32(x0)))
        eps = 1e-3
        want = (float(f(np.float64(x0 + eps))) - float(f(np.float64(x0 - eps)))) / (2 * eps)
        assert got == pytest.approx(want, rel=1e-3)


def test_a_python_bool_inside_a_tuple_loop_variable_keeps_the_python_iteration():
    # (the uses of a tuple's items are not checked as a flag's)
    source = """
        def f(x):
            pair = (True, x)
            done = False
            while not done:
                x = x + (pair[0] + pair[0]) * 0.5
                pair = (pair[0], x)
                if x > 0.0:
                    done = True
            return x
    """
    _same_as_python(source)


@pytest.mark.parametrize("use,restarts", [
    ("", True),                     # the target, kept after the loop, only indexes
    ("x = x + i * 0.1", False),     # kept after the loop and used as a number
])
def test_for_range_target_kept_after_the_loop(use, restarts):
    source = """
        def f(x, t):
            i = -1
            for i in range(3, 9):
                %s
                if x[i] > t:
                    break
            return i
    """ % use
    v = jnp.asarray([0.0, 5.0, 1.0, 3.0, 7.0, 2.0, 9.0, 4.0, 8.0, 6.0], jnp.float32)
    assert starts_from_entry(_fresh(source), v, jnp.float32(2.0)) == restarts
    for t in (-1.0, 2.0, 6.5, 20.0):
        _same_as_python(source, args=(v, jnp.float32(t)))


# --- a declared bound: the staged loop runs at most N iterations, restarted or not ------------

BOUNDED = {
    "while on a flag": """
        def f(x):
            small = True
            while small:
                ag.set_loop_options(maximum_iterations=3)
                x = x * 2.0
                small = x < 1e6
            return x
    """,
    "while on a counter with break": """
        def f(x):
            i = 0
            while i < 100:
                ag.set_loop_options(maximum_iterations=3)
                x = x * 2.0
                if x > 1e6:
                    break
                i += 1
            return x
    """,
    "for over a range with break": """
        def f(x):
            for i in range(100):
                ag.set_loop_options(maximum_iterations=3)
                x = x * 2.0
                if x > 1e6:
                    break
            return x
    """,
}


@pytest.mark.parametrize("source", BOUNDED.values(), ids=list(BOUNDED))
def test_a_binding_maximum_iterations_is_the_same_with_the_restart(source):
    # The iteration Python ran is not one of the staged loop's N (ag.set_loop_options: staged
    # loops stop after that many iterations); restaged, it must not take one of them.
    ns = lambda: {"ag": ag}   # noqa: E731
    for x in (1.0, 1e5, 2e6):
        args = (jnp.float32(x),)
        assert float(_staged(source, ns, args)) == float(_staged(source, ns, args, False))
    g = _fresh(source, ns)
    assert float(jax.jit(jax.grad(ag.to_graph(g)))(jnp.float32(1.0))) == 16.0


# --- a condition on a flag or a counter makes the values of its branches arrays -------------

@pytest.mark.parametrize("use", [
    "x = x + (9 if i == 9 else 0) * 0.1",
    "if i == 9:\n    k = 9\nelse:\n    k = 0\nx = x + k * 0.1",
    "if not (i != 9):\n    k = 9\nelse:\n    k = 0\nx = x + k * 0.1",
])
def test_python_numbers_chosen_by_a_counter_comparison_keep_the_python_iteration(use):
    # 9 * 0.1 in Python; staged, the `if` on an int array gives an int32 9 (rounded twice)
    _same_as_python(_while(use, start=9), args=(jnp.float32(0.0),))


@pytest.mark.parametrize("use", [
    "x = x + (9 if flag else 0) * 0.1",
    "if flag:\n    k = 9\nelse:\n    k = 0\nx = x + k * 0.1",
])
def test_python_numbers_chosen_by_a_flag_keep_the_python_iteration(use):
    source = """
        def f(x):
            flag = True
            done = False
            while not done:
                %s
                if x > 100.0:
                    flag = False
                if x > 0.0:
                    done = True
            return x
    """ % use.replace("\n", "\n                ")
    _same_as_python(source, args=(jnp.float32(0.0),))


def test_a_counter_condition_whose_branches_set_loop_variables_restarts():
    # (only loop variables come out of the `if`: they are checked at the iteration's end)
    source = _while("if i == 9:\n    x = x * 2.0\nelse:\n    x = x * 3.0", start=9)
    assert starts_from_entry(_fresh(source), jnp.float32(0.5))
    for x in (0.5, -0.5):
        _same_as_python(source, args=(jnp.float32(x),))


def test_vmap_and_grad_of_a_restarting_for_range_index():
    source = """
        def f(v, t, s):
            for i in range(1, 9):
                s = s + v[i] * t
                if v[i] > t:
                    return s
            return -s
    """
    f = _fresh(source)
    v = jnp.asarray([0.0, 5.0, 1.0, 3.0, 7.0, 2.0, 9.0, 4.0, 8.0, 6.0], jnp.float32)
    s0 = jnp.float32(0.5)
    assert starts_from_entry(f, v, jnp.float32(2.0), s0)
    ts = jnp.asarray([-1.0, 2.0, 6.5, 20.0], jnp.float32)
    got = jax.jit(jax.vmap(ag.to_graph(f), in_axes=(None, 0, None)))(v, ts, s0)
    want = [float(f(v, t, s0)) for t in ts]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    g = jax.jit(jax.grad(ag.to_graph(f), argnums=1))
    v64 = np.asarray(v, np.float64)
    for t in (2.0, 6.5, 20.0):
        eps = 1e-3
        fd = (float(f(v64, t + eps, 0.5)) - float(f(v64, t - eps, 0.5))) / (2 * eps)
        assert float(g(v, jnp.float32(t), s0)) == pytest.approx(fd, rel=1e-3)


def test_a_for_switching_at_its_last_item_stages_nothing():
    # Python ran every item; restaged, `tup[i]` on a traced index would fail.
    source = """
        def f(x):
            tup = (1.0, 2.0, 3.0)
            for i in range(3):
                x = x + tup[i]
                if i == 2 and x > 0.0:
                    break
            return x
    """
    for x in (-5.5, -10.0):
        _same_as_python(source, args=(jnp.float32(x),))


def test_a_flag_guarding_the_rest_of_the_body_restarts():
    # `if x > 5: break` guards the statements after it with `if not break_:` (a call inside
    # the if_stmt's arguments), and `i < 20` is tested through `and`.
    source = """
        def f(x):
            i = 0
            while i < 20 and x < 1e4:
                x = x * 3.0
                if x > 50.0:
                    break
                x = x + 1.0
                i += 1
            return x
    """
    assert starts_from_entry(_fresh(source), jnp.float32(1.0))
    for x in (1.0, 20.0, 100.0, -1.0):
        _same_as_python(source, args=(jnp.float32(x),))
