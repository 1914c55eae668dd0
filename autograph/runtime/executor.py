"""Compiles the needed part of a graph into one generated Python function.

The plan calls each kernel on local variables in creation order: no per-op dictionary
lookups or dispatch at run time; simple ops are inlined as Python expressions (`t3 = t1 + t2`),
which on numpy scalars is ten times cheaper than a ufunc call. `cond` compiles to a Python `if`
and `while_loop` to a Python `while`, with their subgraphs inlined (see `control_flow.py`). Errors raised by a kernel are mapped
back to the op and the user's line that created it.
"""
import functools
import itertools
import keyword

from autograph.runtime.errors import InvalidArgumentError, where
from autograph.runtime.tensor import Tensor

_counter = itertools.count()
# Each plan keeps its own {line number: Operation} table in its globals under this name, so a
# failing frame finds the op that raised, and the table dies with the plan (a module-level
# table would keep every graph ever compiled alive).
_LINE_OPS_NAME = "__autograph_plan_line_ops__"

# Names every plan can use (for `OpDef.expr` code); they end in "_", so they never clash with
# the emitter's generated names (t3, K4, C5, a0).
PLAN_GLOBALS = {}


class MissingFeedError(InvalidArgumentError):
    """A placeholder needed for the fetches was not fed."""


def needed_ops(fetches, feeds=(), include_stateful_of=None):
    """Ops needed to compute `fetches` (tensors or ops) when `feeds` are given, in order."""
    fed = set(feeds)
    seen = set()
    stack = []
    for f in fetches:
        if type(f) is Tensor:
            if f not in fed:
                stack.append(f.op)
        else:
            stack.append(f)
    if include_stateful_of is not None:
        stack.extend(op for op in include_stateful_of.operations if op.opdef.stateful)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in op.inputs:
            if t not in fed:
                stack.append(t.op)
    return sorted(seen, key=lambda op: op.index)


class Emitter:
    """Collects generated lines and the globals they refer to."""

    def __init__(self, filename):
        self.filename = filename
        self.lines = []
        self.globals = {}
        self.line_ops = {}
        self._n = itertools.count()

    def bind(self, obj, prefix="K"):
        name = "%s%d" % (prefix, next(self._n))
        self.globals[name] = obj
        return name

    def local(self):
        return "t%d" % next(self._n)

    def add(self, line, op=None, indent=1):
        self.lines.append("    " * indent + line)
        if op is not None:
            self.line_ops[len(self.lines) + 1] = op   # +1: the def line comes first

    @staticmethod
    def names_for(values):
        return "".join(v + ", " for v in values)


def compile_plan(graph, inputs, outputs, include_stateful=False, single=False, name="plan"):
    """Returns `fn(*input_values) -> tuple of output values` for `graph`.

    Args:
      inputs: tensors whose values are passed in (placeholders or any fed tensor).
      outputs: tensors (or operations: their value is None) to compute.
      include_stateful: also run every stateful op of the graph (functions and sub-plans do;
        Session.run only runs what its fetches need, as in TensorFlow 1).
      single: return the one output itself rather than a 1-tuple.
    """
    filename = "<autograph plan %d: %s>" % (next(_counter), name)
    em = Emitter(filename)
    params = ["a%d" % i for i in range(len(inputs))]
    results = emit_graph(em, graph, inputs, params, outputs, include_stateful, indent=1)
    if single:
        em.add("return %s" % results[0])
    else:
        em.add("return (%s)" % em.names_for(results))
    src = "def plan(%s):\n%s\n" % (", ".join(params), "\n".join(em.lines))
    code = compile(src, filename, "exec")
    env = dict(PLAN_GLOBALS)
    env.update(em.globals)
    env[_LINE_OPS_NAME] = em.line_ops
    exec(code, env)
    fn = env["plan"]
    fn.source = src
    return fn


def emit_graph(em, graph, inputs, input_names, outputs, include_stateful, indent):
    """Emits the ops of `graph` needed for `outputs`, inline at `indent`.

    Control-flow emitters call this for their subgraphs, so a function with its branches and
    loop bodies becomes one Python function: no calls between plans, no tuple packing per
    iteration.

    Returns:
      the name (local or global) holding each output, in order ("None" for op fetches).
    """
    names = dict(zip(inputs, input_names))
    for op in needed_ops(outputs, inputs, graph if include_stateful else None):
        opdef = op.opdef
        if opdef.name == "placeholder":
            if all(t in names for t in op.outputs):
                continue
            raise MissingFeedError(
                "placeholder %s%s (dtype %s, shape %s) must be fed: pass a value for it in "
                "feed_dict" % (op.name, where(op.source), op.attrs["dtype"].name,
                               op.attrs["shape"]), op=op)
        ins = [names[t] for t in op.inputs]
        if opdef.emit is not None:
            outs = [em.local() for _ in op.outputs]
            opdef.emit(em, op, ins, outs, indent)
        elif opdef.name == "constant":
            outs = [em.bind(op.attrs["value"], "C")]
        else:
            expr = opdef.expr(op, ins) if opdef.expr is not None else None
            if expr is None:
                expr = _kernel_call(em, opdef.kernel, ins, op.attrs)
            outs = [em.local() for _ in op.outputs]
            if outs:
                em.add("%s= %s" % (em.names_for(outs), expr) if len(outs) > 1 else
                       "%s = %s" % (outs[0], expr), op, indent)
            else:
                em.add(expr, op, indent)
        for t, n in zip(op.outputs, outs):
            names.setdefault(t, n)
    return [names[t] if type(t) is Tensor else "None" for t in outputs]


def _kernel_call(em, kernel, ins, attrs):
    """`K3(t1, t2, axis=C4)`: attributes as keyword arguments bound to globals (a call with
    keywords costs less than half of a functools.partial holding them)."""
    if attrs and not all(type(k) is str and k.isidentifier() and not keyword.iskeyword(k)
                         for k in attrs):
        return "%s(%s)" % (em.bind(functools.partial(kernel, **attrs)), ", ".join(ins))
    args = list(ins) + ["%s=%s" % (k, em.bind(v, "C")) for k, v in attrs.items()]
    return "%s(%s)" % (em.bind(kernel), ", ".join(args))


_WRAPPED = (ValueError, TypeError, IndexError, ZeroDivisionError, FloatingPointError,
            OverflowError, ArithmeticError)


def run_error(exc):
    """Maps an exception raised inside a plan to the op (and user line) that raised it."""
    if isinstance(exc, MissingFeedError):
        return exc
    tb = exc.__traceback__
    op = None
    while tb is not None:
        ops = tb.tb_frame.f_globals.get(_LINE_OPS_NAME)
        if ops is not None and tb.tb_frame.f_code.co_filename.startswith("<autograph plan"):
            op = ops.get(tb.tb_lineno, op)
        tb = tb.tb_next
    if op is None or not isinstance(exc, _WRAPPED) or getattr(exc, "_ag_located", False):
        return exc
    if isinstance(exc, InvalidArgumentError):
        msg = "%s%s: %s" % (op.name, where(op.source), exc)
    else:
        msg = "%s '%s'%s failed: %s: %s" % (op.opdef.name, op.name, where(op.source),
                                            type(exc).__name__, exc)
    err = InvalidArgumentError(msg, op=op)
    err._ag_located = True
    return err


def call_plan(plan, args):
    """Runs a plan, turning kernel failures into errors that name the op and the user's line."""
    try:
        return plan(*args)
    except Exception as e:  # noqa: BLE001 - re-raised with location
        err = run_error(e)
        if err is e:
            raise
        raise err.with_traceback(None) from e

