"""A `with` block's `__exit__` that raises after a `return`, `break` or `continue` inside the
block cancels the jump, as an exception raised in a `finally:` clause does: a handler in the
same function then continues after the block."""
import pytest

import autograph as ag
from source_helpers import make_function

PRELUDE = '''
LOG = []


class Cm:
    def __init__(self, name, fail=False, suppress=False):
        self.name, self.fail, self.suppress = name, fail, suppress

    def __enter__(self):
        LOG.append(('enter', self.name))
        return self

    def __exit__(self, kind, value, tb):
        LOG.append(('exit', self.name, kind and kind.__name__))
        if self.fail:
            raise KeyError(self.name)
        return self.suppress


'''

CASES = {
    'return': '''
        def f(x):
            try:
                with Cm('a', fail=x > 1):
                    if x:
                        return 'ret'
                r = 'after'
            except KeyError:
                r = 'caught'
            return r
    ''',
    'break': '''
        def f(x):
            out = []
            for i in range(3):
                try:
                    with Cm(i, fail=i != 1):
                        if i == x:
                            break
                        out.append(i)
                except KeyError:
                    out.append('k%d' % i)
            return out
    ''',
    'continue': '''
        def f(x):
            out = []
            for i in range(3):
                try:
                    with Cm(i, fail=i == x):
                        if i >= x:
                            continue
                        out.append(i)
                except KeyError:
                    out.append('k')
                out.append('end%d' % i)
            return out
    ''',
    # (not when an enclosing `with` suppresses it or a `finally:` clause sees it:
    # docs/limitations.md)
    'outer_with_suppresses_inside_try': '''
        def f(x):
            try:
                with Cm('outer', suppress=True):
                    with Cm('inner', fail=x > 0):
                        if x:
                            return 'ret'
                        LOG.append('body')
            except KeyError:
                return 'caught'
            return 'after'
    ''',
    'return_in_loop_in_with': '''
        def f(x):
            try:
                with Cm('w', fail=x == 2):
                    for i in range(4):
                        if i == x:
                            return i
                    LOG.append('no return')
            except KeyError:
                return 'caught'
            return 'end'
    ''',
    'exit_ok_keeps_the_jump': '''
        def f(x):
            try:
                with Cm('a'):
                    if x:
                        return 'ret'
            finally:
                LOG.append('finally')
            return 'end'
    ''',
}


def _outcome(fn, ns, x):
    del ns['LOG'][:]
    try:
        v = ('value', fn(x))
    except Exception as e:  # noqa: BLE001 (compared with the original's)
        v = ('raise', type(e).__name__)
    return v, list(ns['LOG'])


@pytest.mark.parametrize('name', sorted(CASES))
def test_exit_raising_cancels_the_jump(name):
    import textwrap
    source = PRELUDE + textwrap.dedent(CASES[name])
    ns = {}
    original = make_function(source, 'f', ns)
    ns = original.__globals__
    converted = ag.to_graph(original)
    for x in (0, 1, 2, 3):
        assert _outcome(converted, ns, x) == _outcome(original, ns, x), (name, x)
