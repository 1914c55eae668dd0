"""Code templates: new code written as Python text with placeholders.

    templates.replace('''
        def name(args):
            body
            return state
    ''', name='if_true', args=['x'], body=node.body, state=ast_util.value_for(['x']))

A placeholder is any identifier that is a keyword of `replace`. Its replacement may be
  - a str: renames the identifier (a Name, a def's name, a parameter);
  - a gast expression: replaces the Name (its ctx becomes the placeholder's ctx);
  - a list of str or gast nodes: spliced into the enclosing list (parameters, arguments,
    statements; a placeholder alone on a line is a statement position);
  - a gast statement: replaces a placeholder alone on a line.
Each template is parsed once and cached; every call works on a fresh copy of it.
"""
import textwrap
import threading

import gast

from autograph.pyct import ast_util
from autograph.pyct import parser

_cache = {}
_lock = threading.Lock()
_MISSING = object()


def _parsed(template):
    body = _cache.get(template)
    if body is None:
        body = parser.parse(textwrap.dedent(template)).body
        for stmt in body:
            ast_util.strip_locations(stmt)
        with _lock:
            _cache[template] = body
    return body


def _as_param_or_name(item, ctx):
    if isinstance(item, str):
        return gast.Name(id=item, ctx=type(ctx)(), annotation=None, type_comment=None)
    if type(ctx) is not gast.Load:
        ast_util.set_ctx(item, type(ctx))
    return item


def _subst(node, repl):
    t = type(node)
    if t is gast.Name:
        r = repl.get(node.id, _MISSING)
        if r is _MISSING:
            return node
        if isinstance(r, str):
            node.id = r
            return node
        if type(r) is list:
            return [_as_param_or_name(x, node.ctx) for x in r]
        if type(node.ctx) is not gast.Load:
            ast_util.set_ctx(r, type(node.ctx))
        return r
    if t is gast.Expr and type(node.value) is gast.Name:
        r = repl.get(node.value.id, _MISSING)
        if r is not _MISSING:
            if type(r) is list:
                return r
            if isinstance(r, gast.stmt):
                return r
            if isinstance(r, str):
                node.value.id = r
                return node
            node.value = r
            return node
    if t is gast.FunctionDef:
        r = repl.get(node.name, _MISSING)
        if r is not _MISSING:
            node.name = r
    d = node.__dict__
    for f in t._fields:
        v = d.get(f)
        if type(v) is list:
            new = []
            for item in v:
                if isinstance(item, gast.AST):
                    r = _subst(item, repl)
                    if type(r) is list:
                        new.extend(r)
                    else:
                        new.append(r)
                else:
                    new.append(item)
            d[f] = new
        elif isinstance(v, gast.AST):
            r = _subst(v, repl)
            if type(r) is list:
                raise ValueError('placeholder in field %r of %s cannot take a list'
                                 % (f, t.__name__))
            d[f] = r
    return node


def replace(template, **replacements):
    """Returns the template's statements (a list of fresh gast nodes) with placeholders filled."""
    out = []
    for stmt in ast_util.copy_clean(_parsed(template)):
        r = _subst(stmt, replacements)
        if type(r) is list:
            out.extend(r)
        else:
            out.append(r)
    return out


def replace_as_expression(template, **replacements):
    """Like `replace`, for a template that is a single expression."""
    stmts = replace(template, **replacements)
    if len(stmts) != 1 or not isinstance(stmts[0], gast.Expr):
        raise ValueError('template is not a single expression: %r' % template)
    return stmts[0].value
