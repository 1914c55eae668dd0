"""examples/tutorial.ipynb runs top to bottom in a real Jupyter kernel (nbclient): functions
defined in notebook cells convert, and a graph displays as SVG or, without Graphviz, as text."""
import os
import shutil

import pytest

nbformat = pytest.importorskip("nbformat")     # the test extra installs these
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "examples", "tutorial.ipynb")


def text_of(cell):
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cwd = str(tmp_path_factory.mktemp("notebook"))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": cwd}}).execute()
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_with(cells, source_part):
    return next(c for c in cells if source_part in c.source)


def test_every_cell_runs_without_error(executed):
    for cell in executed:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source


def test_functions_from_cells_convert_and_trace(executed):
    code = text_of(cell_with(executed, "print(ag.to_code(sum_even))"))
    assert "ag__.for_stmt" in code and "ag__.if_stmt" in code
    assert text_of(cell_with(executed, "fast_sum_even = ag.function")).split() == ["42", "42"]
    assert text_of(cell_with(executed, "def show(")).splitlines()[:3] == [
        "tracing with Tensor(\"x:0\", shape=(), dtype=int32)", "running with 1",
        "running with 2"]
    assert text_of(cell_with(executed, "class Line(")).strip() == "w = 2.00, b = 1.00"
    assert "shape=(2, 2), dtype=float32" in text_of(cell_with(executed, "ag.matmul"))


def test_graph_displays_as_svg_or_text(executed):
    cell = cell_with(executed, "concrete.graph")
    data = [o.data for o in cell.outputs if o.output_type == "execute_result"][0]
    assert data["text/plain"].startswith("items = placeholder(dtype=ag.int32")
    try:
        import graphviz  # noqa: F401
        drawn = shutil.which("dot") is not None
    except ImportError:
        drawn = False
    assert ("image/svg+xml" in data) == drawn
    if drawn:
        assert "<svg" in data["image/svg+xml"]
