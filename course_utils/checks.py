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
* Each question has a private runner (``_check_pinv(fn, cases, ...)``) that
  runs the student's function on cases carrying their expected answers and
  diagnoses the mistakes; a visible check builds a few cases, and the
  instructor's hidden checks call the same runner with more cases, so both
  give the same advice.
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
    "UINT8_FORBIDDEN",
    "GD_UNKNOWN_RTOL",
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
    "check_condition_numbers",
    "check_gram_eigenvalues",
    "check_eckart_young_errors",
    "check_rank_k_approx",
    "check_to_uint8_image",
    "check_rank_errors",
    "check_smallest_rank_for_energy",
    "check_psnr_by_rank",
    "check_gavish_donoho_threshold",
    "check_denoise_color",
    "check_energy_rank_choice",
    "check_denoising_ranks",
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
    """Call the student's function on copies of `args`, turning its exceptions into clear failures.

    `error_hint` is appended to the message of an exception raised by `fn`; it
    may be a callable taking the exception and returning the hint, so that the
    advice fits the error (e.g. only a ZeroDivisionError gets "return np.inf").
    """
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
        hint = error_hint(exc) if callable(error_hint) else error_hint
        raise AssertionError(f"{call} raised {type(exc).__name__} on {case}: {exc}{hint}") from exc
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


def _close(actual, candidate, rtol=1e-6, atol=1e-12):
    """True when the array `actual` matches `candidate` (same shape) within `rtol` of its largest entry.

    Infinite entries match only the same infinity and NaN matches nothing, so
    candidate answers with ``inf`` (a PSNR of an exact copy) can be recognised.
    """
    a = np.asarray(actual, dtype=np.float64)
    c = np.asarray(candidate, dtype=np.float64)
    if a.shape != c.shape:
        return False
    finite = np.abs(c[np.isfinite(c)])
    scale = float(finite.max()) if finite.size else 0.0
    return bool(np.allclose(a, c, rtol=0, atol=atol + rtol * scale))


def _close_scalar(value, expected, rtol=1e-6, atol=0.0):
    """``|value - expected| <= atol + rtol |expected|``; an infinite `expected` needs the same infinity."""
    value, expected = float(value), float(expected)
    if not np.isfinite(expected) or not np.isfinite(value):
        return value == expected
    return abs(value - expected) <= atol + rtol * abs(expected)


def _short(values, n_max=6):
    """A few entries of a 1-D array for a message: ``[9, 4, 1]`` or ``[9, 4, 1, ..., 0]``."""
    v = np.asarray(values, dtype=np.float64).ravel()
    items = [f"{x:.4g}" for x in (v if v.size <= n_max else np.concatenate([v[: n_max - 1], v[-1:]]))]
    if v.size > n_max:
        items.insert(n_max - 1, "...")
    return "[" + ", ".join(items) + "]"


def _answer_pair(actual, call, names, *, complex_hint=""):
    """Return the two numbers of a pair answer ``(a, b)`` as floats (inf allowed), or fail clearly."""
    if actual is None:
        raise AssertionError(f"{call} is None: did your function forget to `return` its result?")
    pair = f"({names[0]}, {names[1]})"
    if isinstance(actual, np.ndarray) and actual.shape != (2,) or not isinstance(actual, (tuple, list, np.ndarray)):
        what = (f"an array of shape {actual.shape}" if isinstance(actual, np.ndarray)
                else f"a single {type(actual).__name__}")
        raise AssertionError(
            f"{call} should return the pair {pair} (`return {names[0]}, {names[1]}`); got {what}."
        )
    if len(actual) != 2:
        raise AssertionError(
            f"{call} should return the pair {pair} (`return {names[0]}, {names[1]}`); got a "
            f"{type(actual).__name__} of {len(actual)} items."
        )
    values = []
    for name, item in zip(names, actual):
        label = f"{name} (returned by {call})"
        if complex_hint and np.iscomplexobj(item):
            raise AssertionError(f"{label} is complex ({complex(np.asarray(item).ravel()[0])!r}): {complex_hint}.")
        value = float(_answer_scalar(item, label))
        if np.isnan(value):
            raise AssertionError(f"{label} is nan: 0/0 or inf/inf somewhere?")
        values.append(value)
    return values


# ---------------------------------------------------------------------------
# Part 1: rank, pseudo-inverse, least squares, condition numbers, Eckart-Young
# ---------------------------------------------------------------------------
#
# Each question has a private runner ``_check_<question>(fn, cases, *, check,
# forbidden, verbose)`` that runs `fn` on cases holding their expected answers
# and diagnoses the mistakes.  The visible ``check_*`` functions build a few
# cases with numpy/scipy; the instructor's hidden checks call the same runners
# with more cases, so both give the same advice.


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


def _check_numerical_rank(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``numerical_rank`` on ``cases = [(desc, A, expected_rank)]``."""
    fname = _fn_name(fn, "numerical_rank")
    _require_callable(fn, check, fname)
    call = f"{fname}(A)"
    advice = "count the singular values from np.linalg.svd above the tolerance yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, A, expected) in enumerate(cases, 1):
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            value = _answer_int(got, call)
            hint = _rank_hint(value, A) if value != expected else ""
            assert_integer_answer(value, expected, name=call, what="the rank", hint=hint)
    _passed(check, len(cases), verbose)


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
    cases = [(desc, A, int(np.linalg.matrix_rank(A))) for desc, A in _numerical_rank_cases()]
    _check_numerical_rank(fn, cases, check="check_numerical_rank", forbidden=forbidden, verbose=verbose)


def _pinv_cases():
    return [
        ("a tall 6x4 matrix of full rank", _matrix(6, 4, [3, 2, 1.5, 1], 11)),
        ("a wide 4x6 matrix of full rank", _matrix(4, 6, [3, 2, 1.5, 1], 12)),
        ("a square 5x5 matrix of rank 3 (rank-deficient)", _matrix(5, 5, [3, 2, 1], 13)),
        ("a tall 7x4 matrix of rank 2 (rank-deficient)", _matrix(7, 4, [2, 1], 14)),
        ("a 1x5 row vector", _matrix(1, 5, [2], 15)),
        ("the 3x4 zero matrix (its pseudo-inverse is the 4x3 zero matrix)", np.zeros((3, 4))),
    ]


def _check_pinv(fn, cases, *, check, forbidden=DEFAULT_FORBIDDEN, verbose=True):
    """Run ``pinv_svd`` on ``cases = [(desc, A, expected_pinv)]``: Penrose conditions, then values."""
    fname = _fn_name(fn, "pinv_svd")
    _require_callable(fn, check, fname)
    call = f"{fname}(A)"
    advice = "build the pseudo-inverse from np.linalg.svd yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, A, expected) in enumerate(cases, 1):
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            assert_penrose_conditions(A, got, call, rtol=_CHECK_RTOL)
            assert_array_answer(got, expected, name=call, rtol=_CHECK_RTOL, atol=_CHECK_ATOL)
    _passed(check, len(cases), verbose)


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
    cases = [(desc, A, scipy.linalg.pinv(A)) for desc, A in _pinv_cases()]
    _check_pinv(fn, cases, check="check_pinv", forbidden=forbidden, verbose=verbose)


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


def _check_lstsq_min_norm(fn, cases, *, check, forbidden=DEFAULT_FORBIDDEN, verbose=True):
    """Run ``lstsq_min_norm`` on ``cases = [(desc, A, b, expected_x)]``."""
    fname = _fn_name(fn, "lstsq_min_norm")
    _require_callable(fn, check, fname)
    call = f"{fname}(A, b)"
    advice = "build the minimum-norm solution from np.linalg.svd yourself (x = V S+ U^T b)."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, A, b, x_star) in enumerate(cases, 1):
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
    _passed(check, len(cases), verbose)


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
    cases = [(desc, A, b, np.linalg.lstsq(A, b, rcond=None)[0]) for desc, A, b in _lstsq_cases()]
    _check_lstsq_min_norm(fn, cases, check="check_lstsq_min_norm", forbidden=forbidden, verbose=verbose)


def _kappa(M):
    """2-norm condition number ``s[0] / s[-1]``; inf when the smallest singular value is exactly 0."""
    s = np.linalg.svd(M, compute_uv=False)
    return float("inf") if s[-1] == 0 else float(s[0] / s[-1])


def _condition_cases():
    # A zero LAST column gives an exactly zero singular value (for A and A^T A) in
    # every LAPACK driver; a zero column elsewhere leaves round-off (~1e-17).
    singular = np.hstack([_matrix(5, 2, [2, 1], 44), np.zeros((5, 1))])
    return [
        ("a square 4x4 non-symmetric matrix with kappa(A) = 10", _matrix(4, 4, [5, 2, 1, 0.5], 41)),
        ("a tall 6x3 matrix of full column rank with kappa(A) = 3", _matrix(6, 3, [3, 2, 1], 42)),
        ("a tall 8x4 ill-conditioned matrix with kappa(A) = 1e4, so kappa(A^T A) = 1e8",
         _matrix(8, 4, [1, 1e-1, 1e-2, 1e-4], 43)),
        ("a singular 5x3 matrix whose last column is zero (both condition numbers are np.inf)", singular),
    ]


def _kappa_hint(value, expected, A, which):
    """Why `value` is not `expected`, the condition number of A (which="A") or of A^T A ("AtA")."""
    m, n = A.shape
    if np.isinf(expected):
        return (
            "A is singular here (its smallest singular value is exactly 0), so the condition number "
            "is infinite: return np.inf when s[-1] == 0"
        )
    if value < 1:
        return (
            "a condition number is >= 1: it is s[0] / s[-1] (largest over smallest singular "
            "value), not s[-1] / s[0]"
        )
    if which == "AtA":
        kappa_a = _kappa(A)
        if _close_scalar(value, kappa_a, 1e-6):
            return (
                f"it equals kappa(A); the singular values of A^T A are s**2, so kappa(A^T A) = "
                f"kappa(A)**2 = {kappa_a**2:.6g}: compute it from np.linalg.svd(A.T @ A, compute_uv=False)"
            )
        if m > n and value > 1e6 * expected:
            return "did you use A @ A.T (m x m, singular for a tall A) instead of A.T @ A (n x n)?"
        return "kappa(A^T A) = s[0] / s[-1] with s = np.linalg.svd(A.T @ A, compute_uv=False)"
    if _close_scalar(value, expected**2, 1e-3):
        return (
            "it equals kappa(A)**2, the condition number of A^T A: return the pair "
            "(kappa(A), kappa(A^T A)) in this order"
        )
    if m == n:
        ev = np.abs(np.linalg.eigvals(A))
        if ev.min() > 0 and _close_scalar(value, ev.max() / ev.min(), 1e-6):
            return (
                "it is the ratio of the largest to the smallest |eigenvalue| of A; for a non-symmetric "
                "matrix eigenvalues are not singular values: use s = np.linalg.svd(A, compute_uv=False)"
            )
    return "kappa(A) = s[0] / s[-1] with s = np.linalg.svd(A, compute_uv=False)"


def _condition_error_hint(exc):
    if isinstance(exc, ZeroDivisionError):
        return " (the smallest singular value is exactly 0 here: return np.inf in that case)"
    if isinstance(exc, np.linalg.LinAlgError) and "square" in str(exc):
        return (
            " (eigenvalues need a square matrix; a condition number comes from the singular values: "
            "np.linalg.svd(A, compute_uv=False))"
        )
    return ""


def _check_condition_numbers(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``condition_numbers`` on ``cases = [(desc, A, (kappa_A, kappa_AtA))]``."""
    fname = _fn_name(fn, "condition_numbers")
    _require_callable(fn, check, fname)
    call = f"{fname}(A)"
    advice = "compute the condition numbers from np.linalg.svd(..., compute_uv=False) yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    names = ("kappa_A", "kappa_AtA")
    complex_hint = (
        "did you use the eigenvalues of A (np.linalg.eig)? For a non-symmetric matrix they can be "
        "complex and are not the singular values: use np.linalg.svd(A, compute_uv=False)"
    )
    for i, (desc, A, expected) in enumerate(cases, 1):
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden,
                   advice=advice, error_hint=_condition_error_hint)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            values = _answer_pair(got, call, names, complex_hint=complex_hint)
            for name, which, value, exp in zip(names, ("A", "AtA"), values, expected):
                exp = float(exp)
                # kappa(A^T A) of an ill-conditioned A is itself computed with relative error ~eps kappa**2.
                rtol = 1e-3 if which == "AtA" and exp > 1e6 else _CHECK_RTOL
                if not _close_scalar(value, exp, rtol):
                    hint = _kappa_hint(value, exp, A, which)
                    raise AssertionError(f"{call} returned {name} = {value:.6g} but it should be {exp:.6g}: {hint}.")
    _passed(check, len(cases), verbose)


def check_condition_numbers(fn, *, forbidden=(), verbose=True):
    """Check the student's ``condition_numbers(A)`` on four seeded matrices.

    The answer is the pair ``(kappa(A), kappa(A^T A))`` of 2-norm condition
    numbers ``s[0] / s[-1]``, ``np.inf`` for a singular matrix.  Cases: a
    square non-symmetric matrix (kappa 10), a tall one (kappa 3), a tall
    ill-conditioned one (kappa 1e4: kappa(A^T A) = 1e8 is compared at
    relative tolerance 1e-3) and a singular one (a zero column).  Diagnoses:
    ``(kappa(A), kappa(A))``, reversed ratios (< 1), eigenvalues of a
    non-symmetric A, swapped pair, no ``np.inf`` for a singular matrix.

    Parameters
    ----------
    fn : callable
        ``condition_numbers(A) -> (float, float)``.
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
        On the first failed case, e.g. ``"condition_numbers(A) returned
        kappa_AtA = 10 but it should be 100: it equals kappa(A); ..."``.

    Examples
    --------
    >>> def condition_numbers(A):
    ...     kappa = lambda M: np.linalg.cond(M)
    ...     return kappa(A), kappa(A.T @ A)
    >>> check_condition_numbers(condition_numbers)
    check_condition_numbers: all 4 cases passed.
    """
    cases = [(desc, A, (_kappa(A), _kappa(A.T @ A))) for desc, A in _condition_cases()]
    _check_condition_numbers(fn, cases, check="check_condition_numbers", forbidden=forbidden, verbose=verbose)


def _gram_cases():
    return [
        ("a tall 6x3 matrix: its 3 eigenvalues are s**2 = [9, 4, 1]", _matrix(6, 3, [3, 2, 1], 45)),
        ("a wide 3x5 matrix: s**2 = [9, 4, 1] padded with two zeros", _matrix(3, 5, [3, 2, 1], 46)),
        ("a square 4x4 matrix of rank 2: [16, 1, 0, 0]", _matrix(4, 4, [4, 1], 47)),
        ("a tall 7x4 matrix with singular values 10, 1, 0.5, 0.1", _matrix(7, 4, [10, 1, 0.5, 0.1], 48)),
    ]


def _gram_expected(A):
    """The n eigenvalues of A^T A, decreasing: s**2 padded with zeros."""
    s = np.linalg.svd(A, compute_uv=False)
    return np.concatenate([s**2, np.zeros(A.shape[1] - s.size)])


def _check_gram_eigenvalues(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``gram_eigenvalues`` on ``cases = [(desc, A, expected_eigenvalues)]``."""
    fname = _fn_name(fn, "gram_eigenvalues")
    _require_callable(fn, check, fname)
    call = f"{fname}(A)"
    advice = "compute the eigenvalues with np.linalg.eigvalsh yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, A, expected) in enumerate(cases, 1):
        m, n = A.shape
        got = _run(fn, (A,), ("A",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            arr = _answer_array(got, call)
            if arr.shape == (m,) and m > n:
                raise AssertionError(
                    f"{call} returned {m} values but A is {m}x{n}, so A^T A is {n}x{n} with {n} eigenvalues: "
                    f"{m} values are the eigenvalues of A A^T; use A.T @ A."
                )
            if arr.shape == (m,) and m < n:
                raise AssertionError(
                    f"{call} returned {m} values but A is {m}x{n}, so A^T A is {n}x{n} and has {n} eigenvalues: "
                    f"the {m} squared singular values (also the eigenvalues of A A^T) and {n - m} zeros; "
                    f"np.linalg.eigvalsh(A.T @ A) gives all {n}."
                )
            arr = _answer_array(got, call, shape=(n,),
                                shape_hint=f" (A^T A is {n}x{n}: one eigenvalue per column of A)")
            rtol = _effective_rtol(arr.dtype, _CHECK_RTOL)
            if _close(arr, expected, rtol):
                continue
            s = np.linalg.svd(A, compute_uv=False)
            s_padded = np.concatenate([s, np.zeros(n - s.size)])
            if _close(arr, expected[::-1], rtol):
                hint = ("they are in increasing order (as np.linalg.eigvalsh returns them); sort them in "
                        "decreasing order: np.linalg.eigvalsh(A.T @ A)[::-1]")
            elif _close(np.sort(arr)[::-1], expected, rtol):
                hint = "right values, wrong order: sort them in decreasing order"
            elif _close(np.sort(arr)[::-1], s_padded, rtol):
                hint = ("these are the singular values of A; the eigenvalues of A^T A are their squares "
                        "s**2 (padded with zeros)")
            else:
                hint = "use np.linalg.eigvalsh(A.T @ A), reversed to decreasing order"
            raise AssertionError(
                f"{call} returned {_short(arr)} but the eigenvalues of A^T A in decreasing order are "
                f"{_short(expected)}: {hint}."
            )
    _passed(check, len(cases), verbose)


def check_gram_eigenvalues(fn, *, forbidden=(), verbose=True):
    """Check the student's ``gram_eigenvalues(A)`` on four seeded matrices.

    The answer is the n eigenvalues of ``A^T A`` in decreasing order, i.e.
    the squared singular values padded with ``n - min(m, n)`` zeros.  Cases:
    tall, wide (zeros: eigvalsh gives ~1e-15 instead of 0, accepted relative
    to ``s[0]**2``), square rank-deficient and a spread of scales.
    Diagnoses: increasing order, the m eigenvalues of ``A A^T``, singular
    values not squared, too few values.

    Parameters
    ----------
    fn : callable
        ``gram_eigenvalues(A) -> (n,) ndarray``.
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
    >>> check_gram_eigenvalues(lambda A: np.linalg.eigvalsh(A.T @ A)[::-1])
    check_gram_eigenvalues: all 4 cases passed.
    """
    cases = [(desc, A, _gram_expected(A)) for desc, A in _gram_cases()]
    _check_gram_eigenvalues(fn, cases, check="check_gram_eigenvalues", forbidden=forbidden, verbose=verbose)


def _eckart_young_cases():
    """``[(desc, s, k, (||A - A_k||_2, ||A - A_k||_F))]``, the errors measured on the matrix itself."""
    specs = [
        ("a tall 7x5 matrix with s = [5, 4, 3, 2, 1]", _matrix(7, 5, [5, 4, 3, 2, 1], 51), (2, 0, 5)),
        ("a wide 4x6 matrix with s = [4, 2, 1, 0.5]", _matrix(4, 6, [4, 2, 1, 0.5], 52), (1, 3)),
    ]
    cases = []
    for what, A, ks in specs:
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        for k in ks:
            E = A - (U[:, :k] * s[:k]) @ Vt[:k]
            note = (" (A_0 = 0, so the errors are the norms of A)" if k == 0 else
                    f" (k = len(s) = {s.size}: nothing is left out, both errors are 0)" if k == s.size else "")
            cases.append((f"{what}, k = {k}{note}", s, k, (np.linalg.norm(E, 2), np.linalg.norm(E, "fro"))))
    return cases


def _eckart_young_hint(values, expected, s, k):
    """Recognise the usual mistakes in ``(spectral, frobenius)``; "" when none matches."""
    spectral, frobenius = values
    p = s.size
    close = functools.partial(_close_scalar, rtol=1e-6, atol=1e-9 * float(s[0]))
    if close(spectral, expected[1]) and close(frobenius, expected[0]) and not close(spectral, expected[0]):
        return "the two errors are swapped: return (spectral, frobenius) in this order"
    if not close(spectral, expected[0]):
        if k == p:
            return f"for k = len(s) = {p} nothing is left out: the spectral error is 0"
        if close(spectral, s[k - 1]):  # for k = 0, s[k - 1] is s[-1], the smallest
            return (
                "off by one: ||A - A_k||_2 = sigma_{k+1}, which is s[k] with 0-based indexing "
                "(s[0] is sigma_1), not s[k-1]"
            )
        if k + 1 < p and close(spectral, s[k + 1]):
            return "off by one: ||A - A_k||_2 = sigma_{k+1} = s[k] (0-based), not s[k+1]"
        return "||A - A_k||_2 = sigma_{k+1} = s[k] (0-based), or 0 when k = len(s)"
    tail = s[k:]
    if close(frobenius, np.sum(tail**2)):
        return "take the square root: ||A - A_k||_F = sqrt(sum(s[k:]**2))"
    if close(frobenius, np.sum(tail)) or close(frobenius, np.sqrt(np.sum(tail))):
        return "square the singular values before summing: ||A - A_k||_F = sqrt(sum(s[k:]**2))"
    # s[k - 1:] is s[-1:] for k = 0: what the off-by-one code computes there
    if close(frobenius, np.linalg.norm(s[k - 1:])) or close(frobenius, np.linalg.norm(s[k + 1:])):
        return "off by one: the sum starts at s[k] (0-based): sqrt(sum(s[k:]**2))"
    return "||A - A_k||_F = sqrt(sum(s[k:]**2))"


def _check_eckart_young_errors(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``eckart_young_errors`` on ``cases = [(desc, s, k, (spectral, frobenius))]``."""
    fname = _fn_name(fn, "eckart_young_errors")
    _require_callable(fn, check, fname)
    advice = "compute the errors from s yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    names = ("spectral", "frobenius")
    for i, (desc, s, k, expected) in enumerate(cases, 1):
        call = f"{fname}(s, k={k})"
        error_hint = (
            f" (for k = len(s) = {s.size} nothing is left out: both errors are 0, and s[k] does not exist)"
            if k == s.size else ""
        )
        got = _run(fn, (s, k), ("s", "k"), call=call, fname=fname, case=desc, forbidden=forbidden,
                   advice=advice, error_hint=error_hint)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            values = _answer_pair(got, call, names)
            atol = 1e-9 * float(s[0])
            if all(_close_scalar(v, e, _CHECK_RTOL, atol) for v, e in zip(values, expected)):
                continue
            hint = _eckart_young_hint(values, expected, s, k)
            raise AssertionError(
                f"{call} returned (spectral, frobenius) = ({values[0]:.6g}, {values[1]:.6g}) but the "
                f"errors are ({float(expected[0]):.6g}, {float(expected[1]):.6g}): {hint}."
            )
    _passed(check, len(cases), verbose)


def check_eckart_young_errors(fn, *, forbidden=(), verbose=True):
    """Check the student's ``eckart_young_errors(s, k)`` against measured errors.

    For a tall 7x5 matrix (k = 2, 0, 5 = len(s)) and a wide 4x6 one (k = 1, 3),
    the answer ``(spectral, frobenius)`` must equal ``np.linalg.norm(A - A_k,
    2)`` and ``np.linalg.norm(A - A_k, "fro")``.  Diagnoses: ``s[k-1]`` (off
    by one), a missing square root, ``sum(s[k:])`` without squares, swapped
    pair, ``s[k]`` failing at k = len(s).

    Parameters
    ----------
    fn : callable
        ``eckart_young_errors(s, k) -> (float, float)``.
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
    >>> def eckart_young_errors(s, k):
    ...     return (s[k] if k < len(s) else 0.0), np.sqrt(np.sum(s[k:] ** 2))
    >>> check_eckart_young_errors(eckart_young_errors)
    check_eckart_young_errors: all 5 cases passed.
    """
    _check_eckart_young_errors(fn, _eckart_young_cases(), check="check_eckart_young_errors",
                               forbidden=forbidden, verbose=verbose)


# ---------------------------------------------------------------------------
# Part 2: rank-k images
# ---------------------------------------------------------------------------


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


def _energy_k(s, fraction, *, power=2, strict=False):
    """Smallest k with cumulative energy >= fraction (> fraction when `strict`)."""
    w = np.asarray(s, dtype=np.float64) ** power
    cum = np.cumsum(w) / np.sum(w)
    return int(np.searchsorted(cum, fraction, side="right" if strict else "left")) + 1


def _check_rank_k_approx(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``rank_k_approx`` on ``cases = [(desc, U, s, Vt, k, expected)]``."""
    fname = _fn_name(fn, "rank_k_approx")
    _require_callable(fn, check, fname)
    advice = "build the reconstruction from U, s and Vt yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, U, s, Vt, k, expected) in enumerate(cases, 1):
        call = f"{fname}(U, s, Vt, k={k})"
        got = _run(fn, (U, s, Vt, k), ("U", "s", "Vt", "k"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            m, n = expected.shape
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
    _passed(check, len(cases), verbose)


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
    cases = []
    for desc, A, k in _rank_k_cases():
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        cases.append((desc, U, s, Vt, k, (U[:, :k] * s[:k]) @ Vt[:k]))
    _check_rank_k_approx(fn, cases, check="check_rank_k_approx", forbidden=forbidden, verbose=verbose)


def _check_smallest_rank_for_energy(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``smallest_rank_for_energy`` on ``cases = [(desc, s, fraction, expected_k)]``."""
    fname = _fn_name(fn, "smallest_rank_for_energy")
    _require_callable(fn, check, fname)
    advice = "compute the cumulative energy yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, s, fraction, expected) in enumerate(cases, 1):
        call = f"{fname}(s, {fraction})"
        got = _run(fn, (s, fraction), ("s", "fraction"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            value = _answer_int(got, call)
            hint = ""
            if value != expected:
                w = np.asarray(s, dtype=np.float64) ** 2
                last = float(np.cumsum(w)[-1] / np.sum(w))
                if value > s.size or last < fraction:
                    hint = (
                        f"no entry of np.cumsum(s**2) / np.sum(s**2) reaches fraction = {fraction} here: "
                        f"round-off leaves the last one at {last!r}, not 1 (so searchsorted returns len(s) "
                        "and argmax of an all-False array returns 0). Divide the cumulative sum by its own "
                        f"last entry (cum / cum[-1]), or cap k at len(s) = {s.size}"
                    )
                elif value == _energy_k(s, fraction, strict=True):
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
    _passed(check, len(cases), verbose)


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
    # Values chosen so the cumulative energies are exact in floating point.
    specs = [
        ("s = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1], fraction 0.95", [10.0] + [1.0] * 9, 0.95),
        ("s = [4, 3, 2, 1], fraction 0.8", [4.0, 3.0, 2.0, 1.0], 0.8),
        ("s = [2, 2, 2, 2], fraction 0.5 (reached exactly at k = 2)", [2.0, 2.0, 2.0, 2.0], 0.5),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.95", [10.0, 6.0, 3.0, 1.5, 0.5], 0.95),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.5", [10.0, 6.0, 3.0, 1.5, 0.5], 0.5),
        ("s = [3, 1, 0, 0], fraction 1.0 (all the energy)", [3.0, 1.0, 0.0, 0.0], 1.0),
    ]
    cases = [(desc, np.array(s), fraction, _energy_k(s, fraction)) for desc, s, fraction in specs]
    _check_smallest_rank_for_energy(fn, cases, check="check_smallest_rank_for_energy",
                                    forbidden=forbidden, verbose=verbose)


def _uint8_cases():
    rng = np.random.default_rng(61)
    overshoot = rng.uniform(-0.25, 1.25, (6, 8))
    overshoot[0, :3] = [0.0, 1.0, 0.5]
    return [
        ("a 6x8 gray reconstruction with values in [-0.25, 1.25] (it overshoots [0, 1])", overshoot),
        ("a 5x7 gray image with values in [0, 1]", rng.uniform(0.0, 1.0, (5, 7))),
        ("a 4x5x3 colour reconstruction with values in [-0.1, 1.1]", rng.uniform(-0.1, 1.1, (4, 5, 3))),
    ]


def _uint8_expected(image):
    return np.rint(np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)


def _uint8_hint(a, e, x, wrong):
    """Diagnose a wrong uint8 conversion: `a` answer, `e` expected (both float), `x` input, `wrong` mask."""
    xc = np.clip(x, 0.0, 1.0)
    outside = wrong & ((x < 0) | (x > 1))
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    if e.max() > 1 and a.max() <= 1:
        return (
            f"its values only go up to {a.max():g}: scale by 255 before casting "
            "(0 -> 0, 1 -> 255): np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)"
        )
    if np.any(a != np.round(a)):
        return (
            f"its values are not whole numbers (pixel {_fmt_index(first)} is {a[first]:.6g}): round with "
            "np.rint and cast with .astype(np.uint8)"
        )
    if outside.any():
        idx = tuple(int(i) for i in np.argwhere(outside)[0])
        return (
            f"pixel {_fmt_index(idx)} is {x[idx]:.4g} (a reconstruction overshoots [0, 1]) and became "
            f"{a[idx]:g} instead of {e[idx]:g}: clip to [0, 1] first (np.clip(image, 0, 1)); casting a "
            "value outside 0..255 to uint8 wraps it around (1.2 * 255 = 306 becomes 50)"
        )
    if np.all(a[wrong] == np.floor(xc[wrong] * 255)):
        return (
            f"pixel {_fmt_index(first)} is {x[first]:.4g}, so 255 * x = {255 * xc[first]:.4g}, which "
            f"rounds to {e[first]:g}, but it became {a[first]:g}: round before casting "
            "(.astype(np.uint8) truncates): np.rint(...).astype(np.uint8)"
        )
    return (
        f"pixel {_fmt_index(first)} is {x[first]:.4g} and should become round(clip(x, 0, 1) * 255) = "
        f"{e[first]:g}, but it is {a[first]:g}"
    )


def _check_to_uint8_image(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``to_uint8_image`` on ``cases = [(desc, image, expected_uint8)]``."""
    fname = _fn_name(fn, "to_uint8_image")
    _require_callable(fn, check, fname)
    call = f"{fname}(image)"
    advice = "clip, scale, round and cast with numpy yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, image, expected) in enumerate(cases, 1):
        got = _run(fn, (image,), ("image",), call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            arr = _answer_array(got, call, shape=image.shape,
                                shape_hint=" (the uint8 image has the shape of the input)")
            x = np.asarray(image, dtype=np.float64)
            a, e = arr.astype(np.float64), expected.astype(np.float64)
            # On a tie (255 x = j + 0.5 up to round-off) both neighbours are right roundings.
            scaled = np.clip(x, 0.0, 1.0) * 255
            tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-4
            wrong = (a != e) & ~(tie & (np.abs(a - e) <= 1))
            if wrong.any():
                hint = _uint8_hint(a, e, x, wrong)
                raise AssertionError(f"{call} is wrong at {int(wrong.sum())} of {wrong.size} pixels: {hint}.")
            if arr.dtype != np.uint8:
                raise AssertionError(
                    f"{call} has the right values but dtype {arr.dtype}: return a uint8 image "
                    "(finish with .astype(np.uint8))."
                )
    _passed(check, len(cases), verbose)


def check_to_uint8_image(fn, *, forbidden=UINT8_FORBIDDEN, verbose=True):
    """Check the student's ``to_uint8_image(image)`` on three float images.

    The answer is ``np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)``:
    dtype uint8, the shape of the input, and every pixel equal to it (on an
    exact tie ``255 x = j + 0.5`` both j and j + 1 are accepted).  Cases: a
    gray reconstruction that overshoots [0, 1], a gray image inside [0, 1]
    and an overshooting colour image.  Diagnoses: no clipping (wrap-around),
    truncation instead of rounding, no scaling by 255, unrounded values,
    wrong dtype.  ``course_utils.images.to_uint8`` and scikit-image's
    ``img_as_ubyte`` are forbidden (:data:`UINT8_FORBIDDEN`).

    Parameters
    ----------
    fn : callable
        ``to_uint8_image(image) -> uint8 ndarray`` of the shape of `image`.
    forbidden : sequence of str, optional
        Dotted names of forbidden routines; default :data:`UINT8_FORBIDDEN`.
    verbose : bool, optional
        Print a one-line success message.

    Returns
    -------
    None

    Raises
    ------
    AssertionError
        On the first failed case, e.g. ``"to_uint8_image(image) is wrong at
        9 of 48 pixels: pixel [0, 4] is 1.18 (a reconstruction overshoots [0,
        1]) and became 45 instead of 255: clip to [0, 1] first ..."``.
    ForbiddenCallError
        If `fn` uses a forbidden routine.

    Examples
    --------
    >>> check_to_uint8_image(lambda image: np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8))
    check_to_uint8_image: all 3 cases passed.
    """
    cases = [(desc, image, _uint8_expected(image)) for desc, image in _uint8_cases()]
    _check_to_uint8_image(fn, cases, check="check_to_uint8_image", forbidden=forbidden, verbose=verbose)


def _smooth_image(m, n, seed):
    """A seeded smooth gray image with values in [0.05, 0.95] that is not exactly low-rank."""
    y, x = np.mgrid[0 : 1 : m * 1j, 0 : 1 : n * 1j]
    a, b, c = np.random.default_rng(seed).uniform(1.5, 4.0, 3)
    return 0.5 + 0.45 * np.sin(a * x + b * y**2 + c * x * y)


def _rank_k_images(A, ks):
    """Rank-k approximations of the matrix `A` for each k in `ks`, from one SVD."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return [(U[:, :k] * s[:k]) @ Vt[:k] for k in ks]


def _rank_errors_cases():
    image = np.random.default_rng(62).uniform(0.0, 1.0, (5, 9))
    return [
        ("an 8x6 matrix with s = [4, 3, 2, 1, 0.5, 0.25]; ks = [0, 1, 2, 3] (k = 0 leaves all of A: error 1)",
         _matrix(8, 6, [4, 3, 2, 1, 0.5, 0.25], 63), [0, 1, 2, 3]),
        ("a wide 5x9 gray image; ks = [1, 3, 5] (k = 5 = min(m, n) leaves no error)", image, np.array([1, 3, 5])),
        ("a 7x7 matrix of rank 3; ks = [1, 3, 6] (no error from k = 3 on)", _matrix(7, 7, [3, 2, 1], 64), (1, 3, 6)),
    ]


def _rank_errors_expected(A, ks):
    """Measured relative Frobenius errors ``||A - A_k||_F / ||A||_F``."""
    return np.array([np.linalg.norm(A - X) for X in _rank_k_images(A, ks)]) / np.linalg.norm(A)


def _rank_errors_hint(arr, A, ks):
    """Recognise relative errors computed the wrong way; "" when none matches."""
    s = np.linalg.svd(A, compute_uv=False)
    p, fro = s.size, float(np.linalg.norm(s))
    ks = np.asarray(ks, dtype=int)

    def tail(kk, power=2):
        # s[j:] is empty (sum 0) for j >= p; j < 0 is no rank at all
        return np.array([np.sum(s[j:] ** power) if j >= 0 else np.nan for j in kk])

    spectral = np.array([s[j] if j < p else 0.0 for j in ks])
    use_fro = ("use the Frobenius norm: the relative error is ||A - A_k||_F / ||A||_F = "
               "sqrt(sum(s[k:]**2) / sum(s**2)) (np.linalg.norm of a matrix is the Frobenius norm)")
    off_by_one = "k is off by one: A_k keeps s[:k], so its error is made of s[k:] (0-based)"
    use_squares = "use s**2: the relative error is sqrt(sum(s[k:]**2) / sum(s**2))"
    candidates = [
        (spectral / s[0], "that is the relative error in the spectral norm (s[k] / s[0]); " + use_fro),
        (spectral / fro, "s[k] is the spectral-norm error; " + use_fro),
        (np.sqrt(tail(ks)), "divide by ||A||_F: the relative error is ||A - A_k||_F / ||A||_F"),
        (tail(ks) / fro**2, "take the square root: sum(s[k:]**2) / sum(s**2) is the squared relative error "
                            "(the lost energy)"),
        (1 - tail(ks) / fro**2, "this is the kept energy fraction, not the error: the relative error is "
                                "sqrt(sum(s[k:]**2) / sum(s**2))"),
        (tail(ks, 1) / np.sum(s), use_squares),
        (np.sqrt(tail(ks, 1) / np.sum(s)), use_squares),
        (np.sqrt(tail(ks + 1)) / fro, off_by_one),
        (np.sqrt(tail(ks - 1)) / fro, off_by_one),
    ]
    for candidate, hint in candidates:
        if _close(arr, candidate, 1e-6, 1e-10):
            return hint
    return ""


def _check_rank_errors(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``rank_errors`` on ``cases = [(desc, image, ks, expected_errors)]``."""
    fname = _fn_name(fn, "rank_errors")
    _require_callable(fn, check, fname)
    advice = "compute the errors from np.linalg.svd yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, image, ks, expected) in enumerate(cases, 1):
        call = f"{fname}(image, ks={list(np.asarray(ks).tolist())})"
        got = _run(fn, (image, ks), ("image", "ks"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            arr = _answer_array(got, call, shape=(len(ks),), shape_hint=" (one error per k in ks)")
            if _close(arr, expected, _effective_rtol(arr.dtype, _CHECK_RTOL), 1e-10):
                continue
            hint = _rank_errors_hint(arr.astype(np.float64), image, ks)
            if not hint:
                raise AssertionError(
                    _mismatch_message(arr, expected, call, _CHECK_RTOL, 1e-10) + " The relative error of A_k "
                    "is ||A - A_k||_F / ||A||_F = sqrt(sum(s[k:]**2) / sum(s**2))."
                )
            raise AssertionError(
                f"{call} returned {_short(arr)} but the relative errors are {_short(expected)}: {hint}."
            )
    _passed(check, len(cases), verbose)


def check_rank_errors(fn, *, forbidden=(), verbose=True):
    """Check the student's ``rank_errors(image, ks)`` on three matrices.

    The answer is the 1-D float array of relative Frobenius errors
    ``||A - A_k||_F / ||A||_F``, one per k in `ks`, compared with errors
    measured on the reconstructions themselves.  Cases include k = 0 (error
    1), k = min(m, n) and k beyond the rank (error 0); `ks` comes as a list,
    an array and a tuple.  Diagnoses: spectral norm, not relative, squared
    (lost energy) or kept energy, s instead of s**2, k off by one.

    Parameters
    ----------
    fn : callable
        ``rank_errors(image, ks) -> (len(ks),) ndarray``.
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
    >>> def rank_errors(image, ks):
    ...     s = np.linalg.svd(image, compute_uv=False)
    ...     return np.array([np.sqrt(np.sum(s[k:] ** 2) / np.sum(s**2)) for k in ks])
    >>> check_rank_errors(rank_errors)
    check_rank_errors: all 3 cases passed.
    """
    cases = [(desc, A, ks, _rank_errors_expected(A, ks)) for desc, A, ks in _rank_errors_cases()]
    _check_rank_errors(fn, cases, check="check_rank_errors", forbidden=forbidden, verbose=verbose)


# ---------------------------------------------------------------------------
# Part 3: denoising
# ---------------------------------------------------------------------------


def _psnr(reference, estimate):
    """PSNR in dB for images in [0, 1] (data_range 1): ``10 log10(1 / MSE)``, inf for an exact copy."""
    mse = float(np.mean((reference - estimate) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def _noisy(clean, sigma, seed, *, clip=False):
    noisy = clean + sigma * np.random.default_rng(seed).standard_normal(clean.shape)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def _psnr_cases():
    clean1, clean2 = _smooth_image(24, 20, 71), _smooth_image(16, 30, 72)
    return [
        ("a 24x20 smooth image with Gaussian noise, sigma = 0.1 (the noisy image leaves [0, 1]); "
         "ks = [1, 2, 4, 8]", _noisy(clean1, 0.1, 73), clean1, [1, 2, 4, 8]),
        ("a 16x30 smooth image with noise sigma = 0.05, clipped to [0, 1]; ks = [1, 3, 16] "
         "(k = 16 = min(m, n) keeps the noisy image itself)", _noisy(clean2, 0.05, 74, clip=True), clean2,
         [1, 3, 16]),
    ]


def _psnr_by_rank_expected(noisy, clean, ks):
    return np.array([_psnr(clean, X) for X in _rank_k_images(noisy, ks)])


def _psnr_hint(arr, noisy, clean, ks, expected):
    """Recognise PSNRs measured the wrong way; "" when none matches."""
    approx = _rank_k_images(noisy, ks)
    data_range = "pass data_range=1.0 (the images are floats in [0, 1])"
    # Entry by entry: scikit-image guesses data_range = 2 only when its first image has negative values.
    for shift, hint in (
        (20 * np.log10(2.0), "some values are 6.02 dB too high: the PSNR used data_range = 2, scikit-image's "
                             "guess for a float image with negative values (e.g. the approximation passed "
                             f"first, without data_range); {data_range}"),
        (20 * np.log10(255.0), f"the values are 48.13 dB too high: data_range = 255 is for uint8 images; {data_range}"),
    ):
        moved = np.isclose(arr, expected + shift, rtol=0, atol=1e-6)
        if moved.any() and np.all(moved | np.isclose(arr, expected, rtol=0, atol=1e-6)):
            return hint
    candidates = [
        ([_psnr(noisy, X) for X in approx],
         "it measures the approximation against the noisy image; compare it with the clean one: "
         "PSNR(clean, A_k), with A_k the rank-k approximation of noisy"),
        ([_psnr(clean, X) for X in _rank_k_images(clean, ks)],
         "it approximates the clean image; approximate the noisy one (np.linalg.svd(noisy)) and compare "
         "that with clean: in practice only the noisy image is known"),
        ([_psnr(clean, np.clip(X, 0.0, 1.0)) for X in approx],
         "the approximation was clipped to [0, 1] before measuring; measure the rank-k approximation itself"),
        (expected / 2, "it is half the PSNR: PSNR = 10 log10(1 / MSE) = 20 log10(1 / RMSE)"),
        (expected * 2, "it is twice the PSNR: PSNR = 10 log10(1 / MSE) = 20 log10(1 / RMSE)"),
    ]
    for candidate, hint in candidates:
        if _close(arr, candidate, 1e-6, 1e-6):
            return hint
    return ""


def _psnr_error_hint(exc):
    if "data_range" in str(exc):
        return (
            " (scikit-image guesses the range from its first image when data_range is not given: "
            "pass data_range=1.0, e.g. peak_signal_noise_ratio(clean, approx, data_range=1.0))"
        )
    return ""


def _check_psnr_by_rank(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``psnr_by_rank`` on ``cases = [(desc, noisy, clean, ks, expected_psnr)]``."""
    fname = _fn_name(fn, "psnr_by_rank")
    _require_callable(fn, check, fname)
    advice = "compute the approximations and the PSNR yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, noisy, clean, ks, expected) in enumerate(cases, 1):
        call = f"{fname}(noisy, clean, ks={list(np.asarray(ks).tolist())})"
        got = _run(fn, (noisy, clean, ks), ("noisy", "clean", "ks"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice, error_hint=_psnr_error_hint)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            try:  # diagnose first: some wrong answers hold inf (an exact copy), which _answer_array rejects
                raw = np.asarray(got)
                rtol = _effective_rtol(raw.dtype, _CHECK_RTOL)
                raw = raw.astype(np.float64)
            except (TypeError, ValueError):
                raw = None
            if raw is not None and raw.shape == expected.shape and not _close(raw, expected, rtol, 1e-8):
                hint = _psnr_hint(raw, noisy, clean, ks, expected)
                if hint:
                    raise AssertionError(
                        f"{call} returned {_short(raw)} dB but the PSNRs are {_short(expected)} dB: {hint}."
                    )
            arr = _answer_array(got, call, shape=expected.shape, shape_hint=" (one PSNR per k in ks)")
            message = _mismatch_message(arr, expected, call, _CHECK_RTOL, 1e-8)
            if message:
                raise AssertionError(
                    message + " The PSNR of A_k is 10 log10(1 / mean((clean - A_k)**2)), A_k the rank-k "
                    "approximation of noisy."
                )
    _passed(check, len(cases), verbose)


def check_psnr_by_rank(fn, *, forbidden=(), verbose=True):
    """Check the student's ``psnr_by_rank(noisy, clean, ks)`` on two noisy images.

    The answer is the 1-D float array of PSNRs in dB (data_range 1.0) of the
    rank-k approximation of `noisy` (not clipped) against `clean`, one per k
    in `ks`, i.e. ``10 log10(1 / mean((clean - A_k)**2))``.  Diagnoses: PSNR
    against the noisy image, data_range guessed by scikit-image (2) or 255,
    approximation of the clean image, clipped approximation, factor 2.

    Parameters
    ----------
    fn : callable
        ``psnr_by_rank(noisy, clean, ks) -> (len(ks),) ndarray``.
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
    >>> from skimage.metrics import peak_signal_noise_ratio
    >>> def psnr_by_rank(noisy, clean, ks):
    ...     U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    ...     return np.array([peak_signal_noise_ratio(clean, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0)
    ...                      for k in ks])
    >>> check_psnr_by_rank(psnr_by_rank)
    check_psnr_by_rank: all 2 cases passed.
    """
    cases = [(desc, noisy, clean, ks, _psnr_by_rank_expected(noisy, clean, ks))
             for desc, noisy, clean, ks in _psnr_cases()]
    _check_psnr_by_rank(fn, cases, check="check_psnr_by_rank", forbidden=forbidden, verbose=verbose)


def _gd_lambda(beta):
    """Gavish-Donoho coefficient for a known noise level, lambda*(beta)."""
    return float(np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1))))


def _gd_omega(beta):
    """Gavish & Donoho's polynomial fit of omega(beta), the coefficient for an unknown noise level."""
    return 0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43


#: Relative tolerance for the unknown-noise threshold: omega(beta) may be the paper's
#: polynomial fit (within 0.4 % of the exact value for beta >= 0.05) or the exact value.
GD_UNKNOWN_RTOL = 1e-2


def _gd_expected(s, shape, sigma):
    m, n = shape
    beta = min(m, n) / max(m, n)
    if sigma is None:
        return _gd_omega(beta) * float(np.median(s))
    return _gd_lambda(beta) * np.sqrt(max(m, n)) * sigma


def _gd_singular_values(shape, seed):
    """Descending singular values of a seeded noisy matrix of `shape`: a few large ones above a noise bulk."""
    m, n = shape
    rng = np.random.default_rng(seed)
    s = np.sort(rng.uniform(0.5, 1.5, min(m, n)))[::-1] * np.sqrt(max(m, n))
    s[:3] *= [20.0, 10.0, 5.0]  # a rank-3 signal: the mean is well above the median
    return s


def _gd_cases():
    specs = [
        ("a square 100x100 matrix with known sigma = 0.5: tau = (4/sqrt(3)) sqrt(100) 0.5", (100, 100), 0.5),
        ("a tall 200x50 matrix with known sigma = 1.0 (beta = 50/200 = 0.25)", (200, 50), 1.0),
        ("a wide 40x160 matrix with known sigma = 0.1 (beta = 40/160 = 0.25)", (40, 160), 0.1),
        ("a square 50x50 matrix, sigma unknown (sigma=None): tau = omega(1) median(s)", (50, 50), None),
        ("a tall 120x40 matrix, sigma unknown (beta = 40/120 = 1/3)", (120, 40), None),
        ("a wide 30x90 matrix, sigma unknown (beta = 30/90 = 1/3)", (30, 90), None),
    ]
    return [(desc, _gd_singular_values(shape, 80 + i), shape, sigma) for i, (desc, shape, sigma) in enumerate(specs)]


def _gd_candidates(s, shape, sigma):
    """``[(tau computed the wrong way, what to do instead)]`` for the usual Gavish-Donoho mistakes."""
    m, n = shape
    lo, hi = min(m, n), max(m, n)
    beta, inverse = lo / hi, hi / lo
    median = float(np.median(s))
    used = "m / n" if m > n else "n / m"
    wrong_beta = (
        f"beta = min(m, n) / max(m, n) = {lo}/{hi} = {beta:.4g} is at most 1; it looks like you used "
        f"{used} = {hi}/{lo} = {inverse:.4g}"
    )
    candidates = []
    if sigma is not None:
        if lo != hi:
            candidates += [
                (_gd_lambda(beta) * np.sqrt(lo) * sigma,
                 f"use sqrt(max(m, n)) = sqrt({hi}), not sqrt(min(m, n)) = sqrt({lo})"),
                (_gd_lambda(inverse) * np.sqrt(hi) * sigma, wrong_beta),
                (4 / np.sqrt(3) * np.sqrt(hi) * sigma,
                 f"4/sqrt(3) = lambda*(1) is for square matrices only; here beta = {beta:.4g}, so "
                 f"lambda*(beta) = {_gd_lambda(beta):.4g}"),
            ]
        candidates += [
            (_gd_omega(beta) * median,
             f"sigma is known here (sigma={sigma}): tau = lambda*(beta) sqrt(max(m, n)) sigma; the median "
             "rule is for sigma=None"),
            (_gd_lambda(beta) * np.sqrt(hi) * sigma**2, "multiply by sigma, not sigma**2"),
            (_gd_lambda(beta) * np.sqrt(hi), "multiply by sigma: tau = lambda*(beta) sqrt(max(m, n)) sigma"),
        ]
    else:
        candidates += [
            (_gd_omega(beta) * float(np.mean(s)),
             "use the median of s (np.median(s)), not the mean: the few large singular values of the "
             "signal pull the mean up"),
            (_gd_lambda(beta) * median,
             "with unknown sigma the coefficient is omega(beta) ~ 0.56 beta**3 - 0.95 beta**2 + "
             "1.82 beta + 1.43, not lambda*(beta)"),
            (_gd_omega(beta) * median * np.sqrt(hi),
             "tau = omega(beta) median(s) has no sqrt(max(m, n)) factor"),
        ]
        if lo != hi:
            candidates.append((_gd_omega(inverse) * median, wrong_beta))
    return candidates


def _gd_hint(value, expected, s, shape, sigma):
    """Recognise the usual Gavish-Donoho mistakes (a generic formula when none matches)."""
    for candidate, hint in _gd_candidates(s, shape, sigma):
        # skip a mistake that gives the right number here (e.g. sigma**2 with sigma = 1)
        if _close_scalar(value, candidate, 3e-3) and not _close_scalar(expected, candidate, 3e-3):
            return hint
    if sigma is None:
        return "tau = omega(beta) median(s), with beta = min(m, n) / max(m, n)"
    return "tau = lambda*(beta) sqrt(max(m, n)) sigma, with beta = min(m, n) / max(m, n)"


def _gd_error_hint(exc):
    if isinstance(exc, TypeError) and "sigma" in str(exc):
        return " (give sigma a default: def gavish_donoho_threshold(s, shape, sigma=None))"
    return ""


def _check_gavish_donoho_threshold(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``gavish_donoho_threshold`` on ``cases = [(desc, s, shape, sigma, expected_tau, rtol)]``."""
    fname = _fn_name(fn, "gavish_donoho_threshold")
    _require_callable(fn, check, fname)
    advice = "compute the threshold with numpy yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, s, shape, sigma, expected, rtol) in enumerate(cases, 1):
        if sigma is None:  # call without sigma: its default must be None
            args, names, call = (s, shape), ("s", "shape"), f"{fname}(s, {shape})"
        else:
            args, names, call = (s, shape, sigma), ("s", "shape", "sigma"), f"{fname}(s, {shape}, sigma={sigma})"
        got = _run(fn, args, names, call=call, fname=fname, case=desc, forbidden=forbidden, advice=advice,
                   error_hint=_gd_error_hint)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            value = float(_answer_scalar(got, call))
            if not np.isfinite(value):
                raise AssertionError(f"{call} is {value}: a division by zero?")
            if not _close_scalar(value, expected, rtol):
                hint = _gd_hint(value, expected, s, shape, sigma)
                raise AssertionError(f"{call} returned {value:.6g} but tau is {float(expected):.6g}: {hint}.")
    _passed(check, len(cases), verbose)


def check_gavish_donoho_threshold(fn, *, forbidden=(), verbose=True):
    """Check the student's ``gavish_donoho_threshold(s, shape, sigma=None)`` on six cases.

    Known sigma: ``tau = lambda*(beta) sqrt(max(m, n)) sigma`` with
    ``beta = min(m, n) / max(m, n)`` and ``lambda*(beta) = sqrt(2 (beta + 1) +
    8 beta / ((beta + 1) + sqrt(beta**2 + 14 beta + 1)))`` (``4/sqrt(3)`` when
    square), compared at relative tolerance 1e-5.  Unknown sigma (called as
    ``fn(s, shape)``): ``tau = omega(beta) median(s)`` with Gavish & Donoho's
    fit ``omega(beta) ~ 0.56 beta**3 - 0.95 beta**2 + 1.82 beta + 1.43``,
    compared at :data:`GD_UNKNOWN_RTOL`.  Square, tall and wide shapes.
    Diagnoses: sqrt(min) instead of sqrt(max), beta > 1 (m / n of a tall
    matrix), 4/sqrt(3) for a non-square matrix, mean instead of median,
    lambda* instead of omega, sigma not used, no default for sigma.

    Parameters
    ----------
    fn : callable
        ``gavish_donoho_threshold(s, shape, sigma=None) -> float``.
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
    >>> def gavish_donoho_threshold(s, shape, sigma=None):
    ...     beta = min(shape) / max(shape)
    ...     if sigma is None:
    ...         return (0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s)
    ...     lam = np.sqrt(2 * (beta + 1) + 8 * beta / (beta + 1 + np.sqrt(beta**2 + 14 * beta + 1)))
    ...     return lam * np.sqrt(max(shape)) * sigma
    >>> check_gavish_donoho_threshold(gavish_donoho_threshold)
    check_gavish_donoho_threshold: all 6 cases passed.
    """
    cases = [
        (desc, s, shape, sigma, _gd_expected(s, shape, sigma), _CHECK_RTOL if sigma is not None else GD_UNKNOWN_RTOL)
        for desc, s, shape, sigma in _gd_cases()
    ]
    _check_gavish_donoho_threshold(fn, cases, check="check_gavish_donoho_threshold",
                                   forbidden=forbidden, verbose=verbose)


def _colour_image(m, n, seed, sigma):
    """A seeded noisy colour image (m, n, 3): smooth channels plus Gaussian noise, leaving [0, 1]."""
    clean = np.stack([_smooth_image(m, n, seed + c) for c in range(3)], axis=-1)
    return _noisy(clean, sigma, seed + 3)


def _denoise_cases():
    image1, image2 = _colour_image(12, 10, 91, 0.15), _colour_image(9, 14, 95, 0.15)
    return [
        ("a 12x10 noisy colour image (values leave [0, 1]), k = 2", image1, 2),
        ("a 9x14 noisy colour image, k = 1", image2, 1),
        ("the 12x10 image, k = 10 = min(m, n): the answer is the image clipped to [0, 1]", image1, 10),
        ("the 12x10 image, k = 0: the answer is black (all zeros)", image1, 0),
    ]


def _per_channel(image, k):
    """Rank-k approximation of each channel of `image` separately (not clipped)."""
    return np.stack([_rank_k_images(image[..., c], [k])[0] for c in range(image.shape[2])], axis=-1)


def _denoise_expected(image, k):
    return np.clip(_per_channel(image, k), 0.0, 1.0)


def _denoise_hint(arr, image, k, expected):
    """Recognise colour denoising done the wrong way; "" when none matches."""
    m, n, c = image.shape
    channels = [image[..., j] for j in range(c)]
    side_by_side = np.hstack(channels)  # (m, 3n)
    stacked = np.vstack(channels)  # (3m, n)
    mixed = [
        np.stack(np.hsplit(_rank_k_images(side_by_side, [k])[0], c), axis=-1),
        _rank_k_images(image.reshape(m, n * c), [k])[0].reshape(m, n, c),
        np.stack(np.vsplit(_rank_k_images(stacked, [k])[0], c), axis=-1),
    ]
    if k <= c:
        mixed.append(_rank_k_images(image.reshape(m * n, c), [k])[0].reshape(m, n, c))
    mix_hint = (
        "the channels were approximated together (one SVD of the channels side by side, an (m, 3n) "
        "matrix, or of a reshape); each channel needs its own SVD: image[..., c] for c = 0, 1, 2"
    )
    candidates = [(_per_channel(image, k), "clip the result to [0, 1] (np.clip(..., 0, 1)): a rank-k "
                                           "approximation of a noisy image overshoots")]
    candidates += [(X, mix_hint) for X in mixed] + [(np.clip(X, 0.0, 1.0), mix_hint) for X in mixed]
    limit = min(m, n)
    for kk in (k - 1, k + 1):
        if 0 <= kk <= limit:
            candidates.append((_denoise_expected(image, kk), f"it is the rank-{kk} approximation: k is off by one "
                               "(keep s[:k] of each channel)"))
    for candidate, hint in candidates:
        if _close(arr, candidate, 1e-6, 1e-10):
            return hint
    if np.allclose(arr[..., 0], arr[..., 1]) and np.allclose(arr[..., 1], arr[..., 2]) and not (
        np.allclose(expected[..., 0], expected[..., 1]) and np.allclose(expected[..., 1], expected[..., 2])
    ):
        return ("the three channels of the answer are identical, a gray image; approximate each colour channel "
                "image[..., c] separately")
    return ""


def _check_denoise_color(fn, cases, *, check, forbidden=(), verbose=True):
    """Run ``denoise_color`` on ``cases = [(desc, image, k, expected)]``."""
    fname = _fn_name(fn, "denoise_color")
    _require_callable(fn, check, fname)
    advice = "compute the rank-k approximations with np.linalg.svd yourself."
    if forbidden:
        assert_no_forbidden_calls(fn, forbidden, name=fname, advice=advice)
    for i, (desc, image, k, expected) in enumerate(cases, 1):
        call = f"{fname}(image, k={k})"
        m, n, c = image.shape
        got = _run(fn, (image, k), ("image", "k"), call=call, fname=fname, case=desc,
                   forbidden=forbidden, advice=advice)
        with _case(f"case {i} of {len(cases)}: {desc}"):
            arr = _answer_array(got, call)
            if arr.shape == (m, n):
                raise AssertionError(
                    f"{call} returned a gray image of shape {arr.shape}; return a colour image of shape "
                    f"{image.shape}: one rank-k approximation per channel, np.stack(channels, axis=-1)."
                )
            if arr.shape == (c, m, n):
                raise AssertionError(
                    f"{call} has shape {arr.shape}, channels first; stack the channels along the last axis: "
                    f"np.stack(channels, axis=-1) has shape {image.shape}."
                )
            arr = _answer_array(got, call, shape=image.shape, shape_hint=" (the shape of the input image)")
            if np.issubdtype(arr.dtype, np.integer):
                raise AssertionError(
                    f"{call} has integer dtype {arr.dtype}; return floats in [0, 1] (the clipped "
                    "approximations themselves), not an 8-bit image."
                )
            if _close(arr, expected, _effective_rtol(arr.dtype, _CHECK_RTOL), 1e-10):
                continue
            hint = _denoise_hint(arr.astype(np.float64), image, k, expected)
            if not hint:
                raise AssertionError(
                    _mismatch_message(arr, expected, call, _CHECK_RTOL, 1e-10) + " Channel c of the answer is "
                    "the rank-k approximation of image[..., c] (its own SVD), clipped to [0, 1]."
                )
            raise AssertionError(f"{call} is wrong: {hint}.")
    _passed(check, len(cases), verbose)


def check_denoise_color(fn, *, forbidden=(), verbose=True):
    """Check the student's ``denoise_color(image, k)`` on two noisy colour images.

    The answer is the (m, n, 3) float image whose channels are the rank-k
    approximations of the channels of `image`, each computed separately,
    clipped to [0, 1].  Cases: k = 2 and k = 1 on two images, k = min(m, n)
    (the clipped image) and k = 0 (black).  Diagnoses: not clipped, channels
    approximated together (an SVD of an (m, 3n) or (3m, n) matrix or of a
    reshape), gray output, channels first, integer output, k off by one.

    Parameters
    ----------
    fn : callable
        ``denoise_color(image, k) -> (m, n, 3) ndarray``.
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
    >>> def denoise_color(image, k):
    ...     out = np.empty(image.shape)
    ...     for c in range(3):
    ...         U, s, Vt = np.linalg.svd(image[..., c], full_matrices=False)
    ...         out[..., c] = (U[:, :k] * s[:k]) @ Vt[:k]
    ...     return np.clip(out, 0, 1)
    >>> check_denoise_color(denoise_color)
    check_denoise_color: all 4 cases passed.
    """
    cases = [(desc, image, k, _denoise_expected(image, k)) for desc, image, k in _denoise_cases()]
    _check_denoise_color(fn, cases, check="check_denoise_color", forbidden=forbidden, verbose=verbose)


# ---------------------------------------------------------------------------
# Rank choices stored in variables (parts 2 and 3)
# ---------------------------------------------------------------------------


def _require_set(value, name):
    if value is None:
        raise AssertionError(f"{name} is still None: set it in the answer cell above, then run that cell.")


def check_energy_rank_choice(k, image, fraction=0.99, *, name="k_99"):
    """Check that `k` is the smallest rank keeping `fraction` of the energy of `image`.

    Parameters
    ----------
    k : int
        The student's rank.
    image : (m, n) array_like
        The image whose singular values define the energy.
    fraction : float, optional
        The energy fraction of the criterion.
    name : str, optional
        The variable's name in messages.

    Raises
    ------
    AssertionError
        With a diagnosis (sigma instead of sigma**2, off by one, not an int).

    Examples
    --------
    >>> check_energy_rank_choice(1, np.diag([10.0, 1.0]), 0.99)
    check_energy_rank_choice: k_99 = 1 is right.
    """
    _require_set(k, name)
    s = np.linalg.svd(as_matrix(image, "image"), compute_uv=False)
    expected = _energy_k(s, fraction)
    got = _answer_int(k, name)
    hint = ""
    if got == _energy_k(s, fraction, power=1):
        hint = "that is the rank for the ratio of sum(s), not of sum(s**2): energy uses squared singular values."
    elif abs(got - expected) == 1:
        hint = "off by one: k counts singular values, so it is the index of the first cumulative value >= fraction, plus 1."
    assert_integer_answer(got, expected, name=name, what=f"the smallest rank keeping {fraction:.0%} of the energy",
                          hint=hint)
    print(f"check_energy_rank_choice: {name} = {got} is right.")


def _gd_known_rank(s, shape, sigma):
    m, n = shape
    beta = min(m, n) / max(m, n)
    lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
    return int(np.sum(s > lam * np.sqrt(max(m, n)) * sigma))


def _best_psnr_rank(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    scores = [np.mean(((U[:, :k] * s[:k]) @ Vt[:k] - clean) ** 2) for k in ks]
    return int(ks[int(np.argmin(scores))])  # lowest MSE = highest PSNR


def check_denoising_ranks(k_gd, k_energy, k_best, *, noisy, clean, sigma, ks):
    """Check the three rank choices of the denoising notebook against their definitions.

    Parameters
    ----------
    k_gd, k_energy, k_best : int
        The student's ranks: singular values of `noisy` above the Gavish-Donoho
        threshold with known `sigma`; smallest rank keeping 99 % of the energy of
        `noisy`; the rank in `ks` whose approximation of `noisy` has the highest
        PSNR against `clean`.
    noisy, clean : (m, n) array_like
        The images of the notebook.
    sigma : float
        The noise level.
    ks : sequence of int
        The ranks searched for `k_best`.

    Raises
    ------
    AssertionError
        Naming the first wrong variable, with a diagnosis.
    """
    noisy = as_matrix(noisy, "noisy")
    clean = as_matrix(clean, "clean")
    ks = np.asarray(ks)
    s = np.linalg.svd(noisy, compute_uv=False)
    for value, name in ((k_gd, "k_gd"), (k_energy, "k_energy"), (k_best, "k_best")):
        _require_set(value, name)
    assert_integer_answer(_answer_int(k_gd, "k_gd"), _gd_known_rank(s, noisy.shape, sigma), name="k_gd",
                          what="the number of singular values above the known-noise threshold",
                          hint="use tau = lambda*(beta) sqrt(max(m, n)) sigma with beta = min(m, n) / max(m, n).")
    expected_energy = _energy_k(s, 0.99)
    got_energy = _answer_int(k_energy, "k_energy")
    assert_integer_answer(got_energy, expected_energy, name="k_energy", what="the 99 % energy rank",
                          hint="energy is the cumulative sum of s**2, not of s."
                          if got_energy == _energy_k(s, 0.99, power=1) else "")
    assert_integer_answer(_answer_int(k_best, "k_best"), _best_psnr_rank(noisy, clean, ks), name="k_best",
                          what="the rank with the highest PSNR against the clean image",
                          hint="approximate the noisy image and compare with the clean one; k_best is a rank "
                          "from ks, not an index into it.")
    print("check_denoising_ranks: k_gd, k_energy and k_best are right.")
