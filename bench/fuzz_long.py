"""Long differential-fuzzing run: many random programs, converted and traced, against CPython.

    python bench/fuzz_long.py                          # 10,000 programs from seed 0
    python bench/fuzz_long.py --seed 100000 --count 20000 --jobs 4
    python bench/fuzz_long.py --seed 583 --count 1 --minimise --show   # one seed, in detail

Programs come from tests/fuzz/fuzzgen.py (the generator the CI test uses), or with
`--grammar python` from tests/fuzz/pygen.py (Python-semantics programs: try/finally with
jumps, shared iterators, non-bool and/or, del, nonlocal; run converted on Python values, with
their side effects compared); the same seed always gives the same program.

    python bench/fuzz_long.py --grammar python --seed 300000 --count 10000 --jobs 2 The summary groups failures by kind, lists their seeds and,
with --minimise, prints the smallest program that still fails the same way; that program is
what goes into tests/fuzz/test_fuzz_regressions.py. Nothing is written to disk: the summary
goes to standard output (as Markdown, ready for docs/reliability.md).

Exit status: 0 when every program passed, 1 otherwise.
"""
import argparse
import collections
import logging
import multiprocessing
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'fuzz'))

import numpy as np  # noqa: E402

import fuzzgen  # noqa: E402
import pygen  # noqa: E402


def _run_chunk(seeds, modes, timeout, gen_kwargs, grammar='tensor'):
    logging.getLogger('autograph').setLevel(logging.ERROR)
    rows = []
    if grammar == 'python':
        for seed in seeds:
            program = pygen.generate(seed, **gen_kwargs)
            started = time.perf_counter()
            outcome = pygen.check(program, timeout=timeout)
            failures = [('convert', kind, detail) for kind, detail in outcome.failures]
            rows.append((seed, outcome.skipped, {}, failures,
                         sorted(('convert', kind, '') for kind in outcome.signature),
                         time.perf_counter() - started, program.source.count('\n')))
        return rows
    for seed in seeds:
        program = fuzzgen.generate(seed, **gen_kwargs)
        started = time.perf_counter()
        outcome = fuzzgen.check(program, modes, timeout=timeout)
        rows.append((seed, outcome.skipped, dict(outcome.documented), list(outcome.failures),
                     sorted(outcome.signature), time.perf_counter() - started,
                     program.source.count('\n')))
    return rows


def _chunks(seeds, size):
    for i in range(0, len(seeds), size):
        yield seeds[i:i + size]


def _git_commit():
    """The commit being tested, '+changes' when autograph/ differs from it."""
    def git(*args):
        return subprocess.run(('git',) + args, cwd=HERE, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    try:
        commit = git('rev-parse', '--short', 'HEAD')
        dirty = git('status', '--porcelain', '--', os.path.join(HERE, '..', 'autograph'))
    except (OSError, subprocess.SubprocessError):
        return '?'
    return commit + (' +changes' if dirty else '')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seed', type=int, default=0, help='first seed (default 0)')
    p.add_argument('--count', type=int, default=10000, help='programs (default 10000)')
    p.add_argument('--jobs', type=int, default=1, help='worker processes (default 1)')
    p.add_argument('--modes', default=','.join(fuzzgen.MODES),
                   help='comma-separated subset of %s' % ','.join(fuzzgen.MODES))
    p.add_argument('--timeout', type=float, default=30.0, help='seconds per program and mode')
    p.add_argument('--max-depth', type=int, default=3, help='nesting depth of statements')
    p.add_argument('--max-stmts', type=int, default=4, help='statements per block')
    p.add_argument('--minimise', action='store_true', help='minimise one program per kind')
    p.add_argument('--show', action='store_true', help='print every failing program')
    p.add_argument('--grammar', choices=('tensor', 'python'), default='tensor',
                   help='tensor: fuzzgen.py programs in every mode (default); python: '
                        'pygen.py programs, converted on Python values')
    p.add_argument('--open-bugs', action='store_true',
                   help='python grammar: also the constructs of open converter bugs '
                        '(pygen.Generator open_bugs; off by default)')
    args = p.parse_args(argv)

    modes = tuple(m for m in args.modes.split(',') if m)
    if args.grammar == 'python':
        modes = ('convert',)
    gen_kwargs = {'max_depth': args.max_depth, 'max_stmts': args.max_stmts}
    if args.open_bugs:
        if args.grammar != 'python':
            p.error('--open-bugs needs --grammar python')
        gen_kwargs['open_bugs'] = True
    seeds = list(range(args.seed, args.seed + args.count))
    commit = _git_commit()          # the code the workers import now
    started = time.time()
    rows = []
    chunks = list(_chunks(seeds, 50))
    if args.jobs > 1:
        with multiprocessing.get_context('spawn').Pool(args.jobs) as pool:
            results = [pool.apply_async(_run_chunk, (c, modes, args.timeout, gen_kwargs,
                                                     args.grammar))
                       for c in chunks]
            for r in results:
                rows.extend(r.get())
                _progress(len(rows), len(seeds), started)
    else:
        for c in chunks:
            rows.extend(_run_chunk(c, modes, args.timeout, gen_kwargs, args.grammar))
            _progress(len(rows), len(seeds), started)
    elapsed = time.time() - started

    documented = collections.Counter()
    groups = collections.OrderedDict()
    skipped = []
    ok = 0
    for seed, skip, doc, failures, signature, _, _ in rows:
        if skip:
            skipped.append((seed, skip))
            continue
        for mode, label in doc.items():
            documented['%s: %s' % (mode, label)] += 1
        if failures:
            groups.setdefault(tuple(map(tuple, signature)), []).append((seed, failures))
        else:
            ok += 1
    lines = [
        '| run | value |', '| --- | --- |',
        '| seeds | %d .. %d (%d programs) |' % (seeds[0], seeds[-1], len(seeds)),
        '| generator | %s, max_depth=%d, max_stmts=%d%s |' % (
            'pygen.py' if args.grammar == 'python' else 'fuzzgen.py', args.max_depth,
            args.max_stmts, ', open_bugs' if args.open_bugs else ''),
        '| modes | %s |' % ', '.join(modes),
        '| passed | %d |' % ok,
        '| failed | %d |' % sum(len(v) for v in groups.values()),
        '| generator errors (oracle raised) | %d |' % len(skipped),
        '| time | %.0f s (%d job%s), %.1f ms per program |' % (
            elapsed, args.jobs, 's' if args.jobs > 1 else '', 1000 * elapsed / len(seeds)),
        '| mean program size | %.0f lines |' % (sum(r[6] for r in rows) / len(rows)),
        '| commit, python, numpy | %s, %s, %s |' % (commit, platform.python_version(),
                                                     np.__version__),
    ]
    print('\n'.join(lines))
    if documented:
        print('\nDocumented errors instead of a value (allowed, see fuzzgen.DOCUMENTED):\n')
        print('| mode: error | programs |\n| --- | --- |')
        for key, n in documented.most_common():
            print('| %s | %d |' % (key, n))
    for seed, why in skipped[:10]:
        print('\ngenerator error, seed %d: %s' % (seed, why))
    for signature, items in groups.items():
        print('\n### %d program(s) fail: %s' % (len(items), '; '.join(
            '[%s] %s %s' % (m, k, s) for m, k, s in signature)))
        print('seeds: %s' % ' '.join(str(s) for s, _ in items[:30]))
        seed, failures = items[0]
        for mode, kind, detail in failures:
            print('  [%s] %s: %s' % (mode, kind, detail))
        gen = pygen if args.grammar == 'python' else fuzzgen
        if args.show:
            for s, _ in items:
                print(gen.generate(s, **gen_kwargs).text())
        if args.minimise and args.grammar == 'python':
            small = pygen.minimise(pygen.generate(seed, **gen_kwargs),
                                   frozenset(k for _, k, _ in signature))
            print('minimised (seed %d):\n```python\n%s```' % (
                seed, small.source[len(pygen.PRELUDE):]))
        elif args.minimise:
            program = fuzzgen.generate(seed, **gen_kwargs)
            small = fuzzgen.minimise(program, frozenset(signature), modes)
            print('minimised (seed %d):\n```python\n%s```' % (seed, small.text()))
    return 0 if not groups and not skipped else 1


def _progress(done, total, started):
    if done % 1000 == 0 or done == total:
        print('... %d/%d programs, %.0f s' % (done, total, time.time() - started),
              file=sys.stderr, flush=True)


if __name__ == '__main__':
    sys.exit(main())
