"""Python-semantics fuzzing, CI-sized: a few hundred programs of tests/fuzz/pygen.py.

Each program runs as the original (CPython) and as `ag.to_graph(f)` on the same Python values,
in fresh copies of its module: same value and type, or the same exception type, and the same
log of side effects (iterator steps, generator steps, prints, truth tests) in the same order.
A failure prints the program and its seed; rerun and minimise it with

    python bench/fuzz_long.py --grammar python --seed SEED --count 1 --minimise --show

Environment: AUTOGRAPH_PYFUZZ_SEED (first seed, default 0) and AUTOGRAPH_PYFUZZ_COUNT (how many,
default 300). The long run is `bench/fuzz_long.py --grammar python`; see docs/reliability.md.
"""
import os
import re

import pytest

import pygen

FIRST = int(os.environ.get('AUTOGRAPH_PYFUZZ_SEED', '0'))
COUNT = int(os.environ.get('AUTOGRAPH_PYFUZZ_COUNT', '300'))
SEEDS = list(range(FIRST, FIRST + COUNT))


@pytest.mark.parametrize('first', range(FIRST, FIRST + COUNT, 50))
def test_programs(first):
    # In groups of 50: one test per program would spend more time in pytest than in them.
    failures = []
    for seed in range(first, min(first + 50, FIRST + COUNT)):
        outcome = pygen.check(pygen.generate(seed))
        if not outcome.ok:
            failures.append(outcome.report())
    assert not failures, '\n\n'.join(failures)


def test_programs_cover_every_construct():
    text = '\n'.join(pygen.generate(s).source[len(pygen.PRELUDE):] for s in SEEDS[:300])
    wanted = {
        'try/finally': r'\n\s+finally:', 'try/except/else': r'\n(\s+)except [^\n]*\n(?:\1 [^\n]*\n)+\1else:',
        'except as': r'except \w+ as e\d+:', 'return in finally': r'finally:\n(\s+[^\n]*\n)*?\s+return',
        'break': r'\bbreak\b', 'continue': r'\bcontinue\b', 'raise': r'raise \w+Error\(',
        'shared iterator': r'for \w+ in it\d+:', 'next() after': r'next\(it\d+, None\)',
        'rest consumed': r'list\(it\d+\)', 'generator': r"in gen\('", 'file': r'io\.StringIO',
        'zip': r'in zip\(', 'enumerate': r'in enumerate\(', 'map': r'in map\(p, ',
        'dict views': r'in d\.(keys|values|items)\(\)', 'list mutated while iterated':
        r'for \w+ in lst:\n\s+if len\(lst\) < 7:', 'and': r' and ', 'or': r' or ',
        'ternary': r' if .* else ', 'non-bool operands': r"\(('ab'|None|\[\]|'') (and|or) ",
        'del': r'\bdel \w+', 'nonlocal': r'nonlocal x0', 'walrus': r':= ',
        'loop else': r'\n( *)(for|while) [^\n]*\n(?:\1 [^\n]*\n)+\1else:',
        'item augmented': r'lst\[.* % 3\] (\+|-)= ', 'attribute augmented': r'o\.n (\+|-)= ',
        'counter dict': r"cnt\[[^\n]*\] = cnt\.get\(", 'closure in a loop': r'fs\.append\(lambda',
        'nested def in a loop': r'fs\.append\(h\d+\)', 'tuple target': r'for \w+, \(\w+, \w+\) in ',
        'starred target': r'for \w+, \*\w+ in ', 'attribute target': r'for o\.n in ',
        'item target': r'for lst\[0\] in ', 'with': r'with Ctx\(', 'generator to builtin':
        r'(sum|any|all)\(\w+(\(q\))? for q in ', 'chained with side effects': r'p\([^\n]*\) (<|<=|!=) p\(',
        'in': r' in (d|Bag\(\)|\'a0b1\')\)', 'not in': r' not in lst\)', 'is': r' is (not )?None\)',
        'shadowed len': r'len = mylen', 'shadowed range': r'range = myrange',
        'StopIteration': r'raise StopIteration\(', 'next without default': r'= next\(it\d+\)',
        'walrus in a comprehension': r'\[\w+ for q in lst if \(\w+ := ', 'default argument': r'dflt\(',
        'chained comparison of logging results': r'Num\([^\n]*\) < Num\(',
        'with whose exit raises': r'with Ctx\([^\n]*fail=True\):',
        'closure reading a maybe-unassigned variable': r'def rd\d+\(\):\n\s+return p\(',
        'nested and/or as a value': r'(= |return |p\(\'at\d+\', )\(\((?:[^()]|\([^()]*\))* (and|or) '
                                    r'(?:[^()]|\([^()]*\))*\) (and|or) ',
    }
    missing = [name for name, pattern in wanted.items() if not re.search(pattern, text)]
    assert not missing, missing


class _FakeAg:
    """Stands in for autograph in pygen: 'converts' f into a function that differs."""

    def __init__(self, change):
        self.change = change

    def to_graph(self, f):
        change = self.change

        def g(*args):
            if change == 'log':
                f.__globals__['LOG'].append(('extra',))
            if change == 'raise':
                raise KeyError('converted')
            v = f(*args)
            return ('x', v) if change == 'value' else v
        return g


def _returns_values(program):
    ns, _ = pygen.load(program)
    return all(pygen._run(ns, args, False, 100000)[0][0] == 'value' for args in program.args)


@pytest.mark.parametrize('change,kind', [('log', 'side effects'), ('value', 'wrong value'),
                                         ('raise', 'raised KeyError')])
def test_checker_reports_a_difference(monkeypatch, change, kind):
    program = next(p for p in map(pygen.generate, range(100)) if _returns_values(p))
    assert pygen.check(program).ok
    monkeypatch.setattr(pygen, 'ag', _FakeAg(change))
    outcome = pygen.check(program)
    assert kind in outcome.signature, outcome.report()


def test_same_seed_same_program():
    assert pygen.generate(7).source == pygen.generate(7).source
    assert pygen.generate(7).source != pygen.generate(8).source
