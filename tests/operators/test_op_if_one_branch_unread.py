"""A variable assigned in one branch of a tensor `if` only, carried by the `if` because the
branch reads it after a `with` block that holds a jump (`if a > 0: with c: if b > 2: return
v; tmp = b` / `v = tmp` / `else: v = 3`), and read nowhere after the `if`: Python never
raises, so staging must not refuse. It is carried with a "has a value" flag; a read the
graph reaches on a path without a value fails when the graph runs, naming the variable
(fuzzgen `with` jumps, seed 1)."""
import contextlib

import numpy as np
import pytest

import autograph as ag
from autograph.runtime.errors import InvalidArgumentError

nc = contextlib.nullcontext


def return_in_with(a, b):
    v = 0
    if a > 0:
        with nc():
            if b > 2:
                return v
            tmp = b
        v = tmp
    else:
        v = 3
    return v + 1


def return_in_with_else(a, b):
    v = 0
    if a > 0:
        v = 3
    else:
        with nc():
            with nc():
                if b > 2:
                    return v + 5
                tmp = b * 2
        v = tmp + 1
    return v


def break_in_with_in_loop(a, n):
    v = 0
    for i in range(n):
        if a > i:
            with nc():
                if i > 2:
                    break
                tmp = i
            v = v + tmp
        else:
            v = v - 1
    return v


def continue_in_with_in_while(a, n):
    v = 0
    i = 0
    while i < n:
        i = i + 1
        if a > i:
            with nc():
                if i % 2 == 0:
                    continue
                tmp = i * 3
            v = v + tmp
        else:
            v = v + 100
    return v


def nested_ifs(a, b):
    v = 1
    if a > 0:
        if b > 0:
            with nc():
                if a > b:
                    return v
                tmp = a - b
            v = tmp * 2
        else:
            v = 7
    else:
        v = -1
    return v


CASES = [(fn, x, y) for fn in (return_in_with, return_in_with_else, nested_ifs)
         for x in (-2, 1, 4) for y in (-1, 1, 5)]
LOOPS = [(fn, x, y) for fn in (break_in_with_in_loop, continue_in_with_in_while)
         for x in (-1, 2, 5, 9) for y in (0, 3, 8)]


@pytest.mark.parametrize("fn, x, y", CASES + LOOPS)
def test_graph_matches_python(fn, x, y):
    expected = fn(x, y)
    got = ag.function(fn)(ag.constant(x), ag.constant(y))
    assert int(got) == expected


@pytest.mark.parametrize("fn, x, y", CASES + LOOPS)
def test_eager_tensors_match_python(fn, x, y):
    assert int(ag.to_graph(fn)(ag.constant(x), ag.constant(y))) == fn(x, y)


def one_traced_function_all_inputs():
    traced = ag.function(return_in_with)
    return [int(traced(ag.constant(x), ag.constant(y))) for x in (-2, 1, 4)
            for y in (-1, 1, 5)]


def test_one_trace_serves_every_path():
    assert one_traced_function_all_inputs() == [
        return_in_with(x, y) for x in (-2, 1, 4) for y in (-1, 1, 5)]


def read_after_the_if(a, b):
    v = 0
    if a > 0:
        with nc():
            if b > 2:
                return v
            tmp = b
        v = tmp
    else:
        v = 3
    return v + tmp


def test_a_read_after_the_if_is_still_refused_while_tracing():
    with pytest.raises(UnboundLocalError, match="'tmp'.*used afterwards"):
        ag.function(read_after_the_if)(ag.constant(1), ag.constant(1))


def read_after_the_loop(a, n):
    v = 0
    for i in range(n):
        if a > i:
            with nc():
                if i > 5:
                    break
                tmp = i
            v = v + 1
        else:
            v = v - 1
    return v + tmp


def test_a_read_after_the_loop_fails_when_the_graph_runs_on_a_path_without_a_value():
    # The `if` passes 'tmp' to the loop (its body returns it), flag and all; the loop carries
    # it, and the read after the loop checks it.
    traced = ag.function(read_after_the_loop)
    for a, n in [(9, 4), (3, 1), (3, 5), (9, 9)]:
        assert int(traced(ag.constant(a), ag.constant(n))) == read_after_the_loop(a, n)
    for a, n in [(0, 3), (3, 0)]:
        with pytest.raises(UnboundLocalError):
            read_after_the_loop(a, n)
        with pytest.raises(InvalidArgumentError, match="'tmp'"):
            np.asarray(traced(ag.constant(a), ag.constant(n)))


class Box:
    pass


def attribute_in_one_branch(a, b):
    o = Box()
    o.k = 0
    if a > 0:
        o.k = a
    else:
        o.extra = b
    return o.k


def test_an_attribute_or_item_one_branch_creates_is_still_refused_while_tracing():
    # whether an object has an attribute (a dict a key) cannot depend on a tensor
    with pytest.raises(UnboundLocalError, match="o.extra"):
        ag.function(attribute_in_one_branch)(ag.constant(1), ag.constant(2))
