"""bench/run_all.py: a listed benchmark that is missing or cannot be imported fails the run;
a benchmark needing an optional library that is not installed is skipped with a note."""
import importlib.util
import os
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")


@pytest.fixture
def run_all(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(BENCH)
    spec = importlib.util.spec_from_file_location("run_all_under_test",
                                                  os.path.join(BENCH, "run_all.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, text in {
        "bench_ok_x": "def run(quick):\n    return []\n",
        "bench_broken_x": "import autograph.no_such_module_x\n\ndef run(quick):\n    return []\n",
        "bench_optional_x": "import tensorflow_not_installed_x\n\ndef run(quick):\n"
                            "    return []\n",
    }.items():
        (tmp_path / (name + ".py")).write_text(text)
    monkeypatch.setattr(module, "OPTIONAL_LIBRARIES", ("tensorflow_not_installed_x",),
                        raising=False)
    yield module
    for name in ("bench_ok_x", "bench_broken_x", "bench_optional_x"):
        sys.modules.pop(name, None)


def test_a_listed_module_that_is_missing_fails_the_run(run_all, monkeypatch):
    monkeypatch.setattr(run_all, "MODULES", ["bench_ok_x", "bench_missing_x"])
    _, _, failures = run_all.run(quick=True)
    assert [name for name, _ in failures] == ["bench_missing_x"]
    assert "bench_missing_x.py" in failures[0][1]
    assert run_all.main(["--quick"]) == 1


def test_a_listed_module_that_cannot_be_imported_fails_the_run(run_all, monkeypatch):
    monkeypatch.setattr(run_all, "MODULES", ["bench_broken_x", "bench_ok_x"])
    _, notes, failures = run_all.run(quick=True)
    assert [name for name, _ in failures] == ["bench_broken_x"]
    assert "no_such_module_x" in failures[0][1]
    assert any(n.startswith("bench_ok_x.py") for n in notes)
    assert run_all.main(["--quick"]) == 1


def test_an_optional_library_that_is_not_installed_is_a_note(run_all, monkeypatch):
    monkeypatch.setattr(run_all, "MODULES", ["bench_optional_x", "bench_ok_x"])
    _, notes, failures = run_all.run(quick=True)
    assert failures == []
    assert any("bench_optional_x.py" in n and "tensorflow_not_installed_x" in n for n in notes)
    assert run_all.main(["--quick"]) == 0
