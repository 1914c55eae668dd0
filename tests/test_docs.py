"""Runs every code block of README.md and docs/*.md, so the docs cannot rot.

What a block means to this test (docs/index.md says the same for writers of docs):

  ```python            runs; the blocks of one file share one namespace, top to bottom.
  ```text              right after a python block: what that block prints (checked exactly).
  ```python to-code F  the text of `ag.to_code(F)` (F defined by an earlier block): checked,
                       not run. `to-code F stage=NAME` passes stage=NAME.
  ```console           each `$ command` runs in bash in a scratch directory holding a copy of
                       examples/; the lines after it are its output (stdout and stderr), checked
                       exactly; a command shown without output must exit 0.

An HTML comment `<!-- docs-test: requires ag.function autograph.api.convert_module_source -->`
makes the following blocks skip until those names exist (features still being built); the
next `requires` comment replaces the list (an empty one clears it), so give each section its
own and keep sections from depending on each other's names. `<!-- docs-test: skip -->` skips
the next block only (README's set-up commands, which CI runs word for word instead).

AUTOGRAPH_UPDATE_DOCS=1 rewrites the checked outputs from what the code really prints.
"""
import contextlib
import importlib
import io
import linecache
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOC_FILES = [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))
UPDATE = os.environ.get("AUTOGRAPH_UPDATE_DOCS") == "1"

_FENCE = re.compile(r"^```(\w*)[ \t]*(.*?)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(\w+)\s*(.*?)\s*-->\s*$")


class Block:
    def __init__(self, path, line, lang, info, lines, requires, skip):
        self.path = path
        self.line = line          # 1-based line of the opening fence
        self.lang = lang
        self.info = info
        self.lines = lines        # the block's text, one string per line, without newlines
        self.requires = requires  # names that must exist for this block to run
        self.skip = skip
        self.output = None        # the ```text block that shows what this block prints

    @property
    def id(self):
        return "%s:%d" % (self.path.relative_to(REPO), self.line)

    @property
    def first_code_line(self):
        return self.line + 1


def parse_blocks(path):
    """The fenced blocks of a Markdown file, with directives applied."""
    blocks, requires, skip_next = [], [], False
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        directive = _DIRECTIVE.match(lines[i])
        fence = _FENCE.match(lines[i])
        if directive:
            kind, arg = directive.groups()
            if kind == "requires":
                requires = arg.split()
            elif kind == "skip":
                skip_next = True
            else:
                raise ValueError("%s:%d: unknown docs-test directive %r" % (path, i + 1, kind))
        elif fence:
            start = i
            i += 1
            body = []
            while i < len(lines) and lines[i].rstrip() != "```":
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise ValueError("%s:%d: unclosed code block" % (path, start + 1))
            lang, info = fence.groups()
            block = Block(path, start + 1, lang, info, body, list(requires), skip_next)
            skip_next = False
            previous = blocks[-1] if blocks else None
            between = lines[previous.end:start] if previous else []
            if (lang == "text" and previous is not None and previous.lang == "python"
                    and not previous.info and not any(s.strip() for s in between)):
                previous.output = block
            blocks.append(block)
            block.end = i + 1
        i += 1
    return blocks


def missing(names):
    """The names among `names` that do not exist yet.

    `ag.a.b` is looked up as attributes of the package (and must not be a module: a submodule
    `autograph/function.py` is not the `ag.function` the docs call); `autograph.mod.name`
    imports the longest module prefix, then looks up the rest.
    """
    import types

    import autograph

    absent = []
    for name in names:
        if name.startswith("ag."):
            obj = autograph
            for attr in name.split(".")[1:]:
                obj = getattr(obj, attr, None)
            if obj is None or isinstance(obj, types.ModuleType):
                absent.append(name)
            continue
        parts = name.split(".")
        obj = None
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                obj = getattr(obj, attr, None)
            break
        if obj is None:
            absent.append(name)
    return absent


def _normalise(text):
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _diff(expected, actual):
    import difflib

    return "\n".join(difflib.unified_diff(expected, actual, "documented", "actual", lineterm=""))


class FileRun:
    """Runs every block of one Markdown file in order; records each block's outcome."""

    def __init__(self, path):
        self.path = path
        self.blocks = parse_blocks(path)
        self.outcomes = {}   # block.line -> ("pass"|"fail"|"skip", message)
        self.updates = []    # (first line index, last line index, new lines) for UPDATE
        self.namespace = {"__name__": "__docs__"}
        # Relative, so messages that quote a place ("docs/errors.md:12") read the same in
        # every checkout; linecache is keyed by it, which is all inspect needs.
        self.filename = str(path.relative_to(REPO))
        self._scratch = None

    def run(self):
        self._register_source()
        blocked = None
        try:
            for block in self.blocks:
                if block.lang not in ("python", "console") or block.skip:
                    continue
                absent = missing(block.requires)
                if absent:
                    self.outcomes[block.line] = ("skip", "needs %s" % ", ".join(absent))
                    continue
                try:
                    if block.lang == "console":
                        self._run_console(block)
                    elif block.info.startswith("to-code"):
                        self._check_to_code(block)
                    else:
                        self._run_python(block)
                except _Mismatch as e:
                    self.outcomes[block.line] = ("fail", str(e))
                    continue  # the code ran; later blocks can still run
                except Exception:  # noqa: BLE001 - reported as this block's failure
                    error = traceback.format_exc()
                    if blocked is None:
                        self.outcomes[block.line] = ("fail", error)
                        if block.lang == "python":
                            blocked = block.line
                    else:  # may only be a consequence of the first failure: don't pile up
                        self.outcomes[block.line] = (
                            "skip", "fails after the block at line %d failed:\n%s"
                            % (blocked, error.strip().splitlines()[-1]))
                    continue
                self.outcomes[block.line] = ("pass", None)
        finally:
            if self._scratch:
                shutil.rmtree(self._scratch, ignore_errors=True)
        if UPDATE and self.updates:
            self._write_updates()

    def _register_source(self):
        """linecache sees only the python blocks of the file (everything else blank).

        Code from a block is compiled under the Markdown file's path at its own line numbers,
        so tracebacks point into the docs, and inspect.getsource (which the converter uses)
        finds each function; the blanking keeps the whole "file" parseable as Python.
        """
        text = self.path.read_text(encoding="utf-8").splitlines()
        shown = [""] * len(text)
        for block in self.blocks:
            if block.lang == "python" and not block.info:
                for k, line in enumerate(block.lines):
                    shown[block.line + k] = line
        lines = [line + "\n" for line in shown]
        linecache.cache[self.filename] = (sum(map(len, lines)), None, lines, self.filename)

    def _run_python(self, block):
        source = "\n" * block.line + "\n".join(block.lines) + "\n"
        code = compile(source, self.filename, "exec", dont_inherit=True)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, self.namespace)  # noqa: S102 - running the docs is the point
        if block.output is not None:
            self._compare(block.output, out.getvalue(), "what the block at line %d prints"
                          % block.line)

    def _check_to_code(self, block):
        import autograph as ag

        words = block.info.split()
        if len(words) < 2:
            raise ValueError("`to-code` needs a function name")
        options = dict(w.split("=", 1) for w in words[2:])
        fn = eval(words[1], self.namespace)  # noqa: S307 - a name from our own docs
        self._compare(block, ag.to_code(fn, **options), "ag.to_code(%s)" % words[1])

    def _run_console(self, block):
        commands = []  # (index of the $ line in block.lines, command, expected lines)
        for k, line in enumerate(block.lines):
            if line.startswith("$ "):
                commands.append([k, line[2:], []])
            elif commands:
                commands[-1][2].append(line)
        for k, command, expected in commands:
            proc = subprocess.run(["bash", "-c", command], cwd=self._scratch_dir(),
                                  env=self._console_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            actual = proc.stdout.decode("utf-8", "replace")
            if expected or UPDATE:
                first = block.line + k + 1  # index of the first output line in the file
                self._compare_lines(first, first + len(expected), expected, actual,
                                    "the output of `%s`" % command)
            elif proc.returncode != 0:
                raise _Mismatch("`%s` exited %d:\n%s" % (command, proc.returncode, actual))

    def _scratch_dir(self):
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="autograph-docs-")
            shutil.copytree(REPO / "examples", Path(self._scratch) / "examples")
            bin_dir = Path(self._scratch) / ".bin"
            bin_dir.mkdir()
            for name, target in (("autograph", '"%s" -m autograph' % sys.executable),
                                 ("python", '"%s"' % sys.executable)):
                script = bin_dir / name
                script.write_text('#!/bin/sh\nexec %s "$@"\n' % target)
                script.chmod(0o755)
        return self._scratch

    def _console_env(self):
        env = dict(os.environ)
        env["PATH"] = str(Path(self._scratch_dir()) / ".bin") + os.pathsep + env.get("PATH", "")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        env["COLUMNS"] = "100"  # argparse wraps help text to the terminal width
        return env

    def _compare(self, block, actual, what):
        first = block.line  # the line after the opening fence, 0-based
        self._compare_lines(first, first + len(block.lines), block.lines, actual, what)

    def _compare_lines(self, first, last, expected, actual, what):
        got = _normalise(actual)
        if _normalise("\n".join(expected)) == got:
            return
        if UPDATE:
            self.updates.append((first, last, got))
            return
        raise _Mismatch("%s differs from the docs (AUTOGRAPH_UPDATE_DOCS=1 rewrites them):\n%s"
                        % (what, _diff(_normalise("\n".join(expected)), got)))

    def _write_updates(self):
        lines = self.path.read_text(encoding="utf-8").split("\n")
        for first, last, new in sorted(self.updates, reverse=True):
            lines[first:last] = new
        self.path.write_text("\n".join(lines), encoding="utf-8")


class _Mismatch(AssertionError):
    pass


_RUNS = {}


def _outcome(path, line):
    if path not in _RUNS:
        run = FileRun(path)
        run.run()
        _RUNS[path] = run
    return _RUNS[path].outcomes.get(line, ("skip", "not a runnable block"))


def _cases():
    cases = []
    for path in DOC_FILES:
        for block in parse_blocks(path):
            if block.lang in ("python", "console") and not block.skip:
                cases.append(pytest.param(path, block.line, id=block.id))
    return cases


@pytest.mark.parametrize("path,line", _cases())
def test_doc_block(path, line):
    status, message = _outcome(path, line)
    if status == "skip":
        pytest.skip(message)
    if status == "fail":
        pytest.fail(message, pytrace=False)


def test_every_doc_has_a_runnable_block_or_says_why():
    """A doc page without code is fine, but README and the guide must run something."""
    for name in ("README.md", "docs/guide.md"):
        blocks = parse_blocks(REPO / name)
        assert any(b.lang == "python" and not b.skip for b in blocks), name


def test_links_between_docs_resolve():
    link = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")
    for path in DOC_FILES:
        for target, _ in link.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (path.parent / target).exists(), "%s links to missing %s" % (path.name, target)


def test_example_files_are_shipped_and_documented():
    examples = sorted(p.name for p in (REPO / "examples").glob("*.py"))
    assert "collatz.py" in examples, examples
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "autograph convert examples/collatz.py" in readme
