"""What each converter does, seen through `to_code(fn, stage=NAME)`."""
import textwrap

import pytest

from autograph import api
from autograph.converters import pipeline
from conv_helpers import make_function


def code_after(stage, source):
    return api.to_code(make_function(source), stage=stage)


def check(stage, source, expected):
    assert code_after(stage, source) == textwrap.dedent(expected).strip()


def test_stage_names_are_the_pipeline():
    assert api.STAGES == pipeline.STAGES
    assert api.STAGES[0] == 'unsupported' and api.STAGES[-1] == 'variables'
    with pytest.raises(ValueError) as info:
        code_after('nope', 'def f():\n    pass\n')
    assert 'control_flow' in str(info.value)


def test_old_stage_name_is_still_accepted():
    source = 'def f(x):\n    while x > 0:\n        x -= 1\n    return x\n'
    assert 'functions' not in api.STAGES
    assert code_after('functions', source) == code_after('unsupported', source)
    assert 'while x > 0' in code_after('functions', source)
    assert (api.convert_module_source(source, 'm.py', stage='functions') ==
            api.convert_module_source(source, 'm.py', stage='unsupported'))


def test_break_becomes_flag_and_loop_test():
    check('break_statements', '''
        def f(n):
            while n > 0:
                if n == 3:
                    break
                n -= 1
            return n
    ''', '''
        def f(n):
            break_ = False
            while not break_ and n > 0:
                if n == 3:
                    break_ = True
                else:
                    n -= 1
            return n
    ''')


def test_loop_else_runs_when_no_break():
    check('break_statements', '''
        def f(xs):
            for x in xs:
                if x:
                    break
            else:
                x = None
            return x
    ''', '''
        def f(xs):
            break_ = False
            for x in xs:
                if x:
                    break_ = True
            if not break_:
                x = None
            return x
    ''')
    check('break_statements', '''
        def f(n):
            while n:
                n -= 1
            else:
                n = 10
            return n
    ''', '''
        def f(n):
            while n:
                n -= 1
            n = 10
            return n
    ''')


def test_continue_becomes_structure():
    check('continue_statements', '''
        def f(xs):
            s = 0
            for x in xs:
                if x < 0:
                    continue
                s += x
            return s
    ''', '''
        def f(xs):
            s = 0
            for x in xs:
                if not x < 0:
                    s += x
            return s
    ''')


def test_continue_needs_a_flag_inside_with():
    check('continue_statements', '''
        def f(xs, ctx):
            for x in xs:
                with ctx:
                    if x:
                        continue
                    print(x)
                print(2)
    ''', '''
        def f(xs, ctx):
            for x in xs:
                continue_ = False
                with ctx:
                    if x:
                        continue_ = True
                    else:
                        print(x)
                if not continue_:
                    print(2)
    ''')


def test_return_in_branch_becomes_if_else():
    check('return_statements', '''
        def f(x):
            if x > 0:
                return x
            y = -x
            return y * 2
    ''', '''
        def f(x):
            if x > 0:
                retval_ = x
            else:
                y = -x
                retval_ = y * 2
            return retval_
    ''')


def test_return_in_loop_uses_flag():
    check('return_statements', '''
        def f(xs):
            for x in xs:
                if x > 3:
                    return x
            print('none')
            return -1
    ''', '''
        def f(xs):
            do_return = False
            for x in xs:
                if x > 3:
                    retval_ = x
                    do_return = True
            if not do_return:
                print('none')
                retval_ = -1
                do_return = True
            return retval_
    ''')


def test_return_falling_off_the_end_starts_as_none():
    check('return_statements', '''
        def f(x):
            """Doc."""
            if x:
                return 1
            print(x)
    ''', '''
        def f(x):
            """Doc."""
            retval_ = None
            if x:
                retval_ = 1
            else:
                print(x)
            return retval_
    ''')


def test_single_final_return_is_left_alone():
    source = '''
        def f(x):
            y = x + 1
            return y
    '''
    check('return_statements', source, source)


def test_lists():
    check('lists', '''
        def f(n):
            out = []
            for i in range(n):
                out.append(i)
            last = out.pop()
            out.pop(0)
            return out, last
    ''', '''
        def f(n):
            out = []
            for i in range(n):
                out = ag__.list_append(out, i)
            out, last = ag__.list_pop(out)
            out, _ = ag__.list_pop(out, 0)
            return out, last
    ''')


def test_asserts():
    check('asserts', '''
        def f(x):
            assert x > 0, 'bad %d' % x
            assert x
    ''', '''
        def f(x):
            ag__.assert_stmt(x > 0, lambda: 'bad %d' % x)
            ag__.assert_stmt(x, None)
    ''')


def test_conditional_and_logical_expressions():
    check('logical_expressions', '''
        def f(a, b, c):
            return (a if b and c else not a), a < b <= c, a or b or c
    ''', '''
        def f(a, b, c):
            return ag__.if_exp(ag__.and_test(lambda: b, lambda: c), lambda: a, lambda: ag__.not_(a)), ag__.and_(lambda: a < b, lambda: b <= c), ag__.or_(lambda: a, lambda: b, lambda: c)
    ''')


def test_chained_comparison_evaluates_each_operand_once():
    check('logical_expressions', '''
        def f(a, g, c, d):
            return a() < g() < c < d()
    ''', '''
        def f(a, g, c, d):
            return (lambda cmp: (lambda cmp_1: ag__.and_(lambda: cmp < cmp_1, lambda: ag__.and_(lambda: cmp_1 < c, lambda: c < d())))(g()))(a())
    ''')


def test_call_trees():
    check('call_trees', '''
        def f(x, *a, **k):
            g(x, *a, y=1, **k)
            super().method()
            return h(x)(len(a))
    ''', '''
        def f(x, *a, **k):
            ag__.converted_call_kw(g, (x, *a))(y=1, **k)
            ag__.converted_call(super(__class__, x).method, (), None)
            return ag__.converted_call(ag__.converted_call(h, (x,), None), (ag__.converted_call(len, (a,), None),), None)
    ''')


def test_control_flow_and_variables():
    source = '''
        def f(x):
            if x > 0:
                y = x
            else:
                y = 0
            while x > 0:
                x -= 1
            return y
    '''
    check('control_flow', source, '''
        def f(x):
            def if_true(y):
                y = x
                return y
            def if_false(y):
                y = 0
                return y
            y = ag__.if_stmt(x > 0, if_true, if_false, (y,), ('y',))
            def loop_test(x):
                return x > 0
            def loop_body(x):
                x -= 1
                return x
            x = ag__.while_stmt(loop_test, loop_body, (x,), ('x',))
            return y
    ''')
    assert code_after('variables', source).splitlines()[1] == "    y = ag__.Undefined('y')"


def test_variables_placeholder_goes_to_the_top_when_some_paths_define():
    check('variables', '''
        def f(x, g):
            try:
                y = g()
            except ValueError:
                pass
            if x:
                y = 1
            return y
    ''', '''
        def f(x, g):
            y = ag__.Undefined('y')
            try:
                y = ag__.converted_call(g, (), None)
            except ValueError:
                pass
            def if_true(y):
                y = 1
                return y
            y = ag__.if_stmt(x, if_true, None, (y,), ('y',))
            return ag__.ld(y)
    ''')


def test_dead_temporaries_stay_local_and_read_only_names_are_closed_over():
    code = code_after('control_flow', '''
        def f(x, k):
            for i in range(x):
                t = i * k
                x = t
            return x
    ''')
    assert 'def loop_body(i, x):' in code
    assert "x = ag__.for_stmt(ag__.converted_call(range, (x,), None), None, loop_body, (x,), ('x',))" in code


def test_for_target_live_after_loop_is_state():
    code = code_after('variables', '''
        def f(xs):
            for x in xs:
                pass
            return x
    ''')
    assert 'def loop_body(itr, x):' in code and '        x = itr' in code
    assert "x = ag__.Undefined('x')" in code


def test_recursive_false_keeps_calls():
    f = make_function('''
        def f(x):
            if x:
                x = g(x)
            return x
    ''', namespace={'g': abs})
    code = api.to_code(f, recursive=False)
    assert 'converted_call' not in code and 'g(x)' in code
    assert api.to_graph(f, recursive=False)(-3) == 3
