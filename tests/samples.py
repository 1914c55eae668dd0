"""The sample functions the tests share, defined once; import them from here.

`square_if_positive` and `sum_even` are also golden cases: their source is
tests/golden/<name>/input.py, beside the code they convert to (expected.py), and they are
imported from those files (`golden_input`). A test that needs a different shape of a sample
(a docstring, a bound, source text for a file or a notebook cell) keeps its own variant.
"""
import importlib.util
import pathlib
import sys

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / 'golden'


def golden_input(name):
    """The function `name` defined in tests/golden/<name>/input.py, imported from that file."""
    module_name = 'golden_input_' + name
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, GOLDEN_DIR / name / 'input.py')
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
    return getattr(sys.modules[module_name], name)


square_if_positive = golden_input('square_if_positive')   # an if/else assigning x
sum_even = golden_input('sum_even')                       # a for loop with continue


def collatz_steps(n):
    """A while loop whose trip count depends on the value; a conditional expression inside."""
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
