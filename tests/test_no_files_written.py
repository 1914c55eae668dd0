"""Converting and tracing write no files (generated code lives in memory and `linecache`).

Two independent watches:
* a Python audit hook records every file opened for writing, and every directory or file
  created, renamed or removed, while the code under test runs (any directory, any thread);
* the temporary directory (TMPDIR / tempfile.tempdir) and the working directory are fresh,
  empty directories, and must still be empty afterwards.
"""
import contextlib
import os
import sys
import tempfile
import textwrap
import threading

import pytest

import autograph as ag
from autograph import api, cli

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz'))
import fuzzgen  # noqa: E402  (tests/fuzz/fuzzgen.py)

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_MUTATING_EVENTS = {
    'os.mkdir', 'os.rename', 'os.remove', 'os.rmdir', 'os.link', 'os.symlink', 'os.truncate',
    'os.chmod', 'os.utime', 'shutil.copyfile', 'shutil.copytree', 'shutil.move',
    'shutil.rmtree', 'tempfile.mkstemp', 'tempfile.mkdtemp',
}
_recording = []          # lists receiving (event, args) while a `watch()` is active


def _audit(event, args):
    if not _recording:
        return
    if event == 'open':
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writes = (isinstance(mode, str) and any(c in mode for c in 'wax+')) or \
            (isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writes and path is not None:
            for r in _recording:
                r.append((event, path, mode))
    elif event in _MUTATING_EVENTS:
        for r in _recording:
            r.append((event,) + tuple(args))


sys.addaudithook(_audit)


@contextlib.contextmanager
def watch():
    found = []
    _recording.append(found)
    try:
        yield found
    finally:
        _recording.remove(found)


@pytest.fixture
def fresh_dirs(tmp_path, monkeypatch):
    tmp = tmp_path / 'tmp'
    cwd = tmp_path / 'cwd'
    tmp.mkdir()
    cwd.mkdir()
    for var in ('TMPDIR', 'TEMP', 'TMP'):
        monkeypatch.setenv(var, str(tmp))
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp))
    monkeypatch.chdir(cwd)
    yield tmp, cwd
    assert sorted(os.listdir(tmp)) == [], 'files written to the temporary directory'
    assert sorted(os.listdir(cwd)) == [], 'files written to the working directory'


def test_the_watch_sees_writes(fresh_dirs):
    tmp, cwd = fresh_dirs
    with watch() as found:
        with tempfile.TemporaryFile():
            pass
        with open(os.path.join(str(cwd), 'x.txt'), 'w') as f:
            f.write('x')
        os.remove(os.path.join(str(cwd), 'x.txt'))
        with open(__file__) as f:        # reading is fine
            f.read(10)
    events = {e[0] for e in found}
    assert 'open' in events and 'os.remove' in events
    assert not any(e[0] == 'open' and e[1] == __file__ for e in found)


def branchy(x, n):
    s = ag.zeros_like(x)
    for _ in range(n):
        if ag.reduce_sum(x) > 0:
            s = s + x
        else:
            s = s - x
    while ag.reduce_sum(s) > 100.0:
        s = s / 2.0
    return s


class Model:
    def __init__(self):
        self.w = ag.Variable(1.0)

    def step(self, x):
        if x > 0:
            self.w.assign_add(x)
        return self.w.read_value()


def test_conversion_and_tracing_write_nothing(fresh_dirs):
    source = textwrap.dedent('''
        def from_exec(x):
            total = 0
            for k in range(x):
                if k % 3 == 0:
                    continue
                total += k
            return total
        ''')
    with watch() as found:
        fn = fuzzgen.Program('nofiles', source, [5], ['int'], name='from_exec')
        ns, filename = fuzzgen.load(fn)
        try:
            assert ag.to_graph(ns['from_exec'])(7) == ns['from_exec'](7)
            assert 'for_stmt' in ag.to_code(ns['from_exec'], line_numbers=True)
        finally:
            fuzzgen.unload(filename)
        code = ag.to_code(branchy)
        assert 'if_stmt' in code and 'while_stmt' in code
        api.generated_source_name(branchy)
        f = ag.function(branchy)
        out = f(ag.constant([1.0, 2.0]), ag.constant(4))
        assert out.numpy().tolist() == [4.0, 8.0]
        f.get_concrete_function(ag.TensorSpec([None], ag.float32), ag.TensorSpec([], ag.int32))
        model = Model()
        step = ag.function(model.step)
        step(ag.constant(2.0))
        assert float(model.w.numpy()) == 3.0
        with ag.Graph().as_default():
            x = ag.placeholder(ag.float32, shape=[2])
            y = ag.to_graph(branchy)(x, 3)
            with ag.Session() as sess:
                assert sess.run(y, feed_dict={x: [1.0, 1.0]}).tolist() == [3.0, 3.0]
        for seed in range(30):
            assert fuzzgen.check(fuzzgen.generate(seed)).ok
    assert found == []


def test_conversion_errors_write_nothing(fresh_dirs):
    def gen(n):
        yield n

    with watch() as found:
        with pytest.raises(api.ConversionError):
            ag.to_graph(gen)
        with pytest.raises(api.ConversionError):
            api.convert_module_source('def broken(:\n    pass\n', 'broken.py')
        with pytest.raises(TypeError):
            ag.function(lambda x: [v for v in x])(ag.constant([1, 2]))
    assert found == []


def test_convert_module_source_and_cli_without_output_write_nothing(fresh_dirs, tmp_path,
                                                                    capsys):
    user_file = tmp_path / 'user_module.py'
    user_file.write_text(textwrap.dedent('''
        def f(x):
            while x > 0:
                x = x - 1
            return x
        '''))
    before = sorted(os.listdir(tmp_path))
    with watch() as found:
        text = api.convert_module_source(user_file.read_text(), str(user_file))
        assert 'ag__.while_stmt' in text
        status = cli.main(['convert', str(user_file)])
        check = cli.main(['convert', '--check', str(user_file)])
        out, err = capsys.readouterr()
        assert status == 0 and check == 0, err
        assert 'while_stmt' in out
    assert found == []
    assert sorted(os.listdir(tmp_path)) == before


def test_threads_converting_and_tracing_write_nothing(fresh_dirs):
    errors = []

    def work(i):
        try:
            for seed in range(200 + 5 * i, 205 + 5 * i):
                assert fuzzgen.check(fuzzgen.generate(seed)).ok
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    with watch() as found:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert not errors, errors
    assert found == []
