"""List helpers: `l = list_append(l, x)` and `l, x = list_pop(l, i)`.

On a Python list they mutate it in place and return it (exactly `l.append(x)` / `l.pop(i)`).
When a list is appended to inside a staged loop, the loop lowers it to its backend's list
(a TensorArray, see loop_builder._LoopBuilder); these helpers then write to that instead.
"""
import sys

from autograph.operators import dispatch

__all__ = ["list_append", "list_pop"]


def list_append(target, element):
    """`target.append(element)`; returns the (possibly new) list.

    Args:
      target: a Python list, or a backend list (TensorArray) inside a staged loop.
      element: the value to append.
    Returns:
      the list to rebind the name to (the same Python list, or the new TensorArray).
    """
    if type(target) is list:
        list_ops = sys.modules.get("autograph.runtime.list_ops")
        if list_ops is not None and list_ops.has_declarations():   # ag.set_element_type
            list_ops.check_element(target, element)
        target.append(element)
        return target
    for b in dispatch.backends():
        if b.is_list(target):
            return b.list_append(target, element)
    target.append(element)  # any other object with an append method
    return target


def list_pop(target, i=None):
    """`target.pop(i)`; returns `(list, popped element)`.

    Args:
      target: a Python list (or object with `pop`), or a backend list.
      i: optional index, as for `list.pop`.
    """
    if type(target) is list:
        return target, (target.pop() if i is None else target.pop(i))
    for b in dispatch.backends():
        if b.is_list(target):
            if i is not None:
                raise NotImplementedError("pop(i) with an index from a TensorArray is not "
                                          "supported; only pop() of the last element")
            return b.list_pop(target)
    return target, (target.pop() if i is None else target.pop(i))
