"""The `autograph` command: convert the functions of a Python file without importing it.

The file is read as text, parsed and handed to the converter; it is never imported or run.
Messages go to standard error as `file:line:col: error: ...`, never as a Python traceback.
`--help` and `--version` import nothing but this module and `autograph._version`: the
converter is imported only when there is something to convert.

This module parses the command line and turns every outcome into an exit status; the exit
statuses, `CliError` and file/stream handling are in `cli_files`, the convert command itself in
`cli_convert` (both imported by `main` once the arguments are parsed).
"""
import argparse
import gc
import os
import sys

from autograph._version import __version__

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
`from autograph.impl.conversion import ag__`, and behaves like the original module: on
Python values it computes the same results, on graph tensors it builds graph ops.

exit status: 0 success, 1 cannot be converted, 2 usage or I/O error, 3 internal error"""


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
    """Runs the command line `argv` (default: sys.argv[1:]); returns the exit status.

    Without `argv`, this is the `autograph` process itself, which ends right after (the
    console script and `python -m autograph` exit with the status): what the command
    allocated is then left to the operating system instead of being collected object by
    object as the interpreter shuts down (for a large file, its syntax trees: the final
    collection took a tenth of the command's time).
    """
    status = _main(argv)
    if argv is None:
        gc.freeze()
    return status


def _main(argv):
    parser = _build_parser()
    args = parser.parse_args(argv)  # exits with status 2 on usage errors
    if args.command is None:
        parser.error("missing COMMAND: try 'autograph convert FILE.py' or 'autograph --help'")
    from autograph import cli_files as files
    from autograph.cli_convert import convert_command
    try:
        return convert_command(args)
    except files.CliError as e:
        for line in e.lines:
            files.report(line)
        return e.code
    except KeyboardInterrupt:
        files.report("autograph: interrupted")
        return files.EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`autograph convert x.py | head`): not an error.
        files.silence_stdout()
        return files.EXIT_OK
    except Exception as e:  # noqa: BLE001 - the user sees one line, not a traceback
        config = sys.modules.get("autograph._config")
        if config is not None and isinstance(e, config.ConfigError):
            files.report("autograph: error: %s" % e)  # a bad AUTOGRAPH_* environment variable
            return files.EXIT_USAGE
        files.report(_internal_error_message(e))
        return files.EXIT_INTERNAL


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
