"""Rewrites list mutations into assignments, so that a list becomes loop/branch state.

    l.append(x)      ->   l = ag__.list_append(l, x)
    l.pop()          ->   l, _ = ag__.list_pop(l)
    x = l.pop(i)     ->   l, x = ag__.list_pop(l, i)

On Python values the helpers mutate the list exactly as the original call; inside a graph loop
a list that is appended to lowers to a TensorArray. Only lists held in plain local names are
rewritten (`self.items.append(x)`, and appends to a global or a variable of an enclosing
function, stay method calls).
"""
import gast

from autograph.pyct import activity
from autograph.pyct import ast_util
from autograph.pyct import templates
from autograph.pyct import transformer


def _method_call(node, method, max_args):
    if (type(node) is gast.Call and type(node.func) is gast.Attribute
            and node.func.attr == method and type(node.func.value) is gast.Name
            and not node.keywords and len(node.args) <= max_args
            and not any(type(a) is gast.Starred for a in node.args)):
        return node.func.value.id
    return None


class ListTransformer(transformer.StatementTransformer):

    def __init__(self, ctx):
        super().__init__(ctx)
        self.functions = []     # [function node, its local names or None until needed]

    def visit_FunctionDef(self, node):
        self.functions.append([node, None])
        node = self.generic_visit(node)
        self.functions.pop()
        return node

    def _is_local(self, name):
        # Rebinding a global or free variable would make it local to the function.
        frame = self.functions[-1]
        if frame[1] is None:
            frame[1] = activity.bound_names(frame[0])
        return name in frame[1]

    def visit_Expr(self, node):
        call = node.value
        name = _method_call(call, 'append', 1)
        if name is not None and not self._is_local(name):
            return node
        if name is not None and len(call.args) == 1:
            return templates.replace('target = ag__.list_append(target, item)',
                                     target=name, item=call.args[0])
        name = _method_call(call, 'pop', 1)
        if name is not None and self._is_local(name):
            return self._pop(name, call, gast.Name(id=self._unused(), ctx=gast.Store(),
                                                   annotation=None, type_comment=None))
        return node

    def visit_Assign(self, node):
        name = _method_call(node.value, 'pop', 1)
        if name is None or len(node.targets) != 1 or not self._is_local(name):
            return node
        return self._pop(name, node.value, node.targets[0])

    def _unused(self):
        name = self.ctx.info.get('lists.unused')
        if name is None:
            name = self.ctx.info['lists.unused'] = self.ctx.namer.new_symbol('_')
        return name

    def _pop(self, name, call, element):
        targets = ast_util.tuple_of([ast_util.name(name, gast.Store()), element], gast.Store())
        if call.args:
            return templates.replace('targets = ag__.list_pop(target, index)', targets=targets,
                                     target=name, index=call.args[0])
        return templates.replace('targets = ag__.list_pop(target)', targets=targets,
                                 target=name)


def transform(node, ctx):
    if type(node) is gast.Lambda or not ctx.has_nodes(gast.Call):   # `l.append(x)`, `l.pop()`
        return node
    return ListTransformer(ctx).visit(node)
