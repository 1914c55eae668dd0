"""The op registry: every op declared once, with a kernel, dtype rule and shape rule."""
import inspect

import numpy as np
import pytest

from autograph.runtime import registry
from autograph.runtime.ops import array_ops, math_ops, random_ops, reduction_ops  # noqa: F401
from autograph.runtime.ops import rules

CATALOGUE = """
constant placeholder identity
zeros ones fill zeros_like ones_like range random_uniform random_normal
reshape transpose expand_dims squeeze broadcast_to concat stack unstack gather strided_slice
shape size rank cast
add subtract multiply divide floordiv mod pow negative abs sign square sqrt exp log sin cos
tanh sigmoid relu maximum minimum
less less_equal greater greater_equal equal not_equal
logical_and logical_or logical_xor logical_not where matmul
reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all
argmax argmin softmax
""".split()

NOT_DIFFERENTIABLE = """
constant placeholder zeros ones zeros_like ones_like range random_uniform random_normal
shape size rank floordiv less less_equal greater greater_equal equal not_equal
logical_and logical_or logical_xor logical_not reduce_any reduce_all argmax argmin
""".split()


def test_catalogue_is_registered():
    missing = [name for name in CATALOGUE if name not in registry.REGISTRY]
    assert not missing


@pytest.mark.parametrize("name", sorted(registry.REGISTRY))
def test_every_op_has_kernel_dtype_and_shape_rules(name):
    opdef = registry.REGISTRY[name]
    assert opdef.name == name
    # Control-flow ops (cond, while) run through an executor emitter instead of a kernel.
    assert callable(opdef.kernel) or callable(opdef.emit), "%s has no kernel" % name
    assert callable(opdef.dtype_rule), "%s has no dtype rule" % name
    assert callable(opdef.shape_rule), "%s has no shape rule" % name
    assert opdef.doc, "%s has no doc" % name


@pytest.mark.parametrize("name", sorted(registry.REGISTRY))
def test_every_op_has_a_gradient_or_is_not_differentiable(name):
    opdef = registry.REGISTRY[name]
    assert opdef.grad is not None or not opdef.differentiable, (
        "%s is differentiable but has no gradient rule" % name)


@pytest.mark.parametrize("name", NOT_DIFFERENTIABLE)
def test_ops_without_a_gradient_by_nature_say_so(name):
    assert not registry.REGISTRY[name].differentiable


def test_declaring_an_op_twice_is_an_error():
    with pytest.raises(ValueError, match="declared twice"):
        registry.declare("add", np.add, dtype=rules.same_as_first, shape=rules.same_shape)


MODULES = [math_ops, array_ops, reduction_ops, random_ops]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_public_functions_are_documented(module):
    undocumented = []
    for name, fn in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
            continue
        if not (fn.__doc__ or "").strip():
            undocumented.append(name)
    assert not undocumented


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_public_op_functions_accept_a_name(module):
    source = inspect.getsource(module)
    for opdef in vars(module).values():
        if not isinstance(opdef, registry.OpDef) or 'declare("%s"' % opdef.name not in source:
            continue                                # imported from another module
        fn = getattr(module, opdef.name, None) or getattr(module, opdef.name.split("_", 1)[-1],
                                                         None)
        assert fn is not None, "no public function for %s" % opdef.name
        assert "name" in inspect.signature(fn).parameters, fn
