"""Elementwise arithmetic: binary (add ... minimum), unary (negative ... relu) and floating-point
functions (sqrt ... sigmoid).

One block per op: kernel, declaration, public function. Kernels are plain numpy calls that
return exactly the declared dtype (graph plans run them without any conversion). Each
differentiable op's gradient rule is defined just above its declaration; binary and unary ops
share a module because their gradients use each other.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.ops.compare_ops import greater, greater_equal, less_equal, where
from autograph.runtime.ops.errstate import int_division, quiet
from autograph.runtime.ops.gradient_ops import unbroadcast
from autograph.runtime.ops.shape_ops import zeros_like
from autograph.runtime.registry import apply, declare


# == binary arithmetic ==========================================================================

def _add_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g, x), unbroadcast(g, y)]


ADD = declare("add", np.add, dtype=rules.same_numeric, shape=rules.broadcast_all, same_dtype="all",
              grad=_add_grad, doc="x + y, elementwise with broadcasting.")


def add(x, y, name=None):
    """Returns x + y elementwise (numpy broadcasting).

    Args:
      x, y: numeric tensors of one dtype (Python numbers take the tensor's dtype).
    Returns:
      A tensor of that dtype with the broadcast shape.
    Raises:
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(ADD, [x, y], name=name)


def _subtract_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g, x), unbroadcast(negative(g), y)]


SUBTRACT = declare("subtract", np.subtract, dtype=rules.same_numeric, shape=rules.broadcast_all,
                   same_dtype="all", grad=_subtract_grad,
                   doc="x - y, elementwise with broadcasting.")


def subtract(x, y, name=None):
    """Returns x - y elementwise. Args, Returns, Raises: as `add`."""
    return apply(SUBTRACT, [x, y], name=name)


def _multiply_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(multiply(g, y), x), unbroadcast(multiply(g, x), y)]


MULTIPLY = declare("multiply", np.multiply, dtype=rules.same_numeric, shape=rules.broadcast_all,
                   same_dtype="all", grad=_multiply_grad,
                   doc="x * y, elementwise with broadcasting.")


def multiply(x, y, name=None):
    """Returns x * y elementwise. Args, Returns, Raises: as `add`."""
    return apply(MULTIPLY, [x, y], name=name)


# True division of integers gives floats, as in TensorFlow's truediv.
_TRUEDIV = {dtypes.int8: dtypes.float32, dtypes.uint8: dtypes.float32,
            dtypes.int16: dtypes.float32, dtypes.int32: dtypes.float64,
            dtypes.int64: dtypes.float64}
_TRUEDIV_NP = {d.np_dtype: r.np_dtype for d, r in _TRUEDIV.items()}


def _divide_dtype(ds, attrs):
    d = rules.same_numeric(ds, attrs)
    return _TRUEDIV.get(d, d)


@quiet
def _divide(x, y):
    return np.true_divide(x, y, dtype=_TRUEDIV_NP.get(x.dtype))


def _divide_grad(op, g):
    x, y = op.inputs
    if not x.dtype.is_floating:
        return [None, None]       # integer inputs: no gradient
    return [unbroadcast(divide(g, y), x),
            unbroadcast(negative(multiply(g, divide(op.outputs[0], y))), y)]


DIVIDE = declare("divide", _divide, dtype=_divide_dtype, shape=rules.broadcast_all,
                 same_dtype="all", grad=_divide_grad, doc="x / y (true division), elementwise.")


def divide(x, y, name=None):
    """Returns x / y elementwise (true division).

    Integer inputs give floats as in TensorFlow: int8/int16/uint8 -> float32, int32/int64 ->
    float64. Float division by zero gives inf or nan.

    Args:
      x, y: numeric tensors of one dtype.
    Returns:
      A floating-point tensor with the broadcast shape.
    Raises:
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(DIVIDE, [x, y], name=name)


truediv = divide


def _division_kernel(op_name, ufunc):
    """Kernel of `ufunc` (// or %): quiet inf/nan on floats, InvalidArgumentError on an integer
    division by zero."""
    on_floats, on_ints = quiet(ufunc), int_division(ufunc)

    def kernel(x, y):
        if x.dtype.kind == "f":
            return on_floats(x, y)
        try:
            return on_ints(x, y)
        except FloatingPointError:
            raise InvalidArgumentError(f"{op_name}: integer division by zero") from None

    kernel.__name__ = kernel.__qualname__ = f"_{op_name}"
    return kernel


_floordiv = _division_kernel("floordiv", np.floor_divide)


FLOORDIV = declare("floordiv", _floordiv, dtype=rules.same_numeric, shape=rules.broadcast_all,
                   same_dtype="all", differentiable=False,
                   doc="x // y, rounding towards -inf (Python semantics).")


def floordiv(x, y, name=None):
    """Returns x // y elementwise, rounded towards -inf exactly like Python's `//`.

    Args:
      x, y: numeric tensors of one dtype.
    Returns:
      A tensor of that dtype with the broadcast shape. Float division by zero gives inf/nan.
    Raises:
      InvalidArgumentError: integer division by zero (when the op runs).
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(FLOORDIV, [x, y], name=name)


floor_divide = floordiv


_mod = _division_kernel("mod", np.remainder)


def _mod_grad(op, g):
    # x % y == x - floor(x / y) * y, with floor(x / y) piecewise constant.
    x, y = op.inputs
    if not x.dtype.is_floating:
        return [None, None]
    return [unbroadcast(g, x), unbroadcast(negative(multiply(g, floordiv(x, y))), y)]


MOD = declare("mod", _mod, dtype=rules.same_numeric, shape=rules.broadcast_all, same_dtype="all",
              grad=_mod_grad, doc="x % y with the sign of y (Python semantics).")


def mod(x, y, name=None):
    """Returns x % y elementwise; the result has the sign of y, exactly like Python's `%`.

    Args:
      x, y: numeric tensors of one dtype.
    Returns:
      A tensor of that dtype with the broadcast shape. Float x % 0 gives nan.
    Raises:
      InvalidArgumentError: integer division by zero (when the op runs).
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(MOD, [x, y], name=name)


floormod = mod


@quiet
def _pow(x, y):
    return np.power(x, y)


def _pow_grad(op, g):
    x, y = op.inputs
    if not x.dtype.is_floating:
        return [None, None]
    gx = multiply(g, multiply(y, pow(x, subtract(y, 1))))
    # d/dy x ** y = x ** y * log(x), taken as 0 where x <= 0 (as TensorFlow does).
    positive = greater(x, 0)
    log_x = log(where(positive, x, 1))
    gy = multiply(g, where(positive, multiply(op.outputs[0], log_x), 0))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


POW = declare("pow", _pow, dtype=rules.same_numeric, shape=rules.broadcast_all, same_dtype="all",
              grad=_pow_grad, doc="x ** y, elementwise.")


def pow(x, y, name=None):  # shadows the builtin: the TensorFlow name
    """Returns x ** y elementwise.

    Args:
      x, y: numeric tensors of one dtype.
    Returns:
      A tensor of that dtype with the broadcast shape.
    Raises:
      InvalidArgumentError: an integer raised to a negative integer power (when it runs).
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(POW, [x, y], name=name)


def _pick_grads(op, g, x_wins):
    """The gradient goes to x where `x_wins`, to y elsewhere (maximum/minimum)."""
    x, y = op.inputs
    return [unbroadcast(where(x_wins, g, 0), x), unbroadcast(where(x_wins, 0, g), y)]


def _maximum_grad(op, g):
    return _pick_grads(op, g, greater_equal(*op.inputs))


MAXIMUM = declare("maximum", np.maximum, dtype=rules.same_numeric, shape=rules.broadcast_all,
                  same_dtype="all", grad=_maximum_grad, doc="Elementwise maximum (nan wins).")


def maximum(x, y, name=None):
    """Returns the elementwise maximum of x and y. Args, Returns, Raises: as `add`."""
    return apply(MAXIMUM, [x, y], name=name)


def _minimum_grad(op, g):
    return _pick_grads(op, g, less_equal(*op.inputs))


MINIMUM = declare("minimum", np.minimum, dtype=rules.same_numeric, shape=rules.broadcast_all,
                  same_dtype="all", grad=_minimum_grad, doc="Elementwise minimum (nan wins).")


def minimum(x, y, name=None):
    """Returns the elementwise minimum of x and y. Args, Returns, Raises: as `add`."""
    return apply(MINIMUM, [x, y], name=name)


# == unary arithmetic ===========================================================================

def _negative_grad(op, g):
    return [negative(g)]


NEGATIVE = declare("negative", np.negative, dtype=rules.numeric, shape=rules.same_shape,
                   grad=_negative_grad, doc="-x, elementwise.")


def negative(x, name=None):
    """Returns -x elementwise.

    Args:
      x: a numeric tensor.
    Returns:
      A tensor of x's dtype and shape.
    Raises:
      TypeError: x is not numeric.
    """
    return apply(NEGATIVE, [x], name=name)


def _abs_grad(op, g):
    return [multiply(g, sign(op.inputs[0]))]


ABS = declare("abs", np.absolute, dtype=rules.numeric, shape=rules.same_shape,
              grad=_abs_grad, doc="|x|, elementwise.")


def abs(x, name=None):  # shadows the builtin: the TensorFlow name
    """Returns |x| elementwise. Args, Returns, Raises: as `negative`."""
    return apply(ABS, [x], name=name)


def _sign_grad(op, g):
    return [zeros_like(g)]


SIGN = declare("sign", np.sign, dtype=rules.numeric, shape=rules.same_shape,
               grad=_sign_grad, doc="-1, 0 or 1 by the sign of x (nan stays nan).")


def sign(x, name=None):
    """Returns -1, 0 or 1 elementwise by the sign of x. Args, Returns, Raises: as `negative`."""
    return apply(SIGN, [x], name=name)


def _square_grad(op, g):
    return [multiply(g, multiply(op.inputs[0], 2))]


SQUARE = declare("square", np.square, dtype=rules.numeric, shape=rules.same_shape,
                 grad=_square_grad, doc="x * x, elementwise.")


def square(x, name=None):
    """Returns x * x elementwise. Args, Returns, Raises: as `negative`."""
    return apply(SQUARE, [x], name=name)


def _relu(x):
    return np.maximum(x, 0)


def _relu_grad(op, g):
    return [where(greater(op.inputs[0], 0), g, 0)]


RELU = declare("relu", _relu, dtype=rules.numeric,
               shape=rules.same_shape, grad=_relu_grad, doc="max(x, 0), elementwise.")


def relu(x, name=None):
    """Returns max(x, 0) elementwise. Args, Returns, Raises: as `negative`."""
    return apply(RELU, [x], name=name)


# == floating-point functions ===================================================================

def _sqrt_grad(op, g):
    return [divide(multiply(g, 0.5), op.outputs[0])]


SQRT = declare("sqrt", quiet(np.sqrt), dtype=rules.floating, shape=rules.same_shape,
               grad=_sqrt_grad, doc="Square root, elementwise (nan for negative inputs).")


def sqrt(x, name=None):
    """Returns the square root of x elementwise; negative inputs give nan.

    Args:
      x: a floating-point tensor.
    Returns:
      A tensor of x's dtype and shape.
    Raises:
      TypeError: x is not floating-point (use ag.cast first).
    """
    return apply(SQRT, [x], name=name)


def _exp_grad(op, g):
    return [multiply(g, op.outputs[0])]


EXP = declare("exp", quiet(np.exp), dtype=rules.floating, shape=rules.same_shape,
              grad=_exp_grad, doc="e ** x, elementwise (inf on overflow).")


def exp(x, name=None):
    """Returns e ** x elementwise. Args, Returns, Raises: as `sqrt`."""
    return apply(EXP, [x], name=name)


def _log_grad(op, g):
    return [divide(g, op.inputs[0])]


LOG = declare("log", quiet(np.log), dtype=rules.floating, shape=rules.same_shape,
              grad=_log_grad, doc="Natural logarithm, elementwise (-inf at 0, nan below).")


def log(x, name=None):
    """Returns the natural logarithm of x elementwise (-inf at 0, nan below 0).

    Args, Returns, Raises: as `sqrt`.
    """
    return apply(LOG, [x], name=name)


def _sin_grad(op, g):
    return [multiply(g, cos(op.inputs[0]))]


SIN = declare("sin", np.sin, dtype=rules.floating, shape=rules.same_shape, grad=_sin_grad,
              doc="Sine.")


def sin(x, name=None):
    """Returns sin(x) elementwise. Args, Returns, Raises: as `sqrt`."""
    return apply(SIN, [x], name=name)


def _cos_grad(op, g):
    return [negative(multiply(g, sin(op.inputs[0])))]


COS = declare("cos", np.cos, dtype=rules.floating, shape=rules.same_shape, grad=_cos_grad,
              doc="Cosine.")


def cos(x, name=None):
    """Returns cos(x) elementwise. Args, Returns, Raises: as `sqrt`."""
    return apply(COS, [x], name=name)


def _tanh_grad(op, g):
    return [multiply(g, subtract(1, square(op.outputs[0])))]


TANH = declare("tanh", np.tanh, dtype=rules.floating, shape=rules.same_shape,
               grad=_tanh_grad, doc="Hyperbolic tangent.")


def tanh(x, name=None):
    """Returns tanh(x) elementwise. Args, Returns, Raises: as `sqrt`."""
    return apply(TANH, [x], name=name)


@quiet
def _sigmoid(x):
    # 1 / (1 + exp(-x)): exp overflows to inf (silently) for very negative x, giving exactly 0.
    # float16 runs in float32, so its tiny results are not lost to that overflow.
    if x.dtype == np.float16:
        return _sigmoid(x.astype(np.float32)).astype(np.float16)
    e = np.exp(np.negative(x))
    e += 1
    if type(e) is np.ndarray:
        return np.reciprocal(e, out=e)
    return np.reciprocal(e)


def _sigmoid_grad(op, g):
    y = op.outputs[0]
    return [multiply(g, multiply(y, subtract(1, y)))]


SIGMOID = declare("sigmoid", _sigmoid, dtype=rules.floating, shape=rules.same_shape,
                  grad=_sigmoid_grad, doc="1 / (1 + exp(-x)), elementwise.")


def sigmoid(x, name=None):
    """Returns 1 / (1 + exp(-x)) elementwise, computed without overflow.

    Args, Returns, Raises: as `sqrt`.
    """
    return apply(SIGMOID, [x], name=name)
