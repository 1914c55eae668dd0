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


def test_options_go_to_the_loop_helper_lazily_and_the_call_stays_in_the_body():
    code = ag.to_code(capped())
    assert "opts=ag__.LoopOptions(lambda: {'maximum_iterations': 5})" in code
    body = code.split("def loop_body")[1].split("return")[0]
    assert "set_loop_options" in body


COUNTED = """
    def f(x, n):
        for v in range(n):
            ag.set_loop_options(maximum_iterations=bound(v))
            x = x + v
        return x
"""


@pytest.mark.parametrize("n", [0, 1, 4])
def test_python_loop_evaluates_the_arguments_as_python_does(n):
    # Python evaluates the call's arguments every iteration, and never for a zero-trip loop;
    # so does the converted loop when it runs as Python.
    def run(fn):
        calls = []
        bound = lambda v: calls.append(v) or 10     # noqa: E731
        fn.__globals__["bound"] = bound
        return fn(100, n), calls
    f = make_function(COUNTED, namespace={"ag": ag})
    expected = run(f)
    assert expected[1] == list(range(n))
    assert run(ag.to_graph(f)) == expected


def test_python_loop_options_may_read_the_loop_target():
    # The target does not exist before the loop: lifting the arguments out of the body would
    # fail where Python does not.
    f = make_function("""
        def f(n):
            s = 0
            for i in range(n):
                ag.set_loop_options(maximum_iterations=i + 1)
                s += i
            return s
    """, namespace={"ag": ag})
    assert ag.to_graph(f)(4) == f(4) == 6


def test_python_while_loop_evaluates_the_arguments_every_iteration():
    f = make_function("""
        def f(x, log):
            while x < 3:
                ag.set_loop_options(maximum_iterations=log.append(x))
                x = x + 1
            return x
    """, namespace={"ag": ag})
    log_py, log_ag = [], []
    assert f(0, log_py) == ag.to_graph(f)(0, log_ag) == 3
    assert log_ag == log_py == [0, 1, 2]
    log_ag = []
    assert ag.to_graph(f)(5, log_ag) == 5 and log_ag == []


def test_staged_loop_evaluates_the_options_when_it_is_staged():
    # The options a staged loop uses are evaluated where the loop helper stages it (the
    # values before the loop); the body's call is traced with the rest of the body.
    f = make_function("""
        def f(x, k):
            i = 0
            while i < x:
                ag.set_loop_options(maximum_iterations=k)
                i += 1
            return i
    """, namespace={"ag": ag})
    assert int(ag.function(f)(ag.constant(10), 4)) == 4
    assert int(ag.function(f)(ag.constant(2), 4)) == 2


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


# Every place a set_loop_options call can be written other than as the first statement of a
# loop body. Each must be a ConversionError at the call's line (never silently ignored); the
# marker comment `# <-` is on the call's line.
MISPLACED = {
    "nested_if": ("""
        def f(x):
            while x < 10:
                if x > 3:
                    ag.set_loop_options(maximum_iterations=2)  # <-
                x = x + 1
            return x
    """, "inside an `if`"),
    "nested_if_else": ("""
        def f(x):
            for v in range(x):
                if v:
                    pass
                else:
                    ag.set_loop_options(maximum_iterations=2)  # <-
                x = x + 1
            return x
    """, "inside an `if`"),
    "nested_with": ("""
        import contextlib
        def f(x):
            while x < 10:
                with contextlib.nullcontext():
                    ag.set_loop_options(maximum_iterations=2)  # <-
                x = x + 1
            return x
    """, "inside a `with`"),
    "nested_try": ("""
        def f(x):
            while x < 10:
                try:
                    ag.set_loop_options(maximum_iterations=2)  # <-
                finally:
                    x = x + 1
            return x
    """, "inside a `try`"),
    "nested_except": ("""
        def f(x):
            while x < 10:
                try:
                    x = x + 1
                except ValueError:
                    ag.set_loop_options(maximum_iterations=2)  # <-
            return x
    """, "inside a `try`"),
    "loop_else": ("""
        def f(x):
            while x < 10:
                x = x + 1
            else:
                ag.set_loop_options(maximum_iterations=2)  # <-
            return x
    """, "`else:` clause"),
    "top_level": ("""
        def f(x):
            ag.set_loop_options(maximum_iterations=2)  # <-
            while x < 10:
                x = x + 1
            return x
    """, "outside any loop"),
    "top_level_no_loop": ("""
        def f(x):
            ag.set_loop_options(maximum_iterations=2)  # <-
            return x + 1
    """, "outside any loop"),
    "nested_function_in_loop": ("""
        def f(x):
            while x < 10:
                def g():
                    ag.set_loop_options(maximum_iterations=2)  # <-
                    return 1
                x = x + g()
            return x
    """, "outside any loop of the function `g`"),
    "expression_statement_value": ("""
        def f(x):
            while x < 10:
                _ = ag.set_loop_options(maximum_iterations=2)  # <-
                x = x + 1
            return x
    """, "statement of its own"),
    "expression_argument": ("""
        def f(x):
            while x < 10:
                print(ag.set_loop_options(maximum_iterations=2))  # <-
                x = x + 1
            return x
    """, "statement of its own"),
    "loop_test": ("""
        def f(x):
            while ag.set_loop_options(maximum_iterations=2) or x < 10:  # <-
                x = x + 1
            return x
    """, "statement of its own"),
    "lambda_in_loop": ("""
        def f(x):
            for v in range(3):
                g = lambda: ag.set_loop_options(maximum_iterations=2)  # <-
                x = x + v
            return x
    """, "statement of its own"),
    "comprehension": ("""
        def f(x):
            while x < 10:
                ys = [ag.set_loop_options(maximum_iterations=2) for _ in range(2)]  # <-
                x = x + len(ys)
            return x
    """, "statement of its own"),
    "after_other_statements": ("""
        def f(x):
            while x < 10:
                x = x + 1
                ag.set_loop_options(maximum_iterations=2)  # <-
            return x
    """, "first statement"),
    "twice": ("""
        def f(x):
            while x < 10:
                ag.set_loop_options(maximum_iterations=2)
                ag.set_loop_options(maximum_iterations=3)  # <-
                x = x + 1
            return x
    """, "first statement"),
}


@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_misplaced_call_is_a_conversion_error_at_its_line(case):
    source, message = MISPLACED[case]
    f = make_function(source, name="f", namespace={"ag": ag})
    with pytest.raises(ConversionError, match=message) as info:
        ag.to_graph(f)
    error = info.value
    marker = [i for i, text in enumerate(source.strip("\n").split("\n")) if "# <-" in text][0]
    first = [i for i, text in enumerate(source.strip("\n").split("\n")) if "def f(" in text][0]
    assert (error.filename, error.lineno) == (f.__code__.co_filename,
                                              f.__code__.co_firstlineno + marker - first)
    assert "first statement" in str(error)      # says where the call must go


def test_first_statement_of_an_inner_loop_applies_to_that_loop():
    f = make_function("""
        def f(x):
            s = 0
            while x > 0:
                for v in range(3):
                    ag.set_loop_options(maximum_iterations=2)
                    s = s + v
                x = x - 1
            return s
    """, namespace={"ag": ag})
    code = ag.to_code(f)
    assert code.count("maximum_iterations") >= 1
    assert f(2) == ag.to_graph(f)(2) == 6
    assert int(ag.function(f)(ag.constant(2))) == 6


def test_nested_function_loop_keeps_its_own_options():
    f = make_function("""
        def f(x):
            def g(y):
                while y < 10:
                    ag.set_loop_options(maximum_iterations=3)
                    y = y + 1
                return y
            return g(x)
    """, namespace={"ag": ag})
    assert f(0) == ag.to_graph(f)(0) == 10
    assert int(ag.function(f)(ag.constant(0))) == 3


def test_another_set_loop_options_is_called_as_written_every_iteration():
    # A set_loop_options of another library (TensorFlow's spelling) is called as Python calls
    # it: with the same arguments, every iteration, and not converted.
    calls = []

    class experimental:
        @staticmethod
        def set_loop_options(**options):
            calls.append(options)

    f = make_function("""
        def f(n):
            s = 0
            for i in range(n):
                experimental.set_loop_options(maximum_iterations=i)
                s += i
            return s
    """, namespace={"experimental": experimental})
    assert f(3) == 3
    expected, calls[:] = list(calls), []
    assert ag.to_graph(f)(3) == 3
    assert calls == expected == [{"maximum_iterations": i} for i in range(3)]
