"""`assert_stmt`: `assert cond, msg` on Python values, an assert op on graph tensors."""

from autograph.operators import dispatch

__all__ = ["assert_stmt"]

backend_for = dispatch.backend_for


def assert_stmt(cond, msg_thunk=None):
    """`assert cond, msg_thunk()`.

    Args:
      cond: the asserted value; a graph tensor builds an assert op that checks it (all
        elements true) each time the graph runs.
      msg_thunk: None, or a function of no arguments returning the message (only called
        when needed: on failure for Python values; once while building for tensors).
    Returns:
      None for Python values; the assert op for graph tensors.
    Raises:
      AssertionError: a Python or eager condition is false.
    """
    if cond is True:
        return None
    backend = backend_for(cond)
    if backend is not None:
        message, data = "", []
        if msg_thunk is not None:
            msg = msg_thunk()
            if backend.is_value(msg):
                data = [msg]
            elif isinstance(msg, (list, tuple)):
                parts = []
                for m in msg:
                    (data if backend.is_value(m) else parts).append(m)
                message = " ".join(str(p) for p in parts)
            else:
                message = str(msg)
        return backend.assert_(cond, message, data)
    if not cond:
        if msg_thunk is None:
            raise AssertionError()
        raise AssertionError(msg_thunk())
    return None
