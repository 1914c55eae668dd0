"""Functions from IPython/Jupyter cells convert; where Python keeps no source (`python -c`,
exec of a string, the plain REPL) the errors say so and how to get out; a tensor used by
unconverted Python says which code was not converted and why."""
import subprocess
import sys
import textwrap

import pytest

import autograph as ag

CELL = '''
import autograph as ag

def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s

code = ag.to_code(sum_even)
converted = ag.to_graph(sum_even)([10, 12, 15, 20])
fast = ag.function(sum_even)
traced = int(fast(ag.constant([10, 12, 15, 20])))
'''


def test_functions_defined_in_ipython_cells_convert(tmp_path, monkeypatch):
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    from traitlets.config import Config
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))        # no files in the user's home
    config = Config()
    config.HistoryManager.enabled = False
    hooks = sys.displayhook, sys.excepthook
    shell = shell_module.InteractiveShell.instance(config=config)
    try:
        result = shell.run_cell(CELL)
        assert result.success, result.error_in_exec
        ns = shell.user_ns
        assert "ag__.for_stmt" in ns["code"] and "def sum_even(items):" in ns["code"]
        assert ns["converted"] == 42 and ns["traced"] == 42
        # a later cell: a decorated function and one calling the first cell's function
        result = shell.run_cell(textwrap.dedent('''
            @ag.function
            def twice(x):
                return 2 * fast(x) if ag.reduce_sum(x) > 0 else -1
            doubled = int(twice(ag.constant([2, 3, 4])))
        '''))
        assert result.success, result.error_in_exec
        assert ns["doubled"] == 12
    finally:
        shell_module.InteractiveShell.clear_instance()
        sys.displayhook, sys.excepthook = hooks


def run(args, stdin=None):
    proc = subprocess.run([sys.executable] + args, input=stdin, capture_output=True,
                          text=True, timeout=120)
    return proc.stdout + proc.stderr


PROGRAM = textwrap.dedent('''
    import autograph as ag
    def f(x):
        s = 0
        for c in x:
            s += c
        return s
    try:
        ag.to_code(f)
    except Exception as e:
        print("ERROR", e)
''')


@pytest.mark.parametrize("how, origin", [
    ("-c", "it was defined by `python -c` or by exec() of a string"),
    ("exec", "it was defined by `python -c` or by exec() of a string"),
    ("repl", "it was read from standard input, at the plain Python prompt"),
])
def test_no_source_says_why_and_the_way_out(how, origin):
    if how == "-c":
        out = run(["-c", PROGRAM])
    elif how == "exec":
        out = run(["-c", "exec(%r)" % PROGRAM])
    else:
        # the prompt ends a block at an empty line
        out = run(["-i"], stdin=PROGRAM.replace("    return s\n", "    return s\n\n") + "\n")
    assert "cannot convert 'f': its source code is not available (%s" % origin in out
    assert "define the function in a .py file or in a Jupyter/IPython cell" in out
    assert "use ag.function" not in out


def test_function_without_source_says_why_the_tensor_loop_fails():
    out = run(["-c", textwrap.dedent('''
        import autograph as ag
        def f(x):
            s = 0
            for c in x:
                s += c
            return s
        try:
            ag.function(f)(ag.constant([1, 2]))
        except TypeError as e:
            print("ERROR", e)
    ''')])
    assert "iterating over the graph tensor x:0" in out
    assert "(<string>:5, in f) was not converted: its source cannot be read" in out
    assert "Define it in a .py file or a Jupyter/IPython cell" in out
    assert "Convert it (ag.function" not in out


def builtin_sum(x):
    return sum(x)


def comprehension(x):
    return [c * 2 for c in x]


@ag.do_not_convert
def left_alone(x):
    for _c in x:
        pass
    return x


def calls_left_alone(x):
    return left_alone(x)


@pytest.mark.parametrize("fn", [builtin_sum, comprehension])
def test_builtins_and_comprehensions_in_converted_code(fn):
    with pytest.raises(TypeError) as info:
        ag.function(fn)(ag.constant([1, 2]))
    message = str(info.value)
    assert "autograph converted this function (%s:" % __file__ in message
    assert "in %s), but not this use of the tensor" % fn.__name__ in message
    assert "ag.reduce_sum" in message and "Convert it" not in message


def test_unconverted_function_called_from_converted_code():
    with pytest.raises(TypeError, match="in left_alone\\) is called from converted code but "
                                        "was not converted itself"):
        ag.function(calls_left_alone)(ag.constant([1, 2]))


def plain_if(x):
    if x > 0:
        return x
    return -x


def test_code_never_converted_gets_the_conversion_advice():
    with ag.Graph().as_default():
        with pytest.raises(TypeError, match="in plain_if\\) was not converted by autograph. "
                                            "Convert it \\(ag.function"):
            plain_if(ag.placeholder(ag.float32))
    with pytest.raises(TypeError, match="was not converted by autograph"):
        ag.function(plain_if, autograph=False)(ag.constant(1.0))


def plain_len(x):
    return len(x)


def test_len_of_an_unknown_dimension_gets_the_same_advice():
    with ag.Graph().as_default():
        with pytest.raises(TypeError, match="in plain_len\\) was not converted by autograph.*"
                                            "ag.shape\\(t\\)\\[0\\]"):
            plain_len(ag.placeholder(ag.float32, shape=[None]))
    assert int(ag.function(plain_len, input_signature=[ag.TensorSpec([None])])(
        ag.constant([1.0, 2.0, 3.0]))) == 3                 # converted: len() is a graph op


FLAG = None


@ag.do_not_convert
def reads_flag_in_python():
    return 10.0 if FLAG else 20.0


def branches_on_flag():
    if FLAG:
        r = ag.constant(10.0)
    else:
        r = ag.constant(20.0)
    return r


def test_a_variable_as_a_python_bool_while_tracing_is_an_error_not_a_stale_value():
    global FLAG
    FLAG = ag.Variable(True)
    assert bool(FLAG) is True                                  # eagerly: its value
    with pytest.raises(TypeError, match="variable .* as a Python bool while a graph is being "
                                        "built.*in reads_flag_in_python\\) is called from "
                                        "converted code"):
        ag.function(lambda: ag.constant(reads_flag_in_python()))()
    f = ag.function(branches_on_flag)                          # converted: a cond
    assert float(f()) == 10.0
    FLAG.assign(False)
    assert float(f()) == 20.0 and f.experimental_get_tracing_count() == 1
