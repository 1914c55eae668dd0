"""The builtin overloads of converted code raise where Python raises, and consume what they
are given exactly as Python does."""
import pytest

import autograph as ag
from autograph.operators import py_builtins


def loop_range(n):
    s = 0
    for i in range(n):
        s += i
    return s


def loop_range2(a, b):
    s = 0
    for i in range(a, b):
        s += i
    return s


def loop_enumerate(x, start):
    s = 0
    for i, v in enumerate(x, start):
        s += i * v
    return s


@pytest.mark.parametrize("n", [3.5, 3.0])
def test_range_of_float_is_a_type_error(n):
    with pytest.raises(TypeError):
        loop_range(n)
    with pytest.raises(TypeError):
        ag.to_graph(loop_range)(n)


def test_range_of_float_tensor_is_a_type_error_eager_and_staged():
    with pytest.raises(TypeError):
        ag.to_graph(loop_range)(ag.constant(3.5))
    f = ag.function(loop_range)
    with pytest.raises(TypeError, match="float32.*range|range.*float32"):
        f(ag.constant(3.5))
    g = ag.function(loop_range2)
    with pytest.raises(TypeError, match="integer"):
        g(ag.constant(1), 4.5)
    with pytest.raises(TypeError, match="range"):
        g(ag.constant(1.0), ag.constant(4))


def test_range_of_int_tensor_still_stages():
    f = ag.function(loop_range)
    assert int(f(ag.constant(4)).numpy()) == 6


def test_enumerate_float_start_is_a_type_error():
    with pytest.raises(TypeError):
        loop_enumerate([1, 2], 1.5)
    with pytest.raises(TypeError):
        ag.to_graph(loop_enumerate)([1, 2], 1.5)
    f = ag.function(loop_enumerate)
    with pytest.raises(TypeError, match="integer"):
        f(ag.constant([1, 2]), 1.5)
    with pytest.raises(TypeError, match="enumerate"):
        f(ag.constant([1, 2]), ag.constant(1.0))


def test_overloads_accept_what_python_accepts():
    # Keyword forms and no-argument calls behave like the builtins.
    assert list(py_builtins.enumerate_(iterable="ab", start=1)) == list(
        enumerate(iterable="ab", start=1))
    assert py_builtins.int_() == int() and py_builtins.float_() == float()
    assert py_builtins.int_("11", 2) == int("11", 2)
    with pytest.raises(TypeError):
        py_builtins.range_()
    with pytest.raises(TypeError):
        py_builtins.len_(iter([]))


def zip_with_generator(x):
    s = 0
    for a, b in zip(x, (i for i in range(3))):
        s += a * b
    return s


def test_zip_of_tensor_and_python_iterator_is_a_clear_error():
    assert ag.to_graph(zip_with_generator)([1, 2, 3]) == zip_with_generator([1, 2, 3]) == 8
    with pytest.raises(TypeError, match=r"zip\(\) argument 2 is a Python generator"):
        ag.function(zip_with_generator)(ag.constant([1, 2, 3]))


def test_asserts_are_stripped_under_python_O(tmp_path):
    # `python -O` removes assert statements, test and all: converted code must do the same.
    import subprocess
    import sys
    import textwrap
    script = tmp_path / "opt.py"
    script.write_text(textwrap.dedent("""
        import autograph as ag
        log = []
        def f(x):
            assert log.append('test') or x > 100, log.append('message')
            if x > 0:
                x = x + 1
            return x
        print(ag.to_graph(f)(1), f(1), log)
    """))
    out = subprocess.run([sys.executable, "-O", str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "2", "[]"]


@pytest.mark.parametrize("name,args,kwargs", [
    ("int", (), {"x": "5"}), ("float", (), {"x": 1}), ("abs", (), {"x": -1}),
    ("len", (), {"obj": [1]}), ("len", ([1], [2]), {}), ("abs", (), {}), ("float", (1, 2), {}),
    ("int", ("7", 8), {}), ("int", (), {}), ("float", (), {}), ("int", ("z",), {"base": 36}),
])
def test_overloads_fail_and_succeed_like_the_builtins(name, args, kwargs):
    import builtins
    builtin = getattr(builtins, name)
    overload = getattr(py_builtins, name + "_")
    try:
        expected = ("ok", builtin(*args, **kwargs))
    except TypeError as e:
        expected = ("TypeError", str(e))
    try:
        got = ("ok", overload(*args, **kwargs))
    except TypeError as e:
        got = ("TypeError", str(e))
    assert got == expected
