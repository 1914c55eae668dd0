"""JAX backend: the user's variables named like the converters' return value or return flag
(`retvalue`, `do_returned`) get no placeholder: assigned in one branch of a traced `if` and
read afterwards, they are refused while tracing (Python raises UnboundLocalError on the
other path)."""
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import autograph as ag  # noqa: E402
from autograph.operators.variables import UndefinedValueError  # noqa: E402


def user_retval(x):
    if x > 0:
        retvalue = x + 1
    return retvalue


def user_return_flag(x):
    if x > 0:
        do_returned = True
    else:
        tmp = x + 1
        do_returned = False
    return tmp, do_returned


@pytest.mark.parametrize("fn, name", [(user_retval, "retvalue"), (user_return_flag, "tmp")])
def test_user_variable_is_refused_not_filled(fn, name):
    with pytest.raises(UndefinedValueError, match="'%s'" % name):
        jax.jit(ag.to_graph(fn))(jnp.int32(3))
