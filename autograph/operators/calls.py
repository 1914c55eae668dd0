"""`converted_call(f, args, kwargs)`: how generated code calls anything.

    converted_call(f, args, kwargs)  ==  convert(f)(*args, **kwargs)

A call with `**` unpacking is `converted_call_kw(f, args)(k=1, **kw)`, which lets Python merge
the keywords.

* builtins with a tensor overload (`range`, `len`, `enumerate`, `zip`, `abs`, `min`, `max`,
  `int`, `float`) go to `py_builtins`; every other builtin (`print`, `isinstance`, ...) is
  called as it is;
* user functions, methods and callable objects are converted (recursively) through
  `autograph.api.convert`, which caches conversions;
* functions marked `do_not_convert`, functions of numpy, the standard library and autograph
  itself, classes and C functions are called as they are;
* a function that cannot be converted runs unconverted, with a one-time warning naming it
  (an error in strict mode: `AUTOGRAPH_STRICT=1` or the api's strict setting).
"""

import functools
import logging
import os
import sysconfig
import types

from autograph.operators import dispatch, py_builtins

__all__ = ["converted_call", "converted_call_kw"]

logger = logging.getLogger("autograph")

_FunctionType = types.FunctionType
_MethodType = types.MethodType
_OVERLOADS = dict(py_builtins.BUILTIN_OVERLOADS)   # + the backends' call overloads

# Module-level functions and methods (no closure, not defined inside a function) -> (the
# callable to run, the function's __defaults__ and __kwdefaults__ it was made for). Functions created at run time (closures, nested defs, lambdas in a body)
# are not kept here: the api's conversion cache handles them, and they would pile up.
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
    if t is _FunctionType:
        entry = _cache.get(f)
        if entry is None or entry[1] is not f.__defaults__ \
                or entry[2] is not f.__kwdefaults__:
            conv = _function(f)
        else:
            conv = entry[0]
    elif t is _MethodType:
        func = f.__func__
        if type(func) is _FunctionType:
            entry = _cache.get(func)
            if entry is None or entry[1] is not func.__defaults__ \
                    or entry[2] is not func.__kwdefaults__:
                conv = _function(func)
            else:
                conv = entry[0]
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


def _backend_overload(f):
    """A staging backend's replacement for one of its library's functions, if any."""
    global _backend_overloads
    if _backend_overloads is None:
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
    _OVERLOADS.update(py_builtins.BUILTIN_OVERLOADS)
    _backend_overloads = None
    del _overload_keys[:]


dispatch.on_change(_backends_changed)


def _function(f):
    """The callable to run for the Python function `f` (converted or `f` itself)."""
    overload = _backend_overload(f)
    if overload is not None:
        _cache[f] = (overload, f.__defaults__, f.__kwdefaults__)
        return overload
    code = f.__code__
    if code in _skip_codes:
        if code in _failed and _strict(_api()):
            return _convert(f)   # strict mode now: raises the ConversionError
        return f
    conv = _convert(f)
    if conv is f:
        _skip_codes.add(code)
    if _cacheable(f) and code not in _failed:   # failed ones must see strict mode later
        # With the defaults it was made for: a converted function carries `f`'s defaults
        # of the time it was converted, so a change of `f.__defaults__` converts again
        # (`api.convert` then gives the cached conversion the new defaults).
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


def _api():
    try:
        from autograph import api
    except ImportError:
        return None
    return api


def _strict(api):
    is_strict = getattr(api, "is_strict", None)
    if callable(is_strict):
        try:
            return bool(is_strict())
        except Exception:  # noqa: BLE001 - a broken setting must not break calls
            pass
    from autograph import _config

    return _config.strict()


def _convert(f):
    if _never_converted(f):
        return f
    api = _api()
    if api is None or not hasattr(api, "convert"):
        return f  # the transpiler is not available: run as is
    marked = getattr(api, "is_marked_do_not_convert", None)
    if marked is not None and marked(f):
        return f
    try:
        from autograph.pyct.errors import ConversionError
    except ImportError:  # pragma: no cover - pyct ships with api
        ConversionError = ()
    try:
        return api.convert(f)
    except ConversionError as e:
        if _strict(api):
            raise
        key = getattr(f, "__code__", f)
        _failed.add(key)
        if key not in _warned:
            _warned.add(key)
            logger.warning("autograph could not convert %s and runs it unconverted (tensor "
                           "control flow inside it will not be staged): %s",
                           _describe(f), e)
        return f


def _describe(f):
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
    code = getattr(f, "__code__", None)
    if code is not None:
        return "'%s' (%s:%d)" % (name, code.co_filename, code.co_firstlineno)
    return "'%s'" % name


def _other(f):
    """Callables that are neither plain functions nor bound methods."""
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
    call = None
    for klass in type(f).__mro__:
        call = klass.__dict__.get("__call__")
        if call is not None:
            break
    if type(call) is _FunctionType:
        entry = _cache.get(call)
        if entry is None or entry[1] is not call.__defaults__ \
                or entry[2] is not call.__kwdefaults__:
            conv = _function(call)
        else:
            conv = entry[0]
        if conv is not call:
            return functools.partial(conv, f)
    return f
