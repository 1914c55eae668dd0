"""docs/api.md is generated from the docstrings (tools/gen_api.py) and must be current; every
public name has a docstring."""
import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_api", os.path.join(ROOT, "tools",
                                                                         "gen_api.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated():
    return load_generator().generate()


def test_every_public_name_has_a_docstring(generated):
    _, missing = generated
    assert not missing, "public names without a docstring: %s" % ", ".join(missing)


def test_api_page_is_current(generated):
    text, _ = generated
    with open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8") as f:
        current = f.read()
    assert current == text, ("docs/api.md is stale (a public name or docstring changed): run "
                             "`python tools/gen_api.py` and commit docs/api.md")


def test_every_public_name_is_on_the_page(generated):
    import types

    import autograph as ag
    text, _ = generated
    for name in ag.__all__:
        value = getattr(ag, name)
        assert ("`ag.%s" % name in text or "`class ag.%s" % name in text
                or "## `ag.%s`" % name in text), name
        if isinstance(value, types.ModuleType):
            for member in value.__all__:
                assert "ag.%s.%s" % (name, member) in text


def test_check_mode_reports_a_stale_page(tmp_path, monkeypatch, capsys):
    gen = load_generator()
    monkeypatch.setattr(gen, "OUT", str(tmp_path / "api.md"))
    (tmp_path / "api.md").write_text("old\n")
    assert gen.main(["--check"]) == 1
    assert "run `python tools/gen_api.py`" in capsys.readouterr().out
    assert gen.main([]) == 0 and gen.main(["--check"]) == 0
