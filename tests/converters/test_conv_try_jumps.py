# ruff: noqa: B012, F821, F841  (the test programs do what these rules warn about, on purpose)
"""`try` statements with jumps in every clause, and `except ... as e` unbinding `e`.

Each function runs as the original and converted on the same Python values: same value (and
type), or the same exception type; `compile` of the generated code never fails.
"""
import pytest

import autograph as ag


def outcome(f, *args):
    try:
        v = f(*args)
    except Exception as e:     # noqa: BLE001 - the exception type is the outcome
        return ('raise', type(e))
    return ('value', v, type(v))


def same(f, *args):
    want = outcome(f, *args)
    got = outcome(ag.to_graph(f), *args)
    assert got == want, (f.__name__, args, want, got)
    return want


# -- else: runs only when the body neither raised nor jumped --------------------------------

def else_after_return(x):
    try:
        if x:
            return 'early'
    except KeyError:
        pass
    else:
        return 'else'
    return 'end'


def else_after_break(n):
    out = []
    for i in range(n):
        try:
            if i == 1:
                break
        except KeyError:
            pass
        else:
            out.append(i)
    return out


def else_after_continue(n):
    out = []
    for i in range(n):
        try:
            if i % 2:
                continue
            out.append(i)
        except KeyError:
            out.append(-1)
        else:
            out.append(100 + i)
        out.append(1000 + i)
    return out


def else_after_unconditional_return(x):
    try:
        return x
    except KeyError:
        pass
    else:
        x = 'else'
    return x


def else_after_continue_with_returning_finally(n):
    log = []
    c = 0
    while c < 2:
        c += 1
        try:
            if n:
                continue
            log.append('body')
        except LookupError:
            pass
        else:
            log.append('else')
        finally:
            return log
    return 'end'


@pytest.mark.parametrize('f,args', [
    (else_after_continue_with_returning_finally, (1,)),
    (else_after_continue_with_returning_finally, (0,)),
    (else_after_return, (1,)), (else_after_return, (0,)), (else_after_break, (3,)),
    (else_after_continue, (4,)), (else_after_unconditional_return, (5,)),
])
def test_else_clause_skipped_after_a_jump(f, args):
    same(f, *args)


# -- finally: its jumps override, swallow exceptions; its exceptions cancel jumps -------------

def conditional_return_in_finally(x):
    try:
        x = x + 1
    finally:
        if x > 1:
            return 'fin'
    return x


def conditional_return_in_finally_loop(n):
    s = 0
    for i in range(n):
        try:
            s += i
        finally:
            if s > 2:
                return 'fin%d' % s
    return s


def return_in_finally_overrides_return(x):
    try:
        return 'try'
    finally:
        if x:
            return 'fin'


def return_in_finally_swallows(x):
    try:
        raise ValueError(x)
    finally:
        return 'swallowed'


def conditional_return_in_finally_may_swallow(x):
    try:
        if x > 0:
            raise ValueError(x)
    finally:
        if x > 1:
            return 'swallowed'
    return 'end'


def break_in_finally_swallows(n):
    s = 0
    for i in range(n):
        try:
            s += 1
            raise KeyError(i)
        finally:
            break
    return s


def break_in_finally_overrides_return(n):
    for i in range(n):
        try:
            return 'try'
        finally:
            if i == 0:
                break
    return 'after loop'


def continue_in_finally(n):
    s = 0
    for i in range(n):
        try:
            s += i
        finally:
            if i == 2:
                continue
        s += 100
    return s


def continue_in_finally_overrides_break(n):
    s = 0
    for i in range(n):
        try:
            if i < 3:
                break
        finally:
            continue
        s += 100
    return s + i


def continue_in_finally_overrides_return(n):
    s = []
    while len(s) < n:
        try:
            s.append(len(s))
            return s
        finally:
            if len(s) < 3:
                continue
    return 'end'


def continue_in_finally_swallows(n):
    s = 0
    for i in range(n):
        try:
            raise ValueError(i)
        finally:
            s += i
            continue
    return s


def finally_raise_cancels_return(x):
    try:
        try:
            return 'try'
        finally:
            if x:
                raise KeyError(x)
    except KeyError:
        pass
    return 'after'


def finally_without_jumps_keeps_return(x):
    log = []
    try:
        if x:
            return log
        log.append('body')
    finally:
        log.append('fin')
    log.append('end')
    return log


def return_in_finally_of_nested_loop(n):
    for i in range(n):
        for j in range(n):
            try:
                if j == 1:
                    break
            finally:
                if i == 1:
                    return (i, j)
    return 'end'


def finally_in_handler_with_jump(n):
    out = []
    for i in range(n):
        try:
            raise KeyError(i)
        except KeyError:
            try:
                if i == 1:
                    continue
            finally:
                out.append(i)
        out.append(-i)
    return out


@pytest.mark.parametrize('f,args', [
    (conditional_return_in_finally, (0,)), (conditional_return_in_finally, (1,)),
    (conditional_return_in_finally_loop, (4,)), (conditional_return_in_finally_loop, (2,)),
    (return_in_finally_overrides_return, (0,)), (return_in_finally_overrides_return, (1,)),
    (return_in_finally_swallows, (1,)),
    (conditional_return_in_finally_may_swallow, (0,)),
    (conditional_return_in_finally_may_swallow, (1,)),
    (conditional_return_in_finally_may_swallow, (2,)),
    (break_in_finally_swallows, (3,)), (break_in_finally_overrides_return, (3,)),
    (continue_in_finally, (4,)), (continue_in_finally_overrides_break, (5,)),
    (continue_in_finally_overrides_return, (5,)), (continue_in_finally_swallows, (4,)),
    (finally_raise_cancels_return, (0,)), (finally_raise_cancels_return, (1,)),
    (finally_without_jumps_keeps_return, (0,)), (finally_without_jumps_keeps_return, (1,)),
    (return_in_finally_of_nested_loop, (3,)), (finally_in_handler_with_jump, (3,)),
])
def test_finally_with_jumps(f, args):
    same(f, *args)


def test_generated_code_compiles_and_reads_as_a_moved_clause():
    code = ag.to_code(continue_in_finally)
    compile(code, '<test>', 'exec')
    assert 'finally:' not in code and 'raise pending_exc' in code, code


# -- except E as e: `e` is unbound after the handler --------------------------------------

def handler_name_read_after_loop(n):
    for i in range(n):
        try:
            raise KeyError(i)
        except KeyError as e:
            pass
    try:
        return e
    except NameError as err:
        return type(err).__name__


def handler_name_read_after_loop_with_break(n):
    while True:
        try:
            raise KeyError(n)
        except KeyError as e:
            if n:
                break
            n += 1
    try:
        return e
    except UnboundLocalError:
        return 'unbound'


def handler_name_used_inside(n):
    out = []
    for i in range(n):
        try:
            raise KeyError(i)
        except KeyError as e:
            out.append(e.args[0])
    e = 'rebound'
    out.append(e)
    return out


@pytest.mark.parametrize('f,args', [
    (handler_name_read_after_loop, (2,)), (handler_name_read_after_loop, (0,)),
    (handler_name_read_after_loop_with_break, (1,)),
    (handler_name_read_after_loop_with_break, (0,)), (handler_name_used_inside, (3,)),
])
def test_handler_name_is_unbound_after_the_handler(f, args):
    same(f, *args)


def test_unbound_read_raises_from_the_users_line():
    def f(n):
        for i in range(n):
            try:
                raise KeyError(i)
            except KeyError as e:
                pass
        return e
    with pytest.raises(UnboundLocalError) as info:
        ag.to_graph(f)(2)
    assert type(info.value) is UnboundLocalError
    user = [e for e in info.traceback if str(e.frame.code.path) == __file__]
    assert 'return e' in str(user[-1].statement), user[-1]


# -- an exception leaving a branch or loop body keeps what the body assigned ---------------

def loop_assigns_then_raises(n):
    x = 0
    try:
        for i in range(n):
            x = i
            if i == 1:
                raise ValueError(i)
    except ValueError:
        pass
    return x


def branch_assigns_then_raises(n):
    x = 0
    try:
        if n:
            x = 5
            raise ValueError(n)
    except ValueError:
        pass
    return x


def finally_sees_loop_assignment(n):
    log = []
    x = 0
    try:
        try:
            while x < n:
                x += 1
                if x == 2:
                    raise KeyError(x)
        finally:
            log.append(x)
    except KeyError:
        pass
    return log


def walrus_in_nested_if_test(a):
    log = []
    try:
        if a:
            if (w := a + 1) > 5:
                a = 0
            return a
    finally:
        log.append(w if a else None)
    return log


@pytest.mark.parametrize('f,args', [
    (walrus_in_nested_if_test, (1,)), (walrus_in_nested_if_test, (0,)),
    (loop_assigns_then_raises, (3,)), (loop_assigns_then_raises, (1,)),
    (branch_assigns_then_raises, (1,)), (branch_assigns_then_raises, (0,)),
    (finally_sees_loop_assignment, (3,)),
])
def test_exception_leaving_a_body_keeps_its_assignments(f, args):
    same(f, *args)


def finally_reads_what_the_body_did_not_assign(n, d):
    c = 0
    while c < 2:
        c += 1
        try:
            v = d[n]
        finally:
            d[v if n else 0] = 1
    return v


@pytest.mark.parametrize('args', [(5, {1: 1}), (1, {1: 1})])
def test_finally_read_after_an_exception_skipped_the_assignment(args):
    same(finally_reads_what_the_body_did_not_assign, args[0], dict(args[1]))
