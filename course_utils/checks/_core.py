"""What every check shares: tolerances, the generic ``assert_*`` helpers, and
running the student's function on one case (``_run``), and :class:`Question`, which grades it on all its cases.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.linalg

from .._validation import as_matrix, precision_eps
from .forbidden import _DEFAULT_ADVICE, ForbiddenCallError, _fn_name, assert_no_forbidden_calls, forbid_calls

__all__ = [
    "Question",
    "assert_array_answer",
    "assert_scalar_answer",
    "assert_integer_answer",
    "assert_orthonormal_columns",
    "assert_penrose_conditions",
    "assert_is_rank",
]


# The visible checks use well-conditioned matrices, so 1e-5 (relative to the
# largest entry) accepts float32 round-off yet rejects every real mistake.
_CHECK_RTOL = 1e-5
_CHECK_ATOL = 1e-10
_EPS = np.finfo(np.float64).eps


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


def _returned(actual, name):
    """Fail when the student's function returned None: it forgot ``return``."""
    if actual is None:
        raise AssertionError(f"{name} is None: did your function forget to `return` its result?")


def _answer_array(actual, name, *, shape=None, ndim=None, shape_hint="", allow_bool=False):
    """Return the student's answer as a finite numeric ndarray, or fail with a clear message."""
    _returned(actual, name)
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


def _compare(got, expected, name, hint, wrong, describe, atol=1e-10):
    """Fail unless the array `got` matches `expected` within ``atol + _CHECK_RTOL * max|expected|``.

    When ``hint()`` recognises the mistake the message is ``<name><wrong>: <hint>.``;
    otherwise it is :func:`_mismatch_message`'s, followed by `describe` (what the answer is).
    """
    message = _mismatch_message(got, expected, name, _CHECK_RTOL, atol)
    if message:
        hint = hint()
        raise AssertionError(f"{name}{wrong}: {hint}." if hint else message + describe)


def assert_array_answer(actual, expected, *, name, rtol=1e-6, atol=1e-8):
    """Assert that the array answer `actual` (called `name` in messages) equals `expected`.

    Checks, in this order, that `actual` is not None (a function that forgot to
    ``return``), is a single numeric real array, has the expected shape (saying
    so when it is transposed), holds no NaN/inf, and matches within ``atol +
    rtol * max|expected|`` (`rtol` loosened to ``1000 * eps`` for float32).  The
    message names the largest error and where it is, with a hint for integer or
    uint8 (wrapped-around) answers, transposed or negated answers, and values far
    outside the expected range.

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
    _returned(actual, name)
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
    """Assert that the single real number `actual` is within ``atol + rtol * |expected|`` of `expected`.

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
    """Assert that an integer answer (a rank, a count) equals `expected`, appending `hint` when it does not.

    Python ints and numpy integers (``np.int64`` from ``np.sum(mask)``) are
    accepted; bools and floats, even whole ones such as ``2.0``, are not,
    because the answer is used as a slice bound.  The message reads
    ``"<name> returned 3 but <what> is 2: <hint>"``.

    >>> assert_integer_answer(np.int64(2), 2, name="numerical_rank(A)", what="the rank")
    """
    value = _answer_int(actual, name)
    if value != int(expected):
        raise AssertionError(
            f"{name} returned {value} but {what} is {int(expected)}" + (f": {hint}" if hint else ".")
        )


def assert_orthonormal_columns(Q, name, *, atol=None):
    """Assert that the columns of `Q` (e.g. ``U`` or ``Vt.T``) are orthonormal, ``||Q^T Q - I||_2 <= atol``.

    `atol` defaults to 1e-8 (``1000 * eps`` for float32).  Diagnoses: rows
    orthonormal instead of columns (Vt passed where V was expected), more
    columns than rows, orthogonal columns that are not unit length.

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
    """Assert that the matrix `M` has rank `k` (singular values above ``rtol * sigma_1``).

    `rtol` defaults to numpy's ``max(m, n) * eps`` of the dtype of `M`.
    Diagnoses: one too many (k+1 terms kept), one too few (k-1).

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


def _eps_words(eps):
    """How the task's epsilon rule applies to a matrix whose precision has machine epsilon `eps`."""
    if eps > _EPS:
        return (f"A is float32 here, so eps = np.finfo(np.float32).eps = {eps:.3g}, and its round-off "
                "singular values are about 1e-8 * s[0], not 1e-16 * s[0]")
    return "eps = np.finfo(np.float64).eps for float64 and integer input"


def _integer_eps_hint(exc):
    """Advice when `fn` took np.finfo of an integer matrix's dtype (it raises "... not inexact")."""
    if isinstance(exc, ValueError) and "not inexact" in str(exc):
        return (" (A is an integer matrix here and np.finfo of an integer dtype raises: integer input is "
                "computed in float64, so its eps is np.finfo(np.float64).eps; take eps from A.dtype only "
                "when np.issubdtype(A.dtype, np.floating))")
    return ""


def _pinv_hints(A, X, eps=_EPS):
    """Recognise the usual pseudo-inverse mistakes (X is finite and has shape (n, m))."""
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    tol = max(m, n) * eps * s[0]
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
            "up to round-off; invert only s > tol = max(m, n) * eps * s[0] and use 0 for the others "
            f"({_eps_words(eps)})"
        )
    P = scipy.linalg.pinv(A)  # a public routine: the checks never build an answer themselves
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
    """Assert that `X` (the answer, called `name`) is the Moore-Penrose pseudo-inverse of `A`.

    Checks the four Penrose conditions, which define ``A+`` uniquely::

        A A+ A = A,   A+ A A+ = A+,   (A A+)^T = A A+,   (A+ A)^T = A+ A

    their errors measured relative to the largest entry of `A` (first), of `X`
    (second), and absolutely (third, fourth), within `rtol` (loosened for
    float32 answers).  The message names the first failed condition, with a
    diagnosis: singular values not inverted (``X = A.T``), round-off zeros
    inverted into huge numbers, ``U S+ V^T`` instead of ``V S+ U^T``, nonzero
    singular values dropped.  A `A` that is not a finite real matrix raises
    TypeError or ValueError.

    >>> A = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    >>> assert_penrose_conditions(A, np.linalg.pinv(A), "X")
    """
    eps = precision_eps(A, "A")
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
            hint = _pinv_hints(A, X, eps)
            raise AssertionError(
                f"{name} fails the Penrose condition {label} (max relative error {float(err):.3g})"
                + (f": {hint}" if hint else ".")
            )


# ---------------------------------------------------------------------------
# A question, described once
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One autograded function question, described once for its visible check, hidden check and tests.

    Students receive this part of the description; the hidden cases and their
    expected answers are the instructor's (``course_utils.reference.hidden``
    builds ``hidden_check_<name>`` from the same :class:`Question`).

    Attributes
    ----------
    name : str
        The checks are ``check_<name>`` and ``hidden_check_<name>``.
    signature : str
        The contract, e.g. ``"pinv_svd(A) -> (n, m) ndarray"``.
    cell : str
        The notebook's test cells are ``<cell>_visible`` and ``<cell>_hidden``.
    points : (int, int)
        Their points.
    grade : callable
        ``grade(run, fname, case, **options)`` grades one case (a tuple whose first
        item describes it and whose last ones hold the expected answer):
        ``got = run(args, argnames, call, error_hint="")`` runs the student's
        function, then `grade` raises an ``AssertionError`` with a diagnosis if
        `got` is wrong.  `fname` is the student's function's name.
    visible_cases : callable
        ``visible_cases()``: the visible check's cases, with their expected answers
        (literals, public routines or properties, never an answer of the package).
    forbidden : tuple of str
        The routines the task forbids: the hidden check enforces them.
    visible_forbidden : tuple of str
        The routines the visible check forbids by default.
    advice : str
        What to do instead of a forbidden routine.
    """

    name: str
    signature: str
    cell: str
    points: tuple
    grade: Callable
    visible_cases: Callable
    forbidden: tuple = ()
    visible_forbidden: tuple = ()
    advice: str = _DEFAULT_ADVICE

    @property
    def function(self):
        """The name of the student's function, e.g. ``"pinv_svd"``."""
        return self.signature.split("(", 1)[0]

    @staticmethod
    def cases(specs, expected):
        """The cases ``(desc, *args, expected(*args))`` of the specs ``(desc, *args)``.

        ``expected(*args)`` says once how a case's expected answer is computed; the
        hidden checks pass the question's reference answer
        (``course_utils.reference.solutions.<function>``) unless a rule says otherwise.
        """
        return [(desc, *args, expected(*args)) for desc, *args in specs]

    def run(self, fn, cases, *, check, forbidden=None, verbose=True, **options):
        """Grade `fn` on `cases`, raising on the first wrong one; `forbidden` defaults to :attr:`forbidden`."""
        forbidden = self.forbidden if forbidden is None else forbidden
        fname = _fn_name(fn, self.function)
        _require_callable(fn, check, fname)
        if forbidden:
            assert_no_forbidden_calls(fn, forbidden, name=fname, advice=self.advice)
        for i, case in enumerate(cases, 1):
            returned = []  # the failures of the run itself name the case already

            def run(args, argnames, call, error_hint=""):
                got = _run(fn, args, argnames, call=call, fname=fname, case=case[0], forbidden=forbidden,
                           advice=self.advice, error_hint=error_hint)
                returned.append(True)
                return got

            try:
                self.grade(run, fname, case, **options)
            except ForbiddenCallError:
                raise
            except AssertionError as err:
                if not returned:
                    raise
                raise AssertionError(f"{err}\n    Case: case {i} of {len(cases)}: {case[0]}") from None
        _passed(check, len(cases), verbose)

    def visible_check(self, fn, forbidden, verbose):
        """What ``check_<name>(fn, forbidden=..., verbose=...)`` does."""
        self.run(fn, self.visible_cases(), check=f"check_{self.name}", forbidden=forbidden, verbose=verbose)


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
    _returned(actual, call)
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


def _require_set(value, name):
    if value is None:
        raise AssertionError(f"{name} is still None: set it in the answer cell above, then run that cell.")


# ---------------------------------------------------------------------------
# A rank chosen by its share of sum(s**2) (k_99, k_energy, k_90)
# ---------------------------------------------------------------------------


def _kept_fraction(s, power=2):
    """``kept[k - 1]``: the fraction of ``sum(s**power)`` that the first k singular values hold."""
    w = np.asarray(s, dtype=np.float64) ** power
    return np.cumsum(w) / w.sum()


def _is_energy_rank(k, s, fraction, *, power=2, strict=False):
    """True when `k` is the smallest rank whose first k terms keep `fraction` of ``sum(s**power)``.

    A verification, not a computation of the answer: the rank k itself must come from
    elsewhere. ``strict`` asks for more than `fraction` (the ``>`` mistake), ``power=1``
    measures by s (the "sum of singular values" mistake).
    """
    kept = _kept_fraction(s, power)
    reached = kept > fraction if strict else kept >= fraction
    return 1 <= k <= kept.size and bool(reached[k - 1]) and (k == 1 or not reached[k - 2])


#: How the energy rank of an image (k_99, k_energy) and the number of principal components (k_90) are worded.
_ENERGY = dict(noun="rank", rank="rank", keeping="keeping", keeps="keeps", share="energy",
               where="a rank of this image", counts="singular values", ratio="value",
               why="energy uses squared singular values")
_VARIANCE = dict(noun="number", rank="number of components", keeping="explaining", keeps="explains",
                 share="variance", where="a number of components here", counts="components", ratio="ratio",
                 why="the variance of a component is its squared singular value")


def _check_energy_rank(k, s, fraction, *, name, check, words=_ENERGY, also=()):
    """Verify that the variable `name` = `k` is the smallest rank keeping `fraction` of ``sum(s**2)``.

    Verifies the definition for the given k (the first k terms keep at least
    `fraction`, the first k - 1 do not); it never computes the rank itself.
    Diagnoses sigma instead of sigma**2, off by one, too few, not the
    smallest; `also` adds ``(other_s, hint)``: the rank of another spectrum
    (e.g. the raw data's) and what to say when k is that one.
    """
    _require_set(k, name)
    got = _answer_int(k, name)
    if _is_energy_rank(got, s, fraction):
        print(f"{check}: {name} = {got} is right.")
        return
    w = words
    target = f"{100 * fraction:g} % of the {w['share']}"
    if got < 1 or got > s.size:
        raise AssertionError(f"{name} = {got} is not {w['where']}: 1 <= k <= {s.size}.")
    kept = _kept_fraction(s)
    hints = [(_is_energy_rank(got, s, fraction, power=1),
              f" That is the {w['noun']} for the ratio of sum(s), not of sum(s**2): {w['why']}.")]
    hints += [(_is_energy_rank(got, other, fraction), hint) for other, hint in also]
    hints.append((_is_energy_rank(got + 1, s, fraction) or _is_energy_rank(got - 1, s, fraction),
                  f" Off by one: k counts {w['counts']}, so it is the index of the first cumulative "
                  f"{w['ratio']} >= fraction, plus 1."))
    hint = next((text for matched, text in hints if matched), "")
    if kept[got - 1] < fraction:
        raise AssertionError(f"{name} = {got} {w['keeps']} only {100 * kept[got - 1]:.2f} %, less than "
                             f"{target}.{hint}")
    raise AssertionError(f"{name} = {got} is not the smallest {w['rank']} {w['keeping']} {target}: k = {got - 1} "
                         f"already {w['keeps']} {100 * kept[got - 2]:.2f} %.{hint}")
