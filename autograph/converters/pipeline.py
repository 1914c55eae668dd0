"""The one ordered list of converters, and the function that runs it.

Every converter takes a gast FunctionDef (or Lambda) and returns it rewritten. The order
matters; each constraint is stated where it applies. A converter whose construct does not occur
in the function returns at once (`Context.has_nodes`, from the node types `unsupported` saw).

Stage names are what `to_code(stage=...)` and `autograph convert --stage` accept; a renamed stage
keeps its old name as an alias (`STAGE_ALIASES`).
"""
import gast

from autograph.converters import asserts
from autograph.converters import break_statements
from autograph.converters import call_trees
from autograph.converters import closure_reads
from autograph.converters import conditional_expressions
from autograph.converters import continue_statements
from autograph.converters import control_flow
from autograph.converters import lists
from autograph.converters import logical_expressions
from autograph.converters import loop_options
from autograph.converters import membership
from autograph.converters import return_statements
from autograph.converters import try_statements
from autograph.converters import unsupported
from autograph.converters import variables
from autograph.pyct import anno
from autograph.pyct import ast_util

PIPELINE = (
    # First: rejects unsupported code (yield, async, global writes, ...) before anything is
    # rewritten, so errors point at untouched user code.
    ('unsupported', unsupported.transform),
    # Before the jump converters: `ag.set_loop_options(...)` must still be the first statement
    # of the loop body; its arguments become an annotation of the loop (a lazy
    # `ag__.LoopOptions(...)`) that control_flow passes as the helper's `opts=`.
    ('loop_options', loop_options.transform),
    # Before the jump converters: a `finally:` clause with jumps around it moves out of the
    # `try`, and its jumps (left in place) are lowered with the others.
    ('try_statements', try_statements.transform),
    # Before continue: lowering a loop's `else:` clause moves code out of the loop, and a
    # `continue`/`break` in that clause belongs to an enclosing loop.
    ('break_statements', break_statements.transform),
    # Before control_flow: loop bodies must be free of jumps before they become functions.
    ('continue_statements', continue_statements.transform),
    # After break/continue: a `return` inside a loop joins the loop test that break made, and
    # its guards wrap code that the break/continue lowering already restructured.
    ('return_statements', return_statements.transform),
    # Before control_flow: `l.append(x)` becomes `l = ...`, so the analysis sees `l` modified
    # and the list becomes loop state.
    ('lists', lists.transform),
    # Anywhere before variables; early, so the assert's test is seen by the later
    # expression converters like any other expression.
    ('asserts', asserts.transform),
    # Expression rewrites run before control_flow: the one analysis control_flow does must see
    # the final expressions (thunks read variables too). After return_statements, which may
    # end a function with `return retval_ if do_return else e`. (Between the two expression
    # converters the order is free: each recurses into what the other produced.)
    ('conditional_expressions', conditional_expressions.transform),
    # After break/continue/return: those introduce `not flag` and `and` tests.
    ('logical_expressions', logical_expressions.transform),
    # After logical_expressions, which splits chained comparisons (`a < b in c`) into single
    # ones, the only kind this rewrites.
    ('membership', membership.transform),
    # After the rewrites that create `ag__.*` calls (they are skipped, their arguments are not)
    # and before control_flow, which only adds `ag__` calls.
    ('call_trees', call_trees.transform),
    # Runs the analyses (once) and stages if/while/for; needs every jump lowered.
    ('control_flow', control_flow.transform),
    # Last: reads the undefined-variable facts control_flow recorded on its output; then the
    # user's nested functions read the placeholders it made through ag__.ld (closure_reads).
    ('variables', lambda node, ctx: closure_reads.transform(variables.transform(node, ctx), ctx)),
)

STAGES = tuple(name for name, _ in PIPELINE)

# Old stage names that are still accepted: {old: current}.
STAGE_ALIASES = {'functions': 'unsupported'}   # renamed for what it does: rejects constructs


def resolve_stage(stage):
    """The current name of `stage` (None stays None); ValueError if there is no such stage."""
    if stage is None or stage in STAGES:
        return stage
    if stage in STAGE_ALIASES:
        return STAGE_ALIASES[stage]
    raise ValueError('unknown stage %r; stages are: %s' % (stage, ', '.join(STAGES)))


def convert(node, ctx, stage=None):
    """Runs the pipeline on `node`, stopping after converter `stage` if given.

    Args:
      node: gast.FunctionDef or gast.Lambda (its line numbers are the user's).
      ctx: transformer.Context.
      stage: None, or one of `STAGES` (or an old name in `STAGE_ALIASES`).

    Returns:
      The converted node.
    """
    stage = resolve_stage(stage)
    skip_calls = not ctx.options.get('recursive', True)
    for name, transform in PIPELINE:
        if not (skip_calls and name == 'call_trees'):
            node = transform(node, ctx)
        if name == stage:
            if name == 'control_flow' and ctx.info.get('undefined_marked'):
                node = _bind_nonlocals(node, ctx)
            break
    return node


def _bind_nonlocals(node, ctx):
    """The placeholders (`x = ag__.Undefined('x')`, from the variables stage) of the names
    that a `nonlocal` declares: a variable that a body writes in place may have no other
    binding yet, and the output of the control_flow stage must compile (`autograph convert
    --stage` checks it). The other placeholders are left to the variables stage."""
    names = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, gast.AST):
            continue
        if type(n) is gast.Nonlocal:
            names.update(n.names)
        else:
            ast_util.push_children(stack, n)
    if not names:
        return node
    stack = [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, gast.AST):
            continue
        for key in (anno.Basic.UNDEFINED_HERE, anno.Basic.UNDEFINED_TOP):
            marked = anno.getanno(n, key, None)
            if marked:
                anno.setanno(n, key, [x for x in marked if x in names])
        ast_util.push_children(stack, n)
    return _Placeholders(ctx).visit(node)


class _Placeholders(variables.VariablesTransformer):
    # (`del x` is the variables stage's, too)
    def visit_Delete(self, node):
        return node
