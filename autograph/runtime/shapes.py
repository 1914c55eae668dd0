"""Static shapes: dimensions that are ints or None (unknown), or an unknown rank."""


class TensorShape:
    """A static shape. `dims` is a tuple of int/None, or None when the rank is unknown.

    Behaves like a tuple for known ranks: `tuple(shape)`, `len(shape)`, `shape[0]`,
    `shape == (2, 3)`.
    """

    __slots__ = ("dims",)

    def __init__(self, dims):
        if dims is None:
            self.dims = None
        elif isinstance(dims, TensorShape):
            self.dims = dims.dims
        else:
            if isinstance(dims, int):
                dims = (dims,)
            self.dims = tuple(_dim(d) for d in dims)

    @property
    def rank(self):
        return None if self.dims is None else len(self.dims)

    ndims = rank

    def is_fully_defined(self):
        return self.dims is not None and None not in self.dims

    def as_list(self):
        if self.dims is None:
            raise ValueError("as_list() is not defined on a shape of unknown rank")
        return list(self.dims)

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self.dims:
            n *= d
        return n

    def is_compatible_with(self, other):
        other = as_shape(other)
        if self.dims is None or other.dims is None:
            return True
        if len(self.dims) != len(other.dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self.dims, other.dims))

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError if they conflict."""
        other = as_shape(other)
        if self.dims is None:
            return other
        if other.dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError("shapes %s and %s are not compatible" % (self, other))
        return TensorShape([a if a is not None else b for a, b in zip(self.dims, other.dims)])

    def most_specific_compatible(self, other):
        """The most specific shape that both shapes are compatible with (used to relax)."""
        other = as_shape(other)
        if self.dims is None or other.dims is None or len(self.dims) != len(other.dims):
            return UNKNOWN
        return TensorShape([a if a == b else None for a, b in zip(self.dims, other.dims)])

    def __iter__(self):
        if self.dims is None:
            raise ValueError("cannot iterate a shape of unknown rank")
        return iter(self.dims)

    def __len__(self):
        if self.dims is None:
            raise ValueError("len() of a shape of unknown rank")
        return len(self.dims)

    def __getitem__(self, i):
        if self.dims is None:
            return None if isinstance(i, int) else UNKNOWN
        if isinstance(i, slice):
            return TensorShape(self.dims[i])
        return self.dims[i]

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self.dims == other.dims

    def __hash__(self):
        return hash(self.dims)

    def __repr__(self):
        if self.dims is None:
            return "<unknown>"
        if len(self.dims) == 1:
            return "(%s,)" % _fmt(self.dims[0])
        return "(%s)" % ", ".join(_fmt(d) for d in self.dims)

    __str__ = __repr__


def _fmt(d):
    return "None" if d is None else str(d)


def _dim(d):
    if d is None:
        return None
    try:
        d = int(d)
    except (TypeError, ValueError):
        raise TypeError("a shape dimension must be an int or None, got %r" % (d,)) from None
    if d < 0:
        if d == -1:
            return None
        raise ValueError("a shape dimension must be >= 0, got %d" % d)
    return d


UNKNOWN = TensorShape(None)
SCALAR = TensorShape(())


def as_shape(value):
    if isinstance(value, TensorShape):
        return value
    if value is None:
        return UNKNOWN
    return TensorShape(value)


def broadcast(a, b):
    """Static broadcast of two shapes (numpy rules); ValueError on a certain mismatch."""
    if a.dims is None or b.dims is None:
        return UNKNOWN
    if a.dims == b.dims:
        return a
    x, y = a.dims, b.dims
    if len(x) < len(y):
        x, y = y, x
    y = (1,) * (len(x) - len(y)) + y
    out = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None or q is None:
            out.append(p if q is None else q)
        elif p == q:
            out.append(p)
        else:
            raise ValueError("shapes %s and %s cannot be broadcast together" % (a, b))
    return TensorShape(out)
