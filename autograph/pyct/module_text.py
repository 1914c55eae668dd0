"""The text of a module being converted: its lines, line endings, and where code goes in it.

Used by `convert_module_source` (which replaces the converted functions in the file's own
text, so everything else stays byte for byte) and by the `autograph` command. Works on `ast`
and `gast` trees alike; imports neither.
"""
import io
import re
import tokenize

_LINE = re.compile(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z')
_COOKIE = re.compile(r'[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)')

RUNTIME_IMPORT = 'from autograph.impl.conversion import ag__'


def runtime_import(helper='ag__'):
    """The import line of the helper module, named `helper` in the generated code."""
    if helper == 'ag__':
        return RUNTIME_IMPORT
    return RUNTIME_IMPORT + ' as ' + helper


def source_lines(source, limit=None):
    """The lines of `source` with their endings, split only where Python ends a line (only
    the first `limit` lines, if given).

    `str.splitlines` also splits at form feeds and other separators that Python's tokenizer
    reads as ordinary characters: its line numbers would no longer be the file's.
    """
    if limit is None:
        lines = _LINE.findall(source)
    else:
        lines = [m.group() for m, _ in zip(_LINE.finditer(source), range(limit))]
    if lines and not lines[-1]:
        lines.pop()
    return lines


def newline_of(lines):
    """The line ending a file uses (that of its first line); '\\n' for a single-line file."""
    for line in lines[:1]:
        for ending in ('\r\n', '\r', '\n'):
            if line.endswith(ending):
                return ending
    return '\n'


def header_line_count(lines):
    """How many of the first lines are a shebang and/or a coding cookie (0, 1 or 2)."""
    n = 0
    while n < min(2, len(lines)) and ((n == 0 and lines[0].startswith('#!'))
                                       or _COOKIE.match(lines[n])):
        n += 1
    return n


def runtime_import_line(tree, lines):
    """The 0-based index in `lines` where the `ag__` import goes in the module `tree`.

    After the module docstring and the `from __future__` imports, else after a shebang and a
    coding cookie: all of these keep working in the converted module.
    """
    after = 0
    for i, node in enumerate(tree.body):
        kind = type(node).__name__
        docstring = (i == 0 and kind == 'Expr' and type(node.value).__name__ == 'Constant'
                     and isinstance(node.value.value, str))
        future = kind == 'ImportFrom' and node.module == '__future__'
        if not (docstring or future):
            break
        after = node.end_lineno
    return after or header_line_count(lines)


def insert_line(lines, index, text):
    """Inserts `text` as a line of its own at `index` of `lines` (in place), in the file's
    line ending; a last line without an ending gets one if `text` follows it."""
    newline = newline_of(lines)
    if index == len(lines) and lines and not lines[-1].endswith(('\n', '\r')):
        lines[-1] += newline
    lines.insert(index, text + newline)


def _lines_inside_strings(text):
    """0-based indices of the lines of `text` that start inside a multi-line string."""
    if "'''" not in text and '"""' not in text:
        return ()  # generated code writes every other string on one line
    inside = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            inside.update(range(tok.start[0], tok.end[0]))
    return inside


def indent_block(text, indent, newline):
    """`text` (code starting at column 0) indented by `indent`, with `newline` line endings.

    Lines that start inside a multi-line string are left alone: they are part of its value.
    """
    skip = _lines_inside_strings(text)
    return ''.join(('' if i in skip or not line else indent) + line + newline
                   for i, line in enumerate(text.split('\n')))


def indentation(line):
    """The spaces, tabs and form feeds `line` starts with."""
    return line[:len(line) - len(line.lstrip(' \t\f'))]


def _comments(lines):
    """The comments of `lines` (a function's source lines, 1-based from 1):
    ({line: [comments on their own lines just above it]}, {line: (code, trailing comment)})."""
    above, trailing, pending = {}, {}, []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(''.join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):
        return above, trailing
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            code = lines[row - 1][:col]
            if code.strip():
                trailing[row] = (code.strip(), tok.string)
            else:
                pending.append(tok.string)
        elif pending and tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                           tokenize.DEDENT):
            above.setdefault(tok.start[0], []).extend(pending)
            pending = []
    return above, trailing


def keep_comments(text, mapping, lines, first, last):
    """Puts the comments of a function's original lines back into its converted `text`.

    `text`: the converted function at column 0; `mapping`: {line of text: line of the file}
    for the lines that start a statement (origin_info.line_map); `lines`: the file's lines;
    `first`, `last`: the function's first and last lines. A comment on its own line goes above the first
    statement converted from the line it preceded, at that statement's indentation; a comment
    after code stays after it when that line of code is unchanged. Other comments are dropped
    (their code was rewritten). Returns the new text and mapping.
    """
    above, trailing = _comments(lines[first - 1:last])
    if not above and not trailing:
        return text, mapping
    out = text.split('\n')
    first_from = {}
    for g in sorted(mapping):
        first_from.setdefault(mapping[g], g)
    for row, (code, comment) in trailing.items():
        for g, user in mapping.items():
            if user == row + first - 1 and out[g - 1].strip() == code:
                out[g - 1] += '  ' + comment
                break
    inserted = []  # (line of text, comment lines) placed before that line
    for row, comments in above.items():
        g = first_from.get(row + first - 1)
        if g is not None:
            inserted.append((g, [indentation(out[g - 1]) + c for c in comments]))
    for g, block in sorted(inserted, reverse=True):
        out[g - 1:g - 1] = block
    shifts = sorted(inserted)

    def moved(g):
        return g + sum(len(block) for at, block in shifts if at <= g)

    return '\n'.join(out), {moved(g): user for g, user in mapping.items()}
