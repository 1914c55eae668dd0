"""Generators iterated by converted loops are finalised when Python finalises them.

A Python `for` that an exception leaves drops its iterator at once, so a generator it was
iterating (and nothing else holds) runs its `finally:` before any handler of the exception;
a `break` or `return` drops it before the code after the loop. The converted loop must not
keep the generator alive longer (a traceback keeps the frames of the loop helper): the log
of the generator's steps, its `finally:` and the handler is compared with CPython's.
"""
import pytest

import autograph as ag
from source_helpers import make_function

PRELUDE = '''
LOG = []

def gen(n):
    try:
        for i in range(n):
            LOG.append(('yield', i))
            yield i
    finally:
        LOG.append('gen-finally')
'''

CASES = {
    'exception_from_body': '''
        def f(n, k):
            try:
                for v in gen(n):
                    if v == k:
                        raise ValueError(v)
            except ValueError:
                LOG.append('handler')
            return 0
    ''',
    'exception_with_break': '''
        def f(n, k):
            try:
                for v in gen(n):
                    if v == k + 1:
                        break
                    if v == k:
                        raise ValueError(v)
            except ValueError:
                LOG.append('handler')
            return 0
    ''',
    'exception_with_state': '''
        def f(n, k):
            total = 0
            try:
                for v in gen(n):
                    total += v
                    if v == k:
                        raise KeyError(v)
            except KeyError:
                LOG.append(('handler', total))
            return total
    ''',
    'exception_through_zip': '''
        def f(n, k):
            try:
                for a, b in zip(gen(n), range(n)):
                    if a == k:
                        raise ValueError(a)
            except ValueError:
                LOG.append('handler')
            return 0
    ''',
    'exception_in_nested_loop': '''
        def f(n, k):
            try:
                for i in range(2):
                    for v in gen(n):
                        if v == k and i:
                            raise ValueError(v)
                    LOG.append(('outer', i))
            except ValueError:
                LOG.append('handler')
            return 0
    ''',
    'exception_uncaught': '''
        def f(n, k):
            for v in gen(n):
                if v == k:
                    raise ValueError(v)
            return 0
    ''',
    'break_then_code': '''
        def f(n, k):
            for v in gen(n):
                if v == k:
                    break
            LOG.append('after')
            return v
    ''',
    'return_in_loop': '''
        def f(n, k):
            def g():
                for v in gen(n):
                    if v == k:
                        return v
                return -1
            r = g()
            LOG.append('after')
            return r
    ''',
}


def _run(fn, ns, *args):
    del ns['LOG'][:]
    try:
        out = 'value', fn(*args)
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        out = type(e).__name__, str(e)
    return out, list(ns['LOG'])


@pytest.mark.parametrize('name', sorted(CASES))
def test_generator_finalised_like_python(name):
    ns = {}
    import textwrap
    source = PRELUDE + textwrap.dedent(CASES[name])
    original = make_function(source, 'f', namespace=ns)
    ns = original.__globals__
    converted = ag.to_graph(original)
    for args in ((4, 1), (3, 9), (0, 0)):
        assert _run(converted, ns, *args) == _run(original, ns, *args), (name, args)



def test_the_exception_is_freed_when_its_handler_ends():
    # (the loop helper keeps no reference cycle through the traceback: without the garbage
    # collector the exception is gone right after its handler, as in Python)
    source = '''
import weakref

class Err(Exception):
    pass

def f(n):
    ref = None
    try:
        for v in range(n):
            if v == 1:
                raise Err(v)
    except Err as e:
        ref = weakref.ref(e)
    return ref() is None
'''
    import gc
    original = make_function(source, 'f')
    converted = ag.to_graph(original)
    gc.disable()
    try:
        assert original(3) is True
        assert converted(3) is True
    finally:
        gc.enable()
