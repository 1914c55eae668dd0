"""converted_call: what gets converted, what is called as is, caching and warnings.

The transpiler is replaced by a fake whose `convert` marks the functions it converts (it
stands in for `conversion.convert`, `is_marked_do_not_convert` and `is_strict`).
"""
import functools
import json
import logging
import math

import numpy as np
import pytest

from autograph.impl import conversion
from autograph.impl.conversion import ag__
from autograph.pyct.errors import ConversionError

REAL_IS_STRICT = conversion.is_strict     # (the fixture replaces it with the fake's)


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
    monkeypatch.setattr(conversion, "convert", fake.convert)
    monkeypatch.setattr(conversion, "is_marked_do_not_convert", fake.is_marked_do_not_convert)
    monkeypatch.setattr(conversion, "is_strict", fake.is_strict)
    monkeypatch.setattr(conversion, "_cache", {})
    monkeypatch.setattr(conversion, "_skip_codes", set())
    monkeypatch.setattr(conversion, "_warned", set())
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
    assert not conversion._cache


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
    monkeypatch.setattr(conversion, "is_strict", REAL_IS_STRICT)
    monkeypatch.setenv("AUTOGRAPH_STRICT", "1")
    with pytest.raises(ConversionError):
        ag__.converted_call(helper, (1,))


def test_exceptions_from_the_called_function_propagate(api):
    def bad(x):
        raise KeyError(x)

    with pytest.raises(KeyError):
        ag__.converted_call(bad, ("k",))


def test_the_ag_namespace_is_the_operators_plus_converted_call():
    import autograph.operators as operators

    for name in operators.__all__:
        assert getattr(ag__, name) is getattr(operators, name)
    assert ag__.converted_call is conversion.converted_call
    assert ag__.converted_call_kw is conversion.converted_call_kw
    assert not hasattr(operators, "converted_call")    # the operators never import the api
