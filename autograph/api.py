"""The user-facing entry points of the converter: to_graph, to_code, do_not_convert.

    g = ag.to_graph(f)     # converted function: plain Python on plain values, graph ops on
                           # graph tensors
    print(ag.to_code(f))   # the generated source

Conversions are cached per code object (a closure re-created at every call converts once) and
per function object (`to_graph(f) is to_graph(f)`, closures excepted). `converted_call` (in
`autograph.operators`) converts called user functions through `convert`.

Converted code is compiled straight from the syntax tree with the user's file name and line
numbers. Its text is produced the first time it is asked for (`to_code`,
`generated_source_name`) and then registered with `linecache` under an `<autograph ...>` name:
converting is on the hot path of every call `converted_call` makes, reading the code is not.
"""
import contextlib
import contextvars
import functools
import gc
import inspect
import sys
import threading
import types
import weakref

import gast

from autograph import _config
from autograph.converters import pipeline
from autograph.pyct import errors
from autograph.pyct import loader
from autograph.pyct import module_text
from autograph.pyct import naming
from autograph.pyct import origin_info
from autograph.pyct import parser
from autograph.pyct import transformer

ConversionError = errors.ConversionError

__all__ = ['to_graph', 'to_code', 'do_not_convert', 'is_marked_do_not_convert', 'convert',
           'convert_module_source', 'generated_source_name', 'is_strict', 'set_strict', 'ConversionError', 'STAGES']

STAGES = pipeline.STAGES

_DO_NOT_CONVERT = '_autograph_do_not_convert'
_CONVERTED = '_autograph_conversion'

_lock = threading.RLock()
_by_code = weakref.WeakKeyDictionary()      # code -> {(filename, recursive): _Conversion}
# function -> {recursive: converted function} lives on the function itself (attribute
# _BY_FUNCTION, with a weak reference saying which function it belongs to, since
# functools.wraps copies __dict__): a table keyed by the function would keep it alive through
# the converted function's __globals__ (a function made by exec in a fresh namespace).
_BY_FUNCTION = '_autograph_converted'
_generated = weakref.WeakSet()              # code objects of converted code (nested included)
_marked_ids = {}                            # id -> object, for objects without attributes
_strict_default = None
_strict_context = contextvars.ContextVar('autograph_strict', default=None)
_operators = None


class _Conversion:
    """The result of converting one code object.

    The generated text is produced on demand (`to_code`), then kept and registered with
    linecache: converting is on the hot path of `converted_call`, reading the code is not.
    """

    __slots__ = ('code', 'filename', 'lineno', 'name', 'recursive', 'source',
                 'linecache_name', '__weakref__')

    def __init__(self, code, filename, lineno, name, recursive):
        self.code = code
        self.filename = filename
        self.lineno = lineno
        self.name = name
        self.recursive = recursive
        self.source = None
        self.linecache_name = None


def _ag_module():
    global _operators
    if _operators is None:
        from autograph import operators
        _operators = operators
    return _operators


# --- strict mode --------------------------------------------------------------------------

def set_strict(value):
    """Sets the process-wide default of strict mode (None: from $AUTOGRAPH_STRICT)."""
    global _strict_default
    _strict_default = value


def is_strict():
    """Whether a function that cannot be converted is an error (instead of a warning).

    On when `to_graph(..., strict=True)` is running, or set with `set_strict(True)`, or the
    environment variable AUTOGRAPH_STRICT is 1/true/yes/on.

    Raises:
      ValueError (autograph._config.ConfigError): AUTOGRAPH_STRICT is not a yes/no value.
    """
    value = _strict_context.get()
    if value is None:
        value = _strict_default
    if value is None:
        value = _config.strict()
    return bool(value)


# --- do_not_convert -----------------------------------------------------------------------

def do_not_convert(fn=None):
    """Marks `fn` to be called as it is by converted code (usable as a decorator).

    Args:
      fn: a function, method or callable object.

    Returns:
      `fn` itself, marked.
    """
    if fn is None:
        return do_not_convert
    target = getattr(fn, '__func__', fn)
    try:
        setattr(target, _DO_NOT_CONVERT, True)
    except (AttributeError, TypeError):
        _marked_ids[id(target)] = target
    return fn


def is_marked_do_not_convert(fn):
    """True if `fn` (or the function of a bound method) was marked with `do_not_convert`."""
    target = getattr(fn, '__func__', fn)
    try:
        if getattr(target, _DO_NOT_CONVERT, False) is True:
            return True
    except Exception:  # noqa: BLE001 - exotic objects with failing __getattr__
        return False
    return id(target) in _marked_ids and _marked_ids[id(target)] is target


# --- conversion ---------------------------------------------------------------------------

def _new_context(entity_lines, filename, source, recursive):
    namer = naming.Namer(naming.identifiers(source))
    return transformer.Context(filename, entity_lines, namer, {'recursive': recursive})


def _convert_node(fn, recursive, stage=None):
    entity = parser.parse_entity(fn)
    ctx = _new_context(entity.lines, entity.filename, entity.source, recursive)
    # The helper module is `ag__` in generated code unless the user's code uses that name.
    node, helper = naming.convert_with_helper_name(
        entity.node, ctx, lambda node: pipeline.convert(node, ctx, stage=stage))
    return entity, node, (helper, ctx.namer.generated_names())


def _stack_depth():
    depth, frame = 0, sys._getframe(1)
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


@contextlib.contextmanager
def _nesting_limit(name, filename, lineno):
    """Turns a RecursionError of the converter into a ConversionError naming the function.

    The walks over the syntax tree handle expressions as deep as CPython compiles with little
    stack; code nested deeper than the recursion limit allows still fails, and says so. A
    RecursionError raised while the caller itself is deep (converting a function called by a
    deep recursion) is left as it is.
    """
    try:
        yield
    except RecursionError:
        if _stack_depth() > sys.getrecursionlimit() // 2:
            raise
        raise errors.ConversionError(
            "cannot convert '%s': its code is nested too deeply to convert within Python's "
            'recursion limit (%d)' % (name, sys.getrecursionlimit()),
            filename=filename, lineno=lineno, construct='nesting',
            hint='split the longest expression (or the deepest nesting) into several '
            'statements, or raise the limit with sys.setrecursionlimit') from None


def _limit_for(fn):
    code = fn.__code__
    return _nesting_limit(getattr(fn, '__qualname__', code.co_name), code.co_filename,
                          code.co_firstlineno)


def _conversion(fn, recursive):
    code = fn.__code__
    # Equal code objects from different files compare equal: the file is part of the key.
    key = (code.co_filename, recursive)
    per_code = _by_code.get(code)
    if per_code is not None:
        conv = per_code.get(key)
        if type(conv) is _Conversion:
            return conv
    with _lock:
        per_code = _by_code.setdefault(code, {})
        conv = per_code.get(key)
        if isinstance(conv, errors.ConversionError):
            raise conv
        if conv is None:
            with _limit_for(fn):
                try:
                    entity, node, (helper, generated) = _convert_node(fn, recursive)
                except errors.ConversionError as e:
                    per_code[key] = e       # do not parse again to fail again
                    raise
                new_code = loader.compile_function(
                    node, entity.filename, code.co_freevars,
                    loader.class_of(getattr(fn, '__qualname__', '')), helper,
                    getattr(fn, '__qualname__', None), generated)
            _generated.add(new_code)
            for nested in loader.nested_codes(new_code):
                _generated.add(nested)
            name = getattr(fn, '__qualname__', fn.__name__)
            conv = _Conversion(new_code, entity.filename, entity.lineno, name, recursive)
            per_code[key] = conv
    return conv


def _convert_function(fn, recursive):
    entry = fn.__dict__.get(_BY_FUNCTION)
    if entry is not None and entry[0]() is fn:
        converted = entry[1].get(recursive)
        if converted is not None:
            if converted.__defaults__ is not fn.__defaults__ \
                    or converted.__kwdefaults__ is not fn.__kwdefaults__:
                # `fn`'s defaults were replaced since it was converted: take the new ones.
                converted.__defaults__ = fn.__defaults__
                converted.__kwdefaults__ = fn.__kwdefaults__
            return converted
    conv = _conversion(fn, recursive)
    converted = loader.new_function(conv.code, fn, _ag_module())
    setattr(converted, _CONVERTED, conv)
    if fn.__closure__ is None:
        # A closure's cells may refer back to the function itself (a recursive nested
        # function): caching it here would keep it alive. Closures are re-created per call
        # of their parent anyway; their code conversion is cached above.
        with _lock:
            # Two threads may convert at once: the first stored result wins for both.
            entry = fn.__dict__.get(_BY_FUNCTION)
            if entry is None or entry[0]() is not fn:
                entry = (weakref.ref(fn), {})
                fn.__dict__[_BY_FUNCTION] = entry
            converted = entry[1].setdefault(recursive, converted)
    return converted


def convert(fn, recursive=True):
    """Converts `fn` (cached); the entry point `converted_call` uses.

    Args:
      fn: a Python function, lambda, bound method, functools.partial or callable object.
      recursive: whether calls inside `fn` are converted too (through `converted_call`).

    Returns:
      The converted callable; `fn` itself if it is marked `do_not_convert` or already
      converted.

    Raises:
      ConversionError: the source is unavailable (builtins, C functions, code without source)
        or uses a construct that cannot be converted; the message names the file and line.
    """
    fn = _python_callable(fn)
    if is_marked_do_not_convert(fn):
        return fn
    t = type(fn)
    if t is types.FunctionType:
        if fn.__code__ in _generated:
            return fn      # already converted (or defined inside converted code)
        return _convert_function(fn, recursive)
    if t is types.MethodType:
        func = fn.__func__
        converted = convert(func, recursive)
        return fn if converted is func else types.MethodType(converted, fn.__self__)
    if t is functools.partial:
        return functools.partial(convert(fn.func, recursive), *fn.args, **fn.keywords)
    if t is staticmethod or t is classmethod:
        return t(convert(fn.__func__, recursive))
    if isinstance(fn, type):
        raise errors.ConversionError(
            'cannot convert the class %s: convert its methods (or call it as it is)'
            % fn.__qualname__, construct='class')
    if isinstance(fn, (types.BuiltinFunctionType, types.BuiltinMethodType)) \
            or not callable(fn):
        raise errors.ConversionError(
            'cannot convert %r: it is not a Python function (builtins and C functions have '
            'no source)' % (fn,), construct='source',
            hint='call it as it is, or wrap it in a Python function')
    call = _call_method(fn)
    if type(call) is types.FunctionType:
        converted = convert(call, recursive)
        return fn if converted is call else types.MethodType(converted, fn)
    raise errors.ConversionError(
        'cannot convert %r: its __call__ is not a Python function' % (fn,), construct='source')


def _python_callable(fn):
    """The Python callable an `ag.function` wraps (a bound method for an ag.function method
    reached through its instance); any other `fn` as it is. `to_graph`, `to_code` and
    `convert` see the user's function, not the library's `__call__`."""
    while getattr(type(fn), '_ag_is_function', False):
        owner = getattr(fn, '__self__', None)
        fn = fn.python_function
        if owner is not None:
            fn = types.MethodType(fn, owner)
    return fn


def _call_method(obj):
    for klass in type(obj).__mro__:
        call = klass.__dict__.get('__call__')
        if call is not None:
            return call
    return None


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


def _final_text(new, text, lines, first, last, line_numbers, newline):
    """The text that replaces lines `first`..`last` of the module: the converted function's
    `text` (unparsed from `new`) with the user's comments kept, line marks if asked, indented
    as the original `def` line."""
    mapping = None
    if '#' in ''.join(lines[first - 1:last]):  # (cheap test before tokenizing)
        mapping = origin_info.line_map(new, text)
        text, mapping = module_text.keep_comments(text, mapping, lines, first, last)
    if line_numbers:
        if mapping is None:
            mapping = origin_info.line_map(new, text)
        text = origin_info.annotate_lines(text, mapping)
    return module_text.indent_block(text, module_text.indentation(lines[first - 1]), newline)


@_collector_paused
def convert_module_source(source, filename, line_numbers=False, stage=None):
    """Converts every function and method in a module's source text, without running it.

    The result is `source` with each converted function replaced by its converted text and
    `from autograph import operators as ag__` added after the module docstring and
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

    Returns:
      The converted module source.

    Raises:
      ConversionError: a syntax error or an unsupported construct, with file:line.
      ValueError: an unknown `stage`.
    """
    stage = pipeline.resolve_stage(stage)
    module = parser.parse_module_source(source, filename)
    lines = module_text.source_lines(source)
    reserved = naming.identifiers(source)
    # (first line, last line, text) of each converted function, its final text: the trees are
    # not kept (a whole module's converted trees would be alive until the end).
    replaced = []
    newline = module_text.newline_of(lines)
    helper = naming.helper_name(reserved)

    def convert_body(body):
        for node in body:
            t = type(node)
            if t is gast.FunctionDef or t is gast.AsyncFunctionDef:
                first, last = node.lineno, node.end_lineno  # decorators stay as written
                node.decorator_list = []
                ctx = transformer.Context(filename, lines, naming.Namer(reserved))
                # Whether conversion changed the function: with every converter run, a change
                # calls the helpers, so if the function's text does not name them, it changed
                # iff the converted text does (no unparse of the original needed). Converted
                # code without helper calls runs exactly as the original anyway.
                quick = stage is None and helper not in ''.join(lines[first - 1:last])
                with _nesting_limit(node.name, filename, node.lineno):
                    before = None if quick else parser.unparse(node)
                    new, _ = naming.convert_with_helper_name(
                        node, ctx, lambda n, c=ctx: pipeline.convert(n, c, stage=stage))
                    new.decorator_list = []  # (the converter may return `node` itself)
                    text = parser.unparse(new)
                if (helper in text) if quick else (text != before):
                    # (else the function stays as written, comments and all)
                    replaced.append((first, last, _final_text(new, text, lines, first, last,
                                                              line_numbers, newline)))
                node.body = new.body = []   # done with this function's trees: free them
            elif t is gast.ClassDef:
                convert_body(node.body)
            elif t in (gast.If, gast.Try, gast.With, gast.For, gast.While):
                for f in ('body', 'orelse', 'finalbody'):
                    convert_body(getattr(node, f, []))
                for h in getattr(node, 'handlers', ()):
                    convert_body(h.body)

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
