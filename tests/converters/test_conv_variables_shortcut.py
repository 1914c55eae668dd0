"""The variables converter's shortcut for functions with nothing staged.

In such a function, a local variable read in a generated scope (an and/or/ternary thunk) that
a top-level `x = ...` assigns before any read, with only simple statements before it, cannot
be found unassigned: the converter skips the analyses that would say so
(`_assigned_before_reads`). The shortcut must give the code the analyses give, and must not
be taken where they find a read that may be unassigned.
"""
import sys
import textwrap
import pathlib

import pytest

from autograph import api
from autograph.converters import variables

ROOT = pathlib.Path(__file__).resolve().parents[2]

CASES = {
    # taken: assigned first, read later in thunks
    'assigned_first': ('def f(a, b):\n    y = a if a > b else b\n    return y and a or b\n',
                       True),
    'docstring_and_simple_statements_first': (
        'def f(a, b):\n    "doc"\n    z = a\n    a += 1\n    y = z\n    return y or b\n', True),
    'a_global_read_in_a_thunk': ('def f(a):\n    return math and a\n', True),
    # not taken, and the analyses wrap the read
    'read_in_the_assignment': ('def f(a, b):\n    y = a if b else y\n    return y\n', False),
    'read_before': ('def f(a):\n    print(a or y)\n    y = 1\n    return y or a\n', False),
    'augmented_before': ('def f(a):\n    y += 1\n    y = 2\n    return y and a\n', False),
    'assigned_in_a_with': ('def f(a):\n    with a:\n        y = 1\n    return y and a\n', False),
    'after_a_return': ('def f(a):\n    return a\n    y = 1\n    return y or a\n', False),
    'tuple_target': ('def f(a):\n    y, z = a\n    return y and z\n', False),
    'deleted': ('def f(a):\n    y = 1\n    del y\n    return y and a\n', False),
    'global': ('def f(a):\n    global g\n    y = 1\n    return y and a\n', False),
    'walrus': ('def f(a):\n    y = (z := a)\n    return y and z\n', False),
    'nested_function': ('def f(a):\n    y = 1\n    def g():\n        return y\n    '
                        'return y and g()\n', False),
    'try': ('def f(a):\n    y = 1\n    try:\n        y = a\n    finally:\n        a = y or a\n'
            '    return a\n', False),
    # taken: the assignment after the return is dropped; _keep_dropped_locals keeps `y` local
    'assignment_after_return': ('def f(a):\n    b = a\n    return y and b\n    y = 2\n', True),
}


def _convert(source):
    try:
        return api.convert_module_source(source, 'f.py')
    except api.ConversionError as e:
        return 'ConversionError: %s' % e


@pytest.mark.parametrize('name', sorted(CASES))
def test_shortcut_gives_the_code_of_the_analyses(name, monkeypatch):
    source, taken = CASES[name]
    results = []
    original = variables._assigned_before_reads
    # (the shortcut before it, which would answer some of these first, has its own tests:
    # test_conv_variables_parameters_only.py)
    monkeypatch.setattr(variables, '_locals_assigned_first', lambda *args: False)

    def spy(*args):
        results.append(original(*args))
        return results[-1]

    monkeypatch.setattr(variables, '_assigned_before_reads', spy)
    fast = _convert(source)
    monkeypatch.setattr(variables, '_assigned_before_reads', lambda *args: False)
    assert fast == _convert(source)
    assert any(results) == taken, results


def test_read_before_assignment_still_raises_unbound_local_error():
    _, taken = CASES['read_in_the_assignment']
    out = _convert(CASES['read_in_the_assignment'][0])
    assert 'ag__.ld(y' in out and not taken


def test_shortcut_on_the_corpora(monkeypatch):
    files = sorted(ROOT.glob('tests/golden/*/input.py')) + sorted(ROOT.glob('examples/*.py'))
    files += [ROOT / 'tests' / 'converters' / 'conversion_corpus.py',
              ROOT / 'tests' / 'samples.py']
    sources = [p.read_text(encoding='utf-8') for p in files]
    sys.path.insert(0, str(ROOT / 'tests' / 'fuzz'))
    try:
        import pygen
    finally:
        sys.path.pop(0)
    sources += [pygen.generate(700000 + seed).source for seed in range(40)]
    sources += [textwrap.dedent(source) for source, _ in CASES.values()]
    fast = [_convert(s) for s in sources]
    monkeypatch.setattr(variables, '_assigned_before_reads', lambda *args: False)
    monkeypatch.setattr(variables, '_locals_assigned_first', lambda *args: False)
    assert fast == [_convert(s) for s in sources]
