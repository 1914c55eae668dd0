"""The staged-state analysis (pyct/staged_state.py), one golden line per case: what each
if/while/for passes in and out (`state`), writes in place, and cannot track."""
import pytest

from autograph.pyct import analysis
from autograph.pyct import anno
from autograph.pyct import parser
from autograph.pyct import staged_state
from pyct_helpers import make_function

CASES = [
    ('def f(x):\n    if x > 0:\n        y = 1\n    else:\n        y = 2\n    return y\n',
     'L2 if: state=(y) in_place=() untracked=()'),
    # `t` is a temporary of the branch: not state.
    ('def f(x):\n    if x > 0:\n        t = x * 2\n        x = t\n    return x\n',
     'L2 if: state=(x) in_place=() untracked=()'),
    ('def f(n):\n    i = 0\n    s = 0\n    while i < n:\n        s += i\n        i += 1\n'
     '    return s\n',
     'L4 while: state=(s, i) in_place=() untracked=()'),
    # The target is state when read after the loop.
    ('def f(xs):\n    s = 0\n    for x in xs:\n        s = s + x\n    return s, x\n',
     'L3 for: state=(s, x) in_place=() untracked=()'),
    ('def f(xs):\n    s = 0\n    for x in xs:\n        s = s + x\n    return s\n',
     'L3 for: state=(s) in_place=() untracked=()'),
    # A variable a closure reads is written in place (the body declares it nonlocal).
    ('def f(x):\n    n = 0\n    def g():\n        return n\n    if x:\n        n = 1\n'
     '    return g()\n',
     'L5 if: state=() in_place=(n) untracked=() body_nonlocal=(n)'),
    ('def f(self, x):\n    if x:\n        self.total = x\n    return self\n',
     'L2 if: state=() in_place=(self.total) untracked=()'),
    # An item whose index the loop changes has no static name.
    ('def f(a, n):\n    for i in range(n):\n        a[i] = 0\n    return a\n',
     'L2 for: state=() in_place=() untracked=(a[i]@L3)'),
    # Writes into an object the statement binds itself are neither.
    ('def f(x):\n    if x:\n        row = [0]\n        row[0] = x\n    else:\n        row = []\n'
     '    return row\n',
     'L2 if: state=(row) in_place=() untracked=()'),
    # Inside a try with a handler, the statement's variables are written in place.
    ('def f(x):\n    try:\n        if x:\n            y = 1\n    except ValueError:\n'
     '        y = 2\n    return y\n',
     'L3 if: state=() in_place=(y) untracked=() body_nonlocal=(y)'),
    # Nested statements, in source order.
    ('def f(n):\n    s = 0\n    while n > 0:\n        if n % 2:\n            s += n\n'
     '        n -= 1\n    return s\n',
     'L3 while: state=(s, n) in_place=() untracked=()\n'
     'L4 if: state=(s) in_place=() untracked=()'),
]


def _analyzed(source):
    node = parser.parse_entity(make_function(source)).node
    analysis.analyze(node, lines=source.splitlines(), staged_state=True)
    return node


@pytest.mark.parametrize('source,expected', CASES)
def test_state_golden(source, expected):
    assert staged_state.dump(_analyzed(source)) == expected


def test_analysis_annotates_and_never_rewrites():
    source = CASES[-1][0]
    plain = parser.parse_entity(make_function(source)).node
    node = _analyzed(source)
    assert parser.unparse(node) == parser.unparse(plain)
    loop = node.body[1]
    assert anno.getanno(loop, anno.Key.STATE) == ['s', 'n']
    # The statement defines its state from there on (reaching definitions sees it).
    assert set(anno.getanno(loop, anno.Key.CFG_NODE).defs) == {'s', 'n'}


def test_without_staged_state_nothing_is_annotated():
    node = parser.parse_entity(make_function(CASES[0][0])).node
    analysis.analyze(node)
    assert not anno.hasanno(node.body[0], anno.Key.STATE)
    assert staged_state.dump(node) == ''
