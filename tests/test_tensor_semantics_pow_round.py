"""`**` and `round` on tensors give what Python gives on the same numbers, or refuse clearly.

An int to a negative int power is a float in Python (`2 ** -1 == 0.5`); numpy refuses it
("Integers to negative integer powers are not allowed"), so an integer tensor raised to a
negative Python int is computed in float32. `round` of a tensor is refused with a message
that says what to use instead (Python's `round(x)` is an int, rounding half to even)."""
import pytest

import autograph as ag


def neg_const_power(a):
    return a ** -2 + a ** -1


def staged_power(a):
    if a > 2:
        r = a ** -1
    else:
        r = a ** 0.5
    return r


def loop_power(n):
    s = 0.0
    i = 1
    while i <= n:
        s = s + i ** -1
        i += 1
    return s


@pytest.mark.parametrize("fn, xs", [(neg_const_power, [1, 2, 4, -2]),
                                    (staged_power, [4, 1, 2]),
                                    (loop_power, [0, 1, 4])])
def test_negative_int_powers_of_int_tensors_are_floats(fn, xs):
    traced = ag.function(fn)
    for x in xs:
        want = fn(x)
        for got in (traced(ag.constant(x)), ag.to_graph(fn)(ag.constant(x))):
            assert getattr(got, "dtype", ag.float32) == ag.float32
            assert abs(float(got) - want) <= 1e-6 * max(1.0, abs(want))


def test_non_negative_int_powers_stay_int():
    got = ag.function(lambda a: a ** 3)(ag.constant(-2))
    assert got.dtype == ag.int32 and int(got) == -8


def rounds(x):
    if x > 0:
        return round(x)
    return 0


@pytest.mark.parametrize("call", [lambda: ag.function(rounds)(ag.constant(2.5)),
                                  lambda: round(ag.constant(2.5)),
                                  lambda: round(ag.constant(2.25), 1)])
def test_round_of_a_tensor_is_a_clear_error(call):
    with pytest.raises(TypeError, match=r"round\(\) of a tensor.*ag\.cast"):
        call()
