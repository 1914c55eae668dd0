"""Runtime robustness: awkward values and sizes must give the right answer or a clear error.

NaN and inf, empty tensors, loops that run zero times or a million times, deeply nested and
very long functions (converted and traced without RecursionError), Python ints too big for
int32, and feeds of the wrong dtype or shape.
"""
import linecache
import math
import sys

import numpy as np
import pytest

import autograph as ag

_sources = []


def make_function(source, name='f'):
    filename = '<robustness-%d>' % len(_sources)
    _sources.append(filename)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    ns = {}
    exec(compile(source, filename, 'exec'), ns)
    return ns[name]


def value(t):
    if isinstance(t, tuple):
        return tuple(value(x) for x in t)
    if isinstance(t, ag.Tensor):
        t = t.numpy()
    return np.asarray(t).tolist() if isinstance(t, (np.ndarray, np.generic)) else t


def same(a, b):
    """Equality that treats NaN as equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# --- NaN and inf ---------------------------------------------------------------------------------

def branch_on(x):
    if x > 0:
        y = x * 2.0
    elif x < 0:
        y = -x
    else:
        y = x + 100.0       # NaN goes here: every comparison with NaN is False
    return y


def loop_until(x):
    n = 0
    while x > 1.0 and n < 10:
        x = x / 2.0
        n += 1
    return x, n


@pytest.mark.parametrize('x', [float('nan'), float('inf'), float('-inf'), 0.0, -0.0, 3.5])
def test_nan_and_inf_take_the_python_path(x):
    for fn in (branch_on, loop_until):
        expected = fn(x)
        got_py = ag.to_graph(fn)(x)
        got_graph = value(ag.function(fn)(ag.constant(x, dtype=ag.float32)))
        for want, py, gr in zip(np.atleast_1d(expected), np.atleast_1d(got_py),
                                np.atleast_1d(got_graph)):
            assert same(float(want), float(py)) and same(float(want), float(gr)), (fn, x)


@pytest.mark.filterwarnings('ignore:invalid value encountered:RuntimeWarning')
def test_nan_and_inf_through_ops_and_reductions():
    t = ag.constant([1.0, float('nan'), float('inf')])
    assert np.isnan(ag.reduce_sum(t).numpy())
    assert ag.reduce_max(ag.constant([1.0, float('inf')])).numpy() == np.inf
    assert np.isnan((ag.constant(float('inf')) - ag.constant(float('inf'))).numpy())
    assert value(ag.constant(1.0) / ag.constant(0.0)) == float('inf')


# --- empty tensors and zero-iteration loops -------------------------------------------------------

def total(xs):
    s = 0
    n = 0
    for x in xs:
        s += x
        n += 1
    return s, n, len(xs)


def test_loop_over_an_empty_tensor_runs_zero_times():
    empty = np.zeros([0], np.int32)
    assert value(ag.function(total)(ag.constant(empty))) == (0, 0, 0) == total([])
    assert value(ag.function(total)(ag.constant([4, 5]))) == (9, 2, 2)


def test_zero_iteration_while_and_range_loops():
    def f(n):
        i = 0
        s = 10
        while i < n:
            s += i
            i += 1
        for j in range(n):
            s -= j
        return s, i
    for n in (0, -3, 4):
        assert value(ag.function(f)(ag.constant(n))) == f(n) == ag.to_graph(f)(n)


def test_empty_tensor_ops():
    empty = ag.zeros([0, 3])
    assert ag.reduce_sum(empty).numpy() == 0.0
    assert ag.matmul(empty, ag.ones([3, 2])).shape.dims == (0, 2)
    assert (empty + 1.0).shape.dims == (0, 3)
    with pytest.raises(ag.InvalidArgumentError, match='reduce_max'):
        ag.reduce_max(ag.constant(np.zeros([0], np.float32)))


def test_empty_tensor_in_a_graph():
    def f(x):
        if ag.size(x) > 0:
            return ag.reduce_sum(x)
        return ag.constant(-1.0)
    fn = ag.function(f)
    assert value(fn(ag.constant(np.zeros([0], np.float32)))) == -1.0
    assert value(fn(ag.constant([1.0, 2.0]))) == 3.0


# --- a million iterations --------------------------------------------------------------------------

def count_to(n):
    i = 0
    s = 0
    while i < n:
        s = (s + i) % 1000003
        i += 1
    return i, s


def test_million_iteration_loop_in_a_graph():
    n = 10 ** 6
    assert value(ag.function(count_to)(ag.constant(n))) == count_to(n)


def test_million_iteration_loop_converted_on_python_values():
    assert ag.to_graph(count_to)(10 ** 6) == count_to(10 ** 6)


def test_million_iteration_for_over_tensor_range():
    def f(n):
        s = 0.0
        for _ in range(n):
            s += 0.5
        return s
    assert value(ag.function(f)(ag.constant(10 ** 6))) == 500000.0


# --- deep and long functions ------------------------------------------------------------------------

def nested_ifs_source(depth):
    lines = ['def f(x):', '    y = 0']
    for i in range(depth):
        lines.append('    ' * (i + 1) + 'if x > %d:' % i)
        lines.append('    ' * (i + 2) + 'y = y + 1')
    lines.append('    return y')
    return '\n'.join(lines) + '\n'


def nested_loops_source(depth):
    lines = ['def f(n):', '    s = 0']
    for i in range(depth):
        lines.append('    ' * (i + 1) + 'for i%d in range(n):' % i)
    lines.append('    ' * (depth + 1) + 's += 1')
    lines.append('    return s')
    return '\n'.join(lines) + '\n'


def long_source(statements):
    lines = ['def f(x):', '    y = 0']
    for i in range(statements):
        if i % 10 == 0:
            lines += ['    if x > %d:' % (i % 7), '        y = y + %d' % i]
        else:
            lines.append('    y = y * 3 %% 1009 + %d' % i)
    lines.append('    return y')
    return '\n'.join(lines) + '\n'


@pytest.fixture
def low_recursion_limit():
    # Make a hidden recursion over the AST show up even if the default limit is raised.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


def test_fifty_nested_ifs(low_recursion_limit):
    f = make_function(nested_ifs_source(50))
    assert 'if_stmt' in ag.to_code(f)
    for x in (-1, 7, 30, 60):
        assert ag.to_graph(f)(x) == f(x)
    fn = ag.function(f)
    for x in (-1, 7, 60):     # one trace, every depth
        assert value(fn(ag.constant(x))) == f(x)


def test_ninety_nested_ifs(low_recursion_limit):
    # Close to CPython's own limit of 100 nested blocks.
    f = make_function(nested_ifs_source(90))
    assert ag.to_graph(f)(45) == f(45) == 45
    assert value(ag.function(f)(ag.constant(45))) == 45


def test_twenty_nested_loops(low_recursion_limit):
    f = make_function(nested_loops_source(20))
    assert ag.to_graph(f)(1) == f(1) == 1
    assert value(ag.function(f)(ag.constant(1))) == 1
    assert value(ag.function(f)(ag.constant(0))) == 0


def test_thousand_statement_function(low_recursion_limit):
    f = make_function(long_source(1000))
    code = ag.to_code(f)
    assert code.count('if_stmt') >= 100
    for x in (0, 5):
        assert ag.to_graph(f)(x) == f(x)
    assert value(ag.function(f)(ag.constant(5))) == f(5)


def long_sum_source(terms):
    return 'def f(x):\n    return ' + ' + '.join(['x'] * terms) + '\n'


def test_long_expression():
    f = make_function(long_sum_source(300))
    assert ag.to_graph(f)(2) == 600
    assert value(ag.function(f)(ag.constant(2))) == 600


def test_very_long_expression(low_recursion_limit):
    f = make_function(long_sum_source(500))
    assert ag.to_graph(f)(2) == 1000
    assert value(ag.function(f)(ag.constant(2))) == 1000


# --- int32 overflow ----------------------------------------------------------------------------------

def plus_one(x):
    return x + 1


@pytest.mark.parametrize('big', [2 ** 31, 2 ** 40, -2 ** 31 - 1, 10 ** 30])
def test_huge_python_int_as_int32_is_a_clear_overflow_error(big):
    with pytest.raises(OverflowError, match='value %d does not fit int32' % big):
        ag.constant(big, dtype=ag.int32)
    fn = ag.function(plus_one, input_signature=[ag.TensorSpec([], ag.int32)])
    with pytest.raises((OverflowError, TypeError), match='does not fit int32') as info:
        fn(big)
    assert "'x'" in str(info.value)          # names the argument
    with ag.Graph().as_default():
        x = ag.placeholder(ag.int32, shape=[2], name='x')
        y = x * 2
        with ag.Session() as sess:
            with pytest.raises((OverflowError, TypeError), match='x.*does not fit int32'):
                sess.run(y, feed_dict={x: [big, 1]})


def test_int32_limits_are_accepted():
    assert value(ag.constant(2 ** 31 - 1, dtype=ag.int32)) == 2 ** 31 - 1
    assert value(ag.constant(-2 ** 31, dtype=ag.int32)) == -2 ** 31
    # without a dtype, a big Python int becomes int64 rather than wrapping
    assert ag.constant(2 ** 40).dtype == ag.int64
    for beyond_int64 in (2 ** 63, 10 ** 30, [1, -2 ** 70]):
        with pytest.raises(OverflowError, match='does not fit any integer dtype'):
            ag.constant(beyond_int64)


# --- wrong feeds -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('feed, error, words', [
    ([1.5, 2.5], TypeError, 'not a whole number'),
    (np.array([1.0, 2.0]), TypeError, 'float64'),
    ([1, 2, 3], ValueError, 'expected shape (2,)'),
    ([[1, 2]], ValueError, 'expected shape (2,)'),
    (['a', 'b'], TypeError, 'int32'),
    ([[1], [2, 3]], TypeError, 'int32'),
    (None, TypeError, 'int32'),
])
def test_wrong_feed_is_rejected_with_a_message(feed, error, words):
    with ag.Graph().as_default():
        x = ag.placeholder(ag.int32, shape=[2], name='x')
        y = x * 2
        with ag.Session() as sess:
            with pytest.raises(error) as info:
                sess.run(y, feed_dict={x: feed})
            assert 'x' in str(info.value) and words in str(info.value), str(info.value)
            assert value(sess.run(y, feed_dict={x: [1, 2]})) == [2, 4]   # still usable


@pytest.mark.parametrize('arg, words', [
    (ag.constant(1.5), 'float32'),
    (ag.constant([1, 2]), '(2,)'),
    (1.5, 'not a whole number'),
    ('text', "'x'"),
])
def test_wrong_argument_for_input_signature_is_rejected(arg, words):
    fn = ag.function(plus_one, input_signature=[ag.TensorSpec([], ag.int32)])
    with pytest.raises(TypeError) as info:
        fn(arg)
    message = str(info.value)
    assert "'x'" in message and 'int32' in message and words in message, message
    assert value(fn(ag.constant(1))) == 2


def test_concrete_function_rejects_other_shapes_and_dtypes():
    fn = ag.function(plus_one)
    concrete = fn.get_concrete_function(ag.TensorSpec([3], ag.float32))
    assert value(concrete(ag.constant([1.0, 2.0, 3.0]))) == [2.0, 3.0, 4.0]
    for bad in (ag.constant([1.0, 2.0]), ag.constant([1, 2, 3])):
        with pytest.raises(TypeError, match='traced for other arguments'):
            concrete(bad)


# --- the command line with a replaced sys.stdout -------------------------------------------------

def test_cli_main_with_redirected_stdout(tmp_path):
    """cli.main writes to whatever text stream sys.stdout is (no `.buffer` needed)."""
    import contextlib
    import io

    from autograph import cli
    source = tmp_path / 'm.py'
    source.write_text('def f(x):\n    while x > 0:\n        x = x - 1\n    return x\n')
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(['convert', str(source)])
    assert status == 0, err.getvalue()
    assert 'while_stmt' in out.getvalue()
