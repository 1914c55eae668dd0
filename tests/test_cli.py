"""The `autograph` command, run in a subprocess the way a user runs it.

Tests that need the real converter (autograph.api.convert_module_source) skip until it is
installed; tests marked "stand-in converter" pin the CLI's own logic (error reports, -f
splicing, internal errors) with a tiny fake converter, so they run either way.
"""
import importlib.util
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.py"))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSTARTUP", None)
    return env


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8")
        self.err = proc.stderr.decode("utf-8")

    def __repr__(self):
        return "exit %d\n--- stdout\n%s--- stderr\n%s" % (self.code, self.out, self.err)


def run(*args, cwd, stdin=b"", prefix=(sys.executable, "-m", "autograph")):
    proc = subprocess.run(list(prefix) + [str(a) for a in args], cwd=cwd, input=stdin,
                          capture_output=True, env=_env(), timeout=120)
    return Result(proc)


def write(path, text, mode="w"):
    path = Path(path)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def assert_clean_failure(r, code, first_line_start):
    """A failure: the expected status, a first line naming the place, no traceback, no stdout."""
    assert r.code == code, r
    assert r.err.splitlines()[0].startswith(first_line_start), r
    assert "Traceback" not in r.err, r
    assert r.out == "", r


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the command itself ----------------------------------------------------------------------


def test_version_is_single_sourced(tmp_path):
    from autograph._version import __version__

    r = run("--version", cwd=tmp_path)
    assert (r.code, r.out.strip()) == (0, "autograph " + __version__), r


def test_help_shows_examples_and_exit_statuses(tmp_path):
    r = run("--help", cwd=tmp_path)
    assert r.code == 0, r
    for text in ("autograph convert model.py", "--check", "exit status", "2  usage error"):
        assert text in r.out, text
    r = run("convert", "--help", cwd=tmp_path)
    assert r.code == 0, r
    for option in ("--function", "--output", "--line-numbers", "--stage", "--check", "NAME"):
        assert option in r.out, option


def test_console_script_matches_python_m(tmp_path):
    exe = shutil.which("autograph")
    if exe is None:
        pytest.skip("the package is not installed (pip install -e .)")
    assert run("--version", cwd=tmp_path, prefix=[exe]).out == run("--version", cwd=tmp_path).out


def test_usage_errors_exit_2(tmp_path):
    r = run(cwd=tmp_path)
    assert r.code == 2 and "missing COMMAND" in r.err and "Traceback" not in r.err, r
    r = run("convert", cwd=tmp_path)
    assert r.code == 2 and "FILE" in r.err, r
    r = run("convert", "x.py", "--bogus", cwd=tmp_path)
    assert r.code == 2 and "--bogus" in r.err, r
    write(tmp_path / "x.py", "x = 1\n")
    r = run("convert", "x.py", "--check", "-o", "y.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "autograph convert: error: --check writes nothing")


def test_import_of_cli_is_light(tmp_path):
    """`autograph --help/--version` never load the converter (the runtime is __init__'s)."""
    code = ("import sys, autograph\nbefore = set(sys.modules)\nimport autograph.cli\n"
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('autograph')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['autograph._version', 'autograph.cli']" or \
        proc.stdout.strip() == "['autograph.cli']", proc.stdout


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["convert", "--help"]])
def test_version_does_not_import_numpy(tmp_path, args):
    code = ("import sys\nfrom autograph.cli import main\ntry:\n    main(%r)\n"
            "except SystemExit:\n    pass\nprint('numpy' in sys.modules)" % (args,))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(), cwd=tmp_path)
    assert proc.stdout.splitlines()[-1] == "False", proc.stdout


# --- bad input -------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert_clean_failure(run("convert", "nope.py", cwd=tmp_path), 2, "nope.py: error: no such file")


def test_directory(tmp_path):
    (tmp_path / "pkg").mkdir()
    assert_clean_failure(run("convert", "pkg", cwd=tmp_path), 2, "pkg: error: is a directory")


def test_unreadable_file(tmp_path):
    path = write(tmp_path / "secret.py", "def f(x):\n    return x\n")
    if os.geteuid() != 0:
        path.chmod(0)
        r = run("convert", "secret.py", cwd=tmp_path)
    else:  # root reads any file: make open() fail as it would for anyone else
        code = ("import builtins, sys\nfrom autograph.cli import main\nreal = builtins.open\n"
                "def deny(file, *a, **k):\n"
                "    if str(file) == 'secret.py':\n"
                "        raise PermissionError(13, 'Permission denied', file)\n"
                "    return real(file, *a, **k)\n"
                "builtins.open = deny\nimport os\nreal_os_open = os.open\n"
                "def deny_os(file, *a, **k):\n"
                "    if str(file) == 'secret.py':\n"
                "        raise PermissionError(13, 'Permission denied', file)\n"
                "    return real_os_open(file, *a, **k)\n"
                "os.open = deny_os\nsys.exit(main(['convert', 'secret.py']))\n")
        r = run(cwd=tmp_path, prefix=[sys.executable, "-c", code])
    assert_clean_failure(r, 2, "secret.py: error: permission denied")


def test_path_through_a_file(tmp_path):
    write(tmp_path / "a.py", "x = 1\n")
    assert_clean_failure(run("convert", "a.py/b.py", cwd=tmp_path), 2, "a.py/b.py: error:")


def test_binary_file(tmp_path):
    write(tmp_path / "blob.py", b"x = 1\n\x00\x01\x02garbage")
    r = run("convert", "blob.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "blob.py:2:1: error: binary data")


def test_not_utf8(tmp_path):
    write(tmp_path / "latin.py", "x = 1\ns = 'caf\xe9'\n".encode("latin-1"))
    r = run("convert", "latin.py", "-o", "out.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "latin.py:2:9: error: not valid utf-8 text (byte 0xe9)")
    assert not (tmp_path / "out.py").exists()


def test_coding_cookie_is_honoured_and_the_encoding_kept(tmp_path):
    source = ("# -*- coding: latin-1 -*-\ns = 'caf\xe9'  # caf\xe9\n\n\ndef f(x):\n"
              "    if x:\n        return s\n    return ''\n").encode("latin-1")
    write(tmp_path / "latin.py", source)
    r = run("convert", "latin.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    # The output is written in the file's own encoding: the lines it does not convert are
    # the same bytes, the coding comment included.
    data = (tmp_path / "out.py").read_bytes()
    assert data.startswith(source.split(b"\n")[0] + b"\n# Converted by autograph"), data
    assert b"\ns = 'caf\xe9'  # caf\xe9\n" in data, data
    assert load_module(tmp_path / "out.py", "latin_ag").f(1) == "caf\xe9"
    assert load_module(tmp_path / "out.py", "latin_out").s == "caf\xe9"


def test_syntax_error_shows_line_and_caret(tmp_path):
    write(tmp_path / "bad.py", """\
        def f(x):
            return x +* 2
        """)
    r = run("convert", "bad.py", "-o", "out.py", cwd=tmp_path)
    assert_clean_failure(r, 1, "bad.py:2:15: syntax error: invalid syntax")
    assert r.err.splitlines()[1:] == ["    return x +* 2", "    " + " " * 10 + "^"], r
    assert not (tmp_path / "out.py").exists()


def test_syntax_error_from_stdin(tmp_path):
    r = run("convert", "-", cwd=tmp_path, stdin=b"x = (1,\n     2 3)\n")
    assert_clean_failure(r, 1, "<stdin>:2:6: syntax error:")
    assert r.err.splitlines()[1:] == ["    2 3)", "    ^^^"], r


def test_indentation_error(tmp_path):
    write(tmp_path / "bad.py", "def f(x):\nreturn x\n")
    assert_clean_failure(run("convert", "bad.py", cwd=tmp_path), 1,
                         "bad.py:2:1: indentation error: expected an indented block")


def test_empty_file(tmp_path):
    write(tmp_path / "empty.py", "")
    r = run("convert", "empty.py", cwd=tmp_path)
    assert r.code == 0 and "no functions to convert" in r.err, r
    assert r.out.startswith("# Converted by autograph"), r
    assert run("convert", "empty.py", "--check", cwd=tmp_path).code == 0
    r = run("convert", "empty.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0 and (tmp_path / "out.py").exists(), r


def test_output_in_missing_directory(tmp_path):
    write(tmp_path / "a.py", "x = 1\n")
    r = run("convert", "a.py", "-o", "missing/out.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "missing/out.py: error: cannot write the output: directory "
                               "missing does not exist")
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


def test_output_is_a_directory(tmp_path):
    write(tmp_path / "a.py", "x = 1\n")
    (tmp_path / "out").mkdir()
    assert_clean_failure(run("convert", "a.py", "-o", "out", cwd=tmp_path), 2,
                         "out: error: output is a directory")


def test_unknown_function_name(tmp_path):
    write(tmp_path / "m.py", """\
        def f(x):
            return x
        class C:
            def m(self):
                return 1
        """)
    r = run("convert", "m.py", "-f", "g", cwd=tmp_path)
    assert_clean_failure(r, 2, "m.py: error: no function named 'g' (functions: C.m, f)")


# --- the CLI's own logic, with a stand-in converter --------------------------------------------

FAKE_CONVERTER = '''
import ast, sys

import autograph.api
from autograph.pyct.errors import ConversionError

def convert_module_source(source, filename, tree=None):
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Yield):
            raise ConversionError("generators are not supported", filename, node.lineno,
                                  node.col_offset)
        if isinstance(node, ast.Name) and node.id == "boom":
            raise RuntimeError("converter bug")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.body.insert(0, ast.parse("converted = True").body[0])
    return "from autograph.impl.conversion import ag__\\n" + ast.unparse(tree) + "\\n"

autograph.api.convert_module_source = convert_module_source
from autograph.cli import main
sys.exit(main())
'''


def run_fake(tmp_path, *args):
    write(tmp_path / "_fake_autograph.py", FAKE_CONVERTER)
    return run(*args, cwd=tmp_path, prefix=[sys.executable, str(tmp_path / "_fake_autograph.py")])


MIXED = """\
'''A module.'''
from __future__ import annotations

def ok(x):
    return x

def gen(n):
    for i in range(n):
        yield i

class C:
  def m(self):
    return 1

  def g(self):
    yield 2
"""


def test_every_failing_function_is_reported_and_nothing_written(tmp_path):
    write(tmp_path / "m.py", MIXED)
    r = run_fake(tmp_path, "convert", "m.py", "-o", "out.py")
    assert r.code == 1, r
    assert r.err.splitlines() == [
        "m.py:9:9: error: generators are not supported (in gen)",
        "m.py:16:5: error: generators are not supported (in C.g)",
        "autograph: nothing written: 2 of 4 functions cannot be converted (gen, C.g); the "
        "others convert (ok, C.m): convert them alone with -f ok -f C.m",
    ], r
    assert sorted(os.listdir(tmp_path)) == ["_fake_autograph.py", "m.py"]
    assert run_fake(tmp_path, "convert", "m.py", "--check").code == 1


def test_selected_functions_are_spliced_into_the_unchanged_module(tmp_path):
    write(tmp_path / "m.py", MIXED)
    r = run_fake(tmp_path, "convert", "m.py", "-f", "ok,C.m", "-o", "out.py")
    assert r.code == 0, r
    out = (tmp_path / "out.py").read_text()
    expected = MIXED.replace("from __future__ import annotations\n",
                             "from __future__ import annotations\n"
                             "from autograph.impl.conversion import ag__\n")
    expected = expected.replace("def ok(x):\n", "def ok(x):\n    converted = True\n")
    # The converter indents by 4; the method keeps its column, its body the converter's style.
    expected = expected.replace("  def m(self):\n    return 1\n",
                                "  def m(self):\n      converted = True\n      return 1\n")
    header, rest = out.split("\n", 1)
    assert header.startswith("# Converted by autograph") and "m.py" in header
    assert rest == expected
    # Nothing is left behind but the output, which has an ordinary file mode.
    assert sorted(os.listdir(tmp_path)) == ["_fake_autograph.py", "m.py", "out.py"]
    assert stat.S_IMODE((tmp_path / "out.py").stat().st_mode) == 0o666 & ~_umask()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_internal_error_is_one_line_with_status_3(tmp_path):
    write(tmp_path / "m.py", "def f():\n    return boom\n")
    r = run_fake(tmp_path, "convert", "m.py")
    assert_clean_failure(r, 3, "autograph: internal error: RuntimeError: converter bug")
    assert len(r.err.splitlines()) == 1, r


# --- with the real converter -----------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_convert_and_run_the_same(tmp_path, example):
    out = tmp_path / ("converted_" + example.name)
    r = run("convert", example, "-o", out, cwd=tmp_path)
    assert r.code == 0 and r.out == "", r
    text = out.read_text()
    assert "from autograph.impl.conversion import ag__" in text
    original = subprocess.run([sys.executable, str(example)], capture_output=True, text=True,
                              env=_env(), cwd=tmp_path, timeout=120)
    converted = subprocess.run([sys.executable, str(out)], capture_output=True, text=True,
                               env=_env(), cwd=tmp_path, timeout=120)
    assert original.returncode == converted.returncode == 0, converted.stderr
    assert converted.stdout == original.stdout


def test_never_imports_or_executes_the_file(tmp_path):
    marker = tmp_path / "marker"
    write(tmp_path / "sneaky.py", f"""\
        import no_such_module_anywhere
        open({str(marker)!r}, "w").write("imported")

        def f(x):
            open({str(marker)!r}, "w").write("called")
            if x > 0:
                return x
            return -x

        raise SystemExit(7)
        """)
    r = run("convert", "sneaky.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    assert not marker.exists()
    text = (tmp_path / "out.py").read_text()
    assert "import no_such_module_anywhere" in text and "SystemExit(7)" in text


PROGRAMS = """\
def square_if_positive(x):
    if x > 0:
        x = x * x
    else:
        x = 0.0
    return x


def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
        if steps > 1000:
            break
    return steps


def first_index(items, target):
    for i, item in enumerate(items):
        if item == target and i >= 0:
            return i
    return -1


class Accumulator:
    def __init__(self):
        self.total = 0

    def add_all(self, items):
        for item in items:
            if not item:
                continue
            self.total += item
        return self.total
"""


def test_converted_module_behaves_like_the_original_on_python_values(tmp_path):
    write(tmp_path / "programs.py", PROGRAMS)
    r = run("convert", "programs.py", "-o", "converted.py", cwd=tmp_path)
    assert r.code == 0, r
    text = (tmp_path / "converted.py").read_text()
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["from autograph.impl.conversion import ag__"], imports
    original = load_module(tmp_path / "programs.py", "programs_original")
    converted = load_module(tmp_path / "converted.py", "programs_converted")
    for x in (-2, -1.5, 0, 0.5, 3):
        assert converted.square_if_positive(x) == original.square_if_positive(x)
    for items in ([], [1], [10, 12, 15, 20], list(range(-5, 9))):
        assert converted.sum_even(items) == original.sum_even(items)
        assert converted.first_index(items, 12) == original.first_index(items, 12)
        assert converted.Accumulator().add_all(items) == original.Accumulator().add_all(items)
    for n in (1, 2, 7, 27, 97):
        assert converted.collatz_steps(n) == original.collatz_steps(n)


def test_converted_module_builds_graphs_without_autograph(tmp_path):
    import autograph as ag

    write(tmp_path / "programs.py", PROGRAMS)
    assert run("convert", "programs.py", "-o", "converted.py", cwd=tmp_path).code == 0
    converted = load_module(tmp_path / "converted.py", "programs_converted_graph")
    sum_even = ag.function(converted.sum_even, autograph=False)
    assert int(sum_even(ag.constant([10, 12, 15, 20]))) == 42
    square = ag.function(converted.square_if_positive, autograph=False)
    assert float(square(ag.constant(-3.0))) == 0.0
    assert float(square(ag.constant(3.0))) == 9.0


UNSUPPORTED = """\
def good(x):
    return x + 1

def numbers(n):
    i = 0
    while i < n:
        yield i
        i += 1

def also_good(x):
    return -x
"""


def test_unsupported_construct_reports_its_line_and_the_other_functions(tmp_path):
    write(tmp_path / "mixed.py", UNSUPPORTED)
    r = run("convert", "mixed.py", "-o", "out.py", cwd=tmp_path)
    assert_clean_failure(r, 1, "mixed.py:7:")
    assert "numbers" in r.err and "2 of 3" not in r.err, r
    assert r.err.splitlines()[-1].startswith("autograph: nothing written: 1 of 3 functions"), r
    assert "-f good -f also_good" in r.err, r
    assert not (tmp_path / "out.py").exists()
    assert run("convert", "mixed.py", "--check", cwd=tmp_path).code == 1
    r = run("convert", "mixed.py", "-f", "good", "-f", "also_good", cwd=tmp_path)
    assert r.code == 0 and "def numbers(n):\n    i = 0\n" in r.out, r


def test_check_writes_nothing(tmp_path):
    write(tmp_path / "programs.py", PROGRAMS)
    before = sorted(os.listdir(tmp_path))
    r = run("convert", "programs.py", "--check", cwd=tmp_path)
    assert r.code == 0 and r.out == "programs.py: ok, 6 functions convert\n", r
    assert sorted(os.listdir(tmp_path)) == before


def test_stdin_and_stdout(tmp_path):
    r = run("convert", "-", cwd=tmp_path, stdin=PROGRAMS.encode())
    assert r.code == 0, r
    assert r.out.startswith("# Converted by autograph") and "from <stdin>" in r.out.splitlines()[0]
    assert "ag__." in r.out
    assert r.out == run("convert", "-", "-o", "-", cwd=tmp_path, stdin=PROGRAMS.encode()).out


def test_selected_function_only(tmp_path):
    write(tmp_path / "programs.py", PROGRAMS)
    r = run("convert", "programs.py", "-f", "sum_even", cwd=tmp_path)
    assert r.code == 0, r
    assert "def collatz_steps(n):\n    steps = 0\n    while n != 1:" in r.out  # kept as is
    assert "for_stmt" in r.out and "while_stmt" not in r.out, r.out


def test_line_numbers_and_stage(tmp_path):
    write(tmp_path / "programs.py", PROGRAMS)
    r = run("convert", "programs.py", "-f", "square_if_positive", "--line-numbers", cwd=tmp_path)
    assert r.code == 0, r
    plain = run("convert", "programs.py", "-f", "square_if_positive", cwd=tmp_path)
    assert r.out != plain.out
    # Each generated statement names its line in programs.py; the code itself is unchanged.
    lines = r.out.splitlines()
    assert any(line.startswith("def square_if_positive(x):") and line.endswith("# L1")
               for line in lines), r.out
    assert any("ag__.if_stmt(x > 0" in line and line.endswith("# L2") for line in lines), r.out
    assert any(line.strip().startswith("x = x * x") and line.endswith("# L3")
               for line in lines), r.out
    assert [re.sub(r"\s+# L\d+$", "", line) for line in lines] == plain.out.splitlines()
    # The whole module too, and the result still runs.
    whole = run("convert", "programs.py", "--line-numbers", "-o", "numbered.py", cwd=tmp_path)
    assert whole.code == 0, whole
    numbered = load_module(tmp_path / "numbered.py", "programs_numbered")
    assert numbered.sum_even([1, 2, 3, 4]) == 6 and numbered.collatz_steps(27) == 111
    # --stage stops the pipeline: after break_statements, `break` is a flag and the loops
    # are still loops.
    staged = run("convert", "programs.py", "--stage", "break_statements", cwd=tmp_path)
    assert staged.code == 0, staged
    assert "while not break_ and n != 1:" in staged.out and "break_ = True" in staged.out
    assert "ag__." not in staged.out.split("\n", 2)[2], staged.out
    assert "while_stmt" in run("convert", "programs.py", cwd=tmp_path).out


def test_convert_module_source_line_numbers_and_stage():
    import autograph.api as api
    source = textwrap.dedent('''\
        """A module."""
        import math


        def f(x):
            """Docstring
            on two lines."""
            while x > 10:
                x = x - math.pi
            return x
        ''')
    text = api.convert_module_source(source, "m.py", line_numbers=True)
    lines = text.splitlines()
    # Lines outside converted functions are copied exactly, without marks.
    assert lines[0] == '"""A module."""' and lines[1] == "from autograph.impl.conversion import ag__"
    assert any(line.startswith("def f(x):") and line.endswith("# L5") for line in lines)
    assert any("ag__.while_stmt" in line and line.endswith("# L8") for line in lines)
    assert any(line.strip().startswith("x = x - math.pi") and line.endswith("# L9")
               for line in lines)
    # A mark after a docstring's first line would land inside the string.
    assert any(line.strip() == '"""Docstring' for line in lines), text
    namespace = {}
    exec(compile(text, "m_converted.py", "exec"), namespace)  # noqa: S102
    assert namespace["f"].__doc__ == "Docstring\n    on two lines."
    assert namespace["f"](25) == pytest.approx(25 - 5 * math.pi)
    for stage in api.STAGES:
        staged = api.convert_module_source(source, "m.py", stage=stage)
        assert ("while_stmt" in staged) == (api.STAGES.index(stage) >=
                                            api.STAGES.index("control_flow")), stage
    with pytest.raises(ValueError, match="unknown stage 'nope'"):
        api.convert_module_source(source, "m.py", stage="nope")


def test_convert_module_source_takes_the_parsed_tree_and_keeps_docstrings():
    import ast

    import autograph.api as api
    source = textwrap.dedent('''\
        class A:
            def f(self, x):
                """Two blank lines, then a line of spaces:


                \x20\x20\x20\x20
                end."""
                while x > 10:  # a comment
                    x -= 1
                return x

        if True:
        \tdef g(y):
        \t\treturn y if y > 0 else -y
        ''').replace("\n", "\r\n")
    tree = ast.parse(source)
    dumped = ast.dump(tree, include_attributes=True)
    for options in ({}, {"line_numbers": True}, {"stage": "control_flow"}):
        text = api.convert_module_source(source, "m.py", tree=tree, **options)
        assert text == api.convert_module_source(source, "m.py", **options), options
        assert ast.dump(tree, include_attributes=True) == dumped  # (the tree is not changed)
        assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), options
        namespace = {}
        exec(compile(text, "m_converted.py", "exec"), namespace)  # noqa: S102
        # (the docstring's blank lines and line of spaces are part of its value)
        assert namespace["A"].f.__doc__ == ast.get_docstring(tree.body[0].body[0], clean=False)
        assert namespace["A"]().f(25) == 10 and namespace["g"](-3) == 3
    assert "ag__.while_stmt" in text and "\tdef g(y):\r\n\t    " in text


def test_convert_command_runs_no_collection_and_restores_the_collector(tmp_path):
    # The command keeps the file's syntax tree alive throughout: a collection would only
    # rescan it. (In-process: the command's own state, not a subprocess's; the command line
    # is parsed before, as `main` does.)
    import gc

    from autograph.cli import _build_parser
    from autograph.cli_convert import convert_command

    def main(argv):
        return convert_command(_build_parser().parse_args(argv))
    write(tmp_path / "many.py", "".join(
        "def f%d(x):\n    while x > %d:\n        x -= 1\n    return x\n" % (i, i)
        for i in range(150)))
    collections_run = []

    def count(phase, info):
        if phase == "start":
            collections_run.append(info["generation"])
    gc.collect()
    gc.callbacks.append(count)
    try:
        assert main(["convert", str(tmp_path / "many.py"), "-o", str(tmp_path / "out.py")]) == 0
        assert gc.isenabled()
        gc.disable()
        try:
            assert main(["convert", str(tmp_path / "many.py"), "--check"]) == 0
            assert not gc.isenabled()          # the caller's choice is kept
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(count)
    assert collections_run == []
    assert (tmp_path / "out.py").read_text().count("ag__.while_stmt(") == 150


def test_the_command_process_leaves_its_memory_to_the_os_in_process_calls_do_not(tmp_path):
    # main() without arguments is the `autograph` process (console script, python -m), which
    # exits right after: its objects are frozen, so that shutting down does not collect them
    # one by one. Called with arguments (in-process use), nothing is frozen.
    write(tmp_path / "m.py", "def f(x):\n    while x > 0:\n        x -= 1\n    return x\n")
    script = textwrap.dedent("""\
        import gc, sys
        from autograph.cli import main
        assert main(["convert", "m.py", "--check"]) == 0 and gc.get_freeze_count() == 0
        sys.argv = ["autograph", "convert", "m.py", "-o", "out.py"]
        status = main()
        print(status, gc.get_freeze_count() > 0)
        """)
    r = run("-c", script, cwd=tmp_path, prefix=[sys.executable])
    assert r.code == 0 and r.out.splitlines()[-1] == "0 True", (r.out, r.err)
    assert "ag__.while_stmt" in (tmp_path / "out.py").read_text()


def test_unknown_stage_lists_the_stages(tmp_path):
    import autograph.converters.pipeline as pipeline
    write(tmp_path / "m.py", "def f(x):\n    return x\n")
    r = run("convert", "m.py", "--stage", "nope", cwd=tmp_path)
    assert_clean_failure(r, 2, "autograph convert: error: unknown stage 'nope'")
    assert ", ".join(pipeline.STAGES) in r.err, r


def test_old_stage_name_functions_is_an_alias_of_unsupported(tmp_path):
    write(tmp_path / "m.py", "def f(x):\n    while x > 0:\n        x -= 1\n    return x\n")
    new = run("convert", "m.py", "--stage", "unsupported", cwd=tmp_path)
    old = run("convert", "m.py", "--stage", "functions", cwd=tmp_path)
    assert new.code == old.code == 0, (new, old)
    assert old.out == new.out and "while x > 0" in new.out, (new, old)


NESTED = """\
import os
if os.name:
    def h(x):
        if x:
            return 1
        return 2
else:
    def h(x):
        return 3
class C:
  @staticmethod
  def s(x):
    while x > 0:
      x -= 1
    return x
try:
    from no_such_module_anywhere import fallback
except ImportError:
    def fallback(v):
        return v if v else 0
"""


def test_selecting_functions_inside_ifs_classes_and_handlers(tmp_path):
    write(tmp_path / "nested.py", NESTED)
    r = run("convert", "nested.py", "-f", "h,C.s", "-f", "fallback", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    text = (tmp_path / "out.py").read_text()
    assert text.count("ag__.if_stmt") == 1 and "ag__.while_stmt" in text, text
    assert "def h(x):\n        return 3\n" in text  # the else-branch `h`, converted in place
    assert "ag__.if_exp(v" in text
    out = load_module(tmp_path / "out.py", "nested_converted")
    assert (out.h(1), out.h(0), out.C.s(3), out.fallback(0), out.fallback(5)) == (1, 2, 0, 0, 5)


# Functions defined inside every kind of module- and class-level block: each one is listed,
# and each one is converted like a top-level function (none is left as written while the
# count says it converts).
IN_BLOCKS = """\
import sys

n = len(sys.version_info[:1])

match n:
    case 1:
        def in_case(y):
            if y > 0:
                y = -y
            return y
    case _:
        def in_case(y):
            return y

try:
    raise ExceptionGroup("g", [ValueError()])
except* ValueError:
    def in_except_star(y):
        while y > 0:
            y -= 1
        return y

if n:
    def in_if(y):
        return 1 if y else 2
else:
    def in_if(y):
        return 3

with open(__file__):
    def in_with(y):
        return y and 4

for _ in range(1):
    def in_for(y):
        if y:
            return 5
        return 6
else:
    def in_for_else(y):
        return y or 7

while n < 0:
    pass
else:
    def in_while_else(y):
        if not y:
            return 8
        return 9

try:
    pass
except ValueError:
    pass
else:
    def in_try_else(y):
        return y if y else 10
finally:
    def in_finally(y):
        return 11 if y else 12


class C:
    match n:
        case 1:
            def in_class_case(self, y):
                if y:
                    return 13
                return 14
    try:
        pass
    except* TypeError:
        pass
    finally:
        def in_class_finally(self, y):
            return 15 if y else 16
"""


def test_functions_in_every_module_and_class_block_are_converted(tmp_path):
    from autograph.cli_convert import list_functions
    import ast

    write(tmp_path / "blocks.py", IN_BLOCKS)
    r = run("convert", "blocks.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0 and r.err == "", r
    text = (tmp_path / "out.py").read_text()
    defs = list_functions(ast.parse(text))
    # Every listed function with control flow (all but the second `in_case` and the `else`
    # branch `in_if`) is replaced by its conversion.
    unchanged = [d.qualname for d in defs
                 if "ag__" not in ast.get_source_segment(text, d.node)]
    assert unchanged == ["in_case", "in_if"], unchanged
    r = run("convert", "blocks.py", "--check", cwd=tmp_path)
    assert r.code == 0 and r.out == "blocks.py: ok, %d functions convert\n" % len(defs), r
    original = load_module(tmp_path / "blocks.py", "blocks_original")
    converted = load_module(tmp_path / "out.py", "blocks_converted")
    for name in ("in_case", "in_except_star", "in_if", "in_with", "in_for", "in_for_else",
                 "in_while_else", "in_try_else", "in_finally"):
        for y in (0, 1, 3):
            assert getattr(converted, name)(y) == getattr(original, name)(y), (name, y)
    for name in ("in_class_case", "in_class_finally"):
        for y in (0, 1):
            assert getattr(converted.C(), name)(y) == getattr(original.C(), name)(y), (name, y)


def test_listing_and_converting_walk_the_same_functions():
    """The converter replaces exactly the functions the command lists and counts."""
    import ast

    import autograph.api as api
    from autograph.cli_convert import list_functions

    tree = ast.parse(IN_BLOCKS)
    flow = (ast.If, ast.While, ast.For, ast.IfExp, ast.BoolOp)
    listed = [(d.node.lineno, d.node.end_lineno, any(isinstance(n, flow)
                                                     for n in ast.walk(d.node)))
              for d in list_functions(tree)]
    assert len(listed) == 13, listed
    out = api.convert_module_source(IN_BLOCKS, "blocks.py", line_numbers=True)
    # With line marks, the functions the conversion changes are regenerated with their lines
    # marked; the others (no control flow) stay as written. Every listed function with control
    # flow is marked, and no line outside a listed function is.
    marked = {int(m) for m in re.findall(r"# L(\d+)$", out, re.M)}
    assert {first for first, _, has_flow in listed if has_flow} == \
        {first for first, _, _ in listed if first in marked}, (listed, sorted(marked))
    outside = [m for m in marked if not any(a <= m <= b for a, b, _ in listed)]
    assert outside == [], outside


@pytest.mark.parametrize("block", ["async with ctx:", "async for i in ctx:"])
@pytest.mark.parametrize("in_class", [False, True])
def test_async_block_outside_async_function_is_the_files_syntax_error(tmp_path, block, in_class):
    """`async with`/`async for` parse at module and class level but are not valid Python
    there: the file is reported (status 1, its line), not an internal error of autograph."""
    body = block + "\n    def h(y):\n        if y > 0:\n            y = -y\n        return y\n"
    if in_class:
        body = "class C:\n" + textwrap.indent(body, "    ")
    (tmp_path / "a.py").write_text("x = 1\n" + body)
    for extra in ([], ["--check"]):
        r = run("convert", "a.py", *extra, cwd=tmp_path)
        assert_clean_failure(r, 1, "a.py:%d:" % (3 if in_class else 2))
        assert "outside async function" in r.err and "internal error" not in r.err, r
        assert r.out == "", r


def test_selecting_functions_inside_match_cases_and_except_star(tmp_path):
    write(tmp_path / "blocks.py", IN_BLOCKS)
    r = run("convert", "blocks.py", "-f", "in_case,in_except_star,C.in_class_case", "-o",
            "out.py", cwd=tmp_path)
    assert r.code == 0, r
    text = (tmp_path / "out.py").read_text()
    assert text.count("ag__.if_stmt") == 2 and text.count("ag__.while_stmt") == 1, text
    converted = load_module(tmp_path / "out.py", "blocks_selected")
    assert [converted.in_case(y) for y in (-1, 2)] == [-1, -2]
    assert converted.in_except_star(3) == 0
    assert [converted.C().in_class_case(y) for y in (0, 1)] == [14, 13]


@pytest.mark.parametrize("header", ["match x:\n    case 1:", "try:\n    pass\nexcept* E:"])
def test_unsupported_function_inside_a_block_is_reported(tmp_path, header):
    """A function in a `match` case or `except*` block that cannot be converted is reported
    like a top-level one (before, it was left as written and counted as converted)."""
    indent = "        " if header.startswith("match") else "    "
    gen = textwrap.indent("def numbers(n):\n    for i in range(n):\n        yield i\n", indent)
    source = "x = 1\n" + header + "\n" + gen + "\ndef double(y):\n    return 2 * y\n"
    (tmp_path / "g.py").write_text(source)
    line = 1 + source.splitlines().index(indent + "        yield i")
    for extra in ([], ["--check"]):
        r = run("convert", "g.py", *extra, cwd=tmp_path)
        assert_clean_failure(r, 1, "g.py:%d:" % line)
        assert "cannot convert 'numbers'" in r.err and "1 of 2 functions" in r.err, r


@pytest.mark.parametrize("source, line", [("x = 1\nasync with ctx:\n    pass\n", 2),
                                          ("x = 1\nreturn x\n", 2)])
def test_module_without_functions_that_is_not_valid_python_is_reported(tmp_path, source, line):
    """A file that parses but does not compile is not copied as its own conversion."""
    (tmp_path / "bad.py").write_text(source)
    for extra in ([], ["--check"]):
        r = run("convert", "bad.py", *extra, cwd=tmp_path)
        assert_clean_failure(r, 1, "bad.py:%d:" % line)
        assert r.out == "", r
