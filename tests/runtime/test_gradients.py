"""Every differentiable op's gradient against central finite differences (float64).

Each case runs three ways: eagerly through a GradientTape, in a graph through
`gradients` with static shapes, and in a graph whose placeholders have unknown dimensions.
`test_every_differentiable_op_is_checked` fails when an op is declared differentiable without
a gradient rule, or without a case here (or a named test elsewhere).
"""
import numpy as np
import pytest

import autograph  # noqa: F401  (registers every op)
from autograph.runtime import control_flow, gradient_check, gradients, layers, nn, registry, tape  # noqa: F401,E501
from autograph.runtime import tensor_array  # noqa: F401
from autograph.runtime.ops import array_ops as A
from autograph.runtime.ops import gradient_ops as G
from autograph.runtime.ops import math_ops as M
from autograph.runtime.ops import reduction_ops as R
from autograph.runtime.ops import numerics_ops, pad_ops
from autograph.runtime.ops.core_ops import identity

rng = np.random.default_rng(1234)


def normal(*shape):
    return rng.normal(size=shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, size=shape)


def away_from_zero(*shape):
    return rng.uniform(0.3, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def distinct(*shape):
    """Values far apart, so max/min/relu/abs are differentiable at them."""
    n = int(np.prod(shape)) if shape else 1
    return (rng.permutation(n) * 0.37 - n * 0.15 + 0.05).reshape(shape)


# (name covering the op, function of the inputs, inputs[, options])
CASES = [
    ("add", M.add, [normal(2, 3), normal(3)]),
    ("add", M.add, [normal(2, 1, 3), normal(4, 1)]),
    ("subtract", M.subtract, [normal(2, 3), normal(2, 1)]),
    ("multiply", M.multiply, [normal(2, 3), normal(1, 3)]),
    ("multiply", lambda x: M.multiply(x, 3.0), [normal(4)]),
    ("divide", M.divide, [normal(2, 3), positive(3)]),
    ("mod", M.mod, [positive(2, 3) * 3, np.array([0.7, 1.1, 1.3])]),
    ("pow", M.pow, [positive(2, 3), normal(2, 3)]),
    ("pow", lambda x: M.pow(x, 3.0), [normal(5)]),
    ("maximum", M.maximum, [distinct(2, 3), distinct(2, 3) + 0.1]),
    ("minimum", M.minimum, [distinct(2, 3), distinct(3) + 0.1]),
    ("negative", M.negative, [normal(3)]),
    ("abs", M.abs, [away_from_zero(2, 3)]),
    ("sign", lambda x: M.multiply(M.sign(x), x), [away_from_zero(4)]),
    ("square", M.square, [normal(2, 3)]),
    ("relu", M.relu, [distinct(3, 3)]),
    ("sqrt", M.sqrt, [positive(2, 3)]),
    ("exp", M.exp, [normal(2, 3)]),
    ("log", M.log, [positive(2, 3)]),
    ("sin", M.sin, [normal(4)]),
    ("cos", M.cos, [normal(4)]),
    ("tanh", M.tanh, [normal(2, 3)]),
    ("sigmoid", M.sigmoid, [normal(2, 3)]),
    ("where", lambda x, y: M.where(M.greater(x, 0.0), x, y), [away_from_zero(2, 3), normal(3)]),
    ("matmul", M.matmul, [normal(2, 3), normal(3, 4)]),
    ("matmul", lambda a, b: M.matmul(a, b, transpose_a=True), [normal(3, 2), normal(3, 4)]),
    ("matmul", lambda a, b: M.matmul(a, b, transpose_b=True), [normal(2, 3), normal(4, 3)]),
    ("matmul", lambda a, b: M.matmul(a, b, transpose_a=True, transpose_b=True),
     [normal(3, 2), normal(4, 3)]),
    ("matmul", M.matmul, [normal(2, 2, 3), normal(3, 4)]),
    ("matmul", M.matmul, [normal(1, 2, 3), normal(3, 3, 2)]),
    ("cast", lambda x: M.cast(M.cast(x, "float32"), "float64"), [np.array([0.5, -1.25, 2.0])],
     {"delta": 1e-2, "rtol": 1e-4}),          # linear: a wide step beats float32 rounding
    ("reduce_sum", R.reduce_sum, [normal(2, 3)]),
    ("reduce_sum", lambda x: R.reduce_sum(x, axis=1), [normal(2, 3, 2)]),
    ("reduce_sum", lambda x: R.reduce_sum(x, axis=(0, 2), keepdims=True), [normal(2, 3, 2)]),
    ("reduce_sum", lambda x: R.reduce_sum(x, axis=-1), [normal(2, 3)]),
    ("reduce_mean", R.reduce_mean, [normal(2, 3)]),
    ("reduce_mean", lambda x: R.reduce_mean(x, axis=0, keepdims=True), [normal(4, 3)]),
    ("reduce_max", lambda x: R.reduce_max(x, axis=1), [distinct(3, 4)]),
    ("reduce_max", R.reduce_max, [distinct(3, 4)]),
    ("reduce_min", lambda x: R.reduce_min(x, axis=0, keepdims=True), [distinct(3, 4)]),
    ("reduce_prod", lambda x: R.reduce_prod(x, axis=1), [away_from_zero(3, 4)]),
    ("reduce_prod", R.reduce_prod,
     [np.array([[1.5, 0.0, -2.0], [0.5, 1.2, 0.8]])]),          # one zero: still exact
    ("softmax", R.softmax, [normal(2, 5)]),
    ("softmax", lambda x: R.softmax(x, axis=0), [normal(3, 2)]),
    ("reshape", lambda x: A.reshape(x, [3, -1]), [normal(2, 3, 2)]),
    ("transpose", A.transpose, [normal(2, 3)]),
    ("transpose", lambda x: A.transpose(x, [1, 2, 0]), [normal(2, 3, 4)]),
    ("pad", lambda x: pad_ops.pad(x, [[1, 2], [0, 1]]), [normal(2, 3)]),
    ("pad", lambda x: pad_ops.pad(x, [[1, 1], [2, 1]], "REFLECT"), [normal(2, 3)]),
    ("pad", lambda x: pad_ops.pad(x, [[2, 1], [1, 3]], "SYMMETRIC"), [normal(2, 3)]),
    ("pad_grad", lambda g: pad_ops.pad_grad(g, ((1, 1), (2, 1)), "REFLECT"),
     [normal(4, 6)]),
    ("check_numerics", lambda x: numerics_ops.check_numerics(x, "x"), [normal(2, 3)]),
    ("expand_dims", lambda x: A.expand_dims(x, 1), [normal(2, 3)]),
    ("squeeze", lambda x: A.squeeze(x, [1]), [normal(2, 1, 3)]),
    ("broadcast_to", lambda x: A.broadcast_to(x, [2, 3, 3]), [normal(3, 1)]),
    ("fill", lambda x: A.fill([2, 3], x), [np.array(1.5)]),
    ("concat", lambda x, y: A.concat([x, y, x], axis=1), [normal(2, 3), normal(2, 2)]),
    ("stack", lambda x, y: A.stack([x, y], axis=1), [normal(2, 3), normal(2, 3)]),
    ("unstack", lambda x: A.unstack(x, num=3, axis=1)[::2], [normal(2, 3)]),
    ("gather", lambda x: A.gather(x, np.array([2, 0, 2])), [normal(3, 2)]),
    ("gather", lambda x: A.gather(x, np.array([[1], [0]]), axis=1), [normal(3, 2)]),
    ("strided_slice", lambda x: A.strided_slice(x, (slice(1, None), slice(None, None, -2))),
     [normal(3, 4)]),
    ("strided_slice", lambda x: A.strided_slice(x, (Ellipsis, 1, None)), [normal(2, 3, 4)]),
    ("identity", identity, [normal(3)]),
    ("sum_to_like", G.sum_to_like, [normal(2, 3), normal(1, 3)]),
    ("broadcast_like", G.broadcast_like, [normal(1, 3), normal(2, 3)]),
    ("conv2d", lambda x, f: nn.conv2d(x, f), [normal(2, 5, 4, 3), normal(3, 2, 3, 2)]),
    ("conv2d", lambda x, f: nn.conv2d(x, f, strides=2, padding="SAME"),
     [normal(1, 5, 6, 2), normal(3, 3, 2, 3)]),
    ("conv2d", lambda x, f: nn.conv2d(x, f, strides=(2, 3), padding="VALID"),
     [normal(2, 6, 7, 2), normal(3, 2, 2, 2)]),           # the last row is never reached
    ("conv2d_backprop_input",
     lambda f, dy: registry.apply(nn.CONV2D_BACKPROP_INPUT, [np.zeros((1, 5, 5, 2)), f, dy],
                                  {"strides": (2, 2), "padding": "SAME"}),
     [normal(3, 3, 2, 2), normal(1, 3, 3, 2)]),
    ("conv2d_backprop_filter",
     lambda x, dy: registry.apply(nn.CONV2D_BACKPROP_FILTER, [x, np.zeros((2, 2, 2, 3)), dy],
                                  {"strides": (1, 1), "padding": "VALID"}),
     [normal(1, 4, 4, 2), normal(1, 3, 3, 3)]),
    ("nn", lambda x: [nn.log_softmax(x), nn.softplus(x), nn.elu(x), nn.leaky_relu(x),
                      nn.relu6(M.multiply(x, 4.0))], [distinct(2, 4)]),
    ("nn", lambda x, y: [nn.sigmoid_cross_entropy_with_logits(y, x),
                         nn.softmax_cross_entropy_with_logits(R.softmax(y), x)],
     [normal(2, 3), normal(2, 3)]),
]

# Differentiable ops whose gradients are checked by other tests (named here).
ELSEWHERE = {
    "cond": "test_gradients_control_flow.py",
    "stateful_cond": "test_gradients_control_flow.py",
    "while": "test_gradients_control_flow.py",
    "stateful_while": "test_gradients_control_flow.py",
    "read_variable": "test_tape.py",
    "function_call": "test_tape.py",
    "stateful_function_call": "test_tape.py",
    "tensor_array_write": "test_gradients_control_flow.py",
    "tensor_array_read": "test_gradients_control_flow.py",
    "tensor_array_stack": "test_gradients_control_flow.py",
    "tensor_array_unstack": "test_gradients_control_flow.py",
    "defined_check": "tests/operators/test_op_staging_values.py",
    # Ops on TensorArray gradients: their rule is a clear error (no second order).
    "tensor_array_grad_add": "test_gradients_control_flow.py",
    "tensor_array_grad_of_read": "test_gradients_control_flow.py",
    "tensor_array_grad_read": "test_gradients_control_flow.py",
    "tensor_array_grad_stack": "test_gradients_control_flow.py",
    "tensor_array_grad_unstack": "test_gradients_control_flow.py",
}


def _ids():
    seen = {}
    out = []
    for name, *_ in CASES:
        seen[name] = seen.get(name, 0) + 1
        out.append("%s-%d" % (name, seen[name]))
    return out


@pytest.mark.parametrize("mode", ["eager", "graph", "graph_dynamic"])
@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_op_gradient_matches_finite_differences(case, mode):
    name, fn, inputs = case[:3]
    opts = case[3] if len(case) > 3 else {}
    pairs = gradient_check.check_gradients(fn, *inputs, mode=mode, delta=opts.get("delta", 1e-6))
    assert pairs, "no floating-point input to check"
    for i, (analytic, numeric) in enumerate(pairs):
        np.testing.assert_allclose(analytic, numeric, rtol=opts.get("rtol", 1e-5), atol=1e-6,
                                   err_msg="%s: gradient of input %d" % (name, i))


def test_every_differentiable_op_is_checked():
    covered = {case[0] for case in CASES} | set(ELSEWHERE)
    covered |= {"split_like", "gather_grad", "strided_slice_grad"}  # second-order cases below
    missing_rule, missing_case = [], []
    for name, opdef in sorted(registry.REGISTRY.items()):
        if opdef.differentiable is False:
            continue
        if opdef.grad is None:
            missing_rule.append(name)
        if name not in covered:
            missing_case.append(name)
    assert not missing_rule, "differentiable ops without a gradient rule: %s" % missing_rule
    assert not missing_case, "differentiable ops without a finite-difference case: %s" \
        % missing_case


# Gradients of gradients: the ops that only appear in backward passes.
SECOND_ORDER = [
    ("split_like", lambda x, y: A.concat([x, y], axis=0), [normal(2, 3), normal(1, 3)]),
    ("gather_grad", lambda x: A.gather(x, np.array([1, 1, 0])), [normal(3, 2)]),
    ("strided_slice_grad", lambda x: A.strided_slice(x, (slice(0, 2), 1)), [normal(3, 3)]),
    ("conv2d", lambda x, f: nn.conv2d(x, f, padding="SAME"), [normal(1, 4, 4, 2),
                                                             normal(2, 2, 2, 2)]),
    ("matmul", M.matmul, [normal(2, 3), normal(3, 2)]),
    ("reduce_max", lambda x: R.reduce_max(x, axis=0), [distinct(3, 2)]),
]


@pytest.mark.parametrize("name,fn,inputs", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_second_order_gradient_matches_finite_differences(name, fn, inputs):
    """The gradient of sum(grad(sum(fn(x) * w)) * v): nested tapes, backward ops recorded."""
    from autograph.runtime.tape import GradientTape

    w = [rng.uniform(0.5, 1.5, np.shape(o.numpy())) for o in
         _flat(fn(*[autograph.constant(x) for x in inputs]))]

    def first(*xs):
        with GradientTape() as inner:
            for x in xs:
                inner.watch(x)
            y = None
            for o, wi in zip(_flat(fn(*xs)), w):
                term = R.reduce_sum(M.multiply(M.square(o), wi))
                y = term if y is None else M.add(y, term)
        return [g for g in inner.gradient(y, list(xs)) if g is not None]

    for analytic, numeric in gradient_check.check_gradients(first, *inputs):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def _flat(x):
    return x if isinstance(x, (list, tuple)) else [x]
