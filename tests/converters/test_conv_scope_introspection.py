"""eval/exec without namespaces, locals(), vars() and dir() read the caller's frame, which
conversion changes (statement bodies become functions of their own): they are refused at
conversion with an error naming the call and its line. Explicit namespaces are fine."""
import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError
from conv_helpers import make_function

REFUSED = {
    "eval": "def f(x, y):\n    if x > 0:\n        return eval('x + y')\n    return 0\n",
    "exec": "def f(x):\n    for i in range(x):\n        exec('print(i)')\n    return x\n",
    "locals": "def f(x):\n    y = 2\n    d = locals()\n    return d\n",
    "vars": "def f(x):\n    while x > 0:\n        x -= 1\n    return sorted(vars())\n",
    "dir": "def f(x):\n    if x:\n        x = dir()\n    return x\n",
    "nested": "def f(x):\n    def g():\n        return locals()\n    return g()\n",
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_frame_reading_calls_are_refused(what):
    f = make_function(REFUSED[what])
    with pytest.raises(ConversionError) as info:
        ag.to_graph(f)
    err = info.value
    name = "locals" if what == "nested" else what
    assert "%s()" % name in str(err)
    source = REFUSED[what].splitlines()
    line = next(i for i, text in enumerate(source, 1) if name + "(" in text)
    assert err.lineno == line
    assert "do_not_convert" in str(err)


def test_called_function_with_eval_runs_unconverted():
    f = make_function(REFUSED["eval"])

    def caller(x, y):
        return f(x, y) * 10

    assert ag.to_graph(caller)(1, 2) == 30


ACCEPTED = [
    "def f(x, y):\n    if x > 0:\n        return eval('x + y', {}, {'x': x, 'y': y})\n"
    "    return 0\n",
    "def f(x, y):\n    g = {'y': y}\n    if x > 0:\n        exec('z = y * 2', g)\n"
    "        return g['z']\n    return 0\n",
    "def f(x, y):\n    if x > 0:\n        return sorted(vars(Box)) == sorted(Box.__dict__)\n"
    "    return dir(x) == dir(1)\n",
    # A local or parameter named like the builtin is the user's own function.
    "def f(x, y, eval=lambda s: s * 2):\n    if x > 0:\n        return eval(y)\n    return 0\n",
    "def f(x, y):\n    def locals():\n        return y\n    if x > 0:\n        return locals()\n"
    "    return 0\n",
]


class Box:
    a = 1


@pytest.mark.parametrize("source", ACCEPTED)
def test_explicit_namespaces_and_shadowing_names_convert(source):
    f = make_function(source, namespace={"Box": Box})
    assert ag.to_graph(f)(1, 3) == f(1, 3)
    assert ag.to_graph(f)(-1, 3) == f(-1, 3)
