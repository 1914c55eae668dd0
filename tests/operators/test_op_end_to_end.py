"""The helpers under real generated code: each function runs three ways with equal results:
the original on Python values, the converted function on Python values, and the converted
function building a graph on placeholders (run by a Session)."""
import numpy as np
import pytest

import autograph as ag
from samples import collatz_steps, square_if_positive, sum_even

api = pytest.importorskip("autograph.api")

F, INT = ag.float32, ag.int32


def sum_float(items):
    s = 0          # a Python int that the loop makes float32: retried with float32
    for c in items:
        s += c
    return s


def first_over(items, limit):
    for v in items:
        if v > limit:
            return v
    return -1


def early(x):
    if x > 0:
        return x * 2.0
    y = x - 1.0
    return y


def break_midway_for(x):
    s = 0
    for k in range(6):
        s += k
        if x < k:
            break
    return s


def break_midway_while(x):
    k = 0
    s = 0
    while k < 4:
        s += k
        if x < k:
            break
        k += 1
    return s


def return_midway(x):
    for k in range(5):
        if x < k:
            return k * 10
    return -1


def squares(items):
    out = []
    for v in items:
        out.append(v * v)
    return out


def positives(items):
    out = []
    for v in items:
        if v > 0:
            out.append(v)
    return out


def count_to(n):
    total = 0
    for i in range(n):
        total += i
    return total


def helper(v):
    if v > 0:
        return v
    return -v


def uses_helper(items):
    s = 0.0
    for v in items:
        s += helper(v)
    return s


def logic(x, y):
    return x > 0 and y > 0 or not x < -5


def ternary(x):
    return x if x > 0 else -x


def asserts(x):
    assert x > 0, "x must be positive"
    return x


def enumerate_zip(xs, ys):
    s = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        if i > 0:
            s += a * b
    return s


def nested(m):
    total = 0.0
    for row in m:
        for v in row:
            if v < 0:
                break
            total += v
    return total


def while_tensor(n):
    i = 0
    acc = 1
    while i < n:
        acc = acc * 2
        i += 1
    return acc


def index_of_negative(items):
    for i in range(len(items)):
        if items[i] < 0:
            return i
    return -1


def clipped_sum(items, hi):
    total = 0.0
    for v in items:
        total += min(max(v, 0.0), hi)
    return abs(total)


def running_max(items):
    best = items[0]
    history = []
    for v in items:
        if v > best:
            best = v
        history.append(best)
    return history


CASES = [
    (index_of_negative, ([3, 1, -2, 5],), (INT,)),
    (index_of_negative, ([3, 1],), (INT,)),
    (collatz_steps, (27,), (INT,)),
    (clipped_sum, ([1.0, -2.0, 7.0], 5.0), (F, F)),
    (running_max, ([1.0, 3.0, 2.0, 5.0],), (F,)),
    (square_if_positive, (3.0,), (F,)),
    (square_if_positive, (-3.0,), (F,)),
    (sum_even, ([10, 12, 15, 20],), (INT,)),
    (sum_float, ([1.5, 2.0],), (F,)),
    (first_over, ([1, 5, 7], 2), (INT, None)),
    (first_over, ([1, 2], 2), (INT, None)),
    (early, (2.0,), (F,)),
    (early, (-2.0,), (F,)),
    (break_midway_for, (2,), (INT,)),
    (break_midway_for, (-1,), (INT,)),
    (break_midway_for, (9,), (INT,)),
    (break_midway_while, (1,), (INT,)),
    (break_midway_while, (9,), (INT,)),
    (return_midway, (2,), (INT,)),
    (return_midway, (9,), (INT,)),
    (squares, ([1.0, 2.0, 3.0],), (F,)),
    (positives, ([1.0, -2.0, 3.0],), (F,)),
    (count_to, (5,), (INT,)),
    (count_to, (0,), (INT,)),
    (uses_helper, ([1.0, -2.0],), (F,)),
    (logic, (1.0, 2.0), (F, F)),
    (logic, (-9.0, 2.0), (F, F)),
    (ternary, (-4.0,), (F,)),
    (asserts, (4.0,), (F,)),
    (enumerate_zip, ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), (F, F)),
    (nested, ([[1.0, 2.0], [3.0, -1.0], [4.0, 5.0]],), (F,)),
    (while_tensor, (5,), (INT,)),
]


def _graph_result(conv, args, types):
    with ag.Graph().as_default():
        inputs = [ag.placeholder(t, np.shape(a)) if t is not None else a
                  for a, t in zip(args, types)]
        out = conv(*inputs)
        if isinstance(out, ag.TensorArray):
            out = out.stack()
        feed = {p: a for p, a, t in zip(inputs, args, types) if t is not None}
        with ag.Session() as sess:
            return sess.run(out, feed_dict=feed)


@pytest.mark.parametrize("fn,args,types", CASES,
                         ids=["%s%r" % (c[0].__name__, c[1]) for c in CASES])
def test_three_ways_agree(fn, args, types):
    expected = fn(*args)
    conv = api.to_graph(fn)
    assert conv(*args) == expected
    got = _graph_result(conv, args, types)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64))


def test_graph_assert_fails_at_run_time():
    function = pytest.importorskip("autograph.function").function
    f = function(asserts)   # a traced function runs every stateful op, asserts included
    assert float(f(ag.constant(2.0))) == 2.0
    with pytest.raises(ag.InvalidArgumentError, match="x must be positive"):
        f(ag.constant(-1.0))


def test_function_returns_a_lowered_list():
    function = pytest.importorskip("autograph.function").function
    out = function(squares)(ag.constant([1.0, 2.0, 3.0]))
    values = out.stack() if isinstance(out, ag.TensorArray) else out
    np.testing.assert_array_equal(np.asarray(values), [1.0, 4.0, 9.0])


def test_converted_code_on_eager_tensors():
    conv = api.to_graph(sum_even)
    assert int(conv(ag.constant([10, 12, 15, 20]))) == 42
    assert [float(v) for v in api.to_graph(squares)(ag.constant([1.0, 2.0]))] == [1.0, 4.0]
