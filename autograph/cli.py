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
import stat
import sys
import tokenize

from autograph._version import __version__

# Exit statuses, documented in `autograph --help` and docs/cli.md.
EXIT_OK = 0
EXIT_CONVERSION = 1  # the file was read but cannot be converted (syntax, unsupported code)
EXIT_USAGE = 2       # bad arguments, unreadable input, unwritable output
EXIT_INTERNAL = 3    # a bug in autograph
EXIT_INTERRUPTED = 130

# Larger inputs are refused (status 2) before they are read: converting takes memory and time
# in proportion to the code (about 0.6 GB and 30 s per MiB of small functions, see
# docs/performance.md), so a larger file would end in a MemoryError instead of an answer.
MAX_INPUT_BYTES = 2 * 1024 * 1024

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

`autograph convert --help` lists every option of convert; the guide to the command is
docs/cli.md in autograph's source repository (it is not installed with the package)."""

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
                         "output (- is standard output); OUT is written only if conversion "
                         "succeeds, and must be a regular file (a symlink to one is followed)")
    convert.add_argument("-i", "--in-place", action="store_true",
                         help="replace FILE with its conversion (-o FILE is refused without it)")
    convert.add_argument("--force", action="store_true",
                         help="replace OUT even if it is read-only or belongs to another user "
                              "(its mode, and its owner where allowed, are kept)")
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
            _report(line)
        return e.code
    except KeyboardInterrupt:
        _report("autograph: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`autograph convert x.py | head`): not an error.
        _silence_stdout()
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - the user sees one line, not a traceback
        config = sys.modules.get("autograph._config")
        if config is not None and isinstance(e, config.ConfigError):
            _report("autograph: error: %s" % e)  # a bad AUTOGRAPH_* environment variable
            return EXIT_USAGE
        _report(_internal_error_message(e))
        return EXIT_INTERNAL


def _report(line):
    """Prints `line` on standard error, if there is one (it may be closed)."""
    if sys.stderr is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _convert_command(args):
    if args.check and (args.output or args.in_place):
        raise CliError(EXIT_USAGE, "autograph convert: error: --check writes nothing; "
                                   "drop %s" % ("-o/--output" if args.output else "--in-place"))
    selected = _split_names(args.functions)
    if args.stage is not None:
        _check_stage(args.stage)
    name, text, encoding = read_source(args.file)
    target = None if args.check else output_target(args)  # (path, stat) or None: stdout
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
            _report("autograph: %s: no functions to convert; the module is copied unchanged"
                    % name)
    else:
        if selected is None:
            result = convert_module(name, text, defs, options)
        else:
            result = convert_selected(name, text, tree, defs, options)
        count = len(defs)
        check_compiles(name, result)
    if args.check:
        line = "%s: ok, %d function%s convert%s\n" % (name, count, "" if count == 1 else "s",
                                                     "s" if count == 1 else "")
        _write_stdout(line, line.encode("utf-8", "backslashreplace"))
        return EXIT_OK
    result = _add_header(result, name, encoding)
    data = _encode(result, encoding)
    if target is None:
        _write_stdout(result, data)
    else:
        write_atomically(target[0], data, target[1])
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
    """Returns (display name, text, encoding) of `path` ('-' is standard input).

    The text is decoded as Python does; `encoding` is the one to write the output in, so that
    the lines the conversion does not change stay byte for byte (a BOM is 'utf-8-sig').
    Only a regular file is read: a device, FIFO or socket is refused before any read.
    """
    if path == "-":
        return (STDIN_NAME,) + _read_stdin()
    try:
        # O_NONBLOCK: opening a FIFO swapped in after the check below must not block.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        _check_readable_kind(path, os.stat(path).st_mode)
        fd = os.open(path, flags)
        with open(fd, "rb") as f:
            st = os.fstat(fd)
            _check_readable_kind(path, st.st_mode)
            _check_size(path, st.st_size)
            data = f.read(MAX_INPUT_BYTES + 1)     # the file may have grown meanwhile
            _check_size(path, len(data))
    except FileNotFoundError:
        raise CliError(EXIT_USAGE, "%s: error: no such file" % path) from None
    except PermissionError:
        raise CliError(EXIT_USAGE, "%s: error: permission denied (cannot read the file)"
                       % path) from None
    except OSError as e:
        raise CliError(EXIT_USAGE, "%s: error: cannot read the file: %s"
                       % (path, e.strerror or e)) from None
    return (path,) + decode_source(path, data)


def _read_stdin():
    stream = sys.stdin
    if stream is None:
        raise CliError(EXIT_USAGE, "%s: error: cannot read standard input: it is closed"
                       % STDIN_NAME)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream (io.StringIO): already decoded
            text = stream.read(MAX_INPUT_BYTES + 1)
            _check_size(STDIN_NAME, len(text.encode("utf-8", "surrogatepass")))
            return text, "utf-8"
        data = buffer.read(MAX_INPUT_BYTES + 1)
        _check_size(STDIN_NAME, len(data))
        return decode_source(STDIN_NAME, data)
    except (OSError, ValueError) as e:  # ValueError: read of a closed file
        raise CliError(EXIT_USAGE, "%s: error: cannot read standard input: %s"
                       % (STDIN_NAME, getattr(e, "strerror", None) or e)) from None


def _check_size(name, size):
    if size > MAX_INPUT_BYTES:
        raise CliError(EXIT_USAGE, "%s: error: the input is larger than %d MiB (the most "
                       "autograph converts at once, see MAX_INPUT_BYTES in docs/cli.md); "
                       "split the file, or convert the functions you need at run time "
                       "with ag.to_graph / ag.function" % (name, MAX_INPUT_BYTES >> 20))


def _check_readable_kind(path, mode):
    if stat.S_ISDIR(mode):
        raise CliError(EXIT_USAGE, "%s: error: is a directory, not a Python file" % path)
    if not stat.S_ISREG(mode):
        raise CliError(EXIT_USAGE, "%s: error: is a %s, not a regular file; autograph reads "
                       "Python files (use - to read standard input)" % (path, file_kind(mode)))


def file_kind(mode):
    """'FIFO (named pipe)', 'character device', ...: what a non-regular file is."""
    for test, kind in ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISDIR, "directory")):
        if test(mode):
            return kind
    return "special file"


def decode_source(name, data):
    """(text, encoding) of source bytes, decoded as Python does (BOM, PEP 263 cookie, UTF-8)."""
    if b"\0" in data:
        line, col = _position(data, data.index(b"\0"))
        raise CliError(EXIT_USAGE, "%s:%d:%d: error: binary data (a NUL byte), not Python source"
                       % (name, line, col))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:  # unknown encoding in the cookie, or a BOM that contradicts it
        raise CliError(EXIT_USAGE, "%s: error: %s" % (name, e.msg)) from None
    try:
        return data.decode(encoding), encoding
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
    """The source with every line made a comment except `defs` and the headers enclosing them.

    Line numbers are unchanged, so errors the converter reports still point at the file.
    Enclosing `if`/`try`/`for`... headers become `if True:`; class headers are kept. The other
    lines stay as comments so that the converter still sees every name of the module and
    does not give its own helpers (`if_true`, `ag__`) a name the module already uses.
    Returns None when the result does not parse (defs inside a `match`, say).
    """
    from autograph.pyct.module_text import source_lines

    lines = source_lines(text)
    out = ["#" + line.rstrip("\r\n") + "\n" for line in lines]
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
                out[anc.lineno - 1] = (" " * anc.col_offset + "if True:  #"
                                       + lines[anc.lineno - 1].rstrip("\r\n") + "\n")
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
    from autograph.pyct import module_text

    converted = dict(_numbered(list_functions(ast.parse(result))))
    lines = module_text.source_lines(text)
    newline = module_text.newline_of(lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    out_lines = module_text.source_lines(result)
    # Replace from the bottom up so earlier line numbers stay valid.
    for key, d in sorted(_numbered(defs), key=lambda kd: kd[1].first_line, reverse=True):
        new = converted.get(key)
        if new is None:
            raise CliError(EXIT_INTERNAL, "autograph: internal error: the converter dropped %s"
                           % d.qualname)
        chunk = out_lines[new.first_line - 1:new.node.end_lineno]
        indent = re.match(r"[ \t]*", lines[d.node.lineno - 1]).group()
        chunk = [_reindent(line.rstrip("\r\n"), new.node.col_offset, indent) + newline
                 for line in chunk]
        lines[d.first_line - 1:d.node.end_lineno] = chunk
    helper = re.search(r"^from autograph import operators as (\w+)", result, re.M)
    return _insert_runtime_import("".join(lines), tree, helper.group(1) if helper else "ag__")


def _numbered(defs):
    seen = {}
    for d in defs:
        seen[d.qualname] = seen.get(d.qualname, -1) + 1
        yield (d.qualname, seen[d.qualname]), d


def _reindent(line, old_width, indent):
    if line[:old_width].strip() or len(line) < old_width:
        return line  # a line of a multi-line string that starts further left: keep it
    return indent + line[old_width:]


def _insert_runtime_import(text, tree, helper):
    """Adds the import of the helper module (`ag__`, or the name the converter chose because
    the module uses `ag__`) after the module docstring and `from __future__` imports (or
    after a shebang and coding cookie), so that all of these keep working."""
    from autograph.pyct import module_text

    lines = module_text.source_lines(text)
    line = module_text.runtime_import(helper)
    if any(existing.strip() == line for existing in lines):
        return text
    module_text.insert_line(lines, module_text.runtime_import_line(tree, lines), line)
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


def check_compiles(name, text):
    """Compiles the converted module: invalid output is an internal error, never written."""
    try:
        compile(text, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        line = getattr(e, "lineno", None)
        raise CliError(EXIT_INTERNAL, "autograph: internal error: the converted code of %s does "
                       "not compile (%s%s); nothing written; please report it with the file "
                       "that caused it" % (name, getattr(e, "msg", None) or type(e).__name__,
                                           ", line %d of the output" % line if line else "")
                       ) from None


def _add_header(text, name, encoding):
    """Marks the output as generated, on a line after any shebang and coding cookie."""
    from autograph.pyct import module_text

    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    shown = name.encode(codec, "backslashreplace").decode(codec)
    lines = module_text.source_lines(text)
    module_text.insert_line(
        lines, module_text.header_line_count(lines),
        "# Converted by autograph %s from %s. Edit the original, not this file."
        % (__version__, shown))
    return "".join(lines)


_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _encode(text, encoding):
    """The output in the input's encoding, so unchanged lines stay byte for byte; UTF-8 (with
    its coding comment changed to say so) if the converted code does not fit that encoding."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        lines = text.splitlines(keepends=True)
        for i in range(min(3, len(lines))):  # the header line may come first
            m = _COOKIE.match(lines[i])
            if m:
                lines[i] = lines[i][:m.start(1)] + "utf-8" + lines[i][m.end(1):]
        return "".join(lines).encode("utf-8", "backslashreplace")


def _write_stdout(text, data):
    """Writes the output to standard output: `data` (bytes) to a binary stream, else `text`."""
    stream = sys.stdout
    if stream is None:
        raise CliError(EXIT_USAGE, "autograph: error: cannot write the output: standard output "
                       "is closed")
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream: io.StringIO, contextlib.redirect_stdout, notebooks
            stream.write(text)
            stream.flush()
        else:
            stream.flush()
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as e:  # ValueError: write to a closed file
        _silence_stdout()
        raise CliError(EXIT_USAGE, "autograph: error: cannot write to standard output: %s"
                       % (getattr(e, "strerror", None) or e)) from None


def _silence_stdout():
    # After a failed write, point stdout at devnull so the interpreter's final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# What `-o` treats as standard output.
_STDOUT_PATHS = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def output_target(args):
    """(path, stat or None) of the regular file to write, or None for standard output.

    Follows a symlink to the file it names. Refuses, before anything is converted: a
    directory, a missing directory, anything but a regular file (FIFO, device, socket), the
    input file itself (unless --in-place), a read-only file or one of another user (unless
    --force).
    """
    path = args.output
    if args.in_place:
        if args.file == "-":
            raise CliError(EXIT_USAGE, "autograph convert: error: --in-place needs a FILE, not "
                                       "standard input")
        if path is not None and not _same_file(args.file, path):
            raise CliError(EXIT_USAGE, "autograph convert: error: --in-place writes FILE; "
                                       "drop -o/--output")
        path = args.file
    if path is None or path in _STDOUT_PATHS:
        return None
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise CliError(EXIT_USAGE, "%s: error: cannot write the output: %s"
                       % (path, e.strerror or e)) from None
    if st is None:
        directory = os.path.dirname(real)
        if not os.path.isdir(directory):
            shown = os.path.dirname(path) if real == os.path.abspath(path) else directory
            raise CliError(EXIT_USAGE, "%s: error: cannot write the output: directory %s does "
                           "not exist" % (path, shown or directory))
        return real, None
    if stat.S_ISDIR(st.st_mode):
        raise CliError(EXIT_USAGE, "%s: error: output is a directory; give a file name" % path)
    if not stat.S_ISREG(st.st_mode):
        raise CliError(EXIT_USAGE, "%s: error: is a %s, not a regular file; -o writes regular "
                       "files only (use -o - for standard output, or the shell: > %s)"
                       % (path, file_kind(st.st_mode), path))
    if not args.in_place and args.file != "-" and _same_file(args.file, real):
        raise CliError(EXIT_USAGE, "%s: error: is the input file; writing it would replace the "
                       "original: use --in-place to convert the file in place" % path)
    if not args.force:
        if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
            raise CliError(EXIT_USAGE, "%s: error: the file is read-only; use --force to "
                           "replace it (its mode is kept)" % path)
        euid = os.geteuid() if hasattr(os, "geteuid") else None
        if euid not in (None, 0, st.st_uid):
            raise CliError(EXIT_USAGE, "%s: error: the file belongs to another user; replacing "
                           "it would make it yours: use --force to replace it" % path)
    return real, st


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_atomically(path, data, st=None):
    """Writes `data` to `path` through a temporary file in the same directory and a rename.

    A reader never sees a half-written file, and a failure leaves nothing behind. The file
    keeps the mode (and, where allowed, the owner) of the file it replaces, `st`; a new file
    gets the mode `open()` would give it.
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
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if st is not None and hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass  # not allowed (only --force gets here with another owner)
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode())
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


def _new_file_mode():
    """The mode a plain `open(path, 'w')` gives a new file: 0o666 minus the umask."""
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
