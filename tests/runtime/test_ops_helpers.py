"""`check`: runs an op eagerly and in graphs and compares values, dtypes and static shapes.

The other `test_ops_*` files import it (`from test_ops_helpers import check`). The tests in
this file check the helper itself and properties every op must have.
"""
import warnings

import numpy as np
import pytest

from autograph.runtime import dtypes
from autograph.runtime.executor import call_plan, compile_plan
from autograph.runtime.graph import Graph
from autograph.runtime.ops.core_ops import constant, placeholder
from autograph.runtime.tensor import EagerTensor, Tensor

SHAPE_MODES = ("full", "dims", "rank")


def _flat(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _placeholder_shape(a, mode):
    if mode == "full":
        return a.shape
    if mode == "dims":
        return (None,) * a.ndim
    return None


def run_graph(fn, args, mode="full"):
    """Builds fn(*placeholders) in a new graph, runs it on `args`; (symbolic outs, values)."""
    g = Graph()
    with g.as_default():
        phs = [placeholder(dtypes.from_numpy(a.dtype), _placeholder_shape(a, mode))
               for a in args]
        outs = _flat(fn(*phs))
    for t in outs:
        assert type(t) is Tensor, "%r is not a graph tensor" % (t,)
    plan = compile_plan(g, phs, outs)
    return outs, list(call_plan(plan, args))   # maps kernel errors as Session.run does


def check(fn, *args, expect=None, dtype=None, static=True, rtol=None, modes=SHAPE_MODES):
    """Runs `fn` on eager tensors and on placeholders of full, partial and unknown shapes.

    Checks that every graph output has exactly its declared dtype (kernels are run without
    conversion in graphs), a value shape compatible with its static shape (fully defined when
    the placeholders are and `static`), and the eager value. Then compares the eager values
    with `expect` (one array or a list) and their dtype with `dtype` (or expect's dtype).

    Returns:
      The eager outputs as a list of numpy values (or the single value).
    """
    args = [a if isinstance(a, np.generic) else np.asarray(a) for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no numpy RuntimeWarnings leak out of kernels
        eager = _flat(fn(*[constant(a) for a in args]))
        for t in eager:
            assert type(t) is EagerTensor
        for mode in (modes if args else ("full",)):
            syms, vals = run_graph(fn, args, mode)
            assert len(syms) == len(eager)
            for sym, val, e in zip(syms, vals, eager):
                assert sym.dtype is e.dtype, (mode, sym, e)
                assert np.asarray(val).dtype == sym.dtype.np_dtype, (mode, sym, val)
                assert sym.shape.is_compatible_with(np.shape(val)), (mode, sym, np.shape(val))
                if mode == "full" and static:
                    assert sym.shape.is_fully_defined(), (sym, np.shape(val))
                np.testing.assert_array_equal(val, e.numpy(), err_msg="%s: %s" % (mode, sym))
    values = [t.numpy() for t in eager]
    if expect is not None:
        expects = _flat(expect) if isinstance(expect, list) or len(values) > 1 else [expect]
        assert len(expects) == len(values)
        for v, x, t in zip(values, expects, eager):
            x = np.asarray(x)
            want = dtype if dtype is not None else dtypes.from_numpy(x.dtype)
            assert t.dtype is dtypes.as_dtype(want), (t.dtype, want)
            assert np.shape(v) == x.shape, (np.shape(v), x.shape)
            if rtol is None and t.dtype.is_floating:
                rtol = {dtypes.float16: 1e-3, dtypes.float32: 1e-6}.get(t.dtype, 1e-12)
            if rtol:
                np.testing.assert_allclose(np.asarray(v, np.float64),
                                           np.asarray(x, np.float64), rtol=rtol, atol=rtol)
            else:
                np.testing.assert_array_equal(v, x)
    return values if len(values) > 1 else values[0]


# -- the helper checks itself -----------------------------------------------------------------

def test_check_catches_a_wrong_expected_dtype():
    from autograph.runtime.ops import math_ops as M
    a = np.array([1, 2], np.int32)
    check(lambda x: M.add(x, x), a, expect=np.array([2, 4], np.int32))
    with pytest.raises(AssertionError):
        check(lambda x: M.add(x, x), a, expect=np.array([2, 4], np.int64))


def test_check_runs_each_placeholder_shape_mode():
    seen = []

    def fn(x):
        seen.append(x.shape)
        return x

    from autograph.runtime.ops.core_ops import identity
    check(lambda x: identity(fn(x)), np.zeros((2, 3), np.float32))
    assert [str(s) for s in seen] == ["(2, 3)", "(2, 3)", "(None, None)", "<unknown>"]


def test_ops_run_through_session():
    from autograph.runtime.ops import array_ops as A
    from autograph.runtime.ops import math_ops as M
    from autograph.runtime.ops import reduction_ops as R
    from autograph.runtime.session import Session
    g = Graph()
    with g.as_default():
        x = placeholder(dtypes.float32, [None, 3])
        i = placeholder(dtypes.int32, [])
        y = R.reduce_sum(M.square(x[i]) + A.range(3.0), keepdims=True)
        z = A.reshape(A.transpose(x) // 2.0, [-1])
        with Session(g) as sess:
            a = np.arange(6, dtype=np.float32).reshape(2, 3)
            yv, zv = sess.run([y, z], feed_dict={x: a, i: 1})
    np.testing.assert_array_equal(yv, [np.sum(a[1] ** 2 + np.arange(3))])
    assert yv.dtype == np.float32 and yv.shape == (1,)
    np.testing.assert_array_equal(zv, (a.T // 2).reshape(-1))
