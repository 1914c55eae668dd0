"""Growable lists of the JAX backend: a Python list appended inside a staged JAX loop is
lowered to a `JaxList` (a fixed-capacity buffer and a count); `JaxLists` holds the backend's
list methods (mixed into `JaxBackend`).
"""

from autograph.operators.staging import number_keeps_value

__all__ = ["JaxList", "JaxLists"]


class JaxList:
    """A Python list appended to inside a staged JAX loop: a preallocated buffer plus a count.

    `buffer` has `capacity` rows (the loop's trip count or declared bound plus the items from
    before the loop); `count` is how many are used (a Python int when static, else an int32
    array). `jnp.stack(lst)` / `jnp.asarray(lst)` in converted code give the used rows.
    """

    __slots__ = ("buffer", "count", "name", "appended", "exact")

    def __init__(self, buffer, count, name=None, appended=None, exact=True):
        self.buffer, self.count, self.name = buffer, count, name
        # While a loop body is traced: the most items appended since the iteration started
        # (None outside a body), and whether exactly that many were (no append inside a
        # tensor-dependent `if` that the other branch lacks). Sizes the buffer; an exact count
        # in a loop with a static trip count gives a static length after the loop.
        self.appended, self.exact = appended, exact

    def __getitem__(self, i):
        if isinstance(i, int) and isinstance(self.count, int) and not -self.count <= i < \
                self.count:
            raise IndexError("list index out of range")
        if isinstance(i, int) and i < 0:
            i = self.count + i
        import jax.lax as lax
        return lax.dynamic_index_in_dim(self.buffer, i, keepdims=False)

    def __repr__(self):
        return "JaxList(%d rows, count=%r)" % (self.buffer.shape[0], self.count)


class _Spec:
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = tuple(shape), dtype

    def __repr__(self):
        return "_Spec(%s, %s)" % (self.shape, self.dtype)


class _ListSpec(_Spec):
    """A JaxList of rows of this shape and dtype; `items`: Python items from before the loop."""

    __slots__ = ("items",)

    def __init__(self, shape, dtype, items=()):
        _Spec.__init__(self, shape, dtype)
        self.items = list(items)


class _PendingList:
    """A list lowered by the generic staging logic before the loop's size is known: becomes a
    JaxList with the right capacity when the backend's loop sees it."""

    __slots__ = ("spec", "items")

    def __init__(self, spec, items):
        self.spec, self.items = spec, list(items)


def _count_array(jnp, count):
    # A static count is carried as an int32 array (pytree leaves of a loop are arrays);
    # JAX may also unflatten avals into a JaxList: those pass through.
    return jnp.asarray(count, jnp.int32) if type(count) is int else count


def _is_list_leaf(x):
    return isinstance(x, (JaxList, _PendingList))


class JaxLists:
    """The list methods of `JaxBackend` (see `Backend`'s growable lists)."""

    def is_list(self, value):
        return isinstance(value, (JaxList, _PendingList))

    def new_list(self, spec, items):
        shape = tuple(spec.shape)
        return _PendingList(_ListSpec(shape, spec.dtype), items)

    def list_spec(self, lst):
        if isinstance(lst, _PendingList):
            return lst.spec
        return _ListSpec(lst.buffer.shape[1:], lst.buffer.dtype)

    def _lower_pending(self, loop_vars, bound, names, where, rows):
        """Pending lists among the loop variables become buffers of `bound` more rows."""
        if not any(isinstance(x, _PendingList) for x in
                   self.tree.tree_leaves(loop_vars, is_leaf=_is_list_leaf)):
            return loop_vars
        out = []
        for k, v in enumerate(loop_vars):
            if isinstance(v, _PendingList):
                name = names[k] if names and k < len(names) else "<list>"
                if bound is None:
                    raise TypeError(
                        "list '%s' is appended to inside a tensor-dependent loop%s whose number "
                        "of iterations is not known when it is traced; JAX needs a fixed size. "
                        "Declare a bound with `ag.set_loop_options(maximum_iterations=N)` at "
                        "the top of the loop body (the list becomes a buffer of N rows), or "
                        "loop over a static range or an array" % (name, where))
                v = self._buffer(v, int(bound) * rows.get(k, 1), name)
            out.append(v)
        return tuple(out)

    def _item(self, name, value, dtype):
        """`value` as an item of list `name` whose items are `dtype`: a weak value (a Python
        number) takes that dtype as JAX promotes it, where that keeps its value; anything
        else of another dtype is refused (a cast would change it: 0.5 in an int32 list)."""
        jnp = self.jnp
        x = value if self._is_array(value) else jnp.asarray(value)
        if x.dtype == dtype:
            return x
        number = type(value) in (bool, int, float, complex)
        if (number or self.is_weak(x)) and jnp.result_type(x, dtype) == dtype \
                and (not number or number_keeps_value(value, dtype)):
            return x.astype(dtype)
        from autograph.operators.staging import _describe
        raise TypeError(
            "list '%s' holds %s items (the dtype of the first item appended in the staged "
            "loop) but is given %s in the loop%s; a list staged by JAX is one array, and as %s "
            "that item "
            "would change (plain Python keeps it, and jnp.stack of the Python list would "
            "promote the others). Append items of one dtype (e.g. make the first one %s)"
            % (name, dtype, _describe(self, value), self._user_where(), dtype,
               jnp.result_type(x, dtype)))

    def _buffer(self, pending, extra, name):
        jnp = self.jnp
        items = [self._item(name, x, pending.spec.dtype) for x in pending.items]
        n = len(items)
        buf = jnp.zeros((n + extra,) + tuple(pending.spec.shape), pending.spec.dtype)
        for i, x in enumerate(items):
            buf = buf.at[i].set(x)
        return JaxList(buf, n, name)

    def list_append(self, lst, value):
        if isinstance(lst, _PendingList):
            raise TypeError("internal: a pending list is appended to outside its loop")
        value = self._item(lst.name, value, lst.buffer.dtype)
        if value.shape != lst.buffer.shape[1:]:
            raise TypeError(
                "list '%s' is appended a value of shape %s inside a tensor-dependent loop, but "
                "its items have shape %s; a list staged by JAX holds items of one shape"
                % (lst.name, tuple(value.shape), tuple(lst.buffer.shape[1:])))
        buf = self.lax.dynamic_update_index_in_dim(lst.buffer, value, lst.count, 0)
        appended = lst.appended + 1 if lst.appended is not None else None
        return JaxList(buf, lst.count + 1, lst.name, appended, lst.exact)

    def list_pop(self, lst):
        raise NotImplementedError(
            "pop() from list '%s' inside a tensor-dependent JAX loop is not supported; only "
            "appending is" % getattr(lst, "name", "?"))

    def list_length(self, lst):
        if isinstance(lst, _PendingList):
            return len(lst.items)
        return lst.count

    def list_item(self, lst, i):
        return self.lax.dynamic_index_in_dim(lst.buffer, i, keepdims=False)

    def list_stack(self, lst):
        if isinstance(lst, _PendingList):
            return self.jnp.stack([self.to_value(x, lst.spec.dtype) for x in lst.items]) \
                if lst.items else self.jnp.zeros((0,) + lst.spec.shape, lst.spec.dtype)
        rows = lst.buffer.shape[0]
        count = lst.count
        if not isinstance(count, self.Tracer):
            n = int(count)
            return lst.buffer if n == rows else lst.buffer[:n]
        raise TypeError(
            "list '%s' was appended to a number of times only known at run time (a loop with "
            "break/continue/return, or a `while` loop with a declared bound); JAX arrays have "
            "a static shape, so it cannot be stacked exactly. Use its buffer of %d rows and "
            "its length explicitly, e.g. keep a counter and append in every iteration"
            % (lst.name, rows))
