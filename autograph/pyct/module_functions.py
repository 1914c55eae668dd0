"""The functions of a module that are converted one by one: those not nested in a function.

`autograph convert` lists them (for `-f`, the count it reports and its messages) and
`api.convert_module_source` converts them; both walk the module with `walk` so that they
always agree. A function counts wherever the module or a class defines it: at the top, or in
any block of a statement (`if`/`else`, `try`/`except`/`except*`/`else`/`finally`, `with`,
`for`/`while` and their `else`, `match` cases, and `async with`/`async for`, which Python
accepts at that level only in an async function, so never in a valid module). Functions
nested in a function are converted with it. Works on stdlib `ast` trees; imports nothing.
"""

_BLOCKS = ('body', 'orelse', 'finalbody', 'handlers')


def walk(statements, prefix='', ancestors=()):
    """Yields (qualname, node, ancestors) for every function of `statements`, in source order.

    `qualname` is `f` or `C.m` (the names of the enclosing classes, dot-separated; blocks add
    nothing); `ancestors` is the tuple of enclosing statements, outermost first: classes,
    compound statements and, for a function in an exception handler, the handler.
    """
    for node in statements:
        name = type(node).__name__
        if name == 'FunctionDef' or name == 'AsyncFunctionDef':
            yield prefix + node.name, node, ancestors
        elif name == 'ClassDef':
            yield from walk(node.body, prefix + node.name + '.', ancestors + (node,))
        else:
            inner = ancestors + (node,)
            for field in _BLOCKS:
                children = getattr(node, field, None)
                if type(children) is list:
                    yield from walk(children, prefix, inner)
            for case in getattr(node, 'cases', ()):  # match statements
                yield from walk(case.body, prefix, inner)
