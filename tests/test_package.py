"""The package's public names: lazy re-exports (PEP 562) that behave like plain attributes."""
import subprocess
import sys
import types
from pathlib import Path

import pytest

import autograph as ag

REPO = Path(__file__).resolve().parent.parent


def run_python(code):
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_import_loads_neither_numpy_nor_the_runtime():
    out = run_python("import sys, autograph\n"
                     "print('numpy' in sys.modules, 'autograph.runtime' in sys.modules)")
    assert out == ["False", "False"]


def test_converting_a_file_loads_neither_numpy_nor_the_runtime(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f(x):\n    while x > 0:\n        x -= 1\n    return x\n")
    out = run_python("import sys\nfrom autograph.cli import main\n"
                     "status = main(['convert', %r, '--line-numbers', '-o', %r])\n"
                     "print(status, 'numpy' in sys.modules, 'autograph.runtime' in sys.modules)"
                     % (str(source), str(tmp_path / "out.py")))
    assert out == ["0", "False", "False"]
    assert "ag__.while_stmt" in (tmp_path / "out.py").read_text()


def test_first_use_of_a_runtime_name_loads_the_runtime():
    out = run_python("import sys, autograph as ag\nx = ag.constant(2.0) * 3.0\n"
                     "print(float(x.numpy()), 'autograph.runtime.ops.math_ops' in sys.modules)")
    assert out == ["6.0", "True"]


@pytest.mark.parametrize("name", ag.__all__)
def test_every_public_name_resolves(name):
    assert (getattr(ag, name) is not None) or name == "newaxis"    # ag.newaxis is None
    assert name in dir(ag)


def test_all_is_the_public_table():
    assert ag.__all__ == sorted(ag._EXPORTS)
    assert "api" not in ag.__all__ and "runtime" not in ag.__all__
    assert {"function", "float32", "random", "nn", "layers", "print", "to_graph"} <= set(ag.__all__)


def test_names_are_the_defining_objects():
    from autograph.runtime import dtypes, nn
    from autograph.runtime.ops import logging_ops, random_ops
    assert ag.float32 is dtypes.float32 and ag.bool is dtypes.bool_
    assert ag.random.uniform is random_ops.uniform and ag.nn.conv2d is nn.conv2d
    assert ag.print is logging_ops.print_
    assert isinstance(ag.layers, types.ModuleType)


def test_function_stays_the_decorator_after_its_module_is_imported():
    out = run_python("import autograph as ag\nimport autograph.function as m\n"
                     "from autograph.function import TensorSpec\n"
                     "print(callable(ag.function), type(ag.function).__name__, "
                     "ag.function is m, ag.TensorSpec is TensorSpec)")
    assert out == ["True", "function", "True", "True"]
    import autograph.function  # noqa: F401 - binds the submodule on the package
    assert ag.function is sys.modules["autograph.function"].function


def test_star_import():
    namespace = {}
    exec("from autograph import *", namespace)  # noqa: S102
    assert set(ag.__all__) <= set(namespace)
    assert namespace["function"] is ag.function and namespace["float32"] is ag.float32


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        ag.no_such_name  # noqa: B018
    assert not hasattr(ag, "no_such_name")
    from autograph import operators   # subpackages still import as usual
    assert operators.if_stmt is not None
