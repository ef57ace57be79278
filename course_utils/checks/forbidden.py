"""Forbidden routines: the static scan and the run-time guard of the checks.

Some questions forbid the library routine that answers them (``np.linalg.pinv``
for the pseudo-inverse).  :func:`assert_no_forbidden_calls` scans the student's
function before it runs; :func:`forbid_calls` blocks the routines while it runs.
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import functools
import importlib
import inspect
import re
import sys
import types
import warnings

__all__ = [
    "DEFAULT_FORBIDDEN",
    "UINT8_FORBIDDEN",
    "ForbiddenCallError",
    "assert_no_forbidden_calls",
    "forbid_calls",
]


#: Routines that solve the pseudo-inverse / least-squares questions for the student.
DEFAULT_FORBIDDEN = (
    "numpy.linalg.pinv",
    "numpy.linalg.lstsq",
    "scipy.linalg.pinv",
    "scipy.linalg.pinvh",
    "scipy.linalg.lstsq",
)

#: Routines that do the uint8 conversion of ``to_uint8_image`` for the student.
UINT8_FORBIDDEN = (
    "course_utils.images.to_uint8",
    "skimage.util.img_as_ubyte",
    "skimage.img_as_ubyte",
)

_DEFAULT_ADVICE = "build the result from np.linalg.svd yourself."


class ForbiddenCallError(AssertionError):
    """The student's function uses a routine that the question forbids."""

    # Its public home: tracebacks read course_utils.checks.ForbiddenCallError.
    __module__ = "course_utils.checks"


# ---------------------------------------------------------------------------
# Forbidden routines: static scan and runtime guard
# ---------------------------------------------------------------------------

_UNSET = object()
_GLOBAL_LOADS = {"LOAD_GLOBAL", "LOAD_NAME"}
_LOCAL_LOADS = {
    "LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_FAST_BORROW",
    "LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_CLOSURE", "LOAD_FROM_DICT_OR_DEREF",
}
_ATTR_LOADS = {"LOAD_ATTR", "LOAD_METHOD"}
_STORES = {"STORE_FAST", "STORE_DEREF", "STORE_NAME", "STORE_GLOBAL"}
_DYNAMIC = (builtins.eval, builtins.exec, builtins.compile, builtins.__import__)


def _resolve_forbidden(forbidden):
    """Return ``[(dotted, module, attr, object)]`` for dotted names like ``"numpy.linalg.pinv"``."""
    entries = []
    for dotted in forbidden:
        if not isinstance(dotted, str) or "." not in dotted:
            raise TypeError(
                f"forbidden must hold dotted names such as 'numpy.linalg.pinv'; got {dotted!r}."
            )
        modname, _, attr = dotted.rpartition(".")
        try:
            module = importlib.import_module(modname)
            obj = getattr(module, attr)
        except (ImportError, AttributeError):
            raise ValueError(
                f"forbidden entry {dotted!r} does not name an importable function; check the spelling."
            ) from None
        obj = getattr(obj, "_forbidden_original", obj)  # already blocked by forbid_calls
        entries.append((dotted, module, attr, obj))
    return entries


class _Scanner:
    """Find references to forbidden routines in a function's byte code.

    Global names, closure cells, defaults, local aliases (``la = np.linalg``)
    and imports inside the function are resolved to objects and compared by
    identity with the forbidden routines; attribute chains are followed
    through modules only.  Nested functions/lambdas (code constants) are
    scanned, and so are the student's own helper functions (functions sharing
    the same global namespace), up to `max_depth` levels.
    """

    def __init__(self, entries, max_depth):
        self.entries = entries
        self.max_depth = max_depth
        self.short = {attr for _, _, attr, _ in entries}
        self.findings = []
        self.strings = []
        self.dynamic = False
        self.docs = set()
        self.seen = set()
        self.root_globals = None

    def scan(self, fn):
        for dotted, _, _, obj in self.entries:
            if fn is obj or (isinstance(fn, functools.partial) and fn.func is obj):
                self.findings.append(("is", dotted, ()))
                return self.findings
        fn = _unwrap_callable(fn)
        self.root_globals = getattr(fn, "__globals__", None)
        self._visit_function(fn, 0, ())
        exact = re.compile(r"^(?:[A-Za-z_]\w*\.)*(%s)$" % "|".join(map(re.escape, self.short)))
        word = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, self.short)))
        for text, via in self.strings:
            match = exact.match(text.strip())
            if match:
                self.findings.append(("string", (text, match.group(1)), via))
            elif self.dynamic and text not in self.docs and word.search(text):
                self.findings.append(("eval", (text, word.search(text).group(1)), via))
        return self.findings

    def _visit_function(self, fn, depth, via):
        code = getattr(fn, "__code__", None)
        if not isinstance(code, types.CodeType) or code in self.seen:
            return
        self.seen.add(code)
        self.docs.add(getattr(fn, "__doc__", None))
        env = {}
        for var, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
            try:
                env[var] = cell.cell_contents
            except ValueError:  # empty cell
                continue
            self._check(env[var], depth, via)
        defaults = list(getattr(fn, "__defaults__", None) or ())
        defaults += list((getattr(fn, "__kwdefaults__", None) or {}).values())
        for obj in defaults:
            self._check(obj, depth, via)
        self._scan_code(code, fn.__globals__, env, depth, via)

    def _check(self, obj, depth, via):
        if isinstance(obj, functools.partial):
            obj = obj.func
        for dotted, _, _, target in self.entries:
            if obj is target:
                self.findings.append(("call", dotted, via))
                return
        if any(obj is f for f in _DYNAMIC):
            self.dynamic = True
        if (
            isinstance(obj, types.FunctionType)
            and obj.__globals__ is self.root_globals
            and depth < self.max_depth
        ):
            self._visit_function(obj, depth + 1, via + (obj.__name__,))

    def _attr(self, obj, attr, via):
        if isinstance(obj, types.ModuleType):
            with warnings.catch_warnings():  # deprecated module attributes warn on access
                warnings.simplefilter("ignore")
                try:
                    return getattr(obj, attr)
                except Exception:
                    return _UNSET
        if obj is _UNSET and attr in self.short:
            self.findings.append(("attr", attr, via))
        return _UNSET

    def _scan_code(self, code, globals_, env, depth, via):
        bns = globals_.get("__builtins__", builtins)
        bns = vars(bns) if isinstance(bns, types.ModuleType) else bns
        cur, imported, prev_const = _UNSET, _UNSET, None
        for ins in dis.get_instructions(code):
            op, arg = ins.opname, ins.argval
            if op in _GLOBAL_LOADS:
                cur = env.get(arg, _UNSET) if op == "LOAD_NAME" else _UNSET
                if cur is _UNSET:
                    cur = globals_[arg] if arg in globals_ else bns.get(arg, _UNSET)
            elif op in _LOCAL_LOADS:
                cur = env.get(arg, _UNSET) if isinstance(arg, str) else _UNSET
            elif op in _ATTR_LOADS:
                cur = self._attr(cur, arg, via)
            elif op == "IMPORT_NAME":
                # `from a.b import c` leaves a.b on the stack, `import a.b` leaves a.
                top = arg if prev_const else arg.partition(".")[0]
                cur = imported = sys.modules.get(top, _UNSET)
            elif op == "IMPORT_FROM":
                cur = self._attr(imported, arg, via)
            elif op in _STORES:
                if cur is not _UNSET:
                    env[arg] = cur
                cur = _UNSET
            else:
                cur = _UNSET
            prev_const = arg if op == "LOAD_CONST" else None
            if cur is not _UNSET:
                self._check(cur, depth, via)
        for const in code.co_consts:
            self._scan_const(const, globals_, env, depth, via)

    def _scan_const(self, const, globals_, env, depth, via):
        if isinstance(const, types.CodeType):
            if const not in self.seen:
                self.seen.add(const)
                self._scan_code(const, globals_, env, depth, via)
        elif isinstance(const, str):
            self.strings.append((const, via))
        elif isinstance(const, (tuple, frozenset)):
            for item in const:
                self._scan_const(item, globals_, env, depth, via)


def _unwrap_callable(fn):
    if isinstance(fn, functools.partial):
        fn = fn.func
    if isinstance(fn, types.MethodType):
        fn = fn.__func__
    try:  # decorators (functools.wraps, lru_cache) keep the student's function in __wrapped__
        fn = inspect.unwrap(fn)
    except ValueError:
        pass
    if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)) and callable(fn):
        call = getattr(type(fn), "__call__", None)
        if isinstance(call, types.FunctionType):
            return call
    return fn


def _fn_name(fn, default):
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) else default


def assert_no_forbidden_calls(fn, forbidden=DEFAULT_FORBIDDEN, *, name=None, advice=_DEFAULT_ADVICE,
                              max_depth=2):
    """Assert that `fn` does not use any of the `forbidden` routines.

    A static scan of the byte code (no source needed, so it works for
    functions defined in notebook cells and with ``exec``).  Robust to
    aliases: ``import numpy as npy``; ``from numpy.linalg import pinv as p``;
    ``la = np.linalg`` then ``la.pinv``; ``import scipy.linalg as sla``;
    imports inside the function; closures and default arguments;
    ``functools.partial``; nested functions and lambdas; and the student's own
    helper functions (functions in the same global namespace, followed
    `max_depth` levels deep).  String constants naming a forbidden routine
    (``getattr(np.linalg, "pinv")``) are flagged, as are strings mentioning
    one when the code uses ``eval``/``exec``/``__import__``, and attributes
    with a forbidden name on objects that cannot be resolved.  Dynamic tricks
    that escape the scan are caught at run time by :func:`forbid_calls`.

    Parameters
    ----------
    fn : callable
        The student's function.
    forbidden : sequence of str, optional
        Dotted names of the forbidden routines; default
        :data:`DEFAULT_FORBIDDEN`.
    name : str, optional
        Name used in the message; default ``fn.__name__``.
    advice : str, optional
        What to do instead, ending the message.
    max_depth : int, optional
        How many levels of the student's helper functions to follow.

    Returns
    -------
    None

    Raises
    ------
    ForbiddenCallError
        (an ``AssertionError``) ``"pinv_svd calls numpy.linalg.pinv, which
        this question forbids: build the pseudo-inverse from np.linalg.svd
        yourself."``
    TypeError, ValueError
        If an entry of `forbidden` is not an importable dotted name.

    Examples
    --------
    >>> import numpy as np
    >>> def transpose(A):  # calls nothing forbidden (and answers no question)
    ...     return np.asarray(A).T
    >>> assert_no_forbidden_calls(transpose)
    """
    entries = _resolve_forbidden(forbidden)
    if not entries:
        return
    name = name or _fn_name(fn, "your function")
    findings = _Scanner(entries, max_depth).scan(fn)
    if not findings:
        return
    kind, detail, via = findings[0]
    through = f" (through your function {' -> '.join(via)})" if via else ""
    if kind == "is":
        msg = f"your function {name} is {detail} itself, which this question forbids"
    elif kind == "call":
        msg = f"{name} calls {detail}{through}, which this question forbids"
    else:
        short = detail if kind == "attr" else detail[1]
        matching = ", ".join(d for d, _, attr, _ in entries if attr == short)
        does = {
            "attr": f"uses an attribute called {short!r}",
            "string": f"looks up {detail[0]!r} by name",
            "eval": f"evaluates code that mentions {short!r} ({detail[0]!r})",
        }[kind]
        msg = f"{name} {does}{through}, but this question forbids {matching}"
    raise ForbiddenCallError(f"{msg}: {advice}")


def _blocker(dotted, name, advice, original):
    def blocked(*args, **kwargs):
        raise ForbiddenCallError(f"{name} calls {dotted}, which this question forbids: {advice}")

    blocked._forbidden_original = original
    blocked.__name__ = getattr(original, "__name__", "blocked")
    return blocked


@contextlib.contextmanager
def forbid_calls(forbidden=DEFAULT_FORBIDDEN, *, name="your function", advice=_DEFAULT_ADVICE):
    """Context manager: make the `forbidden` routines raise while it is active.

    Each forbidden routine is temporarily replaced, on its module, by a
    function raising :class:`ForbiddenCallError`; the originals are restored
    on exit, also after an exception.  This is the run-time safety net of
    :func:`assert_no_forbidden_calls`: it catches module-attribute access the
    static scan cannot see (``getattr(importlib.import_module(...), ...)``),
    but not a name bound before entering (``from numpy.linalg import pinv``),
    which the static scan catches.

    Parameters
    ----------
    forbidden : sequence of str, optional
        Dotted names; default :data:`DEFAULT_FORBIDDEN`.
    name : str, optional
        Name of the student's function, used in the message.
    advice : str, optional
        What to do instead, ending the message.

    Yields
    ------
    None

    Raises
    ------
    ForbiddenCallError
        When a forbidden routine is called inside the block.

    Examples
    --------
    >>> import numpy as np
    >>> with forbid_calls(name="pinv_svd"):  # doctest: +ELLIPSIS
    ...     np.linalg.pinv(np.eye(2))
    Traceback (most recent call last):
    course_utils.checks.ForbiddenCallError: pinv_svd calls numpy.linalg.pinv, which this question forbids: ...
    """
    entries = _resolve_forbidden(forbidden)
    saved = []
    try:
        for dotted, module, attr, obj in entries:
            saved.append((module, attr, getattr(module, attr)))
            setattr(module, attr, _blocker(dotted, name, advice, obj))
        yield
    finally:
        for module, attr, obj in reversed(saved):
            setattr(module, attr, obj)
