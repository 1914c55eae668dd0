"""Golden files: the generated code of representative functions, kept under tests/golden/.

Refresh after an intended change of the generated code with

    AUTOGRAPH_UPDATE_GOLDEN=1 python -m pytest tests/converters/test_conv_golden.py

and review the diff: these files are what users see in `ag.to_code`.
"""
import os
import pathlib

import pytest

import conversion_corpus as corpus
from autograph import api

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent.parent / 'golden'
UPDATE = os.environ.get('AUTOGRAPH_UPDATE_GOLDEN') == '1'

GOLDEN = [
    'square_if_positive', 'sum_even', 'if_no_else', 'if_elif_else', 'nested_ifs',
    'if_multiple_vars', 'if_temporary_in_branch', 'if_and_or', 'ternary', 'chained_comparison',
    'chained_comparison_calls', 'while_count', 'while_break', 'while_continue', 'while_else',
    'while_true_break', 'for_range', 'for_target_after_loop', 'for_break', 'for_else',
    'nested_for_break_inner', 'for_tuple_target', 'return_in_if', 'guard_clauses',
    'return_in_for', 'return_in_while', 'return_none_path', 'return_with_break',
    'list_append_loop', 'list_pop', 'assert_with_message', 'factorial', 'closure_counter',
    'for_continue_flag_in_with', 'del_statement', 'variable_defined_in_both_branches',
    'shadowing_generated_names', 'deeply_nested', 'attribute_written_in_branch',
    'item_written_in_loop', 'closure_reads_loop_updates',
]
_BY_NAME = {c.name: c for c in corpus.CORPUS}


@pytest.mark.parametrize('name', GOLDEN)
def test_generated_code_matches_golden_file(name):
    code = api.to_code(_BY_NAME[name].fn) + '\n'
    path = GOLDEN_DIR / ('%s.py' % name)
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail('missing golden file %s (run with AUTOGRAPH_UPDATE_GOLDEN=1)' % path)
        path.write_text(code)
    assert code == path.read_text(), (
        'generated code of %s changed; if intended, refresh with AUTOGRAPH_UPDATE_GOLDEN=1'
        % name)


def test_golden_files_are_many_and_all_used():
    assert len(GOLDEN) >= 20
    on_disk = {p.stem for p in GOLDEN_DIR.glob('*.py')}
    assert on_disk == set(GOLDEN), on_disk ^ set(GOLDEN)
