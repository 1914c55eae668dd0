"""ag.function accepts TensorFlow's jit_compile=, experimental_compile= and
experimental_relax_shapes= (documented meaning in ag.function's docstring)."""
import numpy as np
import pytest

import autograph as ag


def double_sum(x):
    s = ag.constant(0.0)
    for v in x:
        s += 2.0 * v
    return s


@pytest.mark.parametrize("flags", [{"jit_compile": True}, {"jit_compile": False},
                                   {"experimental_compile": True}, {"jit_compile": None}])
def test_compile_flags_change_nothing(flags):
    f = ag.function(double_sum, **flags)
    x = ag.constant([1.0, 2.0, 3.0])
    assert float(f(x)) == 12.0
    assert ag.function(**flags)(double_sum)(x).numpy() == 12.0
    assert f.experimental_get_tracing_count() == 1


def test_experimental_relax_shapes_is_reduce_retracing():
    relaxed = ag.function(double_sum, experimental_relax_shapes=True)
    plain = ag.function(double_sum, experimental_relax_shapes=False)
    for n in (2, 3, 4, 5):
        x = ag.constant(np.ones(n, np.float32))
        assert float(relaxed(x)) == float(plain(x)) == 2.0 * n
    assert relaxed.experimental_get_tracing_count() == 2      # then one for shape [None]
    assert plain.experimental_get_tracing_count() == 4


@pytest.mark.parametrize("flag", ["jit_compile", "experimental_compile",
                                  "experimental_relax_shapes"])
def test_flags_must_be_bools(flag):
    with pytest.raises(TypeError, match=flag):
        ag.function(double_sum, **{flag: "yes"})
