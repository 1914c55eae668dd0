"""Names the converters generated, told apart from user variables named like them.

The converters name the return value `retval_` and the jump flags `do_return`, `break_`,
`continue_` (with a suffix when taken), and never a name the user's source uses. A variable
of the user's whose name merely looks like one (`retvalue`, `do_returned`, `break_now`) is an
ordinary variable: no placeholder may stand in for it, and it never says a branch returned.
"""

import linecache
import re
import weakref

from autograph.operators.frames import _helper_caller_frame, helper_codes
from autograph.pyct.loader import converted_codes

__all__ = []

_USER_IDENTIFIERS = weakref.WeakKeyDictionary()   # code -> identifiers on its source lines
_STRING_OR_COMMENT = re.compile(r"""'[^'\n]*'|"[^"\n]*"|#.*""")


def in_user_source(name, kinds=("if",)):
    """True if `name` is written in the user's source of the function staging this statement
    (an `if`, or the loop kinds `kinds`)."""
    f = _helper_caller_frame(helper_codes(*kinds))
    if f is None or f.f_code not in converted_codes:
        return False   # (not converted code: helpers called by hand name their variables)
    code = f.f_code
    idents = _USER_IDENTIFIERS.get(code)
    if idents is None:
        lines, todo = set(), [code]
        while todo:
            c = todo.pop()
            lines.update(line for _, _, line in c.co_lines() if line is not None)
            todo.extend(k for k in c.co_consts if hasattr(k, "co_lines"))
        # (string literals and comments left out roughly: a name kept by mistake only makes
        # staging refuse a placeholder)
        text = " ".join(_STRING_OR_COMMENT.sub(" ", linecache.getline(code.co_filename, n))
                        for n in sorted(lines))
        idents = _USER_IDENTIFIERS[code] = frozenset(re.findall(r"[A-Za-z_]\w*", text))
    return name in idents


def is_retval(name, kinds=("if",)):
    """True if `name` is the return value the converters generated (an early-return value:
    fillable with a placeholder), not a user variable named like it."""
    return name.startswith("retval") and not in_user_source(name, kinds)


def is_jump_flag(name, flags=("do_return",), kinds=("if",)):
    """True if `name` is a jump flag of `flags` the converters generated."""
    return name.startswith(flags) and not in_user_source(name, kinds)
