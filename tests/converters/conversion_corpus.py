# ruff: noqa: F841, B007 - the corpus holds deliberately unusual code (dead stores, unused loop targets)
"""A corpus of ordinary Python functions, each with example arguments.

Every function is run three ways by test_conv_corpus.py: the original on Python values, the
converted function on Python values, and (where `graph=True`) the converted function building
a graph on tensors. `graph` may also name the exception type expected in graph mode, for code
whose graph semantics cannot hold (tested as a clear error).

Keep the functions plain: they are read by the converter from this file. The golden cases
(see test_conv_golden.py) are corpus functions too, kept in tests/golden/<name>/input.py beside
their expected generated code (expected.py); `samples.golden_input` loads them from there.
"""
import functools
import math

from samples import golden_input

CORPUS = []


class Case:
    def __init__(self, fn, args, graph, graph_args):
        self.fn = fn
        self.args = args
        self.graph = graph
        self.graph_args = graph_args

    @property
    def name(self):
        return self.fn.__name__


def case(*args, graph=True, graph_args=None):
    """Registers a corpus function; each positional argument is a tuple of call arguments."""
    def deco(fn):
        CORPUS.append(Case(fn, list(args), graph, graph_args))
        return fn
    return deco


# --- no control flow ------------------------------------------------------------------------

@case((1, 2), (3.5, -1.0))
def add(x, y):
    return x + y


@case((2,), (-3,))
def arithmetic(x):
    y = x * 2
    z = y - 1
    return z * z + y // 3


@case((1.0,), (2.0,), graph=TypeError)
def call_math(x):
    return math.sqrt(x * x + 9.0)


@case((3,), (4,))
def local_lambda(x):
    f = lambda a: a * 3 + 1
    return f(x)


@case((3,), (0,))
def closure_read(x):
    k = 10

    def inner(y):
        return y + k
    return inner(x)


@case((2,), (5,))
def nested_calls(x):
    return add(add(x, 1), arithmetic(x))


@case((1, 2, 3), (4, 5, 6))
def tuple_unpack(a, b, c):
    x, y = a + b, b + c
    (p, q), r = (x, y), a
    return p * q - r


@case((4,), (7,), graph=False)
def string_format(x):
    return 'x=%d, f=%s, %r' % (x, f'{x * 2}', [x])


@case((3,), (6,), graph=False)
def comprehensions(n):
    squares = [i * i for i in range(n) if i % 2 == 0]
    table = {i: str(i) for i in range(n)}
    return sum(squares), len(table), sorted({i % 3 for i in range(n)})


@case((5,), graph=False)
def kwargs_call(n):
    return keyword_only(n, scale=3), defaults(n), defaults(n, 10)


def keyword_only(x, *, scale=2):
    return x * scale


def defaults(x, y=7):
    return x + y


@case((1, 2, 3), graph=False)
def star_args(*args, **kwargs):
    return sum(args), sorted(kwargs)


@case((2, 3))
def positional_only(a, b, /):
    return a * 10 + b


# --- if / elif / else -----------------------------------------------------------------------

square_if_positive = case((9.0,), (-9.0,), (0.0,))(golden_input('square_if_positive'))


if_no_else = case((5,), (-5,))(golden_input('if_no_else'))


if_elif_else = case((5,), (-5,), (0,))(golden_input('if_elif_else'))


@case((1,), (5,), (15,), (25,))
def long_elif_chain(x):
    if x < 3:
        y = x
    elif x < 10:
        y = x * 2
    elif x < 20:
        y = x * 3
    else:
        y = 0
    return y


nested_ifs = case((1, 2), (2, 1), (-1, -2), (3, -3))(golden_input('nested_ifs'))


if_multiple_vars = case((3, 4), (-3, 4), (3, -4))(golden_input('if_multiple_vars'))


@case((2,), (-2,))
def if_only_reads(x):
    y = x * 10
    if x > 0:
        z = y + 1
    else:
        z = y - 1
    return z


if_temporary_in_branch = case((2,), (-2,))(golden_input('if_temporary_in_branch'))


if_and_or = case((2, 5), (7, 5), (5, 5))(golden_input('if_and_or'))


@case((True,), (False,))
def if_not(flag):
    x = 1
    if not flag:
        x = 2
    return x


@case((3,), (-3,), graph=NotImplementedError)
def if_side_effect_only(x):
    out = []
    if x > 0:
        out.append(x)
    else:
        out.append(-x)
    return out


@case((3,), (-3,))
def if_read_before_write_temp(x):
    t = x
    if x > 0:
        t = t + 1
        x = t * 2
    return x


@case((4,), (-4,))
def if_augassign(x):
    s = 0
    if x > 0:
        s += x
    else:
        s -= x
    return s


@case((1,), (0,))
def if_pass_branch(x):
    y = 3
    if x:
        pass
    else:
        y = 4
    return y


@case((6,), (1,), graph=TypeError)
def if_defines_function(x):
    if x > 3:
        def f(v):
            return v * 2
    else:
        def f(v):
            return v + 100
    return f(x)


@case((1, 2, 3), (3, 2, 1), (2, 3, 1))
def max_of_three(a, b, c):
    m = a
    if b > m:
        m = b
    if c > m:
        m = c
    return m


@case((5,), (-5,))
def if_in_closure(x):
    def helper(v):
        if v > 0:
            return v
        return -v
    return helper(x) + helper(-x)


@case((2,), (-2,))
def if_with_call_condition(x):
    if abs(x) > 1 and is_positive(x):
        y = 1
    else:
        y = 0
    return y


def is_positive(v):
    return v > 0


@case((3,), (-3,), graph=False)
def if_expression_statement(x):
    result = [0]
    if x > 0:
        result[0] = x
    return result[0]


# --- conditional expressions and logical operators -------------------------------------------

ternary = case((3,), (-3,))(golden_input('ternary'))


@case((1,), (5,), (12,), graph=TypeError)
def nested_ternary(x):
    return 'small' if x < 3 else ('mid' if x < 10 else 'big')


@case((2, 3), (0, 3), (2, 0), graph=False)
def and_or_values(a, b):
    return (a and b), (a or b), (not a), (a and b or 7)


chained_comparison = case((1, 2, 3), (3, 2, 1), (1, 1, 2))(golden_input('chained_comparison'))


chained_comparison_calls = case((3,), (30,), graph=False)(golden_input('chained_comparison_calls'))


@case((0,), (1,), graph=False)
def short_circuit(x):
    log = []

    def f(v):
        log.append(v)
        return v
    r = f(x) and f(2) or f(3)
    return r, log


@case((5,), (-5,))
def ternary_in_loop(n):
    s = 0
    for i in range(3):
        s += i if n > 0 else -i
    return s


@case((4,), (-4,))
def logical_in_while(n):
    i = 0
    while i < 10 and (n > 0 or i < 2):
        i += 1
    return i


# --- while loops ------------------------------------------------------------------------------

while_count = case((5,), (0,))(golden_input('while_count'))


@case((100,), (1,))
def while_halve(n):
    steps = 0
    while n > 1:
        n = n // 2
        steps += 1
    return steps


@case((3, 4), (0, 2))
def nested_while(n, m):
    i = 0
    total = 0
    while i < n:
        j = 0
        while j < m:
            total += i * j
            j += 1
        i += 1
    return total


while_break = case((10,), (3,))(golden_input('while_break'))


while_continue = case((10,), (0,))(golden_input('while_continue'))


while_true_break = case((5,), (50,))(golden_input('while_true_break'))


while_else = case((5,), (20,))(golden_input('while_else'))


@case((4,), (0,))
def while_else_no_break(n):
    i = 0
    while i < n:
        i += 2
    else:
        i = i * 10
    return i


@case((6,), (1,))
def while_var_defined_in_loop(n):
    i = 0
    while i < n:
        last = i * 2
        i += 1
    return i


@case((6,), (2,))
def while_last_value(n):
    i = 0
    last = -1
    while i < n:
        last = i * 2
        i += 1
    return last


@case((12,), (7,))
def while_collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


@case((20,), (5,))
def while_break_and_continue(n):
    i = 0
    s = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        if i > 11:
            break
        s += i
    return s


@case((3,), (5,))
def while_nested_break(n):
    count = 0
    i = 0
    while i < n:
        j = 0
        while True:
            j += 1
            if j >= i:
                break
        count += j
        i += 1
    return count


@case((5,), (1,))
def while_fib(n):
    a, b = 0, 1
    i = 0
    while i < n:
        a, b = b, a + b
        i += 1
    return a


@case((16,), (1,))
def while_with_temp(n):
    r = 0
    while n > 0:
        bit = n % 2
        r = r * 10 + bit
        n = n // 2
    return r


# --- for loops --------------------------------------------------------------------------------

sum_even = case(([10, 12, 15, 20],), ([],), ([1, 3],))(golden_input('sum_even'))


for_range = case((5,), (0,))(golden_input('for_range'))


@case((2, 9, 3), graph=False)
def for_range_step(a, b, step):
    out = []
    for i in range(a, b, step):
        out.append(i)
    return out


@case(([1, 2, 3],), ([],), graph=False)
def for_enumerate(items):
    s = 0
    for i, x in enumerate(items):
        s += i * x
    return s


@case(([1, 2, 3], [4, 5, 6]), graph=False)
def for_zip(a, b):
    s = 0
    for x, y in zip(a, b):
        s += x * y
    return s


for_target_after_loop = case(([1, 2, 3],), ([],))(golden_input('for_target_after_loop'))


@case(([3, 1, 2],), graph=False)
def for_target_used_after(items):
    for i in range(len(items)):
        pass
    return i


for_break = case(([1, 5, 2, 8],), ([],))(golden_input('for_break'))


# (on tensors `r` is carried with a "has a value" flag: the branch that breaks assigns it)
for_else = case(([1, 5, 2, 8],), ([1, 2],))(golden_input('for_else'))


@case(([1, 2],), ([],))
def for_else_no_break(items):
    s = 0
    for x in items:
        s += x
    else:
        s += 100
    return s


@case((3, 4), (0, 2))
def nested_for(n, m):
    s = 0
    for i in range(n):
        for j in range(m):
            s += i * j
    return s


nested_for_break_inner = case((4,), (6,))(golden_input('nested_for_break_inner'))


@case(([[1, 2], [3, 4]],), graph=False)
def for_nested_lists(rows):
    total = 0
    for row in rows:
        for v in row:
            total += v
    return total


@case(({'a': 1, 'b': 2},), graph=False)
def for_dict_items(d):
    keys = []
    total = 0
    for k, v in sorted(d.items()):
        keys.append(k)
        total += v
    return keys, total


@case(('hello',), graph=False)
def for_string(s):
    n = 0
    for ch in s:
        if ch in 'aeiou':
            n += 1
    return n


@case((5,), (1,))
def for_continue_and_break(n):
    s = 0
    for i in range(100):
        if i % 2:
            continue
        if i > n * 2:
            break
        s += i
    return s


@case((4,), graph=False)
def for_reassign_target(n):
    out = []
    for i in range(n):
        i = i * 10
        out.append(i)
    return out


@case((3,), (0,))
def for_accumulate_two(n):
    a = 0
    b = 1
    for i in range(n):
        a = a + i
        b = b * 2
    return a, b


@case(([3, -1, 4],), graph=TypeError)
def for_max(items):
    best = None
    for x in items:
        if best is None or x > best:
            best = x
    return best


@case((6,))
def for_unused_temp(n):
    s = 0
    for i in range(n):
        t = i * 2
        s += t
    return s


for_tuple_target = case(([(1, 2), (3, 4)],), graph=False)(golden_input('for_tuple_target'))


@case((4,), graph=False)
def for_nested_function_in_body(n):
    fs = []
    for i in range(n):
        def f(v, i=i):
            return v + i
        fs.append(f)
    return [f(10) for f in fs]


@case((3,))
def for_while_mix(n):
    s = 0
    for i in range(n):
        j = i
        while j > 0:
            s += j
            j -= 1
    return s


class _Ctx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


for_continue_flag_in_with = case(([1, 2, 3, 4],), graph=False)(golden_input('for_continue_flag_in_with'))


# --- early returns ----------------------------------------------------------------------------

return_in_if = case((3,), (-3,))(golden_input('return_in_if'))


@case((3,), (-3,), (0,))
def return_in_both(x):
    if x > 0:
        return 1
    else:
        return -1 if x < 0 else 0


guard_clauses = case((1,), (5,), (9,), (20,), graph=TypeError)(golden_input('guard_clauses'))


return_in_for = case(([1, 5, 2],), ([1, 2],), ([],))(golden_input('return_in_for'))


return_in_while = case((10,), (3,))(golden_input('return_in_while'))


return_none_path = case((3,), (-3,), graph=TypeError)(golden_input('return_none_path'))


@case((3,), (-3,))
def bare_return(x):
    out = [0]
    if x > 0:
        out[0] = 1
        return
    out[0] = 2


@case(([[1, 2], [3, 40]],), ([[1]],), graph=False)
def return_in_nested_for(rows):
    for row in rows:
        for v in row:
            if v > 10:
                return v
    return 0


@case((5,), (-5,), graph=TypeError)
def return_in_elif(x):
    if x > 3:
        return 'a'
    elif x > 0:
        y = 'b'
    else:
        return 'c'
    return y


@case((4,), (-4,))
def return_after_if_fallthrough(x):
    if x > 0:
        x = x + 1
    else:
        return 0
    x = x * 2
    return x


@case((7,), (2,))
def return_while_true(n):
    i = 0
    while True:
        i += 1
        if i * 3 > n:
            return i


return_with_break = case(([2, 4, 5, 6],), ([2, 4],))(golden_input('return_with_break'))


@case((3,), (30,))
def return_in_loop_with_else(n):
    for i in range(n):
        if i > 5:
            return i
    else:
        return -1


@case((5,), (-5,), graph=False)
def return_in_try(x):
    try:
        if x > 0:
            return x
        y = 1 // 0
    except ZeroDivisionError:
        y = -1
    return y


@case((2,), (-2,), graph=False)
def return_in_with(x):
    with _Ctx():
        if x > 0:
            return 'pos'
        y = 'neg'
    return y


@case((3,), (0,))
def return_value_expression(n):
    s = 0
    for i in range(n):
        s += i
        if s > 100:
            return s * 2
    return s + 1


@case((1,), (4,), (10,), graph=TypeError)
def return_in_nested_if(x):
    if x > 2:
        if x > 5:
            return 'big'
        z = 'mid'
    else:
        z = 'low'
    return z


@case((5,), (-5,))
def docstring_and_return(x):
    """A docstring stays first."""
    if x > 0:
        return x
    return 0


# --- lists ------------------------------------------------------------------------------------

list_append_loop = case((4,), (0,), graph=False)(golden_input('list_append_loop'))


@case((5,), graph=False)
def list_append_conditional(n):
    evens = []
    odds = []
    for i in range(n):
        if i % 2 == 0:
            evens.append(i)
        else:
            odds.append(i)
    return evens, odds


list_pop = case(([1, 2, 3],), graph=False)(golden_input('list_pop'))


@case(([5, 6, 7],), graph=False)
def list_pop_index(items):
    items = list(items)
    first = items.pop(0)
    return first, items


@case((4,), graph=False)
def list_pop_loop(n):
    stack = list(range(n))
    s = 0
    while stack:
        s += stack.pop()
    return s


@case((3,), graph=False)
def list_append_while(n):
    out = []
    i = 0
    while i < n:
        out.append([i] * i)
        i += 1
    return out


@case((3,), graph=False)
def list_attribute_append(n):
    holder = _Holder()
    for i in range(n):
        holder.items.append(i)
    return holder.items


class _Holder:
    def __init__(self):
        self.items = []


@case((3,), graph=False)
def list_index_assign(n):
    out = [0] * n
    for i in range(n):
        out[i] = i + 1
    return out


@case((4,), graph=False)
def dict_updates(n):
    d = {}
    for i in range(n):
        if i % 2:
            d[i] = 'odd'
        else:
            d[i] = 'even'
    return d


@case((3,), graph=False)
def list_extend_and_sort(n):
    out = [5]
    for i in range(n):
        out.extend([i, -i])
    out.sort()
    return out


# --- asserts ----------------------------------------------------------------------------------

assert_with_message = case((3,), (-3,), graph=False)(golden_input('assert_with_message'))


@case((3,), (-3,), graph=False)
def assert_no_message(x):
    assert x > 0
    return x


@case((3,))
def assert_in_loop(n):
    s = 0
    for i in range(n):
        assert i >= 0
        s += i
    return s


# --- calls, recursion, closures ---------------------------------------------------------------

factorial = case((5,), (0,), graph=RecursionError)(golden_input('factorial'))


@case((10,), (7,), graph=False)
def mutual_recursion(n):
    return is_even(n)


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


@case((3,), (-3,))
def calls_helper_with_control_flow(x):
    return helper_abs(x) + helper_abs(x - 10)


def helper_abs(v):
    if v < 0:
        v = -v
    return v


@case((4,), graph=False)
def higher_order(n):
    return apply_twice(lambda v: v * 3, n), list(map(lambda v: v + 1, [n, n]))


def apply_twice(f, x):
    return f(f(x))


closure_counter = case((3,), graph=False)(golden_input('closure_counter'))
closure_maybe_unassigned = case((3,), graph=False)(golden_input('closure_maybe_unassigned'))


@case((2,), graph=False)
def uses_functools_partial(x):
    p = functools.partial(add, x)
    return p(10)


@case((5,), graph=False)
def call_with_star_args(n):
    args = [n, 1]
    kw = {'y': 3}
    return add(*args), add(n, **kw), keyword_only(*[n], **{'scale': 4})


@case((3,), graph=False)
def generator_helper(n):
    return list(gen_squares(n)), sum(x for x in range(n))


def gen_squares(n):
    for i in range(n):
        yield i * i


@case((4,), graph=False)
def nested_function_with_loop(n):
    def total(k):
        s = 0
        for i in range(k):
            s += i
        return s
    return total(n) + total(n + 1)


@case((3,), graph=False)
def lambda_with_conditionals(n):
    f = lambda v: 'pos' if v > 0 and v < 10 else 'other'
    return f(n), f(-n), f(n * 10)


@case((6,), graph=False)
def recursion_with_loop(n):
    return fib_memo(n, {})


def fib_memo(n, memo):
    if n < 2:
        return n
    if n in memo:
        return memo[n]
    r = fib_memo(n - 1, memo) + fib_memo(n - 2, memo)
    memo[n] = r
    return r


@case((3,), graph=False)
def builtins_usage(n):
    items = list(range(n))
    return len(items), max(items), min(items), abs(-n), int(2.7), float(n), sorted(items, reverse=True)


# --- methods and classes ----------------------------------------------------------------------

class Accumulator:
    def __init__(self, start):
        self.total = start

    def add_all(self, items):
        for x in items:
            if x < 0:
                continue
            self.total += x
        return self.total

    def scaled(self, k):
        if k > 1:
            return self.total * k
        return self.total

    @staticmethod
    def static_clip(v):
        if v > 10:
            v = 10
        return v

    @classmethod
    def make(cls, v):
        if v < 0:
            v = 0
        return cls(v)


class Child(Accumulator):
    def scaled(self, k):
        base = super().scaled(k)
        if base > 100:
            base = 100
        return base


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, x):
        r = 0
        for c in self.coeffs:
            r = r * x + c
        return r


@case(([1, -2, 3],), graph=False)
def method_calls(items):
    acc = Accumulator(10)
    acc.add_all(items)
    return acc.total, acc.scaled(3), Accumulator.static_clip(15), Accumulator.make(-4).total


@case((5,), (50,), graph=False)
def super_method(k):
    c = Child(20)
    return c.scaled(k)


@case((2,), graph=False)
def callable_object(x):
    p = Polynomial([1, 2, 3])
    return p(x)


@case((3,), graph=False)
def local_class(n):
    class Box:
        def __init__(self, v):
            self.v = v
    boxes = []
    for i in range(n):
        boxes.append(Box(i))
    return [b.v for b in boxes]


# --- exceptions, with, del, misc ---------------------------------------------------------------

@case((2,), (0,), graph=False)
def try_except_in_loop(n):
    out = []
    for d in [n, 0, 1]:
        try:
            out.append(10 // d)
        except ZeroDivisionError:
            out.append(None)
    return out


@case((3,), (-3,), graph=False)
def try_finally(x):
    log = []
    try:
        if x > 0:
            log.append('pos')
        else:
            raise ValueError('neg')
    except ValueError as e:
        log.append(str(e))
    finally:
        log.append('done')
    return log


@case((1,), (0,), graph=False)
def raises_in_branch(x):
    if x:
        raise KeyError('boom')
    return 'fine'


del_statement = case((2,), graph=False)(golden_input('del_statement'))


@case((3,), graph=False)
def with_in_loop(n):
    s = 0
    for i in range(n):
        with _Ctx():
            s += i
    return s


GLOBAL_SCALE = 3


@case((4,), (-4,))
def reads_global(x):
    if x > 0:
        x = x * GLOBAL_SCALE
    return x


@case((5,), graph=False)
def walrus_in_statement(n):
    if (m := n * 2) > 5:
        r = m
    else:
        r = 0
    return r, m


@case((3,), graph=False)
def isinstance_dispatch(x):
    if isinstance(x, int):
        r = 'int'
    elif isinstance(x, float):
        r = 'float'
    else:
        r = 'other'
    return r


@case((3,), graph=False)
def print_in_loop(n):
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        for i in range(n):
            print(i, end=' ')
    return buf.getvalue()


@case((4,), graph=False)
def while_over_list(n):
    items = list(range(n))
    out = []
    while items:
        v = items.pop(0)
        if v % 2:
            continue
        out.append(v)
    return out


variable_defined_in_both_branches = case((2,), (-2,))(golden_input('variable_defined_in_both_branches'))


@case((2,), (-2,), graph=False)
def variable_defined_in_one_branch_unused(x):
    if x > 0:
        y = x
    return x


shadowing_generated_names = case((3,))(golden_input('shadowing_generated_names'))


@case((4,), (1,))
def flag_names_clash(break_):
    do_return = 0
    while break_ > 0:
        break_ -= 1
        do_return += 1
        if do_return > 2:
            break
    return do_return


deeply_nested = case((3,), graph=False)(golden_input('deeply_nested'))


@case((5,), (0,))
def sum_of_squares_until(limit):
    total = 0
    i = 0
    while total < limit * 10:
        i += 1
        if i > 50:
            break
        total += i * i
    return total


@case((6,), (1,))
def count_down_with_continue(n):
    evens = 0
    while n > 0:
        n -= 1
        if n % 2:
            continue
        evens += 1
    return evens


@case((8,), (3,))
def primes_below(n):
    count = 0
    for k in range(2, n):
        is_prime = True
        for d in range(2, k):
            if k % d == 0:
                is_prime = False
                break
        if is_prime:
            count += 1
    return count


@case((10,), (1,))
def gcd_loop(n):
    a = n * 6
    b = 28
    while b != 0:
        a, b = b, a % b
    return a


@case((3, 5), (5, 3))
def swap_if_greater(a, b):
    if a > b:
        a, b = b, a
    return a, b


@case((5,), (-1,))
def sign_via_returns(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


@case((2.0,), (-1.0,))
def float_branch(x):
    if x >= 0.0:
        y = x * 0.5
    else:
        y = x * x
    return y + 1.0


@case((4,), (9,))
def loop_with_if_else_accum(n):
    a = 0
    b = 0
    for i in range(n):
        if i % 3 == 0:
            a += i
        elif i % 3 == 1:
            b += i
        else:
            a -= 1
    return a, b


@case((5,), (0,))
def while_with_two_exits(n):
    i = 0
    r = 0
    while i < 10:
        i += 1
        if i == n:
            r = 1
            break
        if i * n > 20:
            r = 2
            break
    return r, i


@case((3,), (12,))
def for_range_return_flag(n):
    for k in range(4):
        if k * n > 20:
            return k
    return 99


@case((1,), (2,), graph=False)
def returns_tuple_in_branches(x):
    if x == 1:
        return 1, 'one'
    return 2, 'many'


@case((0,), (3,))
def empty_loop_body_pass(n):
    for _ in range(n):
        pass
    i = 0
    while i < n:
        i += 1
    return i


@case((4,), (1,), graph=TypeError)
def nested_function_return(x):
    def classify(v):
        if v > 2:
            return 'hi'
        return 'lo'
    return classify(x)


@case((3,), graph=False)
def default_arg_closure(n, scale=2, *, offset=1):
    if n > scale:
        n = n * scale
    return n + offset


@case((2,), (-2,))
def if_assigns_param(x):
    if x < 0:
        x = -x
    return x


@case((5,), (2,))
def while_condition_uses_state(n):
    x = n
    y = 0
    while x > 0 and y < 3:
        x -= 1
        y += 1
    return x, y


@case((3,), (0,))
def for_loop_with_elif_continue(n):
    s = 0
    for i in range(n * 3):
        if i % 3 == 0:
            continue
        elif i % 3 == 1:
            s += 1
        else:
            s += 10
    return s


@case((6,), (2,))
def return_early_from_nested_loops(n):
    for i in range(n):
        for j in range(n):
            if i * j > 6:
                return i, j
    return -1, -1


@case((5,), (-5,))
def if_else_returns_then_loop(x):
    if x < 0:
        return 0
    s = 0
    for i in range(x):
        s += i
    return s


@case((3,), (7,))
def multiple_breaks_same_loop(n):
    i = 0
    while True:
        i += 1
        if i == n:
            break
        if i > 5:
            break
    return i


@case((4,), (0,))
def continue_in_nested_if(n):
    s = 0
    for i in range(n):
        if i > 0:
            if i == 2:
                continue
            s += i
        s += 100
    return s


@case((4,), (0,))
def break_in_nested_if(n):
    s = 0
    for i in range(10):
        if i > 1:
            if i > n:
                break
            s += i
        s += 1
    return s


@case((3,), graph=False)
def comprehension_in_loop(n):
    out = []
    for i in range(n):
        out.append(sum([j for j in range(i) if j % 2 == 0]))
    return out


@case((5,), graph=False)
def lambda_and_ternary_in_loop(n):
    fs = [lambda v: v + 1, lambda v: v * 2]
    s = 0
    for i in range(n):
        f = fs[0] if i % 2 else fs[1]
        s = f(s)
    return s


@case((3,), (-3,))
def not_in_condition(x):
    positive = x > 0
    if not positive:
        x = 0
    return x


@case((2,), (8,))
def comparison_ops(x):
    return x == 2, x != 2, x >= 3, x <= 3


@case((3,), graph=False)
def string_building_loop(n):
    s = ''
    for i in range(n):
        if i:
            s += ','
        s += str(i)
    return s


@case((4,), graph=False)
def while_with_else_and_continue(n):
    i = 0
    s = 0
    while i < n:
        i += 1
        if i == 2:
            continue
        s += i
    else:
        s *= 10
    return s


@case((5,), (2,))
def loop_counter_after(n):
    count = 0
    for i in range(n):
        if i > 2:
            count += 1
    return count


@case((4,), graph=False)
def unpack_in_loop_target_live(n):
    for i, sq in [(k, k * k) for k in range(n)]:
        pass
    return i, sq


@case((3,), graph=False)
def global_constant_and_builtin(n):
    total = 0
    for i in range(n):
        total += GLOBAL_SCALE * i
    return total, math.pi > 3


class SuperChild(Accumulator):
    def scaled(self, k):
        if k > 1:
            return super().scaled(k) * 2
        for i in range(2):
            k += super().scaled(i)
        return k


@case((3,), (1,), graph=False)
def super_in_branches_and_loops(k):
    return SuperChild(5).scaled(k)


@case((3,), graph=False)
def nonlocal_updated_in_nested_loop(n):
    count = 0

    def inc(m):
        nonlocal count
        for i in range(m):
            if i % 2 == 0:
                count += i
    inc(n)
    inc(n + 2)
    return count


@case(([1, 0, 7, 2],), graph=False)
def try_with_continue_and_break_in_loop(items):
    out = []
    for x in items:
        try:
            if x == 0:
                continue
            out.append(10 // x)
            if x > 5:
                break
        except ZeroDivisionError:
            out.append(None)
        finally:
            out.append('f')
    return out


@case((9, 1, 2), (1,), graph=False)
def keyword_only_default_from_global(a, *args, b=GLOBAL_SCALE, **kw):
    if a > b:
        a = b
    return a, args, kw


@case((4,), (-4,))
def augmented_ops_in_branches(x):
    y = x
    if x > 0:
        y *= 3
        y -= 1
    else:
        y **= 2
        y //= 3
    return y


@case((3,), (0,))
def reassigned_in_both_branches_inside_loop(n):
    # `w` is assigned before the loop and in both branches of an `if` in the body, and read
    # right after the `if`: it is not loop state, yet the `if` must still have it bound.
    w = 10
    total = 0
    i = 0
    while i < n:
        if i > 0:
            w = 2
        else:
            w = 1
        total += w
        i += 1
    return total


@case((0, 3), (5, 3), (1, 0))
def flag_read_only_in_else_branch(pushback, n):
    # `do_return` (made by the return converter) is dead after the `if` and in its first
    # branch, but read by the loop in the else branch: it must still be passed in.
    if pushback > 0:
        return pushback * 10
    raw = n
    while raw > 0:
        if raw == 2:
            return -raw
        raw -= 1
    return raw


class _Private:
    def __init__(self):
        self.__count = 0

    def __bump(self, k):
        if k > 0:
            self.__count += k
        return self.__count

    def run(self, n):
        for i in range(n):
            if i % 2 == 0:
                self.__bump(i)
        return self.__count


@case((5,), (0,), graph=False)
def private_name_mangling(n):
    return _Private().run(n)


def _parse_number(s):
    return int(s)


@case(('12',), ('x',), graph=False)
def return_value_that_raises_inside_try(s):
    # The return flag must only be set once the returned value was computed.
    for parse in (_parse_number, float):
        try:
            return parse(s)
        except ValueError:
            pass
    return None


@case((1,), graph=False)
def docstring_with_blank_lines(x):
    """First line.

    More text after a blank line.
    """
    if x:
        x = docstring_with_blank_lines.__doc__.count('\n')
    return x


@case((True,), (False,), graph=False)
def variable_read_through_closure(flag):
    # `seen` is only read through `report`, a closure defined before the `if` that sets it.
    seen = False

    def report():
        return seen
    if flag:
        seen = True
    return report()


class _Counter:
    def __init__(self):
        self.step = 0
        self.level = 5


@case((4,), (0,))
def attribute_in_loop_test_is_loop_state(n):
    c = _Counter()
    while c.step < n:
        c.step += 1
    return c.step


@case((3,), (-3,))
def attribute_in_if_test_is_branch_state(x):
    c = _Counter()
    if c.level > x:
        c.level = x
    else:
        c.level = c.level * 2
    return c.level


@case((2,), (7,))
def item_in_if_test_is_branch_state(x):
    box = [x, 0]
    if box[0] > 3:
        box[0] = 3
    return box[0]


@case(({'a': 1, 'b': None, 'c': 3},), graph=False)
def item_tested_then_deleted(params):
    # `params[name]` is read by the test but deleted in the body: it is not branch state.
    params = dict(params)
    for name in list(params):
        if params[name] is None:
            del params[name]
    return sorted(params)


# --- state written in place: attributes, items, variables closures see -------------------------

attribute_written_in_branch = case((3,), (-3,))(golden_input('attribute_written_in_branch'))


item_written_in_loop = case((4,), (0,))(golden_input('item_written_in_loop'))


closure_reads_loop_updates = case((4,), (1,))(golden_input('closure_reads_loop_updates'))


@case((3,), graph=NotImplementedError)
def item_at_changing_index(n):
    a = [0, 0, 0, 0]
    for i in range(n):
        a[i] = i + 1
    return a[0] + a[1] + a[2]
