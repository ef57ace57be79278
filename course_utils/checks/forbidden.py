"""Forbidden routines: the check before a student's function runs, and the guard while it runs.

Some questions forbid the library routine that answers them (``np.linalg.pinv``
for the pseudo-inverse).  Two simple mechanisms, together:

* :func:`assert_no_forbidden_calls`, before the function runs: the objects it
  holds (the routine itself, the globals its code names, closure cells,
  defaults, ``functools.partial``, the same for the student's helper
  functions) are compared by identity with the forbidden routines.  This
  catches the aliases bound before the run (``from numpy.linalg import pinv
  as p``, ``inv=np.linalg.pinv``, ``numerical_rank = np.linalg.matrix_rank``).
* :func:`forbid_calls`, while it runs: each forbidden routine is replaced on
  its module by a function that raises.  This catches every other way of
  reaching it (``np.linalg.pinv``, ``la = np.linalg``, imports inside the
  function, ``getattr``, ``eval``), in the student's helpers too, and a call
  whose error the student's code swallows (``except Exception``) still fails.

A forbidden routine on a path that no case takes is not reported: it has no
part in any graded result.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import sys
import types

__all__ = [
    "DEFAULT_FORBIDDEN",
    "RANK_FORBIDDEN",
    "SVD_FORBIDDEN",
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
# Before the run: the objects the function holds
# ---------------------------------------------------------------------------


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


def _held(fn):
    """The objects `fn` holds: closure cells, defaults, and the globals its code names."""
    objects = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            objects.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    objects += getattr(fn, "__defaults__", None) or ()
    objects += (getattr(fn, "__kwdefaults__", None) or {}).values()
    stack, names = [fn.__code__], set()
    while stack:  # the names of nested functions, lambdas and comprehensions count too
        part = stack.pop()
        names.update(part.co_names)
        stack.extend(const for const in part.co_consts if isinstance(const, types.CodeType))
    return objects + [fn.__globals__[name] for name in sorted(names) if name in fn.__globals__]


def _find_forbidden(fn, entries):
    """``(dotted, via)`` of the first forbidden routine `fn` holds (`via`: the student's helpers), or None.

    ``via`` is None when `fn` is the forbidden routine itself.
    """
    targets = {id(obj): dotted for dotted, _, _, obj in entries}

    def forbidden(obj):
        return targets.get(id(obj.func if isinstance(obj, functools.partial) else obj))

    if forbidden(fn):
        return forbidden(fn), None
    fn = _unwrap_callable(fn)
    root = getattr(fn, "__globals__", None)
    queue, seen = [(fn, ())], set()
    while queue:
        fn, via = queue.pop(0)
        if not isinstance(getattr(fn, "__code__", None), types.CodeType) or fn.__code__ in seen:
            continue
        seen.add(fn.__code__)
        for obj in _held(fn):
            if forbidden(obj):
                return forbidden(obj), via
            if isinstance(obj, types.FunctionType) and obj.__globals__ is root:  # a helper of the student's
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


def _message(name, dotted, via, advice):
    through = f" (through your function {' -> '.join(via)})" if via else ""
    return f"{name} calls {dotted}{through}, which this question forbids: {advice}"


def assert_no_forbidden_calls(fn, forbidden=DEFAULT_FORBIDDEN, *, name=None, advice=_DEFAULT_ADVICE):
    """Assert that `fn` holds none of the `forbidden` routines (dotted names), before it runs.

    `fn` itself, the globals its code names, its closure cells and defaults
    (``functools.partial`` included), and the same for the student's helper
    functions it names (functions of the same global namespace), are compared
    by identity with the forbidden routines.  Uses that go through a module
    attribute (``np.linalg.pinv``) are caught while `fn` runs, by
    :func:`forbid_calls`.  The :class:`ForbiddenCallError` reads ``"<name> calls
    numpy.linalg.pinv (through your function <helper>), which this question
    forbids: <advice>"``; an entry of `forbidden` that is not an importable dotted
    name raises TypeError or ValueError.

    >>> from numpy.linalg import pinv as p
    >>> def transpose(A):  # holds nothing forbidden (and answers no question)
    ...     return A.T
    >>> assert_no_forbidden_calls(transpose)
    """
    entries = _resolve_forbidden(forbidden)
    name = name or _fn_name(fn, "your function")
    finding = _find_forbidden(fn, entries) if entries else None
    if finding is not None:
        dotted, via = finding
        raise ForbiddenCallError(_message(name, dotted, via, advice) if via is not None else
                                 f"your function {name} is {dotted} itself, which this question forbids: {advice}")


# ---------------------------------------------------------------------------
# While it runs: the routines raise
# ---------------------------------------------------------------------------


def _student_chain(name):
    """The student's functions between `name` and the blocked call, from the call stack (outermost first)."""
    frames, frame = [], sys._getframe(2)
    while frame is not None and frame.f_code.co_name != name:
        frames.append(frame)
        frame = frame.f_back
    if frame is None:
        return ()
    return tuple(f.f_code.co_name for f in reversed(frames)  # helpers of the same namespace (not numpy's)
                 if f.f_globals is frame.f_globals and f.f_code.co_name.isidentifier())


@contextlib.contextmanager
def forbid_calls(forbidden=DEFAULT_FORBIDDEN, *, name="your function", advice=_DEFAULT_ADVICE):
    """Context manager: make the `forbidden` routines raise :class:`ForbiddenCallError` while it is active.

    Each forbidden routine is temporarily replaced, on its module, by a
    function that raises, naming `name` (the student's function), the student's
    helpers on the call stack, and the `advice`; the originals are restored on
    exit, also after an exception.  A call whose error the code inside
    swallows still fails, on exit.

    >>> import numpy as np
    >>> with forbid_calls(name="pinv_svd"):  # doctest: +ELLIPSIS
    ...     np.linalg.pinv(np.eye(2))
    Traceback (most recent call last):
    course_utils.checks.ForbiddenCallError: pinv_svd calls numpy.linalg.pinv, which this question forbids: ...
    """
    calls = []

    def blocker(dotted, original):
        def blocked(*args, **kwargs):
            calls.append(ForbiddenCallError(_message(name, dotted, _student_chain(name), advice)))
            raise calls[-1]

        blocked._forbidden_original = original
        blocked.__name__ = getattr(original, "__name__", "blocked")
        return blocked

    saved = []
    try:
        for dotted, module, attr, obj in _resolve_forbidden(forbidden):
            saved.append((module, attr, getattr(module, attr)))
            setattr(module, attr, blocker(dotted, obj))
        yield
    finally:
        for module, attr, obj in reversed(saved):
            setattr(module, attr, obj)
    if calls:  # the code inside caught the error and went on
        raise calls[0]
