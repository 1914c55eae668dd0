"""The op registry: every op is declared once; eager and graph execution share it.

A declaration gives the op's name, a numpy kernel, a dtype rule, a shape rule, a gradient
rule (or `grad=None` with `differentiable=False`) and whether it is stateful. `apply` runs the
kernel at once in eager mode, or records an `Operation` in the current graph.

Ops that run subgraphs (`cond`, `while`, `function_call`) declare every rule of theirs in the
same place: which graphs they run (`subgraphs`), how to run them op by op (`interpret`), how to
compile them inline (`emit`) and their graph gradient (`graph_grad`). Nothing else in the
runtime recognises them by name or by attribute: the interpreter, the gradients and the
executor ask the declaration.
"""
import numpy as np

from autograph.runtime import context, dtypes
from autograph.runtime.shapes import TensorShape
from autograph.runtime.tensor import EagerTensor, Tensor, _int_range, to_numpy
from autograph.runtime.errors import InvalidArgumentError

REGISTRY = {}
_ctx = context.ctx

# Called with (opdef, inputs, attrs, outputs) after each eager op while non-empty (tapes).
eager_observers = []


class OpDef:
    """One op: the single source of its kernel, dtype/shape rules, gradient and docs."""

    __slots__ = ("name", "kernel", "dtype_rule", "shape_rule", "grad", "differentiable",
                 "stateful", "same_dtype", "emit", "expr", "doc", "subgraphs", "interpret",
                 "graph_grad")

    def __init__(self, name, kernel, dtype_rule, shape_rule, grad=None, differentiable=True,
                 stateful=False, same_dtype=(), emit=None, expr=None, doc=None,
                 subgraphs=None, interpret=None, graph_grad=None):
        self.name = name
        self.kernel = kernel
        self.dtype_rule = dtype_rule
        self.shape_rule = shape_rule
        self.grad = grad
        self.differentiable = differentiable
        self.stateful = stateful
        # Input positions converted to one common dtype (Python scalars take the tensor's).
        self.same_dtype = same_dtype
        # Optional code emitter for the executor (control flow, constants, placeholders).
        self.emit = emit
        # Optional `expr(op, input_names) -> Python expression or None`: the executor inlines
        # it instead of calling the kernel (e.g. "t1 + t2").
        self.expr = expr
        self.doc = doc or (kernel.__doc__ if kernel is not None else None)
        # Subgraph ops only: `subgraphs(op)` -> the Graphs the op runs; `interpret(op, inputs,
        # run)` runs it op by op, `run(graph, values)` running a subgraph; `graph_grad(op,
        # output_grads, needed, source_variables)` -> (input grads, {variable: grad}).
        self.subgraphs = subgraphs
        self.interpret = interpret
        self.graph_grad = graph_grad

    def __repr__(self):
        return "<op %s>" % self.name


def declare(name, kernel=None, *, dtype, shape, grad=None, differentiable=True, stateful=False,
            same_dtype=(), emit=None, expr=None, doc=None, subgraphs=None, interpret=None,
            graph_grad=None):
    """Declares an op. Usable as a decorator on the kernel.

    Args:
      name: unique op name (also the default node name in graphs).
      kernel: `kernel(*input_values, **attrs)` on numpy values -> value or tuple of values.
      dtype: `rule(input_dtypes, attrs)` -> DType, or a list of DTypes for several outputs.
      shape: `rule(input_shapes, attrs)` -> TensorShape, or a list of them.
      grad: `rule(op, *output_grads)` -> one gradient per input (None where there is none).
      differentiable: False for ops with no gradient by nature (comparisons, argmax, ...).
      stateful: True for ops with side effects or fresh values per run (print, assign,
        random); they are never pruned from traced functions and run in program order.
      same_dtype: input positions that must share one dtype; "all" for every input.
      emit: `emit(emitter, op, input_names, output_names, indent)` for ops the executor
        compiles specially (control flow).
      expr: `expr(op, input_names)` -> an inline Python expression equal to the kernel call,
        or None to call the kernel.
      subgraphs, interpret, graph_grad: the rules of an op that runs subgraphs (see OpDef).
        With `graph_grad` and no `grad`, the plain rule is `graph_grad` asked for every
        differentiable input.
    """
    if grad is None and graph_grad is not None:
        def grad(op, *output_grads):
            needed = [t.dtype.is_floating or t.dtype is dtypes.variant for t in op.inputs]
            return graph_grad(op, list(output_grads), needed, set())[0]

    def register(kernel):
        if name in REGISTRY:
            raise ValueError("op %r is declared twice" % name)
        opdef = OpDef(name, kernel, dtype, shape, grad, differentiable, stateful, same_dtype,
                      emit, expr, doc, subgraphs, interpret, graph_grad)
        REGISTRY[name] = opdef
        return opdef
    return register if kernel is None and emit is None else register(kernel)


def get(name):
    return REGISTRY[name]


def apply(opdef, inputs, attrs=None, name=None):
    """Runs `opdef` on `inputs` eagerly, or adds it to the graph being built.

    Returns an EagerTensor / Tensor, a tuple of them for multi-output ops, or None (eager) / the
    Operation (graph) for ops without outputs.
    """
    graph = _ctx.graph
    if graph is None:
        for x in inputs:
            if type(x) is Tensor:
                graph = x.op.graph
                break
        else:
            return _eager(opdef, inputs, attrs)
    return graph.create_op(opdef, inputs, attrs, name)


def _read(x):
    """Unwraps variables (duck-typed: they define `_ag_read`)."""
    return x._ag_read() if hasattr(x, "_ag_read") else x


def common_dtype(opdef, inputs, positions):
    """The dtype that `positions` share: the first tensor's; error if two tensors differ."""
    found = None
    first = None
    for i in positions:
        x = inputs[i]
        if isinstance(x, Tensor):
            d = x._dtype
        elif isinstance(x, (np.ndarray, np.generic)):
            d = dtypes.from_numpy(x.dtype)
        elif hasattr(x, "_ag_read"):
            d = x.dtype
        else:
            continue
        if found is None:
            found, first = d, i
        elif d is not found:
            raise TypeError(
                "%s: input %d is %s but input %d is %s; tensors of different dtypes are not "
                "promoted automatically, use ag.cast on one of them"
                % (opdef.name, first, found.name, i, d.name))
    if found is None:
        # Only Python numbers: a float among them makes them all float32 (`where(c, 1, 2.5)`).
        for i in positions:
            if is_weak_float(inputs[i]):
                return dtypes.float32
    return found


def _positions(opdef, n):
    sd = opdef.same_dtype
    return range(n) if sd == "all" else sd


def holds_tensor(seq):
    """Whether a (nested) list/tuple holds a tensor or variable."""
    for v in seq:
        if isinstance(v, Tensor) or hasattr(v, "_ag_read"):
            return True
        if (type(v) is list or type(v) is tuple) and holds_tensor(v):
            return True
    return False


def pack_lists(inputs, stack):
    """`inputs` with every list/tuple that holds tensors packed into one tensor, as
    `convert_to_tensor` does (`[x, 1.0]` -> `stack([x, 1.0])`), so an op given
    `([x], [x])` sees tensors in eager and graph mode alike. `stack(items)` stacks on axis 0.
    """
    out = None
    for i, x in enumerate(inputs):
        if (type(x) is list or type(x) is tuple) and x and holds_tensor(x):
            if out is None:
                out = list(inputs)
            out[i] = _pack(x, stack)
    return inputs if out is None else out


def _pack(seq, stack):
    return stack([_pack(v, stack) if (type(v) is list or type(v) is tuple) and v
                  and holds_tensor(v) else v for v in seq])


def is_weak_float(x):
    """Whether `x` is a Python float, or a (nested) list/tuple of Python numbers holding one:
    a value that never becomes an integer tensor."""
    t = type(x)
    if t is float:
        return True
    if t is not list and t is not tuple:
        return False
    found = False
    for v in x:
        tv = type(v)
        if tv is float:
            found = True
        elif tv is list or tv is tuple:
            if not is_weak_float(v):
                if not all(type(w) in (int, bool) for w in _leaves(v)):
                    return False
            else:
                found = True
        elif tv is not int and tv is not bool:
            return False
    return found


def _leaves(seq):
    for v in seq:
        if type(v) is list or type(v) is tuple:
            yield from _leaves(v)
        else:
            yield v


def promote_weak(opdef, inputs, cast):
    """Python floats are weakly typed (as in JAX): next to an integer tensor they make the
    op floating point instead of becoming integers. Returns `inputs` with the integer tensors
    (and variables) at the op's same-dtype positions replaced by `cast(x, float32)`, or
    `inputs` itself when no Python float meets an integer tensor.

    `int32_tensor * 2.0` is float32, `int32_tensor + 2` stays int32, `float16_tensor * 2.0`
    stays float16: a Python number never widens a floating tensor and a float never turns
    into an integer.
    """
    positions = _positions(opdef, len(inputs))
    weak = False
    ints = False
    for i in positions:
        x = inputs[i]
        if isinstance(x, Tensor):
            d = x._dtype
        elif hasattr(x, "_ag_read"):
            d = x.dtype
        elif isinstance(x, (np.ndarray, np.generic)):
            d = dtypes.from_numpy(x.dtype)
        else:
            weak = weak or is_weak_float(x)
            continue
        if d.is_integer:
            ints = True
        else:
            return inputs      # a float (or bool) tensor decides, as before
    if not (weak and ints):
        return inputs
    out = list(inputs)
    for i in positions:
        x = out[i]
        if isinstance(x, (Tensor, np.ndarray, np.generic)) or hasattr(x, "_ag_read"):
            out[i] = cast(x, dtypes.float32)
    return out


# (opdef, input dtypes) -> output dtype(s) for ops run without attrs: a dtype rule is a pure
# function of its inputs' dtypes and the attrs, so eager ops skip it after the first call.
_OUT_DTYPES = {}
# (int, DType) -> numpy scalar: Python ints beside tensors (`x + 1`, `i % 2`) recur.
_INT_SCALARS = {}
_NP_SCALARS = frozenset(np.dtype(d.np_dtype).type for d in dtypes.ALL)


def _eager(opdef, inputs, attrs):
    """Runs `opdef` at once. The first branch is a fast path for the common case (operators on
    eager tensors, possibly with a Python number); it gives the same results and errors as the
    general path, which it falls back to for anything unusual."""
    if not attrs and len(inputs) == 2:
        a, b = inputs
        ta = type(a)
        tb = type(b)
        if ta is EagerTensor:
            da = a._dtype
            if tb is EagerTensor:
                db = b._dtype
                if da is db or not opdef.same_dtype:
                    return _run(opdef, (a._value, b._value), (opdef, da, db), inputs, None)
            elif (tb is int or tb is float) and opdef.same_dtype == "all":
                vb = _scalar(b, tb, da)
                if vb is not None:
                    return _run(opdef, (a._value, vb), (opdef, da, da), inputs, None)
        elif tb is EagerTensor and (ta is int or ta is float) and opdef.same_dtype == "all":
            db = b._dtype
            va = _scalar(a, ta, db)
            if va is not None:
                return _run(opdef, (va, b._value), (opdef, db, db), inputs, None)
    elif not attrs and len(inputs) == 1 and type(inputs[0]) is EagerTensor:
        a = inputs[0]
        return _run(opdef, (a._value,), (opdef, a._dtype), inputs, None)
    return _eager_general(opdef, inputs, attrs)


def _scalar(value, t, dtype):
    """`to_numpy(value, dtype)[0]` for a Python int/float, or None where to_numpy would do
    more than a plain conversion (range checks that fail, float -> int, ...)."""
    if dtype.is_floating:
        return dtype.np_dtype.type(value)
    if t is int and dtype.is_integer:
        key = (value, dtype)
        v = _INT_SCALARS.get(key)
        if v is None:
            lo, hi = _int_range(dtype)
            if not lo <= value <= hi:
                return None
            if len(_INT_SCALARS) >= 4096:
                _INT_SCALARS.clear()
            v = _INT_SCALARS[key] = dtype.np_dtype.type(value)
        return v
    return None


def _eager_general(opdef, inputs, attrs):
    inputs = pack_lists(inputs, _eager_stack)
    if opdef.same_dtype:
        inputs = promote_weak(opdef, inputs, _eager_cast)
    n = len(inputs)
    target = common_dtype(opdef, inputs, _positions(opdef, n)) if opdef.same_dtype else None
    same = opdef.same_dtype
    values = [None] * n
    in_dtypes = [None] * n
    for i, x in enumerate(inputs):
        t = type(x)
        if t is EagerTensor:
            values[i] = x._value
            in_dtypes[i] = x._dtype
            continue
        x = _read(x)
        if type(x) is EagerTensor:
            values[i] = x._value
            in_dtypes[i] = x._dtype
            continue
        want = target if target is not None and (same == "all" or i in same) else None
        values[i], in_dtypes[i] = to_numpy(x, want)
    return _run(opdef, values, (opdef,) + tuple(in_dtypes) if not attrs else None, inputs,
                attrs, in_dtypes)


def _eager_cast(x, dtype):
    return _eager(REGISTRY["cast"], [x], {"dtype": dtype})


def _eager_stack(items):
    return _eager(REGISTRY["stack"], items, {"axis": 0})


def _run(opdef, values, key, inputs, attrs, in_dtypes=None):
    """Infers the output dtype (cached under `key` unless it is None), runs the kernel, wraps
    the outputs and tells the observers."""
    out_dtype = _OUT_DTYPES.get(key) if key is not None else None
    if out_dtype is None:
        if in_dtypes is None:
            in_dtypes = list(key[1:])
        try:
            out_dtype = opdef.dtype_rule(in_dtypes, attrs or {})
        except (TypeError, ValueError) as e:
            raise type(e)("%s: %s" % (opdef.name, e)) from None
        if key is not None:
            if len(_OUT_DTYPES) >= 4096:
                _OUT_DTYPES.clear()
            _OUT_DTYPES[key] = out_dtype
    try:
        out = opdef.kernel(*values, **attrs) if attrs else opdef.kernel(*values)
    except InvalidArgumentError:
        raise
    except (ValueError, TypeError, IndexError, FloatingPointError, ZeroDivisionError) as e:
        shapes = ", ".join(str(TensorShape(np.shape(v))) for v in values)
        raise InvalidArgumentError("%s failed on inputs of shapes %s: %s"
                                   % (opdef.name, shapes, e)) from None
    if type(out_dtype) is list:
        if not out_dtype:
            result = None
            outs = ()
        else:
            outs = tuple(wrap(v, d) for v, d in zip(out, out_dtype))
            result = outs
    else:
        t = type(out)
        if (t is np.ndarray or t in _NP_SCALARS) and out.dtype is out_dtype.np_dtype:
            result = EagerTensor(out, out_dtype)       # the common case of wrap
        else:
            result = wrap(out, out_dtype)
        outs = (result,)
    if eager_observers:
        for observe in eager_observers:
            observe(opdef, inputs, attrs or {}, outs)
    return result


def wrap(value, dtype):
    """An eager tensor of `dtype` holding `value` (converted to its numpy dtype if needed)."""
    npd = dtype.np_dtype
    if type(value) is np.ndarray or isinstance(value, np.generic):
        if value.dtype is not npd and value.dtype != npd:
            value = value.astype(npd)
    elif dtype is not dtypes.variant:
        value = np.asarray(value, npd)
        if not value.ndim:
            value = value[()]
    return EagerTensor(value, dtype)
