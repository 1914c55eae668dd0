"""State that a staged statement's bodies write in place: `in_place=` of the control-flow helpers.

Generated code passes most state functionally (bodies take and return it). Two kinds are
written in place instead, exactly as the original code does, and listed by name in the call:

    ag__.if_stmt(x > 0, if_true, None, (), (), in_place=('self.total', 'count'))

  - variables that a closure reads or assigns (`count`): the bodies declare them `nonlocal`;
  - attributes and items with a fixed name (`self.total`, `a.b[0]`, `d['k']`, `a[i]` when the
    statement does not change `i`).

On Python values the helpers ignore the list. With a graph condition they carry these values
like the other state: they read them before the statement, set them back before each branch
or iteration is traced, read them after it, and store what the graph `cond`/`while_loop`
returns. A location is found from the names the body functions close over (their closure
cells, then their globals), so the generated code needs no getter/setter functions.
"""

import ast
import builtins

from autograph.operators.variables import Undefined, UndefinedValueError

__all__ = ["UntrackedWriteError", "resolve"]


class UntrackedWriteError(NotImplementedError):
    """A tensor-dependent statement writes an attribute or item that has no fixed name
    (`a[i] = v` in a loop over `i`, `f().x = v`), so the graph cannot carry its value."""


_MISSING = (AttributeError, LookupError, UndefinedValueError)
_PATHS = {}     # path text -> (root name, steps); a step is (is_attr, name or key)


def _parse(path):
    parsed = _PATHS.get(path)
    if parsed is None:
        node = ast.parse(path, mode="eval").body
        steps = []
        while type(node) is not ast.Name:
            if type(node) is ast.Attribute:
                steps.append((True, node.attr))
            elif type(node) is ast.Subscript:
                try:
                    key = ("const", ast.literal_eval(node.slice))
                except ValueError:
                    key = ("path", ast.unparse(node.slice))
                steps.append((False, key))
            else:
                raise ValueError("autograph: %r is not a variable, attribute or item" % path)
            node = node.value
        steps.reverse()
        parsed = _PATHS[path] = (node.id, tuple(steps))
    return parsed


def _cell(name, fns):
    for fn in fns:
        code = getattr(fn, "__code__", None)
        if code is not None and name in code.co_freevars:
            return fn.__closure__[code.co_freevars.index(name)]
    return None


def _value(name, fns):
    """The current value of `name` as the body functions see it."""
    cell = _cell(name, fns)
    if cell is not None:
        try:
            return cell.cell_contents
        except ValueError:
            raise NameError("free variable %r referenced before assignment" % name) from None
    for fn in fns:
        g = getattr(fn, "__globals__", None)
        if g is not None and name in g:
            return g[name]
    if hasattr(builtins, name):
        return getattr(builtins, name)
    raise NameError("name %r is not defined" % name)


class _Variable:
    """A variable of an enclosing function, through its closure cell."""

    __slots__ = ("name", "cell")

    def __init__(self, name, cell):
        self.name = name
        self.cell = cell

    def get(self):
        try:
            return self.cell.cell_contents
        except ValueError:      # not bound yet
            return Undefined(self.name)

    def set(self, value):
        self.cell.cell_contents = value


class _Slot:
    """An attribute or item reached from a root object by a fixed path."""

    __slots__ = ("name", "root", "steps")

    def __init__(self, name, root, steps):
        self.name = name
        self.root = root
        self.steps = steps      # (is_attr, attribute name or key value)

    def _parent(self):
        obj = self.root
        for is_attr, key in self.steps[:-1]:
            obj = getattr(obj, key) if is_attr else obj[key]
        return obj

    def get(self):
        try:
            obj = self._parent()
            is_attr, key = self.steps[-1]
            return getattr(obj, key) if is_attr else obj[key]
        except _MISSING:
            return Undefined(self.name)

    def set(self, value):
        obj = self._parent()
        is_attr, key = self.steps[-1]
        if type(value) is Undefined:    # missing before and after: leave it missing
            try:
                if is_attr:
                    delattr(obj, key)
                else:
                    del obj[key]
            except _MISSING:
                pass
        elif is_attr:
            setattr(obj, key, value)
        else:
            obj[key] = value


def resolve(paths, fns):
    """The locations named by `paths`, as seen from the body functions `fns` (None allowed).

    Args:
      paths: source forms, e.g. `('count', 'self.total', "d['k']")`.
      fns: the statement's functions (bodies, tests) that close over the names involved.
    Returns:
      objects with `get()` (an `Undefined` if the location does not exist) and `set(value)`
      (`set` of an `Undefined` deletes an attribute/item).
    """
    fns = [getattr(f, "__wrapped__", f) for f in fns if f is not None]
    out = []
    for path in paths:
        root, steps = _parse(path)
        if not steps:
            cell = _cell(root, fns)
            if cell is None:
                raise AssertionError("autograph: the statement's functions do not close over "
                                     "%r, which they write in place" % root)
            out.append(_Variable(path, cell))
            continue
        resolved = []
        for is_attr, key in steps:
            if not is_attr:
                kind, key = key
                if kind == "path":
                    key = _key_value(key, fns)
            resolved.append((is_attr, key))
        out.append(_Slot(path, _value(root, fns), tuple(resolved)))
    return out


def _key_value(path, fns):
    root, steps = _parse(path)
    obj = _value(root, fns)
    for is_attr, key in steps:
        if is_attr:
            obj = getattr(obj, key)
        else:
            kind, key = key
            obj = obj[key if kind == "const" else _key_value(key, fns)]
    return obj
