"""ag.function cache keys of Python floats, methods of temporary objects, and what to_code /
to_graph see of an ag.function."""
import functools
import gc
import math

import autograph as ag


def c(value, dtype=None):
    return ag.constant(value, dtype=dtype)


# -- floats are keyed by bit pattern -------------------------------------------------------------
def _signed(x, s):
    return x * math.copysign(1.0, s)


def test_zero_and_negative_zero_are_different_keys():
    f = ag.function(_signed)
    assert float(f(c(2.0), 0.0).numpy()) == 2.0
    assert float(f(c(2.0), -0.0).numpy()) == -2.0
    assert float(f(c(2.0), 0.0).numpy()) == 2.0          # both traces kept, each hit
    assert f.trace_count == 2


def test_zero_and_negative_zero_through_the_slow_path():
    f = ag.function(_signed)
    # nested in a tuple and passed by keyword: the general key encoding, not the fast path
    assert float(f(c(2.0), s=(-0.0,)[0]).numpy()) == -2.0
    assert float(f(x=c(2.0), s=0.0).numpy()) == 2.0
    g = ag.function(lambda x, t: x * math.copysign(1.0, t[0]))
    assert float(g(c(2.0), (0.0,)).numpy()) == 2.0
    assert float(g(c(2.0), (-0.0,)).numpy()) == -2.0


def test_nan_argument_hits_the_cache():
    f = ag.function(lambda x, s: x + s)
    for _ in range(4):
        assert math.isnan(float(f(c(1.0), float("nan")).numpy()))
    assert f.trace_count == 1
    for _ in range(3):
        f(c(1.0), s=float("nan"))
        f(c(1.0), (float("nan"),)[0])
    assert f.trace_count <= 2


def test_equal_floats_share_a_trace_and_ints_do_not_mix_with_floats():
    f = ag.function(lambda x, s: x * s)
    f(c(1.0), 2.0)
    f(c(1.0), 2.0)
    assert f.trace_count == 1
    f(c(1.0), 2)
    assert f.trace_count == 2


def test_concrete_function_signature_shows_the_float_itself():
    f = ag.function(lambda x, s: x * s)
    f(c(1.0), 0.0)
    concrete = f.get_concrete_function(c(1.0), -0.0)
    assert f.trace_count == 2
    (_, spec), (name, value) = concrete.structured_input_signature
    assert name == "s" and type(value) is float and math.copysign(1.0, value) == -1.0
    assert "s: -0.0" in concrete.pretty_signature()


# -- methods of temporary objects ---------------------------------------------------------------
class Scale:
    def __init__(self, k):
        self.k = k

    @ag.function
    def f(self, x):
        return x * self.k


def test_method_of_a_temporary_object():
    assert int(Scale(3).f(c(2)).numpy()) == 6


def test_bound_method_keeps_its_instance_alive():
    bound = Scale(4).f
    gc.collect()
    assert int(bound(c(2)).numpy()) == 8
    assert int(bound(c(3)).numpy()) == 12
    assert bound.trace_count == 1


def test_bound_method_is_released_with_the_last_reference():
    before = len(Scale.f._bound)
    bound = Scale(5).f
    bound(c(1))
    assert len(Scale.f._bound) == before + 1
    del bound
    gc.collect()
    assert len(Scale.f._bound) == before


def test_traces_survive_between_attribute_lookups():
    s = Scale(2)
    s.f(c(1))
    s.f(c(2))
    assert s.f.trace_count == 1 and s.f is s.f


def test_function_of_a_bound_method():
    g = ag.function(Scale(7).f)
    gc.collect()
    assert int(g(c(1)).numpy()) == 7


# -- to_code / to_graph unwrap an ag.function -----------------------------------------------------
@ag.function
def _positive_twice(x):
    if x > 0:
        x = x * 2
    return x


class Counter:
    @ag.function
    def up(self, x):
        while x < 10:
            x = x + 1
        return x

    def __call__(self, x):
        return x


def test_to_code_of_an_ag_function_shows_the_users_function():
    code = ag.to_code(_positive_twice)
    assert code.startswith("def _positive_twice(x):") and "if_stmt" in code
    assert code == ag.to_code(_positive_twice.python_function)


def test_to_code_of_methods_and_partials_of_ag_functions():
    expected = ag.to_code(Counter.up.python_function)
    assert expected.startswith("def up(self, x):") and "while_stmt" in expected
    assert ag.to_code(Counter().up) == expected
    assert ag.to_code(Counter.up) == expected
    assert ag.to_code(functools.partial(Counter().up, 3)) == expected
    assert ag.to_code(functools.partial(_positive_twice, 1)).startswith("def _positive_twice")


def test_to_graph_of_an_ag_function_converts_the_users_function():
    g = ag.to_graph(_positive_twice)
    assert g.__name__ == "_positive_twice"
    assert g(3) == 6 and g(-1) == -1
    m = ag.to_graph(Counter().up)
    assert m(3) == 10
    assert ag.to_graph(functools.partial(Counter().up, 4))() == 10
