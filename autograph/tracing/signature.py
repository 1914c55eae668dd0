"""The cache key of an `ag.function` call.

`CallSignature` puts a call's arguments in parameter order (defaults applied, `*args` and
`**kwargs` spread into named entries) and applies the input_signature. Each entry is encoded
into a hashable "structure part" and a list of tensor shapes:
  tensor leaf -> ("T", dtype)            and its dims go to `shapes`
  Python value -> ("V", type, value)     (a new value retraces, as in TensorFlow)
  other object -> ("O", IdKey(obj))      (identity; weakly referenced when possible)
  list/tuple/namedtuple/dict -> (type, children)   (dict children sorted by key; a dict
                                                    not in sorted order adds its key order)
Keeping shapes apart lets the cache find a trace with compatible (more general) shapes.
`fold` is the one walker over encodings (texts, skeletons, decoding, identity keys, paths).
The fast path of `Function.__call__` keys flat tensor/scalar arguments without encoding them
(`fast_leaf`).
"""
import enum
import inspect
import struct
import weakref

import numpy as np

from autograph.runtime import dtypes, nest
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import EagerTensor
from autograph.tracing.spec import (NP_TO_DTYPE, VARIANT, TensorSpec, conform, leaf_dims,
                                    tensor_dtype)

TENSOR, VALUE, OBJECT = "T", "V", "O"
_VALUE_TYPES = frozenset([bool, int, float, complex, str, bytes, type(None), type(Ellipsis),
                          frozenset, range, np.dtype, dtypes.DType])
NOT_FAST = object()


class IdKey:
    """Identity of an object in a cache key, without keeping it alive when weakly referable."""

    __slots__ = ("ref", "_strong", "id", "type_name")

    def __init__(self, obj):
        self.id = id(obj)
        self.type_name = type(obj).__name__
        try:
            self.ref = weakref.ref(obj)
            self._strong = None
        except TypeError:            # not weakly referable: keep it alive so its id stays unique
            self.ref = None
            self._strong = obj

    def get(self):
        return self._strong if self.ref is None else self.ref()

    def __hash__(self):
        return self.id

    def __eq__(self, other):
        if type(other) is not IdKey or other.id != self.id:
            return False
        obj = self.get()
        return obj is not None and obj is other.get()


class FloatKey:
    """A Python float (or complex) in a cache key, compared by its bit pattern: `0.0` and
    `-0.0` are different keys (copysign tells them apart) and a NaN equals itself, so it hits
    the cache instead of retracing on every call."""

    __slots__ = ("value", "_bits")

    def __init__(self, value):
        self.value = value
        if type(value) is complex:
            self._bits = struct.pack("<dd", value.real, value.imag)
        else:
            self._bits = struct.pack("<d", value)

    def __hash__(self):
        return hash(self._bits)

    def __eq__(self, other):
        return type(other) is FloatKey and other._bits == self._bits

    def __repr__(self):
        return repr(self.value)


def fast_float(a):
    """A float's part of a fast-path key: itself, or its bit pattern for zeros and NaNs
    (which `==` cannot tell apart or match)."""
    return a if a and a == a else ("bits", struct.pack("<d", a))


def encode(x, shapes, leaves):
    """The encoding of argument `x`; its tensor leaves' dims go to `shapes`, the leaves to
    `leaves`."""
    d = tensor_dtype(x)
    if d is not None:
        shapes.append(leaf_dims(x))
        leaves.append(x)
        return (TENSOR, d)
    t = type(x)
    if t is float or t is complex:
        return (VALUE, t, FloatKey(x))
    if t in _VALUE_TYPES or isinstance(x, enum.Enum):
        return (VALUE, t, x)
    if t is list or t is tuple or nest.is_namedtuple(x):
        return (t, tuple(encode(v, shapes, leaves) for v in x))
    if isinstance(x, dict):
        keys = nest.sorted_keys(x)
        enc = (t, tuple((k, encode(x[k], shapes, leaves)) for k in keys))
        order = tuple(x)
        # Iteration order is part of a dict's value ({'b': 2, 'a': 1} and {'a': 1, 'b': 2}
        # iterate differently), so it is part of the key; the children stay in sorted order,
        # the order of the tensor leaves (and of an input_signature's specs).
        return enc + (order,) if order != tuple(keys) else enc
    return (OBJECT, IdKey(x))


def replace_leaves(x, it):
    """`x` with its tensor leaves replaced, in `encode` order, by values from `it`."""
    if tensor_dtype(x) is not None:
        return next(it)
    t = type(x)
    if t is list:
        return [replace_leaves(v, it) for v in x]
    if t is tuple:
        return tuple(replace_leaves(v, it) for v in x)
    if nest.is_namedtuple(x):
        return t(*[replace_leaves(v, it) for v in x])
    if isinstance(x, dict) and t not in _VALUE_TYPES:
        new = {k: replace_leaves(x[k], it) for k in nest.sorted_keys(x)}
        try:
            return t((k, new[k]) for k in x)
        except TypeError:            # e.g. defaultdict: fall back to a plain dict
            return {k: new[k] for k in x}
    return x


def encode_entries(entries):
    """(structure part, shapes, tensor leaves) for canonical (name, value) entries."""
    shapes, leaves = [], []
    part = tuple((name, encode(value, shapes, leaves)) for name, value in entries)
    return part, tuple(shapes), leaves


def tensor_leaves(entries):
    """The tensor leaves of (name, value) entries, in encoding order."""
    leaves = []
    for _, value in entries:
        encode(value, [], leaves)
    return leaves


def dims_compatible(general, dims):
    if general is None:
        return True
    if dims is None or len(general) != len(dims):
        return False
    for g, d in zip(general, dims):
        if g is not None and g != d:
            return False
    return True


def specificity(shapes):
    return sum(-1 if s is None else sum(d is not None for d in s) for s in shapes)


def relax(old, new):
    return tuple(TensorShape(a).most_specific_compatible(TensorShape(b)).dims
                 for a, b in zip(old, new))


def shape_text(dims):
    return str(TensorShape(dims))


# -- the one walker over encodings ------------------------------------------------------------
def fold(enc, path, leaf, node, field_paths=True):
    """Walks an encoded argument: `leaf(enc, path)` at each leaf, `node(tag, [(label, result
    of the child)], path)` at each container, children in encoding order (the order of the
    tensor shapes). Paths: `x[0]`, `x['k']`, `x.field` (`x[0]` without `field_paths`)."""
    tag = enc[0]
    if type(tag) is str:
        return leaf(enc, path)
    if issubclass(tag, dict):
        items = [(k, fold(e, "%s[%r]" % (path, k), leaf, node, field_paths))
                 for k, e in enc[1]]
    elif field_paths and issubclass(tag, tuple) and hasattr(tag, "_fields"):
        items = [(f, fold(e, "%s.%s" % (path, f), leaf, node, field_paths))
                 for f, e in zip(tag._fields, enc[1])]
    else:
        items = [(i, fold(e, "%s[%d]" % (path, i), leaf, node, field_paths))
                 for i, e in enumerate(enc[1])]
    return node(tag, items, path)


def _ignore(*_):
    return None


def decode(enc, shapes, path):
    """The argument structure described by an encoding (tensors as TensorSpecs)."""
    def leaf(e, p):
        if e[0] == TENSOR:
            return TensorSpec(next(shapes), e[1], p)
        if e[0] == VALUE:
            return e[2].value if type(e[2]) is FloatKey else e[2]
        return e[1].get()

    def node(tag, items, _):
        if issubclass(tag, dict):
            return dict(items) if tag is dict else _try_build(tag, items, dict)
        values = [v for _, v in items]
        if tag is list or tag is tuple:
            return tag(values)
        return tag(*values)          # a namedtuple
    return fold(enc, path, leaf, node, field_paths=False)


def _try_build(tag, items, fallback):
    try:
        return tag(items)
    except TypeError:
        return fallback(items)


def id_keys(enc):
    """The IdKeys (identity-keyed objects) of an encoding."""
    out = []
    fold(enc, "", lambda e, _: out.append(e[1]) if e[0] == OBJECT else None, _ignore)
    return out


def skeleton(enc):
    """The containers of an encoded argument, leaves reduced to their kind."""
    return fold(enc, "", lambda e, _: "*", lambda tag, items, _: (tag, tuple(items)))


def leaf_paths(part):
    """The path (e.g. `x`, `state[0]`) of each tensor leaf of a structure part, in order."""
    out = []
    for name, enc in part:
        fold(enc, name, lambda e, p: out.append(p) if e[0] == TENSOR else None, _ignore)
    return out


def op_name(path):
    name = "".join(c if c.isalnum() or c in "_." else "_" for c in path).strip("_")
    return name or "arg"


def has_tensor_leaf(value):
    leaves = []
    encode(value, [], leaves)
    return bool(leaves)


# -- the fast path's keys ---------------------------------------------------------------------
def fast_leaf(a, key, vals):
    """Appends `a`'s fast-path key (and value, for tensors) as `Function.__call__` does."""
    t = type(a)
    if t is list or t is tuple:          # e.g. an RNN state [h, c]
        key.append((t, len(a)))
        for v in a:
            if type(v) is EagerTensor and v._dtype is not VARIANT:
                x = v._value
                key.append(x.shape)
                key.append(v._dtype)
                vals.append(x)
            elif not fast_leaf(v, key, vals):
                return False
    elif t is EagerTensor:
        if a._dtype is VARIANT:
            return False
        v = a._value
        key.append(v.shape)         # a numpy array or scalar, as in Function.__call__
        key.append(a._dtype)
        vals.append(v)
    elif t is float:
        key.append(t)
        key.append(fast_float(a))
    elif t is int or t is bool or t is str or a is None:
        key.append(t)
        key.append(a)
    elif t is np.ndarray:
        d = NP_TO_DTYPE.get(a.dtype)
        if d is None:
            return False
        key.append(a.shape)
        key.append(d)
        vals.append(a)
    else:
        return False
    return True


def fast_kwargs(kwargs, key, vals):
    for k, a in kwargs.items():
        if type(k) is not str:          # a str subclass: its __hash__/__eq__ are user code
            return False
        key.append(k)
        if not fast_leaf(a, key, vals):
            return False
    return True


class CallSignature:
    """How a call's arguments become the entries of its cache key.

    Args:
      name: the function's name, for messages.
      signature: the Python function's `inspect.Signature`, or None (then positional
        arguments are `args[i]` and keywords are sorted).
      input_signature: a tuple of TensorSpec structures, or None.
    """

    def __init__(self, name, signature, input_signature):
        self.name = name
        self.signature = signature
        self.input_signature = input_signature

    def entries(self, args, kwargs, instance=None, allow_specs=False):
        """(key entries, value entries, rebuild) for a call; key entries carry the
        input_signature's specs where it has them, value entries the converted arguments,
        `rebuild(values)` -> (args, kwargs) to call the Python function with."""
        entries, rebuild = self.canonicalize(args, kwargs, instance)
        if self.input_signature is None:
            return entries, entries, rebuild
        key_entries, entries = self.apply_input_signature(entries, allow_specs)
        return key_entries, entries, rebuild

    def canonicalize(self, args, kwargs, instance=None):
        """(entries, rebuild): [(argument name, value)] in parameter order, defaults applied,
        and `rebuild(values)` -> (args, kwargs) to call the Python function with. `instance`
        (of a method) is passed first and is not an entry."""
        if instance is not None:
            args = (instance,) + tuple(args)
        sig = self.signature
        if sig is None:
            entries = [("args[%d]" % i, v) for i, v in enumerate(args)]
            entries += [(k, kwargs[k]) for k in sorted(kwargs)]
            skip = 1 if instance is not None else 0
            n = len(args)

            def rebuild(values):
                values = list(values)
                pos = list(args[:skip]) + values[:n - skip]
                return pos, dict(zip(sorted(kwargs), values[n - skip:]))
            return entries[skip:], rebuild
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError("%s(): %s" % (self.name, e)) from None
        bound.apply_defaults()
        params = sig.parameters
        entries, slots = [], []
        for i, (pname, value) in enumerate(bound.arguments.items()):
            if i == 0 and instance is not None:
                continue
            kind = params[pname].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                for j, v in enumerate(value):
                    entries.append(("%s[%d]" % (pname, j), v))
                    slots.append((pname, j))
            elif kind is inspect.Parameter.VAR_KEYWORD:
                for k in sorted(value):
                    entries.append((k, value[k]))
                    slots.append((pname, k))
            else:
                entries.append((pname, value))
                slots.append((pname, None))
        arguments = bound.arguments

        def rebuild(values):
            new = {}
            for pname, value in arguments.items():
                kind = params[pname].kind
                if kind is inspect.Parameter.VAR_POSITIONAL:
                    value = list(value)
                elif kind is inspect.Parameter.VAR_KEYWORD:
                    value = dict(value)
                new[pname] = value
            for (pname, sub), v in zip(slots, values):
                if sub is None:
                    new[pname] = v
                else:
                    new[pname][sub] = v
            for pname, value in new.items():
                if params[pname].kind is inspect.Parameter.VAR_POSITIONAL:
                    new[pname] = tuple(value)
            b = inspect.BoundArguments(sig, new)
            return b.args, b.kwargs
        return entries, rebuild

    def apply_input_signature(self, entries, allow_specs=False):
        """Checks and converts arguments against input_signature.

        Returns (key entries with the signature's specs, entries with converted values).
        """
        sig = self.input_signature
        if len(entries) < len(sig):
            raise TypeError("%s(): its input_signature has %d spec(s) but only %d argument(s) "
                            "can take them" % (self.name, len(sig), len(entries)))
        key_entries, value_entries = [], []
        for i, (name, value) in enumerate(entries):
            if i < len(sig):
                converted = conform(self.name, name, sig[i], value, allow_specs)
                key_entries.append((name, sig[i]))
                value_entries.append((name, converted))
            else:
                if has_tensor_leaf(value):
                    raise TypeError(
                        "%s(): argument '%s' is a tensor but the input_signature covers only "
                        "the first %d argument(s); add a TensorSpec for it" % (self.name, name,
                                                                               len(sig)))
                key_entries.append((name, value))
                value_entries.append((name, value))
        return key_entries, value_entries

