"""autograph: turn ordinary Python functions into graphs.

    import autograph as ag

A small graph runtime on numpy (tensors, ops, eager mode, Graph + Session, variables,
gradients), a source-to-source converter of Python control flow (`to_graph`, `to_code`) and
`function`, which traces Python functions into cached graphs.

The public names are re-exported lazily (PEP 562): `import autograph` loads nothing but the
version, and the first use of a name imports the module that defines it (a runtime name loads
the whole runtime, which registers every op). So `autograph --version` and the converter
(`autograph convert`, which never runs the code it converts) do not import numpy.
`_EXPORTS` below is the public API: name -> (module, attribute).
"""
import importlib as _importlib
import sys as _sys
import types as _types

from autograph._version import __version__

_DTYPES = 'autograph.runtime.dtypes'
_CORE = 'autograph.runtime.ops.core_ops'
_MATH = 'autograph.runtime.ops.math_ops'
_ARRAY = 'autograph.runtime.ops.array_ops'
_REDUCTION = 'autograph.runtime.ops.reduction_ops'
_LOGGING = 'autograph.runtime.ops.logging_ops'
_ERRORS = 'autograph.runtime.errors'
_CONTEXT = 'autograph.runtime.context'
_FUNCTION = 'autograph.function'

# name -> (module, attribute); attribute None means the module itself.
_EXPORTS = {
    # dtypes, shapes, tensors
    'DType': (_DTYPES, 'DType'), 'as_dtype': (_DTYPES, 'as_dtype'),
    'bool': (_DTYPES, 'bool_'), 'float16': (_DTYPES, 'float16'),
    'float32': (_DTYPES, 'float32'), 'float64': (_DTYPES, 'float64'),
    'int8': (_DTYPES, 'int8'), 'int16': (_DTYPES, 'int16'), 'int32': (_DTYPES, 'int32'),
    'int64': (_DTYPES, 'int64'), 'uint8': (_DTYPES, 'uint8'),
    'TensorShape': ('autograph.runtime.shapes', 'TensorShape'),
    'Tensor': ('autograph.runtime.tensor', 'Tensor'),
    'EagerTensor': ('autograph.runtime.tensor', 'EagerTensor'),
    'is_tensor': ('autograph.runtime.tensor', 'is_tensor'),

    # ops
    'constant': (_CORE, 'constant'), 'convert_to_tensor': (_CORE, 'convert_to_tensor'),
    'identity': (_CORE, 'identity'), 'placeholder': (_CORE, 'placeholder'),
    **{name: (_MATH, name) for name in (
        'abs', 'add', 'cast', 'cos', 'divide', 'equal', 'exp', 'floordiv', 'greater',
        'greater_equal', 'less', 'less_equal', 'log', 'logical_and', 'logical_not',
        'logical_or', 'logical_xor', 'matmul', 'maximum', 'minimum', 'mod', 'multiply',
        'negative', 'not_equal', 'pow', 'relu', 'sigmoid', 'sign', 'sin', 'sqrt', 'square',
        'subtract', 'tanh', 'where')},
    **{name: (_ARRAY, name) for name in (
        'broadcast_to', 'concat', 'expand_dims', 'fill', 'gather', 'ones', 'ones_like', 'range',
        'rank', 'reshape', 'shape', 'size', 'squeeze', 'strided_slice', 'transpose',
        'unstack', 'zeros', 'zeros_like')},
    **{name: (_REDUCTION, name) for name in (
        'argmax', 'argmin', 'reduce_all', 'reduce_any', 'reduce_max', 'reduce_mean',
        'reduce_min', 'reduce_prod', 'reduce_sum', 'softmax')},
    'pad': ('autograph.runtime.ops.pad_ops', 'pad'),
    'eye': ('autograph.runtime.ops.pad_ops', 'eye'),
    'newaxis': ('autograph._api', 'newaxis'),
    'set_element_type': ('autograph.runtime.list_ops', 'set_element_type'),
    'stack': ('autograph.runtime.list_ops', 'stack'),
    'Assert': (_LOGGING, 'assert_'), 'no_op': (_LOGGING, 'no_op'),
    'print': (_LOGGING, 'print_'),
    'stop_gradient': ('autograph.runtime.ops.gradient_ops', 'stop_gradient'),

    # graphs, sessions, control flow, state
    'Graph': ('autograph.runtime.graph', 'Graph'),
    'Operation': ('autograph.runtime.graph', 'Operation'),
    'Session': ('autograph.runtime.session', 'Session'),
    'cond': ('autograph.runtime.control_flow', 'cond'),
    'while_loop': ('autograph.runtime.control_flow', 'while_loop'),
    'Variable': ('autograph.runtime.variables', 'Variable'),
    'TensorArray': ('autograph.runtime.tensor_array', 'TensorArray'),
    'executing_eagerly': (_CONTEXT, 'executing_eagerly'),
    'get_default_graph': (_CONTEXT, 'get_default_graph'),
    'init_scope': (_CONTEXT, 'init_scope'),
    'name_scope': (_CONTEXT, 'name_scope'),
    'BranchMismatchError': (_ERRORS, 'BranchMismatchError'),
    'GraphMismatchError': (_ERRORS, 'GraphMismatchError'),
    'InvalidArgumentError': (_ERRORS, 'InvalidArgumentError'),
    'LoopVarMismatchError': (_ERRORS, 'LoopVarMismatchError'),
    'StagingError': ('autograph.operators.control_flow', 'StagingError'),

    # namespaces, as TensorFlow users type them (thin modules: dir() shows the public names)
    **{name: ('autograph._api.' + name, None) for name in (
        'debugging', 'dtypes', 'layers', 'linalg', 'math', 'nest', 'nn', 'optimizers',
        'random')},

    # autodiff and layers
    'GradientTape': ('autograph.runtime.tape', 'GradientTape'),
    'gradients': ('autograph.runtime.gradients', 'gradients'),
    'Module': ('autograph.runtime.module', 'Module'),

    # AutoGraph and function
    'do_not_convert': ('autograph.api', 'do_not_convert'),
    'to_code': ('autograph.api', 'to_code'),
    'to_graph': ('autograph.api', 'to_graph'),
    'set_loop_options': ('autograph.operators.loop_options', 'set_loop_options'),
    'experimental': ('autograph._api.experimental', None),
    'function': (_FUNCTION, 'function'),
    'Function': (_FUNCTION, 'Function'),
    'ConcreteFunction': (_FUNCTION, 'ConcreteFunction'),
    'RetracingWarning': (_FUNCTION, 'RetracingWarning'),
    'LeakedTensorError': (_FUNCTION, 'LeakedTensorError'),
    'UnrollWarning': ('autograph.operators.control_flow', 'UnrollWarning'),
    'TensorSpec': (_FUNCTION, 'TensorSpec'),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    entry = _EXPORTS.get(name)
    if entry is None:
        raise AttributeError("module 'autograph' has no attribute %r" % (name,))
    module_name, attribute = entry
    if module_name.startswith('autograph.runtime.'):
        _importlib.import_module('autograph.runtime')   # registers every op first
    module = _importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value     # later lookups do not come back here
    return value


def __dir__():
    # The public names only: not the submodules an import binds here (api, runtime, ...).
    return sorted(set(_EXPORTS) | {'__version__'})


class _Package(_types.ModuleType):
    """Keeps a public name that a submodule shares (`ag.function` is the decorator).

    Importing a submodule binds it on its package (`import autograph.function` sets
    `autograph.function` to the module); for names of `_EXPORTS` the public value wins.
    """

    def __setattr__(self, name, value):
        if (isinstance(value, _types.ModuleType) and name in _EXPORTS
                and _EXPORTS[name][1] is not None and value.__name__ == _EXPORTS[name][0]):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
