"""Reads of variables that may be unassigned: `ag__.ld(x)` raises where the original raises.

A variable that some path leaves unassigned holds the `ag__.Undefined` placeholder in
converted code. Where the user's code reads it and may find it unassigned, the read is
`ag__.ld(x)`: UnboundLocalError, as the original, instead of a placeholder returned or passed
on. Reads that are assigned on every path stay plain reads.
"""
import textwrap

import pytest

import autograph as ag
from autograph import api
from autograph import operators as ag__

from conv_helpers import make_function

CASES = {
    'use_after_del': ('''
        def f(x):
            y = x
            del y
            return y
    ''', [1]),
    'assigned_in_one_branch': ('''
        def f(x):
            if x > 0:
                y = x
            return y
    ''', [1, -1]),
    'loop_that_may_not_run': ('''
        def f(n):
            for i in range(n):
                last = i
            return last
    ''', [0, 3]),
    'while_loop_that_may_not_run': ('''
        def f(n):
            while n > 0:
                n -= 1
                seen = n
            return seen
    ''', [0, 2]),
    'read_in_the_loop_before_assignment': ('''
        def f(n):
            out = []
            for i in range(n):
                if i % 2 == 0:
                    out.append(prev)
                prev = i
            return out
    ''', [0, 3]),
    'read_in_a_later_branch': ('''
        def f(x):
            if x > 0:
                y = 1
            if x > -5:
                return y + 1
            return 0
    ''', [1, -1, -7]),
    'break_without_else': ('''
        def f(xs):
            for x in xs:
                if x > 2:
                    found = x
                    break
            return found
    ''', [[1, 5], [1, 2]]),
    'continue_guard': ('''
        def f(xs):
            for x in xs:
                if x < 0:
                    continue
                y = x
            return y
    ''', [[1, -1], [-1], []]),
    'early_return_in_loop': ('''
        def f(xs):
            for x in xs:
                if x > 2:
                    return x
                z = x
            return z
    ''', [[1, 5], [3], []]),
    'deleted_in_a_branch': ('''
        def f(x):
            y = 1
            if x > 0:
                del y
            return y
    ''', [1, -1]),
    'read_inside_a_comprehension_and_a_thunk': ('''
        def f(x):
            if x > 0:
                y = 2
            return [y * k for k in range(2)] if x > -3 else 0
    ''', [1, -1, -4]),
    'except_path': ('''
        def f(x):
            try:
                y = 10 // x
            except ZeroDivisionError:
                pass
            if x > 5:
                y = 1
            return y
    ''', [2, 0, 7]),
}


def outcome(fn, arg):
    try:
        return 'value', fn(arg)
    except NameError:      # UnboundLocalError (a free variable in a comprehension: NameError)
        return 'raises', None


@pytest.mark.parametrize('name', sorted(CASES))
def test_converted_code_raises_where_the_original_does(name):
    source, args = CASES[name]
    f = make_function(textwrap.dedent(source))
    g = ag.to_graph(f)
    results = set()
    for arg in args:
        expected = outcome(f, arg)
        assert outcome(g, arg) == expected, (name, arg)
        results.add(expected[0])
    assert 'raises' in results, 'the case must exercise the unassigned path'
    assert 'ag__.ld(' in ag.to_code(f)


ALWAYS_ASSIGNED = {
    'both_branches': '''
        def f(x):
            if x > 0:
                y = 1
            else:
                y = 2
            return y
    ''',
    'for_else_with_break': '''
        def f(items):
            for x in items:
                if x > 4:
                    r = x
                    break
            else:
                r = 0
            return r
    ''',
    'while_else_with_break': '''
        def f(n):
            while n > 0:
                n -= 1
                if n == 3:
                    r = 'three'
                    break
            else:
                r = 'none'
            return r
    ''',
    'assigned_before_the_loop': '''
        def f(n):
            s = 0
            for i in range(n):
                s += i
            return s
    ''',
    'early_returns': '''
        def f(x):
            if x > 10:
                return 'big'
            if x > 5:
                y = 'medium'
            else:
                y = 'small'
            return y
    ''',
    'shadowed_in_comprehension_and_lambda': '''
        def f(x):
            if x > 0:
                y = 1
            for k in range(3):
                x += k
            return [y for y in range(x)], (lambda y: y)(x)
    ''',
}


@pytest.mark.parametrize('name', sorted(ALWAYS_ASSIGNED))
def test_reads_that_are_always_assigned_stay_plain(name):
    f = make_function(textwrap.dedent(ALWAYS_ASSIGNED[name]))
    assert 'ag__.ld' not in ag.to_code(f)
    g = ag.to_graph(f)
    for arg in (0, 3, 7, 12) if name != 'for_else_with_break' else ([1, 5], [1]):
        assert g(arg) == f(arg)


def test_generated_code_shape():
    f = make_function(textwrap.dedent(CASES['assigned_in_one_branch'][0]))
    assert ag.to_code(f) == textwrap.dedent('''\
        def f(x):
            y = ag__.Undefined('y')
            def if_true(y):
                y = x
                return y
            y = ag__.if_stmt(x > 0, if_true, None, (y,), ('y',))
            return ag__.ld(y)''')
    f = make_function(textwrap.dedent(CASES['use_after_del'][0]))
    assert ag.to_code(f).splitlines()[-2:] == ["    y = ag__.Undefined('y')",
                                                '    return ag__.ld(y)']


def test_only_the_reads_that_may_be_unassigned_are_wrapped():
    f = make_function(textwrap.dedent('''
        def f(x):
            if x > 0:
                y = x
            z = x * 2
            if x > 1:
                y = y + z
            return y, z
    '''))
    code = ag.to_code(f)
    assert code.count('ag__.ld(') == 2, code     # `y + z` and the return; never z
    assert 'ag__.ld(y) + z' in code and 'return ag__.ld(y), z' in code


def test_nested_function_definitions():
    f = make_function(textwrap.dedent('''
        def f(x):
            if x > 0:
                y = x
            def g(k=y):
                return k + 1
            return g()
    '''))
    assert 'def g(k=ag__.ld(y)):' in ag.to_code(f)
    g = ag.to_graph(f)
    assert g(2) == f(2) == 3
    with pytest.raises(UnboundLocalError):
        f(-1)
    with pytest.raises(UnboundLocalError):
        g(-1)


def test_ld_operator():
    assert ag__.ld(3) == 3
    marker = object()
    assert ag__.ld(marker) is marker
    t = ag.constant([1.0])
    assert ag__.ld(t) is t
    with pytest.raises(UnboundLocalError, match="local variable 'q'") as info:
        ag__.ld(ag__.Undefined('q'))
    assert type(info.value) is UnboundLocalError     # exactly what Python raises


def test_graph_mode_still_reports_the_branch_that_leaves_it_unassigned():
    f = make_function(textwrap.dedent(CASES['assigned_in_one_branch'][0]))
    with pytest.raises(UnboundLocalError, match="'y'"):
        ag.function(f)(ag.constant(1))


def test_module_conversion_wraps_the_same_reads():
    text = api.convert_module_source(textwrap.dedent(CASES['loop_that_may_not_run'][0]), 'm.py')
    assert 'return ag__.ld(last)' in text
