"""The variables converter leaves a staged function at once when it binds no variable but its
parameters (nothing marked undefined, nothing deleted, no nested function): no read can find a
variable unassigned and no binding was dropped. Its output must be what the scan and the
analyses give, on every function of the corpora, and the shortcut must not be taken where a
read needs `ag__.ld` or a placeholder."""
import ast

import pytest

from autograph import api
from autograph.converters import variables
from tests.converters.test_conv_logical_tests_only import _convert
from tests.converters.test_conv_logical_tests_only import _functions
from tests.source_helpers import make_function


def test_the_shortcut_gives_what_the_analyses_give(monkeypatch):
    taken = []
    original = variables._binds_only_parameters

    def counting(fn, ctx):
        answer = original(fn, ctx)
        taken.append(answer)
        return answer

    count = 0
    for where, node, lines in _functions():
        monkeypatch.setattr(variables, '_binds_only_parameters', counting)
        del taken[:]
        fast = _convert(node, lines, False)
        count += any(taken)
        monkeypatch.setattr(variables, '_binds_only_parameters', lambda fn, ctx: False)
        assert fast == _convert(node, lines, False), where
    assert count > 50, count


CASES = {
    # taken
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


@pytest.mark.parametrize('name', sorted(CASES))
def test_where_it_is_taken(name, monkeypatch):
    source, expected = CASES[name]
    answers = []
    original = variables._binds_only_parameters
    monkeypatch.setattr(variables, '_binds_only_parameters',
                        lambda fn, ctx: answers.append(original(fn, ctx)) or answers[-1])
    node = ast.parse(source).body[0]
    code = _convert(node, source.splitlines(True), False)
    assert answers == [expected], answers
    if name in ('a_local', 'dropped_binding'):      # what the analyses do, not taken
        assert 'ag__.ld(y)' in code[0]


def test_a_converted_function_runs_as_the_original():
    f = make_function(CASES['parameters_only'][0])
    g = api.to_graph(f)
    for args in ((5, 2), (0, 3), (-1, 0)):
        assert g(*args) == f(*args)
