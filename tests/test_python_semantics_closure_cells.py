"""Reads of closure cells (variables a nested function reads) that may be unassigned.

In Python a variable of `f` that a nested function reads lives in a cell. Read by `f` itself
while it has no value (never assigned on the path taken, or deleted), it raises
UnboundLocalError ("cannot access local variable"); read by the nested function, NameError
("cannot access free variable ... in enclosing scope"). Converted code moves `f`'s read into a
branch or loop body (a function of its own), so the cell is a free variable there: without
care it raised the nested function's NameError for `f`'s own read. Each case compares the
exception type and message (or the value) with CPython, for several arguments.
"""
import pytest

import autograph as ag
from source_helpers import make_function

CASES = {
    # never assigned on the path taken, read by f in a branch / loop / while body
    'if_read': '''
        def f(c):
            try:
                pass
            except IndexError:
                v = 1
            def rd():
                return v
            if c:
                y = v
            return 0
    ''',
    'for_read': '''
        def f(c):
            if c > 5:
                v = 1
            def rd():
                return v
            for i in range(c):
                y = v + i
            return 0
    ''',
    'while_read': '''
        def f(c):
            while c > 1:
                c -= 1
                v = c
            def rd():
                return v
            while c > 0:
                c -= 1
                y = v
            return rd()
    ''',
    'ternary_read': '''
        def f(c):
            if c > 2:
                v = 1
            rd = lambda: v
            return v if c else 0
    ''',
    'lambda_if_read': '''
        def f(c):
            if c > 2:
                v = 1
            rd = lambda: v
            if c:
                return v
            return 0
    ''',
    'lambda_loop_read': '''
        def f(c):
            for i in range(c - 1):
                v = i
            rd = lambda: v
            while c > 0:
                c -= 1
                w = v
            return rd()
    ''',
    'and_or_read': '''
        def f(c):
            if c > 2:
                v = 1
            def rd():
                return v
            return c and v
    ''',
    # deleted, then read by f in a branch or loop, or by the nested function
    'del_if_read': '''
        def f(c):
            x = 1
            def g():
                return x
            del x
            if c:
                return x
            return 0
    ''',
    'del_for_read': '''
        def f(c):
            x = 1
            g = lambda: x
            del x
            for i in range(c):
                i += x
            return 0
    ''',
    'del_in_branch_then_nested_read': '''
        def f(c):
            x = 1
            def g():
                return x
            if c:
                del x
            return g()
    ''',
    'del_in_branch_then_own_read': '''
        def f(c):
            x = 1
            def g():
                return x
            if c:
                del x
            return x + 1, g()
    ''',
    'del_unassigned_in_branch': '''
        def f(c):
            def g():
                return x
            if c:
                del x
            x = 1
            return g()
    ''',
    'del_unassigned_in_loop': '''
        def f(c):
            def g():
                return x
            for i in range(c):
                if i > 0:
                    x = i
                del x
            return 0
    ''',
    'del_then_reassigned_in_loop': '''
        def f(c):
            x = 0
            def g():
                return x
            for i in range(c):
                del x
                x = i
            return g()
    ''',
    'caught_in_f': '''
        def f(c):
            if c > 2:
                v = 1
            def rd():
                return v
            out = []
            for i in range(c):
                try:
                    out.append(v)
                except NameError as e:
                    out.append(type(e).__name__ + ': ' + str(e))
            try:
                out.append(rd())
            except NameError as e:
                out.append(type(e).__name__ + ': ' + str(e))
            return out
    ''',
    # `del` of a nonlocal: the cell of the enclosing function is emptied (no placeholder)
    'nonlocal_del_then_own_read': '''
        def f(c):
            x = 1
            def g():
                nonlocal x
                if c:
                    del x
                return 5
            g()
            return x
    ''',
    'nonlocal_del_then_nested_read': '''
        def f(c):
            x = 1
            def g():
                nonlocal x
                if c:
                    del x
                return x
            def h():
                return x
            try:
                return g()
            except NameError as e:
                return str(e), h() if c == 0 else -1
    ''',
    # the nested function writes the cell it reads: `x += 1`, `del x` of an emptied cell
    'nested_aug_assign_after_del': '''
        def f(c):
            x = 0
            def inc():
                nonlocal x
                x += 1
                return x
            inc()
            if c:
                del x
            try:
                inc()
            except NameError as e:
                return type(e).__name__, str(e)
            return x
    ''',
    'nested_del_after_del': '''
        def f(c):
            x = 0
            def g():
                nonlocal x
                del x
            if c > 1:
                del x
            try:
                g()
            except NameError as e:
                return type(e).__name__, str(e)
            return 0
    ''',
    'nested_reads_in_branch': '''
        def f(c):
            if c > 2:
                v = 1
            def rd():
                if c:
                    return v
                return 0
            if c:
                return rd()
            return -1
    ''',
    'two_levels': '''
        def f(c):
            if c > 2:
                v = 1
            def g():
                def h():
                    return v
                if c:
                    return h()
                return 0
            if c:
                w = v
            return g()
    ''',
}


def _outcome(fn, *args):
    try:
        return 'value', fn(*args)
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        return type(e).__name__, str(e)


@pytest.mark.parametrize('name', sorted(CASES))
def test_closure_cell_reads_like_python(name):
    original = make_function(CASES[name], 'f')
    converted = ag.to_graph(original)
    for c in (0, 1, 3):
        assert _outcome(converted, c) == _outcome(original, c), (name, c)


def test_own_read_is_unbound_local_and_nested_read_is_name_error():
    original = make_function(CASES['caught_in_f'], 'f')
    out = ag.to_graph(original)(1)
    assert out == [
        "UnboundLocalError: cannot access local variable 'v' where it is not associated"
        " with a value",
        "NameError: cannot access free variable 'v' where it is not associated with a value"
        " in enclosing scope"]


def test_cell_read_on_tensors_still_stages():
    original = make_function('''
        def f(x):
            def g():
                return y * 2
            y = x
            if x > 0:
                del y
                y = x + 1
            return g()
    ''', 'f')
    traced = ag.function(original)
    assert int(traced(ag.constant(3))) == 8 and int(traced(ag.constant(-3))) == -6
