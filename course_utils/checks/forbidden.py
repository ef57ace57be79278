"""Forbidden routines: the check before a student's function runs, and the guard while it runs.

Some questions forbid the library routine that answers them (``np.linalg.pinv``
for the pseudo-inverse).  :func:`assert_no_forbidden_calls` inspects what the
student's function can reach before it runs; :func:`forbid_calls` blocks the routines while it runs.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import importlib
import inspect
import re
import sys
import types

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

#: The task says "Do not call np.linalg.matrix_rank" (question 1b).
RANK_FORBIDDEN = ("numpy.linalg.matrix_rank",)

#: The task says "computed with np.linalg.eigvalsh (not from the SVD)" (question 3a).
SVD_FORBIDDEN = ("numpy.linalg.svd", "scipy.linalg.svd", "scipy.linalg.svdvals", "scipy.sparse.linalg.svds")

_DEFAULT_ADVICE = "build the result from np.linalg.svd yourself."


class ForbiddenCallError(AssertionError):
    """The student's function uses a routine that the question forbids."""

    # Its public home: tracebacks read course_utils.checks.ForbiddenCallError.
    __module__ = "course_utils.checks"


# ---------------------------------------------------------------------------
# The static check: names and objects the function can reach
# ---------------------------------------------------------------------------

_DYNAMIC = (builtins.eval, builtins.exec, builtins.compile, builtins.__import__)
# A def's first constant is its docstring (or None); these code objects have no docstring.
_NO_DOCSTRING = {"<lambda>", "<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"}


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


def _code_tree(code):
    """Yield `code` and every function, lambda and comprehension nested in it."""
    stack = [code]
    while stack:
        code = stack.pop()
        yield code
        stack.extend(const for const in code.co_consts if isinstance(const, types.CodeType))


def _string_constants(code):
    """Yield the string constants of `code` and its nested code, docstrings excepted."""
    for part in _code_tree(code):
        consts = list(part.co_consts)
        if part.co_name not in _NO_DOCSTRING and consts:
            consts = consts[1:]
        while consts:
            const = consts.pop()
            if isinstance(const, str):
                yield const
            elif isinstance(const, (tuple, frozenset)):
                consts.extend(const)


def _reachable(fn, code):
    """Objects `fn` can reach by name: closure cells, defaults, globals and builtins it names."""
    objects = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            objects.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    objects += getattr(fn, "__defaults__", None) or ()
    objects += (getattr(fn, "__kwdefaults__", None) or {}).values()
    globals_ = fn.__globals__
    builtins_ = globals_.get("__builtins__", builtins)
    builtins_ = vars(builtins_) if isinstance(builtins_, types.ModuleType) else builtins_
    for name in sorted(set().union(*(part.co_names for part in _code_tree(code)))):
        if name in globals_:
            objects.append(globals_[name])
        elif name in builtins_:
            objects.append(builtins_[name])
    return objects


def _find_forbidden(fn, entries, max_depth):
    """Return ``(kind, detail, via)`` for the first forbidden use in `fn`, or None.

    Objects the function reaches by name (globals, closure cells, defaults,
    ``functools.partial``) are compared by identity with the forbidden
    routines; a forbidden routine's name used as an attribute or imported
    name (``np.linalg.pinv``, ``from scipy.linalg import pinv``) counts as a
    use of it, attributed to the library the function imports.  The
    student's own helpers (functions sharing `fn`'s globals) are followed
    `max_depth` levels deep; `via` names them.
    """
    targets = {id(obj): dotted for dotted, _, _, obj in entries}

    def forbidden_object(obj):
        return targets.get(id(obj.func if isinstance(obj, functools.partial) else obj))

    if forbidden_object(fn):
        return "is", forbidden_object(fn), ()
    fn = _unwrap_callable(fn)
    root_globals = getattr(fn, "__globals__", None)
    queue, seen = [(fn, ())], set()
    while queue:
        fn, via = queue.pop(0)
        code = getattr(fn, "__code__", None)
        if not isinstance(code, types.CodeType) or code in seen:
            continue
        seen.add(code)
        reachable = _reachable(fn, code)
        for obj in reachable:
            if forbidden_object(obj):
                return "call", forbidden_object(obj), via
        names = set().union(*(part.co_names for part in _code_tree(code)))
        own = set(fn.__globals__)  # a global the student defines (a helper called pinv) is theirs
        modules = [obj for obj in reachable if isinstance(obj, types.ModuleType)]
        modules += [sys.modules[name] for name in names if name in sys.modules]  # import statements
        for dotted, module, attr, _ in entries:
            if attr in names - own and any(
                module is m or module.__name__.startswith(m.__name__ + ".") for m in modules
            ):
                return "call", dotted, via
        # An attribute with a forbidden name that no module the function reaches explains.
        unexplained = sorted(
            attr for attr in {attr for _, _, attr, _ in entries} & names - own
            if not any(hasattr(m, attr) for m in modules)
        )
        if unexplained:
            return "attr", unexplained[0], via
        dynamic = any(obj is f for obj in reachable for f in _DYNAMIC)
        short = "|".join(sorted({re.escape(attr) for _, _, attr, _ in entries}))
        for text in _string_constants(code):
            match = re.fullmatch(r"\s*(?:[A-Za-z_]\w*\.)*(%s)\s*" % short, text)
            if match:
                return "string", (text, match.group(1)), via
            match = dynamic and re.search(r"\b(%s)\b" % short, text)
            if match:
                return "eval", (text, match.group(1)), via
        for obj in reachable:
            if isinstance(obj, types.FunctionType) and obj.__globals__ is root_globals and len(via) < max_depth:
                queue.append((obj, via + (obj.__name__,)))
    return None


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

    A check of what the function can reach, before it runs (no source
    needed, so it works for functions defined in notebook cells and with
    ``exec``): the objects it names (globals, closure cells, defaults,
    ``functools.partial``) are compared by identity with the forbidden
    routines, and a forbidden routine's name used as an attribute or an
    imported name counts as a use (``npy.linalg.pinv``, ``la.pinv`` after
    ``la = np.linalg``, ``from scipy.linalg import pinv as P``, imports
    inside the function).  Nested functions, lambdas and the student's own
    helper functions (same global namespace, `max_depth` levels deep) are
    included.  A string constant naming a forbidden routine
    (``getattr(np.linalg, "pinv")``) is flagged, and so is one mentioning it
    when the function uses ``eval``/``exec``/``__import__``.  Tricks that
    escape this check are caught at run time by :func:`forbid_calls`.

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
    finding = _find_forbidden(fn, entries, max_depth)
    if finding is None:
        return
    kind, detail, via = finding
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
