"""ag.function: tracing, the trace cache, input signatures, methods, variables, graphs."""
import collections
import gc
import io
import logging
import threading
import warnings

import numpy as np
import pytest

import autograph as ag
from samples import sum_even
from autograph.function import ConcreteFunction, Function, RetracingWarning, TensorSpec
from autograph.function import function
from autograph.runtime.errors import GraphMismatchError, InvalidArgumentError

Point = collections.namedtuple("Point", ["x", "y"])


def c(value, dtype=None):
    return ag.constant(value, dtype=dtype)


# -- decorator forms and basic calls ----------------------------------------------------------
def test_decorator_forms():
    @function
    def a(x):
        return x + 1

    @function()
    def b(x):
        return x + 2

    def plain(x):
        return x + 3

    for f, expected in ((a, 2.0), (b, 3.0), (function(plain), 4.0),
                        (function(plain, name="renamed"), 4.0),
                        (function(lambda x: x + 5), 6.0)):
        assert isinstance(f, Function)
        assert float(f(c(1.0))) == expected
    assert a.__name__ == "a" and a.python_function.__name__ == "a"
    assert function(plain, name="renamed").__name__ == "renamed"
    assert "a" in repr(a) and "1 trace" in repr(a)


def test_function_of_function_rewraps_python_function():
    f = function(lambda x: x * 2)
    g = function(f, autograph=False)
    assert g.python_function is f.python_function
    assert float(g(c(2.0))) == 4.0


def test_not_callable_is_an_error():
    with pytest.raises(TypeError, match="callable"):
        function(3)


def test_callable_object():
    class Scale:
        def __init__(self, k):
            self.k = k

        def __call__(self, x):
            return x * self.k

    f = function(Scale(3.0))
    assert float(f(c(2.0))) == 6.0
    assert float(f(c(5.0))) == 15.0
    assert f.trace_count == 1


def test_matches_eager_result():
    def f(x, y):
        return (x * x * 3.0 + y) - x

    g = function(f)
    x, y = c([[2.0, 3.0]]), c([[3.0, -2.0]])
    np.testing.assert_allclose(g(x, y).numpy(), f(x, y).numpy())
    np.testing.assert_allclose(g(x, y).numpy(), f(x, y).numpy())  # cached path


def test_results_are_eager_tensors_with_values():
    f = function(lambda x: x + 1)
    out = f(c([1, 2], ag.int32))
    assert type(out) is ag.EagerTensor
    assert out.dtype is ag.int32 and tuple(out.shape) == (2,)
    np.testing.assert_array_equal(out.numpy(), [2, 3])
    out2 = f(c([5, 6], ag.int32))        # fast path
    assert type(out2) is ag.EagerTensor and out2.dtype is ag.int32
    np.testing.assert_array_equal(out2.numpy(), [6, 7])


def test_keyword_arguments_and_defaults_share_the_trace():
    @function
    def f(x, scale=2.0):
        return x * scale

    x = c(3.0)
    assert float(f(x)) == 6.0
    assert float(f(x, 2.0)) == 6.0
    assert float(f(x, scale=2.0)) == 6.0
    assert float(f(x=x, scale=2.0)) == 6.0
    assert f.trace_count == 1
    assert float(f(x, scale=3.0)) == 9.0
    assert f.trace_count == 2


def test_missing_argument_is_a_clear_error():
    @function
    def f(x, y):
        return x + y

    with pytest.raises(TypeError, match=r"f\(\).*'y'"):
        f(c(1.0))


def test_varargs_and_kwargs():
    @function
    def f(*args, **kwargs):
        total = args[0]
        for a in args[1:]:
            total = total + a
        for k in sorted(kwargs):
            total = total + kwargs[k]
        return total

    assert float(f(c(1.0), c(2.0), z=c(4.0))) == 7.0
    assert float(f(c(3.0), c(2.0), z=c(4.0))) == 9.0
    assert f.trace_count == 1
    assert float(f(c(1.0), c(2.0), c(3.0))) == 6.0
    assert f.trace_count == 2


def test_identity_output_and_input_passthrough():
    f = function(lambda x, y: (x, y))
    a, b = f(c([1.0, 2.0]), c(3))
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])
    assert int(b) == 3


def test_keyword_arguments_in_any_order_take_the_fast_path_correctly():
    @function
    def f(a, b, k=1.0):
        return a * 2.0 - b + k

    a, b = c([1.0]), c([3.0])
    for _ in range(2):                      # trace, then the fast path
        assert float(f(a, b, k=2.0)[0]) == 1.0
        assert float(f(b=b, a=a, k=2.0)[0]) == 1.0
        assert float(f(k=5.0, b=a, a=b)[0]) == 10.0
        assert float(f(a, b=b)[0]) == 0.0
    assert f.trace_count == 3               # k=2.0, k=5.0 and the default k=1.0


def test_same_tensor_twice_then_different_tensors():
    f = function(lambda x, y: x - y)
    x = c([5.0])
    assert float(f(x, x)[0]) == 0.0
    assert float(f(c([5.0]), c([2.0]))[0]) == 3.0
    assert float(f(x, c([1.0]))[0]) == 4.0


def test_tensor_default_arguments():
    @function
    def f(x, y=ag.constant(10.0)):
        return x + y

    for _ in range(3):
        assert float(f(c(1.0))) == 11.0
    assert float(f(c(1.0), c(2.0))) == 3.0
    assert f.trace_count == 1


def test_recursive_function_with_a_python_depth():
    @function
    def power(x, n):
        if n == 0:
            return x * 0.0 + 1.0
        return x * power(x, n - 1)

    assert float(power(c(2.0), 5)) == 32.0
    assert float(power(c(3.0), 5)) == 243.0
    assert power.trace_count == 6


def test_returning_a_variable_returns_the_variable():
    v = ag.Variable(2.0)
    f = function(lambda x: (v, x))
    out_v, _ = f(c(1.0))
    assert out_v is v


# -- outputs ----------------------------------------------------------------------------------
def test_output_structures():
    @function
    def f(x):
        return {"list": [x, x + 1], "tuple": (x * 2,), "point": Point(x, 3),
                "none": None, "const": "text", "num": 1.5}

    for _ in range(2):        # trace, then the cached path
        out = f(c(1.0))
        assert sorted(out) == ["const", "list", "none", "num", "point", "tuple"]
        assert isinstance(out["list"], list) and [float(v) for v in out["list"]] == [1.0, 2.0]
        assert isinstance(out["tuple"], tuple) and float(out["tuple"][0]) == 2.0
        assert type(out["point"]) is Point and float(out["point"].x) == 1.0
        assert out["point"].y == 3
        assert out["none"] is None and out["const"] == "text" and out["num"] == 1.5


def test_output_containers_are_fresh_each_call():
    f = function(lambda x: [x, 1])
    first = f(c(1.0))
    first.append("mutated")
    assert len(f(c(1.0))) == 2


def test_none_and_constant_outputs():
    assert function(lambda x: None)(c(1.0)) is None
    assert function(lambda x: 7)(c(1.0)) == 7
    t = function(lambda x: (x, None))(c(1.0))
    assert isinstance(t, tuple) and t[1] is None


def test_dict_output_keeps_insertion_order():
    f = function(lambda x: {"b": x, "a": x + 1})
    assert list(f(c(1.0))) == ["b", "a"]


# -- print and side effects -------------------------------------------------------------------
def test_python_print_runs_at_trace_time_only(capsys):
    @function
    def f(x):
        print("tracing", x)
        return x + 1

    f(c([[1.0, 2.0]]))
    out = capsys.readouterr().out
    assert "tracing" in out and "shape=(1, 2)" in out and "float32" in out
    assert "1." not in out.split("shape")[0].replace("tracing", "")
    f(c([[3.0, 4.0]]))
    assert capsys.readouterr().out == ""


def test_ag_print_runs_every_call(capsys):
    @function
    def f(x):
        ag.print("value:", x)

    f(c(1))
    f(c(2))
    assert capsys.readouterr().out.split() == ["value:", "1", "value:", "2"]


def test_python_side_effects_happen_at_trace_time_only():
    log = []

    @function
    def f(x):
        log.append("traced")
        return x

    for i in range(3):
        f(c(float(i)))
    assert log == ["traced"]


def test_stateful_ops_run_in_program_order_every_call():
    stream = io.StringIO()
    v = ag.Variable(0)

    @function
    def f(x):
        ag.print("before", v, output_stream=stream)
        v.assign_add(x)
        ag.print("after", v, output_stream=stream)
        v.assign_add(x)          # result not returned: still runs
        return None

    f(c(1))
    f(c(10))
    assert stream.getvalue().split("\n")[:-1] == ["before 0", "after 1", "before 2",
                                                  "after 12"]
    assert int(v) == 22


def test_runtime_errors_name_the_op_and_the_users_line():
    @function
    def f(x):
        ag.Assert(x > 0, message="x must be positive")
        return x

    assert float(f(c(1.0))) == 1.0
    with pytest.raises(InvalidArgumentError) as info:
        f(c(-1.0))
    assert "x must be positive" in str(info.value)
    assert "test_function.py" in str(info.value)


# -- cache keys -------------------------------------------------------------------------------
def _counting():
    # autograph=False: these tests are about the cache, not the converter.
    traces = []

    @function(autograph=False)
    def f(*args, **kwargs):
        traces.append(1)
        return args[0] if args else None

    return f, traces


def test_key_tensor_same_shape_and_dtype_reuses_the_trace():
    f, traces = _counting()
    f(c([1.0, 2.0]))
    f(c([3.0, 4.0]))
    assert len(traces) == 1


def test_key_tensor_new_shape_or_dtype_retraces():
    f, traces = _counting()
    f(c([1.0, 2.0]))
    f(c([1.0, 2.0, 3.0]))
    f(c([1, 2]))
    f(c([[1.0, 2.0]]))
    assert len(traces) == 4
    f(c([7, 8]))
    assert len(traces) == 4


def test_key_numpy_arrays_by_shape_and_dtype():
    f, traces = _counting()
    out = f(np.array([1.0, 2.0], np.float32))
    assert type(out) is ag.EagerTensor and out.dtype is ag.float32
    f(np.array([5.0, 6.0], np.float32))
    f(c([3.0, 4.0]))                         # same spec as the array: same trace
    assert len(traces) == 1
    f(np.array([5.0, 6.0], np.float64))
    assert len(traces) == 2
    np.testing.assert_array_equal(f(np.array([9.0, 8.0])).numpy(), [9.0, 8.0])


@pytest.mark.filterwarnings("ignore::autograph.function.RetracingWarning")
def test_key_python_scalars_by_value_and_type():
    f, traces = _counting()
    for value in (1, 1, 2, 1.0, True, "a", "a", "b", None, None):
        f(c(0.0), value)
    assert len(traces) == 7          # 1, 2, 1.0, True, "a", "b", None


def test_python_scalar_arguments_are_constants_of_the_trace():
    @function
    def f(x, n):
        return x * n

    assert float(f(c(2.0), 3.0)) == 6.0
    assert float(f(c(2.0), 4.0)) == 8.0
    assert float(f(c(2.0), 3.0)) == 6.0
    assert f.trace_count == 2


def test_key_tuples_by_value_and_nested_tensors_flattened():
    f, traces = _counting()
    f(c(0.0), (1, 2))
    f(c(0.0), (1, 2))
    f(c(0.0), (1, 3))
    assert len(traces) == 2
    g, gtraces = _counting()
    g(c(0.0), (c(1.0), c(2.0)))
    g(c(0.0), (c(5.0), c(6.0)))
    assert len(gtraces) == 1
    g(c(0.0), (c(1.0), c([2.0])))
    assert len(gtraces) == 2


def test_key_nested_lists_and_dicts_flattened():
    @function
    def f(items, table):
        return items[0] + items[1] + table["a"] * table["b"]

    assert float(f([c(1.0), c(2.0)], {"a": c(3.0), "b": c(4.0)})) == 15.0
    assert float(f([c(2.0), c(2.0)], {"a": c(1.0), "b": c(1.0)})) == 5.0
    assert f.trace_count == 1
    # another key order is another dict value (it iterates differently): its own trace
    assert float(f([c(2.0), c(2.0)], {"b": c(1.0), "a": c(1.0)})) == 5.0
    assert f.trace_count == 2
    f([c(1.0), c(2.0), c(3.0)], {"a": c(3.0), "b": c(4.0)})
    assert f.trace_count == 3
    f([c(1.0), c(2.0)], {"a": c(3.0), "b": c(4.0), "c": 1})
    assert f.trace_count == 4


def test_key_namedtuple_arguments():
    @function
    def f(p):
        return p.x * p.y

    assert float(f(Point(c(2.0), c(3.0)))) == 6.0
    assert float(f(Point(c(4.0), c(3.0)))) == 12.0
    assert f.trace_count == 1
    assert float(f(Point(c(4.0), 2.0))) == 8.0
    assert f.trace_count == 2


def test_key_other_objects_by_identity():
    class Config:
        def __init__(self, k):
            self.k = k

        def __eq__(self, other):
            return isinstance(other, Config) and other.k == self.k

        __hash__ = object.__hash__

    @function
    def f(x, cfg):
        return x * cfg.k

    a, b = Config(2.0), Config(2.0)
    assert float(f(c(1.0), a)) == 2.0
    assert float(f(c(1.0), a)) == 2.0
    assert f.trace_count == 1
    assert float(f(c(1.0), b)) == 2.0     # equal but not the same object: new trace
    assert f.trace_count == 2


def test_identity_keys_do_not_keep_objects_alive():
    class Config:
        k = 3.0

    @function
    def f(x, cfg):
        return x * cfg.k

    cfg = Config()
    f(c(1.0), cfg)
    assert len(f.concrete_functions) == 1
    del cfg
    gc.collect()
    assert len(f.concrete_functions) == 0
    assert float(f(c(1.0), Config())) == 3.0


def test_unhashable_unweakrefable_objects_are_keyed_by_identity():
    class Slotted:
        __slots__ = ("k",)

        def __init__(self):
            self.k = 2.0

        __hash__ = None

    f = function(lambda x, s: x * s.k)
    s = Slotted()
    assert float(f(c(1.0), s)) == 2.0
    assert float(f(c(3.0), s)) == 6.0
    assert f.trace_count == 1


def test_variables_as_arguments_are_keyed_by_identity_and_read_each_call():
    f = function(lambda x, v: x + v)
    v = ag.Variable(1.0)
    assert float(f(c(1.0), v)) == 2.0
    v.assign(5.0)
    assert float(f(c(1.0), v)) == 6.0
    assert f.trace_count == 1


# -- TensorSpec -------------------------------------------------------------------------------
def test_tensor_spec():
    s = TensorSpec([None, 3], ag.float32)
    assert s.shape.dims == (None, 3) and s.dtype is ag.float32 and s.name is None
    assert repr(s) == "TensorSpec(shape=(None, 3), dtype=float32, name=None)"
    assert s == TensorSpec((None, 3), "float32") and hash(s) == hash(TensorSpec([None, 3]))
    assert s != TensorSpec([None, 3], ag.float32, name="x")
    assert s.is_compatible_with(c([[1.0, 2.0, 3.0]]))
    assert not s.is_compatible_with(c([[1.0, 2.0]]))
    assert not s.is_compatible_with(c([[1, 2, 3]]))
    assert TensorSpec(None, ag.int32).is_compatible_with(c([[[1]]]))
    assert TensorSpec.from_tensor(c([1, 2])) == TensorSpec([2], ag.int32)
    assert "unknown" in repr(TensorSpec(None))
    assert s.most_specific_compatible_type(TensorSpec([2, 3])).shape.dims == (None, 3)


# -- input_signature --------------------------------------------------------------------------
def test_input_signature_accepts_compatible_arguments_with_one_trace():
    @function(input_signature=[TensorSpec(shape=None, dtype=ag.float32)])
    def f(x):
        return x + 1.0

    assert float(f(c(1.0))) == 2.0
    np.testing.assert_array_equal(f(c([1.0, 2.0])).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(f(c([[1.0]])).numpy(), [[2.0]])
    assert float(f(3.0)) == 4.0           # Python values are converted to the spec's dtype
    assert float(f(3)) == 4.0
    assert f.trace_count == 1


def test_input_signature_dtype_mismatch_names_argument_and_both_specs():
    @function(input_signature=[TensorSpec([None], ag.float32)])
    def f(values):
        return values

    with pytest.raises(TypeError) as info:
        f(c([1]))
    msg = str(info.value)
    assert "'values'" in msg and "float32" in msg and "int32" in msg
    assert "TensorSpec(shape=(None,), dtype=float32" in msg
    assert "TensorSpec(shape=(1,), dtype=int32" in msg


def test_input_signature_shape_mismatch():
    @function(input_signature=[TensorSpec([None, 3], ag.float32)])
    def f(x):
        return x

    f(c([[1.0, 2.0, 3.0]]))
    with pytest.raises(TypeError, match=r"'x'.*\(None, 3\).*\(1, 2\)"):
        f(c([[1.0, 2.0]]))


def test_input_signature_rejects_unconvertible_and_extra_arguments():
    @function(input_signature=[TensorSpec([], ag.int32)])
    def f(x, flag=False):
        return x

    with pytest.raises(TypeError, match="'x'.*int32"):
        f(1.5)
    with pytest.raises(TypeError, match="input_signature"):
        f(c(1), c(2))
    assert int(f(c(1), True)) == 1       # Python values outside the signature are allowed


def test_input_signature_nested_structure():
    @function(input_signature=[[TensorSpec([], ag.float32), TensorSpec([], ag.float32)]])
    def f(pair):
        return pair[0] + pair[1]

    assert float(f([c(1.0), c(2.0)])) == 3.0
    with pytest.raises(TypeError, match="'pair'"):
        f([c(1.0)])
    with pytest.raises(TypeError, match=r"pair\[1\].*float32.*int32"):
        f([c(1.0), c(2)])


def test_input_signature_must_hold_tensor_specs():
    with pytest.raises(TypeError, match="TensorSpec"):
        function(lambda x: x, input_signature=TensorSpec([]))
    with pytest.raises(TypeError, match="TensorSpec"):
        function(lambda x: x, input_signature=[ag.float32])


def test_input_signature_get_concrete_function_without_arguments():
    @function(input_signature=[TensorSpec([None], ag.float32, name="xs")])
    def f(x):
        return x * 2.0

    cf = f.get_concrete_function()
    assert isinstance(cf, ConcreteFunction)
    assert cf.inputs[0].shape.dims == (None,) and cf.inputs[0].op.name == "xs"
    np.testing.assert_array_equal(f(c([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(cf([1.0, 2.0, 3.0]).numpy(), [2.0, 4.0, 6.0])
    assert f.trace_count == 1


# -- reduce_retracing -------------------------------------------------------------------------
def test_reduce_retracing_generalises_dimensions():
    @function(reduce_retracing=True)
    def f(x):
        return x * 2

    for n in range(1, 6):
        np.testing.assert_array_equal(f(c([1.0] * n)).numpy(), [2.0] * n)
    assert f.trace_count == 2
    assert f.concrete_functions[1].inputs[0].shape.dims == (None,)
    f(c([[1.0]]))                      # a new rank: relaxed to an unknown rank
    assert f.trace_count == 3
    assert f.concrete_functions[2].inputs[0].shape.dims is None
    f(c([[[1.0]]]))
    assert f.trace_count == 3


def test_without_reduce_retracing_each_shape_traces():
    f = function(lambda x: x * 2)
    for n in range(1, 4):
        f(c([1.0] * n))
    assert f.trace_count == 3


# -- retrace explanations ---------------------------------------------------------------------
def _messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "autograph"]


def test_retrace_logs_shape_change(caplog):
    caplog.set_level(logging.INFO, logger="autograph")
    f = function(lambda x: x + 1)
    f(c([1.0, 2.0]))
    assert not [m for m in _messages(caplog) if "again" in m]
    f(c([1.0, 2.0, 3.0]))
    (msg,) = [m for m in _messages(caplog) if "again" in m]
    assert "x: shape (2,) -> (3,)" in msg and "<lambda>" in msg and "trace 2" in msg


@pytest.mark.filterwarnings("ignore::autograph.function.RetracingWarning")
def test_retrace_logs_python_value_dtype_object_and_structure(caplog):
    caplog.set_level(logging.INFO, logger="autograph")

    @function
    def f(x, n, obj=None, items=()):
        return x

    f(c(1.0), 1)
    f(c(1.0), 2)
    f(c(1), 2)
    f(c(1), 2, obj=object())
    f(c(1), 2, obj=object())
    f(c(1), 2, items=(c(1.0),))
    text = "\n".join(_messages(caplog))
    assert "n: python value 1 -> 2" in text
    assert "x: dtype float32 -> int32" in text
    assert "obj: None -> an object of type object" in text
    assert "obj: a different object of type object (objects are compared by identity)" in text
    assert "items: structure () -> (float32 (),)" in text


def test_retrace_explains_against_the_closest_earlier_trace(caplog):
    caplog.set_level(logging.INFO, logger="autograph")
    f = function(lambda x, n: x)
    f(c([1.0]), 1)
    f(c([1.0, 2.0]), 2)
    f(c([1.0]), 3)
    last = [m for m in _messages(caplog) if "again" in m][-1]
    assert last.endswith("n: python value 1 -> 3")


def test_frequent_retracing_warns_once_with_cause_and_remedy():
    f = function(lambda x: x * 2)
    with pytest.warns(RetracingWarning) as record:
        for n in range(1, 8):
            f(c([1.0] * n))
    assert len(record) == 1
    msg = str(record[0].message)
    assert "traced 5 times" in msg and "x: shape (4,) -> (5,)" in msg
    assert "reduce_retracing=True" in msg and "input_signature" in msg
    assert record[0].filename.endswith("test_function.py")


def test_frequent_python_value_retracing_recommends_tensors():
    f = function(lambda x, n: x * n)
    with pytest.warns(RetracingWarning, match=r"n: python value 4.0 -> 5.0.*ag.constant"):
        for n in range(1, 6):
            f(c(1.0), float(n))


def test_no_warning_when_traces_are_rare():
    f = function(lambda x: x * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RetracingWarning)
        for n in range(1, 8):
            f(c([1.0] * n))
            for _ in range(10):
                f(c([1.0] * n))


# -- concrete functions -----------------------------------------------------------------------
def test_get_concrete_function_from_specs():
    @function
    def f(x):
        return x * 2.0

    cf = f.get_concrete_function(TensorSpec([None, 3], ag.float32))
    assert isinstance(cf, ConcreteFunction) and isinstance(cf.graph, ag.Graph)
    assert len(cf.inputs) == 1 and cf.inputs[0].shape.dims == (None, 3)
    assert len(cf.outputs) == 1 and cf.outputs[0].dtype is ag.float32
    assert cf.outputs[0].shape.dims == (None, 3)
    assert "multiply" in cf.graph.as_text()
    np.testing.assert_array_equal(cf(c([[1.0, 2.0, 3.0]])).numpy(), [[2.0, 4.0, 6.0]])
    # A call with a compatible shape uses the general trace.
    np.testing.assert_array_equal(f(c([[1.0, 1.0, 1.0]] * 2)).numpy(), [[2.0] * 3] * 2)
    assert f.trace_count == 1
    assert f.get_concrete_function(TensorSpec([None, 3], ag.float32)) is cf
    assert "f(x: float32 (None, 3)) -> float32 (None, 3)" in repr(cf)
    (name, spec), = cf.structured_input_signature
    assert name == "x" and spec.shape.dims == (None, 3)


def test_get_concrete_function_from_values_and_mismatched_call():
    @function
    def f(x, n):
        return x * n

    cf = f.get_concrete_function(c([1.0, 2.0]), 3.0)
    assert cf is f.get_concrete_function(TensorSpec([2], ag.float32), 3.0)
    np.testing.assert_array_equal(cf(c([1.0, 1.0]), 3.0).numpy(), [3.0, 3.0])
    with pytest.raises(TypeError, match=r"x: shape \(2,\) -> \(3,\)"):
        cf(c([1.0, 1.0, 1.0]), 3.0)
    with pytest.raises(TypeError, match="n: python value 3.0 -> 4.0"):
        cf(c([1.0, 1.0]), 4.0)


def test_trace_count_and_tracing_count():
    f = function(lambda x: x)
    assert f.trace_count == 0 and f.experimental_get_tracing_count() == 0
    f(c(1.0))
    f(c(2.0))
    assert f.trace_count == 1 == f.experimental_get_tracing_count()


def test_calling_with_a_tensor_spec_is_an_error():
    f = function(lambda x: x)
    with pytest.raises(TypeError, match="get_concrete_function"):
        f(TensorSpec([]))


# -- methods and variables --------------------------------------------------------------------
class Counter:
    def __init__(self, start=0):
        self.v = ag.Variable(start)

    @function
    def increment(self, amount):
        self.v.assign_add(amount)
        return self.v.read_value()


def test_methods_update_variables_and_instances_do_not_share_state():
    a = Counter()
    assert int(a.increment(c(3))) == 3
    assert int(a.v) == 3
    assert int(a.increment(c(4))) == 7
    b = Counter(100)
    assert int(b.increment(c(5))) == 105
    assert int(a.v) == 7 and int(b.v) == 105
    assert a.increment.trace_count == 1 and b.increment.trace_count == 1


def test_method_descriptor_binds_per_instance():
    a, b = Counter(), Counter()
    assert a.increment is a.increment
    assert a.increment is not b.increment
    assert isinstance(Counter.increment, Function)
    assert Counter.increment.__get__(None, Counter) is Counter.increment


def test_bound_functions_are_released_with_their_instance():
    a = Counter()
    a.increment(c(1))
    assert len(Counter.increment._bound) >= 1
    before = len(Counter.increment._bound)
    del a
    gc.collect()
    assert len(Counter.increment._bound) == before - 1


def test_method_through_the_class_keys_self_by_identity():
    a = Counter()
    assert int(Counter.increment(a, c(2))) == 2
    assert int(a.v) == 2


def test_variable_updates_visible_between_calls_and_eagerly():
    v = ag.Variable([1.0, 1.0])

    @function
    def step(x):
        v.assign(v * x)
        return v.read_value() + 0.0

    np.testing.assert_array_equal(step(c(2.0)).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 2.0])
    v.assign([3.0, 3.0])
    np.testing.assert_array_equal(step(c(2.0)).numpy(), [6.0, 6.0])


class LazyScale:
    """A Keras-style layer: creates its weight on the first call."""

    def __init__(self):
        self.w = None

    def __call__(self, x):
        if self.w is None:
            self.w = ag.Variable(lambda: np.full([], 2.0, np.float32))
        return x * self.w


def test_variables_may_be_created_on_the_first_trace():
    layer = LazyScale()

    @function
    def f(x):
        return layer(x)

    assert float(f(c(3.0))) == 6.0
    np.testing.assert_array_equal(f(c([1.0, 2.0])).numpy(), [2.0, 4.0])  # retrace, no creation
    assert f.trace_count == 2
    layer.w.assign(5.0)
    assert float(f(c(1.0))) == 5.0


def test_variable_initialised_from_graph_ops_on_the_first_trace():
    holder = {}

    @function
    def f(x):
        if "v" not in holder:
            holder["v"] = ag.Variable(ag.ones([2]) * 3.0)   # graph ops, evaluated at creation
        holder["v"].assign_add(x)
        return holder["v"].read_value()

    np.testing.assert_array_equal(f(c([1.0, 1.0])).numpy(), [4.0, 4.0])
    np.testing.assert_array_equal(f(c([1.0, 2.0])).numpy(), [5.0, 6.0])
    np.testing.assert_array_equal(holder["v"].numpy(), [5.0, 6.0])


def test_creating_variables_on_a_later_trace_is_a_clear_error():
    @function
    def f(x):
        v = ag.Variable(1.0, name="fresh")
        return x + v

    assert float(f(c(1.0))) == 2.0
    with pytest.raises(ValueError) as info:
        f(c([1.0, 2.0]))
    msg = str(info.value)
    assert "'fresh'" in msg and "first trace" in msg and "x: shape () -> (2,)" in msg


def test_bound_method_keeps_its_instance_alive():
    # like a Python bound method (issue 12, item 11: it used to raise ReferenceError)
    method = Counter().increment
    gc.collect()
    assert int(method(c(1))) == 1 and int(method(c(2))) == 3


def test_get_concrete_function_of_a_method():
    a = Counter()
    cf = a.increment.get_concrete_function(TensorSpec([], ag.int32))
    assert [name for name, _ in cf.structured_input_signature] == ["amount"]
    assert a.v in cf.variables
    assert int(cf(c(4))) == 4 and int(a.v) == 4


# -- functions calling functions, graphs and sessions -----------------------------------------
def test_functions_call_functions():
    @function
    def inner(x, y):
        return x + y

    @function
    def outer(x):
        return inner(x, x * x)

    assert float(outer(c(2.0))) == 6.0
    assert float(outer(2.0)) == 6.0
    assert float(inner(2.0, 2.0)) == 4.0
    assert inner.trace_count == 3     # (tensor, tensor) traced once, Python 2.0 twice
    text = outer.get_concrete_function(c(1.0)).graph.as_text()
    assert "inner.add" in text        # the inner trace's ops are inlined, under its name


def test_nested_function_side_effects_run_every_outer_call():
    stream = io.StringIO()

    @function
    def inner(x):
        ag.print("inner", x, output_stream=stream)
        return x

    @function
    def outer(x):
        inner(x)
        return x + 1

    outer(c(1))
    outer(c(2))
    assert stream.getvalue().split() == ["inner", "1", "inner", "2"]


def test_function_in_graph_and_session():
    @function
    def f(x):
        return x * x + 1.0

    with ag.Graph().as_default() as g:
        x = ag.placeholder(ag.float32, [None])
        y = f(x)
        assert type(y) is ag.Tensor and y.graph is g and y.shape.dims == (None,)
        with ag.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, feed_dict={x: [1.0, 2.0]}), [2.0, 5.0])
            np.testing.assert_array_equal(sess.run(y, feed_dict={x: [3.0]}), [10.0])
    assert f.trace_count == 1


def test_function_with_only_side_effects_returns_its_op_in_a_graph():
    v = ag.Variable(0)

    @function
    def bump(n):
        v.assign_add(n)

    with ag.Graph().as_default():
        op = bump(ag.constant(5))
        assert isinstance(op, ag.Operation)
        sess = ag.Session()
        sess.run(op)
        sess.run(op)
    assert int(v) == 10


def test_session_runs_a_functions_side_effects_with_its_outputs():
    stream = io.StringIO()

    @function
    def f(x):
        ag.print("ran", output_stream=stream)
        return x + 1

    with ag.Graph().as_default():
        y = f(ag.constant(1))
        assert int(ag.Session().run(y)) == 2
    assert stream.getvalue() == "ran\n"


def test_function_closing_over_a_graph_tensor_captures_it():
    with ag.Graph().as_default():
        base = ag.placeholder(ag.float32, [])

        @function
        def f(x):
            return x + base

        y = f(ag.constant(1.0))
        assert float(ag.Session().run(y, feed_dict={base: 2.0})) == 3.0
    with pytest.raises(GraphMismatchError):     # eagerly the captured tensor has no value
        f(c(1.0))


def test_using_another_graphs_tensor_is_a_clear_error():
    with ag.Graph().as_default():
        foreign = ag.placeholder(ag.float32, [])
    f = function(lambda x: x + foreign)
    with pytest.raises(GraphMismatchError):
        f(c(1.0))


def test_function_inside_cond_branches():
    @function
    def double(x):
        return x * 2

    @function
    def f(x):
        return ag.cond(x > 0, lambda: double(x), lambda: x - 1)

    assert float(f(c(3.0))) == 6.0
    assert float(f(c(-3.0))) == -4.0


# -- gradients --------------------------------------------------------------------------------
def test_gradient_tape_around_a_function_call_sees_inputs_and_variables():
    w = ag.Variable(3.0)

    @function
    def loss(x):
        y = x * w
        return y * y

    x = c(2.0)
    assert float(loss(x)) == 36.0
    with ag.GradientTape() as tape:
        tape.watch(x)
        out = loss(x)
    gx, gw = tape.gradient(out, [x, w])
    assert float(out) == 36.0
    assert float(gx) == 2 * 6.0 * 3.0 and float(gw) == 2 * 6.0 * 2.0


def test_gradient_tape_inside_a_function_through_a_nested_function():
    w = ag.Variable(3.0)

    @function
    def inner(x):
        return x * w * x

    @function
    def outer(x):
        with ag.GradientTape() as tape:
            tape.watch(x)
            y = inner(x)
        return tape.gradient(y, [x, w])

    gx, gw = outer(c(2.0))
    assert float(gx) == 12.0 and float(gw) == 4.0


@pytest.mark.parametrize("stateful", [False, True])
def test_graph_gradients_through_a_function_call_match_finite_differences(stateful):
    # The function_call / stateful_function_call ops' gradient rule (a user's Graph + Session).
    @function
    def f(x, y):
        if stateful:
            ag.print("side effect", output_stream=io.StringIO())
        return x * x * y + y

    def numeric(x0, y0, eps=1e-6):
        value = lambda a, b: a * a * b + b
        return ((value(x0 + eps, y0) - value(x0 - eps, y0)) / (2 * eps),
                (value(x0, y0 + eps) - value(x0, y0 - eps)) / (2 * eps))

    with ag.Graph().as_default():
        x = ag.placeholder(ag.float64, [])
        y = ag.placeholder(ag.float64, [])
        out = f(x, y)
        assert out.op.type == ("stateful_function_call" if stateful else "function_call")
        grads = ag.gradients(out, [x, y])
        got = ag.Session().run(grads, feed_dict={x: 1.5, y: -2.0})
    np.testing.assert_allclose(got, numeric(1.5, -2.0), rtol=1e-6)


# -- autograph switch -------------------------------------------------------------------------
def test_autograph_false_iterating_a_graph_tensor_fails_clearly():
    f = function(sum_even, autograph=False)
    with pytest.raises(TypeError) as info:
        f(c([10, 12, 15, 20]))
    assert "iterating" in str(info.value) and "autograph" in str(info.value)


def test_autograph_true_converts_control_flow():
    f = function(sum_even)
    assert int(f(c([10, 12, 15, 20]))) == 42
    assert int(f(c([1, 2, 3, 4]))) == 6


def test_unconvertible_function_is_traced_as_it_is_with_a_warning(caplog):
    namespace = {}
    exec("def f(x):\n    return x * 2\n", namespace)     # no source for the converter
    f = function(namespace["f"])
    assert float(f(c(2.0))) == 4.0
    assert any("could not convert" in m for m in _messages(caplog))


def test_autograph_print_in_loop(capsys):
    @function
    def print_items(items):
        for item in items:
            ag.print(item)

    print_items(c([1, 5, 6]))
    print_items(c([7, 2, 9]))
    assert capsys.readouterr().out.split() == ["1", "5", "6", "7", "2", "9"]


# -- threads ----------------------------------------------------------------------------------
def test_concurrent_calls_from_eight_threads():
    traces = []

    @function(autograph=False)
    def f(x, k):
        traces.append(1)
        return x * k + 1.0

    barrier = threading.Barrier(8)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            for j in range(50):
                n = 1 + (i + j) % 4               # 4 shapes shared by all threads
                x = c(np.full([n], float(i), np.float32))
                out = f(x, 2.0)
                np.testing.assert_array_equal(out.numpy(), np.full([n], 2.0 * i + 1.0))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(traces) == 4 == f.trace_count


def test_concurrent_first_calls_trace_once():
    traces = []

    @function(autograph=False)
    def f(x):
        traces.append(1)
        return x + 1

    barrier = threading.Barrier(8)
    results = [None] * 8

    def worker(i):
        barrier.wait()
        results[i] = float(f(c(float(i))))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [float(i + 1) for i in range(8)]
    assert len(traces) == 1


def test_an_error_raised_by_a_fast_plan_is_not_retried_on_the_slow_path():
    # A KeyError/AttributeError from the compiled plan must reach the caller, never fall back
    # to the slow path (which would run the graph a second time).
    f = ag.function(lambda x: x + 1.0)
    x = ag.constant(np.float32(1.0))
    f(x)
    f(x)
    assert len(f._fast) == 1
    runs = []

    def failing_plan(*vals):
        runs.append(1)
        raise KeyError("from the plan")

    key, (plan, build, order, concrete) = next(iter(f._fast.items()))
    f._fast[key] = (failing_plan, build, order, concrete)
    with pytest.raises(KeyError, match="from the plan"):
        f(x)
    assert len(runs) == 1


def test_a_user_keyword_hash_raising_keyerror_is_not_swallowed_by_the_fast_path():
    # A str subclass as a keyword name: its __hash__ is the user's code. CPython hashes it
    # once to pass **kwargs on; the next hash raises KeyError, which must reach the caller
    # unchanged (the fast path used to swallow it and quietly fall back to the slow path).
    class Name(str):
        armed = None           # the hash call (counted from arming) that raises

        def __hash__(self):
            if Name.armed is not None:
                Name.armed -= 1
                if Name.armed == 0:
                    raise Name.error
            return str.__hash__(self)

        def __eq__(self, other):
            return str.__eq__(self, other)

    Name.error = KeyError("user hash")
    f = ag.function(lambda x, n=0: x + n)
    kwargs = {Name("n"): 2.0}
    for _ in range(2):                                   # trace, then a fast-path entry
        assert float(f(c(1.0), **kwargs)) == 3.0
    Name.armed = 2                                       # CPython's own hash passes
    with pytest.raises(KeyError) as info:
        f(c(1.0), **kwargs)
    assert info.value is Name.error
    assert float(f(c(1.0), **kwargs)) == 3.0             # disarmed again: runs


def test_dicts_with_the_same_items_in_another_order_do_not_share_a_trace():
    # Iteration order is part of a dict's value: a trace made for {'b': .., 'a': ..} would
    # give the other order's answer (21 for 12) if the two shared a cache key.
    def digits(d, x):
        r = x * 0
        for k in d:
            r = r * 10 + d[k]
        return r

    f = ag.function(digits)
    for d in ({"b": 2, "a": 1}, {"a": 1, "b": 2}, {"b": 2, "a": 1}):
        assert int(f(d, c(1))) == digits(d, 1)
    for d in ({"b": c(2), "a": c(1)}, {"a": c(1), "b": c(2)}):
        assert int(f(d, c(1))) == int(digits(d, 1))
    assert f.trace_count == 4
    ordered = ag.function(lambda d, x: x + (1 if list(d) == ["b", "a"] else 0))
    assert int(ordered(collections.OrderedDict([("a", c(1)), ("b", c(2))]), c(0))) == 0
    assert int(ordered(collections.OrderedDict([("b", c(2)), ("a", c(1))]), c(0))) == 1
