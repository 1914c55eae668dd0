"""The unassigned-reads analysis (pyct/unassigned_reads.py) on converted functions: where each
load of the user's variables now is, and which loads may find their variable unassigned."""
import textwrap

from autograph.converters import pipeline
from autograph.pyct import naming
from autograph.pyct import parser
from autograph.pyct import transformer
from autograph.pyct import unassigned_reads


def _converted(source, stage='control_flow'):
    """The function of `source`, run through the pipeline up to `stage`, and its namer."""
    source = textwrap.dedent(source)
    fn = parser.parse(source).body[0]
    ctx = transformer.Context('t.py', source.splitlines(True), naming.Namer({'f', 'x', 'y'}))
    return pipeline.convert(fn, ctx, stage=stage), ctx.namer


def _where(loads):
    """{name: sorted names of the generated scopes around each of its loads ('' at top)}."""
    out = {}
    for n, inner in loads:
        out.setdefault(n.id, []).append('/'.join(getattr(s, 'name', 'lambda') for s in inner)
                                        if inner else '')
    return {k: sorted(v) for k, v in out.items()}


def test_scan_finds_loads_inside_the_generated_bodies_and_thunks():
    fn, _ = _converted('''
        def f(x):
            if x > 0:
                y = x and 1
            else:
                y = 2
            return y
    ''')
    loads, binds, scope_binds, free = unassigned_reads.scan(fn)
    where = _where(loads)
    assert where['x'] == ['', 'if_true/lambda']      # the test; the thunk in the branch
    # the state tuple of the call and `return y`; each body's `return y`
    assert where['y'] == ['', '', 'if_false', 'if_true']
    assert {'x', 'y', 'if_true', 'if_false'} <= binds
    assert sorted(getattr(s, 'name', 'lambda') for s in scope_binds) == [
        'if_false', 'if_true', 'lambda', 'lambda']      # (the and_ thunks: no bindings)
    assert sorted(sorted(b) for b in scope_binds.values()) == [[], [], ['y'], ['y']]
    assert not free


def test_scan_counts_reads_in_the_users_comprehension_as_free():
    fn, _ = _converted('''
        def f(x):
            return [v for v in x if y]
    ''', stage='unsupported')
    loads, _, _, free = unassigned_reads.scan(fn)
    assert sorted(n.id for n in free) == ['y']       # `v` is the comprehension's own
    assert sorted(n.id for n, _ in loads) == ['x', 'y']


def test_maybe_unassigned_reads_follows_the_original_code():
    fn, namer = _converted('''
        def f(x):
            if x > 0:
                y = 1
            return y
    ''')
    found = unassigned_reads.maybe_unassigned_reads(fn, {'y'}, namer)
    assert [(n.id, n.lineno) for n in found] == [('y', 5)]
    fn, namer = _converted('''
        def f(x):
            y = 0
            if x > 0:
                y = 1
            return y
    ''')
    assert unassigned_reads.maybe_unassigned_reads(fn, {'y'}, namer) == set()


def test_user_functions_skips_the_generated_bodies():
    fn, _ = _converted('''
        def f(x):
            def g():
                return 1
            if x:
                x = g()
            return x
    ''')
    assert [f.name for f in unassigned_reads.user_functions(fn)] == ['f', 'g']
