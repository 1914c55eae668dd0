"""The variables converter leaves a function at once, without its scan of the converted tree,
when no read can find a variable unassigned and no binding was dropped:
  - a staged function that binds no variable but its parameters (nothing marked undefined,
    nothing deleted, no nested function): `_binds_only_parameters`;
  - a function with nothing staged that assigns each variable its code binds at the top,
    before any read (`_locals_assigned_first`);
  - a staged function (nothing marked undefined or deleted, no nested function) whose
    original code reads no variable unassigned and whose dropped bindings (a `for` loop's
    target that became the body's parameter) are read only where they are parameters
    (`_staged_reads_assigned`).
Its output must be what the scan and the analyses give, on every function of the corpora, and
a shortcut must not be taken where a read needs `ag__.ld` or a placeholder."""
import ast

import pytest

from autograph import api
from autograph.converters import variables
from tests.converters.test_conv_logical_tests_only import _convert
from tests.converters.test_conv_logical_tests_only import _functions
from tests.source_helpers import make_function


SHORTCUTS = ('_binds_only_parameters', '_locals_assigned_first', '_staged_reads_assigned')


def test_the_shortcuts_give_what_the_analyses_give(monkeypatch):
    taken = {name: [] for name in SHORTCUTS}

    def counting(name, original):
        def shortcut(fn, ctx):
            answer = original(fn, ctx)
            taken[name].append(answer)
            return answer
        return shortcut

    originals = {name: getattr(variables, name) for name in SHORTCUTS}
    counts = dict.fromkeys(SHORTCUTS, 0)
    for where, node, lines in _functions():
        for name in SHORTCUTS:
            monkeypatch.setattr(variables, name, counting(name, originals[name]))
            del taken[name][:]
        fast = _convert(node, lines, False)
        for name in SHORTCUTS:
            counts[name] += any(taken[name])
            monkeypatch.setattr(variables, name, lambda fn, ctx: False)
        assert fast == _convert(node, lines, False), where
    assert all(count > 50 for count in counts.values()), counts


CASES = {
    # taken (_binds_only_parameters)
    'parameters_only': ('def f(x, n):\n    if x > n:\n        x = x - 1\n    while n > 0:\n'
                        '        n -= 1\n    return x + n\n', True),
    'break_flag_only': ('def f(x, items):\n    for x in items:\n        if x:\n'
                        '            break\n    return x\n', True),
    # not taken
    'a_local': ('def f(x):\n    if x > 0:\n        y = 1\n    return y\n', False),
    'a_loop_target': ('def f(items):\n    for v in items:\n        print(v)\n', False),
    'nothing_staged': ('def f(a, b):\n    return a and b\n', False),
    'deleted_parameter': ('def f(x):\n    if x:\n        del x\n    return x\n', False),
    'dropped_binding': ('def f(x):\n    if x > 0:\n        x = 1\n    return y\n    y = 2\n',
                        False),      # (the original raises UnboundLocalError, not NameError)
    'nested_function': ('def f(x):\n    def g():\n        return x\n    if x:\n'
                        '        x = g()\n    return x\n', False),
}


NOTHING_STAGED = {
    # taken (_locals_assigned_first)
    'assigned_first': ('def f(a, b):\n    y = a if a > b else b\n    return y and a or b\n',
                       True),
    'no_local': ('def f(a):\n    return math and a\n', True),
    'after_simple_statements': ('def f(a):\n    "doc"\n    a += 1\n    z = a\n    y = z\n'
                                '    return y or z\n', True),
    # not taken
    'read_in_the_assignment': ('def f(a, b):\n    y = a if b else y\n    return y\n', False),
    'read_before': ('def f(a):\n    print(a or y)\n    y = 1\n    return y or a\n', False),
    'augmented_first': ('def f(a):\n    y += 1\n    y = 2\n    return y and a\n', False),
    'assigned_after_a_with': ('def f(a):\n    with a:\n        pass\n    y = 1\n'
                              '    return y and a\n', False),
    'dropped_binding': ('def f(a):\n    return a or y\n    y = 1\n', False),
    'tuple_target': ('def f(a):\n    y, z = a\n    return y and z\n', False),
    'deleted': ('def f(a):\n    y = 1\n    del y\n    return y and a\n', False),
    'walrus': ('def f(a):\n    y = (z := a)\n    return y and z\n', False),
    'staged': ('def f(a):\n    y = 1\n    if a:\n        a = y\n    return a\n', False),
}


STAGED = {
    # taken (_staged_reads_assigned)
    'for_with_break': ('def f(items, limit=3):\n    total = 0\n    for v in items:\n'
                       '        if v > limit:\n            break\n        total += v\n'
                       '    return total\n', True),
    'assigned_before_the_if': ('def f(x):\n    y = 2\n    if x > 0:\n        x = x * y\n'
                               '    return x\n', True),
    # not taken
    'read_before_assigned': ('def f(x):\n    if x > 0:\n        x = y\n    y = 1\n'
                             '    return x\n', False),
    'dropped_binding': ('def f(x):\n    if x > 0:\n        x = 1\n    return y\n    y = 2\n',
                        False),
    'loop_target_after_the_loop': ('def f(items):\n    for v in items:\n        pass\n'
                                   '    return v\n', False),
    'nothing_staged': ('def f(a, b):\n    y = a\n    return y and b\n', False),
}


def _answers(shortcut, source, monkeypatch):
    answers = []
    original = getattr(variables, shortcut)
    monkeypatch.setattr(variables, shortcut,
                        lambda fn, ctx: answers.append(original(fn, ctx)) or answers[-1])
    node = ast.parse(source).body[0]
    return answers, _convert(node, source.splitlines(True), False)


@pytest.mark.parametrize('name', sorted(CASES))
def test_where_it_is_taken(name, monkeypatch):
    source, expected = CASES[name]
    answers, code = _answers('_binds_only_parameters', source, monkeypatch)
    assert answers == [expected], answers
    if name in ('a_local', 'dropped_binding'):      # what the analyses do, not taken
        assert 'ag__.ld(y)' in code[0]


@pytest.mark.parametrize('name', sorted(NOTHING_STAGED))
def test_where_it_is_taken_with_nothing_staged(name, monkeypatch):
    source, expected = NOTHING_STAGED[name]
    answers, code = _answers('_locals_assigned_first', source, monkeypatch)
    assert any(answers) == expected, answers
    for shortcut in SHORTCUTS:
        monkeypatch.setattr(variables, shortcut, lambda fn, ctx: False)
    assert code == _convert(ast.parse(source).body[0], source.splitlines(True), False)
    if name in ('read_in_the_assignment', 'read_before', 'dropped_binding'):
        assert 'ag__.ld(y)' in code[0]


def test_a_converted_function_runs_as_the_original():
    f = make_function(CASES['parameters_only'][0])
    g = api.to_graph(f)
    for args in ((5, 2), (0, 3), (-1, 0)):
        assert g(*args) == f(*args)


@pytest.mark.parametrize('name', sorted(STAGED))
def test_where_it_is_taken_when_staged(name, monkeypatch):
    source, expected = STAGED[name]
    answers, code = _answers('_staged_reads_assigned', source, monkeypatch)
    assert any(answers) == expected, answers
    for shortcut in SHORTCUTS:
        monkeypatch.setattr(variables, shortcut, lambda fn, ctx: False)
    assert code == _convert(ast.parse(source).body[0], source.splitlines(True), False)
    if name in ('read_before_assigned', 'dropped_binding'):
        assert 'ag__.ld(y)' in code[0]
