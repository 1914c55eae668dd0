"""The environment variables autograph reads: one module parses them, bad values are clear
errors, all of them are in the docs' table; the unrolled-loop warning is a `warnings` category."""
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import autograph as ag

REPO = Path(__file__).resolve().parents[1]


def _python(code, **env):
    full = dict(os.environ, PYTHONPATH=str(REPO), **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full, timeout=120)


@pytest.mark.parametrize("value", ["abc", "-5", "1e3", "3.5"])
def test_bad_unroll_threshold_names_the_variable(value):
    proc = _python("import autograph.operators", AUTOGRAPH_UNROLL_WARNING_ITERATIONS=value)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert ("environment variable AUTOGRAPH_UNROLL_WARNING_ITERATIONS=%r is not valid: use a "
            "whole number of iterations >= 0" % value) in last, proc.stderr


def test_unroll_threshold_from_the_environment():
    code = "from autograph.operators import loops as c; print(c._unroll_limit)"
    assert _python(code, AUTOGRAPH_UNROLL_WARNING_ITERATIONS=" 42 ").stdout == "42\n"
    assert _python(code, AUTOGRAPH_UNROLL_WARNING_ITERATIONS="").stdout == "3000\n"
    assert _python(code, AUTOGRAPH_UNROLL_WARNING_ITERATIONS="0").stdout == "0\n"


@pytest.mark.parametrize("value,expected", [
    ("1", True), ("true", True), ("YES", True), ("on", True),
    ("0", False), ("false", False), ("No", False), ("off", False), ("", False)])
def test_strict_values(monkeypatch, value, expected):
    from autograph import api

    monkeypatch.setenv("AUTOGRAPH_STRICT", value)
    assert api.is_strict() is expected


@pytest.mark.parametrize("value", ["maybe", "2", "strict"])
def test_bad_strict_value_names_the_variable(monkeypatch, value):
    from autograph import api

    monkeypatch.setenv("AUTOGRAPH_STRICT", value)
    with pytest.raises(ValueError, match=r"environment variable AUTOGRAPH_STRICT=%r is not "
                                         r"valid: use 1, true, yes or on" % value):
        api.is_strict()


def _variables_read_by_the_package():
    found = {}
    for path in (REPO / "autograph").rglob("*.py"):
        for name in re.findall(r"AUTOGRAPH_[A-Z0-9_]+", path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(path.relative_to(REPO).as_posix())
    return found


def test_every_variable_is_parsed_in_one_place_and_documented_in_one_table():
    from autograph import _config

    found = _variables_read_by_the_package()
    assert set(found) == set(_config.VARIABLES), found
    # Only the config module reads the environment for them.
    for path in (REPO / "autograph").rglob("*.py"):
        if path.name != "_config.py":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(environ(\.get)?[\[(]|getenv\()\s*['\"]AUTOGRAPH_", text), path
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    table = guide.split("### Environment variables", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `(AUTOGRAPH_[A-Z0-9_]+)` \|", table, re.M)
    assert sorted(rows) == sorted(_config.VARIABLES), table


# --- the unrolled-loop warning -------------------------------------------------------------------


def _unrolled(x):
    s = x
    for _ in range(12):
        s = s + x
    return s


def test_long_unrolled_loop_warns_with_a_filterable_category():
    from autograph.operators import control_flow

    assert issubclass(ag.UnrollWarning, UserWarning)
    previous = control_flow.set_unroll_warning_threshold(10)
    try:
        traced = ag.function(_unrolled)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ag.UnrollWarning)
            traced(ag.constant(1.0))
        assert [w.category for w in caught] == [ag.UnrollWarning], caught
        assert "unrolled over 12 iterations" in str(caught[0].message)
        assert caught[0].filename == __file__  # points at the loop, not at autograph
        with warnings.catch_warnings():
            warnings.filterwarnings("error", category=ag.UnrollWarning)
            with pytest.raises(ag.UnrollWarning):
                ag.function(_unrolled)(ag.constant(2.0))
    finally:
        control_flow.set_unroll_warning_threshold(previous)
