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


# --- a loop that runs zero times never invents a value -----------------------------------------

LOOPS = '''
import autograph as ag

def grow(b):
    y = {"b": b}
    while y["b"] <= 10:
        y["a"] = y["b"] + 1
        y["b"] *= 2
    return y

def last_item(items):
    for i in items:
        pass
    return i

def while_only(x):
    while x < 5:
        j = x
        x = x + 1
    return j

def nested(n):
    for i in ag.range(n):
        for k in ag.range(i):
            j = k
    return j

def two_loops(n, m):
    for i in ag.range(n):
        j = i
    for i in ag.range(m):
        j = i * 10
    return j

def unused(n):
    t = 0
    for i in ag.range(n):
        tmp = i * 2
        t += tmp
    return t

class Box:
    pass

def attribute(n):
    box = Box()
    for i in ag.range(n):
        box.last = i
    return box.last
'''


@pytest.fixture(scope="module")
def loops():
    return {name: make_function(LOOPS, name) for name in (
        "grow", "last_item", "while_only", "nested", "two_loops", "unused", "attribute")}


def _eager_or_error(f, args):
    try:
        return _value(f(*args)), None
    except (UnboundLocalError, AttributeError, KeyError) as e:
        return None, e


@pytest.mark.parametrize("name,args", [
    ("last_item", ([1.0, 2.0],)), ("last_item", (np.zeros(0, np.float32),)),
    ("while_only", (1,)), ("while_only", (7,)),
    ("nested", (1,)), ("nested", (3,)),
    ("two_loops", (0, 2)), ("two_loops", (2, 0)), ("two_loops", (0, 0)),
    ("unused", (0,)), ("unused", (3,)),
    ("attribute", (2,)), ("attribute", (0,)),
])
def test_zero_trip_loops_give_the_eager_value_or_fail_at_run_time(loops, name, args):
    f = loops[name]
    tensors = [ag.constant(a) for a in args]
    eager, error = _eager_or_error(f, tensors)
    if error is None:
        assert _value(ag.function(f)(*tensors)) == eager
    else:
        with pytest.raises((ag.InvalidArgumentError, UnboundLocalError)) as info:
            ag.function(f)(*tensors)
        msg = str(info.value)
        if isinstance(info.value, UnboundLocalError):
            # a loop of static length zero: raised while tracing, exactly as Python does
            assert "cannot access local variable" in msg
            return
        assert "is assigned only inside the tensor-dependent loop" in msg \
            or "is set only inside the tensor-dependent loop" in msg
        assert "a value before the loop" in msg


def test_zero_trip_error_names_the_variable_and_lines(loops):
    with pytest.raises(ag.InvalidArgumentError) as info:
        ag.function(loops["while_only"])(ag.constant(7))
    msg = str(info.value)
    src = LOOPS.splitlines()
    assign = next(i for i, t in enumerate(src, 1) if t.strip() == "j = x")
    use = next(i for i, t in enumerate(src, 1) if t.strip() == "return j" and i > assign)
    assert "'j'" in msg and "(line %d)" % assign in msg and "(line %d)" % use in msg
    assert "Give 'j' a value before the loop" in msg


def test_a_dict_key_created_only_by_a_loop_is_never_a_made_up_zero(loops):
    f = ag.function(loops["grow"])
    out = f(ag.constant(1))
    assert _value(out) == _value(loops["grow"](ag.constant(1)))   # {'b': 16, 'a': 9}
    with pytest.raises(ag.InvalidArgumentError, match=r"'y\['a'\]' is set only inside"):
        f(ag.constant(11))      # eager: {'b': 11}; the graph cannot return a dict without 'a'


def test_gradients_flow_through_a_value_created_in_a_loop():
    g = make_function('''
import autograph as ag

def square_in_loop(x, n):
    for i in ag.range(n):
        y = x * x
    return y

def grad(x, n):
    with ag.GradientTape() as tape:
        tape.watch(x)
        y = square_in_loop(x, n)
    return tape.gradient(y, x)
''', "grad")
    assert ag.function(g)(ag.constant(3.0), ag.constant(2)).numpy() == 6.0


# --- a list lowered by a tensor loop behaves like the list after it -----------------------------

LISTS = '''
import autograph as ag

def uses(n):
    out = []
    for i in ag.range(n):
        out.append(i * 2)
    a = 1 if out else 0
    b = 0
    if out:
        b = 5
    c = len(out)
    d = ag.reduce_sum(out)
    e = 0
    s = 0
    for v in out:
        s += v
    f = out[0] if len(out) > 0 else -1
    g = not out
    h = out[1:]
    return a, b, c, d, e, s, f, g, h

def returned(n):
    out = []
    for i in ag.range(n):
        out.append(i * 3)
    return out, {"items": out}

def stacked(n):
    out = []
    for i in ag.range(n):
        out.append(i * 3)
    return ag.stack(out) * 2
'''


@pytest.fixture(scope="module")
def lists():
    return {name: make_function(LISTS, name) for name in ("uses", "returned", "stacked")}


def _as_list(x):
    return [_value(v) for v in x] if isinstance(x, list) else _value(x)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_a_lowered_list_is_a_list_after_the_loop(lists, n):
    f = lists["uses"]
    eager = f(ag.constant(n))
    graph = ag.function(f)(ag.constant(n))
    assert [_as_list(v) for v in graph] == [_as_list(v) for v in eager]
    if n:
        assert_same_as_eager(lists["stacked"], n)


@pytest.mark.parametrize("n", [0, 2])
def test_a_lowered_list_leaves_the_function_stacked(lists, n):
    graph = ag.function(lists["returned"])(ag.constant(n))
    eager = lists["returned"](ag.constant(n))
    assert not any(isinstance(v, ag.TensorArray) for v in (graph[0], graph[1]["items"]))
    assert isinstance(graph[0], ag.Tensor) and graph[0].dtype == ag.int32
    assert _value(graph[0]) == _as_list(eager[0]) == _value(graph[1]["items"])


def test_a_user_tensor_array_is_returned_as_it_is():
    f = make_function('''
import autograph as ag

def mine(n):
    ta = ag.TensorArray(ag.int32, size=0, dynamic_size=True)
    for i in ag.range(n):
        ta = ta.write(i, i)
    return ta
''', "mine")
    assert isinstance(ag.function(f)(ag.constant(2)), ag.TensorArray)


# --- a Python exception raised while tracing a staged branch is not absorbed -------------------

EXCEPTIONS = '''
def absorbed(x):
    y = 0
    if x > 0:
        try:
            if x > 1:
                raise ValueError("too big")
            y = 1
        except ValueError:
            y = 2
    return y

def in_loop(n):
    s = 0
    for i in range(n):
        try:
            if i > 2:
                raise KeyError("k")
            s += 1
        except KeyError:
            s += 100
    return s

def python_values_unchanged(x):
    try:
        if x > 1:
            raise ValueError("too big")
        return 1
    except ValueError:
        return 2
'''


@pytest.fixture(scope="module")
def exceptions():
    return {name: make_function(EXCEPTIONS, name)
            for name in ("absorbed", "in_loop", "python_values_unchanged")}


@pytest.mark.parametrize("name,kind,line", [
    ("absorbed", "ValueError", 'raise ValueError("too big")'),
    ("in_loop", "KeyError", 'raise KeyError("k")'),
])
def test_exception_in_a_staged_branch_is_a_staging_error(exceptions, name, kind, line):
    with pytest.raises(ag.StagingError) as info:
        ag.function(exceptions[name])(ag.constant(1))
    msg = str(info.value)
    src = EXCEPTIONS.splitlines()
    raised = [i for i, t in enumerate(src, 1) if t.strip() == line][0]
    assert msg.startswith(kind) and ":%d while tracing" % raised in msg
    assert "ag.debugging.Assert" in msg
    assert not isinstance(info.value, (ValueError, KeyError))
    assert isinstance(info.value.__cause__, (ValueError, KeyError))


def test_exceptions_on_python_values_and_outside_staging_are_python(exceptions):
    # Python values: the user's except catches it, as in Python.
    assert ag.to_graph(exceptions["absorbed"])(2) == 2
    assert ag.to_graph(exceptions["in_loop"])(5) == 203
    # A Python-valued condition inside ag.function: plain Python, the except catches it.
    f = ag.function(exceptions["python_values_unchanged"])
    assert f(2) == 2 and f(0) == 1


def test_reading_a_name_the_loop_did_not_assign_fails_even_if_unused():
    # Python raises at the read itself, whether or not the value is used afterwards.
    f = make_function('''
import autograph as ag

def read_unused(n):
    for i in ag.range(n):
        late = 1
    v = late
    return n
''', "read_unused")
    g = ag.function(f)
    assert g(ag.constant(2)).numpy() == 2
    with pytest.raises(ag.InvalidArgumentError, match="'late' is assigned only inside"):
        g(ag.constant(0))


def test_a_value_read_only_in_a_branch_not_taken_does_not_fail(loops):
    f = make_function('''
import autograph as ag

def branch_read(n, c):
    for i in ag.range(n):
        j = i
    r = 0
    if c > 0:
        r = j
    return r
''', "branch_read")
    g = ag.function(f)
    assert g(ag.constant(0), ag.constant(0)).numpy() == 0      # eager: 0, no error
    assert g(ag.constant(3), ag.constant(1)).numpy() == 2
    with pytest.raises(ag.InvalidArgumentError, match="'j' is assigned only inside"):
        g(ag.constant(0), ag.constant(1))                        # eager: UnboundLocalError


def test_a_tensor_a_method_keeps_in_self_inside_a_staged_loop_is_a_clear_error():
    f = make_function('''
import autograph as ag

class Acc:
    def __init__(self):
        self.total = 0

    def add(self, x):
        self.total = self.total + x
        return self.total

def total(n):
    acc = Acc()
    for i in ag.range(n):
        acc.add(i)
    return acc.total
''', "total")
    with pytest.raises(ag.StagingError, match="'acc.total' was set while tracing the body "
                                             "of a tensor-dependent loop"):
        ag.function(f)(ag.constant(3))


def test_a_method_updating_self_in_a_staged_loop_never_gives_a_per_trace_value():
    # `v = acc.add(i)` used to give 0 + i (the attribute read once, at trace time): 3, not 6.
    f = make_function('''
import autograph as ag

class Acc:
    def __init__(self):
        self.total = 0

    def add(self, x):
        self.total = self.total + x
        return self.total

def running(n):
    acc = Acc()
    v = 0
    for i in ag.range(n):
        v = acc.add(i)
    return v

class Model:
    def __init__(self):
        self.total = 0

    def run(self, n):
        for i in ag.range(n):
            self.total += i      # the converted method's own write: carried by the loop
        return self.total

def use_model(n):
    return Model().run(n)
''', "running")
    with pytest.raises(ag.StagingError, match="'acc.total' was set"):
        ag.function(f)(ag.constant(4))
    assert ag.function(f.__globals__["use_model"])(ag.constant(4)).numpy() == 6


def test_exceptions_in_a_staged_loop_test_or_and_operand_are_staging_errors():
    fs = make_function('''
import autograph as ag

def check(v):
    if v > 100:
        raise ValueError("big")
    return v < 5

def in_test(x):
    try:
        while check(x):
            x += 1
    except ValueError:
        x = -1
    return x

def in_and(x):
    try:
        ok = x > 0 and check(x)
    except ValueError:
        ok = False
    return ok
''', None)
    ns = fs.__globals__
    for name in ("in_test", "in_and"):
        with pytest.raises(ag.StagingError, match="ValueError: big was raised at"):
            ag.function(ns[name])(ag.constant(1))


def test_a_method_changing_a_python_number_in_self_inside_a_staged_loop_is_an_error():
    # acc.total starts as a Python int: the traced body ran `add` once (3 + 17), so the graph
    # returned 20 for every input instead of 3 + 17 * len(xs).
    f = make_function('''
class Acc:
    def __init__(self, v):
        self.total = v

    def add(self, x):
        self.total = self.total + x
        return self.total

def count(xs):
    v = 0
    acc = Acc(3)
    for x in xs:
        v = acc.add(17)
    return v
''', "count")
    assert f(ag.constant([5, -2])) == 37
    with pytest.raises(ag.StagingError, match="'acc.total' was set while tracing"):
        ag.function(f)(ag.constant([5, -2]))


def test_not_of_and_or_as_a_value_needs_only_the_truth_of_graph_operands():
    f = make_function('''
def flags(a, b):
    return (not ((b % 2) and (b < a))), (not (a or b))
''', "flags")
    for a, b in [(1, 3), (5, 3), (0, 0), (2, 2)]:
        want = f(a, b)
        got = ag.function(f)(ag.constant(a), ag.constant(b))
        assert tuple(bool(x.numpy()) for x in got) == want


def test_a_staged_if_carries_whether_a_loop_made_a_value():
    # `j` may have no value (the loop may run zero times); a tensor `if` that assigns it on
    # one branch passes it through on the other: it must stay checked only where it is used,
    # with a value on the path taken (seed 606803 of the fuzzer).
    f = make_function('''
import autograph as ag

def through_if(n, c):
    for i in ag.range(n):
        j = i
    if c > 0:
        j = 5
    r = 0
    if c > 1:
        r = j
    k = 0
    while k < 2:
        k += 1
        if c < 0:
            j = 7
    return r, j
''', "through_if")
    g = ag.function(f)

    def run(n, c):
        return tuple(int(x.numpy()) for x in g(ag.constant(n), ag.constant(c)))

    assert run(3, 0) == (0, 2)
    assert run(0, 1) == (0, 5)
    assert run(0, 2) == (5, 5)
    assert run(0, -1) == (0, 7)
    assert run(2, -1) == (0, 7)
    with pytest.raises(ag.InvalidArgumentError, match="'j' is assigned only inside"):
        run(0, 0)                                                # eager: UnboundLocalError


def test_a_loop_made_value_keeps_its_flag_through_a_staged_if_in_a_staged_loop():
    # The loop carrying `j` asks the `if` in its body whether `j` has a value: it has one
    # after the loop when an earlier loop or the `if` made it, never an invented one.
    f = make_function('''
import autograph as ag

def in_loop(n, c):
    for i in ag.range(n):
        j = i
    k = 0
    while k < c:
        k += 1
        if k > 1:
            j = k
    return k, j
''', "in_loop")
    g = ag.function(f)
    for n, c, expected in [(0, 3, (3, 3)), (2, 1, (1, 1)), (0, 2, (2, 2))]:
        assert tuple(int(x.numpy()) for x in g(ag.constant(n), ag.constant(c))) == expected
    for n, c in [(0, 0), (0, 1)]:
        with pytest.raises(ag.InvalidArgumentError, match="'j' is assigned only inside"):
            g(ag.constant(n), ag.constant(c))                    # eager: UnboundLocalError
