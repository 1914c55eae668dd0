"""Elementwise math, comparisons, logical ops, `where`, `matmul` and `cast`.

One block per op: kernel, declaration, public function. Kernels are plain numpy calls that
return exactly the declared dtype (graph plans run them without any conversion). Each
differentiable op's gradient rule is defined just above its declaration.
"""
import numpy as np

from autograph.runtime import dtypes
from autograph.runtime.errors import InvalidArgumentError
from autograph.runtime.ops import rules
from autograph.runtime.ops.gradient_ops import input_needed, unbroadcast
from autograph.runtime.registry import apply, declare
from autograph.runtime.shapes import UNKNOWN, TensorShape, broadcast
from autograph.runtime.tensor import Tensor

try:  # numpy >= 2: set the error state the way np.errstate does, minus ~1 us of wrapper per call
    from numpy._core._ufunc_config import _extobj_contextvar
    from numpy._core.umath import _make_extobj
except ImportError:  # pragma: no cover - older numpy
    _extobj_contextvar = None


def _errstate(kernel, **modes):
    """`kernel` run under numpy error handling `modes` (like the np.errstate decorator)."""
    if _extobj_contextvar is None:  # pragma: no cover
        return np.errstate(**modes)(kernel)

    made = {}   # current error state -> it with `modes` applied (the state objects persist)

    def run(*args, **attrs):
        current = _extobj_contextvar.get()
        state = made.get(current)
        if state is None:
            if len(made) >= 8:
                made.clear()
            state = made[current] = _make_extobj(**modes)
        token = _extobj_contextvar.set(state)
        try:
            return kernel(*args, **attrs)
        finally:
            _extobj_contextvar.reset(token)

    run.__name__ = run.__qualname__ = getattr(kernel, "__name__", "kernel")
    run.__doc__ = kernel.__doc__
    return run


def _quiet(kernel):
    """Float kernels that divide, take logs or roots, or overflow return inf/nan silently, as
    in TensorFlow (numpy would warn)."""
    return _errstate(kernel, divide="ignore", invalid="ignore", over="ignore")


def _int_division(kernel):
    """Integer division by zero raises (numpy would warn and return 0); overflow wraps."""
    return _errstate(kernel, divide="raise", over="ignore")


# -- shared dtype rules ------------------------------------------------------------------------
def _same_numeric(ds, attrs):
    """Binary numeric ops: both inputs share a numeric dtype, which is the result's."""
    a, b = ds
    if a is not b:
        raise TypeError("inputs are %s and %s; tensors of different dtypes are not promoted "
                        "automatically, use ag.cast on one of them" % (a.name, b.name))
    if not a.is_numeric:
        raise TypeError("expected numeric tensors, got %s" % a.name)
    return a


def _compare_numeric(ds, attrs):
    _same_numeric(ds, attrs)
    return dtypes.bool_


def _compare_any(ds, attrs):
    a, b = ds
    if a is not b:
        raise TypeError("inputs are %s and %s; tensors of different dtypes are not promoted "
                        "automatically, use ag.cast on one of them" % (a.name, b.name))
    return dtypes.bool_


# == binary arithmetic ==========================================================================

def _add_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g, x), unbroadcast(g, y)]


ADD = declare("add", np.add, dtype=_same_numeric, shape=rules.broadcast_all, same_dtype="all",
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


SUBTRACT = declare("subtract", np.subtract, dtype=_same_numeric, shape=rules.broadcast_all,
                   same_dtype="all", grad=_subtract_grad,
                   doc="x - y, elementwise with broadcasting.")


def subtract(x, y, name=None):
    """Returns x - y elementwise. Args, Returns, Raises: as `add`."""
    return apply(SUBTRACT, [x, y], name=name)


def _multiply_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(multiply(g, y), x), unbroadcast(multiply(g, x), y)]


MULTIPLY = declare("multiply", np.multiply, dtype=_same_numeric, shape=rules.broadcast_all,
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
    d = _same_numeric(ds, attrs)
    return _TRUEDIV.get(d, d)


@_quiet
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


@_quiet
def _float_floordiv(x, y):
    return np.floor_divide(x, y)


@_int_division
def _int_floordiv(x, y):
    return np.floor_divide(x, y)


def _floordiv(x, y):
    if x.dtype.kind == "f":
        return _float_floordiv(x, y)
    try:
        return _int_floordiv(x, y)
    except FloatingPointError:
        raise InvalidArgumentError("floordiv: integer division by zero") from None


FLOORDIV = declare("floordiv", _floordiv, dtype=_same_numeric, shape=rules.broadcast_all,
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


@_quiet
def _float_mod(x, y):
    return np.remainder(x, y)


@_int_division
def _int_mod(x, y):
    return np.remainder(x, y)


def _mod(x, y):
    if x.dtype.kind == "f":
        return _float_mod(x, y)
    try:
        return _int_mod(x, y)
    except FloatingPointError:
        raise InvalidArgumentError("mod: integer division by zero") from None


def _mod_grad(op, g):
    # x % y == x - floor(x / y) * y, with floor(x / y) piecewise constant.
    x, y = op.inputs
    if not x.dtype.is_floating:
        return [None, None]
    return [unbroadcast(g, x), unbroadcast(negative(multiply(g, floordiv(x, y))), y)]


MOD = declare("mod", _mod, dtype=_same_numeric, shape=rules.broadcast_all, same_dtype="all",
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


@_quiet
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


POW = declare("pow", _pow, dtype=_same_numeric, shape=rules.broadcast_all, same_dtype="all",
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


MAXIMUM = declare("maximum", np.maximum, dtype=_same_numeric, shape=rules.broadcast_all,
                  same_dtype="all", grad=_maximum_grad, doc="Elementwise maximum (nan wins).")


def maximum(x, y, name=None):
    """Returns the elementwise maximum of x and y. Args, Returns, Raises: as `add`."""
    return apply(MAXIMUM, [x, y], name=name)


def _minimum_grad(op, g):
    return _pick_grads(op, g, less_equal(*op.inputs))


MINIMUM = declare("minimum", np.minimum, dtype=_same_numeric, shape=rules.broadcast_all,
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
    from autograph.runtime.ops.array_ops import zeros_like
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


SQRT = declare("sqrt", _quiet(np.sqrt), dtype=rules.floating, shape=rules.same_shape,
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


EXP = declare("exp", _quiet(np.exp), dtype=rules.floating, shape=rules.same_shape,
              grad=_exp_grad, doc="e ** x, elementwise (inf on overflow).")


def exp(x, name=None):
    """Returns e ** x elementwise. Args, Returns, Raises: as `sqrt`."""
    return apply(EXP, [x], name=name)


def _log_grad(op, g):
    return [divide(g, op.inputs[0])]


LOG = declare("log", _quiet(np.log), dtype=rules.floating, shape=rules.same_shape,
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


@_quiet
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


# == comparisons (bool results, not differentiable) =============================================

LESS = declare("less", np.less, dtype=_compare_numeric, shape=rules.broadcast_all,
               same_dtype="all", differentiable=False, doc="x < y, elementwise.")


def less(x, y, name=None):
    """Returns the bool tensor x < y (elementwise, broadcasting).

    Args:
      x, y: numeric tensors of one dtype (Python numbers take the tensor's dtype).
    Returns:
      A bool tensor with the broadcast shape.
    Raises:
      TypeError: the dtypes differ or are not numeric. ValueError: shapes do not broadcast.
    """
    return apply(LESS, [x, y], name=name)


LESS_EQUAL = declare("less_equal", np.less_equal, dtype=_compare_numeric,
                     shape=rules.broadcast_all, same_dtype="all", differentiable=False,
                     doc="x <= y, elementwise.")


def less_equal(x, y, name=None):
    """Returns the bool tensor x <= y. Args, Returns, Raises: as `less`."""
    return apply(LESS_EQUAL, [x, y], name=name)


GREATER = declare("greater", np.greater, dtype=_compare_numeric, shape=rules.broadcast_all,
                  same_dtype="all", differentiable=False, doc="x > y, elementwise.")


def greater(x, y, name=None):
    """Returns the bool tensor x > y. Args, Returns, Raises: as `less`."""
    return apply(GREATER, [x, y], name=name)


GREATER_EQUAL = declare("greater_equal", np.greater_equal, dtype=_compare_numeric,
                        shape=rules.broadcast_all, same_dtype="all", differentiable=False,
                        doc="x >= y, elementwise.")


def greater_equal(x, y, name=None):
    """Returns the bool tensor x >= y. Args, Returns, Raises: as `less`."""
    return apply(GREATER_EQUAL, [x, y], name=name)


EQUAL = declare("equal", np.equal, dtype=_compare_any, shape=rules.broadcast_all,
                same_dtype="all", differentiable=False, doc="x == y, elementwise.")


def equal(x, y, name=None):
    """Returns the bool tensor x == y; any dtype, bool included. Args etc.: as `less`."""
    return apply(EQUAL, [x, y], name=name)


NOT_EQUAL = declare("not_equal", np.not_equal, dtype=_compare_any, shape=rules.broadcast_all,
                    same_dtype="all", differentiable=False, doc="x != y, elementwise.")


def not_equal(x, y, name=None):
    """Returns the bool tensor x != y; any dtype, bool included. Args etc.: as `less`."""
    return apply(NOT_EQUAL, [x, y], name=name)


# == logical ops (bool in, bool out) ============================================================

LOGICAL_AND = declare("logical_and", np.logical_and, dtype=rules.boolean,
                      shape=rules.broadcast_all, differentiable=False, doc="x and y.")


def logical_and(x, y, name=None):
    """Returns x AND y elementwise.

    Args:
      x, y: bool tensors (or Python bools).
    Returns:
      A bool tensor with the broadcast shape.
    Raises:
      TypeError: an input is not bool. ValueError: shapes do not broadcast.
    """
    return apply(LOGICAL_AND, [x, y], name=name)


LOGICAL_OR = declare("logical_or", np.logical_or, dtype=rules.boolean,
                     shape=rules.broadcast_all, differentiable=False, doc="x or y.")


def logical_or(x, y, name=None):
    """Returns x OR y elementwise. Args, Returns, Raises: as `logical_and`."""
    return apply(LOGICAL_OR, [x, y], name=name)


LOGICAL_XOR = declare("logical_xor", np.logical_xor, dtype=rules.boolean,
                      shape=rules.broadcast_all, differentiable=False, doc="x != y on bools.")


def logical_xor(x, y, name=None):
    """Returns x XOR y elementwise. Args, Returns, Raises: as `logical_and`."""
    return apply(LOGICAL_XOR, [x, y], name=name)


LOGICAL_NOT = declare("logical_not", np.logical_not, dtype=rules.boolean,
                      shape=rules.same_shape, differentiable=False, doc="not x.")


def logical_not(x, name=None):
    """Returns NOT x elementwise.

    Args:
      x: a bool tensor.
    Returns:
      A bool tensor of x's shape.
    Raises:
      TypeError: x is not bool.
    """
    return apply(LOGICAL_NOT, [x], name=name)


# == where ======================================================================================

def _where_dtype(ds, attrs):
    c, x, y = ds
    if not c.is_bool:
        raise TypeError("the condition must be a bool tensor, got %s" % c.name)
    if x is not y:
        raise TypeError("x is %s but y is %s; they must have one dtype (use ag.cast)"
                        % (x.name, y.name))
    return x


def _where_grad(op, g):
    c, x, y = op.inputs
    return [None, unbroadcast(where(c, g, 0), x), unbroadcast(where(c, 0, g), y)]


WHERE = declare("where", np.where, dtype=_where_dtype, shape=rules.broadcast_all,
                same_dtype=(1, 2), grad=_where_grad,
                doc="cond ? x : y, elementwise with broadcasting.")


def where(condition, x, y, name=None):
    """Returns elements of x where `condition` is True and of y elsewhere.

    Args:
      condition: a bool tensor.
      x, y: tensors of one dtype (Python values take the other's dtype).
    Returns:
      A tensor of x's dtype with the broadcast shape of all three inputs.
    Raises:
      TypeError: condition is not bool, or x and y differ in dtype.
      ValueError: the shapes do not broadcast.
    """
    return apply(WHERE, [condition, x, y], name=name)


# == matmul =====================================================================================

def _matmul(a, b, transpose_a=False, transpose_b=False):
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError("matmul needs tensors of rank >= 2, got shapes %s and %s"
                         % (TensorShape(a.shape), TensorShape(b.shape)))
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] and a.dtype in _BLAS_DTYPES:
        return a.dot(b)     # the same BLAS product as np.matmul, at half its call overhead
    return np.matmul(a, b)


_BLAS_DTYPES = frozenset([np.dtype(np.float32), np.dtype(np.float64)])


def _matmul_shape(shapes, attrs):
    a, b = shapes
    if a.rank is None or b.rank is None:
        return UNKNOWN
    if a.rank < 2 or b.rank < 2:
        raise ValueError("matmul needs tensors of rank >= 2, got shapes %s and %s" % (a, b))
    m, k = a.dims[-2:][::-1] if attrs.get("transpose_a") else a.dims[-2:]
    k2, n = b.dims[-2:][::-1] if attrs.get("transpose_b") else b.dims[-2:]
    if k is not None and k2 is not None and k != k2:
        raise ValueError("matmul: inner dimensions differ (%d vs %d) for shapes %s and %s"
                         % (k, k2, a, b))
    try:
        batch = broadcast(TensorShape(a.dims[:-2]), TensorShape(b.dims[:-2]))
    except ValueError:
        raise ValueError("matmul: batch dimensions of shapes %s and %s do not broadcast"
                         % (a, b)) from None
    return TensorShape(batch.dims + (m, n))


def _matmul_grad(op, g):
    a, b = op.inputs
    ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
    ga = gb = None
    if input_needed(0):
        if ta:
            ga = matmul(b, g, transpose_a=tb, transpose_b=True)
        else:
            ga = matmul(g, b, transpose_b=not tb)
    if input_needed(1):
        if tb:
            gb = matmul(g, a, transpose_a=True, transpose_b=ta)
        else:
            gb = matmul(a, g, transpose_a=not ta)
    return [unbroadcast(ga, a), unbroadcast(gb, b)]      # batch axes may broadcast


MATMUL = declare("matmul", _matmul, dtype=_same_numeric, shape=_matmul_shape, same_dtype="all",
                 grad=_matmul_grad,
                 doc="Matrix product over the last two axes (batched, broadcasting).")


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of a and b over their last two axes; leading axes broadcast.

    Args:
      a, b: numeric tensors of one dtype and rank >= 2.
      transpose_a, transpose_b: transpose the last two axes of a / b first.
    Returns:
      A tensor of shape batch + (rows of a, columns of b).
    Raises:
      TypeError: the dtypes differ or are not numeric.
      ValueError: rank below 2, or the inner dimensions differ (names both shapes).
    """
    attrs = None
    if transpose_a or transpose_b:
        attrs = {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)}
    return apply(MATMUL, [a, b], attrs, name=name)


# == cast =======================================================================================

@_quiet     # nan/inf to int is undefined but silent, as in TensorFlow
def _cast(x, dtype):
    return x.astype(dtype.np_dtype)


def _cast_dtype(ds, attrs):
    return attrs["dtype"]


def _cast_grad(op, g):
    x = op.inputs[0]
    if not x.dtype.is_floating or not g.dtype.is_floating:
        return [None]             # no gradient through integers
    return [cast(g, x.dtype)]


CAST = declare("cast", _cast, dtype=_cast_dtype, shape=rules.same_shape,
               grad=_cast_grad,
               doc="Converts to another dtype (floats to ints truncate towards 0).")


def cast(x, dtype, name=None):
    """Converts x to `dtype`.

    Floats become integers by truncation towards zero; numbers become bool by `!= 0`.
    A tensor that already has `dtype` is returned as is.

    Args:
      x: a tensor or Python/numpy value.
      dtype: the target DType (or anything `ag.as_dtype` accepts).
    Returns:
      A tensor of `dtype` with x's shape.
    Raises:
      TypeError: `dtype` is not a supported dtype.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype is dtypes.variant:
        raise TypeError("cannot cast to the internal variant dtype")
    if isinstance(x, Tensor) and x.dtype is dtype:
        return x
    return apply(CAST, [x], {"dtype": dtype}, name=name)
