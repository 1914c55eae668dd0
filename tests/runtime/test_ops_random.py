"""random_ops: shapes, dtypes, ranges, seeding and fresh values per graph run."""
import numpy as np
import pytest

from autograph.runtime import dtypes, registry
from autograph.runtime.graph import Graph
from autograph.runtime.ops import array_ops as A
from autograph.runtime.ops import random_ops as RND
from autograph.runtime.ops.core_ops import placeholder
from test_ops_helpers import run_graph


@pytest.fixture(autouse=True)
def _unseeded():
    RND.set_seed(None)
    yield
    RND.set_seed(None)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64", "uint8"])
def test_uniform_dtype_shape_and_range(dtype):
    x = RND.uniform([50, 40], minval=2, maxval=7, dtype=dtype).numpy()
    assert x.dtype == np.dtype(dtype) and x.shape == (50, 40)
    # float16 rounding can reach maxval itself (as in numpy and TensorFlow)
    assert x.min() >= 2 and (x.max() < 7 or dtype == "float16" and x.max() == 7)
    if np.dtype(dtype).kind in "iu":
        assert set(np.unique(x)) == {2, 3, 4, 5, 6}


def test_uniform_default_interval_and_float_bounds():
    x = RND.uniform([10000]).numpy()
    assert x.dtype == np.float32 and 0 <= x.min() and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.02
    y = RND.uniform([10000], -3.0, -1.0, dtype=dtypes.float64).numpy()
    assert -3 <= y.min() and y.max() < -1 and abs(y.mean() + 2) < 0.05


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_normal_dtype_shape_and_moments(dtype):
    x = RND.normal([20000], mean=3.0, stddev=2.0, dtype=dtype).numpy()
    assert x.dtype == np.dtype(dtype) and x.shape == (20000,)
    assert abs(x.astype(np.float64).mean() - 3) < 0.1
    assert abs(x.astype(np.float64).std() - 2) < 0.1


def test_argument_errors():
    with pytest.raises(ValueError, match="maxval"):
        RND.uniform([2], dtype=dtypes.int32)
    with pytest.raises(TypeError, match="int32"):
        RND.normal([2], dtype=dtypes.int32)
    with pytest.raises(TypeError, match="bool"):
        RND.uniform([2], dtype=dtypes.bool_)
    with pytest.raises(TypeError, match="seed"):
        RND.uniform([2], seed=1.5)
    with pytest.raises(TypeError):
        RND.uniform([2], minval=0.5, maxval=3, dtype=dtypes.int32)


def test_unseeded_values_differ():
    assert not np.array_equal(RND.uniform([8]).numpy(), RND.uniform([8]).numpy())


def test_set_seed_makes_eager_values_reproducible():
    RND.set_seed(42)
    a, b = RND.uniform([5]).numpy(), RND.normal([5]).numpy()
    c = RND.uniform([5], seed=7).numpy()
    RND.set_seed(42)
    assert np.array_equal(a, RND.uniform([5]).numpy())
    assert np.array_equal(b, RND.normal([5]).numpy())
    assert np.array_equal(c, RND.uniform([5], seed=7).numpy())
    assert not np.array_equal(a, RND.uniform([5]).numpy())     # the sequence moves on
    RND.set_seed(43)
    assert not np.array_equal(a, RND.uniform([5]).numpy())


def test_op_seed_alone_is_reproducible_across_resets():
    first = [RND.uniform([4], seed=3).numpy() for _ in range(2)]
    assert not np.array_equal(*first)
    RND.set_seed(None)
    assert np.array_equal(first[0], RND.uniform([4], seed=3).numpy())
    assert not np.array_equal(first[0], RND.uniform([4], seed=4).numpy())


def _graph_values(build, runs=2):
    g = Graph()
    with g.as_default():
        t = build()
    from autograph.runtime.executor import compile_plan
    plan = compile_plan(g, [], [t])
    return [plan()[0] for _ in range(runs)], t


def test_graph_ops_give_fresh_values_every_run():
    (a, b), t = _graph_values(lambda: RND.uniform([6]))
    assert t.shape == (6,) and t.dtype is dtypes.float32
    assert a.dtype == np.float32 and not np.array_equal(a, b)
    assert t.op.opdef.stateful and not t.op.opdef.differentiable


def test_graphs_rebuilt_after_set_seed_repeat_their_sequence():
    def build():
        RND.uniform([3])
        return RND.normal([3])
    RND.set_seed(5)
    first, _ = _graph_values(build)
    RND.set_seed(5)
    second, _ = _graph_values(build)
    assert all(np.array_equal(x, y) for x, y in zip(first, second))
    assert not np.array_equal(*first)
    RND.set_seed(6)
    third, _ = _graph_values(build)
    assert not np.array_equal(first[0], third[0])


def test_graph_op_seed_is_reproducible_without_global_seed():
    one, _ = _graph_values(lambda: RND.uniform([3], seed=11))
    two, _ = _graph_values(lambda: RND.uniform([3], seed=11))
    assert np.array_equal(one[0], two[0])


def test_dynamic_shape_and_tensor_bounds():
    def fn(x, hi):
        return RND.uniform(A.shape(x), minval=0.0, maxval=hi)
    (t,), (v,) = run_graph(fn, [np.zeros((3, 2), np.float32), np.float32(0.5)], mode="dims")
    assert t.shape == (None, None) and v.shape == (3, 2) and v.max() < 0.5
    (t,), (v,) = run_graph(fn, [np.zeros((3, 2), np.float32), np.float32(0.5)])
    assert t.shape == (3, 2)
    lo = RND.uniform([2, 3], minval=np.float32([0, 10, 20]), maxval=np.float32([1, 11, 21]))
    assert (np.floor(lo.numpy()) == [0, 10, 20]).all()
    with Graph().as_default(), pytest.raises(ValueError, match="broadcast"):
        RND.normal([2, 3], mean=placeholder(dtypes.float32, [4]))


def test_random_ops_are_registered_stateful():
    for name in ("random_uniform", "random_normal"):
        opdef = registry.get(name)
        assert opdef.stateful and not opdef.differentiable
