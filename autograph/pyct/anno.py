"""Annotations: facts that analyses and converters attach to AST nodes.

Annotations live in a dict stored on the node itself; they never appear in generated code.
Every key is listed, with what sets it and what it holds, in `Key`: one place to look up what
an annotation means, and a test (tests/pyct/test_pyct_anno.py) checks that conversion sets no
other key. `Key` is a class of string constants rather than an `enum.Enum`: keys are looked up
on every node a converter visits, and plain strings hash in C.
"""

_ATTR = '___pyct_anno'
_FAIL = object()


class Key:
    """Every annotation key. `Basic` and `Static` are older names of this class."""

    # --- Set by the parser, converters and the transformer base.
    QN = 'qn'                          # qual_names.QN of a Name/Attribute/Subscript
    SKIP = 'skip'                      # do not convert this subtree (e.g. nested generators)
    GENERATED = 'generated'            # a FunctionDef created by a converter
    EXTRA_LOOP_TEST = 'extra_loop_test'  # expr: a For loop also stops when this is False
    UNDEFINED_HERE = 'undefined_here'  # names to set to ag__.Undefined just before this stmt
    UNDEFINED_TOP = 'undefined_top'    # names to set to ag__.Undefined at the function top
    LOOP_OPTIONS = 'loop_options'      # While/For: opts= expression of ag.set_loop_options (loop_options)
    JUMP_FLAG = 'jump_flag'            # stmt: assignment of a break/continue/return flag (jumps)
    ORIGINAL_LOCALS = 'original_locals'  # FunctionDef: the names its original code binds (jumps)
    FINALLY_READ = 'finally_read'      # Try: names its `finally:` reads and its other
                                       # clauses assign (try_statements; variables checks them)
    NODE_TYPES = 'node_types'          # root of gast_util.ast_to_gast: gast_util.Recorded, what
                                       # the conversion made (read once by unsupported)

    # --- Set by the static analyses (cfg, activity, liveness, reaching_definitions, state);
    # they annotate and never change the tree.
    SCOPE = 'scope'                    # FunctionDef/Lambda: activity.FunctionScope
    BODY_SCOPE = 'body_scope'          # compound statements: activity.Scope of the body
    ORELSE_SCOPE = 'orelse_scope'      # If/While/For/Try: activity.Scope of the else block
    FINAL_SCOPE = 'final_scope'        # Try: activity.Scope of the finally block
    COND_SCOPE = 'cond_scope'          # If/While: activity.Scope of the test
    ITERATE_SCOPE = 'iterate_scope'    # For: activity.Scope of the iterable
    ACTIVITY = 'activity'              # simple stmt / handler: activity.Names it reads/writes
    TARGET_ACTIVITY = 'target_activity'  # For: activity.Names of the loop target
    EXTRA_ACTIVITY = 'extra_activity'  # For: activity.Names of its EXTRA_LOOP_TEST
    CFG = 'cfg'                        # FunctionDef: cfg.Graph
    CFG_NODE = 'cfg_node'              # statement: its entry cfg.Node
    CFG_HEAD = 'cfg_head'              # While/For: the loop head cfg.Node
    LIVE_IN = 'live_in'                # statement: names live on entry
    LIVE_OUT = 'live_out'              # statement: names live right after it (structurally)
    LIVE_HEAD = 'live_head'            # While/For: names live at the loop head
    DEFINED_IN = 'defined_in'          # statement: {name: frozenset(definition sites)} on entry
    STATE = 'state'                    # If/While/For: names passed in and out when staged
    IN_PLACE = 'in_place_state'        # If/While/For: state.InPlace, what bodies write in place


Basic = Key
Static = Key

# Every key value, for checks.
KEYS = frozenset(v for k, v in vars(Key).items() if k.isupper())


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
