"""Unique names for symbols that converters introduce.

A `Namer` is created per conversion unit (a top-level function) with every identifier that
appears anywhere in the user's source as reserved, so a generated name can never shadow or
capture a user name, global or builtin the function refers to.
"""
import re

from autograph.pyct import anno

_IDENTIFIER = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')


def identifiers(source):
    """Every identifier-like token in `source` (over-approximates the names it uses)."""
    return set(_IDENTIFIER.findall(source))


class Namer:
    """Hands out names that do not clash with reserved or previously handed-out names."""

    def __init__(self, reserved=()):
        # The user's identifiers are shared, not copied: a whole file converts one Namer per
        # function with the same set, and copying it each time made that quadratic.
        self._user = reserved if isinstance(reserved, (set, frozenset)) else set(reserved)
        self._used = {'ag__'}      # names taken besides the user's
        self._next = {}       # base -> next suffix to try (keeps naming linear)
        self._generated = set()

    def reserve(self, names):
        self._used.update(names)

    def is_taken(self, name):
        """Whether `name` is a user identifier, reserved, or handed out already."""
        return name in self._used or name in self._user

    def generated_names(self):
        """Every name `new_symbol` handed out."""
        return frozenset(self._generated)

    def is_generated(self, name):
        """Whether `name` was handed out by `new_symbol` (a name converters introduced)."""
        return name in self._generated

    def new_symbol(self, base):
        """Returns `base`, or `base_1`, `base_2`, ... whichever is free first."""
        name = base
        i = self._next.get(base, 1)
        if self.is_taken(name):
            name = '%s_%d' % (base, i)
            while self.is_taken(name):
                i += 1
                name = '%s_%d' % (base, i)
            i += 1
        self._next[base] = i
        self._used.add(name)
        self._generated.add(name)
        return name


# --- the name of the helper module in generated code ---------------------------------------------
#
# Generated code calls the helpers as `ag__.if_stmt(...)`. When the user's own source uses the
# identifier `ag__` (a local, parameter, global or closure variable), the helpers get another
# name instead (`ag___1`, ...): the user's `ag__` is renamed to a fresh placeholder before the
# converters run, and afterwards the converters' `ag__` becomes the helper name and the
# placeholder becomes `ag__` again (in names, declarations and the name strings the helpers
# receive for error messages and in-place state).

HELPER = 'ag__'


def helper_name(reserved):
    """`ag__`, or the first `ag___N` not in `reserved` when the user's source uses `ag__`."""
    if HELPER not in reserved:
        return HELPER
    i = 1
    while '%s_%d' % (HELPER, i) in reserved:
        i += 1
    return '%s_%d' % (HELPER, i)


def _rename_bindings(tree, old, new):
    """Renames the variable `old` to `new` wherever it is bound or referenced (not attribute
    names or keyword argument names)."""
    import gast
    for n in gast.walk(tree):
        t = type(n)
        if t is gast.Name:
            if n.id == old:
                n.id = new
        elif t in (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef):
            if n.name == old:
                n.name = new
        elif t is gast.Global or t is gast.Nonlocal:
            n.names = [new if x == old else x for x in n.names]
        elif t is gast.alias:
            if n.asname == old:
                n.asname = new
            elif n.asname is None and n.name == old:
                n.asname = new
        elif t is gast.ExceptHandler:
            if n.name == old:       # (gast keeps a Name node there; a str in some versions)
                n.name = new
        elif t.__name__ in ('MatchAs', 'MatchStar'):
            if n.name == old:
                n.name = new
        elif t.__name__ == 'MatchMapping':
            if n.rest == old:
                n.rest = new


def _rename_strings(tree, old, new):
    """Rewrites the name strings that generated code passes to the helpers (`'x'`,
    `'x.attr'`, `"x['k']"`) that start with the variable `old`."""
    import gast
    for n in gast.walk(tree):
        if type(n) is gast.Constant and type(n.value) is str and n.value.startswith(old):
            rest = n.value[len(old):]
            if not rest or rest[0] in '.[':
                n.value = new + rest


def convert_with_helper_name(node, ctx, convert):
    """Runs `convert(node)` so that generated code names the helpers `helper_name(...)`.

    Returns (converted node, helper name). `ctx.namer` must reserve the user's identifiers.
    """
    helper = helper_name(ctx.namer._user)
    if helper == HELPER:
        return convert(node), HELPER
    ctx.namer.reserve([helper])
    # (not new_symbol: converters treat the names it hands out as their own, e.g. flags)
    placeholder, i = 'ag__user', 0
    while ctx.namer.is_taken(placeholder):
        i += 1
        placeholder = 'ag__user_%d' % i
    ctx.namer.reserve([placeholder])
    _rename_bindings(node, HELPER, placeholder)
    # What the conversion to gast recorded of the names no longer holds (unsupported walks).
    anno.delanno(node, anno.Key.NODE_TYPES)
    try:
        node = convert(node)
    except Exception as e:
        # A message naming the placeholder names the user's `ag__`.
        for attr in ('message', 'hint'):
            text = getattr(e, attr, None)
            if isinstance(text, str) and placeholder in text:
                setattr(e, attr, text.replace(placeholder, HELPER))
        if hasattr(e, '_format') and e.args and placeholder in str(e.args[0]):
            e.args = (e._format(),) + e.args[1:]
        raise
    _rename_bindings(node, HELPER, helper)
    _rename_bindings(node, placeholder, HELPER)
    _rename_strings(node, placeholder, HELPER)
    return node, helper
