"""Rewrites `in` and `not in` into `ag__` calls that stage on graph tensors.

    x in c        ->    ag__.in_(x, c)
    x not in c    ->    ag__.not_in(x, c)

Python turns the result of `c.__contains__(x)` into a bool, which a graph tensor cannot be;
the helpers are exactly Python's operators on other values. Chained comparisons were split
into single ones by logical_expressions, so only single comparisons are rewritten; `in` on a
dict or set literal or a string constant stays as written.
"""
import gast

from autograph.pyct import templates
from autograph.pyct import transformer

_HELPERS = {gast.In: 'ag__.in_(left, right)', gast.NotIn: 'ag__.not_in(left, right)'}


class MembershipTransformer(transformer.Base):

    def visit_Compare(self, node):
        node = self.generic_visit(node)
        if len(node.ops) != 1 or type(node.ops[0]) not in _HELPERS or \
                _never_staged(node.comparators[0]):
            return node
        return templates.replace_as_expression(_HELPERS[type(node.ops[0])], left=node.left,
                                               right=node.comparators[0])


def _never_staged(node):
    """A dict/set literal or a string constant: `in` hashes or searches text, never a tensor."""
    t = type(node)
    return t in (gast.Dict, gast.Set, gast.DictComp, gast.SetComp) or (
        t is gast.Constant and isinstance(node.value, (str, bytes)))


def transform(node, ctx):
    if not ctx.has_nodes(gast.Compare):
        return node
    if not ctx.has_nodes(gast.In, gast.NotIn):       # no converter creates `in`
        return node
    return MembershipTransformer(ctx).visit(node)
