"""`ag.nest`: nested structures (lists, tuples, dicts, namedtuples), as `tf.nest`."""
from autograph.runtime.nest import (
    assert_same_structure, flatten, flatten_up_to, is_namedtuple, map_structure,
    pack_sequence_as)

__all__ = ["assert_same_structure", "flatten", "flatten_up_to", "is_namedtuple",
           "map_structure", "pack_sequence_as"]


def __dir__():
    return list(__all__)
