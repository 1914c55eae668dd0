"""Annotation keys: every key conversion sets is one of `anno.Key` (the one documented list)."""
import os
import sys

from autograph import api
from autograph.pyct import anno

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'converters'))
import conversion_corpus as corpus  # noqa: E402


def test_key_lists_every_constant_once():
    names = [k for k in vars(anno.Key) if k.isupper()]
    values = [getattr(anno.Key, k) for k in names]
    assert len(set(values)) == len(values), values
    assert anno.KEYS == frozenset(values)
    assert anno.Basic is anno.Key and anno.Static is anno.Key


def test_conversion_sets_only_listed_keys(monkeypatch):
    seen = set()
    real = anno.setanno

    def recording(node, key, value):
        seen.add(key)
        real(node, key, value)
    monkeypatch.setattr(anno, 'setanno', recording)
    for case in corpus.CORPUS:
        api._convert_node(case.fn, True)
    assert seen, 'nothing recorded'
    assert seen <= anno.KEYS, seen - anno.KEYS
    assert {anno.Key.STATE, anno.Key.CFG, anno.Key.JUMP_FLAG} <= seen, seen
