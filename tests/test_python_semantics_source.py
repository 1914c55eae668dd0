"""Conversion follows the function object: its code (stale source is refused) and its
current defaults."""
import importlib.util
import linecache

import pytest

import autograph as ag
from autograph.pyct.errors import ConversionError

V1 = """
def f(x):
    if x > 0:
        return x + 1
    return x
"""

V2 = """
def f(x):
    if x > 0:
        return x + 100
    return x
"""


def _import(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_edited_file_is_refused(tmp_path):
    path = tmp_path / "stale_mod_a.py"
    path.write_text(V1)
    f = _import(path, "stale_mod_a").f
    path.write_text(V2)
    linecache.checkcache(str(path))
    with pytest.raises(ConversionError, match="changed") as info:
        ag.to_graph(f)
    message = str(info.value)
    assert str(path) in message and "reload" in message


def test_unchanged_file_converts(tmp_path):
    path = tmp_path / "stale_mod_b.py"
    path.write_text(V1)
    f = _import(path, "stale_mod_b").f
    linecache.checkcache(str(path))
    assert ag.to_graph(f)(3) == 4


def test_edit_that_does_not_change_the_code_converts(tmp_path):
    path = tmp_path / "stale_mod_c.py"
    path.write_text(V1)
    f = _import(path, "stale_mod_c").f
    path.write_text(V1.replace("return x + 1", "return x + 1  # a comment"))
    linecache.checkcache(str(path))
    assert ag.to_graph(f)(3) == 4


def test_called_function_with_stale_source_runs_unconverted_with_warning(tmp_path, caplog):
    path = tmp_path / "stale_mod_d.py"
    path.write_text(V1)
    f = _import(path, "stale_mod_d").f
    path.write_text(V2)
    linecache.checkcache(str(path))

    def caller(x):
        return f(x) * 2

    assert ag.to_graph(caller)(3) == 8      # f's running code: 3 + 1
    assert "changed" in caplog.text


@pytest.mark.parametrize("what", ["method", "closure", "private", "super"])
def test_code_check_accepts_unchanged_methods_and_closures(what):
    # Methods (private names are mangled, super() has a __class__ cell) and closures compile
    # differently in place than alone: the check must still see them as unchanged.
    class Base:
        def m(self, x):
            return x

    class C(Base):
        def __init__(self):
            self.__secret = 2

        def method(self, x):
            if x > 0:
                x = x * 3
            return x

        def private(self, x):
            if x > 0:
                x = x * self.__secret
            return x

        def super(self, x):
            if x > 0:
                x = super().m(x) + 1
            return x

    k = 5

    def closure(x):
        if x > 0:
            x = x + k
        return x

    c = C()
    fn = closure if what == "closure" else getattr(c, what)
    assert ag.to_graph(fn)(2) == fn(2)


# --- defaults ------------------------------------------------------------------------------

def with_default(x, k=1, *, m=10):
    if x > 0:
        return x + k + m
    return x


def test_converted_function_follows_changed_defaults():
    g = ag.to_graph(with_default)
    assert g(1) == 12
    saved = with_default.__defaults__, with_default.__kwdefaults__
    try:
        with_default.__defaults__ = (100,)
        with_default.__kwdefaults__ = {"m": 1000}
        assert with_default(1) == 1101
        assert ag.to_graph(with_default)(1) == 1101

        def caller(x):
            return with_default(x)

        assert ag.to_graph(caller)(1) == 1101
    finally:
        with_default.__defaults__, with_default.__kwdefaults__ = saved
    assert ag.to_graph(with_default)(1) == 12


def with_kwdefault_dict(x, *, m=10):
    if x > 0:
        return x + m
    return x


def test_defaults_changed_in_place_and_through_methods():
    g = ag.to_graph(with_kwdefault_dict)
    saved = dict(with_kwdefault_dict.__kwdefaults__)
    try:
        with_kwdefault_dict.__kwdefaults__["m"] = 7      # the same dict, changed in place
        assert g(1) == with_kwdefault_dict(1) == 8

        class K:
            def m(self, x, k=1):
                return x + k

        obj = K()

        def caller(x):
            return obj.m(x)

        assert ag.to_graph(caller)(1) == 2
        K.m.__defaults__ = (50,)
        assert ag.to_graph(caller)(1) == obj.m(1) == 51
    finally:
        with_kwdefault_dict.__kwdefaults__.clear()
        with_kwdefault_dict.__kwdefaults__.update(saved)


def with_assert(x):
    # pytest rewrites this module's asserts: the running code differs from the source text
    # in the way only an import-time tool makes; that is not an edited file.
    assert x > 0, "x must be positive"
    if x > 1:
        x = x * 2
    return x


def test_code_rewritten_at_import_still_converts():
    assert ag.to_graph(with_assert)(3) == 6


def test_edited_lambda_is_refused(tmp_path):
    path = tmp_path / "stale_mod_e.py"
    path.write_text("k = 3\nf = lambda x: x + k if x > 0 else -x\n")
    f = _import(path, "stale_mod_e").f
    path.write_text("k = 3\nf = lambda x: x * k - 1 if x > 0 else -x\n")
    linecache.checkcache(str(path))
    with pytest.raises(ConversionError, match="changed"):
        ag.to_graph(f)
    f2 = _import(path, "stale_mod_e").f          # the new definition converts
    assert ag.to_graph(f2)(2) == 5
