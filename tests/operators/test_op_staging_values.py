"""Graph mode never invents or changes a value: `ag.function(f)(tensors)` returns what `f`
returns eagerly on the same tensors, or raises a clear error (issue #12, part A)."""
import numpy as np
import pytest

import autograph as ag
from tests.source_helpers import make_function


def _value(x):
    if isinstance(x, ag.Tensor):
        v = x.numpy()
        return v.item() if np.ndim(v) == 0 else v.tolist()
    if isinstance(x, (list, tuple)):
        return type(x)(_value(v) for v in x)
    if isinstance(x, dict):
        return {k: _value(v) for k, v in x.items()}
    return x


def _kind(x):
    if isinstance(x, ag.Tensor):
        return x.dtype.name
    return type(x).__name__


def assert_same_as_eager(f, *args):
    eager = f(*[ag.constant(a) for a in args])
    graph = ag.function(f)(*[ag.constant(a) for a in args])
    assert _value(graph) == _value(eager), (args, graph, eager)
    # the kind of number is kept: an int stays an int, a bool a bool
    kinds = {"bool": "bool", "int": "int32", "float": "float32"}
    assert kinds.get(_kind(eager), _kind(eager)) == _kind(graph), (args, graph, eager)


# --- and / or return one of their operands ----------------------------------------------------

AND_OR = '''
def and_int(x):
    return x and 7

def or_int(x):
    return x or 3

def or_float(x):
    return x or 2.5

def and_chain(x, y):
    return x and y and 4

def test_pos(x, n):
    if x > 0 and n % 2:
        return 1
    return 2

def while_test(x, n):
    s = 0
    while s < 5 and (n % 3 or x):
        s += 1
    return s

def ternary_test(x, n):
    return 1 if n % 2 or x > 3 else 0

def not_test(x, n):
    return 1 if not (x > 0 and n) else 0

def and_bool_int(x):
    return x > 0 and 5

def and_bool_float(x):
    return (x > 0) and 2.5
'''


@pytest.fixture(scope="module")
def and_or():
    return {name: make_function(AND_OR, name) for name in (
        "and_int", "or_int", "or_float", "and_chain", "test_pos", "while_test",
        "ternary_test", "not_test", "and_bool_int", "and_bool_float")}


@pytest.mark.parametrize("x", [0, 1, 5])
def test_and_or_return_an_operand_of_the_same_dtype(and_or, x):
    assert_same_as_eager(and_or["and_int"], x)
    assert_same_as_eager(and_or["or_int"], x)
    assert_same_as_eager(and_or["or_float"], float(x))
    for y in (0, 3):
        assert_same_as_eager(and_or["and_chain"], x, y)


@pytest.mark.parametrize("x,n", [(1, 3), (1, 2), (-1, 3), (0, 0), (4, 0)])
def test_and_or_in_a_test_position_need_only_the_truth_value(and_or, x, n):
    for name in ("test_pos", "while_test", "ternary_test", "not_test"):
        assert_same_as_eager(and_or[name], x, n)


@pytest.mark.parametrize("name,expr,kinds", [
    ("and_bool_int", "return x > 0 and 5", "bool tensor and the other the Python int 5"),
    ("and_bool_float", "return (x > 0) and 2.5",
     "bool tensor and the other the Python float 2.5"),
])
def test_and_or_operands_that_cannot_be_one_tensor_are_an_error(and_or, name, expr, kinds):
    with pytest.raises(TypeError) as info:
        ag.function(and_or[name])(ag.constant(1))
    msg = str(info.value)
    assert "`and` expression at " in msg and expr in msg and kinds in msg


def test_int_or_python_float_is_an_error_not_a_cast(and_or):
    with pytest.raises(TypeError, match="int32 tensor and the other the Python float 2.5"):
        ag.function(and_or["or_float"])(ag.constant(0))
