"""The op catalogue's layout: family modules declare the ops, math_ops/array_ops re-export them."""
import importlib
import inspect

import pytest

from autograph.runtime import registry
from autograph.runtime.ops import array_ops, math_ops

NAMESPACES = {
    math_ops: ["arithmetic_ops", "compare_ops", "matmul_ops"],
    array_ops: ["creation_ops", "shape_ops", "reshape_ops", "join_ops", "index_ops"],
}
# The modules that declare the math, array, reduction and random ops.
MODULES = [importlib.import_module("autograph.runtime.ops." + name) for name in
           sum(NAMESPACES.values(), ["core_ops", "reduction_ops", "random_ops", "pad_ops"])]


def _declared_here(module):
    source = inspect.getsource(module)
    return [v for v in vars(module).values()
            if isinstance(v, registry.OpDef) and 'declare("%s"' % v.name in source]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_public_functions_are_documented(module):
    undocumented = [name for name, fn in vars(module).items()
                    if not name.startswith("_") and inspect.isfunction(fn)
                    and fn.__module__ == module.__name__ and not (fn.__doc__ or "").strip()]
    assert not undocumented


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_op_functions_accept_a_name(module):
    for opdef in _declared_here(module):
        fn = getattr(module, opdef.name, None) or getattr(module, opdef.name.split("_", 1)[-1],
                                                         None)
        assert fn is not None, "no public function for %s" % opdef.name
        assert "name" in inspect.signature(fn).parameters, fn


def test_namespaces_only_re_export():
    for namespace in NAMESPACES:
        assert not _declared_here(namespace)
        assert all(getattr(namespace, n).__module__ != namespace.__name__
                   for n in namespace.__all__ if callable(getattr(namespace, n)))


@pytest.mark.parametrize("namespace", list(NAMESPACES), ids=lambda m: m.__name__)
def test_namespaces_hold_every_op_of_their_families(namespace):
    for family in NAMESPACES[namespace]:
        module = importlib.import_module("autograph.runtime.ops." + family)
        for opdef in _declared_here(module):
            name = [n for n, v in vars(module).items() if v is opdef][0]
            assert getattr(namespace, name) is opdef, (family, name)
            fn = getattr(module, opdef.name, None)
            if fn is not None:
                assert getattr(namespace, opdef.name) is fn, (family, opdef.name)
