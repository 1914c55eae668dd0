"""`autograph convert`: parse the file, pick the functions to convert, convert them (the whole
module, or only the functions named with -f spliced into the unchanged text), explain a failed
conversion function by function, and check that the result compiles.

The converter (`autograph.api`) is imported only when there is something to convert.
"""
import ast
import gc
import re

from autograph._version import __version__
from autograph.cli_files import (EXIT_CONVERSION, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CliError,
                                 encode_output, output_target, read_source, report,
                                 write_atomically, write_stdout)


def convert_command(args):
    """Runs `autograph convert` for the parsed `args`; returns the exit status (0).

    Python's cyclic garbage collector is paused meanwhile (its state restored after): the
    command makes almost no cyclic garbage, but keeps the file's syntax tree alive throughout,
    which each collection would scan again (a tenth of the command's time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _convert_command(args)
    finally:
        if enabled:
            gc.enable()


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
        # Nothing to convert: the module is its own conversion, if it is valid Python (it may
        # parse and still not compile: `return` or `async with` at module level).
        _check_source_compiles(name, text)
        result, count = text, 0
        if not args.check:
            report("autograph: %s: no functions to convert; the module is copied unchanged"
                    % name)
    else:
        if selected is None:
            result = convert_module(name, text, tree, defs, options)
        else:
            result = convert_selected(name, text, tree, defs, options)
        count = len(defs)
        check_compiles(name, result, text)
    if args.check:
        line = "%s: ok, %d function%s convert%s\n" % (name, count, "" if count == 1 else "s",
                                                     "s" if count == 1 else "")
        write_stdout(line, line.encode("utf-8", "backslashreplace"))
        return EXIT_OK
    result = _add_header(result, name, encoding)
    data = encode_output(result, encoding)
    if target is None:
        write_stdout(result, data)
    else:
        write_atomically(target[0], data, target[1])
    return EXIT_OK


def _check_stage(stage):
    from autograph.converters.pipeline import STAGES, resolve_stage
    try:
        resolve_stage(stage)
    except ValueError:
        raise CliError(EXIT_USAGE, "autograph convert: error: unknown stage %r; the stages, in "
                       "order, are: %s" % (stage, ", ".join(STAGES))) from None


def _split_names(values):
    if not values:
        return None
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if not names:
        raise CliError(EXIT_USAGE, "autograph convert: error: -f needs a function name")
    return names


# --- parsing -------------------------------------------------------------------------------


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
        self.ancestors = ancestors  # enclosing statements (classes, ifs, ...), outermost first

    @property
    def first_line(self):
        return min([self.node.lineno] + [d.lineno for d in self.node.decorator_list])


def list_functions(tree):
    """Every function and method of the module that is not nested in another function: the
    functions the converter converts (the same walk, module_functions.walk), in source order."""
    from autograph.pyct.module_functions import walk

    return [FunctionDef(qualname, node, ancestors) for qualname, node, ancestors
            in walk(tree.body)]


def _has_lambda(tree):
    return any(isinstance(n, ast.Lambda) for n in ast.walk(tree))


def isolate(text, defs):
    """The source with every line made a comment except `defs` and the headers enclosing them.

    Line numbers are unchanged, so errors the converter reports still point at the file.
    Enclosing `if`/`try`/`for`... headers become `if True:`; class headers are kept. The other
    lines stay as comments so that the converter still sees every name of the module and
    does not give its own helpers (`if_true`, `ag__`) a name the module already uses.
    (A `match` line becomes `if True:` and its `case` lines comments; for a function in an
    `except`/`except*` handler, the handler's line becomes the `if True:`.) Returns None when
    the result does not parse (a safeguard: -f then refuses the selection).
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
    from autograph.api import ConversionError, convert_module_source
    return convert_module_source, ConversionError


def _call_converter(name, text, options, tree=None):
    """Runs the converter (on `tree`, the stdlib ast tree of `text`, when there is one);
    returns (source, None) or (None, error) for a conversion error."""
    convert, conversion_error = _converter()
    kwargs = {key: value for key, value in options.items() if value}
    if tree is not None:
        kwargs["tree"] = tree   # (parsed once: the converter does not parse the text again)
    try:
        return convert(text, name, **kwargs), None
    except conversion_error as e:
        return None, e


def convert_module(name, text, tree, defs, options):
    """Converts the whole module, or reports every function that cannot be converted."""
    result, error = _call_converter(name, text, options, tree)
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
    helper = re.search(r"^from autograph\.impl\.conversion import ag__(?: as (\w+))?$",
                       result, re.M)
    return _insert_runtime_import("".join(lines), tree,
                                  (helper.group(1) or "ag__") if helper else "ag__")


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


# --- checking the output -------------------------------------------------------------------


_CHUNK_LINES = 500
_TOP_LEVEL_STARTS = ("def ", "async def ", "class ", "@")


def _compiles_in_chunks(name, text):
    """Whether `text` compiles, compiled about 500 lines at a time (compiling a large
    module at once takes memory in proportion to its size: about the size of all of
    autograph's other work on the file; and chunks of 500 lines compile 8% faster than chunks
    of 2,000, 30% faster than the whole output of 1,000 functions). Chunks end before a
    top-level `def`/`class`/decorator line; False when a chunk does not compile on its own (a cut that was not a
    statement boundary, or an error): then the caller compiles the whole text."""
    lines = text.splitlines(True)
    if len(lines) <= 2 * _CHUNK_LINES:
        return False
    start = 0
    while start < len(lines):
        end = min(start + _CHUNK_LINES, len(lines))
        while end < len(lines) and not (lines[end].startswith(_TOP_LEVEL_STARTS)
                                        and not lines[end - 1].startswith("@")):
            end += 1
        try:
            compile("".join(lines[start:end]), name, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        start = end
    return True


def check_compiles(name, text, source=None):
    """Compiles the converted module: invalid output is never written. When `source`, the
    file's own text, does not compile either (code that parses but is not valid Python, such
    as `async with` outside an async function), that is the file's syntax error (status 1);
    else it is an internal error of autograph (status 3)."""
    if _compiles_in_chunks(name, text):
        return
    try:
        compile(text, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        if source is not None:
            _check_source_compiles(name, source)
        line = getattr(e, "lineno", None)
        raise CliError(EXIT_INTERNAL, "autograph: internal error: the converted code of %s does "
                       "not compile (%s%s); nothing written; please report it with the file "
                       "that caused it" % (name, getattr(e, "msg", None) or type(e).__name__,
                                           ", line %d of the output" % line if line else "")
                       ) from None


def _check_source_compiles(name, source):
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as e:
        raise CliError(EXIT_CONVERSION, *format_syntax_error(name, e)) from None
    except (ValueError, RecursionError, MemoryError):
        pass   # (not the file's fault as far as can be told: the internal error stands)


def _add_header(text, name, encoding):
    """Marks the output as generated, on a line after any shebang and coding cookie."""
    from autograph.pyct import module_text

    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    shown = name.encode(codec, "backslashreplace").decode(codec)
    header = ("# Converted by autograph %s from %s. Edit the original, not this file."
              % (__version__, shown))
    head = module_text.source_lines(text, limit=3)   # (the header goes within them)
    count = module_text.header_line_count(head)
    if count < len(head):   # (a line follows the shebang and cookie: insert before it)
        at = sum(len(line) for line in head[:count])
        return text[:at] + header + module_text.newline_of(head) + text[at:]
    lines = module_text.source_lines(text)
    module_text.insert_line(lines, count, header)
    return "".join(lines)
