"""`in_place=` / `untracked=` of if_stmt, while_stmt and for_stmt (see operators/in_place.py)."""
import pytest

import autograph as ag
import autograph.operators as ag__
from autograph.operators import in_place
from autograph.operators.in_place import UntrackedWriteError
from autograph.operators.variables import Undefined


class Box:
    pass


def test_python_values_ignore_in_place_entirely():
    box = Box()      # no attribute `v`: the helper must not read or write it

    def body():
        box.v = 1
    assert ag__.if_stmt(False, body, None, (), (), in_place=('box.v', 'nope')) is None
    assert not hasattr(box, 'v')
    assert ag__.for_stmt([], None, lambda x: None, (), (), in_place=('box.v',),
                         untracked=(('box[i]', 3),)) is None
    assert not hasattr(box, 'v')
    ag__.if_stmt(True, body, None, (), (), in_place=('box.v',))
    assert box.v == 1


def test_staged_if_starts_each_branch_from_the_value_before_it(graph):
    box = Box()
    box.v = ag.constant(1.0)
    x = ag.placeholder(ag.float32, [])
    seen = []

    def if_true():
        seen.append(box.v)
        box.v = box.v + 10.0

    def if_false():
        seen.append(box.v)
        box.v = box.v - 10.0
    before = box.v
    assert ag__.if_stmt(x > 0, if_true, if_false, (), (), in_place=('box.v',)) is None
    assert seen[0] is before and seen[1] is before
    assert graph.run(box.v, {x: 1.0}) == 11.0
    assert graph.run(box.v, {x: -1.0}) == -9.0


def test_staged_if_with_state_and_in_place(graph):
    d = {'k': ag.constant(0)}
    x = ag.placeholder(ag.int32, [])

    def if_true(y):
        d['k'] = d['k'] + x
        return y * 2
    y = ag__.if_stmt(x > 0, if_true, None, (x,), ('y',), in_place=("d['k']",))
    assert graph.run([y, d['k']], {x: 3}) == [6, 3]
    assert graph.run([y, d['k']], {x: -3}) == [-3, 0]


def test_staged_while_carries_a_closure_variable(graph):
    n = ag.placeholder(ag.int32, [])
    i = ag.constant(0)
    seen = []

    def get():
        return i

    def loop_test():
        return i < n

    def loop_body():
        nonlocal i
        i = i + 1
        seen.append(get())
    ag__.while_stmt(loop_test, loop_body, (), (), in_place=('i',))
    assert graph.run(i, {n: 5}) == 5
    assert graph.run(i, {n: -1}) == 0


def test_staged_for_carries_an_item(graph, ops):
    n = ag.placeholder(ag.int32, [])
    acc = [ag.constant(0), 'label']

    def loop_body(j):
        acc[0] = acc[0] + j
    ag__.for_stmt(ops.range(0, n), None, loop_body, (), (), in_place=('acc[0]',))
    assert acc[1] == 'label'
    assert graph.run(acc[0], {n: 4}) == 6


def test_failed_staging_restores_the_values_from_before(graph):
    box = Box()
    box.v = 5
    x = ag.placeholder(ag.float32, [])

    def if_true():
        box.v = 'not a tensor'
    with pytest.raises(TypeError):
        ag__.if_stmt(x > 0, if_true, None, (), (), in_place=('box.v',))
    assert box.v == 5


def statement_with_untracked_write(x):
    return ag__.if_stmt(x > 0, lambda: None, None, (), (), untracked=(('a[i]', 7),))


def test_untracked_write_is_an_error_naming_the_statement(graph):
    x = ag.placeholder(ag.float32, [])
    with pytest.raises(UntrackedWriteError) as info:
        statement_with_untracked_write(x)
    message = str(info.value)
    assert '`a[i]` (line 7)' in message
    assert 'tensor-dependent `if` at %s:' % __file__ in message
    assert statement_with_untracked_write(1.0) is None     # Python values: no check


def test_locations_read_missing_values_as_undefined_and_delete_them():
    box = Box()
    d = {}
    cell_owner = _cell_owner()
    locs = in_place.resolve(('box.v', "d['k']", 'late'), (lambda: (box, d), cell_owner))
    values = [loc.get() for loc in locs]
    assert all(type(v) is Undefined for v in values)
    for loc, v in zip(locs, (1, 2, 3)):
        loc.set(v)
    assert box.v == 1 and d == {'k': 2} and cell_owner() == 3
    locs[0].set(Undefined('box.v'))
    locs[1].set(Undefined("d['k']"))
    assert not hasattr(box, 'v') and d == {}


def _cell_owner():
    def get():
        return late
    if False:
        late = None
    return get
