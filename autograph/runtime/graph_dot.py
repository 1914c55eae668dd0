"""Pictures of graphs: Graphviz DOT text, and SVG for Jupyter when Graphviz is installed.

Every op is a box labelled with its line of the text form (`add_1 = add(x, y)`); data edges
are solid. A `cond` or `while` op's subgraphs are nested clusters named after them; dashed
edges show what flows across a cluster's border: the control op into its subgraph's inputs,
a captured outer tensor into its placeholder, and the subgraph's outputs back to the op.
"""
from autograph.runtime.printing import op_text


def _quote(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _is_graph(value):
    return hasattr(value, "operations") and hasattr(value, "outer")


class _Writer:
    def __init__(self):
        self.ids = {}           # id(op) -> node id
        self.lines = []
        self.edges = []         # (source op, target op, attributes)
        self.clusters = 0

    def node(self, op):
        self.ids[id(op)] = "n%d" % len(self.ids)
        return self.ids[id(op)]

    def graph(self, graph, indent):
        pad = "  " * indent
        for op in graph.operations:
            node = self.node(op)
            self.lines.append("%s%s [label=%s];" % (pad, node, _quote(op_text(op))))
            for t in op.inputs:
                self.edges.append((t.op, op, ""))
            for name, sub in op.attrs.items():
                if _is_graph(sub):
                    self.subgraph(op, name, sub, indent)

    def subgraph(self, op, attr, sub, indent):
        pad = "  " * indent
        self.clusters += 1
        self.lines.append("%ssubgraph cluster_%d {" % (pad, self.clusters))
        self.lines.append("%s  label=%s; style=rounded; color=gray50;"
                          % (pad, _quote("%s: %s" % (attr, sub.name))))
        self.graph(sub, indent + 1)
        self.lines.append("%s}" % pad)
        captured = {id(inner) for _, inner in sub.capture_list}
        for outer, inner in sub.capture_list:
            self.edges.append((outer.op, inner.op, " [style=dashed]"))
        for placeholder in sub.inputs:
            if id(placeholder) not in captured:
                self.edges.append((op, placeholder.op, " [style=dashed]"))
        for out in sub.outputs:
            if out is not None and hasattr(out, "op"):
                self.edges.append((out.op, op, " [style=dashed]"))

    def text(self, graph):
        self.lines.append("digraph %s {" % _quote(graph.name))
        self.lines.append('  node [shape=box, fontname="monospace", fontsize=10];')
        self.graph(graph, 1)
        seen = set()
        for src, dst, attrs in self.edges:
            a, b = self.ids.get(id(src)), self.ids.get(id(dst))
            if a is None or b is None or (a, b, attrs) in seen:
                continue                # a tensor from outside the drawn graph
            seen.add((a, b, attrs))
            self.lines.append("  %s -> %s%s;" % (a, b, attrs))
        self.lines.append("}")
        return "\n".join(self.lines) + "\n"


def graph_to_dot(graph):
    """The Graphviz DOT text of `graph`, with `cond`/`while` subgraphs as nested clusters."""
    return _Writer().text(graph)


def graph_to_svg(graph):
    """SVG of `graph` drawn by Graphviz, or None when the `graphviz` package or its `dot`
    program is missing (or fails)."""
    try:
        import graphviz
    except ImportError:
        return None
    try:
        svg = graphviz.Source(graph_to_dot(graph)).pipe(format="svg")
    except Exception:           # graphviz.ExecutableNotFound, a failing `dot`, ...
        return None
    return svg.decode("utf-8") if isinstance(svg, bytes) else svg
