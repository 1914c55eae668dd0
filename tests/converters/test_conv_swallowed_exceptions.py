# ruff: noqa: B007, B012, B018, B904, F821, F841  (the programs do this on purpose)
"""An exception that leaves a converted body and is then swallowed (by a `with` whose context
manager suppresses it, by a handler, by a `finally:` jump) must leave exactly the bindings
Python leaves: what the body already assigned, and no `except ... as e` name.

Each function runs as the original and converted on the same Python values: same value (and
type), or the same exception type.
"""
import contextlib

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


class Swallow:
    """A context manager of the user's own that suppresses every exception."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


# -- a suppressing `with` keeps what the body assigned before the exception ---------------

def branch_in_suppress(x):
    r = 0
    with contextlib.suppress(ValueError):
        if x:
            r = 1
            raise ValueError
    return r


def for_in_suppress(n):
    r = 0
    with contextlib.suppress(ValueError):
        for i in range(n):
            r += 1
            if i == 1:
                raise ValueError
    return r


def while_in_suppress(n):
    r = 0
    with contextlib.suppress(ValueError):
        while r < n:
            r += 1
            if r == 2:
                raise ValueError
    return r


def branch_in_own_manager(x):
    r = 'before'
    with Swallow():
        if x:
            r = 'assigned'
            r.missing_attribute
    return r


def nested_branch_in_loop_in_with(n):
    r = []
    k = 0
    with Swallow():
        for i in range(n):
            if i > 1:
                k = i
                raise KeyError(i)
    return k


def with_inside_a_loop(n):
    out = []
    for i in range(n):
        v = -1
        with contextlib.suppress(IndexError):
            if i % 2:
                v = i
                [][i]
        out.append(v)
    return out


def with_in_nested_function(x):
    def inner():
        r = 0
        with contextlib.suppress(ValueError):
            if x:
                r = 1
                raise ValueError
        return r
    return inner()


def return_in_for_else_in_with(a):
    with contextlib.suppress(IndexError):
        for i in range(2):
            [][a]
        else:
            if a < 0:
                return 'else'
    return [][a]


def return_in_suppress_then_code_after(a):
    with contextlib.suppress(IndexError):
        return [][a]
    return 'after'


def return_in_suppress_falls_off_the_end(a):
    with contextlib.suppress(IndexError):
        return [][a]


def break_in_suppress_in_loop(n):
    out = []
    for i in range(n):
        with contextlib.suppress(IndexError):
            out.append(i)
            [][i - 1]
            break
        out.append('fell')
    return out


@pytest.mark.parametrize('f,args', [
    (return_in_suppress_then_code_after, (1,)), (return_in_suppress_falls_off_the_end, (1,)),
    (break_in_suppress_in_loop, (3,)), (break_in_suppress_in_loop, (0,)),
    (branch_in_suppress, (1,)), (branch_in_suppress, (0,)),
    (for_in_suppress, (5,)), (for_in_suppress, (1,)),
    (while_in_suppress, (5,)), (while_in_suppress, (1,)),
    (branch_in_own_manager, (1,)), (branch_in_own_manager, (0,)),
    (nested_branch_in_loop_in_with, (4,)), (nested_branch_in_loop_in_with, (1,)),
    (with_inside_a_loop, (4,)), (with_in_nested_function, (1,)),
    (return_in_for_else_in_with, (1,)), (return_in_for_else_in_with, (-1,)),
])
def test_suppressing_with_keeps_the_bodys_assignments(f, args):
    same(f, *args)


# -- `except E as e` is unbound however the handler ends -----------------------------------

def handler_left_by_raise():
    out = []
    try:
        try:
            raise ValueError(1)
        except ValueError as e:
            raise KeyError
    except KeyError:
        out.append(repr(e))
    return out


def handler_left_by_raise_in_branch(x):
    out = []
    try:
        try:
            raise ValueError(1)
        except ValueError as e:
            if x:
                raise KeyError
    except KeyError:
        pass
    out.append(repr(e))
    return out


def handler_left_by_raise_suppressed_by_with():
    with contextlib.suppress(KeyError):
        try:
            raise ValueError(1)
        except ValueError as e:
            raise KeyError
    return e


def handler_left_by_raise_in_loop(n):
    out = []
    for i in range(n):
        try:
            try:
                raise ValueError(i)
            except ValueError as e:
                raise KeyError(i)
        except KeyError:
            pass
        try:
            out.append(e)
        except UnboundLocalError:
            out.append('unbound')
    return out


def handler_left_by_raise_in_finally_read():
    log = []
    try:
        try:
            raise ValueError(1)
        except ValueError as e:
            raise KeyError
        finally:
            try:
                log.append(repr(e))
            except UnboundLocalError:
                log.append('unbound')
    except KeyError:
        pass
    return log


def handler_name_rebound_elsewhere(x):
    e = 'old'
    try:
        try:
            raise ValueError(1)
        except ValueError as e:
            if x:
                raise KeyError
    except KeyError:
        pass
    return e


@pytest.mark.parametrize('f,args', [
    (handler_left_by_raise, ()), (handler_left_by_raise_in_branch, (1,)),
    (handler_left_by_raise_in_branch, (0,)), (handler_left_by_raise_suppressed_by_with, ()),
    (handler_left_by_raise_in_loop, (3,)), (handler_left_by_raise_in_finally_read, ()),
    (handler_name_rebound_elsewhere, (1,)), (handler_name_rebound_elsewhere, (0,)),
])
def test_handler_name_is_unbound_when_an_exception_leaves_the_handler(f, args):
    same(f, *args)


# -- a `finally:` clause moved into a branch function reads the values the body left -------

def finally_with_return_then_nested_try(a, log):
    v = 1
    try:
        pass
    finally:
        if a < 0:
            return 0
    try:
        x = (1,) + a
        v = 2
    finally:
        log.append(v)
    return v


def test_finally_in_branch_reads_the_old_value():
    for a in ((2,), -1, 3):
        log_py, log_ag = [], []
        want = outcome(finally_with_return_then_nested_try, a, log_py)
        got = outcome(ag.to_graph(finally_with_return_then_nested_try), a, log_ag)
        assert (got, log_ag) == (want, log_py), a


# -- on graph tensors: the bodies inside a `with` or `try` still stage ---------------------

class Quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def tensor_loop_appends_in_with(n):
    out = []
    with Quiet():
        for i in ag.range(n):
            out.append(i * 2)
    return ag.stack(out)


def tensor_loop_appends_in_try(n):
    out = []
    try:
        for i in ag.range(n):
            out.append(i * 2)
    except KeyError:
        pass
    return ag.stack(out)


def tensor_branch_and_loops_in_with(x):
    r = x * 0
    with Quiet():
        if x > 0:
            r = x + 1
        s = 0.0
        for _ in ag.range(x):
            s += 1.0
        while r < 10:
            r += 1
    return r * 10 + ag.cast(s, ag.int32)


def tensor_return_in_with(x):
    with Quiet():
        if x > 0:
            return x * 2
    return -x


def tensor_return_always_in_with(x):
    with Quiet():
        if x > 0:
            return x * 2
        return -x


def tensor_dead_branch_value_in_with(x):
    with Quiet():
        if x > 0:
            y = x + 1
        y = x * 5
    return y


def tensor_dead_branch_value_in_try(x):
    try:
        if x > 0:
            y = x + 1
        y = x * 5
    except ValueError:
        y = 0
    return y


def tensor_dead_loop_temporary_in_with(x):
    z = x
    with Quiet():
        for i in ag.range(x):
            tmp = i * 2
            z = z + tmp
        tmp = 0
    return z + tmp


@pytest.mark.parametrize('f,x', [
    (tensor_dead_branch_value_in_with, 3), (tensor_dead_branch_value_in_with, -3),
    (tensor_dead_branch_value_in_try, 3), (tensor_dead_loop_temporary_in_with, 3),
    (tensor_return_in_with, 3), (tensor_return_in_with, -3),
    (tensor_return_always_in_with, 3), (tensor_return_always_in_with, -3),
    (tensor_loop_appends_in_with, 3), (tensor_loop_appends_in_try, 3),
    (tensor_branch_and_loops_in_with, 3), (tensor_branch_and_loops_in_with, -3),
])
def test_staged_bodies_inside_with_and_try(f, x):
    want = f(ag.constant(x)).numpy().tolist()
    got = ag.function(f)(ag.constant(x)).numpy().tolist()
    assert got == want


def while_body_finally_reads_the_previous_value(n, log):
    v = 0
    k = 0
    while k < n:
        k += 1
        try:
            if k == 2:
                k + 'x'
            v = k
        finally:
            log.append(v)
    return k


def for_body_finally_reads_the_previous_value(items, log):
    v = 'start'
    for a in items:
        try:
            x = (1,) + a
            v = x
        finally:
            log.append(v)


def branch_finally_in_nested_function(a, log):
    def inner():
        v = 1
        if a:
            try:
                x = (1,) + a
                v = 2
            finally:
                log.append(v)
    return inner()


@pytest.mark.parametrize('f,args', [
    (while_body_finally_reads_the_previous_value, (4,)),
    (while_body_finally_reads_the_previous_value, (1,)),
    (for_body_finally_reads_the_previous_value, ([(2,), 3],)),
    (for_body_finally_reads_the_previous_value, ([(2,)],)),
    (branch_finally_in_nested_function, (3,)), (branch_finally_in_nested_function, ((3,),)),
])
def test_finally_in_a_body_reads_what_an_exception_left(f, args):
    log_py, log_ag = [], []
    want = outcome(f, *args, log_py)
    got = outcome(ag.to_graph(f), *args, log_ag)
    assert (got, log_ag) == (want, log_py), (f.__name__, args)


# -- after a `with` that may have suppressed an exception, the body's later assignments
#    may not have run ------------------------------------------------------------------------


def overwritten_later_in_with(x):
    r = 0
    with contextlib.suppress(ValueError):
        if x:
            r = 1
            raise ValueError
        r = 5
    return r


def overwritten_later_in_try(x):
    r = 0
    try:
        if x:
            r = 1
            raise ValueError
        r = 5
    except ValueError:
        pass
    return r


def assigned_in_with_then_staged_if(c):
    with contextlib.suppress(ZeroDivisionError):
        y = 1 // 0
    if c:
        y = 2
    return y


def return_in_with_then_code_after(a, log):
    with contextlib.suppress(UnboundLocalError):
        if a < 7:
            pass
        x0 += 1
        return 'ret'
    log.append('after')
    return 'end'


def read_after_with_in_expression(a):
    with contextlib.suppress(ZeroDivisionError):
        x = 1 // a
    return (x if a else -1) if a is not None else 0


@pytest.mark.parametrize('f,args', [
    (overwritten_later_in_with, (1,)), (overwritten_later_in_with, (0,)),
    (overwritten_later_in_try, (1,)), (overwritten_later_in_try, (0,)),
    (assigned_in_with_then_staged_if, (1,)), (assigned_in_with_then_staged_if, (0,)),
    (read_after_with_in_expression, (0,)), (read_after_with_in_expression, (2,)),
])
def test_with_may_skip_the_rest_of_its_body(f, args):
    same(f, *args)


def test_return_in_with_then_code_after():
    log_py, log_ag = [], []
    want = outcome(return_in_with_then_code_after, 1, log_py)
    got = outcome(ag.to_graph(return_in_with_then_code_after), 1, log_ag)
    assert (got, log_ag) == (want, log_py)
