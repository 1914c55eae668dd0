"""The claims of README.md, docs/limitations.md and docs/errors.md that no docs example runs,
each checked against the code (docs examples themselves run in test_docs.py)."""
import logging
import os
import re
import subprocess
import sys

import pytest

import autograph as ag
from samples import sum_even
from autograph import api
from autograph.pyct.errors import ConversionError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


counter = 0


def generator(n):
    for i in range(n):
        yield i


def writes_global(x):
    global counter
    counter += 1
    return x


@pytest.mark.parametrize("fn, what", [(generator, "generator functions (yield)"),
                                      (writes_global, "assigns the global variable 'counter'")])
def test_unconvertible_constructs_raise_in_to_graph_and_warn_in_function(fn, what, caplog):
    # limitations.md: to_graph / to_code raise ConversionError ...
    with pytest.raises(ConversionError, match=re.escape(what)):
        ag.to_graph(fn)
    with pytest.raises(ConversionError, match=re.escape(what)):
        ag.to_code(fn)
    # ... ag.function warns and traces the function unconverted ...
    with caplog.at_level(logging.WARNING, logger="autograph"):
        ag.function(fn)(ag.constant(2))
    assert "traced unconverted" in caplog.text and what in caplog.text
    # ... and raises in strict mode.
    api.set_strict(True)
    try:
        with pytest.raises(ConversionError, match=re.escape(what)):
            ag.function(fn)(ag.constant(3))
    finally:
        api.set_strict(None)


def test_limitations_states_the_function_behaviour():
    text = " ".join(read("docs/limitations.md").split())
    assert "`ag.function` instead logs that message as a warning and traces the" in text
    assert "lambda` bodies are not rewritten" not in text


def test_a_ternary_inside_a_lambda_is_rewritten_and_runs_on_graph_tensors():
    def pick(x):
        scale = lambda y: y * 2.0 if y > 0 else -y  # noqa: E731
        return scale(x)
    assert "lambda y: ag__.if_exp(y > 0" in ag.to_code(pick)
    fast = ag.function(pick)
    assert float(fast(ag.constant(3.0))) == 6.0 and float(fast(ag.constant(-4.0))) == 4.0
    assert fast.experimental_get_tracing_count() == 1       # one graph: a cond, not Python


def test_continue_negates_the_condition_as_the_docs_say():
    code = ag.to_code(sum_even)
    assert "ag__.not_(c % 2 > 0)" in code and "continue_" not in code
    for doc in ("README.md", "docs/guide.md"):
        text = " ".join(read(doc).split())
        assert "flag that guards" not in text and "negated condition" in text, doc


def test_readme_second_command_is_self_contained():
    block = re.search(r"^```console\n(.*?)^```", read("README.md"), re.S | re.M).group(1)
    commands = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    assert len(commands) == 2
    assert commands[1].startswith(". .venv/bin/activate && ")
    assert "about two minutes" in read("README.md")


def test_help_does_not_point_at_a_path_missing_after_pip_install():
    out = subprocess.run([sys.executable, "-m", "autograph", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "docs: docs/cli.md" not in out
    assert "not installed with the package" in out and "autograph convert --help" in out


def test_sourceless_callee_is_called_unconverted_with_one_warning(caplog):
    # errors.md: a function autograph cannot read the source of is called unconverted, with a
    # one-time warning that names it.
    namespace = {}
    exec("def helper(x):\n    return x + 1\n", namespace)   # noqa: S102 - no source kept
    helper = namespace["helper"]

    def caller(x):
        return helper(x) + helper(x)
    with caplog.at_level(logging.WARNING, logger="autograph"):
        converted = ag.to_graph(caller)
        assert converted(1) == 4 and converted(2) == 6
    warnings = [r for r in caplog.records if "helper" in r.getMessage()]
    assert len(warnings) == 1


# -- limitations.md, "Behaviour that differs on graph tensors" -------------------------------
def both_branches_print(x):
    if x > 0:
        print("then")
        y = x + 1
    else:
        print("else")
        y = x - 1
    return y


def appends_in_a_branch(x, log):
    if x > 0:
        log.append(1)
    return x


def appends_in_a_branch_in_a_loop(n):
    log = []
    for i in ag.range(n):
        if i % 2 == 0:
            log.append(i)
    return ag.stack(log)


def test_both_branches_run_while_tracing_once(capsys):
    f = ag.function(both_branches_print)
    assert float(f(ag.constant(1.0))) == 2.0 and float(f(ag.constant(-1.0))) == -2.0
    assert capsys.readouterr().out == "then\nelse\n"    # both, once, at trace time
    with pytest.raises(NotImplementedError, match="list 'log' is modified in place"):
        ag.function(lambda x: appends_in_a_branch(x, []))(ag.constant(1.0))
    assert ag.function(appends_in_a_branch_in_a_loop)(ag.constant(5)).numpy().tolist() == [
        0, 2, 4]


def odd_or_even(n):
    if n % 2:
        return 1
    return 0


def test_conditions_follow_python_truthiness():
    f = ag.function(odd_or_even)
    assert int(f(ag.constant(3))) == 1 and int(f(ag.constant(4))) == 0


def branch_dtypes(x):
    if x > 0:
        y = ag.constant(1)
    else:
        y = ag.constant(1.0)
    return y


def loop_changes_dtype(n):
    i = ag.constant(0)
    while i < n:
        i = ag.cast(i, ag.float32) + 1.0
    return i


def loop_grows(n):
    v = ag.zeros([1])
    while ag.size(v) < n:
        v = ag.concat([v, v], axis=0)
    return v


def test_branches_and_loop_variables_must_agree_shapes_relax():
    with pytest.raises(ag.BranchMismatchError, match="'y' is int32 .* but float32"):
        ag.function(branch_dtypes)(ag.constant(1.0))
    with pytest.raises(ag.LoopVarMismatchError):
        ag.function(loop_changes_dtype)(ag.constant(3))
    f = ag.function(loop_grows)
    assert f(ag.constant(5)).shape == (8,)
    assert f.get_concrete_function(ag.constant(5)).graph.outputs[0].shape.as_list() == [None]


def unrolled(n):
    s = ag.constant(0)
    for i in range(n):
        s += i
    return s


def test_python_loops_unroll_and_a_long_one_warns():
    f = ag.function(unrolled)
    assert int(f(3)) == 3
    ops = len(f.get_concrete_function(3).graph.operations)
    assert len(f.get_concrete_function(6).graph.operations) > ops     # once per item
    with pytest.warns(ag.UnrollWarning):
        ag.function(unrolled)(5000)


def fails_at_run_time(x):
    try:
        ag.Assert(x > 0, [x])
    except ag.InvalidArgumentError:
        return x * 0
    return x


def test_try_does_not_catch_errors_raised_when_the_graph_runs():
    with pytest.raises(ag.InvalidArgumentError):
        ag.function(fails_at_run_time)(ag.constant(-1))


# -- limitations.md, "Numerics and gradients" -----------------------------------------------
def test_integer_overflow_wraps_and_division_by_zero():
    with np_errstate():
        assert int(ag.constant(2 ** 31 - 1) + ag.constant(1)) == -2 ** 31
    with pytest.raises(ag.InvalidArgumentError, match="integer division by zero"):
        ag.function(lambda a, b: a // b)(ag.constant(1), ag.constant(0))
    assert float(ag.constant(1.0) / ag.constant(0.0)) == float("inf")


def np_errstate():
    import numpy as np
    return np.errstate(over="ignore")


# -- errors.md, "While calling an ag.function" -----------------------------------------------
def test_signature_mismatch_names_argument_and_both_specs():
    f = ag.function(lambda x: x + 1, input_signature=[ag.TensorSpec([None], ag.float32)])
    with pytest.raises(TypeError) as info:
        f(ag.constant([1, 2]))
    assert "float32" in str(info.value) and "int32" in str(info.value)
    assert "'x'" in str(info.value) or " x " in str(info.value)


def test_wrong_feed_names_the_tensor_and_both_shapes():
    with ag.Graph().as_default():
        x = ag.placeholder(ag.float32, shape=[2], name="x")
        with ag.Session() as sess:
            with pytest.raises(Exception, match="x") as info:
                sess.run(x * 2, {x: [1.0, 2.0, 3.0]})
    assert "(2,)" in str(info.value) and "(3,)" in str(info.value)
