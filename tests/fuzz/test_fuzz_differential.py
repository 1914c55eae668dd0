"""Differential fuzzing, CI-sized: a few hundred random programs against CPython.

Every program is run as the original (the oracle), converted on Python values (must be equal,
types included), converted on eager tensors and through `ag.function` on tensors, with two
more inputs through the same trace (must be equal, or raise one of the documented errors of
fuzzgen.DOCUMENTED). A failure prints the program, its inputs and the seed; rerun it with

    python bench/fuzz_long.py --seed SEED --count 1 --minimise

Environment: AUTOGRAPH_FUZZ_SEED (first seed, default 0) and AUTOGRAPH_FUZZ_COUNT (how many,
default 300). The long run (>= 10,000 programs) is bench/fuzz_long.py; see
docs/reliability.md.
"""
import logging
import os
import re

import pytest

import fuzzgen

FIRST = int(os.environ.get('AUTOGRAPH_FUZZ_SEED', '0'))
COUNT = int(os.environ.get('AUTOGRAPH_FUZZ_COUNT', '300'))
SEEDS = list(range(FIRST, FIRST + COUNT))

_outcomes = {}


@pytest.fixture(autouse=True)
def _quiet_autograph_logger():
    # Unrolled-loop and unconverted-function warnings are expected here; keep the log short.
    logger = logging.getLogger('autograph')
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize('seed', SEEDS)
def test_program(seed):
    outcome = fuzzgen.check(fuzzgen.generate(seed))
    _outcomes[seed] = outcome
    assert outcome.skipped is None, 'generator bug: %s\n%s' % (outcome.skipped,
                                                               outcome.program.text())
    assert outcome.ok, outcome.report()


def _outcomes_for_all_seeds():
    return [_outcomes.get(s) or fuzzgen.check(fuzzgen.generate(s)) for s in SEEDS]


def test_graph_mode_mostly_gives_values():
    # Guards against a vacuous run: documented errors are allowed, but most programs must
    # produce a value through ag.function (so the graph paths are really compared).
    outcomes = _outcomes_for_all_seeds()
    valued = [o for o in outcomes if o.ok and 'graph' not in o.documented]
    assert len(valued) >= 0.6 * len(outcomes), (len(valued), len(outcomes))


def test_generated_programs_cover_every_construct():
    sources = [fuzzgen.generate(s).source for s in SEEDS]
    text = '\n'.join(sources)
    wanted = {
        'if': r'\n\s+if ', 'elif': r'\n\s+elif ', 'else': r'\n\s+else:',
        'while with counter': r'while c\d+ < ', 'while True': r'while True:',
        'for over range': r'for \w+ in range\(', 'for over tensor': r'for \w+ in xs:',
        'for over list literal': r'for \w+ in \[', 'for over appended list': r'for \w+ in lst',
        'enumerate': r'in enumerate\(', 'break': r'\bbreak\b', 'continue': r'\bcontinue\b',
        'early return': r'\n {8,}return ', 'and': r' and ', 'or': r' or ', 'not': r'\(not ',
        'chained comparison': r'\w+\)? (<|<=|>|>=|==|!=) \(?[\w-]+\)? (<|<=|>|>=|==|!=) ',
        'ternary': r' if .* else ', 'augmented assignment': r' (\+|-|\*|%)= ',
        'helper call': r'h\d\(', 'list append': r'\.append\(', 'len': r'len\(',
        'min/max': r'(min|max)\(', 'abs': r'abs\(', 'float()': r'float\(', 'int()': r'int\(',
        'float variable': r'\bw\d = ',
        'loop else': r'\n( *)(for|while) [^\n]*\n(?:\1 [^\n]*\n)+\1else:',
        # names first assigned in loops/branches and read later; and/or as values; int with
        # Python float; lists read back; dict keys and attributes set in loops; methods
        'name first assigned in a loop': r'\n( +)for (\w+) in [^\n]*\n\1    late\d+ = ',
        'loop target read after the loop': r'for late\d+ in ',
        'name first assigned in an if': r'if [^\n]*:\n +late\d+ = ',
        'and/or as a value': r'\(\(?[\w%() -]+ (and|or) [\w(-]', 'int test in a ternary':
        r' if [\w(][^<>=\n]*? else ', 'int with a Python float': r' % (97|1009) (\*|\+) ',
        'list read back': r'lst\d\[(-1|0)\] if ', 'dict key set in a loop': r'dct\["k\d"\] = ',
        'dict read': r'dct\.get\(', 'attribute set in a loop': r'acc\.last = ',
        'method with self state': r'acc\.add\(',
        # augmented assignment to items and attributes, `in` staged, walrus in an if test
        'item augmented': r'cells\[\d\] (\+|-)= ', 'attribute augmented': r'acc\.total (\+|-)= ',
        'dict key counter': r'dct\["k0"\] = dct\.get\("k0", 0\) \+ ',
        'in a literal list': r' (not )?in \[', 'in a range': r' in range\(-?\d+, -?\d+, \d\)\)',
        'walrus in an if test': r'if \(wal\d+ := ',
    }
    missing = [name for name, pattern in wanted.items() if not re.search(pattern, text)]
    assert not missing, missing
    # early returns at several depths, not only at the top level
    depths = {len(m.group(1)) // 4 for m in re.finditer(r'\n( +)return ', text)}
    assert {2, 3, 4} <= depths, depths
