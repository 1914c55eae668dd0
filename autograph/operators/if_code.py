"""What the converted code's bytecode says about a staged `if`: whether a branch function only
passes values on (`_moves_only`) or only loads one (`loads_only`), whether values are integral,
and where the user's code first reads a name after the `if` (`_read_after_if`).
"""

import dis

import numpy as np

from autograph.operators.frames import _helper_caller_frame, _instr_lines
from autograph.operators.variables import Undefined
from autograph.pyct.loader import converted_codes

__all__ = ['loads_only']


_LOADS = frozenset(dis.opmap[n] for n in (
    "RESUME", "COPY_FREE_VARS", "NOP", "CACHE", "LOAD_DEREF", "LOAD_FAST", "LOAD_CONST",
    "LOAD_CLOSURE", "RETURN_VALUE", "RETURN_CONST") if n in dis.opmap)
_LOADERS = {}
_MOVES = _LOADS | frozenset(dis.opmap[n] for n in (
    "STORE_FAST", "BUILD_TUPLE", "UNPACK_SEQUENCE", "POP_TOP", "SWAP", "COPY", "MAKE_CELL",
    "RETURN_VALUE") if n in dis.opmap)
_MOVERS = {}


_ARITH = _MOVES | frozenset(dis.opmap[n] for n in (
    "BINARY_OP", "COMPARE_OP", "UNARY_NEGATIVE", "UNARY_NOT", "UNARY_INVERT", "IS_OP")
    if n in dis.opmap)


def _moves_only(fn):
    """"moves" if the branch function `fn` only passes values on: it reads its arguments,
    variables and constants, assigns its own locals and returns a tuple of them (e.g.
    `retval_ = i; do_return = True`): no call, nothing that could run the user's code or
    record an operation. "arith" if it also applies operators (`i += 1`): on integers and
    booleans only (the caller checks the values), they run no user code and have no effect.
    None otherwise."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    known = _MOVERS.get(code, False)
    if known is False:
        raw = code.co_code
        seq = [raw[i] for i in range(0, len(raw), 2)]
        ops = set(seq)
        # (a few operators at most: more would be a cond of the branches, see _cheap)
        if any(isinstance(c, type(code)) for c in code.co_consts) \
                or sum(op not in _MOVES for op in seq) > 12:
            known = None
        elif ops <= _MOVES:
            known = "moves"
        elif ops <= _ARITH:
            known = "arith"
        else:
            known = None
        if len(_MOVERS) > 4096:
            _MOVERS.clear()
        _MOVERS[code] = known
    return known


def _integral(backend, v):
    """True if `v` holds only integers, booleans, None or undefined values."""
    t = type(v)
    if v is None or t is Undefined or t is bool or t is int:
        return True
    if t is tuple or t is list:
        return all(_integral(backend, x) for x in v)
    if backend.is_value(v) and not backend.is_list(v):
        try:
            kind = np.dtype(backend.dtype(v)).kind
        except TypeError:
            return False
        return kind in "biu"
    return False


def loads_only(fn):
    """True if `fn` only returns a variable or a constant (e.g. `lambda: retval_`): calling
    it runs no code of the user's and records nothing (a backend's `cond` may call such a
    branch where the `if` is built instead of tracing it)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    known = _LOADERS.get(code)
    if known is None:
        raw = code.co_code
        known = not code.co_argcount and all(raw[i] in _LOADS for i in range(0, len(raw), 2))
        if len(_LOADERS) > 4096:
            _LOADERS.clear()
        _LOADERS[code] = known
    return known


_LOAD_OPS = ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME")
_PASS_ON = frozenset(_LOAD_OPS + ("BUILD_TUPLE", "RETURN_VALUE"))


def _read_after_if(name):
    """The user's line of the first read of `name` after the `if` being staged, or None
    (best effort, from the converted code; the `if`'s own line outside converted code). The state a generated branch or loop body
    returns at its end (`return break_, tmp, v`, located at the enclosing statement's line,
    before the `if`) is no read: the enclosing builder receives the value, checked or not."""
    f = _helper_caller_frame()
    if f is None:
        return None
    here = f.f_lineno
    converted = f.f_code in converted_codes
    ins = [(i, line) for i, line in _instr_lines(f.f_code) if i.offset > f.f_lasti]
    for j, (i, line) in enumerate(ins):
        if i.opname in _LOAD_OPS and i.argval == name:
            rest = [x.opname for x, _ in ins[j:]]
            if converted and line is not None and line < here and "RETURN_VALUE" in rest \
                    and set(rest[:rest.index("RETURN_VALUE") + 1]) <= _PASS_ON:
                continue
            return line
    # (called by hand: whatever the caller does with the value may read it)
    return None if converted else here
