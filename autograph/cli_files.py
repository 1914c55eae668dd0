"""The autograph command's contract with the outside world: exit statuses, `CliError`, and
safe reading and writing of files and streams.

Only a regular file is read (a device or FIFO is refused before any read), inputs above
MAX_INPUT_BYTES are refused before they are read, the output is written through a temporary
file and a rename (never half-written, never over the input unless --in-place), and a closed or
broken standard stream is an error message, not a traceback. Standard library only: the
converter is never imported here.
"""
import io
import os
import re
import stat
import sys
import tokenize

# Exit statuses, documented in `autograph --help` and docs/cli.md.
EXIT_OK = 0
EXIT_CONVERSION = 1  # the file was read but cannot be converted (syntax, unsupported code)
EXIT_USAGE = 2       # bad arguments, unreadable input, unwritable output
EXIT_INTERNAL = 3    # a bug in autograph
EXIT_INTERRUPTED = 130

# Larger inputs are refused (status 2) before they are read: converting takes memory and time
# in proportion to the code (about 0.45 GB and 7 s per MiB of small functions, see
# docs/performance.md), so a larger file would end in a MemoryError instead of an answer.
MAX_INPUT_BYTES = 2 * 1024 * 1024

STDIN_NAME = "<stdin>"


class CliError(Exception):
    """A failure reported to the user as `lines` on standard error with exit status `code`."""

    def __init__(self, code, *lines):
        super().__init__(lines[0] if lines else "")
        self.code = code
        self.lines = lines


def report(line):
    """Prints `line` on standard error, if there is one (it may be closed)."""
    if sys.stderr is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


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


# --- writing -------------------------------------------------------------------------------


_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def encode_output(text, encoding):
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


def write_stdout(text, data):
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
        silence_stdout()
        raise CliError(EXIT_USAGE, "autograph: error: cannot write to standard output: %s"
                       % (getattr(e, "strerror", None) or e)) from None


def silence_stdout():
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
