"""Helpers for converter tests: functions from source text, registered with linecache."""
import functools

from source_helpers import make_function as _make_function

make_function = functools.partial(_make_function, prefix='conv-test')
