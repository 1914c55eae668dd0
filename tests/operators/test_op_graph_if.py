"""if_stmt / if_exp / and_ / or_ / not_ with graph tensors: they build `cond` ops."""
import numpy as np
import pytest

import autograph as ag
import autograph.operators as ag__
from autograph.operators.variables import UndefinedValueError


def square_if_positive_converted(x):
    def if_true(x):
        x = x * x
        return x

    def if_false(x):
        x = 0.0
        return x
    x = ag__.if_stmt(x > 0, if_true, if_false, (x,), ("x",))
    return x


def test_if_stmt_builds_a_cond(graph):
    x = ag.placeholder(ag.float32, [])
    y = square_if_positive_converted(x)
    assert type(y) is ag.Tensor and y.dtype is ag.float32
    assert [op.type for op in graph.operations if "cond" in op.type]
    assert graph.run(y, {x: 3.0}) == 9.0
    assert graph.run(y, {x: -3.0}) == 0.0


def test_if_stmt_on_eager_tensors_runs_python():
    calls = []

    def if_true(x):
        calls.append("t")
        return x * x
    y = ag__.if_stmt(ag.constant(2.0) > 0, if_true, lambda x: 0.0, (ag.constant(2.0),), ("x",))
    assert calls == ["t"] and float(y) == 4.0
    assert ag__.if_stmt(ag.constant(-1.0) > 0, if_true, lambda x: 0.0, (1.0,), ("x",)) == 0.0


def test_if_stmt_several_vars_and_orelse_none(graph):
    x = ag.placeholder(ag.int32, [])

    def body(a, b):
        return a + 10, b * 2
    a, b = ag__.if_stmt(x > 0, body, None, (x, 3), ("a", "b"))
    assert graph.run([a, b], {x: 1}) == [11, 6]
    assert graph.run([a, b], {x: -1}) == [-1, 3]


def test_if_stmt_side_effects_only_in_the_taken_branch(graph, ops, capsys):
    x = ag.placeholder(ag.int32, [])

    def body():
        ops.print("positive", x)

    def orelse():
        ops.print("negative", x)
    assert ag__.if_stmt(x > 0, body, orelse, (), ()) is None
    cond_op = [op for op in graph.operations if "cond" in op.type][-1]
    assert cond_op.opdef.stateful
    capsys.readouterr()
    graph.run(cond_op, {x: 5})
    graph.run(cond_op, {x: -2})
    assert capsys.readouterr().out.split() == ["positive", "5", "negative", "-2"]


def test_if_stmt_python_number_adapts_to_the_other_branch_dtype(graph):
    x = ag.placeholder(ag.float64, [])
    y = ag__.if_stmt(x > 0, lambda y: x * 2.0, lambda y: 0, (1,), ("y",))
    assert y.dtype is ag.float64
    assert graph.run(y, {x: -1.0}) == 0.0


def test_if_stmt_unchanged_python_values_stay_python(graph):
    x = ag.placeholder(ag.float32, [])

    def body(y, mode, n):
        return x, mode, n
    y, mode, n = ag__.if_stmt(x > 0, body, None, (0.0, "fast", 3), ("y", "mode", "n"))
    assert mode == "fast" and n == 3 and type(n) is int
    assert type(y) is ag.Tensor


def test_if_stmt_equal_python_numbers_in_both_branches_stay_python(graph):
    x = ag.placeholder(ag.float32, [])
    n = ag__.if_stmt(x > 0, lambda n: 1, lambda n: 1, (0,), ("n",))
    assert n == 1 and type(n) is int
    n = ag__.if_stmt(x > 0, lambda n: 1, lambda n: 2, (0,), ("n",))
    assert type(n) is ag.Tensor
    assert graph.run(n, {x: 1.0}) == 1 and graph.run(n, {x: -1.0}) == 2


def test_if_stmt_variable_undefined_in_both_branches_stays_undefined(graph):
    x = ag.placeholder(ag.float32, [])
    u = ag__.Undefined("t")
    y, t = ag__.if_stmt(x > 0, lambda y, t: (x, t), lambda y, t: (-x, t), (x, u), ("y", "t"))
    assert t is u
    assert graph.run(y, {x: -2.0}) == 2.0


def test_if_stmt_dtype_mismatch_names_the_variable_and_both_dtypes(graph):
    x = ag.placeholder(ag.float32, [])
    i = ag.placeholder(ag.int32, [])
    with pytest.raises(TypeError) as info:
        ag__.if_stmt(x > 0, lambda y: x, lambda y: i, (x,), ("y",))
    msg = str(info.value)
    assert "'y'" in msg and "float32" in msg and "int32" in msg


def test_if_stmt_none_against_a_tensor_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(TypeError) as info:
        ag__.if_stmt(x > 0, lambda y: x, None, (None,), ("y",))
    msg = str(info.value)
    assert "'y'" in msg and "None" in msg and "float32" in msg and "if-branch" in msg


def test_if_stmt_changed_python_object_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(TypeError) as info:
        ag__.if_stmt(x > 0, lambda m: "slow", None, ("fast",), ("mode",))
    assert "'mode'" in str(info.value) and "str" in str(info.value)


def test_if_stmt_list_modified_in_a_branch_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [])
    lst = []

    def body(lst):
        return ag__.list_append(lst, x)
    with pytest.raises(NotImplementedError, match="list 'lst' is modified in place"):
        ag__.if_stmt(x > 0, body, None, (lst,), ("lst",))


# --- undefined variables --------------------------------------------------------------------------

def defined_in_one_branch(x):
    y = ag__.Undefined("y")

    def if_true(y):
        y = x * 2.0
        return y

    def if_false(y):
        return y
    y = ag__.if_stmt(x > 0, if_true, if_false, (y,), ("y",))
    return y + 1.0


def test_variable_defined_in_one_branch_names_variable_branch_and_lines(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(UndefinedValueError) as info:
        defined_in_one_branch(x)
    msg = str(info.value)
    code = defined_in_one_branch.__code__
    first = code.co_firstlineno
    assert "'y'" in msg and "if-branch" in msg and "else-branch" in msg
    assert "(line %d)" % (first + 4) in msg          # where it is assigned
    assert "%s:%d" % (code.co_filename, first + 9) in msg   # the if
    assert "used afterwards (line %d)" % (first + 10) in msg
    assert isinstance(info.value, UnboundLocalError)


def test_variable_defined_only_in_else_branch(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(UndefinedValueError, match="'z' is assigned in the else-branch but "
                                                  "not in the if-branch"):
        ag__.if_stmt(x > 0, None, lambda z: x, (ag__.Undefined("z"),), ("z",))


def test_variable_defined_in_one_branch_is_fine_in_python():
    assert ag__.if_stmt(False, lambda y: 1, lambda y: y, (ag__.Undefined("y"),), ("y",)).symbol_name == "y"


# --- early return values ---------------------------------------------------------------------------

@pytest.mark.parametrize("returns_in", ["if", "else"])
def test_retval_undefined_in_one_branch_is_filled_with_zeros(graph, ops, returns_in):
    x = ag.placeholder(ag.float32, [2])

    def returns(do_return, retval_):
        return True, x * 2.0

    def falls_through(do_return, retval_):
        return do_return, retval_
    body, orelse = (returns, falls_through) if returns_in == "if" else (falls_through, returns)
    do_return, retval_ = ag__.if_stmt(ops.reduce_sum(x) > 0, body, orelse,
                                      (False, ag__.Undefined("retval_")),
                                      ("do_return", "retval_"))
    assert retval_.dtype is ag.float32 and retval_.shape.as_list() == [2]
    take_if = [1.0, 2.0]
    take_else = [-1.0, -2.0]
    ret_feed, zero_feed = (take_if, take_else) if returns_in == "if" else (take_else, take_if)
    d, r = graph.run([do_return, retval_], {x: ret_feed})
    assert d and list(r) == [v * 2 for v in ret_feed]
    d, r = graph.run([do_return, retval_], {x: zero_feed})
    assert not d and list(r) == [0.0, 0.0]


def test_retval_structures_are_filled_leafwise(graph):
    x = ag.placeholder(ag.int32, [])

    def body(retval):
        return (x, (x > 0, 1.5))
    r = ag__.if_stmt(x > 0, body, None, (ag__.Undefined("retval"),), ("retval",))
    out = graph.run(r, {x: -4})
    assert out[0] == 0 and out[1][0] == False and out[1][1] == 0.0  # noqa: E712
    assert graph.run(r, {x: 4})[1][1] == 1.5


def test_retval_none_against_no_return_stays_none(graph):
    x = ag.placeholder(ag.float32, [])
    d, r = ag__.if_stmt(x > 0, lambda d, r: (True, None), None,
                        (False, ag__.Undefined("retval_")), ("do_return", "retval_"))
    assert r is None
    assert graph.run(d, {x: 1.0})


@pytest.mark.parametrize("initial", [None, "undefined"])
def test_retval_none_against_a_tensor_is_an_error(graph, initial):
    x = ag.placeholder(ag.float32, [])
    init = ag__.Undefined("retval_") if initial == "undefined" else None
    with pytest.raises(TypeError) as info:
        ag__.if_stmt(x > 0, lambda r: None, lambda r: x, (init,), ("retval_",))
    msg = str(info.value)
    assert "returns" in msg and "None" in msg and "float32" in msg
    assert "test_op_graph_if.py" in msg


# --- if_exp, and_, or_, not_ -----------------------------------------------------------------------

def test_if_exp_builds_a_cond(graph):
    x = ag.placeholder(ag.float32, [])
    y = ag__.if_exp(x > 0, lambda: x, lambda: 0.0)
    assert graph.run(y, {x: -3.0}) == 0.0 and graph.run(y, {x: 3.0}) == 3.0


def test_if_exp_mismatch_is_a_clear_error(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(TypeError, match="conditional expression"):
        ag__.if_exp(x > 0, lambda: x, lambda: None)


def test_and_or_are_lazy_at_run_time(graph, ops):
    i = ag.placeholder(ag.int32, [])
    v = ag.constant([5, -1, 7])
    # `i < 3 and v[i] > 0`: v[i] must not be evaluated when i is out of range.
    inside = ag__.and_(lambda: i < 3, lambda: ops.gather(v, i) > 0)
    outside = ag__.or_(lambda: i >= 3, lambda: ops.gather(v, i) > 0)
    assert graph.run(inside, {i: 0}) and not graph.run(inside, {i: 1})
    assert not graph.run(inside, {i: 5})
    assert graph.run(outside, {i: 7}) and not graph.run(outside, {i: 1})


def test_and_or_with_python_operands_after_a_tensor(graph):
    x = ag.placeholder(ag.float32, [])
    assert graph.run(ag__.and_(lambda: x > 0, lambda: True), {x: 1.0})
    # Only the truth value is needed in a test position: any operands.
    assert not graph.run(ag__.and_test(lambda: x > 0, lambda: 0), {x: 1.0})
    assert graph.run(ag__.or_test(lambda: x > 0, lambda: [1]), {x: -1.0})
    # As a value, `and`/`or` is one of its operands: a bool and an int cannot be one tensor.
    with pytest.raises(TypeError, match=r"`and` expression at .*test_op_graph_if.py:\d+.*"
                                         r"bool tensor and the other the Python int 0"):
        ag__.and_(lambda: x > 0, lambda: 0)
    with pytest.raises(TypeError, match="`or` expression"):
        ag__.or_(lambda: x > 0, lambda: [1])
    # Python operand first: Python semantics decide, the tensor is the deciding operand.
    t = ag__.and_(lambda: 1, lambda: x > 0)
    assert type(t) is ag.Tensor
    assert ag__.or_(lambda: 1, lambda: x > 0) == 1


def test_not_builds_logical_not(graph):
    x = ag.placeholder(ag.float32, [])
    y = ag__.not_(x > 0)
    assert type(y) is ag.Tensor
    assert graph.run(y, {x: -1.0}) and not graph.run(y, {x: 1.0})


def test_eager_tensor_logical_ops_are_python():
    t, f = ag.constant(True), ag.constant(False)
    assert ag__.and_(lambda: t, lambda: 5) == 5
    assert ag__.and_(lambda: f, lambda: 5) is f
    assert ag__.not_(t) is False


def test_cond_on_numpy_values_is_python():
    assert ag__.if_stmt(np.float32(1.0) > 0, lambda: "t", lambda: "f", (), ()) == "t"


def test_staging_retries_pass_through_user_exception_handlers(graph):
    x = ag.placeholder(ag.float32, [])

    def if_true(r):
        try:
            return x * 2.0
        except Exception:  # noqa: BLE001 - the user's catch-all must not see autograph's signals
            return None

    def if_false(r):
        try:
            return r
        except Exception:  # noqa: BLE001
            return None
    # The else-branch is built second and lacks the return value: the if-branch is rebuilt.
    r = ag__.if_stmt(x > 0, if_false, if_true, (ag__.Undefined("retval_"),), ("retval_",))
    assert graph.run(r, {x: 3.0}) == 0.0 and graph.run(r, {x: -3.0}) == -6.0


def returns_a_list_after_a_tensor_loop_that_returned_it(a, xs):
    # Fuzz seed 30459, minimised. After the tensor loop `do_return` is a tensor, so the rest of
    # the function is a tensor-dependent `if` whose branch appends to `lst`; a loop further
    # down that branch then saw `retval_` change structure, hiding the real cause.
    lst = []
    c = 0
    while c < 3:
        c += 1
        for _x in xs:
            for e in [5, 2]:
                return (e, lst)
    lst.append(c)
    for _e in [2, 1, 2]:
        return (len(xs), lst)
    return a


def test_list_appended_in_a_staged_branch_is_reported_before_what_it_broke():
    assert returns_a_list_after_a_tensor_loop_that_returned_it(0, [0]) == (5, [])
    converted = ag.to_graph(returns_a_list_after_a_tensor_loop_that_returned_it)
    assert converted(0, [0]) == (5, [])
    with pytest.raises(NotImplementedError, match="list 'lst' is modified in place inside the "
                       "if-branch of a tensor-dependent `if`"):
        ag.function(converted)(ag.constant(0), ag.constant([0]))


def test_non_bool_tensor_conditions_use_python_truthiness():
    import autograph as ag
    from autograph import operators as ag__

    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, [])
        odd = ag__.if_stmt(n % 2, lambda r: 1, lambda r: 0, (-1,), ('r',))
        left = ag__.while_stmt(lambda k: k, lambda k: k - 1, (n,), ('k',))
        sess = ag.Session()
        assert sess.run([odd, left], {n: 3}) == [1, 0]
        assert sess.run([odd, left], {n: 4}) == [0, 0]
