"""and_/or_/not_, builtin overloads, lists, assert and Undefined on Python values."""
import itertools

import numpy as np
import pytest

from autograph.impl.conversion import ag__
from autograph.operators.variables import UndefinedValueError

VALUES = [0, 1, 2, "", "a", [], [0], None, 0.0, True, False]


# --- and_ / or_ / not_ ---------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", list(itertools.product(VALUES, repeat=2)))
def test_and_or_return_the_deciding_operand(a, b):
    assert ag__.and_(lambda: a, lambda: b) is (a and b)
    assert ag__.or_(lambda: a, lambda: b) is (a or b)


@pytest.mark.parametrize("vals", list(itertools.product([0, 1, "", "x"], repeat=3)))
def test_and_or_three_operands(vals):
    a, b, c = vals
    thunks = [lambda v=v: v for v in vals]
    assert ag__.and_(*thunks) == (a and b and c)
    assert ag__.or_(*thunks) == (a or b or c)


def test_and_or_are_lazy():
    calls = []

    def thunk(v):
        def f():
            calls.append(v)
            return v
        return f

    assert ag__.and_(thunk(0), thunk(1 / 1)) == 0
    assert ag__.or_(thunk(5), thunk(6)) == 5
    assert calls == [0, 5]
    assert ag__.and_(lambda: False, lambda: 1 / 0) is False
    assert ag__.or_(lambda: True, lambda: 1 / 0) is True


@pytest.mark.parametrize("x", VALUES + [np.bool_(False), np.array([1])])
def test_not(x):
    assert ag__.not_(x) == (not x)


# --- builtins through converted_call -------------------------------------------------------------

@pytest.mark.parametrize("f,args", [
    (range, (5,)), (range, (1, 7, 2)), (range, (5, 0, -1)),
    (len, ([1, 2, 3],)), (len, ("abcd",)), (len, ({1: 2},)),
    (abs, (-3,)), (abs, (2.5,)),
    (min, (3, 1, 2)), (min, ([4, 2, 8],)), (max, (3, 1, 2)), (max, ([4, 2, 8],)),
    (int, ("42",)), (int, (3.9,)), (int, ("ff", 16)), (int, ()), (float, ("1.5",)), (float, (2,)),
    (float, ()),
])
def test_builtin_overloads_match_builtins(f, args):
    assert ag__.converted_call(f, args) == f(*args)


def test_builtin_overloads_with_kwargs():
    assert ag__.converted_call(min, ([3, 1],), {"key": lambda v: -v}) == 3
    assert ag__.converted_call(max, ([],), {"default": 7}) == 7
    assert list(ag__.converted_call(zip, ([1, 2], "ab"))) == [(1, "a"), (2, "b")]
    assert list(ag__.converted_call(enumerate, ("ab",), {"start": 3})) == [(3, "a"), (4, "b")]


def test_enumerate_and_zip_return_builtin_iterators_on_python_values():
    assert type(ag__.converted_call(enumerate, ([1],))) is enumerate
    assert type(ag__.converted_call(zip, ([1], [2]))) is zip
    assert type(ag__.converted_call(range, (3,))) is range


def test_builtin_errors_are_the_builtins():
    with pytest.raises(TypeError):
        ag__.converted_call(len, (5,))
    with pytest.raises(ValueError):
        ag__.converted_call(int, ("x",))
    with pytest.raises(TypeError):
        ag__.converted_call(range, (1.5,))


def test_print_and_isinstance_are_untouched(capsys):
    assert ag__.converted_call(print, ("a", 1), {"sep": "-"}) is None
    assert capsys.readouterr().out == "a-1\n"
    assert ag__.converted_call(isinstance, (1, int)) is True


# --- lists -------------------------------------------------------------------------------------

def test_list_append_mutates_and_returns_the_list():
    lst = [1]
    out = ag__.list_append(lst, 2)
    assert out is lst and lst == [1, 2]


def test_list_pop():
    lst = [1, 2, 3]
    out, x = ag__.list_pop(lst)
    assert out is lst and x == 3 and lst == [1, 2]
    out, x = ag__.list_pop(lst, 0)
    assert x == 1 and lst == [2]
    with pytest.raises(IndexError):
        ag__.list_pop([])


def test_list_helpers_on_other_objects():
    class Stack:
        def __init__(self):
            self.items = []

        def append(self, x):
            self.items.append(x)

        def pop(self, i=-1):
            return self.items.pop(i)

    s = Stack()
    assert ag__.list_append(s, 4) is s
    assert ag__.list_pop(s) == (s, 4)


# --- assert ------------------------------------------------------------------------------------

def test_assert_stmt_passes_and_fails_like_assert():
    assert ag__.assert_stmt(True, lambda: 1 / 0) is None
    assert ag__.assert_stmt(1, None) is None
    with pytest.raises(AssertionError, match="^bad 3$"):
        ag__.assert_stmt(0, lambda: "bad %d" % 3)
    with pytest.raises(AssertionError) as info:
        ag__.assert_stmt([], None)
    assert info.value.args == ()


def test_assert_stmt_message_is_lazy():
    ag__.assert_stmt("ok", lambda: 1 / 0)


# --- Undefined -----------------------------------------------------------------------------------

@pytest.mark.parametrize("use", [
    lambda u: u + 1, lambda u: 1 + u, lambda u: bool(u), lambda u: u.attr, lambda u: u[0],
    lambda u: u(), lambda u: len(u), lambda u: iter(u), lambda u: -u, lambda u: u < 1,
    lambda u: u == 1, lambda u: int(u), lambda u: float(u), lambda u: range(u),
    lambda u: ag__.not_(u), lambda u: ag__.if_stmt(u, None, None, (), ()),
])
def test_undefined_every_use_raises_naming_the_variable(use):
    u = ag__.Undefined("x")
    with pytest.raises(UndefinedValueError, match="variable 'x' is not defined on every path"):
        use(u)


def test_undefined_is_an_unbound_local_error_and_passes_through_state():
    u = ag__.Undefined("y")
    assert issubclass(UndefinedValueError, UnboundLocalError)
    assert ag__.is_undefined(u) and not ag__.is_undefined(None)
    assert repr(u) == "Undefined('y')"
    assert ag__.if_stmt(False, lambda y: 1, None, (u,), ("y",)) is u
    assert ag__.for_stmt([], None, lambda x, y: 1, (u,), ("y",)) is u
    assert not hasattr(u, "__array_interface__")  # library probes see a plain missing attr
    assert {u: 1}[u] == 1


def test_not_of_a_non_bool_graph_tensor_is_python_truthiness():
    import autograph as ag

    with ag.Graph().as_default():
        x = ag.placeholder(ag.int32, [])
        from autograph import operators as ag__
        y = ag__.not_(x)
        sess = ag.Session()
        assert bool(sess.run(y, {x: 0})) is True
        assert bool(sess.run(y, {x: 3})) is False
