"""The fuzzer itself: reproducible programs that respect their value bounds, an oracle check
that catches wrong values and internal errors, and a minimiser that shrinks failures."""
import linecache
import sys

import pytest

import autograph as ag
import fuzzgen

INT32 = 2 ** 31


def test_same_seed_same_program():
    for seed in (0, 7, 12345):
        a, b = fuzzgen.generate(seed), fuzzgen.generate(seed)
        assert (a.source, a.args, a.more_args) == (b.source, b.args, b.more_args)
    assert fuzzgen.generate(1).source != fuzzgen.generate(2).source


def test_generated_programs_are_well_formed():
    for seed in range(200):
        assert fuzzgen.well_formed(fuzzgen.generate(seed).source), seed


def test_well_formed_rejects_reads_of_unassigned_variables():
    assert not fuzzgen.well_formed('def f(a):\n    if a:\n        v = 1\n    return v\n')
    assert not fuzzgen.well_formed('def f(a):\n    return nowhere\n')
    assert fuzzgen.well_formed('def f(a):\n    if a:\n        v = 1\n    else:\n'
                               '        v = 2\n    return v\n')
    assert fuzzgen.well_formed('def f(a):\n    return a\n    return v\n')   # unreachable
    # items and attributes as augmented targets read their object; a walrus in an if test
    # defines its name after the test
    assert fuzzgen.well_formed('def f(a):\n    c = [a, 0]\n    c[0] += a\n    return c[0]\n')
    assert not fuzzgen.well_formed('def f(a):\n    c[0] += a\n    return a\n')
    assert fuzzgen.well_formed('def f(a):\n    if (w := a) > 1:\n        a = w\n    return w\n')


def _watch_values(fn, args):
    """Runs fn, returning every int and float local seen after each line."""
    seen = []

    def tracer(frame, event, arg):
        if event in ('line', 'return'):
            for v in frame.f_locals.values():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    seen.append(v)
                elif isinstance(v, list):
                    seen.extend(x for x in v if isinstance(x, (int, float)))
            if event == 'return' and isinstance(arg, (int, float)):
                seen.append(arg)
        return tracer

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn(*args)
    except UnboundLocalError:
        pass        # a `late*` name its loop did not assign: raised as in Python (checked)
    finally:
        sys.settrace(old)
    return seen


def test_values_stay_exact_in_int32_and_float32():
    for seed in range(60):
        program = fuzzgen.generate(seed)
        ns, filename = fuzzgen.load(program)
        try:
            for args in [program.args] + program.more_args:
                for v in _watch_values(ns['f'], args):
                    if isinstance(v, int):
                        assert -INT32 < v < INT32, (seed, v)
                    else:
                        assert abs(v) <= 2 ** 20 and (v * 4).is_integer(), (seed, v)
        finally:
            fuzzgen.unload(filename)


def _program(source, args):
    return fuzzgen.Program('unit', source, args, ['int'] * len(args))


WHILE_PROGRAM = _program(
    'def f(a, b):\n'
    '    v = a\n'
    '    if b > 2:\n'
    '        v = v + 1\n'
    '    c = 0\n'
    '    while c < 3:\n'
    '        c += 1\n'
    '        v = v * 2 % 7\n'
    '    for i in range(b % 4):\n'
    '        v += i\n'
    '    return v\n', [3, 5])


def _sabotage_while(real):
    """A to_graph/function that gives a wrong answer for functions containing `while`."""
    def fake(f, *args, **kwargs):
        converted = real(f, *args, **kwargs)
        if 'while' not in ''.join(linecache.getlines(f.__code__.co_filename)):
            return converted
        return lambda *a, **k: ('sabotaged', converted(*a, **k))
    return fake


def test_check_reports_wrong_values(monkeypatch):
    assert fuzzgen.check(WHILE_PROGRAM).ok
    monkeypatch.setattr(ag, 'function', _sabotage_while(ag.function))
    outcome = fuzzgen.check(WHILE_PROGRAM)
    assert [(m, k) for m, k, _ in outcome.failures] == [('graph', 'wrong value')]
    assert 'seed unit: FAIL' in outcome.report() and 'while c < 3' in outcome.report()


@pytest.mark.parametrize('exc, accepted', [
    (KeyError('x'), False),
    (AttributeError("'NoneType' object has no attribute 'dtype'"), False),
    (NameError("name 'ag__' is not defined"), False),
    (TypeError('unsupported operand type(s)'), False),
    (TypeError('cond: the condition must be a bool tensor, got int32 (at f.py:3)'), False),
    (ag.BranchMismatchError("'x' is int32 in the true branch but bool in the false branch"),
     False),
    (NotImplementedError("list 'l' is modified in place inside the if-branch of a "
                         "tensor-dependent `if`"), True),
])
def test_check_accepts_only_documented_errors(monkeypatch, exc, accepted):
    def failing(f, *args, **kwargs):
        def call(*a, **k):
            raise exc
        return call
    monkeypatch.setattr(ag, 'function', failing)
    outcome = fuzzgen.check(WHILE_PROGRAM)
    assert outcome.ok is accepted, outcome.report()
    assert outcome.failures or outcome.documented['graph']


def test_truthiness_programs_may_raise_branch_mismatch(monkeypatch):
    # `x > 0 and n % 2` is a bool on one path and an int on the other: a graph cannot hold
    # both, so BranchMismatchError is accepted, but only from programs that use int truth.
    error = ag.BranchMismatchError("'<and>' is int32 in the true branch but bool in the false "
                                   "branch")

    def failing(f, *args, **kwargs):
        def call(*a, **k):
            raise error
        return call
    monkeypatch.setattr(ag, 'function', failing)
    program = fuzzgen.Program('unit', WHILE_PROGRAM.source, [3, 5], ['int', 'int'],
                              uses={'truthiness'})
    outcome = fuzzgen.check(program)
    assert outcome.ok and outcome.documented == {'graph': 'BranchMismatchError'}
    assert not fuzzgen.check(WHILE_PROGRAM).ok


def test_minimise_keeps_the_failure_and_shrinks_the_program(monkeypatch):
    monkeypatch.setattr(ag, 'to_graph', _sabotage_while(ag.to_graph))
    seed = next(s for s in range(100) if 'while c' in fuzzgen.generate(s).source
                and fuzzgen.generate(s).source.count('\n') > 25)
    program = fuzzgen.generate(seed)
    signature = fuzzgen.check(program).signature
    assert ('convert', 'wrong value', '') in signature
    small = fuzzgen.minimise(program, signature)
    assert fuzzgen.check(small).signature == signature
    assert 'while' in small.source
    assert small.source.count('\n') < 10 < program.source.count('\n'), small.source


LATE_PROGRAM = fuzzgen.Program(
    'unit-late',
    'def f(a, b):\n'
    '    for i in range(a):\n'
    '        late1 = i * 2\n'
    '    return late1 + b\n', [0, 1], ['int', 'int'], uses={'late'},
    more_args=[[3, 1], [2, 5]])


def test_a_name_a_loop_did_not_assign_must_raise_in_every_mode():
    # Python raises UnboundLocalError for a = 0; the graph must fail too (at run time).
    outcome = fuzzgen.check(LATE_PROGRAM)
    assert outcome.ok, outcome.report()
    assert outcome.documented == {'graph': 'unassigned name (run-time check)'}


def test_an_invented_value_for_an_unassigned_name_is_a_failure(monkeypatch):
    def inventing(f, *args, **kwargs):
        def call(a, b):
            return ag.constant(0) + b       # a made-up zero for `late1`
        return call
    monkeypatch.setattr(ag, 'function', inventing)
    outcome = fuzzgen.check(LATE_PROGRAM)
    assert ('graph', 'invented value') in [(m, k) for m, k, _ in outcome.failures]


def test_unassigned_reads_need_the_late_feature():
    program = fuzzgen.Program('unit', LATE_PROGRAM.source, [0, 1], ['int', 'int'])
    assert fuzzgen.check(program).skipped      # a generator bug: it never writes this


def test_a_stacked_list_compares_as_the_list_it_replaces():
    want = fuzzgen.normalize((1, [2, 3]))
    have = fuzzgen.normalize((ag.constant(1), ag.constant([2, 3])))
    assert fuzzgen._as_lists_like(want, have) == want
    assert fuzzgen._as_lists_like(fuzzgen.normalize([]), fuzzgen.normalize(
        ag.constant([], dtype=ag.int32))) == fuzzgen.normalize([])
