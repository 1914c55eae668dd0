"""`del y` in one branch of a tensor `if`: Python raises only where `y` is read afterwards
on the path that deleted it. Staged, a dead `y` is no error; a read `y` is checked when the
graph runs (our runtime), naming `y`, the branch and the `if`."""
import numpy as np
import pytest

import autograph as ag
from autograph.runtime.errors import InvalidArgumentError


def dead_after_if(x):
    y = x + 1
    if x > 0:
        del y
        z = 1
    else:
        z = 2
    return z


def dead_after_else(x):
    y = x + 1
    if x > 0:
        z = 1
    else:
        del y
        z = 2
    return z


def read_after_if(x):
    y = x + 1
    if x > 0:
        del y
    return y * 2


def read_after_else(x):
    y = x + 1
    if x > 0:
        pass
    else:
        del y
    return y * 2


@pytest.mark.parametrize("fn", [dead_after_if, dead_after_else])
@pytest.mark.parametrize("x", [3, -3])
def test_dead_deleted_name_is_no_error(fn, x):
    assert int(ag.function(fn)(ag.constant(x))) == fn(x)


@pytest.mark.parametrize("fn, kept, deleted, branch", [
    (read_after_if, -3, 3, "if-branch"), (read_after_else, 3, -3, "else-branch")])
def test_read_deleted_name_is_checked_when_the_graph_runs(fn, kept, deleted, branch):
    traced = ag.function(fn)
    assert int(traced(ag.constant(kept))) == fn(kept)
    with pytest.raises(UnboundLocalError):
        fn(deleted)
    with pytest.raises(InvalidArgumentError) as info:
        np.asarray(traced(ag.constant(deleted)))
    message = str(info.value)
    assert "'y' is deleted in the %s" % branch in message
    assert "test_op_if_deleted_name.py" in message
