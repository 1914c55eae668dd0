"""Docstrings are written as the stdlib unparser writes them: a plain one (printable ASCII,
tabs and newlines, no backslash or double quote) directly between triple double quotes, any
other one through the stdlib's escaping."""
import ast
import random

import pytest

from autograph.pyct import gast_util
from autograph.pyct import unparsing

TRICKY = ['', 'a', 'Function 0: a branch and a loop.', 'ends with "', "ends with '", '"""',
          "'''", "it's", 'back\\slash', 'tab\there', 'lines\n    indented\n', ' ', '"x',
          'caf\u00e9', 'a\rb', '\x7f', '\x00', '\u2028', "'''\"\"\"", 'u']


def _sources():
    rng = random.Random(5)
    alphabet = 'ab \t\n\'"\\\r\x00\x7f\u00e9#~[]'
    docs = TRICKY + [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
                     for _ in range(3000)]
    for doc in docs:
        for prefix in ('', 'u'):
            yield doc, 'def f():\n    %s%s\n    return 1\n' % (prefix, repr(doc))


@pytest.mark.parametrize('tree_kind', ['ast', 'gast'])
def test_docstrings_are_written_as_the_stdlib_writes_them(tree_kind):
    plain = 0
    for doc, source in _sources():
        tree = ast.parse(source)
        expected = ast.unparse(tree)
        node = tree if tree_kind == 'ast' else gast_util.ast_to_gast(tree)
        assert unparsing.unparse(node) == expected, (doc, source)
        plain += bool(unparsing._PLAIN_DOCSTRING.match(doc))
    assert plain > 500, plain     # (both ways are exercised)


def test_which_ones_are_plain():
    assert unparsing._PLAIN_DOCSTRING.match('Function 0: a branch and a loop.\n\tmore')
    assert unparsing._PLAIN_DOCSTRING.match("it's")
    for doc in ('ends with "', 'back\\slash', 'caf\u00e9', 'a\rb', '\x7f', '\x00'):
        assert not unparsing._PLAIN_DOCSTRING.match(doc), doc
