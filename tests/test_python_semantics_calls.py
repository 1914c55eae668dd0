"""Calls in converted code evaluate and merge their arguments as Python does."""
import pytest

import autograph as ag
from source_helpers import make_function

SOURCE = """
def g(k=0, **rest):
    return k, sorted(rest.items())

def f(kw, extra, x):
    if x:
        return g(k=1, **kw)
    return g(**kw, **extra, z=log.append('z') or 3)
"""


class LoggedMapping:
    """A mapping that is not a dict: `**` reads keys() then each item."""

    def __init__(self, data, log):
        self.data, self.log = data, log

    def keys(self):
        self.log.append("keys")
        return list(self.data)

    def __getitem__(self, k):
        self.log.append(("get", k))
        return self.data[k]


def _outcome(fn, *args):
    try:
        return "ok", fn(*args)
    except TypeError as e:
        return "TypeError", str(e)


@pytest.mark.parametrize("kw,extra,x", [
    ({"k": 2}, {}, 1), ({"a": 1}, {}, 1), ({"z": 2}, {}, 0), ({"a": 1}, {"a": 2}, 0),
    ({"a": 1}, {"b": 2}, 0), (5, {}, 1), ({"a": 1}, [("b", 2)], 0), ({1: 2}, {}, 1),
    ("logged", {"q": 1}, 0), ("logged", {"a": 1}, 0),
])
def test_keyword_unpacking_matches_python(kw, extra, x):
    results = []
    for convert in (False, True):
        log = []
        f = make_function(SOURCE, "f", namespace={"log": log})
        arg = LoggedMapping({"a": 1, "k": 4}, log) if kw == "logged" else kw
        fn = ag.to_graph(f) if convert else f
        results.append((_outcome(fn, arg, extra, x), log))
    assert results[1] == results[0]


def test_generated_code_passes_keyword_parts_in_order():
    f = make_function(SOURCE, "f", namespace={"log": []})
    code = ag.to_code(f)
    assert "ag__.converted_call_kw(g, ())(k=1, **kw)" in code
    assert "(**kw, **extra, z=" in code
