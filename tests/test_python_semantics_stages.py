"""Every stage of the pipeline writes Python: `to_code(stage=...)` and `autograph convert
--stage NAME` stop after one converter, and what they show must compile (the command checks
that, and a converted module that does not compile is its internal error, exit status 3).

The fuzzers' programs are run through every stage here; bench/fuzz_stages.py does the same
for a few hundred seeds of each generator.
"""
import subprocess
import sys
import textwrap

from autograph import api
from autograph.converters.pipeline import STAGES

sys.path.insert(0, __file__.rsplit('/', 1)[0] + '/fuzz')
import fuzzgen  # noqa: E402
import pygen  # noqa: E402

# A variable assigned only inside a branch of a `with` block (whose exception could be seen
# after the block, so the branch writes it in place, under `nonlocal`): after control_flow
# nothing bound it yet (the variables stage adds its placeholder), so the stage's output did
# not compile ("no binding for nonlocal 'tmp1'"). Minimised from fuzzgen seed 230.
WITH_BRANCH = textwrap.dedent('''\
    class Block:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False


    def h0(p, q):
        u = p
        with Block():
            if 18 >= u:
                return 7
            tmp1 = q
        u = tmp1
        return u
    ''')


def _compiles_at_every_stage(source):
    bad = []
    for stage in STAGES:
        text = api.convert_module_source(source, 'm.py', stage=stage)
        try:
            compile(text, 'm.py', 'exec', dont_inherit=True)
        except SyntaxError as e:
            bad.append('%s: %s\n%s' % (stage, e, text))
    return bad


def test_a_branch_in_a_with_block_compiles_at_every_stage():
    assert not _compiles_at_every_stage(WITH_BRANCH)


def test_the_control_flow_stage_runs_like_the_original():
    # (placeholders included: the stage's output is not only valid but runs)
    text = api.convert_module_source(WITH_BRANCH, 'm.py', stage='control_flow')
    assert "tmp1 = ag__.Undefined('tmp1')" in text, text
    ns = {}
    exec(compile(text, 'm.py', 'exec'), ns)  # noqa: S102
    assert ns['h0'](30, 4) == 4 and ns['h0'](3, 4) == 7


def test_the_command_converts_fuzzgen_seed_230_at_every_stage(tmp_path):
    path = tmp_path / 'prog.py'
    path.write_text(fuzzgen.generate(230).source)
    for stage in ('control_flow', 'variables'):
        r = subprocess.run([sys.executable, '-m', 'autograph', 'convert', str(path),
                            '--stage', stage], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (stage, r.stderr)
        assert 'ag__.if_stmt' in r.stdout


def _pygen_source(seed):
    # (the prelude's generator `gen` cannot be converted; its body does not matter here)
    return pygen.generate(seed).source.replace('yield i', 'pass')


# A `return` in a `try` with `finally:` (the return is held in a flag that the moved
# `finally:` clause may replace, written in place) and a variable first assigned after it:
# "no binding for nonlocal 'pending_retval'" (pygen seeds 30, 88, 148 ... did this).
TRY_RETURN = textwrap.dedent('''\
    def f(a, b, log):
        try:
            if b:
                return 2
            x = a
        finally:
            log.append(1)
        return x
    ''')


def test_a_return_in_try_finally_compiles_at_every_stage():
    # (it compiles; it need not run: other placeholders are the variables stage's)
    assert not _compiles_at_every_stage(TRY_RETURN)


def test_fuzz_programs_compile_at_every_stage():
    bad = []
    for seed in range(20):
        bad += ['fuzzgen %d %s' % (seed, b) for b in
                _compiles_at_every_stage(fuzzgen.generate(seed).source)]
        bad += ['pygen %d %s' % (seed, b) for b in _compiles_at_every_stage(_pygen_source(seed))]
    assert not bad, bad[0]
