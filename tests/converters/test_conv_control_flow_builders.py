"""The nodes control_flow builds for the bodies' functions and the helper calls: the code of
its templates (`def fn(params): body; return state`, `state = ag__.helper(...)`), located at
the statement they replace."""
import gast

from autograph.converters import control_flow
from autograph.pyct import naming
from autograph.pyct import parser
from autograph.pyct import staged_state
from autograph.pyct import transformer


def _builder():
    ctx = transformer.Context('t.py', None, naming.Namer())
    return control_flow.ControlFlowTransformer(ctx)


def _at():
    return parser.parse('if x:\n    pass\n').body[0]


def test_a_body_left_empty_that_passes_state_only_returns_it():
    fn = _builder()._function(_at(), 'if_true', ['x'], [], ['x'])
    assert parser.unparse(fn) == 'def if_true(x):\n    return x'


def test_an_empty_body_without_state_is_pass():
    fn = _builder()._function(_at(), 'if_true', [], [], [])
    assert parser.unparse(fn) == 'def if_true():\n    pass'


def test_the_helper_call_and_its_locations():
    at = _at()
    stmt = _builder()._call(at, 'if_stmt', [at.test, 'if_true', 'if_false'], ['x', 'y'],
                            staged_state.NO_IN_PLACE)
    assert parser.unparse(stmt) == ("x, y = ag__.if_stmt(x, if_true, if_false, (x, y), "
                                    "('x', 'y'))")
    for n in gast.walk(stmt):
        if n._attributes:
            assert (n.lineno, n.col_offset) == (1, 0 if n is not at.test else 3), n
    stmt = _builder()._call(at, 'while_stmt', ['loop_test', 'loop_body'], [],
                            staged_state.NO_IN_PLACE)
    assert parser.unparse(stmt) == "ag__.while_stmt(loop_test, loop_body, (), ())"
