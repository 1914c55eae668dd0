"""`autograph convert` and the files around it: what it reads, what it writes, and the output.

The command reads only regular files, writes only regular files (never replacing a device,
FIFO, socket, the input itself or a read-only file by accident), reports I/O failures in one
line with status 2, never writes output that does not compile, and changes nothing in the
file but the functions it converts.
"""
import ast
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap

import pytest
from test_cli import (FAKE_CONVERTER, _env, assert_clean_failure, load_module,
                      run, write)

PROGRAM = "def f(x):\n    while x > 0:\n        x = x - 1\n    return x\n"


def sh(script, cwd, stdin=b""):
    """Runs `script` with sh, `$AG` being the command (to close or redirect its streams)."""
    env = _env()
    env["AG"] = "%s -m autograph" % sys.executable
    proc = subprocess.run(["sh", "-c", script], cwd=cwd, input=stdin, capture_output=True,
                          env=env, timeout=60)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


# --- 4. -o writes regular files only --------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_output_fifo_is_refused_and_left_alone(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    os.mkfifo(tmp_path / "pipe")
    r = run("convert", "m.py", "-o", "pipe", cwd=tmp_path)
    assert_clean_failure(r, 2, "pipe: error: is a FIFO (named pipe), not a regular file")
    assert len(r.err.splitlines()) == 1, r
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert sorted(os.listdir(tmp_path)) == ["m.py", "pipe"]


def test_output_device_through_a_symlink_is_refused(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    os.symlink(os.devnull, tmp_path / "null")
    r = run("convert", "m.py", "-o", "null", cwd=tmp_path)
    assert_clean_failure(r, 2, "null: error: is a character device, not a regular file")
    assert os.path.islink(tmp_path / "null") and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_socket_is_refused(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        r = run("convert", "m.py", "-o", "sock", cwd=tmp_path)
    finally:
        server.close()
    assert_clean_failure(r, 2, "sock: error: is a socket, not a regular file")
    assert stat.S_ISSOCK(os.lstat(tmp_path / "sock").st_mode)


def test_output_symlink_to_a_file_writes_the_file(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    (tmp_path / "real").mkdir()
    write(tmp_path / "real" / "out.py", "old\n")
    os.symlink(os.path.join("real", "out.py"), tmp_path / "link.py")
    r = run("convert", "m.py", "-o", "link.py", cwd=tmp_path)
    assert r.code == 0, r
    assert os.path.islink(tmp_path / "link.py")
    assert "while_stmt" in (tmp_path / "real" / "out.py").read_text()
    # The temporary file was made next to the target, and is gone.
    assert os.listdir(tmp_path / "real") == ["out.py"]


@pytest.mark.parametrize("out", ["-", "/dev/stdout"])
def test_output_to_standard_output(tmp_path, out):
    write(tmp_path / "m.py", PROGRAM)
    r = run("convert", "m.py", "-o", out, cwd=tmp_path)
    assert r.code == 0 and "while_stmt" in r.out, r


# --- 5. the input and read-only files are not replaced by accident ----------------------------


def test_output_equal_to_the_input_needs_in_place(tmp_path):
    original = write(tmp_path / "m.py", PROGRAM).read_bytes()
    os.symlink("m.py", tmp_path / "alias.py")
    os.link(tmp_path / "m.py", tmp_path / "hard.py")
    for out in ("m.py", "./m.py", "alias.py", "hard.py"):
        r = run("convert", "m.py", "-o", out, cwd=tmp_path)
        assert_clean_failure(r, 2, "%s: error: is the input file" % out)
        assert "--in-place" in r.err
    assert (tmp_path / "m.py").read_bytes() == original


def test_in_place(tmp_path):
    path = write(tmp_path / "m.py", PROGRAM)
    path.chmod(0o640)
    r = run("convert", "m.py", "--in-place", cwd=tmp_path)
    assert r.code == 0 and r.out == "", r
    assert "while_stmt" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert run("convert", "m.py", "-i", "-o", "m.py", cwd=tmp_path).code == 0
    r = run("convert", "m.py", "-i", "-o", "other.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "autograph convert: error: --in-place writes FILE")
    r = run("convert", "-", "-i", cwd=tmp_path, stdin=PROGRAM.encode())
    assert_clean_failure(r, 2, "autograph convert: error: --in-place needs a FILE")


def test_read_only_output_needs_force_and_keeps_its_mode(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    out = write(tmp_path / "out.py", "keep me\n")
    out.chmod(0o444)
    r = run("convert", "m.py", "-o", "out.py", cwd=tmp_path)
    assert_clean_failure(r, 2, "out.py: error: the file is read-only; use --force")
    assert out.read_text() == "keep me\n"
    r = run("convert", "m.py", "-o", "out.py", "--force", cwd=tmp_path)
    assert r.code == 0, r
    assert "while_stmt" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_replaced_output_keeps_its_owner(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    out = write(tmp_path / "out.py", "old\n")
    os.chown(out, 12345, 54321)
    out.chmod(0o604)
    r = run("convert", "m.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    st = out.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 54321, 0o604)


# --- 6. the input must be a regular file ----------------------------------------------------


def _limited_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_input_device_is_refused_without_reading(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip("no " + device)
    # (A memory limit, so that a command that does read the device fails instead of
    # exhausting the machine.)
    proc = subprocess.run([sys.executable, "-m", "autograph", "convert", device], cwd=tmp_path,
                          capture_output=True, env=_env(), timeout=60,
                          preexec_fn=_limited_memory)
    assert proc.returncode == 2, proc
    assert proc.stderr.decode() == ("%s: error: is a character device, not a regular file; "
                                    "autograph reads Python files (use - to read standard "
                                    "input)\n" % device)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_input_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "in.py")
    try:
        r = run("convert", "in.py", cwd=tmp_path)  # no writer: a read would block forever
    except subprocess.TimeoutExpired:
        pytest.fail("autograph convert blocked on a FIFO")
    assert_clean_failure(r, 2, "in.py: error: is a FIFO (named pipe), not a regular file")


# --- 7. I/O failures: status 2, one line naming the stream and the reason -----------------------


def test_standard_output_closed(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    code, _, err = sh('$AG convert m.py >&-', tmp_path)
    assert code == 2, err
    assert err == "autograph: error: cannot write the output: standard output is closed\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_standard_output_full(tmp_path):
    write(tmp_path / "m.py", PROGRAM)
    code, _, err = sh('$AG convert m.py > /dev/full', tmp_path)
    assert code == 2, err
    assert err == "autograph: error: cannot write to standard output: No space left on device\n"
    code, _, err = sh('$AG convert m.py --check > /dev/full', tmp_path)
    assert code == 2 and "No space left on device" in err and "Traceback" not in err, err


def test_standard_input_closed(tmp_path):
    code, out, err = sh('$AG convert - <&-', tmp_path)
    assert (code, out) == (2, ""), err
    assert err == "<stdin>: error: cannot read standard input: it is closed\n"


def test_broken_pipe_is_quiet(tmp_path):
    write(tmp_path / "big.py", "".join(
        "def f%d(x):\n    if x > %d:\n        x = x - 1\n    return x\n\n" % (i, i)
        for i in range(400)))
    proc = subprocess.Popen([sys.executable, "-m", "autograph", "convert", "big.py"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, -signal.SIGPIPE), err
    assert first.startswith(b"# Converted by autograph") and err == "", err


# --- #11: the output always compiles ---------------------------------------------------------

BAD_CONVERTER = FAKE_CONVERTER.replace(
    '    return "from autograph.impl.conversion import ag__\\n" + ast.unparse(tree) + "\\n"',
    '    return "from autograph.impl.conversion import ag__\\ndef broken(:\\n"')


def test_output_that_does_not_compile_is_an_internal_error(tmp_path):
    assert BAD_CONVERTER != FAKE_CONVERTER
    write(tmp_path / "_bad_autograph.py", BAD_CONVERTER)
    write(tmp_path / "m.py", PROGRAM)
    prefix = [sys.executable, str(tmp_path / "_bad_autograph.py")]
    for args in (["-o", "out.py"], ["--check"], []):
        r = run("convert", "m.py", *args, cwd=tmp_path, prefix=prefix)
        assert_clean_failure(r, 3, "autograph: internal error: the converted code of m.py does "
                                   "not compile")
        assert "nothing written" in r.err and "please report it" in r.err, r
    assert sorted(os.listdir(tmp_path)) == ["_bad_autograph.py", "m.py"]


# --- 8. lossless output ------------------------------------------------------------------------

LOSSLESS = '''\
#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""The module docstring,
   on two lines, with   odd   spacing."""
from __future__ import annotations

import math  # a trailing comment

# A comment block
# before a function.


@staticmethod  # a decorator with a comment
def plain(x):
    # A function without control flow.
    return x * 2


def looping(n):
    """Docstring kept."""
    total = 0
    for i in range(n):  # comment lost with the conversion
        if i % 2:
            total += i
    return total


class Shape:
    """A class."""

    sides = 4  # class attribute, untouched

    def area(self, w):
        while w > 10:
            w = w - 1
        return w * w
\x0c
# A form feed above; trailing comments and blank lines below.


'''


def _untouched_lines(source):
    """The lines of `source` outside every function body (1-based line numbers kept)."""
    tree = ast.parse(source)
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(range(node.lineno, node.end_lineno + 1))
    lines = source.split("\n")
    return [line for i, line in enumerate(lines, 1) if i not in inside]


def _is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_whole_file_keeps_everything_but_the_converted_functions(tmp_path, newline):
    source = LOSSLESS.replace("\n", newline)
    (tmp_path / "m.py").write_bytes(source.encode("utf-8"))
    r = run("convert", "m.py", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    data = (tmp_path / "out.py").read_bytes()
    if newline == "\r\n":
        assert data.count(b"\n") == data.count(b"\r\n"), data
    out = data.decode("utf-8").replace(newline, "\n")
    lines = out.split("\n")
    assert lines[0] == "#!/usr/bin/env python3" and lines[1] == "# -*- coding: utf-8 -*-"
    assert lines[2].startswith("# Converted by autograph")
    assert lines[3:6] == LOSSLESS.split("\n")[2:5]  # docstring and __future__ import
    assert lines[6] == "from autograph.impl.conversion import ag__"
    assert _is_subsequence(_untouched_lines(LOSSLESS), lines), out
    assert out.endswith("\x0c\n# A form feed above; trailing comments and blank lines below.\n\n\n")
    assert "@staticmethod  # a decorator with a comment\n" in out
    assert '    """Docstring kept."""' in out and "for_stmt" in out and "while_stmt" in out
    module = load_module(tmp_path / "out.py", "lossless_%d" % len(newline))
    assert module.looping(7) == 9 and module.Shape().area(12) == 100
    assert module.__doc__ == "The module docstring,\n   on two lines, with   odd   spacing."


def test_selected_function_keeps_the_shebang_first(tmp_path):
    write(tmp_path / "tool.py", """\
        #!/usr/bin/env python3
        import sys

        def main(argv):
            for a in argv:
                if a == "-h":
                    return 1
            return 0
        """)
    r = run("convert", "tool.py", "-f", "main", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    lines = (tmp_path / "out.py").read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env python3" and lines[1].startswith("# Converted by"), lines
    assert load_module(tmp_path / "out.py", "tool_ag").main(["x", "-h"]) == 1


def test_selected_function_after_a_form_feed_and_crlf(tmp_path):
    source = ("import math\r\n\x0c\r\ndef keep(x):\r\n    # kept\r\n    return x\r\n\r\n"
              "def g(x):\r\n    if x > 0:\r\n        return math.sqrt(x)\r\n    return 0.0\r\n")
    (tmp_path / "m.py").write_bytes(source.encode())
    r = run("convert", "m.py", "-f", "g", "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    data = (tmp_path / "out.py").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n"), data
    assert b"\x0c\r\ndef keep(x):\r\n    # kept\r\n    return x\r\n" in data
    assert load_module(tmp_path / "out.py", "ff_ag").g(4.0) == 2.0


def test_tabs_bom_and_a_file_of_comments(tmp_path):
    write(tmp_path / "tabs.py", "class C:\n\tdef m(self, x):\n\t\tif x:\n\t\t\treturn 1\n"
                                "\t\treturn 2\n\n\tdef n(self):\n\t\treturn 3  # tab\n")
    assert run("convert", "tabs.py", "-o", "tabs_ag.py", cwd=tmp_path).code == 0
    module = load_module(tmp_path / "tabs_ag.py", "tabs_ag")
    assert (module.C().m(0), module.C().m(1), module.C().n()) == (2, 1, 3)
    assert "\tdef n(self):\n\t\treturn 3  # tab\n" in (tmp_path / "tabs_ag.py").read_text()

    write(tmp_path / "bom.py", b"\xef\xbb\xbf# bom\ndef f(x):\n    return -x if x < 0 else x\n")
    assert run("convert", "bom.py", "-o", "bom_ag.py", cwd=tmp_path).code == 0
    data = (tmp_path / "bom_ag.py").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Converted by") and b"\n# bom\ndef f(x):\n" in data
    assert load_module(tmp_path / "bom_ag.py", "bom_ag").f(-3) == 3

    comments = "# only\n\n#   comments\n"
    write(tmp_path / "c.py", comments)
    r = run("convert", "c.py", cwd=tmp_path)
    assert r.code == 0 and r.out.split("\n", 1)[1] == comments, r


def test_convert_module_source_is_lossless():
    import autograph.api as api
    source = textwrap.dedent('''\
        """Doc."""
        # comment
        X = 1   # odd   spacing


        def f(x):
            while x > X:
                x -= 1
            return x
        ''')
    out = api.convert_module_source(source, "m.py")
    head, tail = out.split("def f(x):")
    assert head == ('"""Doc."""\nfrom autograph.impl.conversion import ag__\n# comment\n'
                    'X = 1   # odd   spacing\n\n\n')
    assert "while_stmt" in tail


def test_selected_function_does_not_capture_module_names(tmp_path):
    # With -f the converter sees the rest of the module too: its helpers (`if_true`, the
    # `ag__` module) must not take a name the module uses.
    write(tmp_path / "m.py", """\
        ag__ = "mine"


        def if_true():
            return 10


        def f(x):
            if x > 0:
                return if_true() + len(ag__)
            return 0
        """)
    for args in (["-f", "f"], []):
        r = run("convert", "m.py", *args, "-o", "out.py", cwd=tmp_path)
        assert r.code == 0, r
        module = load_module(tmp_path / "out.py", "names_ag%d" % len(args))
        assert (module.f(1), module.f(0), module.ag__) == (14, 0, "mine")


COMMENTED = '''\
def looping(n):  # the def line is unchanged: its comment stays
    """A docstring # with a hash."""
    # Start at zero.
    total = 0  # running sum
    for i in range(n):  # this line is rewritten: its comment goes
        # Odd ones only.
        if i % 2:
            total += i  # add it
    # Done.
    return total  # the result
'''


@pytest.mark.parametrize("args", [[], ["-f", "looping"], ["--line-numbers"]])
def test_comments_inside_converted_functions_are_kept_where_their_code_survives(tmp_path,
                                                                                args):
    write(tmp_path / "m.py", COMMENTED)
    r = run("convert", "m.py", *args, "-o", "out.py", cwd=tmp_path)
    assert r.code == 0, r
    out = (tmp_path / "out.py").read_text()
    lines = [line.split("  # L")[0].rstrip() if "--line-numbers" in args else line
             for line in out.splitlines()]
    for kept in ("def looping(n):  # the def line is unchanged: its comment stays",
                 "    # Start at zero.", "    total = 0  # running sum",
                 "    # Done.", "    return total  # the result"):
        assert kept in lines, out
    assert any(line.strip() == "# Odd ones only." for line in lines), out
    assert any(line.strip() == "total += i  # add it" for line in lines), out
    assert "this line is rewritten" not in out and "for_stmt" in out
    assert load_module(tmp_path / "out.py", "commented%d" % len(args)).looping(7) == 9



def test_large_output_is_compiled_in_chunks_and_errors_still_found(monkeypatch):
    from autograph import cli_convert
    monkeypatch.setattr(cli_convert, "_CHUNK_LINES", 5)
    good = "".join("@dec\ndef f%d(x):\n    return x\n" % i for i in range(20))
    compiled = []
    real = compile

    def counting(text, *args, **kwargs):
        compiled.append(text)
        return real(text, *args, **kwargs)
    monkeypatch.setattr(cli_convert, "compile", counting, raising=False)
    cli_convert.check_compiles("m.py", "dec = None\n" + good)
    assert len(compiled) > 2 and "".join(compiled) == "dec = None\n" + good, compiled
    # A line that only looks like a statement boundary (inside a string): a cut there does
    # not compile on its own, and the whole text is compiled instead.
    tricky = "def g():\n    \"\"\"doc\n\ndef not_a_cut():\"\"\"\n" * 10
    del compiled[:]
    cli_convert.check_compiles("m.py", tricky + good)
    assert compiled[-1] == tricky + good
    for bad in (good + "def broken(:\n    pass\n", "def broken(:\n    pass\n" + good,
                good.replace("    return x\n", "    return x)\n", 1)):
        with pytest.raises(cli_convert.CliError) as info:
            cli_convert.check_compiles("m.py", bad)
        assert "does not compile" in str(info.value.args), info.value.args
