"""Runs CPython's own tests of stdlib modules whose functions were replaced by converted ones.

    python stdlib_semantics.py textwrap:test.test_textwrap shlex:test.test_shlex

Prints one line per module ('MODULE converted N refused M tests T new-failures F') and exits
non-zero if converting made any test fail. Used by test_conv_stdlib.py in a subprocess (it
patches modules process-wide).
"""
import importlib
import io
import logging
import sys
import types
import unittest
import warnings


def patch(module, api, errors):
    converted = refused = 0

    def convert(owner, name, fn):
        nonlocal converted, refused
        try:
            setattr(owner, name, api.to_graph(fn))
            converted += 1
        except errors.ConversionError:
            refused += 1

    for name, obj in list(vars(module).items()):
        if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
            convert(module, name, obj)
        elif isinstance(obj, type) and obj.__module__ == module.__name__:
            for attr, member in list(vars(obj).items()):
                if isinstance(member, types.FunctionType):
                    convert(obj, attr, member)
    return converted, refused


def run(test_module):
    suite = unittest.defaultTestLoader.loadTestsFromName(test_module)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def main(argv):
    logging.disable(logging.WARNING)
    warnings.simplefilter('ignore')
    from autograph import api
    from autograph.pyct import errors
    status = 0
    for spec in argv:
        module_name, test_name = spec.split(':')
        module = importlib.import_module(module_name)
        before = run(test_name)
        converted, refused = patch(module, api, errors)
        after = run(test_name)
        new = (len(after.failures) + len(after.errors)) - (len(before.failures) + len(before.errors))
        print('%s converted %d refused %d tests %d new-failures %d'
              % (module_name, converted, refused, after.testsRun, new))
        if new > 0:
            status = 1
            for test, tb in (after.failures + after.errors)[:3]:
                print(test)
                print(tb)
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
