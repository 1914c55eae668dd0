"""Optimizers (`ag.optimizers`): SGD (with momentum) and Adam, as in Keras.

`apply_gradients(zip(grads, variables))` updates the variables with `assign_sub`: eagerly it
changes them at once; inside `ag.function` the updates become graph ops that run on every call.
Slot variables (momentum, Adam's moments) and the step counter `iterations` are created on the
first call, eagerly even inside a trace, like a layer's weights.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.ops import math_ops
from autograph.runtime.tape import GradientTape
from autograph.runtime.variables import Variable

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Base class: subclasses define `_create_slots(var)` and `_update(var, grad, step)`.

    Args:
      learning_rate: a float, or a callable with no arguments returning one (read when
        `apply_gradients` runs eagerly, or when it is traced).
      name: a name for the slot variables.
    """

    def __init__(self, learning_rate, name):
        self.learning_rate = learning_rate
        self.name = name
        self._slots = {}            # id(variable) -> {slot name: Variable}
        self._iterations = None

    @property
    def iterations(self):
        """The number of `apply_gradients` calls so far (an int64 Variable)."""
        if self._iterations is None:
            self._iterations = Variable(np.int64(0), name="%s/iter" % self.name,
                                        trainable=False)
        return self._iterations

    def _lr(self):
        lr = self.learning_rate
        return float(lr() if callable(lr) else lr)

    def apply_gradients(self, grads_and_vars, name=None):
        """Updates each variable with its gradient.

        Args:
          grads_and_vars: pairs (gradient, variable), e.g. `zip(grads, variables)`. Pairs
            whose gradient is None are skipped.
        Returns:
          The `iterations` variable (incremented by one).
        Raises:
          ValueError: no gradient is given for any variable, or a pair is not (tensor,
            Variable).
        """
        pairs = list(grads_and_vars)
        for pair in pairs:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Variable)):
                raise ValueError("apply_gradients takes (gradient, variable) pairs such as "
                                 "zip(grads, model.trainable_variables), got %r" % (pair,))
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            raise ValueError("no gradients provided for any variable: the loss does not depend "
                             "on them (check that the tape watched the computation)")
        step = self.iterations
        for _, v in pairs:
            if id(v) not in self._slots:
                self._slots[id(v)] = self._create_slots(v)
        step_value = math_ops.cast(step.assign_add(1), dtypes.float32)
        for g, v in pairs:
            if not v.trainable:
                raise ValueError("variable %s is not trainable" % v.name)
            self._update(v, math_ops.cast(g, v.dtype), step_value)
        return step

    def minimize(self, loss, var_list, tape=None):
        """Computes the gradients of `loss` for `var_list` and applies them.

        Args:
          loss: a callable with no arguments returning the loss (run under a new tape), or a
            tensor already recorded by `tape`.
          var_list: the variables to update (e.g. `model.trainable_variables`).
          tape: the GradientTape that recorded a tensor `loss`.
        Returns:
          The `iterations` variable.
        Raises:
          ValueError: `loss` is a tensor but no tape is given.
        """
        var_list = list(var_list)
        if tape is None:
            if not callable(loss):
                raise ValueError("minimize: a loss tensor needs the tape that recorded it "
                                 "(tape=...); or pass a function that computes the loss")
            with GradientTape() as tape:
                loss = loss()
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def get_slot(self, var, slot_name):
        """The slot variable `slot_name` ('momentum', 'm', 'v') of `var`."""
        return self._slots[id(var)][slot_name]

    def variables(self):
        """The optimizer's own variables: `iterations` and the slots."""
        out = [self.iterations]
        for slots in self._slots.values():
            out.extend(slots[k] for k in sorted(slots))
        return out

    def _slot(self, var, slot_name):
        return Variable(np.zeros(tuple(var.shape.dims), var.dtype.as_numpy_dtype),
                        name="%s/%s/%s" % (self.name, var.name.split(":")[0], slot_name),
                        trainable=False)

    def _create_slots(self, var):
        return {}

    def _update(self, var, grad, step):
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, with optional momentum, as `tf.keras.optimizers.SGD`.

    Without momentum: `w -= lr * g`. With momentum m: `v = m * v - lr * g; w += v`; with
    `nesterov=True`: `w += m * v - lr * g`.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD"):
        super().__init__(learning_rate, name)
        if momentum < 0:
            raise ValueError("momentum must be >= 0, got %r" % (momentum,))
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _create_slots(self, var):
        return {"momentum": self._slot(var, "momentum")} if self.momentum else {}

    def _update(self, var, grad, step):
        lr = self._lr()
        if not self.momentum:
            var.assign_sub(lr * grad)
            return
        v = self._slots[id(var)]["momentum"]
        new_v = self.momentum * v.read_value() - lr * grad
        v.assign(new_v)
        if self.nesterov:
            var.assign_add(self.momentum * new_v - lr * grad)
        else:
            var.assign_add(new_v)


class Adam(Optimizer):
    """Adam, as `tf.keras.optimizers.Adam`.

    `m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
    w -= lr * sqrt(1-b2^t) / (1-b1^t) * m / (sqrt(v) + epsilon)`, t the step (from 1).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adam"):
        super().__init__(learning_rate, name)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def _create_slots(self, var):
        return {"m": self._slot(var, "m"), "v": self._slot(var, "v")}

    def _update(self, var, grad, step):
        slots = self._slots[id(var)]
        m, v = slots["m"], slots["v"]
        b1, b2 = self.beta_1, self.beta_2
        new_m = b1 * m.read_value() + (1.0 - b1) * grad
        new_v = b2 * v.read_value() + (1.0 - b2) * grad * grad
        m.assign(new_m)
        v.assign(new_v)
        t = math_ops.cast(step, var.dtype)
        scale = self._lr() * math_ops.sqrt(1.0 - math_ops.pow(b2, t)) / (1.0 - math_ops.pow(b1, t))
        var.assign_sub(scale * new_m / (math_ops.sqrt(new_v) + self.epsilon))
