"""while_stmt / for_stmt with graph tensors: they build `while_loop` ops."""
import numpy as np
import pytest

import autograph as ag
from autograph.impl.conversion import ag__


def op_types(graph):
    return [op.type for op in graph.operations]


def sum_even_converted(items):
    """The seed's sum_even as the converter writes it (continue lowered to an if)."""
    s = 0

    def body(c, s):
        def if_true(s):
            return s

        def if_false(s):
            s = s + c
            return s
        s = ag__.if_stmt(c % 2 > 0, if_true, if_false, (s,), ("s",))
        return s
    s = ag__.for_stmt(items, None, body, (s,), ("s",))
    return s


# --- for over tensors ----------------------------------------------------------------------------

def test_for_over_a_graph_tensor_iterates_its_first_dimension(graph):
    x = ag.placeholder(ag.int32, [None])
    s = sum_even_converted(x)
    assert type(s) is ag.Tensor and s.dtype is ag.int32
    assert any("while" in t for t in op_types(graph))
    assert graph.run(s, {x: [10, 12, 15, 20]}) == 42
    assert graph.run(s, {x: []}) == 0


def test_for_over_eager_tensor_runs_python():
    assert int(sum_even_converted(ag.constant([10, 12, 15, 20]))) == 42
    assert sum_even_converted([10, 12, 15, 20]) == 42


def test_for_over_matrix_rows(graph):
    m = ag.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    acc = ag__.for_stmt(m, None, lambda row, acc: acc + row, (ag.constant([0.0, 0.0]),), ("acc",))
    assert acc.shape.as_list() == [2]
    np.testing.assert_array_equal(graph.run(acc), [6.0, 9.0])


def test_for_with_several_and_no_state_vars(graph, ops, capsys):
    x = ag.placeholder(ag.float32, [None])
    s, p = ag__.for_stmt(x, None, lambda v, s, p: (s + v, p * v), (0.0, 1.0), ("s", "p"))
    assert graph.run([s, p], {x: [1.0, 2.0, 3.0]}) == [6.0, 6.0]
    assert ag__.for_stmt(x, None, lambda v: ops.print(v), (), ()) is None
    loop = [op for op in graph.operations if "while" in op.type][-1]
    capsys.readouterr()
    graph.run(loop, {x: [7.0, 8.0]})
    assert capsys.readouterr().out.split() == ["7.0", "8.0"]


def test_for_over_range_of_a_tensor_is_lazy(graph):
    n = ag.placeholder(ag.int32, [])
    r = ag__.converted_call(range, (n,))
    assert isinstance(r, ag__.StagedRange)
    s = ag__.for_stmt(r, None, lambda i, s: s + i, (0,), ("s",))
    assert "range" not in op_types(graph)  # never materialised
    assert graph.run(s, {n: 5}) == 10
    assert graph.run(s, {n: 0}) == 0
    assert graph.run(s, {n: -3}) == 0


@pytest.mark.parametrize("args", [(2, 11, 3), (10, 0, -2), (0, 10, -1), (5, 5, 1), (-4, 4, 3)])
def test_for_over_range_with_tensor_start_stop_step(graph, args):
    a, b, c = (ag.placeholder(ag.int32, []) for _ in range(3))
    r = ag__.converted_call(range, (a, b, c))
    items = ag__.for_stmt(r, None, lambda i, lst: ag__.list_append(lst, i), ([],), ("lst",))
    total = ag__.for_stmt(r, None, lambda i, s: s + i, (0,), ("s",))
    feed = dict(zip((a, b, c), args))
    assert graph.run(total, feed) == sum(range(*args))
    assert graph.run(ag__.converted_call(len, (items,)), feed) == len(range(*args))


def test_range_with_one_tensor_argument_keeps_python_ints(graph):
    n = ag.placeholder(ag.int32, [])
    r = ag__.converted_call(range, (1, n, 2))
    s = ag__.for_stmt(r, None, lambda i, s: s + i, (0,), ("s",))
    assert graph.run(s, {n: 8}) == 1 + 3 + 5 + 7


def test_range_length_and_tensor(graph):
    n = ag.placeholder(ag.int32, [])
    r = ag__.converted_call(range, (2, n))
    assert graph.run(ag__.converted_call(len, (r,)), {n: 7}) == 5
    np.testing.assert_array_equal(graph.run(r.to_tensor(), {n: 5}), [2, 3, 4])
    with pytest.raises(TypeError, match="converted by autograph"):
        list(r)


def test_for_over_enumerate_and_zip_of_tensors(graph):
    x = ag.placeholder(ag.float32, [None])
    y = ag.placeholder(ag.float32, [None])

    def ebody(item, s):
        i, v = item
        return s + ops_cast_float(i) * v
    e = ag__.converted_call(enumerate, (x,), {"start": 1})
    assert isinstance(e, ag__.StagedEnumerate)
    s = ag__.for_stmt(e, None, ebody, (0.0,), ("s",))
    assert graph.run(s, {x: [1.0, 1.0, 2.0]}) == 1 + 2 + 6

    def zbody(item, s):
        a, b = item
        return s + a * b
    z = ag__.converted_call(zip, (x, y))
    assert isinstance(z, ag__.StagedZip)
    dot = ag__.for_stmt(z, None, zbody, (0.0,), ("s",))
    assert graph.run(dot, {x: [1.0, 2.0, 3.0], y: [4.0, 5.0]}) == 14.0   # zip stops early
    z2 = ag__.converted_call(zip, ([10.0, 20.0, 30.0], x))
    dot2 = ag__.for_stmt(z2, None, zbody, (0.0,), ("s",))
    assert graph.run(dot2, {x: [1.0, 2.0, 3.0]}) == 140.0


def ops_cast_float(t):
    from autograph.runtime.ops import math_ops
    return math_ops.cast(t, ag.float32)


def test_for_over_a_tensor_array(graph):
    x = ag.placeholder(ag.float32, [None])
    ta = ag.TensorArray(ag.float32, size=0, dynamic_size=True).unstack(x)
    s = ag__.for_stmt(ta, None, lambda v, s: s + v * v, (0.0,), ("s",))
    assert graph.run(s, {x: [1.0, 2.0]}) == 5.0


def test_for_over_a_python_list_of_tensors_is_unrolled(graph):
    xs = [ag.placeholder(ag.float32, []) for _ in range(3)]
    s = ag__.for_stmt(xs, None, lambda v, s: s + v, (0.0,), ("s",))
    assert not any("while" in t for t in op_types(graph))
    assert graph.run(s, dict(zip(xs, [1.0, 2.0, 3.0]))) == 6.0


def test_for_over_a_scalar_tensor_is_a_clear_error(graph):
    with pytest.raises(TypeError, match="scalar"):
        ag__.for_stmt(ag.placeholder(ag.float32, []), None, lambda v, s: s, (0,), ("s",))


# --- break (extra_test) ---------------------------------------------------------------------------

def first_over(x, limit):
    """`for v in x: if v > limit: found = v; break` as converted."""
    def extra_test(found, brk):
        return ag__.not_(brk)

    def body(v, found, brk):
        def if_true(found, brk):
            return v, True
        found, brk = ag__.if_stmt(v > limit, if_true, None, (found, brk), ("found", "brk"))
        return found, brk
    found, brk = ag__.for_stmt(x, extra_test, body, (-1, False), ("found", "brk"))
    return found


def test_break_in_a_graph_for_loop(graph):
    x = ag.placeholder(ag.int32, [None])
    found = first_over(x, 2)
    assert graph.run(found, {x: [1, 5, 7]}) == 5
    assert graph.run(found, {x: [1, 2]}) == -1
    assert first_over([1, 5, 7], 2) == 5


def test_break_stops_the_loop_at_run_time(graph):
    x = ag.placeholder(ag.int32, [None])

    def body(v, n, brk):
        def if_true(brk):
            return True
        brk = ag__.if_stmt(v < 0, if_true, None, (brk,), ("brk",))
        return n + 1, brk
    n, _ = ag__.for_stmt(x, lambda n, brk: ag__.not_(brk), body, (0, False), ("n", "brk"))
    assert graph.run(n, {x: [3, 4, -1, 5, 6]}) == 3


# --- while ----------------------------------------------------------------------------------------

def test_while_with_a_tensor_condition(graph):
    n = ag.placeholder(ag.int32, [])
    i, s = ag__.while_stmt(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0), ("i", "s"))
    assert graph.run([i, s], {n: 5}) == [5, 10]


def test_while_keeps_loop_invariant_python_values(graph):
    n = ag.placeholder(ag.int32, [])
    i, step, label = ag__.while_stmt(lambda i, step, label: i < n,
                                     lambda i, step, label: (i + step, step, label),
                                     (0, 3, "x"), ("i", "step", "label"))
    assert step == 3 and type(step) is int and label == "x"
    assert graph.run(i, {n: 7}) == 9


def test_while_on_eager_tensors_runs_python():
    i = ag__.while_stmt(lambda i: i < ag.constant(5), lambda i: i + 2, (0,), ("i",))
    assert i == 6 and type(i) is int


# --- a Python loop that becomes a graph loop midway ------------------------------------------------

def test_python_for_switches_to_a_graph_loop_when_break_becomes_a_tensor(graph, ops):
    x = ag.placeholder(ag.int32, [])
    trace = []

    def body(k, s, brk):
        trace.append(k)
        s = s + k

        def if_true(brk):
            return True
        brk = ag__.if_stmt(x < k, if_true, None, (brk,), ("brk",))
        return s, brk
    s, brk = ag__.for_stmt(range(6), lambda s, brk: ag__.not_(brk), body, (0, False),
                           ("s", "brk"))
    # k=0 ran in Python (brk was a Python bool until then); the rest is one while_loop.
    assert trace[0] == 0 and type(trace[0]) is int and type(trace[1]) is ag.Tensor
    assert len(trace) == 2
    for limit in range(-1, 7):
        expected, b = 0, False
        for k in range(6):
            if b:
                break
            expected += k
            b = limit < k
        assert graph.run(s, {x: limit}) == expected, limit


def test_python_while_switches_to_a_graph_loop_when_its_test_becomes_a_tensor(graph):
    x = ag.placeholder(ag.int32, [])

    def test(k, s, brk):
        return ag__.and_(lambda: k < 4, lambda: ag__.not_(brk))

    def body(k, s, brk):
        s = s + k
        brk = ag__.if_stmt(x < k, lambda brk: True, None, (brk,), ("brk",))
        return k + 1, s, brk
    k, s, brk = ag__.while_stmt(test, body, (0, 0, False), ("k", "s", "brk"))
    assert graph.run([k, s], {x: 10}) == [4, 6]
    assert graph.run([k, s], {x: 1}) == [3, 3]


def test_python_for_over_a_list_switches_midway(graph):
    x = ag.placeholder(ag.float32, [])

    def body(v, s, brk):
        s = s + v
        brk = ag__.if_stmt(s > x, lambda brk: True, None, (brk,), ("brk",))
        return s, brk
    s, _ = ag__.for_stmt([1.0, 2.0, 3.0, 4.0], lambda s, brk: ag__.not_(brk), body,
                         (0.0, False), ("s", "brk"))
    assert graph.run(s, {x: 2.5}) == 3.0
    assert graph.run(s, {x: 100.0}) == 10.0


def test_python_for_over_a_generator_switches_midway(graph):
    x = ag.placeholder(ag.int32, [])

    def body(v, s, brk):
        s = s + v
        brk = ag__.if_stmt(s > x, lambda brk: True, None, (brk,), ("brk",))
        return s, brk
    s, _ = ag__.for_stmt((i * i for i in range(5)), lambda s, brk: ag__.not_(brk), body,
                         (0, False), ("s", "brk"))
    assert graph.run(s, {x: 3}) == 0 + 1 + 4
    assert graph.run(s, {x: 100}) == 30


# --- loop variables: dtypes, undefined values, Python objects -------------------------------------

def test_python_number_retried_with_the_body_dtype_when_added_to(graph):
    x = ag.placeholder(ag.float32, [None])
    s = ag__.for_stmt(x, None, lambda v, s: s + v, (0,), ("s",))   # s = 0; s += float
    assert s.dtype is ag.float32
    assert graph.run(s, {x: [1.5, 2.0]}) == 3.5


def test_python_number_retried_with_the_body_dtype_when_assigned(graph):
    x = ag.placeholder(ag.float32, [None])
    last = ag__.for_stmt(x, None, lambda v, last: v, (0,), ("last",))
    assert last.dtype is ag.float32
    assert graph.run(last, {x: [1.5, 2.5]}) == 2.5


def test_tensor_loop_var_dtype_change_names_the_variable_and_dtypes(graph):
    x = ag.placeholder(ag.float32, [None])
    with pytest.raises(TypeError) as info:
        ag__.for_stmt(x, None, lambda v, last: v, (ag.constant(0),), ("last",))
    msg = str(info.value)
    assert "'last'" in msg and "int32" in msg and "float32" in msg


def test_loop_var_structure_change_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [None])
    with pytest.raises(TypeError) as info:
        ag__.for_stmt(x, None, lambda v, pair: (v,), ((0.0, 0.0),), ("pair",))
    msg = str(info.value)
    assert "'pair'" in msg and "structure" in msg


def test_variable_undefined_before_the_loop_starts_as_zeros(graph):
    x = ag.placeholder(ag.float32, [None])

    def body(v, y):
        y = v * 3.0
        return y
    y = ag__.for_stmt(x, None, body, (ag__.Undefined("y"),), ("y",))
    assert graph.run(y, {x: [1.0, 2.0]}) == 6.0


def test_variable_undefined_before_and_after_the_body_stays_undefined(graph):
    x = ag.placeholder(ag.float32, [None])
    u = ag__.Undefined("t")
    s, t = ag__.for_stmt(x, None, lambda v, s, t: (s + v, t), (0.0, u), ("s", "t"))
    assert t is u


def test_early_return_inside_a_loop(graph):
    """`for v in x: if v > 2: return v` / `return -1`, as the converter writes it."""
    def f(x):
        do_return, retval_ = False, ag__.Undefined("retval_")

        def body(v, do_return, retval_):
            def if_true(do_return, retval_):
                return True, v
            return ag__.if_stmt(v > 2, if_true, None, (do_return, retval_),
                                ("do_return", "retval_"))
        do_return, retval_ = ag__.for_stmt(x, lambda d, r: ag__.not_(d), body,
                                           (do_return, retval_), ("do_return", "retval_"))

        def tail(do_return, retval_):
            return True, -1
        do_return, retval_ = ag__.if_stmt(ag__.not_(do_return), tail, None,
                                          (do_return, retval_), ("do_return", "retval_"))
        return retval_

    assert f([1, 5, 7]) == 5 and f([1]) == -1
    x = ag.placeholder(ag.int32, [None])
    r = f(x)
    assert graph.run(r, {x: [1, 5, 7]}) == 5
    assert graph.run(r, {x: [0, 1]}) == -1


def test_changed_python_object_in_a_graph_loop_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [None])
    with pytest.raises(TypeError) as info:
        ag__.for_stmt(x, None, lambda v, s, mode: (s + v, "b"), (0.0, "a"), ("s", "mode"))
    msg = str(info.value)
    assert "'mode'" in msg and "str" in msg and "loop" in msg


def test_none_becoming_a_tensor_in_a_graph_loop_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [None])
    with pytest.raises(TypeError) as info:
        ag__.for_stmt(x, None, lambda v, last: v, (None,), ("last",))
    assert "'last'" in str(info.value) and "None" in str(info.value)


# --- lists appended in a graph loop become TensorArrays ---------------------------------------------

def squares(x):
    lst = []

    def body(v, lst):
        lst = ag__.list_append(lst, v * v)
        return lst
    lst = ag__.for_stmt(x, None, body, (lst,), ("lst",))
    return lst


def test_list_appended_in_a_graph_loop_becomes_a_tensor_array(graph, ops):
    x = ag.placeholder(ag.float32, [None])
    lst = squares(x)
    assert isinstance(lst, ag.TensorArray)
    stacked, n = lst.stack(), ag__.converted_call(len, (lst,))
    out, size = graph.run([stacked, n], {x: [1.0, 2.0, 3.0]})
    np.testing.assert_array_equal(out, [1.0, 4.0, 9.0])
    assert size == 3
    assert graph.run(lst.read(1), {x: [1.0, 2.0, 3.0]}) == 4.0
    # Iterating it again is a graph loop too.
    total = ag__.for_stmt(lst, None, lambda v, s: s + v, (0.0,), ("s",))
    assert graph.run(total, {x: [1.0, 2.0]}) == 5.0


def test_list_in_python_and_eager_stays_a_list():
    assert squares([1, 2, 3]) == [1, 4, 9]
    out = squares(ag.constant([1.0, 2.0]))
    assert type(out) is list and [float(v) for v in out] == [1.0, 4.0]


def test_list_with_initial_items_keeps_them(graph):
    x = ag.placeholder(ag.float32, [None])
    lst = [ag.constant(-1.0), 0.5]

    def body(v, lst):
        return ag__.list_append(lst, v)
    out = ag__.for_stmt(x, None, body, (lst,), ("lst",))
    assert lst == [lst[0], 0.5]   # the Python list is left as it was
    np.testing.assert_array_equal(graph.run(out.stack(), {x: [7.0]}), [-1.0, 0.5, 7.0])


def test_list_appended_in_a_while_loop(graph):
    n = ag.placeholder(ag.int32, [])

    def body(i, lst):
        return i + 1, ag__.list_append(lst, i * 10)
    i, lst = ag__.while_stmt(lambda i, lst: i < n, body, (0, []), ("i", "lst"))
    np.testing.assert_array_equal(graph.run(lst.stack(), {n: 3}), [0, 10, 20])


def test_list_of_vectors_in_nested_loops(graph):
    m = ag.placeholder(ag.float32, [None, 2])

    def outer(row, rows):
        def inner(v, acc):
            return acc + v
        total = ag__.for_stmt(row, None, inner, (0.0,), ("acc",))
        return ag__.list_append(rows, row * total)
    rows = ag__.for_stmt(m, None, outer, ([],), ("rows",))
    out = graph.run(rows.stack(), {m: [[1.0, 2.0], [3.0, 4.0]]})
    np.testing.assert_array_equal(out, [[3.0, 6.0], [21.0, 28.0]])


def test_list_appended_inside_a_tensor_if_in_a_graph_loop(graph):
    """`for v in x: if v > 0: lst.append(v)` (a filter)."""
    x = ag.placeholder(ag.float32, [None])

    def body(v, lst):
        def if_true(lst):
            lst = ag__.list_append(lst, v)
            return lst
        lst = ag__.if_stmt(v > 0, if_true, None, (lst,), ("lst",))
        return lst
    lst = ag__.for_stmt(x, None, body, ([],), ("lst",))
    np.testing.assert_array_equal(graph.run(lst.stack(), {x: [1.0, -2.0, 3.0]}), [1.0, 3.0])
    assert graph.run(ag__.converted_call(len, (lst,)), {x: [-1.0]}) == 0


def test_list_appended_in_the_inner_of_nested_graph_loops(graph):
    m = ag.placeholder(ag.float32, [None, None])

    def outer(row, lst):
        def inner(v, lst):
            return ag__.list_append(lst, v)
        return ag__.for_stmt(row, None, inner, (lst,), ("lst",))
    lst = ag__.for_stmt(m, None, outer, ([],), ("lst",))
    np.testing.assert_array_equal(graph.run(lst.stack(), {m: [[1.0, 2.0], [3.0, 4.0]]}),
                                  [1.0, 2.0, 3.0, 4.0])


def test_list_pop_in_a_graph_loop_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [None])

    def body(v, lst):
        lst, _ = ag__.list_pop(lst)
        return lst
    with pytest.raises(NotImplementedError, match="list 'lst'"):
        ag__.for_stmt(x, None, body, ([1.0, 2.0, 3.0],), ("lst",))


# --- unrolled-loop warning ----------------------------------------------------------------------------

def test_long_python_loop_while_building_a_graph_warns(graph):
    import warnings

    x = ag.placeholder(ag.float32, [])
    previous = ag__.set_unroll_warning_threshold(10)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ag__.UnrollWarning)
            ag__.for_stmt(range(5), None, lambda i, s: s + x, (0.0,), ("s",))
            assert not caught
            ag__.for_stmt(range(20), None, lambda i, s: s + x, (0.0,), ("s",))
            ag__.for_stmt((i for i in range(20)), None, lambda i, s: s + x, (0.0,), ("s",))
            ag__.while_stmt(lambda i: i < 20, lambda i: i + 1, (0,), ("i",))
    finally:
        ag__.set_unroll_warning_threshold(previous)
    assert all(w.category is ag__.UnrollWarning for w in caught)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 3
    assert all("unrolled" in m and "tensor" in m for m in messages)
    assert "loop variables: s" in messages[0] and "while loop" in messages[2]
