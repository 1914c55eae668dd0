"""Unique names for symbols that converters introduce.

A `Namer` is created per conversion unit (a top-level function) with every identifier that
appears anywhere in the user's source as reserved, so a generated name can never shadow or
capture a user name, global or builtin the function refers to.
"""
import re

_IDENTIFIER = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')


def identifiers(source):
    """Every identifier-like token in `source` (over-approximates the names it uses)."""
    return set(_IDENTIFIER.findall(source))


class Namer:
    """Hands out names that do not clash with reserved or previously handed-out names."""

    def __init__(self, reserved=()):
        self._used = set(reserved)
        self._used.add('ag__')
        self._next = {}       # base -> next suffix to try (keeps naming linear)
        self._generated = set()

    def reserve(self, names):
        self._used.update(names)

    def is_generated(self, name):
        """Whether `name` was handed out by `new_symbol` (a name converters introduced)."""
        return name in self._generated

    def new_symbol(self, base):
        """Returns `base`, or `base_1`, `base_2`, ... whichever is free first."""
        name = base
        i = self._next.get(base, 1)
        if name in self._used:
            name = '%s_%d' % (base, i)
            while name in self._used:
                i += 1
                name = '%s_%d' % (base, i)
            i += 1
        self._next[base] = i
        self._used.add(name)
        self._generated.add(name)
        return name
