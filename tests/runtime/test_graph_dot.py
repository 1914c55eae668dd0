"""Graph.to_dot (Graphviz DOT text, subgraphs as nested clusters) and the Jupyter display:
SVG when graphviz and its `dot` program work, the text form otherwise."""
import re
import shutil
import sys
import types

import pytest

import autograph as ag
from samples import sum_even


def nested(x):
    while x < 10:
        if x > 3:
            x = x + 2
        else:
            x = x + 1
    return x


def concrete(fn, arg):
    return ag.function(fn).get_concrete_function(arg)


def labels(dot):
    return re.findall(r'^\s*n\d+ \[label="(.*)"\];$', dot, re.M)


def test_every_op_is_a_node_labelled_as_in_the_text_form():
    g = concrete(sum_even, ag.constant([10, 12, 15, 20])).graph
    dot = g.to_dot()
    assert dot.startswith('digraph "sum_even" {') and dot.rstrip().endswith("}")
    top = labels(dot)
    for line in g.as_text().splitlines():
        assert line in top
    assert re.search(r"while\d+_body", dot) and re.search(r"while\d+_cond", dot)


def test_cond_inside_while_is_a_nested_cluster():
    g = concrete(nested, ag.constant(0)).graph
    dot = g.to_dot()
    depth, max_depth, names = 0, 0, []
    for line in dot.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            depth += 1
            max_depth = max(max_depth, depth)
        elif line.strip() == "}" and depth:
            depth -= 1
        m = re.match(r'\s*label="(\w+): ', line)
        if m:
            names.append(m.group(1))
    assert max_depth == 2                         # while body > cond branches
    assert {"cond_graph", "body_graph", "then_graph", "else_graph"} <= set(names)
    assert dot.count("{") == dot.count("}")
    # every edge joins two declared nodes
    nodes = set(re.findall(r"^\s*(n\d+) \[label=", dot, re.M))
    for a, b in re.findall(r"^\s*(n\d+) -> (n\d+)", dot, re.M):
        assert a in nodes and b in nodes
    assert "[style=dashed]" in dot


def test_labels_are_quoted_for_dot():
    g = ag.Graph(name='my "graph"')
    with g.as_default():
        ag.constant(1.0, name='say"hi\\')
    dot = g.to_dot()
    assert dot.startswith('digraph "my \\"graph\\"" {')
    assert 'say\\"hi\\\\' in dot


def fake_graphviz(monkeypatch, pipe):
    module = types.ModuleType("graphviz")

    class Source:
        def __init__(self, text):
            self.text = text

        def pipe(self, format):
            return pipe(self.text, format)
    module.Source = Source
    monkeypatch.setitem(sys.modules, "graphviz", module)


def test_jupyter_shows_svg_when_graphviz_renders(monkeypatch):
    g = concrete(sum_even, ag.constant([1, 2])).graph
    fake_graphviz(monkeypatch, lambda text, fmt: b"<svg>%d</svg>" % len(text))
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"] == "<svg>%d</svg>" % len(g.to_dot())
    assert bundle["text/plain"] == g.as_text()


def test_jupyter_falls_back_to_text_without_the_dot_program(monkeypatch):
    g = concrete(sum_even, ag.constant([1, 2])).graph

    def missing(text, fmt):
        raise RuntimeError("failed to execute 'dot', make sure the Graphviz executables "
                           "are on your systems' PATH")
    fake_graphviz(monkeypatch, missing)
    assert g._repr_mimebundle_() == {"text/plain": g.as_text()}


def test_jupyter_falls_back_to_text_without_the_graphviz_package(monkeypatch):
    g = concrete(sum_even, ag.constant([1, 2])).graph
    monkeypatch.setitem(sys.modules, "graphviz", None)       # import graphviz fails
    assert g._repr_mimebundle_() == {"text/plain": g.as_text()}


def test_real_graphviz_matches_what_is_installed():
    pytest.importorskip("graphviz")     # the `graphviz` extra; CI's test extra installs it
    g = concrete(sum_even, ag.constant([1, 2])).graph
    bundle = g._repr_mimebundle_()
    if shutil.which("dot"):
        assert bundle["image/svg+xml"].lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE"))
        assert re.search(r"body_graph: while\d+_body", bundle["image/svg+xml"])
    else:
        assert bundle == {"text/plain": g.as_text()}
