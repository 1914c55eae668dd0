"""numpy error handling for kernels: float kernels stay quiet, integer division by zero raises."""
import numpy as np

try:  # numpy >= 2: set the error state the way np.errstate does, minus ~1 us of wrapper per call
    from numpy._core._ufunc_config import _extobj_contextvar
    from numpy._core.umath import _make_extobj
except ImportError:  # pragma: no cover - older numpy
    _extobj_contextvar = None


def _errstate(kernel, **modes):
    """`kernel` run under numpy error handling `modes` (like the np.errstate decorator)."""
    if _extobj_contextvar is None:  # pragma: no cover
        return np.errstate(**modes)(kernel)

    made = {}   # current error state -> it with `modes` applied (the state objects persist)

    def run(*args, **attrs):
        current = _extobj_contextvar.get()
        state = made.get(current)
        if state is None:
            if len(made) >= 8:
                made.clear()
            state = made[current] = _make_extobj(**modes)
        token = _extobj_contextvar.set(state)
        try:
            return kernel(*args, **attrs)
        finally:
            _extobj_contextvar.reset(token)

    run.__name__ = run.__qualname__ = getattr(kernel, "__name__", "kernel")
    run.__doc__ = kernel.__doc__
    return run


def quiet(kernel):
    """Float kernels that divide, take logs or roots, or overflow return inf/nan silently, as
    in TensorFlow (numpy would warn)."""
    return _errstate(kernel, divide="ignore", invalid="ignore", over="ignore")


def int_division(kernel):
    """Integer division by zero raises (numpy would warn and return 0); overflow wraps."""
    return _errstate(kernel, divide="raise", over="ignore")
