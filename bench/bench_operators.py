"""Operators benchmarks: converted code run eagerly vs the original Python.

The converted functions are written by hand in the shape the converter generates (DESIGN.md
§3: nested branch/body functions, state passed through `ag__` helpers), so the figures measure
the helpers alone. Target: converted / original ≤ 1.3x on eager tensors (the seed's code).
Pure-Python figures show the fixed per-statement cost of the helpers.
Run: python bench/bench_operators.py [--quick]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import autograph as ag  # noqa: E402
from autograph.impl.conversion import ag__  # noqa: E402


# --- the seed's functions, original and converted ------------------------------------------------

def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def sum_even_converted(items):
    s = 0

    def loop_body(c, s):
        def if_true(s):
            return s

        def if_false(s):
            s += c
            return s
        s = ag__.if_stmt(c % 2 > 0, if_true, if_false, (s,), ("s",))
        return s
    s = ag__.for_stmt(items, None, loop_body, (s,), ("s",))
    return s


def square_if_positive(x):
    if x > 0:
        x = x * x
    else:
        x = 0.0
    return x


def square_if_positive_converted(x):
    def if_true(x):
        x = x * x
        return x

    def if_false(x):
        x = 0.0
        return x
    x = ag__.if_stmt(x > 0, if_true, if_false, (x,), ("x",))
    return x


# --- pure Python: the helpers' fixed cost ---------------------------------------------------------

def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def collatz_converted(n):
    steps = 0

    def test(n, steps):
        return n != 1

    def body(n, steps):
        def if_true(n):
            n = n // 2
            return n

        def if_false(n):
            n = 3 * n + 1
            return n
        n = ag__.if_stmt(n % 2 == 0, if_true, if_false, (n,), ("n",))
        steps += 1
        return n, steps
    n, steps = ag__.while_stmt(test, body, (n, steps), ("n", "steps"))
    return steps


def first_negative(xs):
    for i, x in enumerate(xs):
        if x < 0:
            return i
    return -1


def first_negative_converted(xs):
    do_return, retval_ = False, ag__.Undefined("retval_")

    def extra_test(do_return, retval_):
        return ag__.not_(do_return)

    def body(item, do_return, retval_):
        i, x = item

        def if_true(do_return, retval_):
            return True, i
        return ag__.if_stmt(x < 0, if_true, None, (do_return, retval_), ("do_return", "retval_"))
    do_return, retval_ = ag__.for_stmt(ag__.converted_call(enumerate, (xs,)), extra_test, body,
                                       (do_return, retval_), ("do_return", "retval_"))

    def tail(do_return, retval_):
        return True, -1
    do_return, retval_ = ag__.if_stmt(ag__.not_(do_return), tail, None, (do_return, retval_),
                                      ("do_return", "retval_"))
    return retval_


def run(quick):
    n = 200 if quick else 2000
    t = harness.Table("Converted code run eagerly vs the original (operators)")
    x = ag.constant([10, 12, 15, 20])
    assert int(sum_even_converted(x)) == int(sum_even(x)) == 42
    t.add("sum_even, eager tensor [4]", harness.best_of(lambda: sum_even_converted(x), n),
          harness.best_of(lambda: sum_even(x), n), target=1.3)
    big = ag.constant(list(range(100)))
    t.add("sum_even, eager tensor [100]",
          harness.best_of(lambda: sum_even_converted(big), n // 10),
          harness.best_of(lambda: sum_even(big), n // 10), target=1.3)
    pos = ag.constant(9.0)
    assert float(square_if_positive_converted(pos)) == 81.0
    t.add("square_if_positive, eager scalar",
          harness.best_of(lambda: square_if_positive_converted(pos), n * 5),
          harness.best_of(lambda: square_if_positive(pos), n * 5), target=1.3)
    assert collatz_converted(27) == collatz(27) == 111
    t.add("collatz(27), Python ints (111 iterations)",
          harness.best_of(lambda: collatz_converted(27), n // 10),
          harness.best_of(lambda: collatz(27), n // 10))
    xs = list(range(50)) + [-1]
    assert first_negative_converted(xs) == first_negative(xs) == 50
    t.add("first_negative over 51 Python ints (break/return)",
          harness.best_of(lambda: first_negative_converted(xs), n // 10),
          harness.best_of(lambda: first_negative(xs), n // 10))
    s = sum_even_converted(list(range(100)))
    assert s == sum_even(list(range(100)))
    t.add("sum_even over 100 Python ints",
          harness.best_of(lambda: sum_even_converted(list(range(100))), n // 10),
          harness.best_of(lambda: sum_even(list(range(100))), n // 10))

    h = harness.Table("Per-call cost of a helper on Python values")
    state = (1,)
    names = ("x",)

    def body(v):
        return v

    def plain_if():
        return body(1) if True else 1
    h.add("if_stmt(True, ...)", harness.best_of(
        lambda: ag__.if_stmt(True, body, None, state, names), n * 50),
        harness.best_of(plain_if, n * 50))

    def plain_call():
        return len(xs)
    h.add("converted_call(len, (xs,))", harness.best_of(
        lambda: ag__.converted_call(len, (xs,)), n * 50), harness.best_of(plain_call, n * 50))
    h.add("and_(lambda: 1, lambda: 2)", harness.best_of(
        lambda: ag__.and_(lambda: 1, lambda: 2), n * 50), harness.best_of(lambda: 1 and 2, n * 50))
    h.add("in_(2, xs)", harness.best_of(lambda: ag__.in_(2, xs), n * 50),
          harness.best_of(lambda: 2 in xs, n * 50))
    return [t, h]


if __name__ == "__main__":
    harness.main_guard(run)
