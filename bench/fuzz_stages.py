"""Every stage of the pipeline on the fuzzers' programs: the output must compile.

    python bench/fuzz_stages.py                      # seeds 0..299 of both generators
    python bench/fuzz_stages.py --seed 1000 --count 500 --grammar python

`autograph convert --stage NAME` (and `to_code(stage=NAME)`) stops after one converter; the
command checks that the result compiles and reports an internal error (exit status 3) when it
does not. This runs each program of tests/fuzz/fuzzgen.py and tests/fuzz/pygen.py through
`convert_module_source` at every stage and compiles the result (pygen's prelude generator
`gen`, which cannot be converted, gets an empty body). Failures are grouped by stage and
message, with their seeds. Exit status: 0 when every program compiled at every stage.
The CI-sized version is tests/test_python_semantics_stages.py.
"""
import argparse
import collections
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'fuzz'))

import fuzzgen  # noqa: E402
import pygen  # noqa: E402

from autograph import api  # noqa: E402
from autograph.converters.pipeline import STAGES  # noqa: E402
from autograph.pyct.errors import ConversionError  # noqa: E402


def _source(grammar, seed):
    if grammar == 'tensor':
        return fuzzgen.generate(seed).source
    return pygen.generate(seed).source.replace('yield i', 'pass')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, default=0, help='first seed (default 0)')
    parser.add_argument('--count', type=int, default=300, help='seeds (default 300)')
    parser.add_argument('--grammar', choices=('tensor', 'python', 'both'), default='both')
    args = parser.parse_args(argv)
    grammars = ('tensor', 'python') if args.grammar == 'both' else (args.grammar,)
    failures = collections.defaultdict(list)
    start = time.perf_counter()
    runs = 0
    for grammar in grammars:
        for seed in range(args.seed, args.seed + args.count):
            source = _source(grammar, seed)
            for stage in STAGES:
                runs += 1
                try:
                    text = api.convert_module_source(source, 'prog.py', stage=stage)
                    compile(text, 'prog.py', 'exec', dont_inherit=True)
                except ConversionError as e:
                    failures[(grammar, stage, 'refused: %s' % str(e).split('\n')[0])].append(seed)
                except SyntaxError as e:
                    failures[(grammar, stage, 'does not compile: %s' % e.msg)].append(seed)
                except Exception as e:  # noqa: BLE001 (an internal error is what this looks for)
                    failures[(grammar, stage, 'internal error: %r' % e)].append(seed)
    print('%d programs x %d stages (%s), %d conversions in %.1f s: %d failed' % (
        args.count * len(grammars), len(STAGES), ', '.join(grammars), runs,
        time.perf_counter() - start, sum(len(v) for v in failures.values())))
    for (grammar, stage, message), seeds in sorted(failures.items()):
        print('  %s / %s: %s: %d seeds, e.g. %s' % (grammar, stage, message, len(seeds),
                                                    seeds[:8]))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
