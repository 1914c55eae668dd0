"""Runs every static analysis once over a function and the functions nested in it."""
import gast

from autograph.pyct import activity
from autograph.pyct import anno
from autograph.pyct import cfg
from autograph.pyct import liveness
from autograph.pyct import reaching_definitions
from autograph.pyct import staged_state as staged_state_analysis

_COMPOUND_FIELDS = ('body', 'orelse', 'finalbody', 'handlers')


def functions_in(node):
    """Every FunctionDef in `node` (itself included), outer first; skips class bodies."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is gast.ClassDef or anno.hasanno(n, anno.Basic.SKIP):
            continue
        if t is gast.FunctionDef:
            out.append(n)
        for f in _COMPOUND_FIELDS:
            v = getattr(n, f, None)
            if v:
                stack.extend(reversed(v))
    return out


def analyze(node, lines=None, staged_state=False, dataflow=True, functions=None):
    """Annotates `node` with activity, CFG, liveness and reaching definitions, and with the
    state of each if/while/for (`staged_state`) if asked.

    Analyses only annotate; they never change the tree. The staged-state analysis runs
    between liveness and reaching definitions: a staged statement defines its state variables
    (it rebinds them, maybe to `Undefined`), which reaching definitions must see.

    Args:
      node: gast.FunctionDef or gast.Lambda.
      lines: the user's source lines (the staged-state analysis quotes attribute/item
        targets from them).
      staged_state: also run pyct.staged_state.
      dataflow: run liveness and reaching definitions (else only activity and the CFG).
      functions: `functions_in(node)` when the caller knows it (`[node]` for a function
        without nested ones); else it is computed.
    """
    if type(node) is gast.Lambda:
        activity.analyze_function(node)
        return node
    activity.analyze_function(node)
    for fn in functions if functions is not None else functions_in(node):
        graph = cfg.build(fn)
        if not dataflow:
            continue
        liveness.analyze(fn, graph)
        if staged_state:
            staged_state_analysis.analyze(fn, lines)
        reaching_definitions.analyze(fn, graph)
    return node
