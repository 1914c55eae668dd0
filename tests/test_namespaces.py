"""ag.math, ag.dtypes, ag.nn, ag.random, ag.linalg, ag.debugging, ag.layers, ag.nest,
ag.optimizers: TensorFlow's names, and dir() of every public module shows public names only."""
import types

import numpy as np
import pytest
from three_modes import MODES, run

import autograph as ag

MODULE_NAMES = sorted(n for n in ag.__all__ if isinstance(getattr(ag, n), types.ModuleType))


def test_the_namespaces_exist():
    assert {"math", "dtypes", "nn", "random", "linalg", "debugging", "layers", "nest",
            "optimizers"} <= set(MODULE_NAMES)


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_dir_of_a_public_module_shows_only_its_public_names(name):
    module = getattr(ag, name)
    names = dir(module)
    assert names == sorted(module.__all__)
    assert not [n for n in names if n.startswith("_")]
    for n in names:
        assert hasattr(module, n), "%s.%s is listed but missing" % (name, n)
    for leaked in ("np", "numpy", "math_ops", "apply", "autograph", "declare"):
        assert leaked not in names


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_public_module_functions_are_documented(name):
    module = getattr(ag, name)
    for n in module.__all__:
        value = getattr(module, n)
        if callable(value):
            assert (value.__doc__ or "").strip(), "ag.%s.%s has no docstring" % (name, n)


def test_names_are_the_runtime_objects():
    assert ag.math.add is ag.add and ag.math.reduce_sum is ag.reduce_sum
    assert ag.math.floormod is ag.mod and ag.math.truediv is ag.divide
    assert ag.dtypes.float32 is ag.float32 and ag.dtypes.bool is ag.bool
    assert ag.dtypes.as_dtype("int32") is ag.int32 and ag.dtypes.cast is ag.cast
    assert ag.linalg.matmul is ag.matmul
    assert ag.nn.relu is ag.relu and ag.debugging.Assert is ag.Assert


@pytest.mark.parametrize("mode", MODES)
def test_math_nn_linalg_in_every_mode(mode):
    x = np.array([[1.0, -2.0], [3.0, 4.0]], np.float32)
    out = run(mode, lambda t: (ag.math.sqrt(ag.math.abs(t)), ag.nn.relu(t),
                               ag.linalg.matrix_transpose(t), ag.math.reduce_max(t, axis=1),
                               ag.math.floormod(t, 3.0)), x)
    np.testing.assert_allclose(out[0], np.sqrt(np.abs(x)))
    np.testing.assert_array_equal(out[1], np.maximum(x, 0))
    np.testing.assert_array_equal(out[2], x.T)
    np.testing.assert_array_equal(out[3], x.max(axis=1))
    np.testing.assert_array_equal(out[4], np.mod(x, 3.0))


@pytest.mark.parametrize("mode", MODES)
def test_random_namespace_is_seeded(mode):
    ag.random.set_seed(5)
    a = run(mode, lambda: ag.random.uniform([3], seed=1))
    ag.random.set_seed(5)
    b = run(mode, lambda: ag.random.uniform([3], seed=1))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3,) and ((a >= 0) & (a < 1)).all()


@pytest.mark.parametrize("mode", MODES)
def test_debugging_checks_pass_and_return(mode):
    x = np.array([1.0, 2.0], np.float32)

    def checks(t):
        ag.debugging.assert_equal(t, t)
        ag.debugging.assert_less(t, 3.0)
        ag.debugging.assert_positive(t)
        ag.debugging.assert_near(t, t + 1e-7)
        return ag.debugging.check_numerics(t, "x")
    np.testing.assert_array_equal(run(mode, checks, x), x)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")     # 0/0 on purpose
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("check, pattern", [
    (lambda t: ag.debugging.assert_greater(t, 1.5, message="too small"),
     "too small. Condition x > y"),
    (lambda t: ag.debugging.assert_equal(t, [1.0, 3.0]), "Condition x == y"),
    (lambda t: ag.debugging.check_numerics(t / 0.0 * 0.0, "after divide"),
     "after divide : Tensor had (NaN|Inf) values"),
    (lambda t: ag.debugging.assert_non_negative(-t), "Condition x >= y"),
])
def test_debugging_checks_fail_when_they_run(mode, check, pattern):
    with pytest.raises(ag.InvalidArgumentError, match=pattern):
        run(mode, check, np.array([1.0, 2.0], np.float32))


def test_dir_of_the_package_shows_public_names_only():
    import autograph.api  # noqa: F401 - binds submodules on the package
    import autograph.runtime  # noqa: F401
    names = dir(ag)
    assert set(names) == set(ag.__all__) | {"__version__"}
    assert "api" not in names and "runtime" not in names and "_EXPORTS" not in names
