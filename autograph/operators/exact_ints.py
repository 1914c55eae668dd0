"""Whether a loop iteration that Python ran with a Python int loop variable gives the same
values when staged with that variable as an integer tensor.

A loop whose condition becomes a graph tensor midway may be staged from the start of the
iteration that made it one (`loops._restart_state`). A Python int in that iteration was
computed with exactly (`i * 100000 // 100000` never overflows, `i * 0.1` rounds once, from
float64); staged, the same step computes with an int32 tensor. The two agree when the int is
only a counter: compared with small int constants, incremented or decremented by small int
constants into itself, and handed on as loop or branch state. That is what `counts_only`
checks, on the bytecode of the converted test and body (and of every function they define or
reach through closures), by the variable's name. Anything else — another operation, a call
argument, an alias, a nested loop (which repeats the step's operations) or bytecode this
module does not know — answers False, and the loop keeps the iteration Python ran.
"""

import dis
import weakref

from autograph.operators.frames import _cell_value
from autograph.operators.generated_names import in_user_source

__all__ = ["counts_only", "SMALL"]

SMALL = 2 ** 24          # |value| of the int before and after the step
_STEP = 2 ** 8           # |constant| it may be compared with, added or subtracted
_LOADS = frozenset(("LOAD_FAST", "LOAD_DEREF", "LOAD_FAST_CHECK", "LOAD_CLOSURE"))
_PLAIN_LOADS = frozenset(("LOAD_FAST", "LOAD_DEREF", "LOAD_FAST_CHECK", "LOAD_CONST"))
_ADD = frozenset(("+", "-", "+=", "-="))
_STORES = frozenset(("STORE_FAST", "STORE_DEREF"))
_SKIP = frozenset(("CACHE", "EXTENDED_ARG", "NOP", "RESUME"))
_LOOP_HELPERS = frozenset(("while_stmt", "for_stmt"))
# The converters' functions whose return value is loop or branch state (`return x, i`).
_STATE_FUNCTIONS = ("if_true", "if_false", "loop_body")
_KINDS = ("while", "for")
_INSTRUCTIONS = weakref.WeakKeyDictionary()   # code -> its instructions


def counts_only(fns, names):
    """True if each of the Python int variables `names` is only a counter in the functions
    `fns` (a loop's test and body, converted code) and everything they reach."""
    codes = _reachable(fns)
    if codes is None:
        return False
    for code in codes:
        ins = _instructions(code)
        if any(i.opname.startswith("JUMP_BACKWARD") or i.opname == "FOR_ITER"
               or (i.opname in ("LOAD_ATTR", "LOAD_METHOD") and i.argval in _LOOP_HELPERS)
               for i in ins):
            return False     # a nested loop runs the step's operations many times
        for name in names:
            if not all(_counter_use(code, ins, k, name)
                       for k, i in enumerate(ins) if _mentions(i, name)):
                return False
    return True


def _reachable(fns, limit=200):
    codes, seen, todo = [], set(), [fn for fn in fns if fn is not None]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        code = getattr(item, "__code__", None)
        if code is None:
            if hasattr(item, "co_code"):
                code = item
            else:
                return None
        else:
            for cell in getattr(item, "__closure__", None) or ():
                value = _cell_value(cell)
                if callable(value) and hasattr(value, "__code__"):
                    todo.append(value)
        codes.append(code)
        if len(codes) > limit:
            return None
        todo.extend(k for k in code.co_consts if hasattr(k, "co_code"))
    return codes


def _instructions(code):
    ins = _INSTRUCTIONS.get(code)
    if ins is None:
        ins = _INSTRUCTIONS[code] = [i for i in dis.get_instructions(code)
                                     if i.opname not in _SKIP]
    return ins


def _mentions(i, name):
    if i.opname.startswith(("STORE_", "DELETE_", "MAKE_CELL", "COPY_FREE", "LOAD_CONST",
                            "LOAD_ATTR", "LOAD_METHOD", "IMPORT_")):
        return False     # (a constant or an attribute of that name is not the variable)
    v = i.argval
    return v == name or (type(v) is tuple and name in v)


def _small_const(i):
    return i.opname == "LOAD_CONST" and type(i.argval) is int and abs(i.argval) <= _STEP


def _at(ins, k):
    return ins[k] if 0 <= k < len(ins) else None


def _counter_use(code, ins, k, name):
    """True if instruction `k` (which names `name`) uses the int as a counter."""
    i = ins[k]
    if i.opname not in _LOADS:
        return False
    if i.opname == "LOAD_CLOSURE":
        return True              # handed to a nested function, itself checked
    nxt, nxt2, prev = _at(ins, k + 1), _at(ins, k + 2), _at(ins, k - 1)
    if nxt is None:
        return False
    # i < 10, i += 1, i - 2 (stored back into i)
    if _small_const(nxt) and nxt2 is not None:
        if nxt2.opname == "COMPARE_OP":
            return True
        if nxt2.opname == "BINARY_OP" and nxt2.argrepr in _ADD:
            return _stores_into(_at(ins, k + 3), name)
    # 10 > i, 1 + i
    if prev is not None and _small_const(prev):
        if nxt.opname == "COMPARE_OP":
            return True
        if nxt.opname == "BINARY_OP" and nxt.argrepr in _ADD:
            return _stores_into(nxt2, name)
    # return i (a branch or loop body with one state variable)
    if nxt.opname == "RETURN_VALUE":
        return _returns_state(code)
    return _in_state_tuple(code, ins, k, name)


def _stores_into(i, name):
    return i is not None and i.opname in _STORES and i.argval == name


def _returns_state(code):
    """True if `code` is a function the converters generated whose return value is state."""
    return code.co_name.startswith(_STATE_FUNCTIONS) and not in_user_source(code.co_name, _KINDS)


def _in_state_tuple(code, ins, k, name):
    """True if load `k` is an element of a state tuple: returned by a generated state
    function, or passed with its names to `ag__.if_stmt(cond, if_true, if_false, state,
    names)` at the position `name` has in `names`."""
    j = k + 1
    while j < len(ins) and ins[j].opname in _PLAIN_LOADS:
        j += 1
    if j >= len(ins) or ins[j].opname != "BUILD_TUPLE":
        return False
    start = j - ins[j].arg
    if start > k or any(ins[m].opname not in _PLAIN_LOADS for m in range(start, j)):
        return False
    after = _at(ins, j + 1)
    if after is None:
        return False
    if after.opname == "RETURN_VALUE":
        return _returns_state(code)
    names = after.argval
    if after.opname != "LOAD_CONST" or type(names) is not tuple or len(names) != j - start \
            or names[k - start] != name:
        return False
    call = _at(ins, j + 2)
    if call is not None and call.opname == "PRECALL":
        call = _at(ins, j + 3)
    if call is None or call.opname != "CALL" or call.arg != 5:
        return False
    body, orelse = _at(ins, start - 2), _at(ins, start - 1)
    return (_loads_generated_function(body, "if_true") and orelse is not None
            and (_loads_generated_function(orelse, "if_false")
                 or (orelse.opname == "LOAD_CONST" and orelse.argval is None)))


def _loads_generated_function(i, prefix):
    return (i is not None and i.opname in ("LOAD_FAST", "LOAD_DEREF")
            and type(i.argval) is str and i.argval.startswith(prefix)
            and not in_user_source(i.argval, _KINDS))
