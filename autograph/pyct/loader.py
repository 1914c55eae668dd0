"""Compiles converted code into functions, without temporary files.

The converted function is wrapped in a factory whose parameters are `ag__` and the original
function's free variables:

    def ag__factory(ag__, free_var_1, ...):
        def ag__fn(x): ...          # the converted function
        return ag__fn

The module is compiled from the AST with the user's file name and the user's line number on
every node, so tracebacks and error messages point at the user's code. The caller rebuilds the
function with the original's globals and closure cells (`new_function`), so it shares state
with the original exactly. The generated text is registered with `linecache` under a
`<autograph ...>` name (`register_source`) for `to_code` and tools.
"""
import ast
import itertools
import linecache
import threading
import types
import weakref

import gast

from autograph.pyct import gast_util

_FACTORY = 'ag__factory'
# Not an identifier, so it can be neither a name the user's code refers to (which binding it
# in the factory would capture) nor one of its free variables; compile() accepts it.
_INNER = 'ag__fn<converted>'
_counter = itertools.count()
# Code objects of converted functions (nested ones included), added by the conversion core:
# the operators ask whether a frame runs converted code.
converted_codes = weakref.WeakSet()
_lock = threading.Lock()


def _params(names, lineno, col):
    args = [ast.arg(arg=n, annotation=None, type_comment=None, lineno=lineno, col_offset=col,
                    end_lineno=lineno, end_col_offset=col) for n in names]
    return ast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=[], kw_defaults=[],
                         kwarg=None, defaults=[])


def _strip_signature_values(fn):
    """Defaults and annotations belong to the original function object, not to the code.

    They would be evaluated in the factory (where the user's globals are not visible), so they
    are replaced by None; `new_function` installs the original ones.
    """
    args = fn.args
    args.defaults = [ast.Constant(value=None) for _ in args.defaults]
    args.kw_defaults = [None if d is None else ast.Constant(value=None)
                        for d in args.kw_defaults]
    if hasattr(fn, 'returns'):
        fn.returns = None
    for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
        if a is not None:
            a.annotation = None


def class_of(qualname):
    """The class whose body lexically contains a function, from its __qualname__, or None.

    'A.m' -> 'A'; 'A.m.<locals>.helper' -> 'A'; 'f.<locals>.g' -> None.
    """
    parts = qualname.split('.')[:-1]
    while parts and parts[-1] == '<locals>':
        parts = parts[:-2]
    return parts[-1] if parts else None


def _mangle(name, prefix):
    if name and name.startswith('__') and not name.endswith('__') and '.' not in name:
        return prefix + name
    return name


def mangle_private_names(tree, class_name):
    """Applies Python's private name mangling (`__x` -> `_Class__x`) for a method's class.

    The compiler only does this for code inside a class body; converted methods are compiled
    outside theirs. Nested class bodies are left to the compiler.
    """
    stripped = class_name.lstrip('_')
    if not stripped:
        return tree
    prefix = '_' + stripped
    stack = [tree]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.Name:
            n.id = _mangle(n.id, prefix)
            continue
        if t is ast.Attribute:
            n.attr = _mangle(n.attr, prefix)
        elif t is ast.arg:
            n.arg = _mangle(n.arg, prefix)
        elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
            if n is not tree:
                n.name = _mangle(n.name, prefix)
        elif t is ast.ClassDef:
            n.name = _mangle(n.name, prefix)
            stack.extend(n.bases)
            stack.extend(n.keywords)
            stack.extend(n.decorator_list)
            continue
        elif t is ast.Global or t is ast.Nonlocal:
            n.names = [_mangle(x, prefix) for x in n.names]
        elif t is ast.ExceptHandler:
            n.name = _mangle(n.name, prefix)
        elif t is ast.alias:
            if n.asname:
                n.asname = _mangle(n.asname, prefix)
        elif t is ast.keyword and n.arg == 'in_place' and type(n.value) is ast.Tuple:
            # The control-flow helpers' `in_place=('self.__x',)` names source expressions.
            for e in n.value.elts:
                if type(e) is ast.Constant and type(e.value) is str and '__' in e.value:
                    path = ast.parse(e.value, mode='eval')
                    e.value = ast.unparse(mangle_private_names(path, class_name))
            continue
        stack.extend(ast.iter_child_nodes(n))
    return tree


def compile_function(node, filename, free_vars, class_name=None, helper='ag__', qualname=None,
                     generated=()):
    """Compiles a converted gast FunctionDef or Lambda; returns its code object.

    Args:
      node: the converted gast node (or the stdlib ast node converted from it, which is
        modified); every node carries the user's line numbers.
      filename: the user's file name (becomes co_filename).
      free_vars: names of the original function's free variables (closure cells).
      class_name: the class the function was defined in (for private name mangling).
      helper: the name generated code gives the helper module (`ag__` unless the user's
        code uses that name, see naming.convert_with_helper_name).
      qualname: the original function's __qualname__: functions and classes defined inside
        the converted code get the qualified names they have in the original.
      generated: the names of the functions converters generated (their levels are left out
        of those qualified names).
    """
    is_gast = isinstance(node, (gast.FunctionDef, gast.Lambda))
    converted = gast_util.gast_to_ast(node) if is_gast else node
    if class_name:
        mangle_private_names(converted, class_name)
    lineno = getattr(converted, 'lineno', 1)
    col = getattr(converted, 'col_offset', 0)
    if isinstance(converted, ast.Lambda):
        _strip_signature_values(converted)
        body = [ast.Return(value=converted)]
    else:
        _strip_signature_values(converted)
        converted.decorator_list = []
        name = converted.name
        converted.name = _INNER
        body = [converted, ast.Return(value=ast.Name(id=_INNER, ctx=ast.Load()))]
    free_vars = [v for v in free_vars if v != helper]
    factory = ast.FunctionDef(name=_FACTORY, args=_params([helper] + free_vars, lineno, col),
                              body=body, decorator_list=[], returns=None, type_comment=None)
    if hasattr(ast, 'TypeVar'):  # 3.12+
        factory.type_params = []
    factory.lineno = factory.end_lineno = lineno
    factory.col_offset = factory.end_col_offset = col
    for n in (factory.args, body[-1], getattr(body[-1], 'value', None)):
        if n is not None and 'lineno' in n._attributes and not hasattr(n, 'lineno'):
            n.lineno = n.end_lineno = lineno
            n.col_offset = n.end_col_offset = col
    module = ast.Module(body=[factory], type_ignores=[])
    try:
        code = compile(module, filename, 'exec', dont_inherit=True)
    except (TypeError, ValueError):
        # A node without a location (converters should give every node one).
        code = compile(ast.fix_missing_locations(module), filename, 'exec', dont_inherit=True)
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own generated module
    inner = namespace[_FACTORY](*([None] * (1 + len(free_vars))))
    code = inner.__code__
    if not isinstance(converted, ast.Lambda):
        code = code.replace(co_name=name)
    if qualname and hasattr(code, 'co_qualname'):   # 3.11+: functions take it from the code
        code = _with_qualnames(code, code.co_qualname, qualname, frozenset(generated))
    return code


def _user_qualname(q, old, new, generated):
    """`q` (a qualified name under the factory's `old`) as it is in the original: `new`
    instead of `old`, and no level of a generated function (`if_true.<locals>`)."""
    if q == old:
        return new
    if not q.startswith(old + '.'):
        return q
    parts = q[len(old) + 1:].split('.')
    out = []
    i = 0
    while i < len(parts):
        if parts[i] in generated and i + 1 < len(parts) and parts[i + 1] == '<locals>':
            i += 2
            continue
        out.append(parts[i])
        i += 1
    return '.'.join([new] + out)


def _with_qualnames(code, old, new, generated):
    """`code` with every function and class the user defined inside it (at any depth) named
    as in the original. The converted function's own code and the generated ones keep their
    factory names (`ag__factory.<locals>...`), which mark converted code in tracebacks."""
    consts = list(code.co_consts)
    changed = False
    user = code.co_qualname != old and code.co_name not in generated
    is_class_body = not code.co_flags & 0x2      # no CO_NEWLOCALS: a class body
    for i, k in enumerate(consts):
        if isinstance(k, types.CodeType):
            consts[i] = _with_qualnames(k, old, new, generated)
            changed = True
        elif user and is_class_body and type(k) is str and k == code.co_qualname:
            consts[i] = _user_qualname(k, old, new, generated)   # its __qualname__
            changed = True
    if user:
        return code.replace(co_consts=tuple(consts),
                            co_qualname=_user_qualname(code.co_qualname, old, new, generated))
    if changed:
        return code.replace(co_consts=tuple(consts))
    return code


def nested_codes(code):
    """The code objects of every function nested in `code` (at any depth)."""
    out = []
    stack = [code]
    while stack:
        c = stack.pop()
        for const in c.co_consts:
            if isinstance(const, types.CodeType):
                out.append(const)
                stack.append(const)
    return out


def new_function(code, original, ag_module):
    """A function running `code` with `original`'s globals, closure, defaults and metadata.

    Every free variable of `code` is one of `original`'s, except the helper module's name
    (`ag__`, or `ag___N` when the user's code has its own `ag__`), which gets `ag_module`.
    """
    cells = {}
    if original.__closure__:
        cells = dict(zip(original.__code__.co_freevars, original.__closure__))
    closure = []
    for name in code.co_freevars:
        if name == 'ag__' and name not in cells or name.startswith('ag___') \
                and name not in cells:
            closure.append(types.CellType(ag_module))
        else:
            cell = cells.get(name)
            closure.append(cell if cell is not None else types.CellType())
    fn = types.FunctionType(code, original.__globals__, original.__name__,
                            original.__defaults__, tuple(closure) or None)
    fn.__kwdefaults__ = original.__kwdefaults__
    fn.__qualname__ = original.__qualname__
    fn.__module__ = original.__module__
    fn.__doc__ = original.__doc__
    fn.__annotations__ = original.__annotations__
    fn.__dict__.update(original.__dict__)
    return fn


def register_source(text, name_hint, owner=None):
    """Registers generated source with linecache; returns the `<autograph ...>` name.

    With `owner` (an object that can be weakly referenced), the entry is removed when the
    owner is collected, so converting many short-lived functions does not grow linecache.
    """
    with _lock:
        name = '<autograph %s #%d>' % (name_hint, next(_counter))
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    linecache.cache[name] = (len(text), None, lines, name)
    if owner is not None:
        weakref.finalize(owner, linecache.cache.pop, name, None)
    return name
