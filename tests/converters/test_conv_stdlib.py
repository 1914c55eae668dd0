"""Semantics on real code: CPython's tests of stdlib modules pass with converted functions."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULES = ['textwrap:test.test_textwrap', 'shlex:test.test_shlex', 'colorsys:test.test_colorsys',
           'fnmatch:test.test_fnmatch', 'difflib:test.test_difflib',
           'configparser:test.test_configparser', 'ipaddress:test.test_ipaddress',
           'fractions:test.test_fractions', 'calendar:test.test_calendar', 'pprint:test.test_pprint']


def _have_stdlib_tests():
    try:
        import test.test_textwrap  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow  # about 25 s; CI runs it (README: -m "not slow" for quick local runs)
@pytest.mark.skipif(not _have_stdlib_tests(), reason="CPython's test package is not installed")
def test_stdlib_test_suites_pass_with_converted_functions():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run([sys.executable, os.path.join(HERE, 'stdlib_semantics.py')] + MODULES,
                          capture_output=True, text=True, env=env, timeout=600, cwd=HERE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if ' converted ' in line]
    assert len(lines) == len(MODULES), proc.stdout
    assert all('new-failures 0' in line for line in lines), proc.stdout
    assert sum(int(line.split(' converted ')[1].split()[0]) for line in lines) > 100
