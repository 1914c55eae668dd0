"""repr/str of tensors and variables (numpy/TensorFlow layout) and ag.print(summarize=)."""
import io

import numpy as np
import pytest
from three_modes import MODES, run

import autograph as ag


def test_rows_print_one_per_line_with_shape_and_dtype():
    z = ag.constant([[4.0, 6.0], [4.0, 6.0]])
    assert str(z) == repr(z) == "ag.Tensor(\n[[4. 6.]\n [4. 6.]], shape=(2, 2), dtype=float32)"
    assert repr(ag.constant([1, 2, 3])) == "ag.Tensor([1 2 3], shape=(3,), dtype=int32)"
    assert repr(ag.constant(2.5)) == "ag.Tensor(2.5, shape=(), dtype=float32)"


def test_large_tensors_are_summarised_as_numpy_does():
    big = ag.range(2000)
    assert repr(big) == ("ag.Tensor([   0    1    2 ... 1997 1998 1999], shape=(2000,), "
                         "dtype=int32)")
    m = repr(ag.reshape(ag.range(40000), [200, 200]))
    assert m.count("\n") == 7 and " ...\n" in m          # 3 rows, "...", 3 rows
    with np.printoptions(threshold=5, edgeitems=1):
        assert repr(ag.range(10)) == "ag.Tensor([0 ... 9], shape=(10,), dtype=int32)"


def test_variable_repr_shows_rows():
    v = ag.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
    assert repr(v) == "<ag.Variable 'w' shape=(2, 2) dtype=float32, numpy=\n[[1. 2.]\n [3. 4.]]>"


def printed(mode, *args, **kwargs):
    stream = io.StringIO()

    def fn(x):
        return ag.print(*[x if a is None else a for a in args], output_stream=stream, **kwargs)
    value = np.arange(100).reshape(10, 10)
    if mode == "graph":                 # a Session runs the print op when it is fetched
        with ag.Graph().as_default():
            op = fn(ag.constant(value))
            with ag.Session() as sess:
                sess.run(op)
    else:
        run(mode, fn, value)
    return stream.getvalue()


@pytest.mark.parametrize("mode", MODES)
def test_print_summarizes_three_per_dimension_by_default(mode):
    assert printed(mode, "x =", None) == (
        "x = [[ 0  1  2 ...  7  8  9]\n [10 11 12 ... 17 18 19]\n [20 21 22 ... 27 28 29]\n"
        " ...\n [70 71 72 ... 77 78 79]\n [80 81 82 ... 87 88 89]\n [90 91 92 ... 97 98 99]]\n")


@pytest.mark.parametrize("mode", MODES)
def test_print_summarize_n_and_all(mode):
    assert printed(mode, None, summarize=1) == "[[ 0 ...  9]\n ...\n [90 ... 99]]\n"
    full = printed(mode, None, summarize=-1)
    assert full.count("\n") == 10 and "..." not in full and " 55 " in full
    assert printed(mode, None, summarize=None) == printed(mode, None)      # None means 3


def test_print_small_and_scalar_values_in_full():
    stream = io.StringIO()
    ag.print(ag.range(6), ag.constant(2.5), "end", output_stream=stream)
    assert stream.getvalue() == "[0 1 2 3 4 5] 2.5 end\n"
    with pytest.raises(TypeError, match="summarize must be an int"):
        ag.print(ag.range(3), summarize="all")
