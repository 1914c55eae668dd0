"""Test helper: functions defined from source text, registered with linecache like a file."""
import itertools
import linecache
import textwrap

_counter = itertools.count()


def make_function(source, name=None, namespace=None, register=True, prefix="test"):
    """Executes `source` as a fresh 'file' and returns the function `name` defined in it.

    With `register=False` the source is not put in linecache (a function without source).
    """
    source = textwrap.dedent(source)
    filename = "<%s-%d>" % (prefix, next(_counter))
    if register:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    ns = dict(namespace or {})
    exec(compile(source, filename, "exec"), ns)
    if name is None:
        name = source.split("def ", 1)[1].split("(", 1)[0]
    return ns[name]
