"""The conversion core: `convert` (cached conversions of functions) and `converted_call`,
how converted code calls anything, with `ag__`, the namespace converted code calls its helpers
through. They live in one module because each needs the other: converted code calls
`converted_call`, which converts the functions it calls.

    converted_call(f, args, kwargs)  ==  convert(f)(*args, **kwargs)

A call with `**` unpacking is `converted_call_kw(f, args)(k=1, **kw)`, which lets Python merge
the keywords.

* builtins with a tensor overload (`range`, `len`, `enumerate`, `zip`, `abs`, `min`, `max`,
  `int`, `float`) go to `py_builtins`; every other builtin (`print`, `isinstance`, ...) is
  called as it is;
* user functions, methods and callable objects are converted (recursively) through `convert`,
  which caches conversions;
* functions marked `do_not_convert`, functions of numpy, the standard library and autograph
  itself, classes and C functions are called as they are;
* a function that cannot be converted runs unconverted, with a one-time warning naming it
  (an error in strict mode: `AUTOGRAPH_STRICT=1` or `set_strict(True)`); `ag.function`
  makes the same decision through `convert_or_as_is`.

`ag__` is every helper of `autograph.operators` plus `converted_call` and
`converted_call_kw`; files converted by the `autograph` command import it with
`from autograph.impl.conversion import ag__`. The operators (and so numpy) are imported on
first use: `autograph convert` does not load them. The user-facing entry points are in
`autograph.api`.
"""
import contextlib
import contextvars
import functools
import logging
import os
import sys
import sysconfig
import threading
import types
import weakref

from autograph import _config
from autograph.converters import pipeline
from autograph.pyct import errors
from autograph.pyct import loader
from autograph.pyct import naming
from autograph.pyct import parser
from autograph.pyct import transformer

__all__ = ['convert', 'convert_or_as_is', 'converted_call', 'converted_call_kw',
           'do_not_convert', 'is_marked_do_not_convert', 'is_strict', 'set_strict']

_DO_NOT_CONVERT = '_autograph_do_not_convert'
_CONVERTED = '_autograph_conversion'

_lock = threading.RLock()
_by_code = weakref.WeakKeyDictionary()      # code -> {(filename, recursive): _Conversion}
_generated = loader.converted_codes          # code objects of converted code (nested included)
# function -> {recursive: converted function} lives on the function itself (attribute
# _BY_FUNCTION, with a weak reference saying which function it belongs to, since
# functools.wraps copies __dict__): a table keyed by the function would keep it alive through
# the converted function's __globals__ (a function made by exec in a fresh namespace).
_BY_FUNCTION = '_autograph_converted'
_marked_ids = {}                            # id -> object, for objects without attributes
_strict_default = None
_strict_context = contextvars.ContextVar('autograph_strict', default=None)


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


def _detached(e):
    """A copy of the exception `e` without its traceback, cause and context."""
    copy = type(e).__new__(type(e))
    copy.__dict__.update(e.__dict__)
    copy.args = e.args
    return copy


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
            raise _detached(conv)
        if conv is None:
            with _limit_for(fn):
                try:
                    entity, node, (helper, generated) = _convert_node(fn, recursive)
                except errors.ConversionError as e:
                    # Do not parse again to fail again; a copy without the traceback, which
                    # would keep the frames of this call (and all their variables) alive.
                    per_code[key] = _detached(e)
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
    converted = loader.new_function(conv.code, fn, _namespace())
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


def convert_or_as_is(fn, on_failure):
    """`convert(fn)`, or `fn` itself when it cannot be converted and strict mode is off
    (`on_failure(error)` is called then, to warn). The one decision `converted_call` and
    `ag.function` share.

    Raises:
      ConversionError: `fn` cannot be converted and strict mode is on.
    """
    try:
        return convert(fn)
    except errors.ConversionError as e:
        if is_strict():
            raise
        on_failure(e)
        return fn


logger = logging.getLogger("autograph")

_FunctionType = types.FunctionType
_MethodType = types.MethodType
_OVERLOADS = {}     # id(builtin) -> overload: py_builtins' and the backends' (see _setup)
_operators = None   # autograph.operators once _setup imported it
_ag = None          # the `ag__` namespace, made on first use

# Module-level functions and methods (no closure, not defined inside a function) -> (the
# callable to run, the function's __defaults__ and __kwdefaults__ it was made for). Functions created at run time (closures, nested defs, lambdas in a body)
# are not kept here: the conversion cache of `convert` handles them, and they would pile up.
_cache = {}
# Bounded: the cache holds its functions (and their converted copies hold them through
# __globals__), so functions made at run time by exec in fresh namespaces would pile up.
_CACHE_LIMIT = 4096
_skip_codes = set()      # code objects that are never converted (decided once)
_warned = set()
_failed = set()          # code objects whose conversion failed (an error in strict mode)

_NEVER_CONVERTED = frozenset([
    "autograph", "numpy", "scipy", "pandas", "gast", "pytest", "_pytest", "pluggy", "jax",
    "jaxlib", "torch", "tensorflow", "IPython",
])
# The standard library, by location (a user module may well be called `test` or `code`).
_STDLIB_DIRS = tuple(sorted({os.path.normcase(sysconfig.get_paths()[k]) + os.sep
                             for k in ("stdlib", "platstdlib")}))


def converted_call(f, args, kwargs=None):
    """Calls `f(*args, **kwargs)`, converting `f` first when it is user code.

    Args:
      f: the callable the user's code calls.
      args: tuple of positional arguments.
      kwargs: dict of keyword arguments, or None.
    Returns:
      what the (converted) call returns.
    Raises:
      autograph.pyct.errors.ConversionError: in strict mode, `f` cannot be converted.
    """
    t = type(f)
    if t is _FunctionType:      # _function's cache look-up, inlined: the hottest path
        entry = _cache.get(f)
        if entry is None or entry[1] is not f.__defaults__ \
                or entry[2] is not f.__kwdefaults__:
            conv = _function(f)
        else:
            conv = entry[0]
    elif t is _MethodType:
        func = f.__func__
        if type(func) is _FunctionType:
            conv = _function(func)
            if conv is func:
                conv = f
            else:
                args = (f.__self__,) + tuple(args)
        else:
            conv = f
    else:
        conv = _OVERLOADS.get(id(f))
        if conv is None:
            conv = _other(f)
    if kwargs:
        return conv(*args, **kwargs)
    return conv(*args)


class converted_call_kw:  # noqa: N801 - used like a function: converted_call_kw(f, args)(**kw)
    """`converted_call_kw(f, args)(k=1, **kw)`  ==  `converted_call(f, args, {'k': 1, **kw})`,
    for calls with `**` unpacking: Python merges the keywords itself, in order, with its own
    errors, which name `f` (its message reads this object's `__qualname__`/`__module__`).
    """

    def __init__(self, f, args):
        self._f = f
        self._args = args
        t = type(f)
        if t is _FunctionType or t is _MethodType:   # (other callables: on demand)
            self.__dict__["__qualname__"] = f.__qualname__
            self.__dict__["__module__"] = f.__module__

    def __getattr__(self, name):
        if name == "__qualname__":     # only read for an error message
            return getattr(self._f, name)
        raise AttributeError(name)

    def __call__(self, **kwargs):
        return converted_call(self._f, self._args, kwargs)


def _cacheable(f):
    return f.__closure__ is None and "<locals>" not in f.__qualname__


_backend_overloads = None     # id(function) -> replacement, from the staging backends
_overload_keys = []           # keeps those functions (and so their ids) alive


def _setup():
    """Imports autograph.operators (which imports numpy) on first use, and with it the
    builtins' overloads; returns the package."""
    global _operators
    if _operators is None:
        from autograph import operators
        from autograph.operators import dispatch, py_builtins
        _OVERLOADS.update(py_builtins.BUILTIN_OVERLOADS)
        dispatch.on_change(_backends_changed)
        _operators = operators
    return _operators


def _namespace():
    """`ag__`: the helpers of autograph.operators plus `converted_call`/`converted_call_kw`."""
    global _ag
    if _ag is None:
        operators = _setup()
        ag = types.ModuleType('ag__', 'The helpers converted code calls: autograph.operators '
                              'and converted_call.')
        ag.__dict__.update({name: getattr(operators, name) for name in operators.__all__})
        ag.converted_call = converted_call
        ag.converted_call_kw = converted_call_kw
        _ag = ag
    return _ag


def __getattr__(name):
    if name == 'ag__':     # `from autograph.impl.conversion import ag__` (converted files)
        return _namespace()
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


def _backend_overload(f):
    """A staging backend's replacement for one of its library's functions, if any."""
    global _backend_overloads
    if _backend_overloads is None:
        from autograph.operators import dispatch
        _setup()
        _backend_overloads = {}
        for backend in dispatch.backends():
            for fn, replacement in backend.call_overloads().items():
                _backend_overloads[id(fn)] = replacement
                _overload_keys.append(fn)
        _OVERLOADS.update(_backend_overloads)
    return _backend_overloads.get(id(f))


def _backends_changed():
    global _backend_overloads
    _cache.clear()
    _OVERLOADS.clear()
    from autograph.operators import py_builtins
    _OVERLOADS.update(py_builtins.BUILTIN_OVERLOADS)
    _backend_overloads = None
    del _overload_keys[:]


def _function(f):
    """The callable to run for the Python function `f` (converted or `f` itself)."""
    entry = _cache.get(f)
    if entry is not None and entry[1] is f.__defaults__ and entry[2] is f.__kwdefaults__:
        return entry[0]
    overload = _backend_overload(f)
    if overload is not None:
        _cache[f] = (overload, f.__defaults__, f.__kwdefaults__)
        return overload
    code = f.__code__
    if code in _skip_codes:
        if code in _failed and is_strict():
            return _convert(f)   # strict mode now: raises the ConversionError
        return f
    conv = _convert(f)
    if conv is f:
        _skip_codes.add(code)
    if _cacheable(f) and code not in _failed:   # failed ones must see strict mode later
        # With the defaults it was made for: a converted function carries `f`'s defaults
        # of the time it was converted, so a change of `f.__defaults__` converts again
        # (`convert` then gives the cached conversion the new defaults).
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[f] = (conv, f.__defaults__, f.__kwdefaults__)
    return conv


def _never_converted(f):
    module = getattr(f, "__module__", None) or ""
    if module.partition(".")[0] in _NEVER_CONVERTED:
        return True
    filename = getattr(getattr(f, "__code__", None), "co_filename", "")
    if filename.startswith("<frozen"):
        return True
    filename = os.path.normcase(filename)
    return filename.startswith(_STDLIB_DIRS) and "site-packages" not in filename


def _convert(f):
    if _never_converted(f) or is_marked_do_not_convert(f):
        return f

    def warn_once(error):
        key = getattr(f, "__code__", f)
        _failed.add(key)
        if key not in _warned:
            _warned.add(key)
            logger.warning("autograph could not convert %s and runs it unconverted (tensor "
                           "control flow inside it will not be staged): %s",
                           _describe(f), str(error))   # (a record keeps no traceback)
    return convert_or_as_is(f, warn_once)


def _describe(f):
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
    code = getattr(f, "__code__", None)
    if code is not None:
        return "'%s' (%s:%d)" % (name, code.co_filename, code.co_firstlineno)
    return "'%s'" % name


def _other(f):
    """Callables that are neither plain functions nor bound methods."""
    if _operators is None:      # (converted_call called before any `ag__` was made)
        _setup()
        overload = _OVERLOADS.get(id(f))
        if overload is not None:
            return overload
    overload = _backend_overload(f)
    if overload is not None:
        return overload
    if isinstance(f, (type, types.BuiltinFunctionType, types.BuiltinMethodType,
                      types.MethodWrapperType, types.WrapperDescriptorType,
                      types.MethodDescriptorType)):
        return f
    if type(f) is functools.partial:
        inner = f.func

        def call_partial(*args, **kwargs):
            merged = dict(f.keywords)
            merged.update(kwargs)
            return converted_call(inner, f.args + args, merged)
        return call_partial
    call = _call_method(f)
    if type(call) is _FunctionType:
        conv = _function(call)
        if conv is not call:
            return functools.partial(conv, f)
    return f

