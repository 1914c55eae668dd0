"""`while_stmt` and `for_stmt`: Python loops on Python values and eager tensors (the hot
path; an unrolled-loop warning while a graph is built); staged through `_LoopBuilder` when the
condition or iterable is a graph value, also when it becomes one midway.
"""

import itertools
import os
import sys
import warnings

from autograph import _config
from autograph.operators import dispatch
from autograph.operators import exact_ints
from autograph.operators import sequences
from autograph.operators.frames import (_statement_frame_info, register_helper)
from autograph.operators.loop_builder import (_LoopBuilder)
from autograph.operators.generated_names import is_jump_flag, is_retval
from autograph.operators.effects import _effect_free
from autograph.operators.staging import _normalize, _stage_in_place, _unpack
from autograph.operators.variables import Undefined

__all__ = ["while_stmt", "for_stmt", "set_unroll_warning_threshold", "UnrollWarning",
           "MAX_STAGED_REMAINING"]

backend_for = dispatch.backend_for
_LOOP_KINDS = ("while", "for")
python_types = dispatch.python_types

# A Python loop unrolled over more iterations than this while a graph is being built warns
# (UnrollWarning) and suggests a tensor loop. Configure with
# AUTOGRAPH_UNROLL_WARNING_ITERATIONS (read and checked in autograph/_config.py, with the other
# variables) or `set_unroll_warning_threshold`.
_config.validate()
_unroll_limit = _config.unroll_warning_iterations()


class UnrollWarning(UserWarning):
    """A Python loop was unrolled over many iterations while a graph was being built.

    Every iteration adds ops to the graph. Filter it like any warning, e.g.
    `warnings.filterwarnings("error", category=ag.UnrollWarning)` to make it an error.
    """


def set_unroll_warning_threshold(iterations):
    """Sets after how many unrolled iterations a Python loop building a graph warns.

    Returns the previous threshold.
    """
    global _unroll_limit
    previous, _unroll_limit = _unroll_limit, int(iterations)
    return previous


def _counting(body, what, names):
    """Wraps a Python loop body to warn once when it unrolls too many iterations."""
    limit = _unroll_limit
    count = [0]

    def counted(*args):
        count[0] += 1
        if count[0] == limit:
            _warn_unrolled(what, names, limit)
        return body(*args)
    counted.__wrapped__ = body  # in_place names are found in the body's closure
    return counted


def _warn_unrolled(what, names, count):
    warnings.warn(
        "a Python %s loop%s has been unrolled over %d iterations while building a graph; "
        "every iteration adds ops to the graph. If its condition or iterable should be a "
        "tensor, make it one (e.g. ag.range / a tensor bound) so it becomes a single graph "
        "while_loop." % (what, _loop_vars_text(names), count),
        UnrollWarning, stacklevel=_user_stacklevel())


def _user_stacklevel():
    """The `stacklevel` of the first caller outside this package: the converted code."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1  # the function that calls warnings.warn
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == here:
        frame, level = frame.f_back, level + 1
    return level


def _loop_vars_text(names):
    names = [n for n in (names or ()) if n]
    return " (loop variables: %s)" % ", ".join(names) if names else ""


# --- while ---------------------------------------------------------------------------------------

def while_stmt(test, body, state, names, in_place=(), untracked=(), opts=None):
    """`while test: body` over the state variables `names`.

    Args:
      test: function of the state values returning the loop condition.
      body: function of the state values returning the new values.
      state: tuple of the current values; names: their names.
      in_place, untracked: as for `if_stmt` (used only when the loop is staged).

    Returns:
      the final state (the value for one variable, a tuple for several, None for none).

    A graph condition builds a `while_loop`; a condition that becomes a graph tensor after
    some Python iterations continues as a `while_loop` from the current state.
    """
    n = len(state)
    if dispatch.building_graph():
        return _while_in_graph(test, body, tuple(state), names, in_place, untracked, opts)
    if n == 1:
        (v,) = state
        while True:
            c = test(v)
            if c is not True:
                if c is False:
                    return v
                if type(c) not in python_types:
                    backend = backend_for(c)
                    if backend is not None:
                        return _stage_while(backend, test, body, (v,), names, in_place,
                                            untracked, opts)[0]
                if not c:
                    return v
            v = body(v)
    if n == 0:
        while True:
            c = test()
            if c is not True:
                if c is False:
                    return None
                if type(c) not in python_types:
                    backend = backend_for(c)
                    if backend is not None:
                        _stage_while(backend, test, body, (), names, in_place, untracked, opts)
                        return None
                if not c:
                    return None
            body()
    state = tuple(state)
    while True:
        c = test(*state)
        if c is not True:
            if c is False:
                return state
            if type(c) not in python_types:
                backend = backend_for(c)
                if backend is not None:
                    return _stage_while(backend, test, body, state, names, in_place,
                                        untracked, opts)
            if not c:
                return state
        state = body(*state)


def _while_in_graph(test, body, state, names, in_place, untracked, opts):
    """`while_stmt` while a graph is being built: as the Python loop above, and remembering
    the state before each iteration, so that a loop whose condition becomes a graph tensor
    may be staged from the iteration that made it one (`_restart_state`)."""
    n = len(state)
    user_body = body
    if _unroll_limit > 0:
        body = _counting(body, "while", names)
    prev = marks = None
    while True:
        c = test(*state)
        if c is not True:
            if c is False:
                break
            if type(c) not in python_types:
                backend = backend_for(c)
                if backend is not None:
                    start = _restart_state(backend, marks, prev, state, names,
                                           (test, user_body), in_place, untracked)
                    like = state if start is prev else None
                    return _unpack(_stage_while(backend, test, body, start, names, in_place,
                                                untracked, opts, like))
            if not c:
                break
        prev, marks = state, dispatch.trace_marks()
        state = _normalize(body(*state), n)
    return _unpack(state)


_INT32 = (-2 ** 31, 2 ** 31)


def _restart_state(backend, marks, prev, state, names, fns, in_place, untracked, index=()):
    """The state a loop switching to a staged loop starts from: `prev` (the state before
    the Python iteration during which its condition became a graph tensor) when staging that
    iteration too cannot change anything observable, else `state`.

    That iteration has run as Python (its Python side effects, its errors, its calls happen
    as Python's); restarting only changes which values the staged loop starts from, and its
    ops recorded meanwhile become unused. The staged loop from `prev` runs that iteration
    again, as its first step, with the same values, provided:

    - the iteration recorded no op with a side effect when the graph runs (a print or a
      check would run twice) (`Backend.effects_since`);
    - the loop's test and body are effect-free (`_effect_free`: nothing they can reach was
      changed by the iteration, so it reads the same values again);
    - each variable was, before the iteration, a tensor (same dtype and shape after it),
      the undefined value of an early return (`retval`), None or a string the iteration did
      not replace. A Python int only when it is a counter, a Python bool only when it is a
      flag (`exact_ints.counts_only`: compared with and stepped by small int constants, an
      index, or used only for its truth; handed on as state; an int small before and after):
      Python computes with an int exactly (`i * 100000 // 100000` never overflows, `i * 0.1`
      rounds once from float64) and with a bool as a number (`True + True == 2`), a staged
      step with an int32 / bool tensor, and the two agree only on such uses. A Python float
      never (float64 in Python, float32 staged). The `index` names (a `for` over a range:
      the body's target, which the staged loop makes an int tensor) are counters too;
    - no written-in-place state, no Python list.

    The staged loop's body is traced on loop variables of the same dtypes and shapes either
    way; what changes is one fewer step outside the loop (a smaller program: XLA compiles a
    kernel per fused output of that step). The values and gradients are those of the same
    operations on the same values.
    """
    if prev is None or marks is None or in_place or untracked:
        return state
    mark = marks.get(backend)
    if mark is None or backend.effects_since(mark):
        return state
    names = names or ()
    counters, flags = list(index), []
    for k, (a, b) in enumerate(zip(prev, state)):
        name = names[k] if k < len(names) else ""
        if type(a) is int:
            if not (name and _counter_values(backend, a, b)):
                return state
            counters.append(name)
        elif type(a) is bool:
            if not (name and _same_step(backend, a, b, name)):
                return state
            flags.append(name)
        elif not _same_step(backend, a, b, name):
            return state
    if not _effect_free(backend, fns):
        return state
    if (counters or flags) and not exact_ints.counts_only(fns, counters, flags, names):
        return state
    return prev


def _counter_values(backend, a, b):
    """A Python int loop variable may restart as a counter: small before the iteration, and
    after it a small Python int or a scalar tensor of the dtype the int stages as."""
    if not -exact_ints.SMALL <= a <= exact_ints.SMALL:
        return False
    if type(b) is int:
        return -exact_ints.SMALL <= b <= exact_ints.SMALL
    return (backend.is_value(b) and not backend.is_list(b) and backend.unchecked(b) is None
            and backend.dtype(b) == backend.dtype(a) and _shape(b) == ())


def _same_step(backend, a, b, name):
    """Whether variable `name` (`a` before the iteration, `b` after it) allows restarting."""
    ta = type(a)
    if ta is Undefined:
        return is_retval(name, _LOOP_KINDS) or type(b) is Undefined
    if ta is tuple:
        # (a bool inside a tuple: its uses are not checked as a flag's)
        return (type(b) is tuple and len(a) == len(b)
                and all(type(x) is not bool and _same_step(backend, x, y, name)
                        for x, y in zip(a, b)))
    if ta is int:
        return False     # (inside a tuple: see `_counter_values` for an int variable)
    if ta is bool:
        if type(b) is bool:
            return True
        if not backend.is_value(b) or backend.is_list(b):
            return False
        return backend.dtype(b) == backend.dtype(a) and _shape(b) == ()
    if backend.is_value(a):
        if backend.is_list(a) or not backend.is_value(b) or backend.is_list(b) \
                or backend.unchecked(a) is not None or backend.unchecked(b) is not None:
            return False
        return backend.dtype(a) == backend.dtype(b) and _shape(a) == _shape(b)
    if a is b:
        # (not a float: 0.1 * 0.1 is computed in float64 by Python, float32 staged)
        return a is None or ta in (str, bytes)
    return False


def _shape(x):
    return tuple(getattr(x, "shape", ()))


def _stage_while(backend, test, body, state, names, in_place=(), untracked=(), opts=None,
                 like=None):
    if in_place or untracked:
        return _stage_in_place("while", backend, state, names, in_place, untracked,
                               (test, body), lambda s, n, fns: _stage_while(backend, *fns, s, n, opts=opts))
    n = len(state)

    def body_fn(*s):
        return _normalize(body(*s), n)

    unset = _unset_in_body(backend, test, state, names)
    return _LoopBuilder(backend, state, names, body, _loop_options(opts, like is not None),
                        like, unset).build(test, body_fn)


def _unset_in_body(backend, test, state, names):
    """The position of the early-return value (`retval_`) if it has no value whenever an
    iteration starts, else ().

    The converted code assigns it only together with its return flag (`do_return = True`),
    and a loop with a `return` stops once the flag is set: its test (or, for a `for`, its
    extra test) is `not do_return and ...`. That is checked, not assumed: the test, known to be
    effect-free, must give a Python False with the flag set. Then, as in Python, an iteration
    that runs never sees a value there: the body is traced with it undefined, and an `if` in
    it that returns makes no select for it (only its flag says whether it has a value).
    Only for a backend that can tell values made outside a branch (`Backend.is_outer`).
    """
    if test is None or type(backend).is_outer is dispatch.Backend.is_outer or not names:
        return ()
    rets = [k for k, name in enumerate(names) if is_retval(name, _LOOP_KINDS)]
    flags = [k for k, name in enumerate(names) if is_jump_flag(name, kinds=_LOOP_KINDS)]
    if len(rets) != 1 or len(flags) != 1 or not _effect_free(backend, (test,)):
        return ()
    probe = list(state)
    probe[flags[0]] = True
    try:
        stops = test(*probe) is False
    except Exception:  # noqa: BLE001 - no proof: the body sees the carried value
        return ()
    return (rets[0],) if stops else ()


def _loop_options(opts, restarted=False):
    """The backend `while_loop` options from `ag.set_loop_options` (lifted into `opts=` by
    the loop_options converter): `maximum_iterations`, `shape_invariants` (a dict name ->
    shape), `parallel_iterations`, `swap_memory`.

    `restarted`: the staged loop starts with the iteration Python ran last
    (`_restart_state`), which is not one of the `maximum_iterations` the staged loop may run
    (the bound is the same as if that iteration stayed outside the loop)."""
    if not opts:
        return {}
    options = {k: v for k, v in dict(opts).items() if v is not None}
    if restarted and "maximum_iterations" in options:
        options["maximum_iterations"] = options["maximum_iterations"] + 1
    return options


# --- for -----------------------------------------------------------------------------------------

def for_stmt(iterable, extra_test, body, state, names, in_place=(), untracked=(),
             opts=None):
    """`for target in iterable: body` over the state variables `names`.

    Args:
      iterable: what to iterate: Python iterables run as Python; a graph tensor iterates
        its first dimension; `range`/`enumerate`/`zip` over tensors (from converted_call)
        and backend lists (TensorArray) are staged by index.
      extra_test: None, or a function of the state returning False to stop (break).
      body: function `body(target, *state)` returning the new state values.
      state, names: the current values of the variables the body modifies, and their names.
      in_place, untracked: as for `if_stmt` (used only when the loop is staged).

    Returns:
      the final state (the value for one variable, a tuple for several, None for none).
    """
    if type(iterable) not in python_types:
        backend = backend_for(iterable)
        if backend is not None:
            return _unpack(_stage_for(backend, iterable, extra_test, body, tuple(state), names,
                                      in_place, untracked, opts))
    try:
        return _python_for(iterable, extra_test, body, state, names, in_place, untracked, opts)
    except BaseException as e:
        # A Python `for` left by an exception drops its iterator at once (a generator's
        # `finally:` runs before any handler); the traceback keeps these frames, not it.
        iterable = None
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code is not _python_for.__code__:
            tb = tb.tb_next
        if tb is not None:
            tb.tb_frame.clear()
        del tb      # (its frames link back to this one: a cycle that only gc would free)
        raise


def _python_for(iterable, extra_test, body, state, names, in_place, untracked, opts):
    n = len(state)
    if _unroll_limit > 0:
        t = type(iterable)
        if t is list or t is tuple or t is range or t is dict:
            if len(iterable) > _unroll_limit and dispatch.building_graph():
                _warn_unrolled("for", names, len(iterable))
        elif dispatch.building_graph():
            body = _counting(body, "for", names)
    if extra_test is None:
        if n == 1:
            (v,) = state
            for x in iterable:
                v = body(x, v)
            return v
        if n == 0:
            for x in iterable:
                body(x)
            return None
        state = tuple(state)
        for x in iterable:
            state = body(x, *state)
        return state
    # With a break (or return): the extra test runs before each `next()`, so that a loop
    # that stops never asks its iterator for one more item (Python's `break` leaves the loop
    # without calling `next()`). It may turn into a graph tensor midway.
    state = tuple(state)
    c = extra_test(*state)
    if c is not True:
        stop = _stop(c)
        if stop is not None:
            if stop:
                return _unpack(state)
            return _unpack(_switch_to_staged(c, iterable, None, 0, extra_test, body, state,
                                             names, in_place, untracked, opts))
    it = iter(iterable)
    k = 0
    # In a graph over a `range`, the state before each iteration is kept: a loop whose test
    # becomes a graph tensor may be staged from the iteration that made it one.
    restartable = type(iterable) is range and dispatch.building_graph()
    prev = marks = None
    while True:
        # next() on `it` itself: `for x in it` would call `iter(it)` a second time (an
        # iterator's __iter__ may do more than return itself).
        try:
            x = next(it)
        except StopIteration:
            break
        if restartable:
            prev, marks = state, dispatch.trace_marks()
        if n == 1:
            state = (body(x, *state),)
        elif n:
            state = body(x, *state)
        else:
            body(x)
        k += 1
        c = extra_test(*state)
        if c is not True:
            stop = _stop(c)
            if stop is None:
                like = None
                target = _target_name(body)
                if restartable and target is not None and _int32_range(iterable) \
                        and k < len(iterable) and -exact_ints.SMALL <= x <= exact_ints.SMALL:
                    # (the staged loop makes the item `x` an int tensor: the body's target
                    # must be only a counter, as a Python int loop variable. After the last
                    # item nothing is staged: restaged, its body could fail on a traced
                    # index, `tup[i]`, where the Python iteration gave a value.)
                    start = _restart_state(backend_for(c), marks, prev, state, names,
                                           (extra_test, body), in_place, untracked,
                                           index=(target,))
                    if start is prev:
                        k, state, like = k - 1, prev, state
                return _unpack(_switch_to_staged(c, iterable, it, k, extra_test, body, state,
                                                 names, in_place, untracked, opts, like))
            if stop:
                break
    return _unpack(state)


def _int32_range(r):
    return all(_INT32[0] <= v < _INT32[1] for v in (r.start, r.stop, r.step))


def _target_name(body):
    """The name of the loop target: the first parameter of the converted body, or None."""
    code = getattr(body, "__code__", None)
    if code is None or code.co_argcount < 1:
        return None
    return code.co_varnames[0]


def _stop(c):
    """Whether the loop's extra test `c` (not `True`) stops it: True/False, or None for a
    graph tensor (the rest of the loop is staged)."""
    if c is False:
        return True
    if type(c) not in python_types and backend_for(c) is not None:
        return None
    return not c


def _switch_to_staged(c, iterable, it, k, extra_test, body, state, names, in_place,
                      untracked, opts=None, like=None):
    backend = backend_for(c)
    rest = _remaining(iterable, it, k)
    if not rest:
        return state       # the last item has run: nothing is left to stage
    return _stage_for(backend, rest, extra_test, body, state, names, in_place, untracked,
                      opts, like)


# The most items of a Python iterator that a loop switching to a staged loop midway reads
# ahead (the staged loop needs them all while it is built); one more is an error.
MAX_STAGED_REMAINING = 100000


def _remaining(iterable, it, k):
    """The items not yet run when a Python `for` loop switches to a staged loop after `k`
    iterations (`it` is the Python iterator in use, None before the first `next()`).

    A range, list or tuple is sliced (nothing more is read from it). Any other iterable is
    read to its end, as the staged loop needs all its items at once; an iterator that yields
    more than MAX_STAGED_REMAINING further items is refused (it may be endless, like
    `itertools.count()`).
    """
    t = type(iterable)
    if t is range or t is list or t is tuple:
        return iterable[k:]
    if it is None:
        it = iter(iterable)
    rest = list(itertools.islice(it, MAX_STAGED_REMAINING + 1))
    if len(rest) > MAX_STAGED_REMAINING:
        where = _statement_frame_info()
        raise TypeError(
            "the `for` loop%s over a Python %s stops (break/return) on a graph tensor "
            "condition after %d iterations, so the rest of the loop must be a graph "
            "while_loop, which needs all its remaining items while the graph is built; the "
            "iterator yielded more than %d further items (is it endless, like "
            "itertools.count()?). Loop over a tensor or ag.range(n), or write a `while` "
            "loop with a tensor condition"
            % (" at %s:%d" % where if where else "", type(iterable).__name__, k,
               MAX_STAGED_REMAINING))
    return rest


def _stage_for(backend, iterable, extra_test, body, state, names, in_place=(), untracked=(),
               opts=None, like=None):
    if in_place or untracked:
        return _stage_in_place(
            "for", backend, state, names, in_place, untracked, (extra_test, body),
            lambda s, n, fns: _stage_for(backend, iterable, fns[0], fns[1], s, n, opts=opts))
    seq = sequences.as_sequence(backend, iterable)
    n = len(state)
    length = seq.length()
    if type(length) is int and length == 0:
        return tuple(state)     # nothing to iterate (e.g. a Python loop switched at its end)
    dtype = seq.index_dtype()
    i0 = backend.to_value(0, dtype)

    def test_fn(i, *s):
        c = i < length
        if extra_test is not None:
            more = extra_test(*s)
            if more is not True:
                if more is False:
                    return backend.to_value(False)
                c = backend.logical_and(c, more)
        return c

    def body_fn(i, *s):
        out = _normalize(body(seq.item(i), *s), n)
        return (i + 1,) + out

    names = ("<for index>",) + tuple(names or ("<var %d>" % k for k in range(n)))
    options = _loop_options(opts, like is not None)
    if type(length) is int:
        # A static trip count lets a backend build a fixed-length loop (JAX: lax.scan, which
        # reverse-mode autodiff supports); `exact`: no break, every iteration runs.
        options["static_trip_count"] = (length, extra_test is None)
    if like is not None:
        like = (None,) + tuple(like)
    unset = tuple(k + 1 for k in _unset_in_body(backend, extra_test, state, names[1:]))
    # (the items of a Python range, or list or tuple of numbers, are tensors in the staged
    # loop: named in its errors)
    t = type(iterable)
    target = _target_name(body) if t is range or (
        (t is list or t is tuple)
        and all(type(v) in (int, bool, float) for v in iterable)) else None
    numbers = {target: "an item of a Python %s" % t.__name__} if target else None
    result = _LoopBuilder(backend, (i0,) + tuple(state), names, body, options, like, unset,
                          numbers).build(test_fn, body_fn)
    return result[1:]


register_helper("while", while_stmt)
register_helper("for", for_stmt)
