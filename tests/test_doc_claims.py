"""The claims of README.md, docs/limitations.md and docs/errors.md that no docs example runs,
each checked against the code (docs examples themselves run in test_docs.py)."""
import logging
import os
import re
import subprocess
import sys

import pytest

import autograph as ag
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


def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


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
