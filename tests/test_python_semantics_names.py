"""Names the converter generates never collide with the user's (`ag__` included)."""
import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError
from source_helpers import make_function


LOCAL = """
def f(x):
    ag__ = 3
    for i in range(x):
        if i > 1:
            ag__ += i
    return ag__
"""

GLOBAL = """
ag__ = 10
def f(x):
    if x > 0:
        x = x + ag__
    while x < 30:
        x += ag__
    return x
"""

PARAM_AND_GENERATED_NAMES = """
def f(ag__, if_true=1, loop_body=2, break_=3, extra_test=4, itr=5):
    out = []
    for k in ag__:
        if k > if_true:
            out.append(k + loop_body + break_ + extra_test + itr)
            break
    return out
"""

CLOSURE = """
def outer(ag__):
    def f(x):
        if x > 0:
            return x + ag__
        return -x
    return f
"""

STATE_NAMED_AG = """
def f(items):
    ag__ = []
    for v in items:
        if v < 0:
            continue
        ag__.append(v)
    return ag__
"""

ATTRIBUTE = """
class Box:
    ag__ = 7
def f(x):
    b = Box()
    if x > 0:
        b.ag__ = x
    return b.ag__
"""


@pytest.mark.parametrize("source,args", [
    (LOCAL, (5,)), (LOCAL, (0,)), (GLOBAL, (1,)), (GLOBAL, (-40,)),
    (PARAM_AND_GENERATED_NAMES, ([0, 1, 2, 3],)), (STATE_NAMED_AG, ([1, -2, 3],)),
    (ATTRIBUTE, (4,)), (ATTRIBUTE, (-1,)),
])
def test_user_name_ag__(source, args):
    f = make_function(source, "f")
    assert ag.to_graph(f)(*args) == f(*args)


def test_closure_variable_named_ag__():
    outer = make_function(CLOSURE, "outer")
    f = outer(100)
    g = ag.to_graph(f)
    assert g(5) == f(5) == 105
    assert g(-5) == f(-5) == 5


def test_generated_code_uses_another_helper_name():
    f = make_function(LOCAL, "f")
    code = ag.to_code(f)
    assert "ag__ = 3" in code
    assert "ag__.for_stmt" not in code and ".for_stmt(" in code


def test_ag__local_in_a_staged_loop():
    f = make_function(LOCAL, "f")
    g = ag.function(f)
    assert int(g(ag.constant(5)).numpy()) == f(5)


def test_possibly_unassigned_ag__raises_like_python():
    f = make_function("""
def f(x):
    if x:
        ag__ = 1
    return ag__
""", "f")
    assert ag.to_graph(f)(1) == 1
    with pytest.raises(UnboundLocalError):
        f(0)
    with pytest.raises(UnboundLocalError, match="'ag__'"):
        ag.to_graph(f)(0)


def test_errors_name_the_users_ag__():
    f = make_function("""
def f(x):
    global ag__
    ag__ = x
""", "f")
    with pytest.raises(ConversionError, match="global variable 'ag__'"):
        ag.to_graph(f)


NESTED_DEFS = """
def f(x):
    def g(a):
        return a
    class K:
        def m(self):
            return 1
    if x > 0:
        def h(a):
            return a
        for i in range(1):
            def k(a):
                return a
        return g, h, k, K, K.m, (lambda: 0)
    return g, None, None, K, K.m, None
"""


def test_nested_functions_and_classes_keep_their_qualified_names():
    f = make_function(NESTED_DEFS, "f")
    want = [getattr(o, "__qualname__", None) for o in f(1)]
    assert want[0] == "f.<locals>.g" and want[4] == "f.<locals>.K.m"
    assert [getattr(o, "__qualname__", None) for o in ag.to_graph(f)(1)] == want


def test_error_of_a_nested_function_names_it_as_python_does():
    f = make_function(NESTED_DEFS, "f")
    messages = []
    for fn in (f, ag.to_graph(f)):
        g = fn(1)[0]
        with pytest.raises(TypeError) as info:
            g()
        messages.append(str(info.value))
    assert messages[1] == messages[0]
