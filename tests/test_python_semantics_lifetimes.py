"""Converted code keeps no object alive longer than Python does through autograph's caches.

A function that cannot be converted (a generator function, say) is called unconverted, and
the failed conversion is remembered. The remembered error must not hold the frames of the
code that called it (a traceback does), or everything those frames hold (the caller's
variables: a generator whose `finally:` then never runs, a large array) lives as long as the
cache, and grows with each call.
"""
import gc
import warnings
import weakref

import autograph as ag
from source_helpers import make_function

SOURCE = '''
class Box:
    pass

def numbers(n):
    for i in range(n):
        yield i

def f(n):
    box = Box()
    REFS.append(weakref.ref(box))
    return sum(numbers(n))
'''


def _run(fn, n):
    gc.disable()
    try:
        assert fn(n) == n * (n - 1) // 2
        return [r() is None for r in fn.__globals__['REFS']]
    finally:
        gc.enable()


def test_a_failed_conversion_keeps_no_caller_frame():
    f = make_function(SOURCE, 'f', namespace={'weakref': weakref, 'REFS': []})
    converted = ag.to_graph(f)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        freed = [_run(converted, 3), _run(converted, 4)]     # the failure, then the cache
    # each call's variables are gone when it returns, as in Python (no garbage collector)
    assert freed == [[True], [True, True]]
    f.__globals__['REFS'][:] = []
    assert _run(f, 3) == [True]
