"""Source locations for error messages: the user's line of a staged statement, of an
assignment or a use of a name, found from the frames of the running `ag__` helpers and the
bytecode of the converted function (best effort: None when not found).

The statement helpers register their code objects (`register_helper`), so that this module
imports none of them.
"""

import dis
import os
import sys



__all__ = ['register_helper', 'helper_codes']

_HELPERS = {}  # statement kind ("if", "while", "for") -> code of its ag__ helper


def register_helper(kind, fn):
    """Makes `fn` (an `ag__` statement helper) findable on the stack as `kind`."""
    _HELPERS[kind] = fn.__code__


def helper_codes(*kinds):
    """The code objects of the helpers of these statement kinds."""
    return tuple(_HELPERS[k] for k in kinds)


# --- source locations for error messages -------------------------------------------------------

_OUR_FILES = None


def _is_ours(code):
    global _OUR_FILES
    if _OUR_FILES is None:
        here = os.path.dirname(os.path.abspath(__file__))
        _OUR_FILES = (here, os.path.join(os.path.dirname(here), "runtime"))
    return code.co_filename.startswith(_OUR_FILES)


def _helper_caller_frame(helpers=None):
    """The frame that called if_stmt (the converted function)."""
    if helpers is None:
        helpers = helper_codes("if")
    f = sys._getframe(1)
    while f is not None:
        if f.f_code in helpers:
            return f.f_back
        f = f.f_back
    return None


def _statement_frame_info():
    """(file, line) of the innermost converted statement being staged, or None."""
    f = _helper_caller_frame(helper_codes("if", "while", "for"))
    return (f.f_code.co_filename, f.f_lineno) if f is not None else None


def _user_frame_info():
    f = _helper_caller_frame()
    if f is None:
        return None
    return (f.f_code.co_filename, f.f_lineno)


def _instr_lines(code):
    line = None
    for ins in dis.get_instructions(code):
        pos = getattr(ins, "positions", None)
        if pos is not None and pos.lineno is not None:
            line = pos.lineno
        elif ins.starts_line is not None:
            line = ins.starts_line
        yield ins, line


def _assignment_line(name, fn):
    """Line of the first store to `name` in the branch function `fn` (best effort)."""
    code = getattr(fn, "__code__", None)
    todo = [code] if code is not None else []
    while todo:
        code = todo.pop(0)
        for ins, line in _instr_lines(code):
            if ins.opname in ("STORE_FAST", "STORE_DEREF", "STORE_NAME") and ins.argval == name:
                return line
        todo.extend(c for c in code.co_consts if hasattr(c, "co_code"))
    return None


def _user_fn(fn):
    """The user's function inside the wrappers staging puts around a branch or loop body."""
    for _ in range(6):
        fn = getattr(fn, "__wrapped__", fn)
        code = getattr(fn, "__code__", None)
        if code is None or not _is_ours(code):
            return fn
        nested = [f for f in map(_cell_value, fn.__closure__ or ())
                  if hasattr(f, "__code__")]
        inner = [f for f in nested if not _is_ours(f.__code__)]
        if inner:
            return inner[-1]
        if not nested:
            return fn
        fn = nested[-1]
    return fn


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:          # an empty cell
        return None


def _use_line_after(name, helpers):
    """First line reading `name` after the statement being staged (best effort)."""
    f = _helper_caller_frame(helpers)
    if f is None:
        return None
    for ins, line in _instr_lines(f.f_code):
        if ins.offset > f.f_lasti and ins.opname in (
                "LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME") and ins.argval == name:
            return line
    return None
