"""Runs every static analysis once over a function and the functions nested in it."""
import gast

from autograph.pyct import activity
from autograph.pyct import anno
from autograph.pyct import cfg
from autograph.pyct import liveness
from autograph.pyct import reaching_definitions

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


def analyze(node, after_liveness=None):
    """Annotates `node` (a FunctionDef) with activity, CFG, liveness and reaching definitions.

    Analyses only annotate; they never change the tree.

    Args:
      node: gast.FunctionDef or gast.Lambda.
      after_liveness: optional callable(function_node) run for each function between liveness
        and reaching definitions; it may set `cfg.Node.defs` (e.g. the state a staged
        statement passes on counts as defined from there on).
    """
    if type(node) is gast.Lambda:
        activity.analyze_function(node)
        return node
    activity.analyze_function(node)
    for fn in functions_in(node):
        graph = cfg.build(fn)
        liveness.analyze(fn, graph)
        if after_liveness is not None:
            after_liveness(fn)
        reaching_definitions.analyze(fn, graph)
    return node
