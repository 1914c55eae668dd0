"""Nested structures: lists, tuples, dicts, namedtuples, and composites such as TensorArray.

A composite defines `_ag_flatten() -> list` and `_ag_unflatten(values) -> new instance`.
"""


def is_namedtuple(x):
    """True for instances of namedtuple classes."""
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _is_seq(x):
    t = type(x)
    return t is list or t is tuple or t is dict or is_namedtuple(x) or isinstance(x, (list, dict))


def flatten(structure, expand_composites=True):
    """The leaves of `structure`, depth first; dict entries in sorted key order."""
    out = []
    _flatten(structure, out, expand_composites)
    return out


def _flatten(x, out, expand):
    t = type(x)
    if t is list or t is tuple:
        for v in x:
            _flatten(v, out, expand)
    elif t is dict or isinstance(x, dict):
        for k in sorted_keys(x):
            _flatten(x[k], out, expand)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _flatten(v, out, expand)
    elif expand and hasattr(x, "_ag_flatten"):
        for v in x._ag_flatten():
            _flatten(v, out, expand)
    else:
        out.append(x)


def sorted_keys(d):
    """A dict's keys in the order nest walks them: sorted, or insertion order if unsortable."""
    try:
        return sorted(d)
    except TypeError:
        return list(d)


def pack_sequence_as(structure, flat, expand_composites=True):
    """Rebuilds `structure` with leaves taken in order from `flat`."""
    it = iter(flat)
    result = _pack(structure, it, expand_composites)
    rest = sum(1 for _ in it)
    if rest:
        raise ValueError("pack_sequence_as: %d values left over" % rest)
    return result


def _pack(x, it, expand):
    t = type(x)
    if t is list:
        return [_pack(v, it, expand) for v in x]
    if t is tuple:
        return tuple(_pack(v, it, expand) for v in x)
    if is_namedtuple(x):
        return t(*[_pack(v, it, expand) for v in x])
    if isinstance(x, dict):
        vals = {k: _pack(x[k], it, expand) for k in sorted_keys(x)}
        return t((k, vals[k]) for k in x) if t is not dict else {k: vals[k] for k in x}
    if isinstance(x, (list, tuple)):
        return t(_pack(v, it, expand) for v in x)
    if expand and hasattr(x, "_ag_flatten"):
        n = len(x._ag_flatten())
        return x._ag_unflatten([next(it) for _ in range(n)])
    try:
        return next(it)
    except StopIteration:
        raise ValueError("pack_sequence_as: not enough values for the structure") from None


def map_structure(fn, *structures):
    """Applies `fn` leafwise to structures of the same shape."""
    first = structures[0]
    for s in structures[1:]:
        assert_same_structure(first, s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(first, [fn(*xs) for xs in zip(*flats)])


def paths(structure):
    """A readable path for each leaf, e.g. `[0]`, `['h']`, `.c`."""
    out = []
    _paths(structure, "", out)
    return out


def _paths(x, prefix, out):
    if is_namedtuple(x):
        for f, v in zip(x._fields, x):
            _paths(v, "%s.%s" % (prefix, f), out)
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            _paths(v, "%s[%d]" % (prefix, i), out)
    elif isinstance(x, dict):
        for k in sorted_keys(x):
            _paths(x[k], "%s[%r]" % (prefix, k), out)
    elif hasattr(x, "_ag_flatten"):
        out.extend([prefix] * len(x._ag_flatten()))
    else:
        out.append(prefix)


def structure_text(x):
    """A short description of a structure's shape, for error messages."""
    if is_namedtuple(x):
        return "%s(%s)" % (type(x).__name__, ", ".join(structure_text(v) for v in x))
    if isinstance(x, tuple):
        return "(%s)" % "".join(structure_text(v) + ", " for v in x)
    if isinstance(x, list):
        return "[%s]" % ", ".join(structure_text(v) for v in x)
    if isinstance(x, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, structure_text(x[k])) for k in sorted_keys(x))
    if x is None:
        return "None"
    return type(x).__name__


def same_structure(a, b):
    ta, tb = type(a), type(b)
    if _is_seq(a) or _is_seq(b):
        if ta is not tb and not (isinstance(a, list) and isinstance(b, list)):
            return False
        if isinstance(a, dict):
            return sorted_keys(a) == sorted_keys(b) and all(
                same_structure(a[k], b[k]) for k in a)
        return len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
    ca, cb = hasattr(a, "_ag_flatten"), hasattr(b, "_ag_flatten")
    if ca or cb:
        return ca and cb and ta is tb
    return True


def assert_same_structure(a, b):
    """Raises ValueError (showing both structures) unless `a` and `b` nest the same way."""
    if not same_structure(a, b):
        raise ValueError("structures differ: %s vs %s" % (structure_text(a), structure_text(b)))


def flatten_up_to(shallow, deep):
    """Flattens `deep` only as far as `shallow`'s structure goes (e.g. shapes per loop var)."""
    out = []
    _up_to(shallow, deep, out)
    return out


def _up_to(shallow, deep, out):
    if isinstance(shallow, dict):
        for k in sorted_keys(shallow):
            _up_to(shallow[k], deep[k], out)
    elif isinstance(shallow, (list, tuple)):
        if not isinstance(deep, (list, tuple)) or len(deep) != len(shallow):
            raise ValueError("expected a structure like %s, got %r"
                             % (structure_text(shallow), deep))
        for s, d in zip(shallow, deep):
            _up_to(s, d, out)
    elif hasattr(shallow, "_ag_flatten"):
        out.extend([deep] * len(shallow._ag_flatten()))
    else:
        out.append(deep)
