"""The bad-input matrix: what `ag.to_graph` / `ag.function` do with every awkward kind of
Python callable and construct.

Each case must do one of three things (issue 8): convert correctly (checked on Python values
and on graph tensors against the original), fall back with the documented warning (logger
"autograph", see docs/errors.md), or fail with a clear error naming the construct and the
user's line. Never a wrong value, never an internal error.
"""
import asyncio
import contextlib
import functools
import linecache
import logging
import math
import threading

import numpy as np
import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError


def graph(fn, *args, **kwargs):
    """fn through ag.function, Python ints/floats/lists fed as tensors; Python result."""
    tensor_args = [ag.constant(a) for a in args]
    tensor_kwargs = {k: ag.constant(v) for k, v in kwargs.items()}
    return _py(ag.function(fn)(*tensor_args, **tensor_kwargs))


def _py(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_py(v) for v in value)
    if isinstance(value, ag.Tensor):
        return np.asarray(value.numpy()).tolist()
    return value


def assert_equivalent(fn, *args, **kwargs):
    """The converted function equals the original on Python values and on graph tensors."""
    expected = fn(*args, **kwargs)
    assert ag.to_graph(fn)(*args, **kwargs) == expected
    assert graph(fn, *args, **kwargs) == expected
    return expected


def assert_clear_conversion_error(info, construct, line=None, words=()):
    err = info.value
    assert err.construct == construct, (err.construct, str(err))
    if line is not None:
        assert err.filename == __file__ and err.lineno == line, (err.filename, err.lineno)
        assert '%s:%d' % (__file__, line) in str(err)
    for w in words:
        assert w in str(err), str(err)


def line_of(fn, text):
    """The line number in this file of the first line of `fn` containing `text`."""
    first = fn.__code__.co_firstlineno
    lines = linecache.getlines(__file__)
    for i in range(first - 1, len(lines)):
        if text in lines[i]:
            return i + 1
    raise AssertionError(text)


@pytest.fixture
def autograph_log(caplog):
    caplog.set_level(logging.WARNING, logger='autograph')
    return caplog


# --- lambdas ---------------------------------------------------------------------------------

inc, dbl = (lambda x: x + 1), (lambda x: x * 2)
pos, neg = (lambda x: x if x > 0 else -x), (lambda x: -x if x > 0 else x)


def test_lambda_converts():
    absolute = lambda x: x if x > 0 else -x
    assert assert_equivalent(absolute, -3) == 3
    assert assert_equivalent(absolute, 4) == 4


def test_several_lambdas_on_one_line():
    assert assert_equivalent(inc, 3) == 4
    assert assert_equivalent(dbl, 3) == 6
    assert 'x + 1' in ag.to_code(inc) and 'x * 2' in ag.to_code(dbl)


def test_several_ternary_lambdas_on_one_line_convert_or_fail_clearly():
    # Converts, or says which construct and line it cannot pick out.
    for fn, arg, want in ((pos, -2, 2), (neg, 5, -5)):
        try:
            converted = ag.to_graph(fn)
        except ConversionError as e:
            assert e.construct == 'lambda' and e.lineno == pos.__code__.co_firstlineno
            assert 'lambdas on line' in str(e) and e.hint
        else:
            assert converted(arg) == want


def test_several_ternary_lambdas_on_one_line_convert():
    assert assert_equivalent(pos, -2) == 2
    assert assert_equivalent(neg, 5) == -5


# --- builtins and C functions ------------------------------------------------------------------

@pytest.mark.parametrize('fn', [len, abs, math.sqrt, np.add, np.sum],
                         ids=['len', 'abs', 'math.sqrt', 'np.add', 'np.sum'])
def test_builtins_and_c_functions_are_refused_by_name(fn):
    with pytest.raises(ConversionError) as info:
        ag.to_graph(fn)
    assert info.value.construct == 'source'
    assert 'cannot convert' in str(info.value)
    assert getattr(fn, '__name__', '') in str(info.value)


def test_builtins_called_from_converted_code():
    def count_positive(xs):
        n = 0
        for x in xs:
            if x > 0:
                n += 1
        return n, len(xs), abs(n - len(xs)), max(n, 1)
    assert assert_equivalent(count_positive, [3, -1, 2, 0]) == (2, 4, 2, 2)


def test_c_functions_called_from_converted_code_on_python_values():
    def stats(xs):
        total = np.sum(xs)
        if total > 3:
            total = math.floor(math.sqrt(total))
        return int(total)
    assert ag.to_graph(stats)([3, 4, 9]) == stats([3, 4, 9]) == 4


def test_c_function_on_a_graph_tensor_is_a_clear_error():
    def total(xs):
        return np.sum(xs)
    with pytest.raises(TypeError, match='graph tensor'):
        graph(total, [1, 2])


# --- partial, callable objects, classes, methods ----------------------------------------------

def clip_add(limit, x):
    if x > limit:
        x = limit
    return x + 1


def test_functools_partial():
    p = functools.partial(clip_add, 10)
    assert assert_equivalent(p, 30) == 11
    assert assert_equivalent(p, 3) == 4
    assert 'if_stmt' in ag.to_code(p)


class Scale:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        if x > 0:
            return x * self.k
        return x

    def grow(self, x):
        while x < 10:
            x = x + self.k
        return x

    @staticmethod
    def flip(x):
        return -x if x > 0 else x

    @classmethod
    def bump(cls, x):
        for _ in range(2):
            x += 1
        return x


def test_callable_object():
    assert assert_equivalent(Scale(3), 4) == 12
    assert assert_equivalent(Scale(3), -4) == -4


def test_class_is_refused_but_called_as_is_from_converted_code():
    with pytest.raises(ConversionError) as info:
        ag.to_graph(Scale)
    assert_clear_conversion_error(info, 'class', words=('Scale', 'convert its methods'))

    def build_and_apply(x):
        s = Scale(2)
        return s(x) + s.k
    assert assert_equivalent(build_and_apply, 5) == 12


def test_bound_static_and_class_methods():
    s = Scale(4)
    assert assert_equivalent(s.grow, 3) == 11
    assert assert_equivalent(Scale.flip, 5) == -5
    assert assert_equivalent(Scale.bump, 5) == 7


# --- functions autograph refuses ----------------------------------------------------------------

def numbers(n):
    for i in range(n):
        yield i


async def coroutine(x):
    await asyncio.sleep(0)
    return x


def test_generator_is_a_clear_error():
    with pytest.raises(ConversionError) as info:
        ag.to_graph(numbers)
    assert_clear_conversion_error(info, 'yield', line_of(numbers, 'yield i'),
                                  words=('generator', 'fix:'))


def test_generator_called_from_converted_code_runs_unconverted(autograph_log):
    def total(n):
        s = 0
        for i in numbers(n):
            s += i
        return s
    assert ag.to_graph(total)(4) == 6
    assert any('numbers' in r.getMessage() and 'unconverted' in r.getMessage()
               for r in autograph_log.records)


def test_async_function_is_a_clear_error():
    with pytest.raises(ConversionError) as info:
        ag.to_graph(coroutine)
    assert_clear_conversion_error(info, 'async', line_of(coroutine, 'async def'),
                                  words=('async',))


def _exec_without_source():
    ns = {}
    exec(compile('def hidden(x):\n    if x > 0:\n        return x\n    return -x\n',
                 '<no-linecache>', 'exec'), ns)
    return ns['hidden']


def test_function_without_source_is_a_clear_error():
    hidden = _exec_without_source()
    with pytest.raises(ConversionError) as info:
        ag.to_graph(hidden)
    assert_clear_conversion_error(info, 'source', words=('hidden', 'source', 'linecache'))


def test_function_without_source_called_from_converted_code_warns_and_runs(autograph_log):
    hidden = _exec_without_source()

    def caller(x):
        return hidden(x) * 2
    assert ag.to_graph(caller)(-3) == 6
    warned = [r.getMessage() for r in autograph_log.records if 'hidden' in r.getMessage()]
    assert warned and 'unconverted' in warned[0]
    # strict mode makes it an error
    with pytest.raises(ConversionError):
        ag.to_graph(caller, strict=True)(-3)


MATCH_SOURCE = """\
def classify(x):
    match x:
        case 0:
            return 10
        case 1 | 2:
            return 20
    return 30
"""


def test_match_statement_is_a_clear_error_and_function_falls_back(autograph_log):
    # (in a string: the package supports Python 3.9, which cannot parse `match`)
    filename = '<bad-inputs-match>'
    linecache.cache[filename] = (len(MATCH_SOURCE), None, MATCH_SOURCE.splitlines(True),
                                 filename)
    ns = {}
    exec(compile(MATCH_SOURCE, filename, 'exec'), ns)
    classify = ns['classify']
    with pytest.raises(ConversionError) as info:
        ag.to_graph(classify)
    assert_clear_conversion_error(info, 'match', words=('match', 'if/elif/else',
                                                        '%s:2' % filename))
    # ag.function logs the documented warning, traces the function as it is: fine on
    # Python values, the usual clear error on a tensor condition.
    assert ag.function(classify)(2) == 20
    assert any('classify' in r.getMessage() and 'unconverted' in r.getMessage()
               for r in autograph_log.records)
    with pytest.raises(TypeError, match='as a Python bool is not allowed'):
        ag.function(classify)(ag.constant(2))


def test_lru_cache_decorated_function_falls_back_with_warning(autograph_log):
    @functools.lru_cache(maxsize=None)
    def cached(x):
        return x * 2
    with pytest.raises(ConversionError):
        ag.to_graph(cached)
    assert _py(ag.function(cached)(ag.constant(3))) == 6
    assert any('cached' in r.getMessage() for r in autograph_log.records)


# --- recursion, closures, scopes ---------------------------------------------------------------

def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def test_recursive_function_on_python_values():
    assert ag.to_graph(factorial)(5) == 120
    assert ag.function(factorial)(5) == 120     # a Python int: recursion at trace time


def test_recursive_function_on_a_tensor_is_a_clear_error():
    with pytest.raises(RecursionError) as info:
        graph(factorial, 5)
    message = str(info.value)
    assert 'recursive function' in message and 'loop' in message
    assert '%s:%d' % (__file__, line_of(factorial, 'if n <= 1')) in message


def closures_over_for_target():
    fs = []
    for i in range(3):
        def get():
            return i  # noqa: B023 - late binding is the point
        fs.append(get)
    return [g() for g in fs]


def lambdas_over_while_counter():
    fs = []
    i = 0
    while i < 3:
        fs.append(lambda: i)  # noqa: B023 - late binding is the point
        i += 1
    return [g() for g in fs]


@pytest.mark.parametrize('fn', [closures_over_for_target, lambdas_over_while_counter])
def test_closures_over_loop_variables(fn):
    assert ag.to_graph(fn)() == fn()


def test_closures_in_comprehension_keep_late_binding():
    def adders():
        fs = [lambda x: x + i for i in range(3)]  # noqa: B023 - late binding
        return [f(1) for f in fs]
    assert ag.to_graph(adders)() == adders() == [3, 3, 3]


counter = 0


def test_global_assignment_is_a_clear_error_and_global_reads_work():
    def bump():
        global counter
        counter += 1
    with pytest.raises(ConversionError) as info:
        ag.to_graph(bump)
    assert_clear_conversion_error(info, 'global', line_of(bump, 'counter += 1'),
                                  words=("'counter'", 'ag.Variable'))

    def read(x):
        if x > counter:
            return x - counter
        return counter
    assert assert_equivalent(read, 3) == 3


def test_nonlocal():
    def outer(x):
        n = 0

        def add(k):
            nonlocal n
            n += k
        for i in range(3):
            add(i)
        if x > 0:
            add(x)
        return n
    assert ag.to_graph(outer)(4) == outer(4) == 7


# --- signatures -------------------------------------------------------------------------------------

def test_varargs_and_kwargs():
    def total(*args, **kwargs):
        s = 0
        for a in args:
            s += a
        if 'k' in kwargs:
            s += kwargs['k']
        return s
    assert assert_equivalent(total, 1, 2, k=3) == 6
    assert assert_equivalent(total, 1, 2) == 3


def test_keyword_only_and_positional_only():
    def f(a, /, b, *, c=2):
        if a > b:
            return c
        return a + b + c
    assert assert_equivalent(f, 1, 2, c=5) == 8
    assert assert_equivalent(f, 3, 2, c=5) == 5
    assert ag.to_graph(f)(1, b=2) == 5
    with pytest.raises(TypeError):
        ag.to_graph(f)(a=1, b=2)      # positional-only, as in Python


def test_default_values():
    def f(x, k=3, *, j=4):
        if x > k:
            return x + j
        return x
    assert assert_equivalent(f, 5) == 9
    assert assert_equivalent(f, 2) == 2
    assert assert_equivalent(f, 5, k=6) == 5


def twice(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) * 2
    return wrapper


def plain(fn):
    return fn


@twice
def doubled_abs(x):
    if x > 0:
        return x
    return -x


@plain
@twice
def stacked(x):
    while x < 5:
        x += 2
    return x


def test_decorators():
    assert assert_equivalent(doubled_abs, -3) == 6
    assert assert_equivalent(stacked, 0) == 12


# --- statements around tensor code -------------------------------------------------------------

def test_try_except_finally_around_tensor_code():
    def f(x):
        log = []
        try:
            if x > 0:
                y = x * 2
            else:
                y = -x
        except ValueError:
            y = 0
        finally:
            log.append('done')
        return y + len(log)
    assert assert_equivalent(f, -3) == 4
    assert assert_equivalent(f, 3) == 7


def test_exception_raised_while_tracing_is_caught_like_python():
    def f(x):
        try:
            raise ValueError('always')
        except ValueError:
            y = x + 100
        return y
    assert assert_equivalent(f, 1) == 101


def test_with_blocks_around_tensor_code():
    lock = threading.Lock()

    def f(x):
        with lock:
            if x > 0:
                x = x * 2
        with contextlib.suppress(ZeroDivisionError):
            while x < 10:
                x = x + 3
        return x
    assert assert_equivalent(f, 3) == 12
    assert assert_equivalent(f, -3) == 12
    assert not lock.locked()


def test_del():
    def f(x):
        y = x + 1
        del x
        if y > 2:
            y = y * 2
        return y
    assert assert_equivalent(f, 3) == 8


def use_after_del(x):
    y = x
    del y
    return y  # noqa: F821 - reading a deleted variable is the point


def maybe_assigned(x):
    if x > 0:
        y = 1
    return y


def last_of(n):
    for i in range(n):
        last = i
    return last


@pytest.mark.parametrize('fn', [use_after_del, maybe_assigned, last_of])
def test_reading_an_undefined_variable_raises_like_python(fn):
    with pytest.raises(UnboundLocalError):
        fn(-1)
    with pytest.raises(UnboundLocalError):
        ag.to_graph(fn)(-1)      # returns Undefined('y') instead


def test_walrus():
    def f(x):
        if (y := x * 2) > 4:
            return y
        return -y
    assert assert_equivalent(f, 3) == 6
    assert assert_equivalent(f, 1) == -2


def test_walrus_in_a_loop_condition_is_a_clear_error():
    def f(n):
        i = 0
        while (i := i + 1) < n:
            pass
        return i
    with pytest.raises(ConversionError) as info:
        ag.to_graph(f)
    assert_clear_conversion_error(info, 'walrus', line_of(f, 'while (i := i + 1)'),
                                  words=(':=', 'fix:'))


def test_f_strings():
    def f(x):
        s = f'value {x}'
        if x > 0:
            x = x + 1
        return x, s
    assert ag.to_graph(f)(3) == f(3) == (4, 'value 3')
    value, text = ag.function(f)(ag.constant(3))
    assert _py(value) == 4 and text.startswith('value ')   # formatted at trace time


def test_comprehensions():
    def f(xs):
        ys = [x * 2 for x in xs if x > 1]
        d = {k: k + 1 for k in range(3)}
        return sum(ys) + d[2] + len({y for y in ys})
    assert ag.to_graph(f)([1, 2, 3]) == f([1, 2, 3]) == 15


def test_comprehension_over_a_graph_tensor_is_a_clear_error():
    def f(xs):
        return [x * 2 for x in xs]
    with pytest.raises(TypeError, match='iterating'):
        graph(f, [1, 2, 3])
