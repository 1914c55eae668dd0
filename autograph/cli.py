"""The `autograph` command: convert the functions of a Python file without importing it.

The file is read as text, parsed and handed to the converter; it is never imported or run.
Messages go to standard error as `file:line:col: error: ...`, never as a Python traceback.
`--help` and `--version` import nothing but this module and `autograph._version`: the
converter is imported only when there is something to convert.
"""
import argparse
import ast
import io
import os
import re
import sys
import tokenize

from autograph._version import __version__

# Exit statuses, documented in `autograph --help` and docs/cli.md.
EXIT_OK = 0
EXIT_CONVERSION = 1  # the file was read but cannot be converted (syntax, unsupported code)
EXIT_USAGE = 2       # bad arguments, unreadable input, unwritable output
EXIT_INTERNAL = 3    # a bug in autograph
EXIT_INTERRUPTED = 130

DESCRIPTION = """\
Turn Python functions into graph-ready code.

`autograph convert` rewrites the control flow (if/while/for, break, continue, return,
and/or/not, ternaries, assert) of every function and method in a Python file into calls
of autograph helpers, and prints the result as a standalone module. The file is read as
text: it is never imported or executed."""

EPILOG = """\
examples:
  autograph convert model.py                 print the converted module
  autograph convert model.py -o model_ag.py  write it (only if conversion succeeds)
  autograph convert model.py -f train_step   convert train_step only, keep the rest
  autograph convert model.py --check         exit 0 if model.py converts, 1 if not
  cat model.py | autograph convert -         read the source from standard input

exit status:
  0  success
  1  the file cannot be converted (syntax error, unsupported construct)
  2  usage error, or a file that cannot be read or written
  3  internal error in autograph (please report it)

docs: docs/cli.md"""

CONVERT_EPILOG = """\
examples:
  autograph convert model.py -o model_ag.py
  autograph convert model.py -f train_step -f Model.call --line-numbers
  autograph convert - < model.py

The output keeps the module's imports and top-level code, adds
`from autograph import operators as ag__`, and behaves like the original module: on
Python values it computes the same results, on graph tensors it builds graph ops.

exit status: 0 success, 1 cannot be converted, 2 usage or I/O error, 3 internal error"""

STDIN_NAME = "<stdin>"


class CliError(Exception):
    """A failure reported to the user as `lines` on standard error with exit status `code`."""

    def __init__(self, code, *lines):
        super().__init__(lines[0] if lines else "")
        self.code = code
        self.lines = lines


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="autograph", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version="autograph " + __version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    convert = commands.add_parser(
        "convert", help="print or write the converted source of a Python file",
        description="Convert every function and method of FILE (or only those named with -f).",
        epilog=CONVERT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    convert.add_argument("file", metavar="FILE", help="a Python source file, or - for standard input")
    convert.add_argument("-f", "--function", dest="functions", metavar="NAME", action="append",
                         help="convert only NAME (a function, or Class.method); repeat or "
                              "separate with commas; other functions are kept unchanged")
    convert.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of standard "
                         "output; OUT is created only if conversion succeeds")
    convert.add_argument("--line-numbers", action="store_true",
                         help="mark each generated line with the line of FILE it comes from")
    convert.add_argument("--stage", metavar="NAME",
                         help="stop after the converter stage NAME (to see one rewrite at a time)")
    convert.add_argument("--check", action="store_true",
                         help="only check that FILE converts: exit 0 if it does, 1 if not; "
                              "write nothing")
    return parser


def main(argv=None):
    """Runs the command line `argv` (default: sys.argv[1:]); returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)  # exits with status 2 on usage errors
    if args.command is None:
        parser.error("missing COMMAND: try 'autograph convert FILE.py' or 'autograph --help'")
    try:
        return _convert_command(args)
    except CliError as e:
        for line in e.lines:
            print(line, file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("autograph: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`autograph convert x.py | head`): not an error.
        _silence_stdout()
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - the user sees one line, not a traceback
        print(_internal_error_message(e), file=sys.stderr)
        return EXIT_INTERNAL


def _convert_command(args):
    if args.check and args.output:
        raise CliError(EXIT_USAGE, "autograph convert: error: --check writes nothing; "
                                   "drop -o/--output")
    selected = _split_names(args.functions)
    if args.stage is not None:
        _check_stage(args.stage)
    if args.output is not None and args.output != "-":
        _check_output_path(args.output)
    name, text = read_source(args.file)
    tree = parse_source(name, text)
    defs = list_functions(tree)
    if selected is not None:
        known = {d.qualname for d in defs}
        unknown = [n for n in selected if n not in known]
        if unknown:
            available = ", ".join(sorted(known)) or "none"
            raise CliError(EXIT_USAGE, "%s: error: no function named %s (functions: %s)"
                           % (name, ", ".join(repr(n) for n in unknown), available))
        defs = [d for d in defs if d.qualname in selected]
    options = {"line_numbers": args.line_numbers, "stage": args.stage}
    if not defs and not _has_lambda(tree):
        result, count = text, 0  # nothing to convert: the module is its own conversion
        if not args.check:
            print("autograph: %s: no functions to convert; the module is copied unchanged"
                  % name, file=sys.stderr)
    elif selected is None:
        result, count = convert_module(name, text, defs, options), len(defs)
    else:
        result, count = convert_selected(name, text, tree, defs, options), len(defs)
    if args.check:
        print("%s: ok, %d function%s convert%s" % (name, count, "" if count == 1 else "s",
                                                   "s" if count == 1 else ""))
        return EXIT_OK
    result = _add_header(result, name)
    if args.output is None or args.output == "-":
        _write_stdout(result)
    else:
        write_atomically(args.output, result)
    return EXIT_OK


def _check_stage(stage):
    try:
        from autograph.converters.pipeline import STAGES
    except ImportError:
        return  # an older converter: it will say itself whether it knows the stage
    if stage not in STAGES:
        raise CliError(EXIT_USAGE, "autograph convert: error: unknown stage %r; the stages, in "
                       "order, are: %s" % (stage, ", ".join(STAGES)))


def _split_names(values):
    if not values:
        return None
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if not names:
        raise CliError(EXIT_USAGE, "autograph convert: error: -f needs a function name")
    return names


# --- reading -------------------------------------------------------------------------------


def read_source(path):
    """Returns (display name, text) of `path` ('-' is standard input), decoded as Python does."""
    if path == "-":
        return STDIN_NAME, decode_source(STDIN_NAME, sys.stdin.buffer.read())
    if os.path.isdir(path):
        raise CliError(EXIT_USAGE, "%s: error: is a directory, not a Python file" % path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CliError(EXIT_USAGE, "%s: error: no such file" % path) from None
    except PermissionError:
        raise CliError(EXIT_USAGE, "%s: error: permission denied (cannot read the file)"
                       % path) from None
    except OSError as e:
        raise CliError(EXIT_USAGE, "%s: error: cannot read the file: %s"
                       % (path, e.strerror or e)) from None
    return path, decode_source(path, data)


def decode_source(name, data):
    """Decodes source bytes the way Python does (BOM, PEP 263 coding cookie, else UTF-8)."""
    if b"\0" in data:
        line, col = _position(data, data.index(b"\0"))
        raise CliError(EXIT_USAGE, "%s:%d:%d: error: binary data (a NUL byte), not Python source"
                       % (name, line, col))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:  # unknown encoding in the cookie, or a BOM that contradicts it
        raise CliError(EXIT_USAGE, "%s: error: %s" % (name, e.msg)) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line, col = _position(data, e.start)
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        raise CliError(EXIT_USAGE, "%s:%d:%d: error: not valid %s text (byte 0x%02x); save the "
                       "file as UTF-8 or declare its encoding in a coding comment"
                       % (name, line, col, shown, data[e.start])) from None


def _position(data, offset):
    """1-based (line, column) of byte `offset` in `data` (the column counts bytes)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def parse_source(name, text):
    """Parses `text`; a syntax error becomes a CliError showing the line and a caret."""
    try:
        return ast.parse(text, filename=name)
    except SyntaxError as e:
        raise CliError(EXIT_CONVERSION, *format_syntax_error(name, e)) from None
    except (RecursionError, MemoryError):
        raise CliError(EXIT_CONVERSION, "%s: error: too deeply nested for Python's parser"
                       % name) from None


def format_syntax_error(name, e):
    """Three lines: `file:line:col: syntax error: msg`, the source line, a caret under it."""
    where = name if e.lineno is None else "%s:%d" % (name, e.lineno)
    if e.lineno is not None and e.offset:
        where += ":%d" % e.offset
    kind = "indentation error" if isinstance(e, IndentationError) else "syntax error"
    lines = ["%s: %s: %s" % (where, kind, e.msg)]
    text = (e.text or "").rstrip("\r\n")
    if text.strip():
        indent = len(text) - len(text.lstrip())
        shown = text[indent:]
        lines.append("    " + shown)
        if e.offset and e.offset - 1 >= indent:
            start = e.offset - 1 - indent
            end = getattr(e, "end_offset", None)
            same_line = getattr(e, "end_lineno", e.lineno) == e.lineno
            width = end - e.offset if end and same_line and end > e.offset else 1
            width = max(1, min(width, len(shown) - start))
            # Keep tabs in the prefix so the caret lines up in any terminal.
            prefix = "".join(c if c == "\t" else " " for c in shown[:start])
            lines.append("    " + prefix + "^" * width)
    return lines


# --- what to convert -----------------------------------------------------------------------


class FunctionDef:
    """A function or method of the module: `qualname` ('f', 'C.m'), its node, its ancestors."""

    def __init__(self, qualname, node, ancestors):
        self.qualname = qualname
        self.node = node
        self.ancestors = ancestors  # enclosing statements (classes, ifs, ...) outermost first

    @property
    def first_line(self):
        return min([self.node.lineno] + [d.lineno for d in self.node.decorator_list])


_BLOCKS = ("body", "orelse", "finalbody", "handlers")


def list_functions(tree):
    """Every function and method of the module that is not nested in another function."""
    found = []

    def visit(statements, prefix, ancestors):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(FunctionDef(prefix + node.name, node, ancestors))
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".", ancestors + [node])
            else:
                for field in _BLOCKS:
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        visit(children, prefix, ancestors + [node])
                for case in getattr(node, "cases", ()):  # match statements
                    visit(case.body, prefix, ancestors + [node])

    visit(tree.body, "", [])
    return found


def _has_lambda(tree):
    return any(isinstance(n, ast.Lambda) for n in ast.walk(tree))


def isolate(text, defs):
    """The source with every line blanked except `defs` and the headers enclosing them.

    Line numbers are unchanged, so errors the converter reports still point at the file.
    Enclosing `if`/`try`/`for`... headers become `if True:`; class headers are kept.
    Returns None when the result does not parse (defs inside a `match`, say).
    """
    lines = text.splitlines(keepends=True)
    out = ["\n"] * len(lines)
    for d in defs:
        for i in range(d.first_line, d.node.end_lineno + 1):
            out[i - 1] = lines[i - 1]
        for k, anc in enumerate(d.ancestors):
            if isinstance(anc, ast.ClassDef):
                for i in range(anc.lineno, anc.body[0].lineno):
                    out[i - 1] = lines[i - 1]
            elif not (k + 1 < len(d.ancestors)
                      and isinstance(d.ancestors[k + 1], ast.ExceptHandler)):
                # (A def in an `except:` block gets its `if True:` from the handler instead.)
                out[anc.lineno - 1] = " " * anc.col_offset + "if True:\n"
    source = "".join(out)
    try:
        ast.parse(source)
    except SyntaxError:
        return None
    return source


# --- converting ----------------------------------------------------------------------------


def _converter():
    """(convert_module_source, ConversionError), imported only when needed."""
    try:
        from autograph.api import convert_module_source
    except ImportError as e:
        raise CliError(EXIT_INTERNAL, "autograph: internal error: this installation has no "
                       "module converter (%s)" % e) from None
    try:
        from autograph.pyct.errors import ConversionError
    except ImportError:
        ConversionError = SyntaxError  # noqa: N806 - only used in an except clause
    return convert_module_source, ConversionError


def _call_converter(name, text, options):
    """Runs the converter; returns (source, None) or (None, error) for a conversion error."""
    convert, conversion_error = _converter()
    kwargs = _supported_options(convert, options)
    try:
        return convert(text, name, **kwargs), None
    except conversion_error as e:
        return None, e


def _supported_options(convert, options):
    import inspect

    wanted = {k: v for k, v in options.items() if v}
    try:
        params = inspect.signature(convert).parameters
    except (TypeError, ValueError):
        params = {}
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    for key in wanted:
        if key not in params and not takes_kwargs:
            raise CliError(EXIT_USAGE, "autograph convert: error: --%s is not supported by "
                           "this version of the converter" % key.replace("_", "-"))
    return wanted


def convert_module(name, text, defs, options):
    """Converts the whole module, or reports every function that cannot be converted."""
    result, error = _call_converter(name, text, options)
    if error is None:
        return result
    raise CliError(EXIT_CONVERSION, *_diagnose(name, text, defs, options, error))


def convert_selected(name, text, tree, defs, options):
    """Converts only `defs` and splices them into the otherwise unchanged module text."""
    isolated = isolate(text, defs)
    if isolated is None:
        raise CliError(EXIT_USAGE, "%s: error: -f cannot select %s: it is defined inside a "
                       "statement that -f does not support (convert the whole file)"
                       % (name, ", ".join(d.qualname for d in defs)))
    result, error = _call_converter(name, isolated, options)
    if error is not None:
        raise CliError(EXIT_CONVERSION, *_diagnose(name, text, defs, options, error))
    # Keyed by (name, occurrence): a module may define `h` twice (in an if and its else).
    converted = dict(_numbered(list_functions(ast.parse(result))))
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    out_lines = result.splitlines(keepends=True)
    # Replace from the bottom up so earlier line numbers stay valid.
    for key, d in sorted(_numbered(defs), key=lambda kd: kd[1].first_line, reverse=True):
        new = converted.get(key)
        if new is None:
            raise CliError(EXIT_INTERNAL, "autograph: internal error: the converter dropped %s"
                           % d.qualname)
        chunk = out_lines[new.first_line - 1:new.node.end_lineno]
        indent = re.match(r"[ \t]*", lines[d.node.lineno - 1]).group()
        chunk = [_reindent(line, new.node.col_offset, indent) for line in chunk]
        lines[d.first_line - 1:d.node.end_lineno] = chunk
    return _insert_runtime_import("".join(lines), tree)


def _numbered(defs):
    seen = {}
    for d in defs:
        seen[d.qualname] = seen.get(d.qualname, -1) + 1
        yield (d.qualname, seen[d.qualname]), d


def _reindent(line, old_width, indent):
    if line[:old_width].strip() or len(line) < old_width:
        return line  # a line of a multi-line string that starts further left: keep it
    return indent + line[old_width:]


_RUNTIME_IMPORT = "from autograph import operators as ag__\n"


def _insert_runtime_import(text, tree):
    """Adds the `ag__` import after the module docstring and `from __future__` imports."""
    if _RUNTIME_IMPORT in text:
        return text
    after = 0
    for i, node in enumerate(tree.body):
        docstring = (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str))
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        after = node.end_lineno
    lines = text.splitlines(keepends=True)
    lines.insert(after, _RUNTIME_IMPORT)
    return "".join(lines)


def _diagnose(name, text, defs, options, error):
    """Messages for a failed conversion: one line per function that fails, then a summary."""
    if len(defs) < 2:
        return [_conversion_message(name, error, defs[0] if defs else None)]
    failed, fine = [], []
    for d in defs:
        isolated = isolate(text, [d])
        e = error if isolated is None else _call_converter(name, isolated, options)[1]
        (fine if e is None else failed).append((d, e))
    if not failed:  # the error is outside every function (a lambda at module level, say)
        return [_conversion_message(name, error, None)]
    lines = [_conversion_message(name, e, d) for d, e in failed]
    bad = ", ".join(d.qualname for d, _ in failed)
    if fine:
        good = ", ".join(d.qualname for d, _ in fine)
        lines.append("autograph: nothing written: %d of %d functions cannot be converted (%s); "
                     "the others convert (%s): convert them alone with %s"
                     % (len(failed), len(defs), bad, good,
                        " ".join("-f " + d.qualname for d, _ in fine)))
    else:
        lines.append("autograph: nothing written: none of the %d functions can be converted"
                     % len(defs))
    return lines


def _conversion_message(name, error, d):
    """`file:line:col: error: message (in function f)` from a ConversionError."""
    filename = _first_attr(error, ("filename", "file")) or name
    line = _first_attr(error, ("lineno", "line"))
    col = _first_attr(error, ("col_offset", "col", "offset"))
    if not isinstance(line, int):
        line = d.node.lineno if d is not None else None
        col = None
    where = filename if line is None else "%s:%d" % (filename, line)
    if isinstance(col, int) and line is not None:
        where += ":%d" % (col + 1 if _first_attr(error, ("col_offset",)) is not None else col)
    message = _first_attr(error, ("msg", "message")) or str(error)
    message = message.splitlines()[0] if message else type(error).__name__
    if d is not None and not re.search(r"\b%s\b" % re.escape(d.node.name), message):
        message += " (in %s)" % d.qualname
    hint = getattr(error, "hint", None)
    if isinstance(hint, str) and hint.strip():
        message += "; fix: " + " ".join(hint.split())
    return "%s: error: %s" % (where, message)


def _first_attr(obj, names):
    for n in names:
        value = getattr(obj, n, None)
        if value is not None:
            return value
    return None


# --- writing -------------------------------------------------------------------------------


_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _add_header(text, name):
    """Marks the output as generated; keeps a shebang first and makes any coding cookie UTF-8."""
    lines = text.splitlines(keepends=True)
    for i in range(min(2, len(lines))):
        m = _COOKIE.match(lines[i])
        if m and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            lines[i] = lines[i][:m.start(1)] + "utf-8" + lines[i][m.end(1):]
    at = 0
    while at < min(2, len(lines)) and (lines[at].startswith("#!") or _COOKIE.match(lines[at])):
        at += 1
    header = ("# Converted by autograph %s from %s. Edit the original, not this file.\n"
              % (__version__, name))
    lines.insert(at, header)
    out = "".join(lines)
    return out if out.endswith("\n") else out + "\n"


def _write_stdout(text):
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def _silence_stdout():
    # After a broken pipe, point stdout at devnull so the interpreter's final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _check_output_path(path):
    """Fails early (before converting) when `path` cannot be a file we write."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CliError(EXIT_USAGE, "%s: error: output is a directory; give a file name" % path)
    if not os.path.isdir(directory):
        raise CliError(EXIT_USAGE, "%s: error: cannot write the output: directory %s does not "
                       "exist" % (path, os.path.dirname(path) or directory))


def write_atomically(path, text):
    """Writes `text` to `path` through a temporary file in the same directory and a rename.

    A reader never sees a half-written file, and a failure leaves nothing behind.
    """
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                                   suffix=".tmp")
    except OSError as e:
        raise CliError(EXIT_USAGE, "%s: error: cannot write the output: %s"
                       % (path, e.strerror or e)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise CliError(EXIT_USAGE, "%s: error: cannot write the output: %s"
                       % (path, e.strerror or e)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _new_file_mode(path):
    """The mode a plain `open(path, 'w')` would give: the existing file's, else 0o666 - umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _internal_error_message(e):
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = " (at %s:%d)" % (os.path.relpath(last.filename) if os.path.isabs(last.filename)
                                 else last.filename, last.lineno)
    message = str(e).splitlines()[0] if str(e) else ""
    return ("autograph: internal error: %s%s%s; please report it with the file that caused it"
            % (type(e).__name__, ": " + message if message else "", where))


if __name__ == "__main__":
    sys.exit(main())
