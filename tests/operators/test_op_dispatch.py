"""The dispatch table: one lookup per type, and a second array library plugs in.

`Sym` is a toy deferred-computation library (a stand-in for JAX tracers): a `Sym` is a
function of an environment of inputs. Registering `SymBackend` is all it takes for
if_stmt / while_stmt / for_stmt / and_ / converted_call(range) to stage it: no converter
and no helper changes.
"""
import itertools

import pytest

from autograph.impl.conversion import ag__
from autograph.operators import dispatch

_ids = itertools.count()


class Sym:
    def __init__(self, fn, kind):
        self.fn, self.kind = fn, kind     # kind: float, int or bool

    def ev(self, env):
        return self.fn(env)

    def __bool__(self):
        raise TypeError("a Sym has no value until evaluated")

    def _op(self, other, f, kind=None):
        o = lift(other)
        return Sym(lambda env: f(self.ev(env), o.ev(env)), kind or self.kind)

    def __add__(self, o):
        return self._op(o, lambda a, b: a + b)

    def __radd__(self, o):
        return lift(o) + self

    def __mul__(self, o):
        return self._op(o, lambda a, b: a * b)

    def __lt__(self, o):
        return self._op(o, lambda a, b: a < b, bool)

    def __gt__(self, o):
        return self._op(o, lambda a, b: a > b, bool)

    def __floordiv__(self, o):
        return self._op(o, lambda a, b: a // b)

    def __rfloordiv__(self, o):
        return lift(o) // self

    def __sub__(self, o):
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):
        return lift(o) - self

    def __neg__(self):
        return Sym(lambda env: -self.ev(env), self.kind)


def lift(v, kind=None):
    if isinstance(v, Sym):
        return v
    kind = kind or type(v)
    return Sym(lambda env: kind(v), kind)


def inp(name, kind=float):
    return Sym(lambda env: env[name], kind)


def flatten(s):
    if isinstance(s, (list, tuple)):
        return [leaf for x in s for leaf in flatten(x)]
    return [s]


def pack(structure, flat):
    it = iter(flat)

    def rebuild(s):
        if isinstance(s, (list, tuple)):
            return type(s)(rebuild(x) for x in s)
        return next(it)
    return rebuild(structure)


class SymBackend(dispatch.Backend):
    name = "sym"

    def claims(self, cls):
        return issubclass(cls, Sym)

    def is_value(self, v):
        return isinstance(v, Sym)

    def to_value(self, v, dtype=None):
        return lift(v, dtype)

    def dtype(self, v):
        return lift(v).kind

    def spec(self, v):
        return pack(v, [lift(x).kind for x in flatten(v)])

    def zeros(self, spec):
        return pack(spec, [lift(k(0)) for k in flatten(spec)])

    def flatten(self, s):
        return flatten(s)

    def pack(self, s, flat):
        return pack(s, flat)

    def logical_and(self, a, b):
        a, b = lift(a), lift(b)
        return Sym(lambda env: a.ev(env) and b.ev(env), bool)

    def logical_not(self, a):
        return Sym(lambda env: not a.ev(env), bool)

    def maximum(self, a, b):
        return lift(a)._op(b, max)

    def cond(self, pred, true_fn, false_fn, names):
        t, f = true_fn(), false_fn()
        leaves = [(lift(a), lift(b)) for a, b in zip(flatten(t), flatten(f))]
        out = [Sym(lambda env, a=a, b=b: a.ev(env) if pred.ev(env) else b.ev(env), a.kind)
               for a, b in leaves]
        return pack(t, out)

    def while_loop(self, test_fn, body_fn, loop_vars, names):
        key = "loop%d" % next(_ids)
        init = [lift(v) for v in flatten(loop_vars)]
        phs = [Sym(lambda env, j=j: env[key][j], v.kind) for j, v in enumerate(init)]
        c = lift(test_fn(*pack(loop_vars, phs)))
        outs = [lift(o) for o in flatten(body_fn(*pack(loop_vars, phs)))]
        for o, v, name in zip(outs, init, flatten(names)):
            if o.kind is not v.kind:
                raise TypeError("%s changes kind" % name)

        def run(env):
            env = dict(env)
            env[key] = [v.ev(env) for v in init]
            while c.ev(env):
                env[key] = [o.ev(env) for o in outs]
            return env[key]
        return pack(loop_vars, [Sym(lambda env, j=j: run(env)[j], v.kind)
                                for j, v in enumerate(init)])


@pytest.fixture
def sym_backend():
    backend = SymBackend()
    ag__.register_backend(backend)
    yield backend
    dispatch.unregister_backend(backend)


def test_runtime_tensor_is_the_first_table_entry():
    from autograph.operators.runtime_backend import RuntimeBackend
    assert isinstance(dispatch.backends()[0], RuntimeBackend)


def test_python_types_resolve_with_one_lookup():
    for v in (True, 1, 2.0, "s", None, [], (), {}, range(2)):
        assert dispatch._TABLE[type(v)] is None
        assert dispatch.backend_for(v) is None


def test_unknown_types_are_classified_once():
    class Thing:
        pass
    assert dispatch.backend_for(Thing()) is None
    assert Thing in dispatch._TABLE


def test_a_second_library_stages_if_while_and_for(sym_backend):
    x = inp("x")
    assert dispatch.backend_for(x) is sym_backend

    y = ag__.if_stmt(x > 0, lambda y: x * x, lambda y: 0.0, (x,), ("y",))
    assert y.ev({"x": 3.0}) == 9.0 and y.ev({"x": -3.0}) == 0.0

    n = inp("n", int)
    i, s = ag__.while_stmt(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0), ("i", "s"))
    assert (i.ev({"n": 4}), s.ev({"n": 4})) == (4, 6)

    r = ag__.converted_call(range, (1, n))
    total = ag__.for_stmt(r, None, lambda k, s: s + k, (0,), ("s",))
    assert total.ev({"n": 5}) == 10


def test_a_second_library_gets_the_generic_staging_logic(sym_backend):
    x = inp("x")
    # An early-return value undefined in one branch is filled with zeros of the other's kind.
    d, r = ag__.if_stmt(x > 0, lambda d, r: (True, x * 2.0), None,
                        (False, ag__.Undefined("retval_")), ("do_return", "retval_"))
    assert r.ev({"x": 2.0}) == 4.0 and r.ev({"x": -2.0}) == 0.0
    # A Python loop whose break flag becomes symbolic continues as a staged loop.

    def body(k, s, brk):
        s = s + k
        brk = ag__.if_stmt(x < k, lambda brk: True, None, (brk,), ("brk",))
        return s, brk
    s, _ = ag__.for_stmt(range(6), lambda s, brk: ag__.not_(brk), body, (0, False),
                         ("s", "brk"))
    assert s.ev({"x": 1.5}) == 0 + 1 + 2
    assert s.ev({"x": 100.0}) == 15
    # and_ is lazy.
    both = ag__.and_(lambda: x > 0, lambda: x < 10)
    assert both.ev({"x": 5.0}) and not both.ev({"x": 50.0})


def test_unregistered_backend_no_longer_claims(sym_backend):
    dispatch.unregister_backend(sym_backend)
    try:
        assert dispatch.backend_for(inp("x")) is None
    finally:
        ag__.register_backend(sym_backend)


def test_backends_can_overload_their_library_functions_for_converted_call():
    def library_fn(x):
        return ("library", x)

    class Overloading(SymBackend):
        def call_overloads(self):
            return {library_fn: lambda x: ("overload", x)}

    backend = Overloading()
    assert ag__.converted_call(library_fn, (1,)) == ("library", 1)
    ag__.register_backend(backend)
    try:
        assert ag__.converted_call(library_fn, (1,)) == ("overload", 1)
    finally:
        dispatch.unregister_backend(backend)
    assert ag__.converted_call(library_fn, (1,)) == ("library", 1)


def test_stack_of_a_lowered_list_through_converted_call():
    import autograph as ag
    ta = ag.TensorArray(ag.float32, size=0, dynamic_size=True).write(0, 1.0).write(1, 3.0)
    assert list(ag__.converted_call(ag.stack, (ta,)).numpy()) == [1.0, 3.0]
    assert list(ag__.converted_call(ag.stack, ([1.0, 2.0],)).numpy()) == [1.0, 2.0]
