"""Per-thread execution context: the stack of default graphs (empty means eager)."""
import contextlib
import threading


class _Context(threading.local):
    def __init__(self):
        self.graphs = []          # default-graph stack; top is where new ops go
        self.graph = None         # == graphs[-1] or None, read on every op (hot path)


ctx = _Context()


def executing_eagerly():
    """True when ops run at once (no default graph), False while a graph is being built."""
    return ctx.graph is None


def get_default_graph():
    """The graph new ops are added to, or None in eager mode."""
    return ctx.graph


@contextlib.contextmanager
def graph_scope(graph):
    ctx.graphs.append(graph)
    ctx.graph = graph
    try:
        yield graph
    finally:
        ctx.graphs.pop()
        ctx.graph = ctx.graphs[-1] if ctx.graphs else None


@contextlib.contextmanager
def init_scope():
    """Leaves every graph for the duration: ops run eagerly (used for variable initialisers)."""
    saved = ctx.graphs
    ctx.graphs = []
    ctx.graph = None
    try:
        yield
    finally:
        ctx.graphs = saved
        ctx.graph = saved[-1] if saved else None


@contextlib.contextmanager
def name_scope(name):
    """Prefixes the names of ops created inside (`scope/add`); does nothing eagerly."""
    graph = ctx.graph
    if graph is None:
        yield ""
        return
    with graph.name_scope(name) as prefix:
        yield prefix
