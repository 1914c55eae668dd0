"""The math namespace: elementwise math, comparisons, logical ops, `where`, `matmul`, `cast`.

A re-export only; the ops are declared (with their gradients) in the modules named below.
Code outside the op catalogue, `ag.*` and the tests use this namespace (`math_ops.add`); op
modules import from the defining modules, which keeps the catalogue free of import cycles.
"""
from autograph.runtime.ops.arithmetic_ops import (
    ABS, ADD, COS, DIVIDE, EXP, FLOORDIV, LOG, MAXIMUM, MINIMUM, MOD, MULTIPLY, NEGATIVE, POW,
    RELU, SIGMOID, SIGN, SIN, SQRT, SQUARE, SUBTRACT, TANH, abs, add, cos, divide, exp,
    floor_divide, floordiv, floormod, log, maximum, minimum, mod, multiply, negative, pow, relu,
    sigmoid, sign, sin, sqrt, square, subtract, tanh, truediv)
from autograph.runtime.ops.compare_ops import (
    EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, LOGICAL_AND, LOGICAL_NOT, LOGICAL_OR,
    LOGICAL_XOR, NOT_EQUAL, WHERE, equal, greater, greater_equal, less, less_equal, logical_and,
    logical_not, logical_or, logical_xor, not_equal, where)
from autograph.runtime.ops.core_ops import CAST, cast
from autograph.runtime.ops.matmul_ops import MATMUL, matmul

__all__ = [
    'ABS', 'ADD', 'CAST', 'COS', 'DIVIDE', 'EQUAL', 'EXP', 'FLOORDIV', 'GREATER', 'GREATER_EQUAL',
    'LESS', 'LESS_EQUAL', 'LOG', 'LOGICAL_AND', 'LOGICAL_NOT', 'LOGICAL_OR', 'LOGICAL_XOR',
    'MATMUL', 'MAXIMUM', 'MINIMUM', 'MOD', 'MULTIPLY', 'NEGATIVE', 'NOT_EQUAL', 'POW', 'RELU',
    'SIGMOID', 'SIGN', 'SIN', 'SQRT', 'SQUARE', 'SUBTRACT', 'TANH', 'WHERE', 'abs', 'add', 'cast',
    'cos', 'divide', 'equal', 'exp', 'floor_divide', 'floordiv', 'floormod', 'greater',
    'greater_equal', 'less', 'less_equal', 'log', 'logical_and', 'logical_not', 'logical_or',
    'logical_xor', 'matmul', 'maximum', 'minimum', 'mod', 'multiply', 'negative', 'not_equal',
    'pow', 'relu', 'sigmoid', 'sign', 'sin', 'sqrt', 'square', 'subtract', 'tanh', 'truediv',
    'where']
