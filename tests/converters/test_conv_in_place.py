"""State written in place: attributes/items with fixed names, and variables closures see.

Every case runs three ways: the original on Python values, the converted function on Python
values, and the converted function building a graph through `ag.function` on tensors. The
results must be equal, or graph mode must raise the documented clear error.
"""
import inspect
import re

import numpy as np
import pytest

import autograph as ag
from autograph import api
from autograph.operators.in_place import UntrackedWriteError
from autograph.operators.variables import UndefinedValueError


class Box:
    def __init__(self, **values):
        self.__dict__.update(values)


def _same(expected, got):
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(expected) == len(got)
                and all(_same(a, b) for a, b in zip(expected, got)))
    if isinstance(got, ag.Tensor):
        got = got.numpy()
    return bool(np.allclose(np.asarray(expected, dtype=float), np.asarray(got, dtype=float)))


def three_way(fn, *args, graph_error=None):
    """Runs fn three ways; returns the original's result."""
    expected = fn(*args)
    assert _same(expected, api.to_graph(fn)(*args)), 'converted differs on Python values'
    tensors = [ag.constant(a) for a in args]
    traced = ag.function(fn)
    if graph_error is not None:
        with pytest.raises(graph_error) as info:
            traced(*tensors)
        return info
    got = traced(*tensors)
    assert _same(expected, got), (expected, got)
    return expected


def line_of(fn, text):
    lines, start = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return start + k
    raise AssertionError(text)


# --- attributes and items in a tensor-dependent `if` --------------------------------------------

class Accumulator:
    def __init__(self):
        self.total = 10.0

    def add(self, x):
        if x > 0:
            self.total = self.total + x
        return self.total


def attribute_in_branch(x):
    acc = Accumulator()
    return acc.add(x)


def test_attribute_written_in_a_branch():
    assert three_way(attribute_in_branch, 3.0) == 13.0
    assert three_way(attribute_in_branch, -3.0) == 10.0


def test_method_writing_self_in_a_branch_under_function_is_a_leak_error():
    # Converted, the write is staged; but under ag.function it would leave a graph tensor in
    # `acc.total` after the trace: a clear error, and the attribute keeps its value.
    from autograph.tracing.leaks import LeakedTensorError
    acc = Accumulator()
    traced = ag.function(acc.add)
    with pytest.raises(LeakedTensorError, match=r"self\.total holds the graph tensor"):
        traced(ag.constant(-2.0))
    assert acc.total == 10.0


def augmented_attribute_both_branches(x):
    o = Box(count=0, other=5)
    if x > 0:
        o.count += 1
    else:
        o.count -= 1
        o.other = 7
    return o.count, o.other


def test_augmented_attributes_in_both_branches():
    three_way(augmented_attribute_both_branches, 2)
    three_way(augmented_attribute_both_branches, -2)


def constant_key_items(x):
    d = {'k': 0.0}
    a = [1.0, 2.0, 3.0]
    if x > 1.0:
        d['k'] = x
        a[0] = x * 2.0
    else:
        a[-1] = 0.0
    return d['k'], a[0], a[-1]


def test_items_with_constant_keys_in_a_branch():
    three_way(constant_key_items, 2.0)
    three_way(constant_key_items, 0.5)


def item_added_in_one_branch(x):
    d = {'k': 0.0}
    if x > 1.0:
        d['k'] = x
    else:
        d['new'] = -x
    return d['k'] + d.get('new', 100.0)


def test_item_added_in_one_branch_only_is_a_clear_graph_error():
    info = three_way(item_added_in_one_branch, 0.5, graph_error=UndefinedValueError)
    message = str(info.value)
    assert "d['new']" in message and 'else-branch' in message


def nested_attribute_path(x):
    o = Box(inner=Box(value=1.0, items=[0.0, 0.0]))
    if x > 0:
        o.inner.value = x
        o.inner.items[1] = x + 1.0
    return o.inner.value, o.inner.items[1]


def test_nested_attribute_and_item_paths():
    three_way(nested_attribute_path, 4.0)
    three_way(nested_attribute_path, -4.0)


def item_with_unchanged_name_key(x, j):
    a = [0.0, 0.0, 0.0]
    if x > 0:
        a[j] = x
    return a[0], a[1], a[2]


def test_item_whose_index_the_statement_does_not_change():
    expected = item_with_unchanged_name_key(3.0, 1)
    assert api.to_graph(item_with_unchanged_name_key)(3.0, 1) == expected

    @ag.function
    def traced(x):
        return item_with_unchanged_name_key(x, 1)
    assert _same(expected, traced(ag.constant(3.0)))
    assert _same((0.0, 0.0, 0.0), traced(ag.constant(-3.0)))


def deleted_in_one_branch(x):
    o = Box(v=1.0)
    if x > 0:
        del o.v
    return hasattr(o, 'v')


def test_attribute_deleted_in_one_branch_is_a_clear_graph_error():
    info = three_way(deleted_in_one_branch, 1.0, graph_error=UndefinedValueError)
    assert "'o.v' is deleted in the if-branch" in str(info.value)


class Layer:
    def build_if_needed(self, x):
        if not hasattr(self, 'w'):
            self.w = 2.0
        if x > 0:
            self.calls = 1
        else:
            self.calls = 2
        return self.w * x, self.calls


def lazily_built(x):
    return Layer().build_if_needed(x)


def test_attribute_that_does_not_exist_before_the_statement():
    # The converted code must not read `self.w` / `self.calls` before the original does.
    three_way(lazily_built, 3.0)
    three_way(lazily_built, -3.0)
    layer = Layer()
    api.to_graph(Layer.build_if_needed)(layer, 1.0)
    assert layer.w == 2.0 and layer.calls == 1


class Frozen:
    """Assigning `value` counts the writes: converted code must write exactly as often."""

    def __init__(self):
        self.writes = 0
        self._value = 0

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, v):
        self.writes += 1
        self._value = v


def property_writes(n):
    f = Frozen()
    for i in range(n):
        if i % 2 == 0:
            f.value = f.value + i
    return f.value, f.writes


def test_python_values_see_no_extra_reads_or_writes():
    assert api.to_graph(property_writes)(5) == property_writes(5) == (6, 3)


def global_box_in_branch(x):
    if x > 0:
        GLOBAL_BOX.value = GLOBAL_BOX.value + x
    return GLOBAL_BOX.value


GLOBAL_BOX = Box(value=1.0)


def test_attribute_of_a_module_global():
    GLOBAL_BOX.value = 1.0
    expected = global_box_in_branch(2.0)
    GLOBAL_BOX.value = 1.0
    assert api.to_graph(global_box_in_branch)(2.0) == expected
    GLOBAL_BOX.value = 1.0
    from autograph.tracing.leaks import LeakedTensorError
    with pytest.raises(LeakedTensorError, match=r"GLOBAL_BOX\.value holds the graph tensor"):
        ag.function(global_box_in_branch)(ag.constant(2.0))
    assert GLOBAL_BOX.value == 1.0


# --- attributes and items in tensor loops ------------------------------------------------------

def attribute_counter_while(n):
    c = Box(count=0, steps=0.0)
    while c.count < n:
        c.count += 1
        c.steps = c.steps + 0.5
    return c.count, c.steps


def test_attributes_in_a_tensor_while_loop():
    three_way(attribute_counter_while, 4)
    three_way(attribute_counter_while, 0)


def attribute_in_for_over_tensor_range(n):
    s = Box(total=0)
    for i in range(n):
        s.total += i
    return s.total


def test_attribute_in_a_for_loop_over_a_tensor_range():
    assert three_way(attribute_in_for_over_tensor_range, 5) == 10


def items_in_nested_statements(x):
    d = {'pos': 0.0, 'neg': 0.0}
    for i in range(4):
        if x > i:
            d['pos'] = d['pos'] + 1.0
        else:
            d['neg'] = d['neg'] + 1.0
    return d['pos'], d['neg']


def test_items_in_a_branch_inside_a_loop():
    three_way(items_in_nested_statements, 1.5)
    three_way(items_in_nested_statements, 9.0)


class Counter:
    def __init__(self):
        self.__count = 0

    def run(self, n):
        i = 0
        while i < n:
            self.__count += 2
            i += 1
        return self.__count


def private_attribute(n):
    return Counter().run(n)


def test_private_attribute_names_are_mangled():
    assert three_way(private_attribute, 3) == 6


# --- writes that cannot be tracked --------------------------------------------------------------

def item_at_loop_index(n):
    a = [0, 0, 0, 0, 0]
    for i in range(n):
        a[i] = i * 2
    return a


def test_item_at_a_changing_index_is_a_clear_graph_error():
    info = three_way(item_at_loop_index, 3, graph_error=UntrackedWriteError)
    message = str(info.value)
    assert isinstance(info.value, NotImplementedError)
    assert '`a[i]` (line %d)' % line_of(item_at_loop_index, 'a[i] = i * 2') in message
    where = '%s:%d' % (__file__, line_of(item_at_loop_index, 'for i in range(n)'))
    assert where in message
    assert 'local variable' in message and 'fixed key' in message


def item_at_computed_index(x, j):
    a = [0.0, 0.0, 0.0]
    if x > 0:
        a[j + 1] = x
    return a


def test_item_at_a_computed_index_in_a_branch_is_a_clear_graph_error():
    assert api.to_graph(item_at_computed_index)(1.0, 0) == item_at_computed_index(1.0, 0)

    @ag.function
    def traced(x):
        return item_at_computed_index(x, 0)
    with pytest.raises(UntrackedWriteError, match=re.escape('`a[j + 1]`')):
        traced(ag.constant(1.0))


def item_of_a_list_the_body_creates(x):
    if x > 0:
        row = [0.0, 0.0]
        row[0] = x
    else:
        row = [1.0, 1.0]
    return row[0]


def test_items_of_objects_the_statement_creates_need_no_tracking():
    three_way(item_of_a_list_the_body_creates, 2.0)
    three_way(item_of_a_list_the_body_creates, -2.0)


def python_loop_inside_a_helper(x):
    out = [0.0, 0.0, 0.0]
    for j in range(3):
        out[j] = j * 1.0
    return out


def calls_helper_in_branch(x):
    if x > 0:
        y = python_loop_inside_a_helper(x)[2] + x
    else:
        y = x
    return y


def test_untracked_write_in_a_python_loop_of_a_called_function_is_fine():
    three_way(calls_helper_in_branch, 2.0)


# --- generated code -----------------------------------------------------------------------------

def test_generated_code_lists_attributes_written_in_place():
    code = api.to_code(Accumulator.add)
    assert code == '''def add(self, x):
    def if_true():
        self.total = self.total + x
    ag__.if_stmt(x > 0, if_true, None, (), (), in_place=('self.total',))
    return self.total'''


def test_generated_code_lists_untracked_writes_with_their_line():
    code = api.to_code(item_at_loop_index)
    line = line_of(item_at_loop_index, 'a[i] = i * 2')
    assert "untracked=(('a[i]', %d),)" % line in code
    assert 'nonlocal' not in code


# --- variables that closures see ----------------------------------------------------------------

def closure_called_in_branch(c):
    x = 1
    def get():
        return x
    if c > 0:
        x = 2
        y = get()
    else:
        y = 0
    return y, x


def test_closure_called_in_a_branch_sees_the_new_value():
    assert three_way(closure_called_in_branch, 1) == (2, 2)
    assert three_way(closure_called_in_branch, -1) == (0, 1)


def closure_called_inside_loop(n):
    total = 0
    get = lambda: total  # noqa: E731
    seen = 0
    for i in range(n):
        total += i
        seen = seen * 10 + get()
    return seen, get()


def test_closure_called_inside_a_loop_sees_each_new_value():
    assert three_way(closure_called_inside_loop, 3) == (13, 3)


def closure_called_inside_while(n):
    i = 0
    acc = 0
    get = lambda: i  # noqa: E731
    while i < n:
        i += 1
        acc += get()
    return acc


def test_closure_called_inside_a_tensor_while_loop():
    assert three_way(closure_called_inside_while, 4) == 10


def closure_created_inside_loop(n):
    fs = []
    for i in range(n):
        fs.append(lambda: i)  # noqa: B023 - the late binding is the point
    return [f() for f in fs]


def temporary_captured_in_loop(n):
    fs = []
    for i in range(n):
        t = i * 10
        fs.append(lambda: t)  # noqa: B023 - the late binding is the point
    return [f() for f in fs]


def lambdas_over_while_counter(n):
    fs = []
    i = 0
    while i < n:
        fs.append(lambda: i)  # noqa: B023 - the late binding is the point
        i += 1
    return [f() for f in fs]


@pytest.mark.parametrize('fn', [closure_created_inside_loop, temporary_captured_in_loop,
                                lambdas_over_while_counter])
def test_closures_created_in_a_loop_body_see_the_final_value(fn):
    assert api.to_graph(fn)(3) == fn(3)
    assert len(set(fn(3))) == 1


def test_closures_appended_in_a_tensor_loop_are_a_clear_graph_error():
    with pytest.raises(TypeError, match="list 'fs' is appended a Python function"):
        ag.function(closure_created_inside_loop)(ag.constant(3))


def closure_created_in_tensor_loop_called_after(n):
    x = 0
    get = None
    for i in range(n):
        x = x + i
        get = lambda: x * 10  # noqa: E731, B023 - the late binding is the point
    return get()


def test_closure_created_in_a_tensor_loop_reads_the_final_value():
    # `get` is a Python object the graph loop cannot carry: a clear error, not a wrong value.
    assert api.to_graph(closure_created_in_tensor_loop_called_after)(3) == 30
    with pytest.raises(TypeError, match="'get'"):
        ag.function(closure_created_in_tensor_loop_called_after)(ag.constant(3))


def nonlocal_writer_in_loop(n):
    count = 0
    def bump(k):
        nonlocal count
        count += k
    total = 0
    for i in range(n):
        bump(i)
        total = total + count
        count = count * 2
    return total, count


def test_variable_a_nested_function_assigns():
    assert api.to_graph(nonlocal_writer_in_loop)(4) == nonlocal_writer_in_loop(4)


def declared_nonlocal():
    x = 0
    def inner(c):
        nonlocal x
        get = lambda: x  # noqa: E731
        if c > 0:
            x = 5
            y = get()
        else:
            y = -1
        return y
    return inner


def uses_declared_nonlocal(c):
    return declared_nonlocal()(c), declared_nonlocal()(-c)


def test_variable_the_function_declares_nonlocal():
    assert three_way(uses_declared_nonlocal, 1) == (5, -1)


def captured_maybe_undefined(c):
    if c > 0:
        x = 1
    else:
        x = 2
    get = lambda: x  # noqa: E731
    if c > 1:
        x = 3
    return get()


def test_captured_variable_first_assigned_in_a_branch():
    for c in (0, 1, 2):
        three_way(captured_maybe_undefined, c)


def test_generated_code_declares_captured_variables_nonlocal():
    code = api.to_code(closure_called_in_branch)
    assert code == '''def closure_called_in_branch(c):
    x = 1
    def get():
        return x
    y = ag__.Undefined('y')
    def if_true(y):
        nonlocal x
        x = 2
        y = ag__.converted_call(get, (), None)
        return y
    def if_false(y):
        y = 0
        return y
    y = ag__.if_stmt(c > 0, if_true, if_false, (y,), ('y',), in_place=('x',))
    return y, x'''


def test_nonlocal_is_declared_only_where_a_variable_is_assigned():
    code = api.to_code(closure_called_inside_loop)
    assert code.count('nonlocal total') == 1
    assert "in_place=('total',)" in code
