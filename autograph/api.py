"""The user-facing entry points of the converter: to_graph, to_code, do_not_convert.

    g = ag.to_graph(f)     # converted function: plain Python on plain values, graph ops on
                           # graph tensors
    print(ag.to_code(f))   # the generated source

Conversions are cached per code object (a closure re-created at every call converts once) and
per function object (`to_graph(f) is to_graph(f)`, closures excepted). The conversion core,
`convert` and `converted_call` (which converts called user functions through `convert`), is
`autograph.impl.conversion`; this module adds the entry points above it.

Converted code is compiled straight from the syntax tree with the user's file name and line
numbers. Its text is produced the first time it is asked for (`to_code`,
`generated_source_name`) and then registered with `linecache` under an `<autograph ...>` name:
converting is on the hot path of every call `converted_call` makes, reading the code is not.
"""
import functools
import gc
import inspect
import types

from autograph.converters import pipeline
from autograph.impl.conversion import (_CONVERTED, _call_method, _conversion, _convert_node,
                                       _generated, _limit_for, _nesting_limit,
                                       _python_callable, _strict_context, convert,
                                       do_not_convert, is_marked_do_not_convert, is_strict,
                                       set_strict)
from autograph.pyct import errors
from autograph.pyct import gast_util
from autograph.pyct import loader
from autograph.pyct import module_functions
from autograph.pyct import module_text
from autograph.pyct import naming
from autograph.pyct import origin_info
from autograph.pyct import parser
from autograph.pyct import transformer

ConversionError = errors.ConversionError

__all__ = ['to_graph', 'to_code', 'do_not_convert', 'is_marked_do_not_convert', 'convert',
           'convert_module_source', 'generated_source_name', 'is_strict', 'set_strict', 'ConversionError', 'STAGES']

STAGES = pipeline.STAGES


def to_graph(fn, recursive=True, strict=None):
    """Converts a function so that its control flow also works on graph tensors.

    The converted function runs exactly like `fn` on Python values and eager tensors; on graph
    tensors, `if`/`while`/`for` whose condition or iterable is a tensor build cond/while_loop
    ops. It keeps `fn`'s name, docstring and signature.

    Args:
      fn: a Python function, lambda, method or callable object.
      recursive: also convert the user functions `fn` calls (when they are called).
      strict: if True, a called function that cannot be converted raises ConversionError
        instead of running unconverted with a warning (default: `is_strict()`).

    Returns:
      The converted callable (cached: converting the same function again returns it).

    Raises:
      ConversionError: `fn` cannot be converted (with the file, line and reason).
    """
    converted = convert(fn, recursive)
    if strict is None:
        return converted

    @functools.wraps(converted)
    def strict_wrapper(*args, **kwargs):
        token = _strict_context.set(bool(strict))
        try:
            return converted(*args, **kwargs)
        finally:
            _strict_context.reset(token)
    return strict_wrapper


def _function_of(fn):
    """The Python function whose code `fn` runs: through ag.functions, methods, partials and
    callable objects, in any nesting (a partial of an ag.function method, ...)."""
    for _ in range(16):
        before = fn
        fn = _python_callable(fn)
        if getattr(fn, '__wrapped__', None) is not None and getattr(fn, _CONVERTED, None) is None:
            inner = inspect.unwrap(fn)
            if getattr(inner, _CONVERTED, None) is not None:
                fn = inner
        if isinstance(fn, (types.MethodType, staticmethod, classmethod)):
            fn = fn.__func__
        if type(fn) is functools.partial:
            fn = fn.func
        if type(fn) is not types.FunctionType and callable(fn) and not isinstance(fn, type) \
                and not getattr(type(fn), '_ag_is_function', False):
            call = _call_method(fn)
            if type(call) is types.FunctionType:
                fn = call
        if fn is before:
            break
    return fn


def to_code(fn, line_numbers=False, stage=None, recursive=True):
    """Returns the source code generated for `fn`.

    Args:
      fn: what `to_graph` accepts (or a function `to_graph` returned).
      line_numbers: annotate every generated statement with the user's line number.
      stage: stop after the named converter of the pipeline (see `STAGES`), to see what each
        one does. The first stage, `unsupported`, was called `functions`; that name is
        still accepted.
      recursive: as for `to_graph` (without it, calls are not rewritten).

    Returns:
      The generated source, as a string.

    Raises:
      ConversionError: `fn` cannot be converted.
    """
    fn = _function_of(fn)
    if type(fn) is not types.FunctionType:
        convert(fn, recursive)   # raises the right ConversionError
    conv = getattr(fn, _CONVERTED, None)
    if conv is None and fn.__code__ not in _generated:
        conv = _conversion(fn, recursive)
    if conv is not None and conv.source is not None and stage is None and not line_numbers:
        return conv.source
    with _limit_for(fn):
        entity, node, _ = _convert_node(fn, conv.recursive if conv is not None else recursive,
                                     stage)
        text = parser.unparse(node)
        if line_numbers:
            mapping = origin_info.line_map(node, text)
    if stage is None and conv is not None and conv.source is None:
        conv.source = text
        conv.linecache_name = loader.register_source(text, conv.name, owner=conv)
    if line_numbers:
        text = origin_info.annotate_lines(text, mapping, entity.filename)
    return text


def generated_source_name(fn):
    """The `<autograph ...>` linecache name of `fn`'s generated source (registers it)."""
    to_code(fn)
    return getattr(getattr(_function_of(fn), _CONVERTED, None), 'linecache_name', None) or \
        _conversion(_function_of(fn), True).linecache_name


# --- whole modules (the CLI) --------------------------------------------------------------

def _collector_paused(convert):
    """Runs `convert` with Python's cyclic garbage collector off (its state restored after).

    Converting a whole module keeps its syntax tree and every converted function alive until
    the end and makes almost no cyclic garbage, yet allocates enough for the collector to
    rescan that growing heap again and again: a third of the time for a file of 4,000
    functions, and the reason the time per function grew with the file's size.
    """
    @functools.wraps(convert)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return convert(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return wrapper


def _final_text(new, text, lines, first, last, line_numbers, newline, indent):
    """The text that replaces lines `first`..`last` of the module: the converted function's
    `text` (unparsed from `new`, at column 0) with the user's comments kept, line marks if
    asked, indented by `indent` (that of the original `def` line)."""
    mapping = origin_info.line_map(new, text)
    if '#' in ''.join(lines[first - 1:last]):
        text, mapping = module_text.keep_comments(text, mapping, lines, first, last)
    if line_numbers:
        text = origin_info.annotate_lines(text, mapping)
    return module_text.indent_block(text, indent, newline)


@_collector_paused
def convert_module_source(source, filename, line_numbers=False, stage=None, tree=None):
    """Converts every function and method in a module's source text, without running it.

    The result is `source` with each converted function replaced by its converted text and
    `from autograph.impl.conversion import ag__` added after the module docstring and
    `__future__` imports (or after a shebang and coding cookie): every other line (comments,
    blank lines, docstrings, decorators, module-level code) is kept exactly, line endings
    included. A function the conversion leaves unchanged is kept as written; in a function it
    changes, comments stay above the statements they preceded and after the lines of code
    that are unchanged (see module_text.keep_comments), the others are dropped.

    Args:
      source: the module's source text.
      filename: its file name (used in error messages).
      line_numbers: end every line of a converted function that starts a statement with
        `  # L<line>`, the line of `source` it comes from (the format of
        `to_code(f, line_numbers=True)`).
      stage: stop after the named converter of the pipeline (see `STAGES`; the old name
        `functions` of the `unsupported` stage is still accepted).
      tree: the stdlib `ast` tree of `source`, if the caller has parsed it already (it is
        not changed); else `source` is parsed.

    Returns:
      The converted module source.

    Raises:
      ConversionError: a syntax error or an unsupported construct, with file:line.
      ValueError: an unknown `stage`.
    """
    stage = pipeline.resolve_stage(stage)
    module = tree if tree is not None else parser.parse_module_ast(source, filename)
    lines = module_text.source_lines(source)
    reserved = naming.identifiers(source)
    # (first line, last line, text) of each converted function, its final text: the trees are
    # not kept (a whole module's converted trees would be alive until the end). Only the
    # functions are turned into gast trees, one at a time.
    replaced = []
    newline = module_text.newline_of(lines)
    helper = naming.helper_name(reserved)

    def convert_body(body):
        # Every function not nested in a function, in any block of the module or of a class:
        # the functions `autograph convert` lists and counts (the same walk).
        for _, node, _ in module_functions.walk(body):
            first, last = node.lineno, node.end_lineno  # decorators stay as written
            ctx = transformer.Context(filename, lines, naming.Namer(reserved))
            # Without comments to keep or line marks to add, the text is unparsed indented
            # as the `def` line, and only its line endings may change.
            indent = module_text.indentation(lines[first - 1])
            plain = not line_numbers and '#' not in ''.join(lines[first - 1:last])
            at = indent if plain else ''
            # Whether conversion changed the function: with every converter run, a change
            # calls the helpers, so if the function's text does not name them, it changed
            # iff the converted text does (no unparse of the original needed). Converted
            # code without helper calls runs exactly as the original anyway.
            quick = stage is None and helper not in ''.join(lines[first - 1:last])
            with _nesting_limit(node.name, filename, node.lineno):
                gnode = gast_util.ast_to_gast(node)
                gnode.decorator_list = []
                before = None if quick else parser.unparse(gnode, indent=at)
                new, _ = naming.convert_with_helper_name(
                    gnode, ctx, lambda n, c=ctx: pipeline.convert(n, c, stage=stage))
                new.decorator_list = []  # (the converter may return `gnode` itself)
                text = parser.unparse(new, indent=at)
            if (helper in text) if quick else (text != before):
                # (else the function stays as written, comments and all)
                if not plain:
                    text = _final_text(new, text, lines, first, last, line_numbers,
                                       newline, indent)
                elif newline != '\n':
                    text = text.replace('\n', newline) + newline
                else:
                    text += newline
                replaced.append((first, last, text))
            gnode.body = new.body = []   # done with this function's trees: free them

    convert_body(module.body)
    # Assembled front to back (replacing slices in place would move the rest of the file once
    # per function).
    out, done = [], 0
    for first, last, text in sorted(replaced, key=lambda r: r[0]):
        out.extend(lines[done:first - 1])
        out.append(text)
        done = last
    out.extend(lines[done:])
    # `ag__`, unless the module uses that name itself (then what convert_with_helper_name chose).
    module_text.insert_line(out, module_text.runtime_import_line(module, lines),
                            module_text.runtime_import(naming.helper_name(reserved)))
    return ''.join(out)
