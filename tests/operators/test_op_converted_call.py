"""converted_call: what gets converted, what is called as is, caching and warnings.

The transpiler is replaced by a fake `api` whose `convert` marks the functions it converts.
"""
import functools
import json
import logging
import math

import numpy as np
import pytest

import autograph.operators as ag__
from autograph.operators import calls
from autograph.pyct.errors import ConversionError


class FakeApi:
    def __init__(self, fail=(), strict=False):
        self.converted = []
        self.fail = fail
        self.strict = strict
        self.do_not_convert = set()

    def convert(self, fn):
        if fn in self.fail:
            raise ConversionError("cannot convert %s" % fn.__name__)
        self.converted.append(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return ("converted", fn(*args, **kwargs))
        return wrapper

    def is_marked_do_not_convert(self, fn):
        return fn in self.do_not_convert

    def is_strict(self):
        return self.strict


@pytest.fixture
def api(monkeypatch):
    fake = FakeApi()
    monkeypatch.setattr(calls, "_api", lambda: fake)
    monkeypatch.setattr(calls, "_cache", {})
    monkeypatch.setattr(calls, "_skip_codes", set())
    monkeypatch.setattr(calls, "_warned", set())
    return fake


def user_fn(x, y=1):
    return x + y


class Model:
    def __init__(self, k):
        self.k = k

    def method(self, x):
        return x * self.k

    def __call__(self, x):
        return x - self.k


def test_user_function_is_converted_once_and_cached(api):
    assert ag__.converted_call(user_fn, (1,)) == ("converted", 2)
    assert ag__.converted_call(user_fn, (1,), {"y": 5}) == ("converted", 6)
    assert api.converted == [user_fn]


def test_bound_method_converts_the_function_and_passes_self(api):
    m = Model(3)
    assert ag__.converted_call(m.method, (2,)) == ("converted", 6)
    assert ag__.converted_call(Model(4).method, (2,)) == ("converted", 8)
    assert api.converted == [Model.method]


def test_callable_object_converts_its_call_method(api):
    assert ag__.converted_call(Model(1), (5,)) == ("converted", 4)
    assert api.converted == [Model.__call__]


def test_partial_converts_the_wrapped_function(api):
    p = functools.partial(user_fn, y=10)
    assert ag__.converted_call(p, (1,)) == ("converted", 11)
    assert ag__.converted_call(p, (1,), {"y": 0}) == ("converted", 1)


def test_closures_are_converted_but_not_kept_in_the_cache(api):
    def make(k):
        def inner(x):
            return x + k
        return inner

    for k in range(3):
        assert ag__.converted_call(make(k), (1,)) == ("converted", 1 + k)
    assert len(api.converted) == 3
    assert not calls._cache


@pytest.mark.parametrize("f,args", [
    (math.sqrt, (4.0,)), (np.add, (1, 2)), (json.dumps, ([1],)), (dict, ()), (Model, (2,)),
    ([].copy, ()), ("abc".upper, ()), (ag__.if_stmt, (True, lambda: None, None, (), ())),
])
def test_library_builtin_and_autograph_callables_run_as_they_are(api, f, args):
    assert ag__.converted_call(f, args) == f(*args) or isinstance(f(*args), Model)
    assert api.converted == []


def test_do_not_convert_marked_functions_run_as_they_are(api):
    api.do_not_convert.add(user_fn)
    assert ag__.converted_call(user_fn, (1,)) == 2
    assert api.converted == []


def test_unconvertible_function_runs_unconverted_with_a_one_time_warning(api, caplog):
    def helper(x):
        return x * 2

    api.fail = (helper,)
    with caplog.at_level(logging.WARNING, logger="autograph"):
        assert ag__.converted_call(helper, (3,)) == 6
        assert ag__.converted_call(helper, (4,)) == 8
    warnings = [r for r in caplog.records if "could not convert" in r.getMessage()]
    assert len(warnings) == 1
    assert "helper" in warnings[0].getMessage()
    assert "cannot convert helper" in warnings[0].getMessage()


def test_strict_mode_raises_the_conversion_error(api):
    def helper(x):
        return x

    api.fail = (helper,)
    api.strict = True
    with pytest.raises(ConversionError, match="cannot convert helper"):
        ag__.converted_call(helper, (1,))


def test_strict_mode_from_environment(api, monkeypatch):
    def helper(x):
        return x

    api.fail = (helper,)
    del FakeApi.is_strict
    try:
        monkeypatch.setenv("AUTOGRAPH_STRICT", "1")
        with pytest.raises(ConversionError):
            ag__.converted_call(helper, (1,))
    finally:
        FakeApi.is_strict = lambda self: self.strict


def test_without_the_transpiler_functions_run_as_they_are(monkeypatch):
    monkeypatch.setattr(calls, "_api", lambda: None)
    monkeypatch.setattr(calls, "_cache", {})
    monkeypatch.setattr(calls, "_skip_codes", set())
    assert ag__.converted_call(user_fn, (1, 2)) == 3


def test_exceptions_from_the_called_function_propagate(api):
    def bad(x):
        raise KeyError(x)

    with pytest.raises(KeyError):
        ag__.converted_call(bad, ("k",))
