"""Visible checks of notebook 1: numerical rank, pseudo-inverse, minimum-norm least
squares, condition numbers, eigenvalues of the Gram matrix, Eckart-Young errors.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg

from ._core import (
    Question, assert_array_answer, assert_integer_answer, assert_penrose_conditions, _CHECK_ATOL, _CHECK_RTOL,
    _EPS, _answer_array, _answer_int, _answer_pair, _close, _close_scalar, _effective_rtol, _eps_words,
    _integer_eps_hint, _matrix, _mismatch_message, _short,
)
from .._validation import precision_eps
from ..svd_tools import reconstruct
from .forbidden import DEFAULT_FORBIDDEN, RANK_FORBIDDEN, SVD_FORBIDDEN

__all__ = [
    "check_numerical_rank",
    "check_pinv",
    "check_lstsq_min_norm",
    "check_condition_numbers",
    "check_gram_eigenvalues",
    "check_eckart_young_errors",
]


# ---------------------------------------------------------------------------
# Part 1: rank, pseudo-inverse, least squares, condition numbers, Eckart-Young
# ---------------------------------------------------------------------------
#
# Per question: its visible cases, how one case is graded (``_grade_<question>(run, fname, case)``),
# its :class:`Question` and its visible check (see the package docstring).  Nothing here computes an
# answer with a question's contract: that is the instructor's part (course_utils.reference).


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
    eps = precision_eps(A, "A")
    s = np.linalg.svd(np.asarray(A, dtype=np.float64), compute_uv=False)
    tol = max(m, n) * eps * s[0]
    if eps > _EPS and got == np.count_nonzero(s > max(m, n) * _EPS * s[0]):
        return (
            f"this A is float32, so eps is float32's, np.finfo(np.float32).eps = {eps:.3g}: data held in "
            "float32 is only known to about 7 digits, and its round-off singular values (about 1e-8 * s[0]) "
            "must not count (take eps from A's dtype before converting A to float64)"
        )
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
            "the tolerance must scale with the matrix: use tol = max(m, n) * eps * s[0] "
            "(s[0] the largest singular value, eps that of A's precision), not a fixed number such as 1e-10"
        )
    if got == min(m, n):
        return "min(m, n) is the largest possible rank, not the rank of this matrix"
    return "the numerical rank is the number of singular values s_i > max(m, n) * eps * s[0]"


def _grade_numerical_rank(run, fname, case):
    """Grade one case ``(desc, A, expected_rank)`` of ``numerical_rank``."""
    call = f"{fname}(A)"
    _, A, expected = case
    got = run((A,), ("A",), call, _integer_eps_hint)
    value = _answer_int(got, call)
    hint = _rank_hint(value, A) if value != expected else ""
    assert_integer_answer(value, expected, name=call, what="the rank", hint=hint)


NUMERICAL_RANK = Question(
    "numerical_rank", "numerical_rank(A) -> int", cell="numerical_rank", points=(2, 3),
    grade=_grade_numerical_rank, forbidden=RANK_FORBIDDEN,
    visible_cases=lambda: [(desc, A, int(np.linalg.matrix_rank(A))) for desc, A in _numerical_rank_cases()],
    advice="count the singular values from np.linalg.svd above the tolerance yourself.")


def check_numerical_rank(fn, *, forbidden=NUMERICAL_RANK.visible_forbidden, verbose=True):
    """Check the student's ``numerical_rank(A)`` on six seeded matrices.

    The cases are tall, wide, tiny-scaled, large-scaled rank-deficient, zero
    and a row vector; the expected rank is ``np.linalg.matrix_rank(A)``
    (tolerance ``max(m, n) * eps * sigma_1``).

    A function that returns the largest possible rank fails on the first
    rank-deficient matrix:

    >>> check_numerical_rank(lambda A: min(A.shape))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(A) returned 4 but the rank is 2: ...
    """
    NUMERICAL_RANK.visible_check(fn, forbidden, verbose)


def _pinv_cases():
    return [
        ("a tall 6x4 matrix of full rank", _matrix(6, 4, [3, 2, 1.5, 1], 11)),
        ("a wide 4x6 matrix of full rank", _matrix(4, 6, [3, 2, 1.5, 1], 12)),
        ("a square 5x5 matrix of rank 3 (rank-deficient)", _matrix(5, 5, [3, 2, 1], 13)),
        ("a tall 7x4 matrix of rank 2 (rank-deficient)", _matrix(7, 4, [2, 1], 14)),
        ("a 1x5 row vector", _matrix(1, 5, [2], 15)),
        ("the 3x4 zero matrix (its pseudo-inverse is the 4x3 zero matrix)", np.zeros((3, 4))),
    ]


def _grade_pinv(run, fname, case):
    """Grade one case ``(desc, A, expected_pinv)`` of ``pinv_svd``: Penrose conditions, then values."""
    call = f"{fname}(A)"
    _, A, expected = case
    got = run((A,), ("A",), call, _integer_eps_hint)
    assert_penrose_conditions(A, got, call, rtol=_CHECK_RTOL)
    eps = precision_eps(A, "A")
    arr = _answer_array(got, call)
    if eps > _EPS and arr.shape == expected.shape and np.max(np.abs(arr)) > 1e3 * np.max(np.abs(expected)):
        # the exact pseudo-inverse of the float32 data: its round-off singular values were inverted
        raise AssertionError(
            f"{call} has entries as large as {float(np.max(np.abs(arr))):.3g} (expected at most "
            f"{float(np.max(np.abs(expected))):.3g}): it inverted singular values that are float32 "
            f"round-off. {_eps_words(eps)}: with tol = max(m, n) * eps * s[0] they are dropped."
        )
    assert_array_answer(got, expected, name=call, rtol=_CHECK_RTOL, atol=_CHECK_ATOL)


PINV = Question(
    "pinv", "pinv_svd(A) -> (n, m) ndarray", cell="pinv_svd", points=(3, 4),
    grade=_grade_pinv, forbidden=DEFAULT_FORBIDDEN, visible_forbidden=DEFAULT_FORBIDDEN,
    visible_cases=lambda: [(desc, A, scipy.linalg.pinv(A)) for desc, A in _pinv_cases()],
    advice="build the pseudo-inverse from np.linalg.svd yourself.")


def check_pinv(fn, *, forbidden=PINV.visible_forbidden, verbose=True):
    """Check the student's ``pinv_svd(A)`` on six seeded matrices.

    First scans `fn` for forbidden routines (``np.linalg.pinv``,
    ``np.linalg.lstsq``, ``scipy.linalg.pinv``/``pinvh``/``lstsq``), then, on
    a tall, wide, square rank-deficient, tall rank-deficient, row-vector and
    zero matrix, checks the four Penrose conditions and compares with
    ``scipy.linalg.pinv(A)``; forbidden routines also raise while `fn` runs.

    The transpose is not the pseudo-inverse:

    >>> check_pinv(lambda A: A.T)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(A) fails the Penrose condition A A+ A = A (max relative error 7.37): it equals A.T ...
    """
    PINV.visible_check(fn, forbidden, verbose)


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


def _grade_lstsq_min_norm(run, fname, case):
    """Grade one case ``(desc, A, b, expected_x)`` of ``lstsq_min_norm``."""
    call = f"{fname}(A, b)"
    _, A, b, x_star = case
    r, n = int(np.linalg.matrix_rank(A)), A.shape[1]
    singular = (
        f" (A has rank {r} < {n} columns here, so A^T A is singular: the normal equations "
        "cannot be solved; use x = V S+ U^T b with 1/s only for s > tol)" if r < n else ""
    )
    got = run((A, b), ("A", "b"), call, singular)
    x = _answer_array(got, call, shape=(n,),
                      shape_hint=f" (x has one entry per column of A, shape ({n},))")
    if _mismatch_message(x, x_star, call, _CHECK_RTOL, _CHECK_ATOL):
        msg = _lstsq_message(x.astype(np.float64), A, b, x_star, call)
        if msg:
            raise AssertionError(msg)
    assert_array_answer(x, x_star, name=call, rtol=_CHECK_RTOL, atol=_CHECK_ATOL)


LSTSQ_MIN_NORM = Question(
    "lstsq_min_norm", "lstsq_min_norm(A, b) -> (n,) ndarray", cell="lstsq_min_norm", points=(2, 2),
    grade=_grade_lstsq_min_norm, forbidden=DEFAULT_FORBIDDEN, visible_forbidden=DEFAULT_FORBIDDEN,
    visible_cases=lambda: [(desc, A, b, np.linalg.lstsq(A, b, rcond=None)[0]) for desc, A, b in _lstsq_cases()],
    advice="build the minimum-norm solution from np.linalg.svd yourself (x = V S+ U^T b).")


def check_lstsq_min_norm(fn, *, forbidden=LSTSQ_MIN_NORM.visible_forbidden, verbose=True):
    """Check the student's ``lstsq_min_norm(A, b)`` on four seeded systems.

    Cases: tall full rank (overdetermined), wide full rank (underdetermined),
    tall and square rank-deficient; the expected solution is
    ``np.linalg.lstsq(A, b, rcond=None)[0]``.  A wrong answer is diagnosed as
    either not least-squares (residual too large) or least-squares but not of
    minimum norm (typical of the normal equations on a rank-deficient A).

    >>> check_lstsq_min_norm(lambda A, b: np.zeros(A.shape[1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(A, b) does not minimise ||A x - b||: its residual is ...
    """
    LSTSQ_MIN_NORM.visible_check(fn, forbidden, verbose)


def _condition_cases():
    """``[(desc, A, (kappa(A), kappa(A^T A)))]``: the singular values are chosen, so the answers are literals."""
    # A zero LAST column gives an exactly zero singular value (for A and A^T A) in
    # every LAPACK driver; a zero column elsewhere leaves round-off (~1e-17).
    singular = np.hstack([_matrix(5, 2, [2, 1], 44), np.zeros((5, 1))])
    return [
        ("a square 4x4 non-symmetric matrix with kappa(A) = 10", _matrix(4, 4, [5, 2, 1, 0.5], 41), (10.0, 100.0)),
        ("a tall 6x3 matrix of full column rank with kappa(A) = 3", _matrix(6, 3, [3, 2, 1], 42), (3.0, 9.0)),
        ("a tall 8x4 ill-conditioned matrix with kappa(A) = 1e4, so kappa(A^T A) = 1e8",
         _matrix(8, 4, [1, 1e-1, 1e-2, 1e-4], 43), (1e4, 1e8)),
        ("a singular 5x3 matrix whose last column is zero (both condition numbers are np.inf)", singular,
         (np.inf, np.inf)),
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
        with np.errstate(all="ignore"):  # np.inf for an exactly singular A
            kappa_a = float(np.linalg.cond(A))
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


#: Smallest kappa(A^T A) accepted when kappa(A) ~ 1e9 (expected kappa_AtA = None): the formed A^T A is then
#: numerically singular and its computed condition number is round-off, ~1e15 to 1e20 depending on the BLAS.
ROUNDOFF_KAPPA_MIN = 1e13


def _roundoff_kappa_message(call, value, kappa_a):
    """Why `value` is not what the formed A^T A of a matrix with condition number `kappa_a` (~1e9) gives."""
    lesson = (
        f"here kappa(A) = {kappa_a:.3g}, so kappa(A)**2 = {kappa_a**2:.3g} is beyond what float64 can resolve "
        f"(about 1/eps = {1 / _EPS:.2g}): the smallest singular value of the formed A^T A is round-off, and "
        "its computed condition number is huge (about 1e15 to 1e20, depending on the BLAS) but not kappa(A)**2"
    )
    if _close_scalar(value, kappa_a**2, 1e-2):
        return (f"{call} returned kappa_AtA = {value:.6g}, kappa(A)**2 itself; {lesson}. Compute kappa(A^T A) from "
                "the singular values of A.T @ A, as the question asks: that it differs is the lesson.")
    return (f"{call} returned kappa_AtA = {value:.6g}, but {lesson}, so it must exceed "
            f"{ROUNDOFF_KAPPA_MIN:.0e}: compute it from np.linalg.svd(A.T @ A, compute_uv=False).")


def _grade_condition_numbers(run, fname, case):
    """Grade one case ``(desc, A, (kappa_A, kappa_AtA))`` of ``condition_numbers``.

    ``kappa_AtA = None`` marks a matrix with kappa(A) ~ 1e9: its kappa(A^T A) is round-off, so only the
    lesson is tested (above :data:`ROUNDOFF_KAPPA_MIN`, not within 1 % of kappa(A)**2), never a value.
    """
    call = f"{fname}(A)"
    names = ("kappa_A", "kappa_AtA")
    complex_hint = (
        "did you use the eigenvalues of A (np.linalg.eig)? For a non-symmetric matrix they can be "
        "complex and are not the singular values: use np.linalg.svd(A, compute_uv=False)"
    )
    _, A, expected = case
    got = run((A,), ("A",), call, _condition_error_hint)
    values = _answer_pair(got, call, names, complex_hint=complex_hint)
    for name, which, value, exp in zip(names, ("A", "AtA"), values, expected):
        if exp is None:
            kappa_a = float(expected[0])
            if not value > ROUNDOFF_KAPPA_MIN or _close_scalar(value, kappa_a**2, 1e-2):
                raise AssertionError(_roundoff_kappa_message(call, value, kappa_a))
            continue
        exp = float(exp)
        # kappa(A^T A) of an ill-conditioned A is itself computed with relative error ~eps kappa**2,
        # kappa(A) with relative error ~eps kappa.
        rtol = 1e-3 if which == "AtA" and exp > 1e6 else max(_CHECK_RTOL, 1e3 * _EPS * exp)
        if not _close_scalar(value, exp, rtol):
            hint = _kappa_hint(value, exp, A, which)
            raise AssertionError(f"{call} returned {name} = {value:.6g} but it should be {exp:.6g}: {hint}.")


CONDITION_NUMBERS = Question(
    "condition_numbers", "condition_numbers(A) -> (float, float)", cell="condition_numbers", points=(2, 2),
    grade=_grade_condition_numbers, visible_cases=_condition_cases,
    advice="compute the condition numbers from np.linalg.svd(..., compute_uv=False) yourself.")


def check_condition_numbers(fn, *, forbidden=CONDITION_NUMBERS.visible_forbidden, verbose=True):
    """Check the student's ``condition_numbers(A)`` on four seeded matrices.

    The answer is the pair ``(kappa(A), kappa(A^T A))`` of 2-norm condition
    numbers ``s[0] / s[-1]``, ``np.inf`` for a singular matrix.  Cases: a
    square non-symmetric matrix (kappa 10), a tall one (kappa 3), a tall
    ill-conditioned one (kappa 1e4: kappa(A^T A) = 1e8 is compared at
    relative tolerance 1e-3) and a singular one (a zero column).  Diagnoses:
    ``(kappa(A), kappa(A))``, reversed ratios (< 1), eigenvalues of a
    non-symmetric A, swapped pair, no ``np.inf`` for a singular matrix.

    >>> check_condition_numbers(lambda A: (1.0, 1.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(A) returned kappa_A = 1 but it should be 10: ...
    """
    CONDITION_NUMBERS.visible_check(fn, forbidden, verbose)


def _gram_cases():
    """``[(desc, A, eigenvalues)]``: the singular values are chosen, so the eigenvalues are literals."""
    return [
        ("a tall 6x3 matrix: its 3 eigenvalues are s**2 = [9, 4, 1]", _matrix(6, 3, [3, 2, 1], 45), [9, 4, 1]),
        ("a wide 3x5 matrix: s**2 = [9, 4, 1] padded with two zeros", _matrix(3, 5, [3, 2, 1], 46),
         [9, 4, 1, 0, 0]),
        ("a square 4x4 matrix of rank 2: [16, 1, 0, 0]", _matrix(4, 4, [4, 1], 47), [16, 1, 0, 0]),
        ("a tall 7x4 matrix with singular values 10, 1, 0.5, 0.1", _matrix(7, 4, [10, 1, 0.5, 0.1], 48),
         [100, 1, 0.25, 0.01]),
    ]


def _grade_gram_eigenvalues(run, fname, case):
    """Grade one case ``(desc, A, expected_eigenvalues)`` of ``gram_eigenvalues``."""
    call = f"{fname}(A)"
    _, A, expected = case
    m, n = A.shape
    expected = np.asarray(expected, dtype=np.float64)
    got = run((A,), ("A",), call)
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
        return
    s = np.linalg.svd(A, compute_uv=False)
    s_padded = np.concatenate([s, np.zeros(n - s.size)])
    if _close(arr, expected[::-1], rtol):
        hint = ("they are in increasing order (as np.linalg.eigvalsh returns them); the task asks "
                "for decreasing order")
    elif _close(np.sort(arr)[::-1], expected, rtol):
        hint = "right values, wrong order: sort them in decreasing order"
    elif _close(np.sort(arr)[::-1], s_padded, rtol):
        hint = ("these are the singular values of A; the eigenvalues of A^T A are their squares "
                "s**2 (padded with zeros)")
    else:
        hint = "compute them with np.linalg.eigvalsh, as the task says, and return them in decreasing order"
    raise AssertionError(
        f"{call} returned {_short(arr)} but the eigenvalues of A^T A in decreasing order are "
        f"{_short(expected)}: {hint}."
    )


GRAM_EIGENVALUES = Question(
    "gram_eigenvalues", "gram_eigenvalues(A) -> (n,) ndarray", cell="gram_eigenvalues", points=(1, 2),
    grade=_grade_gram_eigenvalues, visible_cases=_gram_cases, forbidden=SVD_FORBIDDEN,
    advice="compute the eigenvalues with np.linalg.eigvalsh yourself.")


def check_gram_eigenvalues(fn, *, forbidden=GRAM_EIGENVALUES.visible_forbidden, verbose=True):
    """Check the student's ``gram_eigenvalues(A)`` on four seeded matrices.

    The answer is the n eigenvalues of ``A^T A`` in decreasing order, i.e.
    the squared singular values padded with ``n - min(m, n)`` zeros.  Cases:
    tall, wide (zeros: eigvalsh gives ~1e-15 instead of 0, accepted relative
    to ``s[0]**2``), square rank-deficient and a spread of scales.
    Diagnoses: increasing order, the m eigenvalues of ``A A^T``, singular
    values not squared, too few values.

    >>> check_gram_eigenvalues(lambda A: np.zeros(A.shape[1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(A) returned [0, 0, 0] but the eigenvalues of A^T A in decreasing order are [9, 4, 1]: ...
    """
    GRAM_EIGENVALUES.visible_check(fn, forbidden, verbose)


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
            E = A - reconstruct(A, k, factors=(U, s, Vt))
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


def _grade_eckart_young_errors(run, fname, case):
    """Grade one case ``(desc, s, k, (spectral, frobenius))`` of ``eckart_young_errors``."""
    names = ("spectral", "frobenius")
    _, s, k, expected = case
    call = f"{fname}(s, k={k})"
    error_hint = (
        f" (for k = len(s) = {s.size} nothing is left out: both errors are 0, and s[k] does not exist)"
        if k == s.size else ""
    )
    got = run((s, k), ("s", "k"), call, error_hint)
    values = _answer_pair(got, call, names)
    atol = 1e-9 * float(s[0])
    if all(_close_scalar(v, e, _CHECK_RTOL, atol) for v, e in zip(values, expected)):
        return
    hint = _eckart_young_hint(values, expected, s, k)
    raise AssertionError(
        f"{call} returned (spectral, frobenius) = ({values[0]:.6g}, {values[1]:.6g}) but the "
        f"errors are ({float(expected[0]):.6g}, {float(expected[1]):.6g}): {hint}."
    )


ECKART_YOUNG_ERRORS = Question(
    "eckart_young_errors", "eckart_young_errors(s, k) -> (float, float)", cell="eckart_young", points=(1, 2),
    grade=_grade_eckart_young_errors, visible_cases=_eckart_young_cases,
    advice="compute the errors from s yourself.")


def check_eckart_young_errors(fn, *, forbidden=ECKART_YOUNG_ERRORS.visible_forbidden, verbose=True):
    """Check the student's ``eckart_young_errors(s, k)`` against measured errors.

    For a tall 7x5 matrix (k = 2, 0, 5 = len(s)) and a wide 4x6 one (k = 1, 3),
    the answer ``(spectral, frobenius)`` must equal ``np.linalg.norm(A - A_k,
    2)`` and ``np.linalg.norm(A - A_k, "fro")``.  Diagnoses: ``s[k-1]`` (off
    by one), a missing square root, ``sum(s[k:])`` without squares, swapped
    pair, ``s[k]`` failing at k = len(s).

    >>> check_eckart_young_errors(lambda s, k: (0.0, 0.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(s, k=2) returned (spectral, frobenius) = (0, 0) but the errors are (3, 3.74166): ...
    """
    ECKART_YOUNG_ERRORS.visible_check(fn, forbidden, verbose)
