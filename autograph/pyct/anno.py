"""Annotations: facts that analyses and converters attach to AST nodes.

Annotations live in a dict stored on the node itself; they never appear in generated code.
Keys are plain strings; the ones used across modules are listed in `Basic` and `Static`.
"""

_ATTR = '___pyct_anno'
_FAIL = object()


class Basic:
    """Keys set by the parser, converters and the transformer base."""
    QN = 'qn'                          # qual_names.QN of a Name/Attribute/Subscript
    SKIP = 'skip'                      # do not convert this subtree (e.g. nested generators)
    GENERATED = 'generated'            # a FunctionDef created by a converter
    EXTRA_LOOP_TEST = 'extra_loop_test'  # expr: a For loop also stops when this is False
    UNDEFINED_HERE = 'undefined_here'  # names to set to ag__.Undefined just before this stmt
    UNDEFINED_TOP = 'undefined_top'    # names to set to ag__.Undefined at the function top


class Static:
    """Keys set by the static analyses (see cfg, activity, liveness, reaching_definitions)."""
    SCOPE = 'scope'                    # FunctionDef/Lambda: activity.FunctionScope
    BODY_SCOPE = 'body_scope'          # compound statements: activity.Scope of the body
    ORELSE_SCOPE = 'orelse_scope'      # If/While/For/Try: activity.Scope of the else block
    COND_SCOPE = 'cond_scope'          # If/While: activity.Scope of the test
    ITERATE_SCOPE = 'iterate_scope'    # For: activity.Scope of the iterable
    CFG = 'cfg'                        # FunctionDef: cfg.Graph
    CFG_NODE = 'cfg_node'              # statement: its entry cfg.Node
    CFG_HEAD = 'cfg_head'              # While/For: the loop head cfg.Node
    LIVE_IN = 'live_in'                # statement: names live on entry
    LIVE_OUT = 'live_out'              # statement: names live right after it (structurally)
    DEFINED_IN = 'defined_in'          # statement: {name: frozenset(definition sites)} on entry


def getanno(node, key, default=_FAIL):
    annos = node.__dict__.get(_ATTR)
    if annos is None or key not in annos:
        if default is _FAIL:
            raise KeyError('%s has no annotation %r' % (type(node).__name__, key))
        return default
    return annos[key]


def hasanno(node, key):
    annos = node.__dict__.get(_ATTR)
    return annos is not None and key in annos


def setanno(node, key, value):
    annos = node.__dict__.get(_ATTR)
    if annos is None:
        annos = node.__dict__[_ATTR] = {}
    annos[key] = value


def delanno(node, key):
    annos = node.__dict__.get(_ATTR)
    if annos is not None:
        annos.pop(key, None)


def copyanno(from_node, to_node, key):
    if hasanno(from_node, key):
        setanno(to_node, key, getanno(from_node, key))


def keys(node):
    return set(node.__dict__.get(_ATTR, ()))
