"""Variable reads and assignments: stateful ops on storage held by the Variable object."""
import threading

import numpy as np

from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.registry import declare


def _var_dtype(ds, attrs):
    return attrs["var"].dtype


def _var_shape(shapes, attrs):
    return attrs["var"].shape


def _read(var):
    return var._value


READ_VARIABLE = declare("read_variable", _read, dtype=_var_dtype, shape=_var_shape,
                        stateful=True, grad=lambda op, g: [],
                        doc="Reads a variable's current value.")


def _assign_dtype(ds, attrs):
    var = attrs["var"]
    if ds[0] is not var.dtype:
        raise TypeError("variable %s is %s but the value is %s; use ag.cast"
                        % (var.name, var.dtype.name, ds[0].name))
    return var.dtype


def _assign_shape(shapes, attrs):
    var = attrs["var"]
    if not shapes[0].is_compatible_with(var.shape):
        raise ValueError("variable %s has shape %s but the value has shape %s"
                         % (var.name, var.shape, shapes[0]))
    return var.shape


def _check_shape(var, value):
    if np.shape(value) != var._np_shape:
        raise InvalidArgumentError("variable %s has shape %s but the value has shape %s"
                                   % (var.name, var.shape, np.shape(value)))


def _assign(value, var):
    _check_shape(var, value)
    var._value = np.array(value, dtype=var.dtype.np_dtype)
    return var._value


# assign_add/assign_sub read, compute and write the value: one lock makes that atomic, so
# threads updating one variable (eagerly, in Sessions or in ag.functions) lose no update.
_update_lock = threading.Lock()


def _assign_add(delta, var):
    _check_shape(var, np.broadcast_to(delta, var._np_shape) if np.ndim(delta) == 0 else delta)
    with _update_lock:
        var._value = np.asarray(var._value + delta, dtype=var.dtype.np_dtype)
        return var._value


def _assign_sub(delta, var):
    _check_shape(var, np.broadcast_to(delta, var._np_shape) if np.ndim(delta) == 0 else delta)
    with _update_lock:
        var._value = np.asarray(var._value - delta, dtype=var.dtype.np_dtype)
        return var._value


ASSIGN = declare("assign", _assign, dtype=_assign_dtype, shape=_assign_shape, stateful=True,
                 differentiable=False, doc="Sets a variable's value; returns the new value.")
ASSIGN_ADD = declare("assign_add", _assign_add, dtype=_assign_dtype, shape=_var_shape,
                     stateful=True, differentiable=False,
                     doc="Adds to a variable; returns the new value.")
ASSIGN_SUB = declare("assign_sub", _assign_sub, dtype=_assign_dtype, shape=_var_shape,
                     stateful=True, differentiable=False,
                     doc="Subtracts from a variable; returns the new value.")
