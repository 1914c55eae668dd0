"""Golden files: the generated code of representative functions, side by side with its input.

Each case is a folder tests/golden/<name>/ holding input.py (the function, also a corpus
function run three ways by test_conv_corpus.py) and expected.py (what `ag.to_code` gives for
it). Add a case by writing <name>/input.py and registering it in conversion_corpus.py with
`case(...)(golden_input('<name>'))` (samples.golden_input). Refresh after an intended change of
the generated code with

    AUTOGRAPH_UPDATE_GOLDEN=1 python -m pytest tests/converters/test_conv_golden.py

and review the diff: these files are what users see in `ag.to_code`.
"""
import os

import pytest

import conversion_corpus as corpus
from autograph import api
from samples import GOLDEN_DIR, golden_input
UPDATE = os.environ.get('AUTOGRAPH_UPDATE_GOLDEN') == '1'

GOLDEN = sorted(p.parent.name for p in GOLDEN_DIR.glob('*/input.py'))
_BY_NAME = {c.name: c for c in corpus.CORPUS}


@pytest.mark.parametrize('name', GOLDEN)
def test_generated_code_matches_golden_file(name):
    fn = golden_input(name)
    code = api.to_code(fn) + '\n'
    path = GOLDEN_DIR / name / 'expected.py'
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail('missing golden file %s (run with AUTOGRAPH_UPDATE_GOLDEN=1)' % path)
        path.write_text(code)
    assert code == path.read_text(), (
        'generated code of %s changed; if intended, refresh with AUTOGRAPH_UPDATE_GOLDEN=1'
        % name)


def test_golden_cases_are_many_complete_and_in_the_corpus():
    assert len(GOLDEN) >= 20
    folders = {p.name for p in GOLDEN_DIR.iterdir() if p.is_dir() and p.name != '__pycache__'}
    assert folders == set(GOLDEN), 'folders without input.py: %s' % sorted(folders - set(GOLDEN))
    stray = sorted(p.name for p in GOLDEN_DIR.iterdir() if p.is_file())
    assert not stray, 'files outside a case folder: %s' % stray
    for name in GOLDEN:
        # Each golden input is also run three ways by the corpus test, with its example arguments.
        assert name in _BY_NAME and _BY_NAME[name].fn is golden_input(name), name
        assert (GOLDEN_DIR / name / 'expected.py').exists() or UPDATE, name
