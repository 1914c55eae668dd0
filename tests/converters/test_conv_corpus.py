"""Runs the conversion corpus three ways: original vs converted on Python values, and the
converted function building a graph on tensors (equal results, or the documented error)."""
import copy
import inspect

import numpy as np
import pytest

import conversion_corpus as corpus
from autograph import api

CASES = corpus.CORPUS


def _outcome(fn, args):
    try:
        return ('value', fn(*copy.deepcopy(args)))
    except Exception as e:  # noqa: BLE001 - the exception is the outcome being compared
        return ('raised', type(e), str(e))


def test_corpus_is_large():
    assert len(CASES) >= 150
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize('case', CASES, ids=lambda c: c.name)
def test_converted_equals_original_on_python_values(case):
    converted = api.to_graph(case.fn)
    for args in case.args:
        expected = _outcome(case.fn, args)
        got = _outcome(converted, args)
        if expected[0] == 'raised' and got[0] == 'raised':
            assert issubclass(got[1], expected[1]), (args, expected, got)
        else:
            assert got == expected, args


# --- graph mode ---------------------------------------------------------------------------

ag = pytest.importorskip('autograph')
if not hasattr(ag, 'Graph'):  # pragma: no cover - runtime not there yet
    pytest.skip('autograph runtime not available', allow_module_level=True)


def _to_tensor(value):
    if isinstance(value, (bool, int, float)):
        return ag.constant(value)
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value):
        return ag.constant(value)
    return value


def _fetch(sess, out):
    if isinstance(out, ag.Tensor):
        return sess.run(out)
    if isinstance(out, (tuple, list)):
        return type(out)(_fetch(sess, o) for o in out)
    return out


def _same(expected, got):
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(expected) == len(got)
                and all(_same(a, b) for a, b in zip(expected, got)))
    if expected is None or isinstance(expected, str):
        return expected == got
    return bool(np.allclose(np.asarray(expected, dtype=float), np.asarray(got, dtype=float),
                            rtol=1e-5))


GRAPH_CASES = [c for c in CASES if c.graph is not False]


@pytest.mark.parametrize('case', GRAPH_CASES, ids=lambda c: c.name)
def test_converted_builds_equal_graph_on_tensors(case):
    converted = api.to_graph(case.fn)
    for args in case.args:
        expected = case.fn(*copy.deepcopy(args))
        with ag.Graph().as_default():
            tensors = [_to_tensor(a) for a in args]
            if inspect.isclass(case.graph):
                with pytest.raises(case.graph):
                    converted(*tensors)
                continue
            out = converted(*tensors)
            with ag.Session() as sess:
                got = _fetch(sess, out)
        assert _same(expected, got), (args, expected, got)


def test_graph_cases_are_many():
    exact = [c for c in CASES if c.graph is True]
    assert len(exact) >= 75
