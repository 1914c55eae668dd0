"""Whether a loop iteration that Python ran with Python int or bool loop variables gives the
same values when staged with those variables as integer / boolean tensors.

A loop whose condition becomes a graph tensor midway may be staged from the start of the
iteration that made it one (`loops._restart_state`). A Python int in that iteration was
computed with exactly (`i * 100000 // 100000` never overflows, `i * 0.1` rounds once, from
float64); staged, the same step computes with an int32 tensor. A Python bool is a number to
Python (`True + True == 2`) and a boolean array staged (`True + True` is `True`, `-True` an
error). The two agree when the int is only a counter and the bool only a flag:

- a counter is compared with small int constants (the comparison's result used only for its
  truth, see below), incremented or decremented by small int constants into itself, used as
  the index of a subscript (`x[i]`: the same item, or an error either way), stored as the
  early-return value, and handed on as loop or branch state;
- a flag is used only for its truth, and handed on as state;
- a value is used only for its truth when it is the condition of a Python jump, of
  `ag__.if_stmt` / `ag__.if_exp`, an operand of `not` (`ag__.not_`, whose result must again be
  used only for its truth), returned by a loop's test (or by a thunk of an
  `ag__.and_test` / `or_test` whose result is, in turn), or stored into another flag.

`counts_only` checks that on the bytecode of the converted test and body (and of every
function they define or reach through closures), by the variables' names. Anything else —
another operation, a call argument, an alias, a nested loop (which repeats the step's
operations) or bytecode this module does not know — answers False, and the loop keeps the
iteration Python ran.
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


def counts_only(fns, names, flags=(), state=()):
    """True if each of the Python int variables `names` is only a counter, and each of the
    Python bool variables `flags` only a flag, in the functions `fns` (a loop's test and
    body, converted code) and everything they reach. `state`: the names of all the loop's
    variables (an `if` on a flag may only set those)."""
    codes = _reachable(fns)
    if codes is None:
        return False
    parents = {}     # (code objects compare by value: equal ones share their entry)
    for code in codes:
        for k in code.co_consts:
            if hasattr(k, "co_code"):
                parents.setdefault(k, []).append(code)
    ctx = (parents, frozenset(flags), frozenset(names),
           frozenset(state) | frozenset(names) | frozenset(flags))
    for code in codes:
        ins = _instructions(code)
        if any(i.opname.startswith("JUMP_BACKWARD") or i.opname == "FOR_ITER"
               or (i.opname in ("LOAD_ATTR", "LOAD_METHOD") and i.argval in _LOOP_HELPERS)
               for i in ins):
            return False     # a nested loop runs the step's operations many times
        for name in names:
            if not all(_counter_use(ctx, code, ins, k, name)
                       for k, i in enumerate(ins) if _mentions(i, name)):
                return False
        for name in flags:
            if not all(_flag_use(ctx, code, ins, k, name)
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


def _counter_use(ctx, code, ins, k, name):
    """True if instruction `k` (which names `name`) uses the int as a counter."""
    i = ins[k]
    if i.opname not in _LOADS:
        return False
    if i.opname == "LOAD_CLOSURE":
        return True              # handed to a nested function, itself checked
    nxt, nxt2, prev = _at(ins, k + 1), _at(ins, k + 2), _at(ins, k - 1)
    if nxt is None:
        return False
    # i < 10 (used for its truth), i += 1, i - 2 (stored back into i)
    if _small_const(nxt) and nxt2 is not None:
        if nxt2.opname == "COMPARE_OP":
            return _truth_use(ctx, code, ins, k, k + 2)
        if nxt2.opname == "BINARY_OP" and nxt2.argrepr in _ADD:
            return _stores_into(_at(ins, k + 3), name)
    # 10 > i, 1 + i
    if prev is not None and _small_const(prev):
        if nxt.opname == "COMPARE_OP":
            return _truth_use(ctx, code, ins, k - 1, k + 1)
        if nxt.opname == "BINARY_OP" and nxt.argrepr in _ADD:
            return _stores_into(nxt2, name)
    # x[i]: the same item for a Python int and an int tensor (or an error either way)
    if nxt.opname == "BINARY_SUBSCR" and prev is not None \
            and prev.opname in ("LOAD_FAST", "LOAD_DEREF", "LOAD_FAST_CHECK", "LOAD_GLOBAL"):
        return True
    # retval_ = i: the early-return value, only handed on as state; i = itr (a `for`
    # target kept after the loop): another counter, itself checked
    if nxt.opname in _STORES and (_is_generated_retval(nxt.argval) or nxt.argval in ctx[2]):
        return True
    # return i (a branch or loop body with one state variable)
    if nxt.opname == "RETURN_VALUE":
        return _returns_state(code)
    return _in_state_tuple(code, ins, k, name)


def _flag_use(ctx, code, ins, k, name):
    """True if instruction `k` (which names `name`) uses the bool only as a flag."""
    i = ins[k]
    if i.opname not in _LOADS:
        return False
    if i.opname == "LOAD_CLOSURE":
        return True              # handed to a nested function, itself checked
    nxt = _at(ins, k + 1)
    if nxt is not None and nxt.opname == "RETURN_VALUE" and _returns_state(code):
        return True
    return _truth_use(ctx, code, ins, k, k) or _in_state_tuple(code, ins, k, name)


# Python's conditional jumps on a value's truth (3.11 and 3.12 spellings).
_TRUTH_JUMPS = frozenset((
    "POP_JUMP_IF_TRUE", "POP_JUMP_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_FALSE"))
# ag__ helpers whose result is the truth of their arguments (a bool, itself to be used only
# for its truth), and those that return one of their thunks' values (`a and b` in a test).
_NOT_HELPERS = frozenset(("not_", "not_and", "not_or"))
_TEST_HELPERS = frozenset(("and_test", "or_test"))
_TEST_FUNCTIONS = ("loop_test", "extra_test")


def _truth_use(ctx, code, ins, s, j):
    """True if the value that instructions `s`..`j` of `code` leave on the stack is used only
    for its truth (then a Python bool and a boolean tensor of the same truth agree)."""
    nxt = _at(ins, j + 1)
    if nxt is None:
        return False
    op = nxt.opname
    if op in _TRUTH_JUMPS:
        return True
    if op == "UNARY_NOT":
        return _truth_use(ctx, code, ins, s, j + 1)
    if op == "RETURN_VALUE":
        return _truth_return(ctx, code)
    if op in _STORES:
        return nxt.argval in ctx[1]       # another flag of the loop, itself checked
    helper = _helper_at(ins, s - 2)
    if helper is None:
        return False
    call = _call_of(ins, s - 2)
    if call is None or not call[1] or call[1][0] != j:
        return False                      # (not the helper's first argument)
    if helper == "if_stmt":
        return _sets_only_loop_variables(ctx, ins, call[1])
    if helper in _NOT_HELPERS:
        return _truth_use(ctx, code, ins, s - 2, call[0])
    return False


def _sets_only_loop_variables(ctx, ins, args):
    """True if the `ag__.if_stmt` call whose arguments instructions `args` make only sets
    loop variables. On a condition that is an array, an `if` makes the values its branches
    set arrays (`k = 9` becomes an int32 array, and `k * 0.1` rounds twice); the loop's
    variables are checked where the iteration ends, other variables would not be."""
    if len(args) != 5 or ins[args[4]].opname != "LOAD_CONST":
        return False
    names = ins[args[4]].argval
    return type(names) is tuple and all(n in ctx[3] for n in names)


def _truth_return(ctx, code):
    """True if the value `code` returns is used only for its truth: `code` is a loop test, or
    a thunk given to `ag__.and_test` / `or_test` whose result is used only for its truth."""
    if code.co_name.startswith(_TEST_FUNCTIONS) and not in_user_source(code.co_name, _KINDS):
        return True
    if code.co_name != "<lambda>" or code not in ctx[0]:
        return False
    # (every function made of this code, or of an equal one, in every code reached)
    return all(_thunk_of_test(ctx, parent, k) for parent in ctx[0][code]
               for k in _made_from(parent, code))


def _made_from(parent, code):
    ins = _instructions(parent)
    return [k + 1 for k, i in enumerate(ins)
            if i.opname == "LOAD_CONST" and i.argval == code
            and _at(ins, k + 1) is not None and ins[k + 1].opname == "MAKE_FUNCTION"] or [-1]


def _thunk_of_test(ctx, parent, made):
    """True if the function MAKE_FUNCTION `made` of `parent` makes is a thunk given to an
    `ag__.and_test` / `or_test` whose result is used only for its truth."""
    ins = _instructions(parent)
    for c in range(made - 1, -1, -1):
        helper = _helper_at(ins, c)
        if helper is None:
            continue
        call = _call_of(ins, c)
        if call is not None and made in call[1]:
            return helper in _TEST_HELPERS and _truth_use(ctx, parent, ins, c, call[0])
    return False


def _helper_at(ins, c):
    """The name of the `ag__` helper that instructions `c`, `c + 1` load, or None."""
    a, b = _at(ins, c), _at(ins, c + 1)
    if a is None or b is None or a.opname not in ("LOAD_GLOBAL", "LOAD_DEREF") \
            or a.argval != "ag__" or b.opname not in ("LOAD_METHOD", "LOAD_ATTR"):
        return None
    return b.argval


# Instructions a call's arguments may be made of, with the number of stack items each pops.
_POPS = {"LOAD_FAST": 0, "LOAD_FAST_CHECK": 0, "LOAD_DEREF": 0, "LOAD_CONST": 0,
         "LOAD_CLOSURE": 0, "LOAD_GLOBAL": 0, "PUSH_NULL": 0, "KW_NAMES": 0,
         "LOAD_ATTR": 1, "LOAD_METHOD": 1, "UNARY_NOT": 1, "UNARY_NEGATIVE": 1,
         "UNARY_INVERT": 1, "BINARY_OP": 2, "COMPARE_OP": 2, "BINARY_SUBSCR": 2}


def _call_of(ins, c):
    """(index of the CALL, indexes of the instructions that made each argument) of the call of
    the helper loaded at `c`, `c + 1`; None if its arguments are made of other instructions."""
    stack = []
    for t in range(c + 2, len(ins)):
        i = ins[t]
        op = i.opname
        if op == "CALL" and len(stack) == i.arg:
            return t, stack
        if op == "CALL":      # (3.11's stack_effect counts the arguments on PRECALL)
            pops, pushes = i.arg + 2, 1
        elif op == "PRECALL":
            pops, pushes = 0, 0
        elif op in ("BUILD_TUPLE", "BUILD_LIST"):
            pops = i.arg
        elif op == "MAKE_FUNCTION":
            pops = 1 + bin(i.arg & 0x0F).count("1")
        elif op in _POPS:
            pops = _POPS[op]
        else:
            return None
        if pops > len(stack):
            return None
        if op not in ("CALL", "PRECALL"):
            pushes = pops + dis.stack_effect(i.opcode, i.arg)
        del stack[len(stack) - pops:]
        stack.extend([t] * pushes)
    return None


def _is_generated_retval(name):
    return type(name) is str and name.startswith("retval") and not in_user_source(name, _KINDS)


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
