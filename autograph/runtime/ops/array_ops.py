"""The array namespace: creating, reshaping, joining, splitting, gathering and slicing tensors;
shape/size/rank.

A re-export only; the ops are declared (with their gradients) in the modules named below.
Code outside the op catalogue, `ag.*` and the tests use this namespace (`array_ops.stack`); op
modules import from the defining modules, which keeps the catalogue free of import cycles.
"""
from autograph.runtime.ops.creation_ops import (
    FILL, ONES, RANGE, ZEROS, fill, ones, range, zeros)
from autograph.runtime.ops.index_ops import (
    GATHER, GATHER_GRAD, STRIDED_SLICE, STRIDED_SLICE_GRAD, gather, gather_grad, strided_slice,
    strided_slice_grad)
from autograph.runtime.ops.join_ops import (
    CONCAT, SPLIT_LIKE, STACK, UNSTACK, concat, split_like, stack, unstack)
from autograph.runtime.ops.reshape_ops import (
    BROADCAST_TO, EXPAND_DIMS, RESHAPE, SQUEEZE, broadcast_to, expand_dims, reshape, squeeze)
from autograph.runtime.ops.shape_ops import (
    ONES_LIKE, RANK, SHAPE, SIZE, TRANSPOSE, ZEROS_LIKE, ones_like, rank, shape, size, transpose,
    zeros_like)
from autograph.runtime.ops.static_values import get_static_value

__all__ = [
    'BROADCAST_TO', 'CONCAT', 'EXPAND_DIMS', 'FILL', 'GATHER', 'GATHER_GRAD', 'ONES', 'ONES_LIKE',
    'RANGE', 'RANK', 'RESHAPE', 'SHAPE', 'SIZE', 'SPLIT_LIKE', 'SQUEEZE', 'STACK',
    'STRIDED_SLICE', 'STRIDED_SLICE_GRAD', 'TRANSPOSE', 'UNSTACK', 'ZEROS', 'ZEROS_LIKE',
    'broadcast_to', 'concat', 'expand_dims', 'fill', 'gather', 'gather_grad', 'get_static_value',
    'ones', 'ones_like', 'range', 'rank', 'reshape', 'shape', 'size', 'split_like', 'squeeze',
    'stack', 'strided_slice', 'strided_slice_grad', 'transpose', 'unstack', 'zeros',
    'zeros_like']
