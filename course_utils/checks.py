"""Answer checks for the SVD assignment (student-facing).

The nbgrader test cells call the ``check_*`` functions below with the
student's function.  Each check runs that function on a few small seeded
matrices (tall, wide, square, rank-deficient, zero), compares the answer with
an independent numpy/scipy computation, and raises an ``AssertionError``
whose message says what is wrong and, when the usual mistake is cheaply
recognisable, how to fix it.  The generic ``assert_*`` helpers are public so
that hidden tests can reuse them.

Design decisions
----------------
* Expected values come from numpy/scipy directly (``np.linalg.svd``,
  ``np.linalg.matrix_rank``, ``np.linalg.lstsq``, ``scipy.linalg.pinv``),
  never from ``course_utils.linalg`` or ``course_utils.reference``, which
  students do not receive.
* Answers are compared through invariant quantities (reconstructions,
  projectors, Penrose conditions, singular values), never through raw ``U``
  or ``V`` whose signs are not unique.
* Every failed check raises ``AssertionError`` (a wrong answer, including a
  wrong type or shape, is a failed check, not a programming error of the
  caller).  Forbidden routines raise :class:`ForbiddenCallError`, a subclass.
* A student function that raises ``NotImplementedError`` (the blank
  release) fails with an ``AssertionError`` saying it is not implemented yet.
  Any other exception raised by the student's function is re-raised as an
  ``AssertionError`` that names the exception and the case, chained
  (``from exc``) so the student's own traceback is shown above it.
* Nothing is written to stderr and no warning is emitted.  Floating-point
  warnings of the student's code are silenced while it runs
  (``np.errstate``): a correct ``np.where(s > tol, 1 / s, 0)`` divides by
  zero for an exactly zero singular value, and a NaN/inf in the answer is
  diagnosed anyway.
* Tolerances are relative to the largest entry of the expected answer, and
  are loosened for float32 answers (``1000 * eps`` of their dtype).
* The student's function gets copies of the inputs; changing them in place
  fails the check.  A passing check prints one line (``check_pinv: all 6
  cases passed.``) and returns None; ``verbose=False`` silences it.
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import functools
import importlib
import inspect
import numbers
import re
import sys
import types
import warnings

import numpy as np
import scipy.linalg

from ._validation import as_matrix

__all__ = [
    "DEFAULT_FORBIDDEN",
    "ForbiddenCallError",
    "assert_array_answer",
    "assert_scalar_answer",
    "assert_integer_answer",
    "assert_orthonormal_columns",
    "assert_penrose_conditions",
    "assert_is_rank",
    "assert_no_forbidden_calls",
    "forbid_calls",
    "check_numerical_rank",
    "check_pinv",
    "check_lstsq_min_norm",
    "check_rank_k_approx",
    "check_smallest_rank_for_energy",
]

#: Routines that solve the pseudo-inverse / least-squares questions for the student.
DEFAULT_FORBIDDEN = (
    "numpy.linalg.pinv",
    "numpy.linalg.lstsq",
    "scipy.linalg.pinv",
    "scipy.linalg.pinvh",
    "scipy.linalg.lstsq",
)

_DEFAULT_ADVICE = "build the result from np.linalg.svd yourself."
# The visible checks use well-conditioned matrices, so 1e-5 (relative to the
# largest entry) accepts float32 round-off yet rejects every real mistake.
_CHECK_RTOL = 1e-5
_CHECK_ATOL = 1e-10
_EPS = np.finfo(np.float64).eps


class ForbiddenCallError(AssertionError):
    """The student's function uses a routine that the question forbids."""


# ---------------------------------------------------------------------------
# Generic assertion helpers
# ---------------------------------------------------------------------------


def _fmt_index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _effective_rtol(dtype, rtol):
    """Loosen `rtol` for answers held in a less precise float type (float32)."""
    if np.issubdtype(dtype, np.floating) and np.finfo(dtype).eps > _EPS:
        return max(rtol, 1e3 * float(np.finfo(dtype).eps))
    return rtol


def _answer_array(actual, name, *, shape=None, ndim=None, shape_hint="", allow_bool=False):
    """Return the student's answer as a finite numeric ndarray, or fail with a clear message."""
    if actual is None:
        raise AssertionError(f"{name} is None: did your function forget to `return` its result?")
    was_tuple = isinstance(actual, tuple)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(actual)
    except Exception:
        arr = None
    if arr is None or arr.dtype == object:
        if isinstance(actual, (tuple, list)):
            raise AssertionError(
                f"{name} is a {type(actual).__name__} of {len(actual)} items of different shapes, "
                "not a single array: did you return several values (e.g. `return x, residuals`)? "
                "Return only the array."
            )
        raise AssertionError(f"{name} is not an array (got {type(actual).__name__}); return a numpy array.")
    if arr.dtype == bool and not allow_bool:
        raise AssertionError(f"{name} is a boolean array; it should hold numbers.")
    if np.iscomplexobj(arr):
        raise AssertionError(
            f"{name} is complex (dtype {arr.dtype}), but the answer is real: "
            "the SVD of a real matrix needs only real arithmetic."
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise AssertionError(f"{name} is not numeric (dtype {arr.dtype}); return a float array.")
    tuple_note = " (it is a tuple: did you return several values?)" if was_tuple else ""
    if shape is not None and arr.shape != tuple(shape):
        shape = tuple(shape)
        if arr.ndim == 0:
            msg = f"{name} is a single number ({arr.item()!r}) but should be an array of shape {shape}"
        else:
            msg = f"{name} has shape {arr.shape} but should be {shape}"
            if len(shape) == 2 and arr.shape == shape[::-1]:
                msg += ": it looks transposed"
            elif arr.size == int(np.prod(shape)):
                fix = ".ravel()" if len(shape) == 1 else f".reshape{shape}"
                msg += f": right number of entries, wrong shape (use {fix})"
        raise AssertionError(msg + tuple_note + shape_hint)
    if ndim is not None and arr.ndim != ndim:
        raise AssertionError(f"{name} should be a {ndim}-D array; got shape {arr.shape}{tuple_note}.")
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        n_nan = int(np.count_nonzero(np.isnan(arr)))
        n_inf = int(np.count_nonzero(np.isinf(arr)))
        raise AssertionError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite value(s) out of {arr.size}: "
            "a division by zero, e.g. 1/s for a singular value that is 0?"
        )
    return arr


def _dtype_hint(arr, expected):
    """Say why an integer answer (or a wrapped-around one) cannot be right."""
    if np.issubdtype(arr.dtype, np.unsignedinteger):
        return (
            f"it has dtype {arr.dtype}: casting to an unsigned integer type wraps values outside its "
            "range around (e.g. -3 becomes 253); return the float result and clip only for display"
        )
    if np.issubdtype(arr.dtype, np.integer):
        return f"it has integer dtype {arr.dtype}, which drops the fractional part; return floats"
    # Wrapped-around entries jump by a multiple of 256 (truncation adds less than 1).
    a = arr.astype(np.float64)
    d = (a - expected)[np.abs(a - expected) > 128]
    if d.size and a.min() >= 0 and a.max() <= 255:
        if np.all(np.abs(d - 256 * np.round(d / 256)) <= 1.0):
            return (
                "its wrong entries differ from the expected ones by multiples of 256: a uint8 "
                "wrap-around (e.g. -3 became 253); keep the reconstruction in floating point"
            )
    return ""


def _mismatch_message(arr, expected, name, rtol, atol):
    """Return None when `arr` matches `expected`, else a message with the largest error and hints."""
    a = arr.astype(np.float64)
    e = np.asarray(expected, dtype=np.float64)
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    tol = atol + _effective_rtol(arr.dtype, rtol) * scale
    err = np.abs(a - e)
    if err.size == 0 or float(err.max()) <= tol:
        return None
    idx = np.unravel_index(int(np.argmax(err)), err.shape)
    n_bad = int(np.count_nonzero(err > tol))
    msg = (
        f"{name} is wrong: max abs error {float(err.max()):.3g} at index {_fmt_index(idx)} "
        f"(expected {e[idx]:.6g}, got {a[idx]:.6g}); {n_bad} of {e.size} entries are off."
    )
    close = dict(rtol=0, atol=10 * tol + 1e-12)
    hint = _dtype_hint(arr, e)
    if not hint and a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a.T, e, **close):
        hint = "it equals the transpose of the expected answer"
    elif not hint and np.allclose(-a, e, **close):
        hint = "it has the opposite sign of the expected answer"
    elif not hint and float(np.max(np.abs(a))) > 1e3 * max(scale, 1.0):
        hint = (
            f"its entries are far outside the expected range (up to {float(np.max(np.abs(a))):.3g} "
            f"while the expected ones stay within {scale:.3g}): an overflow or a division by a "
            "(nearly) zero number?"
        )
    return msg + (f" Hint: {hint}." if hint else "")


def assert_array_answer(actual, expected, *, name, rtol=1e-6, atol=1e-8):
    """Assert that an array answer equals the expected array.

    Checks, in this order, that `actual` is not None (a function that forgot
    to ``return``), is a single numeric real array, has the expected shape
    (saying so when it is transposed), holds no NaN/inf, and matches the
    expected values.

    Parameters
    ----------
    actual : array_like
        The student's answer.
    expected : array_like
        The correct answer, computed independently.
    name : str
        How the answer is called in messages, e.g. ``"pinv_svd(A)"``.
    rtol : float, optional
        Relative tolerance, relative to the largest absolute entry of
        `expected` (so entries that are zero in exact arithmetic do not fail
        on round-off).  Loosened to ``1000 * eps`` for float32 answers.
    atol : float, optional
        Absolute tolerance.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        With a message naming the first problem found: None, wrong type,
        wrong shape, NaN/inf, or the largest error and where it is (with a
        hint for integer/uint8 answers, transposed or negated answers, and
        values far outside the expected range).

    Examples
    --------
    >>> assert_array_answer(np.eye(2), np.eye(2), name="I")
    >>> assert_array_answer(np.ones((2, 3)), np.ones((3, 2)), name="X")
    Traceback (most recent call last):
    AssertionError: X has shape (2, 3) but should be (3, 2): it looks transposed
    """
    expected = np.asarray(expected)
    arr = _answer_array(actual, name, shape=expected.shape, allow_bool=expected.dtype == bool)
    msg = _mismatch_message(arr, expected, name, rtol, atol)
    if msg:
        raise AssertionError(msg)


def _answer_scalar(actual, name):
    """Return the student's scalar answer as a numpy scalar or fail with a clear message."""
    if actual is None:
        raise AssertionError(f"{name} is None: did your function forget to `return` its result?")
    if isinstance(actual, (str, bytes)):
        raise AssertionError(f"{name} is a string ({actual!r}); return a number.")
    if isinstance(actual, (bool, np.bool_)):
        raise AssertionError(f"{name} is {actual!r}, a bool; return a number.")
    try:
        arr = np.asarray(actual)
    except Exception:
        arr = np.asarray(None)
    if arr.ndim != 0:
        raise AssertionError(
            f"{name} should be a single number; got an array of shape {arr.shape} "
            "(use .item() or int(...)/float(...) to return the number itself)."
        )
    if arr.dtype == bool:
        raise AssertionError(f"{name} is {arr.item()!r}, a bool; return a number.")
    if np.iscomplexobj(arr):
        raise AssertionError(f"{name} is complex ({arr.item()!r}); the answer is real.")
    if not np.issubdtype(arr.dtype, np.number):
        raise AssertionError(f"{name} is not a number (got {type(actual).__name__}).")
    return arr[()]


def assert_scalar_answer(actual, expected, *, name, rtol=1e-6, atol=1e-8):
    """Assert that a real-number answer equals the expected number.

    Parameters
    ----------
    actual : float
        The student's answer (Python or numpy scalar, or a 0-d array).
    expected : float
        The correct value.
    name : str
        How the answer is called in messages.
    rtol, atol : float, optional
        ``|actual - expected| <= atol + rtol * |expected|`` passes.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        If `actual` is None, not a single real number, NaN/inf, or not close
        to `expected`.

    Examples
    --------
    >>> assert_scalar_answer(0.5 + 1e-12, 0.5, name="ratio")
    """
    value = _answer_scalar(actual, name)
    value = float(value)
    if not np.isfinite(value):
        raise AssertionError(f"{name} is {value}: a division by zero?")
    expected = float(expected)
    if abs(value - expected) > atol + rtol * abs(expected):
        raise AssertionError(
            f"{name} is {value:.6g} but should be {expected:.6g} (error {abs(value - expected):.3g})."
        )


def _answer_int(actual, name):
    """Return the student's integer answer as an int; reject bools, floats and arrays."""
    value = _answer_scalar(actual, name)
    if not isinstance(value, (numbers.Integral, np.integer)):
        raise AssertionError(
            f"{name} returned {value.item()!r}, a {type(actual).__name__}; it must be an integer "
            "because it is a count and a slice bound (s[:k]): return int(...)."
        )
    return int(value)


def assert_integer_answer(actual, expected, *, name, what="the answer", hint=""):
    """Assert that an integer answer (a rank, a count) equals the expected one.

    Python ints and numpy integers (``np.int64`` from ``np.sum(mask)``) are
    accepted; bools and floats, even whole ones such as ``2.0``, are not,
    because the answer is used as a slice bound.

    Parameters
    ----------
    actual : int
        The student's answer.
    expected : int
        The correct value.
    name : str
        How the answer is called in messages, e.g. ``"numerical_rank(A)"``.
    what : str, optional
        What the expected value is, e.g. ``"the rank"``.
    hint : str, optional
        Diagnosis appended to the message when the value is wrong.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        ``"numerical_rank(A) returned 3 but the rank is 2: <hint>"``.

    Examples
    --------
    >>> assert_integer_answer(np.int64(2), 2, name="numerical_rank(A)", what="the rank")
    """
    value = _answer_int(actual, name)
    if value != int(expected):
        raise AssertionError(
            f"{name} returned {value} but {what} is {int(expected)}" + (f": {hint}" if hint else ".")
        )


def assert_orthonormal_columns(Q, name, *, atol=None):
    """Assert that the columns of `Q` are orthonormal (``Q^T Q = I``).

    Parameters
    ----------
    Q : (m, p) array_like
        Matrix to test, e.g. ``U`` or ``Vt.T``.
    name : str
        How `Q` is called in messages.
    atol : float, optional
        Largest allowed spectral norm of ``Q^T Q - I``; default ``1e-8``
        (``1000 * eps`` for float32).

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        ``"U is not orthonormal: ||U^T U - I|| = 0.3"``, with a hint when the
        columns are orthogonal but not unit length, when there are more
        columns than rows, or when the rows (not the columns) are orthonormal.

    Examples
    --------
    >>> assert_orthonormal_columns(np.eye(3)[:, :2], "U")
    """
    arr = _answer_array(Q, name, ndim=2)
    if atol is None:
        atol = max(1e-8, 1e3 * float(np.finfo(arr.dtype).eps)) if np.issubdtype(arr.dtype, np.floating) else 1e-8
    Qf = arr.astype(np.float64)
    m, p = Qf.shape
    gram = Qf.T @ Qf
    err = float(np.linalg.norm(gram - np.eye(p), 2))
    if err <= atol:
        return
    msg = f"{name} is not orthonormal: ||{name}^T {name} - I|| = {err:.3g}"
    lengths = np.sqrt(np.diag(gram))
    if p > m and np.linalg.norm(Qf @ Qf.T - np.eye(m), 2) <= atol:
        msg += (
            ". Its rows are orthonormal, not its columns: did you pass Vt where V was expected "
            "(use Vt.T)?"
        )
    elif p > m:
        msg += f". It has {p} columns but only {m} rows, so its columns cannot be orthonormal"
    elif np.linalg.norm(gram - np.diag(np.diag(gram)), 2) <= atol * max(1.0, float(lengths.max()) ** 2):
        msg += (
            f". Its columns are orthogonal but have lengths between {lengths.min():.3g} and "
            f"{lengths.max():.3g} instead of 1: divide each column by its norm"
        )
    raise AssertionError(msg if msg.endswith("?") else msg + ".")


def assert_is_rank(M, k, name, *, rtol=None):
    """Assert that the matrix `M` has rank `k`.

    Parameters
    ----------
    M : (m, n) array_like
        Matrix to test, e.g. a rank-k reconstruction.
    k : int
        Expected rank.
    name : str
        How `M` is called in messages.
    rtol : float, optional
        Singular values above ``rtol * sigma_1`` count.  Default: numpy's
        ``max(m, n) * eps`` of the dtype of `M`.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        ``"X has rank 3 but should have rank 2: one too many ..."``.

    Examples
    --------
    >>> assert_is_rank(np.outer([1.0, 2.0], [3.0, 4.0]), 1, "X")
    """
    arr = _answer_array(M, name, ndim=2)
    if rtol is None:
        dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
        rtol = max(arr.shape) * float(np.finfo(dtype).eps)
    s = np.linalg.svd(arr.astype(np.float64), compute_uv=False)
    r = int(np.count_nonzero(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    if r == k:
        return
    msg = f"{name} has rank {r} but should have rank {k}"
    if r == k + 1:
        msg += ": one too many, did you keep k+1 terms (e.g. s[:k+1] or range(k+1))?"
    elif r == k - 1:
        msg += ": one too few, did you keep only k-1 terms (e.g. s[1:k] or range(1, k))?"
    raise AssertionError(msg + ("" if msg.endswith("?") else "."))


def _pinv_hints(A, X):
    """Recognise the usual pseudo-inverse mistakes (X is finite and has shape (n, m))."""
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    tol = max(m, n) * _EPS * s[0]
    r = int(np.count_nonzero(s > tol))
    scale_x = float(np.max(np.abs(X)))
    close = dict(rtol=0, atol=1e-6 * max(float(np.max(np.abs(A))), 1e-300))
    if r == 0:
        return (
            "A is the zero matrix, so its pseudo-inverse is the zero matrix: no singular value is "
            "above the tolerance, so none may be inverted"
        )
    if np.allclose(X, A.T, **close):
        return "it equals A.T = V S U^T: did you invert the singular values (1/s, not s)?"
    norm_x = float(np.linalg.norm(X, 2))
    if norm_x > 1e4 / s[r - 1]:
        return (
            f"its entries are as large as {scale_x:.3g}: you inverted singular values that are zero "
            "up to round-off (about 1e-16 * s[0]); invert only s > tol = max(m, n) * eps * s[0] "
            "and use 0 for the others"
        )
    P = (Vt[:r].T / s[:r]) @ U[:, :r].T
    if m == n and np.allclose(X.T, P, rtol=0, atol=1e-6 * float(np.max(np.abs(P)))):
        return (
            "it is the transpose of the pseudo-inverse: A+ = V S+ U^T, i.e. Vt.T @ diag(1/s) @ U.T, "
            "not U @ diag(1/s) @ Vt"
        )
    sx = np.linalg.svd(X, compute_uv=False)
    rx = int(np.count_nonzero(sx > 1e-6 * sx[0])) if sx[0] > 0 else 0
    if rx < r:
        return (
            f"it has rank {rx} but A has rank {r}: you dropped singular values that are not zero "
            "(tolerance too large?)"
        )
    return ""


def assert_penrose_conditions(A, X, name, *, rtol=1e-6):
    """Assert that `X` is the Moore-Penrose pseudo-inverse of `A`.

    Checks the four Penrose conditions, which define ``A+`` uniquely::

        A A+ A = A,   A+ A A+ = A+,   (A A+)^T = A A+,   (A+ A)^T = A+ A

    Parameters
    ----------
    A : (m, n) array_like
        The matrix.
    X : (n, m) array_like
        The candidate pseudo-inverse (the student's answer).
    name : str
        How `X` is called in messages, e.g. ``"pinv_svd(A)"``.
    rtol : float, optional
        Tolerance on the errors of the conditions, measured relative to the
        largest entry of `A` (first), of `X` (second), and absolutely for the
        projectors (third, fourth).  Loosened for float32 answers.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        Naming the first failed condition and its error, with a diagnosis
        when recognisable: singular values not inverted (``X = A.T``),
        round-off zeros inverted into huge numbers, ``U S+ V^T`` instead of
        ``V S+ U^T``, nonzero singular values dropped.
    TypeError, ValueError
        If `A` itself is not a finite real matrix.

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    >>> assert_penrose_conditions(A, np.linalg.pinv(A), "X")
    """
    A = as_matrix(A, "A")
    m, n = A.shape
    arr = _answer_array(
        X, name, shape=(n, m),
        shape_hint=f" (the pseudo-inverse of a {m}x{n} matrix is {n}x{m}: A+ = V S+ U^T)",
    )
    tol = _effective_rtol(arr.dtype, rtol)
    X = arr.astype(np.float64)
    AX, XA = A @ X, X @ A
    tiny = np.finfo(np.float64).tiny
    conditions = (
        ("A A+ A = A", np.max(np.abs(AX @ A - A)) / max(float(np.max(np.abs(A))), tiny)),
        ("A+ A A+ = A+", np.max(np.abs(XA @ X - X)) / max(float(np.max(np.abs(X))), tiny)),
        ("(A A+)^T = A A+", np.max(np.abs(AX - AX.T))),
        ("(A+ A)^T = A+ A", np.max(np.abs(XA - XA.T))),
    )
    for label, err in conditions:
        if not err <= tol:
            hint = _pinv_hints(A, X)
            raise AssertionError(
                f"{name} fails the Penrose condition {label} (max relative error {float(err):.3g})"
                + (f": {hint}" if hint else ".")
            )


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
    >>> def pinv_svd(A):
    ...     U, s, Vt = np.linalg.svd(A, full_matrices=False)
    ...     return (Vt.T / s) @ U.T
    >>> assert_no_forbidden_calls(pinv_svd)
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


# ---------------------------------------------------------------------------
# Running the student's function
# ---------------------------------------------------------------------------


def _require_callable(fn, check, fname):
    if not callable(fn):
        raise AssertionError(
            f"{check} expects your function itself, e.g. {check}({fname}), not its result "
            f"(got a {type(fn).__name__})."
        )


def _run(fn, args, argnames, *, call, fname, case, forbidden=(), advice=_DEFAULT_ADVICE, error_hint=""):
    """Call the student's function on copies of `args`, turning its exceptions into clear failures."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        with np.errstate(all="ignore"), forbid_calls(forbidden, name=fname, advice=advice):
            out = fn(*copies)
    except ForbiddenCallError:
        raise
    except NotImplementedError as exc:
        raise AssertionError(
            f"{fname} is not implemented yet (it raised NotImplementedError): replace "
            "`raise NotImplementedError()` with your code, run that cell, then run this check again."
        ) from exc
    except Exception as exc:
        raise AssertionError(f"{call} raised {type(exc).__name__} on {case}: {exc}{error_hint}") from exc
    for argname, original, copy in zip(argnames, args, copies):
        if isinstance(original, np.ndarray) and not np.array_equal(original, copy):
            raise AssertionError(
                f"{call} modified its argument {argname} in place on {case}: work on a copy "
                f"({argname} = {argname}.copy()) so the caller's data stay intact."
            )
    return out


@contextlib.contextmanager
def _case(desc):
    """Append the case description to the message of a failed check."""
    try:
        yield
    except ForbiddenCallError:
        raise
    except AssertionError as err:
        raise AssertionError(f"{err}\n    Case: {desc}") from None


def _passed(check, n_cases, verbose):
    if verbose:
        print(f"{check}: all {n_cases} cases passed.")


def _matrix(m, n, s, seed):
    """Seeded m x n matrix with singular values `s` (len(s) < min(m, n) makes it rank-deficient)."""
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((m, len(s))))[0]
    V = np.linalg.qr(rng.standard_normal((n, len(s))))[0]
    return (U * np.asarray(s, dtype=np.float64)) @ V.T


# ---------------------------------------------------------------------------
# Visible checks
# ---------------------------------------------------------------------------


def _numerical_rank_cases():
    return [
        ("a tall 6x4 matrix of full rank 4", _matrix(6, 4, [3, 2, 1.5, 1], 1)),
        ("a wide 4x7 matrix of rank 2", _matrix(4, 7, [3, 1], 2)),
        ("a square 3x3 matrix of full rank with tiny entries (about 1e-12)",
         1e-12 * _matrix(3, 3, [3, 2, 1], 3)),
        ("a square 5x5 matrix of rank 3 with large entries (about 1e8)",
         1e8 * _matrix(5, 5, [3, 2, 1], 4)),
        ("the 3x4 zero matrix (rank 0)", np.zeros((3, 4))),
        ("a 1x5 row vector (rank 1)", _matrix(1, 5, [2], 5)),
    ]


def _rank_hint(got, A):
    m, n = A.shape
    s = np.linalg.svd(A, compute_uv=False)
    tol = max(m, n) * _EPS * s[0]
    if got == np.count_nonzero(s > 0):
        return (
            "count singular values above the tolerance, not > 0: round-off leaves the 'zero' "
            "singular values at about 1e-16 * s[0] instead of exactly 0 "
            "(tolerance: tol = max(m, n) * eps * s[0])"
        )
    if got == np.count_nonzero(s >= tol):
        return (
            "count singular values strictly above the tolerance (s > tol, not s >= tol): for the "
            "zero matrix tol = 0 and every singular value equals it"
        )
    if any(got == np.count_nonzero(s > t) for t in (1e-6, 1e-8, 1e-10, 1e-12, 1e-14, _EPS)):
        return (
            "the tolerance must scale with the matrix: use tol = max(m, n) * np.finfo(float).eps * s[0] "
            "(s[0] the largest singular value), not a fixed number such as 1e-10"
        )
    if got == min(m, n):
        return "min(m, n) is the largest possible rank, not the rank of this matrix"
    return "the numerical rank is the number of singular values s_i > max(m, n) * eps * s[0]"


def check_numerical_rank(fn, *, forbidden=(), verbose=True):
    """Check the student's ``numerical_rank(A)`` on six seeded matrices.

    The cases are tall, wide, tiny-scaled, large-scaled rank-deficient, zero
    and a row vector; the expected rank is ``np.linalg.matrix_rank(A)``
    (tolerance ``max(m, n) * eps * sigma_1``).

    Parameters
    ----------
    fn : callable
        ``numerical_rank(A) -> int``.
    forbidden : sequence of str, optional
        Dotted names of routines `fn` must not use (none by default).
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case, e.g. ``"numerical_rank(A) returned 3 but
        the rank is 2: count singular values above the tolerance, not > 0"``;
        also for a non-integer result or an exception in `fn`.

    Examples
    --------
    >>> check_numerical_rank(lambda A: np.linalg.matrix_rank(A))
    check_numerical_rank: all 6 cases passed.
    """
    fname = _fn_name(fn, "numerical_rank")
    _require_callable(fn, "check_numerical_rank", fname)
    call = f"{fname}(A)"
    advice = "count the singular values from np.linalg.svd above the tolerance yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    cases = _numerical_rank_cases()
    for i, (desc, A) in enumerate(cases, 1):
        expected = int(np.linalg.matrix_rank(A))
        case = f"case {i} of {len(cases)}: {desc}"
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(case):
            value = _answer_int(got, call)
            hint = _rank_hint(value, A) if value != expected else ""
            assert_integer_answer(value, expected, name=call, what="the rank", hint=hint)
    _passed("check_numerical_rank", len(cases), verbose)


def _pinv_cases():
    return [
        ("a tall 6x4 matrix of full rank", _matrix(6, 4, [3, 2, 1.5, 1], 11)),
        ("a wide 4x6 matrix of full rank", _matrix(4, 6, [3, 2, 1.5, 1], 12)),
        ("a square 5x5 matrix of rank 3 (rank-deficient)", _matrix(5, 5, [3, 2, 1], 13)),
        ("a tall 7x4 matrix of rank 2 (rank-deficient)", _matrix(7, 4, [2, 1], 14)),
        ("a 1x5 row vector", _matrix(1, 5, [2], 15)),
        ("the 3x4 zero matrix (its pseudo-inverse is the 4x3 zero matrix)", np.zeros((3, 4))),
    ]


def check_pinv(fn, *, forbidden=DEFAULT_FORBIDDEN, verbose=True):
    """Check the student's ``pinv_svd(A)`` on six seeded matrices.

    First scans `fn` for forbidden routines (``np.linalg.pinv``,
    ``np.linalg.lstsq``, ``scipy.linalg.pinv``/``pinvh``/``lstsq``), then, on
    a tall, wide, square rank-deficient, tall rank-deficient, row-vector and
    zero matrix, checks the four Penrose conditions and compares with
    ``scipy.linalg.pinv(A)``; forbidden routines also raise while `fn` runs.

    Parameters
    ----------
    fn : callable
        ``pinv_svd(A) -> (n, m) ndarray``.
    forbidden : sequence of str, optional
        Dotted names of forbidden routines; default :data:`DEFAULT_FORBIDDEN`.
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case, e.g. ``"pinv_svd(A) fails the Penrose
        condition A A+ A = A (max relative error 0.7): it equals A.T = V S
        U^T: did you invert the singular values (1/s, not s)?"``.
    ForbiddenCallError
        If `fn` uses a forbidden routine.

    Examples
    --------
    >>> def pinv_svd(A):
    ...     U, s, Vt = np.linalg.svd(A, full_matrices=False)
    ...     keep = s > max(A.shape) * np.finfo(float).eps * s[0]
    ...     return (Vt[keep].T / s[keep]) @ U[:, keep].T
    >>> check_pinv(pinv_svd)
    check_pinv: all 6 cases passed.
    """
    fname = _fn_name(fn, "pinv_svd")
    _require_callable(fn, "check_pinv", fname)
    call = f"{fname}(A)"
    advice = "build the pseudo-inverse from np.linalg.svd yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    cases = _pinv_cases()
    for i, (desc, A) in enumerate(cases, 1):
        expected = scipy.linalg.pinv(A)
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            assert_penrose_conditions(A, got, call, rtol=_CHECK_RTOL)
            assert_array_answer(got, expected, name=call, rtol=_CHECK_RTOL, atol=_CHECK_ATOL)
    _passed("check_pinv", len(cases), verbose)


def _lstsq_cases():
    rng = np.random.default_rng(20)
    specs = [
        ("a tall 6x3 matrix of full rank (overdetermined)", 6, 3, [3, 2, 1]),
        ("a wide 3x5 matrix of full rank (underdetermined: many exact solutions)", 3, 5, [3, 2, 1]),
        ("a tall 6x4 matrix of rank 2 (rank-deficient)", 6, 4, [2, 1]),
        ("a square 4x4 matrix of rank 3 (rank-deficient)", 4, 4, [3, 2, 1]),
    ]
    return [
        (desc, _matrix(m, n, s, 21 + i), rng.standard_normal(m))
        for i, (desc, m, n, s) in enumerate(specs)
    ]


def _lstsq_message(x, A, b, x_star, call):
    """Explain why `x` is not the minimum-norm least-squares solution (or return None)."""
    m, n = A.shape
    r = int(np.linalg.matrix_rank(A))
    d = x - x_star
    norm_a = float(np.linalg.norm(A, 2))
    scale = norm_a * float(np.linalg.norm(x_star)) + float(np.linalg.norm(b))
    singular = (
        f" A has rank {r} < {n} columns here, so A^T A is singular: the normal equations "
        "A^T A x = A^T b do not determine x; use x = V S+ U^T b with 1/s only for s > tol."
        if r < n else ""
    )
    if float(np.linalg.norm(A @ d)) > 1e-6 * scale:
        res, res_star = np.linalg.norm(A @ x - b), np.linalg.norm(A @ x_star - b)
        fix = singular or " Check x = Vt.T @ ((U.T @ b) / s): U.T (not U), divide by s, multiply by Vt.T."
        return (
            f"{call} does not minimise ||A x - b||: its residual is {res:.4g} but the "
            f"least-squares residual is {res_star:.4g}.{fix}"
        )
    if float(np.linalg.norm(d)) > 1e-6 * max(float(np.linalg.norm(x_star)), 1e-300):
        return (
            f"{call} solves the least-squares problem but is not the minimum-norm solution: "
            f"||x|| = {np.linalg.norm(x):.4g} but the minimum-norm solution has ||x|| = "
            f"{np.linalg.norm(x_star):.4g}. A has rank {r} < {n} columns, so adding a null-space "
            "vector of A keeps the residual; the SVD solution x = V S+ U^T b (1/s only for "
            "s > tol, 0 for the others) has no null-space part. Solving the normal equations "
            "A^T A x = A^T b does not pick it: A^T A is singular here."
        )
    return None


def check_lstsq_min_norm(fn, *, forbidden=DEFAULT_FORBIDDEN, verbose=True):
    """Check the student's ``lstsq_min_norm(A, b)`` on four seeded systems.

    Cases: tall full rank (overdetermined), wide full rank (underdetermined),
    tall and square rank-deficient; the expected solution is
    ``np.linalg.lstsq(A, b, rcond=None)[0]``.  A wrong answer is diagnosed as
    either not least-squares (residual too large) or least-squares but not of
    minimum norm (typical of the normal equations on a rank-deficient A).

    Parameters
    ----------
    fn : callable
        ``lstsq_min_norm(A, b) -> (n,) ndarray``.
    forbidden : sequence of str, optional
        Dotted names of forbidden routines; default :data:`DEFAULT_FORBIDDEN`.
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case.
    ForbiddenCallError
        If `fn` uses a forbidden routine.

    Examples
    --------
    >>> def lstsq_min_norm(A, b):
    ...     U, s, Vt = np.linalg.svd(A, full_matrices=False)
    ...     keep = s > max(A.shape) * np.finfo(float).eps * s[0]
    ...     return Vt[keep].T @ ((U[:, keep].T @ b) / s[keep])
    >>> check_lstsq_min_norm(lstsq_min_norm)
    check_lstsq_min_norm: all 4 cases passed.
    """
    fname = _fn_name(fn, "lstsq_min_norm")
    _require_callable(fn, "check_lstsq_min_norm", fname)
    call = f"{fname}(A, b)"
    advice = "build the minimum-norm solution from np.linalg.svd yourself (x = V S+ U^T b)."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    cases = _lstsq_cases()
    for i, (desc, A, b) in enumerate(cases, 1):
        x_star = np.linalg.lstsq(A, b, rcond=None)[0]
        r, n = int(np.linalg.matrix_rank(A)), A.shape[1]
        singular = (
            f" (A has rank {r} < {n} columns here, so A^T A is singular: the normal equations "
            "cannot be solved; use x = V S+ U^T b with 1/s only for s > tol)" if r < n else ""
        )
        got = _run(fn, (A, b), ("A", "b"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice, error_hint=singular)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            x = _answer_array(got, call, shape=(n,),
                              shape_hint=f" (x has one entry per column of A, shape ({n},))")
            if _mismatch_message(x, x_star, call, _CHECK_RTOL, _CHECK_ATOL):
                msg = _lstsq_message(x.astype(np.float64), A, b, x_star, call)
                if msg:
                    raise AssertionError(msg)
            assert_array_answer(x, x_star, name=call, rtol=_CHECK_RTOL, atol=_CHECK_ATOL)
    _passed("check_lstsq_min_norm", len(cases), verbose)


def _rank_k_cases():
    tall = _matrix(7, 5, [5, 3, 2, 1, 0.5], 31)
    wide = _matrix(4, 6, [4, 2, 1, 0.5], 32)
    # Gray-level-like image: its rank-2 approximation leaves [0, 255] (uint8 trap).
    image = np.round(np.clip(127.5 + 127.5 * _matrix(8, 6, [3, 2, 1.5, 1, 0.7, 0.4], 33), 0, 255))
    return [
        ("k=1 on a tall 7x5 matrix", tall, 1),
        ("k=2 on a tall 7x5 matrix", tall, 2),
        ("k=5 = p on a tall 7x5 matrix (the full reconstruction)", tall, 5),
        ("k=0 on a tall 7x5 matrix (the answer is the 7x5 zero matrix)", tall, 0),
        ("k=2 on a wide 4x6 matrix", wide, 2),
        ("k=2 on an 8x6 gray-level image with values 0..255 (the answer leaves 0..255)", image, 2),
    ]


def _rank_k_hint(X, U, s, Vt, k):
    """Recognise rank-k reconstructions built from the wrong pieces (X has the right rank)."""
    if k == 0:
        return ""
    p = s.size
    alternatives = [
        ((U[:, :k] * s[:k]) @ Vt[-k:],
         "it uses the last k rows of Vt (Vt[-k:]); take the first k rows, Vt[:k], which belong "
         "to the largest singular values"),
        ((U[:, -k:] * s[-k:]) @ Vt[-k:],
         "it keeps the k smallest singular values; np.linalg.svd returns s in decreasing order, "
         "so keep the first k: (U[:, :k] * s[:k]) @ Vt[:k]"),
        (U[:, :k] @ Vt[:k],
         "it forgets the singular values: (U[:, :k] * s[:k]) @ Vt[:k]"),
        ((U[:, :k] * s[:k] ** 2) @ Vt[:k],
         "it uses s**2 instead of s"),
    ]
    if Vt.shape[1] == p:  # Vt square: its columns can be mistaken for rows
        alternatives.append(
            ((U[:, :k] * s[:k]) @ Vt[:, :k].T,
             "it uses columns of Vt; np.linalg.svd returns Vt = V^T, whose ROWS are the right "
             "singular vectors: use Vt[:k]")
        )
    for candidate, hint in alternatives:
        if candidate.shape == X.shape and np.allclose(X, candidate, rtol=0,
                                                      atol=1e-6 * max(float(s[0]), 1.0)):
            return hint
    return ""


def check_rank_k_approx(fn, *, forbidden=(), verbose=True):
    """Check the student's ``rank_k_approx(U, s, Vt, k)`` on six cases.

    The factors are the economy SVD ``np.linalg.svd(A, full_matrices=False)``
    of a tall 7x5 matrix (k = 1, 2, p, 0), a wide 4x6 matrix and a 0..255
    gray-level image; the expected answer is ``(U[:, :k] * s[:k]) @ Vt[:k]``.
    Diagnoses: k off by one (rank k+1 or k-1), last rows of Vt, smallest
    singular values, missing s, columns of Vt, transposed result, integer or
    uint8 result (wrap-around).

    Parameters
    ----------
    fn : callable
        ``rank_k_approx(U, s, Vt, k) -> (m, n) ndarray``.
    forbidden : sequence of str, optional
        Dotted names of routines `fn` must not use (none by default).
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case.

    Examples
    --------
    >>> check_rank_k_approx(lambda U, s, Vt, k: (U[:, :k] * s[:k]) @ Vt[:k])
    check_rank_k_approx: all 6 cases passed.
    """
    fname = _fn_name(fn, "rank_k_approx")
    _require_callable(fn, "check_rank_k_approx", fname)
    advice = "build the reconstruction from U, s and Vt yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    cases = _rank_k_cases()
    for i, (desc, A, k) in enumerate(cases, 1):
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        expected = (U[:, :k] * s[:k]) @ Vt[:k]
        call = f"{fname}(U, s, Vt, k={k})"
        got = _run(fn, (U, s, Vt, k), ("U", "s", "Vt", "k"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            m, n = A.shape
            X = _answer_array(
                got, call, shape=(m, n),
                shape_hint=f" (the reconstruction has the shape of A: U.shape[0] x Vt.shape[1] = {m}x{n})",
            )
            message = _mismatch_message(X, expected, call, _CHECK_RTOL, _CHECK_ATOL)
            if message and not _dtype_hint(X, expected):
                assert_is_rank(X, k, call, rtol=1e-6)
                hint = _rank_k_hint(X.astype(np.float64), U, s, Vt, k)
                if hint:
                    raise AssertionError(f"{call} is wrong: {hint}.")
            if message:
                raise AssertionError(message)
    _passed("check_rank_k_approx", len(cases), verbose)


def _energy_k(s, fraction, *, power=2, strict=False):
    """Smallest k with cumulative energy >= fraction (> fraction when `strict`)."""
    w = np.asarray(s, dtype=np.float64) ** power
    cum = np.cumsum(w) / np.sum(w)
    return int(np.searchsorted(cum, fraction, side="right" if strict else "left")) + 1


def check_smallest_rank_for_energy(fn, *, forbidden=(), verbose=True):
    """Check the student's ``smallest_rank_for_energy(s, fraction)`` on six cases.

    The expected answer is the smallest k with
    ``sum(s[:k]**2) / sum(s**2) >= fraction``.  The cases distinguish energy
    by s**2 from energy by s, >= from > (a fraction reached exactly), and the
    index from the count (k off by one).

    Parameters
    ----------
    fn : callable
        ``smallest_rank_for_energy(s, fraction) -> int``.
    forbidden : sequence of str, optional
        Dotted names of routines `fn` must not use (none by default).
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case, e.g. ``"smallest_rank_for_energy(s, 0.95)
        returned 10 but the answer is 5: it looks like you measured energy
        with s instead of s**2 ..."``.

    Examples
    --------
    >>> def smallest_rank_for_energy(s, fraction):
    ...     energy = np.cumsum(s**2) / np.sum(s**2)
    ...     return int(np.searchsorted(energy, fraction)) + 1
    >>> check_smallest_rank_for_energy(smallest_rank_for_energy)
    check_smallest_rank_for_energy: all 6 cases passed.
    """
    fname = _fn_name(fn, "smallest_rank_for_energy")
    _require_callable(fn, "check_smallest_rank_for_energy", fname)
    advice = "compute the cumulative energy yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    # Values chosen so the cumulative energies are exact in floating point.
    cases = [
        ("s = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1], fraction 0.95", [10.0] + [1.0] * 9, 0.95),
        ("s = [4, 3, 2, 1], fraction 0.8", [4.0, 3.0, 2.0, 1.0], 0.8),
        ("s = [2, 2, 2, 2], fraction 0.5 (reached exactly at k = 2)", [2.0, 2.0, 2.0, 2.0], 0.5),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.95", [10.0, 6.0, 3.0, 1.5, 0.5], 0.95),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.5", [10.0, 6.0, 3.0, 1.5, 0.5], 0.5),
        ("s = [3, 1, 0, 0], fraction 1.0 (all the energy)", [3.0, 1.0, 0.0, 0.0], 1.0),
    ]
    for i, (desc, s_list, fraction) in enumerate(cases, 1):
        s = np.array(s_list)
        expected = _energy_k(s, fraction)
        call = f"{fname}(s, {fraction})"
        got = _run(fn, (s, fraction), ("s", "fraction"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            value = _answer_int(got, call)
            hint = ""
            if value != expected:
                if value == _energy_k(s, fraction, strict=True):
                    hint = (
                        f"use >= (the fraction is reached exactly at k = {expected}): k is the "
                        "smallest k with energy >= fraction"
                    )
                elif value == _energy_k(s, fraction, power=1):
                    hint = (
                        "it looks like you measured energy with s instead of s**2: the energy of "
                        "the first k terms is sum(s[:k]**2) / sum(s**2)"
                    )
                elif value == expected - 1:
                    hint = (
                        "one too small: k counts singular values, so it is the index of the first "
                        "cumulative energy >= fraction plus 1"
                    )
                elif value == expected + 1:
                    hint = "one too large: did you add 1 twice?"
                else:
                    hint = "k is the smallest k with sum(s[:k]**2) / sum(s**2) >= fraction"
            assert_integer_answer(value, expected, name=call, what="the answer", hint=hint)
    _passed("check_smallest_rank_for_energy", len(cases), verbose)
