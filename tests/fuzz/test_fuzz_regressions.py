"""Regression tests: every failure the differential fuzzer found, minimised.

Each case is the minimiser's output (tidied by hand), run like a fuzz program: the original
on Python values is the oracle, and the converted function on Python values, on eager
tensors and through `ag.function` on tensors must agree with it (see fuzzgen.check). The
comment on each case says what went wrong and which seed found it (`bench/fuzz_long.py
--seed N --count 1` reruns a seed).
"""
import textwrap

import pytest

import autograph as ag
import fuzzgen

CASES = {
    # seed 6: an early return inside a nested `if` after an if/else that returns in one
    # branch: the converted code read the `do_return` flag before it was assigned
    # (UnboundLocalError in every mode).
    'return_flag_after_if_else_with_return': ('''
        def f(a, b, xs):
            v1 = 4
            if 0:
                return v1
            else:
                pass
            if len:
                if 12.25:
                    return 3
            return max
        ''', [0, 1, []]),
    'nested_early_returns': ('''
        def f(a, b):
            v = 4
            if a > 5:
                return v
            if b > 0:
                if b > 1:
                    return 3
            return 7
        ''', [0, 1], [[9, 1], [0, 2], [-3, -3]]),
    # seeds 24, 61, 77: a variable modified in a branch (`v %= 7`, `v = v`) but not used
    # after the `if` was not passed to the branch function (UnboundLocalError).
    'augmented_assignment_in_branch_not_live_after': ('''
        def f(a, b):
            v = b
            if a > 0:
                v = a
            else:
                v %= 7
        ''', [0, 1], [[1, 1]]),
    'self_assignment_in_branch_not_live_after': ('''
        def f(a, b):
            v0 = 5
            if a > 3:
                return 18
            if a > 4:
                v0 = b
            else:
                v0 = v0
            return 0
        ''', [0, 1], [[5, 1], [9, 9]]),
    # seeds 42, 99: `if v or v:` in a branch that assigns `v` afterwards: the `or` thunks
    # closed over a local of the branch function that was not assigned yet (NameError: free
    # variable referenced before assignment).
    'or_operands_read_variable_assigned_later_in_branch': ('''
        def f(a, b):
            v = a
            if a > 3:
                v = 11
            else:
                if v > 1 or v < -1:
                    pass
                v = b
        ''', [0, 1], [[2, 1], [7, 0]]),
    'and_operands_read_flag_assigned_later': ('''
        def f(a, b):
            flag = a > 0
            if a > 5:
                flag = b > 2
            elif a > 1 and flag:
                pass
            else:
                flag = not flag
            return flag
        ''', [1, 0], [[7, 3], [3, 0], [-2, 0]]),
    # seed 79: `continue` guarded by an elif inside a tensor while loop: `continue_` was read
    # unassigned while staging the loop (UnboundLocalError).
    'continue_in_elif_in_tensor_loop': ('''
        def f(a, b):
            v = b
            c = 0
            while c < a:
                c += 1
                if b > 5:
                    continue
                if v > 3:
                    pass
                elif b < -5:
                    continue
                v = (v + c) % 7
            return v
        ''', [2, 1], [[4, 9], [3, -7], [0, 0]]),
    # seed 85: `while u and 15:` in a helper called from a tensor loop (NameError: free
    # variable 'u').
    'helper_with_and_in_while_test': ('''
        def h0(p):
            u = p
            if p > 100:
                u = p
            else:
                while u > 0 and 15:
                    u -= 1
                u %= 10007
            return u

        def f(a, b):
            v = a
            c = 0
            while True:
                c += 1
                if c > a - v + 2:
                    break
                if h0(c) > 0:
                    v += 1
            return v
        ''', [0, 0], [[3, 1], [-2, 5]]),
    # seed 80: `not i` on an int32 tensor: logical_not refused a non-bool tensor.
    'not_of_int_tensor': ('''
        def f(a, b):
            for i in range(b):
                if not i:
                    a += 1
            return a
        ''', [0, 3], [[5, 0], [1, 1]]),
    # A list appended in a tensor loop and again in a tensor `if` inside it: the retry that
    # lowers the list to a TensorArray started from the Python list *with the first
    # iteration's append in it*: one element too many (a wrong value), or a
    # GraphMismatchError when that element was a tensor of the discarded trace.
    'list_appended_in_loop_and_in_if_inside_it': ('''
        def f(a, n):
            lst = []
            for i in range(n):
                lst.append(a)
                if a < 1:
                    lst.append(i + 10)
            return len(lst), lst
        ''', [0, 3], [[0, 0], [2, 2], [-1, 1]]),
    'list_appended_in_loop_and_if_with_reassignment': ('''
        def f(a, n):
            lst = []
            for i in range(n):
                lst.append(a)
                if a < 1:
                    lst.append(i)
                a = n
            return lst
        ''', [0, 3], [[5, 2], [0, 0]]),
    # seed 583 (same bug, in nested loops): the inner loop lowered the list first.
    'list_appended_in_nested_tensor_loops': ('''
        def f(v0, n):
            lst = []
            c = 0
            while c < n:
                c += 1
                lst.append(v0)
                v0 = 3
                d = 0
                while d < c:
                    d += 1
                    lst.append(v0)
            return len(lst), lst
        ''', [0, 3], [[1, 0], [7, 1]]),
    # seeds 22, 27, 51, ...: a list appended in a tensor loop in one branch of a tensor `if`
    # and left alone in the other: "'lst' is a Python list in the else-branch ... but a
    # TensorArray in the if-branch" (TypeError).
    'list_lowered_in_one_branch_only': ('''
        def f(a, n):
            lst = []
            if a > 16:
                pass
            else:
                i = 0
                while i < n:
                    i += 1
                    lst.append(i)
            return len(lst), lst
        ''', [0, 3], [[20, 3], [0, 0]]),
    # seed 301: the same with a list that already holds a tensor.
    'non_empty_list_lowered_in_one_branch_only': ('''
        def f(a, n):
            lst = []
            lst.append(a)
            if a > 16:
                pass
            else:
                i = 0
                while i < n:
                    i += 1
                    lst.append(i)
            return len(lst), lst
        ''', [0, 3], [[20, 3], [0, 0]]),
    # seed 119: an early return of a list that became a TensorArray, inside a tensor loop:
    # "cannot make a zero value for a TensorArray" (TypeError without a line).
    'return_tensor_array_from_tensor_loop': ('''
        def f(a, n):
            lst = []
            for i in range(n):
                lst.append(i)
                if i > a:
                    return lst
            return lst
        ''', [0, 3], [[5, 3], [-1, 3], [0, 0]]),
    # a `for` over a Python list whose break flag became a tensor after the last item: the
    # staged rest of the loop iterated an empty list ("pack_sequence_as: not enough values").
    'break_flag_becomes_tensor_after_the_last_item': ('''
        def f(a, b):
            v1 = b
            for e1 in [1]:
                if v1:
                    break
            return a
        ''', [0, 0], [[1, 2]]),
    # and/or as values are one of their operands (they gave bools); their truth in tests.
    'and_or_values_and_tests': ('''
        def f(a, b):
            v = (a and b) + (a or 3) * 2
            if a > 0 and b % 2:
                v += 1
            return v, (b if a else 7)
        ''', [0, 3], [[2, 3], [-1, 0], [4, 0]]),
    # seed 606803: a value only a zero-trip inner loop makes, carried unread through a tensor
    # `if` of a Python loop that became a staged loop: the `if` output the checked value, so
    # the check ran whenever the branch was taken (a spurious run-time error).
    'loop_created_value_through_a_staged_if': ('''
        def f(a, b):
            v0 = a
            c3 = 0
            while True:
                c3 += 1
                if c3 > 1:
                    break
                c5 = 0
                while c5 < a % 4:
                    c5 += 1
                    late4 = 10
                if -2 == b:
                    if b // 5 >= v0 > 5 + late4:
                        break
                v0 = a
            return v0
        ''', [4, -5], [[1, -2], [4, 3], [2, -2]]),
}


def _program(name, case):
    source, args = case[0], case[1]
    more = case[2] if len(case) > 2 else []
    kinds = ['ivec' if isinstance(a, list) else 'float' if isinstance(a, float) else 'int'
             for a in args]
    return fuzzgen.Program('regression-' + name, textwrap.dedent(source), args, kinds,
                           more_args=more)


@pytest.mark.parametrize('name', sorted(CASES))
def test_fuzz_regression(name):
    outcome = fuzzgen.check(_program(name, CASES[name]))
    assert outcome.skipped is None, outcome.skipped
    assert outcome.ok, outcome.report()
    assert not outcome.documented, outcome.documented   # a value, not an error


def test_paths_returning_different_structures_name_the_function_and_line():
    # seed 176: returning a Python list on one path and a TensorArray on the other is a
    # limitation; the error used to name the internal variable 'retval_' and no line.
    program = _program('structures', ('''
        def f(a, b):
            lst = []
            if a <= 9 <= b:
                return b, lst
            else:
                c = 0
                while c < a:
                    c += 1
                    lst.append(b)
            return len(lst), lst
        ''', [0, 0]))
    ns, filename = fuzzgen.load(program)
    try:
        with pytest.raises(TypeError) as info:
            ag.function(ns['f'])(ag.constant(0), ag.constant(0))
    finally:
        fuzzgen.unload(filename)
    message = str(info.value)
    assert 'retval' not in message
    assert 'the function returns' in message and '%s:4' % filename in message, message


def test_paths_returning_different_structures_in_a_loop_name_the_function_and_line():
    # seed 101109 (long run): the same limitation inside a tensor loop; the error named the
    # internal variable 'retval_' and no line.
    program = _program('loop-structures', ('''
        def f(a, xs):
            kept = []
            grown = []
            for x in xs:
                for y in xs:
                    return len(grown), kept
                grown.append(17)
            for x in xs:
                return a, grown
            return 9, kept
        ''', [0, []]))
    assert fuzzgen.check(program, modes=('convert', 'eager')).ok
    ns, filename = fuzzgen.load(program)
    try:
        with pytest.raises(TypeError) as info:
            ag.function(ns['f'])(ag.constant(0), ag.constant([1, 2]))
    finally:
        fuzzgen.unload(filename)
    message = str(info.value)
    assert 'retval' not in message
    assert 'the function returns' in message and 'inside a tensor-dependent loop at %s:' \
        % filename in message, message


def test_recursion_on_a_tensor_is_a_clear_error():
    # Found by the bad-input matrix: the recursion never ends while tracing (both branches
    # are built); it used to surface as a bare RecursionError from deep inside autograph.
    program = _program('recursion', ('''
        def f(n):
            if n <= 1:
                return 1
            return n * f(n - 1)
        ''', [5]))
    assert fuzzgen.check(program, modes=('convert', 'eager')).ok
    ns, filename = fuzzgen.load(program)
    try:
        with pytest.raises(RecursionError, match=r'recursed without end.*'
                                                  r'Write it as a loop') as info:
            ag.function(ns['f'])(ag.constant(5))
    finally:
        fuzzgen.unload(filename)
    assert '%s:3' % filename in str(info.value)
