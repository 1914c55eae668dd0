"""`ag.set_loop_options`: lifted into the loop helper's options; a no-op in plain Python,
honoured by staged loops (maximum_iterations caps, shape_invariants relaxes)."""

import numpy as np
import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError
from tests.source_helpers import make_function

CAPPED = """
    def f(x, n):
        i = 0
        while i < n:
            ag.set_loop_options(maximum_iterations=5)
            x = x * 2
            i += 1
        return x
"""


def capped():
    return make_function(CAPPED, namespace={"ag": ag})


def test_plain_python_call_is_a_no_op():
    f = capped()
    assert f(1, 10) == 1024
    assert ag.set_loop_options(maximum_iterations=3) is None
    assert ag.experimental.set_loop_options is ag.set_loop_options


def test_lifted_into_the_loop_helper():
    code = ag.to_code(capped())
    assert "set_loop_options" not in code
    assert "opts={'maximum_iterations': 5}" in code


def test_python_loops_ignore_the_options():
    # The condition is a Python value: the loop runs exactly as written (10 iterations).
    assert ag.to_graph(capped())(1, 10) == 1024


def test_staged_runtime_loop_is_capped_in_a_graph():
    g = ag.function(capped())
    assert int(g(ag.constant(1), ag.constant(10))) == 32
    assert int(g(ag.constant(1), ag.constant(3))) == 8


def test_staged_runtime_for_loop_is_capped():
    f = make_function("""
        def f(x):
            s = 0
            for v in x:
                ag.set_loop_options(maximum_iterations=2)
                s += v
            return s
    """, namespace={"ag": ag})
    assert int(ag.function(f)(ag.constant([1, 2, 3, 4]))) == 3
    assert f([1, 2, 3, 4]) == 10


def test_session_graph_is_capped():
    f = ag.to_graph(capped())
    with ag.Graph().as_default():
        n = ag.placeholder(ag.int32, shape=())
        out = f(ag.constant(1), n)
        with ag.Session() as sess:
            assert int(sess.run(out, {n: 100})) == 32


def test_shape_invariants_relax_the_named_variable():
    f = make_function("""
        def f(n):
            x = ag.zeros([1])
            i = 0
            while i < n:
                ag.set_loop_options(shape_invariants=[(x, ag.TensorShape([None]))])
                x = ag.concat([x, ag.ones([1])], 0)
                i += 1
            return x
    """, namespace={"ag": ag})
    np.testing.assert_array_equal(ag.function(f)(ag.constant(3)).numpy(), [0, 1, 1, 1])
    assert "'shape_invariants': {'x':" in ag.to_code(f)


@pytest.mark.parametrize("body, message", [
    ("x = x + 1\n                ag.set_loop_options(maximum_iterations=2)", "first statement"),
    ("ag.set_loop_options(3)", "keyword arguments only"),
    ("ag.set_loop_options(maximum_iteration=3)", "no option 'maximum_iteration'"),
    ("ag.set_loop_options(shape_invariants=[(x + 1, [None])])", "naming a loop variable"),
])
def test_misuse_is_a_conversion_error_at_the_users_line(body, message):
    f = make_function("""
        def f(x):
            while x < 10:
                %s
                x = x + 1
            return x
    """ % body, namespace={"ag": ag})
    with pytest.raises(ConversionError, match=message) as info:
        ag.to_graph(f)
    error = info.value      # the line of the options call, in f's file
    line = 2 + [i for i, text in enumerate(body.split("\n")) if "set_loop_options" in text][0]
    assert (error.filename, error.lineno) == (f.__code__.co_filename,
                                              f.__code__.co_firstlineno + line)
