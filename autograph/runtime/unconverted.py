"""Advice for Python code that needs a graph tensor's value (`if t`, `for x in t`, `sum(t)`).

The right advice depends on where the code runs, which the calling frames tell:
- in a function autograph converted (its code is built inside the loader's `ag__factory`): the
  statement itself is not one autograph converts (a builtin such as `sum(t)`, a comprehension);
- in a function called from converted code but not converted itself (do_not_convert, a library
  function, a function whose source could not be read);
- in code no converter touched: say how to convert it, or, when its source cannot be read
  (`python -c`, `exec` of a string, the plain REPL), that it cannot be converted and why.
"""
import linecache
import os
import sys

_FACTORY = "ag__factory"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _converted(code):
    qualname = getattr(code, "co_qualname", None)          # Python 3.11+
    if qualname is not None:
        return qualname.startswith(_FACTORY + ".")
    return "ag__" in code.co_freevars


def _user_frame(depth):
    """The first frame outside the autograph package (where the tensor is used)."""
    frame = sys._getframe(depth + 1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
    return frame


def _source_readable(filename):
    if not (filename.startswith("<") and filename.endswith(">")):
        return True
    return bool(linecache.getlines(filename))


def advice(what, alternative, depth=1):
    """The second half of the error raised when Python code needs a graph tensor's value.

    Args:
      what: the statement kinds that would be converted ("`if`/`while`", "the `for` loop").
      alternative: what to use instead in unconverted code ("ag.cond / ag.while_loop").
      depth: frames between the caller of `advice` and the user's code.
    """
    frame = _user_frame(depth + 1)
    if frame is None:
        return "Convert the function with autograph (ag.function or ag.to_graph) so %s " \
               "become graph ops, or use %s." % (what, alternative)
    code = frame.f_code
    where = "%s:%d, in %s" % (code.co_filename, frame.f_lineno, code.co_name)
    if _converted(code):
        return ("autograph converted this function (%s), but not this use of the tensor: "
                "Python statements it converts become graph ops, while builtins and other "
                "functions it does not convert (sum(t), list(t), any(t), ...) and "
                "comprehensions run as plain Python. Use a tensor op instead (ag.reduce_sum, "
                "ag.reduce_any, ag.where, ...), or write it as an `if`/`for`/`while` statement."
                % where)
    outer = frame.f_back
    while outer is not None and not _converted(outer.f_code):
        outer = outer.f_back
    if not _source_readable(code.co_filename):
        return ("The code using it (%s) was not converted: its source cannot be read (it "
                "was defined with `python -c`, exec() of a string, at the plain Python prompt "
                "or in a script read from standard input), and autograph converts source text. Define it in a .py file or a "
                "Jupyter/IPython cell, or use %s." % (where, alternative))
    if outer is not None:
        return ("The function using it (%s) is called from converted code but was not "
                "converted itself (it is marked do_not_convert, belongs to a library autograph "
                "leaves alone, or could not be converted: a warning then said why). Move the "
                "code into a converted function, or use %s." % (where, alternative))
    return ("The code using it (%s) was not converted by autograph. Convert it (ag.function "
            "with autograph=True, or ag.to_graph) so %s become graph ops, or use %s. If it "
            "already is under ag.function, autograph could not convert it: a warning said why "
            "when it was traced." % (where, what, alternative))
