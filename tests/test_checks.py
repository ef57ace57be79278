"""Tests for course_utils.checks: correct answers pass, realistic wrong ones fail with the right diagnosis."""

import functools
import re
import textwrap

import numpy as np
import pytest
import scipy.linalg

from course_utils import checks
from course_utils.checks import (
    ForbiddenCallError,
    assert_array_answer,
    assert_integer_answer,
    assert_is_rank,
    assert_no_forbidden_calls,
    assert_orthonormal_columns,
    assert_penrose_conditions,
    assert_scalar_answer,
    check_lstsq_min_norm,
    check_numerical_rank,
    check_pinv,
    check_rank_k_approx,
    check_smallest_rank_for_energy,
    forbid_calls,
)

EPS = np.finfo(float).eps


def cell(src, name):
    """Define functions as a notebook cell would: one shared global namespace, no source file."""
    ns = {}
    exec(textwrap.dedent(src), ns)
    return ns[name]


def _tol(A, s):
    return max(A.shape) * np.finfo(s.dtype).eps * s[0]


# ---------------------------------------------------------------------------
# Reference-quality student answers (several correct variants)
# ---------------------------------------------------------------------------


def pinv_numpy(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > _tol(A, s)
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_scipy_svd(A):
    U, s, Vt = scipy.linalg.svd(A, full_matrices=False)
    s_inv = np.zeros_like(s)
    s_inv[s > _tol(A, s)] = 1 / s[s > _tol(A, s)]
    return Vt.T @ np.diag(s_inv) @ U.T


def pinv_full_matrices(A):
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    S_plus = np.zeros((n, m))
    r = int(np.sum(s > _tol(A, s)))
    S_plus[:r, :r] = np.diag(1 / s[:r])
    return Vt.T @ S_plus @ U.T


def pinv_flipped_signs(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    U, Vt = -U, -Vt  # another valid SVD
    s_inv = np.where(s > _tol(A, s), 1 / s, 0.0)  # divides by an exact 0 for the zero matrix
    return Vt.T @ np.diag(s_inv) @ U.T


def pinv_float32(A):
    A32 = A.astype(np.float32)
    U, s, Vt = np.linalg.svd(A32, full_matrices=False)
    keep = s > 10 * _tol(A32, s)
    return (Vt[keep].T / s[keep]) @ U[:, keep].T  # float32 result


def pinv_float32_as_float64(A):
    return pinv_float32(A).astype(np.float64)


def lstsq_numpy(A, b):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > _tol(A, s)
    return Vt[keep].T @ ((U[:, keep].T @ b) / s[keep])


def lstsq_scipy_full(A, b):
    m, n = A.shape
    U, s, Vt = scipy.linalg.svd(A, full_matrices=True)
    r = int(np.sum(s > _tol(A, s)))
    c = (U.T @ b)[:r] / s[:r]
    return Vt[:r].T @ c


def lstsq_float32(A, b):
    return lstsq_numpy(A.astype(np.float32), b.astype(np.float32) * np.float32(1))


def numerical_rank_numpy(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sum(s > max(A.shape) * np.finfo(float).eps * s[0])  # numpy integer


def numerical_rank_scipy(A):
    s = scipy.linalg.svdvals(A)
    tol = max(A.shape) * EPS * (s[0] if s.size else 0.0)
    return int(np.count_nonzero(s > tol))


def rank_k_broadcast(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[:k]


def rank_k_diag(U, s, Vt, k):
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]


def rank_k_outer_sum(U, s, Vt, k):
    X = np.zeros((U.shape[0], Vt.shape[1]))
    for i in range(k):
        X += s[i] * np.outer(U[:, i], Vt[i])
    return X


def rank_k_float32(U, s, Vt, k):
    return (U[:, :k].astype(np.float32) * s[:k].astype(np.float32)) @ Vt[:k].astype(np.float32)


def rank_k_float32_as_float64(U, s, Vt, k):
    return rank_k_float32(U, s, Vt, k).astype(np.float64)


def energy_searchsorted(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return np.searchsorted(energy, fraction) + 1  # numpy integer


def energy_loop(s, fraction):
    total = float(np.sum(s**2))
    acc = 0.0
    for k, sigma in enumerate(s, start=1):
        acc += sigma**2
        if acc / total >= fraction:
            return k
    return len(s)


def energy_argmax(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.argmax(energy >= fraction)) + 1


# ---------------------------------------------------------------------------
# Correct answers pass
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn", [pinv_numpy, pinv_scipy_svd, pinv_full_matrices, pinv_flipped_signs, pinv_float32,
           pinv_float32_as_float64]
)
def test_check_pinv_accepts_correct_variants(fn, capsys):
    check_pinv(fn)
    out = capsys.readouterr()
    assert out.out == "check_pinv: all 6 cases passed.\n"
    assert out.err == ""


@pytest.mark.parametrize("fn", [lstsq_numpy, lstsq_scipy_full, lstsq_float32])
def test_check_lstsq_accepts_correct_variants(fn, capsys):
    check_lstsq_min_norm(fn)
    assert "all 4 cases passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn", [numerical_rank_numpy, numerical_rank_scipy, np.linalg.matrix_rank])
def test_check_numerical_rank_accepts_correct_variants(fn, capsys):
    check_numerical_rank(fn)
    assert "all 6 cases passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn", [rank_k_broadcast, rank_k_diag, rank_k_outer_sum, rank_k_float32, rank_k_float32_as_float64]
)
def test_check_rank_k_accepts_correct_variants(fn, capsys):
    check_rank_k_approx(fn)
    assert "all 6 cases passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn", [energy_searchsorted, energy_loop, energy_argmax])
def test_check_energy_accepts_correct_variants(fn, capsys):
    check_smallest_rank_for_energy(fn)
    assert "all 6 cases passed" in capsys.readouterr().out


def test_verbose_false_prints_nothing(capsys):
    check_pinv(pinv_numpy, verbose=False)
    assert capsys.readouterr().out == ""


def test_visible_cases_are_what_their_descriptions_say():
    ranks = [int(np.linalg.matrix_rank(A)) for _, A in checks._numerical_rank_cases()]
    assert ranks == [4, 2, 3, 3, 0, 1]
    # The `> 0` and fixed-tolerance mistakes really give other answers on some case.
    gt0 = [int(np.sum(np.linalg.svd(A, compute_uv=False) > 0)) for _, A in checks._numerical_rank_cases()]
    assert gt0 != ranks
    _, image, k = checks._rank_k_cases()[-1]
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    approx = (U[:, :k] * s[:k]) @ Vt[:k]
    assert approx.min() < 0 or approx.max() > 255  # the uint8 trap is armed


# ---------------------------------------------------------------------------
# Wrong answers fail with the right diagnosis
# ---------------------------------------------------------------------------


def pinv_not_inverted(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ np.diag(s) @ U.T


def pinv_inverts_all(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ np.diag(1 / s) @ U.T


def pinv_wrong_order(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return U @ np.diag(1 / s) @ Vt


def pinv_square_wrong_order(A):
    P = pinv_numpy(A)
    return P.T if A.shape[0] == A.shape[1] else P


def pinv_tol_too_large(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > 1.2
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_zero_div(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > _tol(A, s)
    X = (Vt[keep].T / s[keep]) @ U[:, keep].T
    return X if np.any(A) else X / 0.0  # NaN for the zero matrix


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (pinv_not_inverted, r"Penrose condition A A\+ A = A .*did you invert the singular values"),
        (pinv_inverts_all, r"Penrose condition .*zero up to round-off.*max\(m, n\) \* eps \* s\[0\]"),
        (pinv_wrong_order, r"has shape \(6, 4\) but should be \(4, 6\): it looks transposed"),
        (pinv_square_wrong_order, r"(?s)transpose of the pseudo-inverse.*Case: case 3 of 6"),
        (pinv_tol_too_large, r"dropped singular values that are not zero"),
        (pinv_zero_div, r"(?s)contains 12 NaN and 0 infinite.*division by zero.*zero matrix"),
        (lambda A: None, r"is None: did your function forget to `return`"),
        (lambda A: (pinv_numpy(A), 0), r"tuple of 2 items.*several values"),
        (lambda A: pinv_numpy(A).astype(complex), r"is complex"),
    ],
)
def test_check_pinv_diagnoses_mistakes(fn, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check_pinv(fn)


def numerical_rank_gt0(A):
    return int(np.sum(np.linalg.svd(A, compute_uv=False) > 0))


def numerical_rank_fixed_tol(A):
    return int(np.sum(np.linalg.svd(A, compute_uv=False) > 1e-10))


def numerical_rank_geq(A):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s >= max(A.shape) * EPS * s[0]))


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (numerical_rank_gt0,
         r"^numerical_rank_gt0\(A\) returned 4 but the rank is 2: count singular values above the "
         r"tolerance, not > 0"),
        (numerical_rank_fixed_tol, r"returned 0 but the rank is 3: the tolerance must scale with the matrix"),
        (numerical_rank_geq, r"returned 3 but the rank is 0: .*s > tol, not s >= tol"),
        (lambda A: float(numerical_rank_numpy(A)), r"returned 4.0, a float; it must be an integer"),
        (lambda A: np.array([numerical_rank_numpy(A)]), r"single number; got an array of shape \(1,\)"),
    ],
)
def test_check_numerical_rank_diagnoses_mistakes(fn, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check_numerical_rank(fn)


def lstsq_normal_equations(A, b):
    return np.linalg.solve(A.T @ A, A.T @ b)


def lstsq_plus_null_space(A, b):
    x = lstsq_numpy(A, b)
    _, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > _tol(A, s)))
    return x + Vt[r:].sum(axis=0) if r < A.shape[1] else x


def lstsq_no_tolerance(A, b):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ ((U.T @ b) / s)


def lstsq_uses_U_not_Ut(A, b):
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    n = A.shape[1]
    return Vt.T @ ((U[:n, :n] @ b[:n]) / s[:n]) if A.shape[0] >= n else lstsq_numpy(A, b)


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (lstsq_normal_equations,
         r"not the minimum-norm solution: \|\|x\|\| = .* but the minimum-norm solution has .*normal equations"),
        (lstsq_plus_null_space, r"not the minimum-norm solution.*rank 3 < 5 columns"),
        (lstsq_no_tolerance, r"does not minimise \|\|A x - b\|\|.*A\^T A is singular|minimum-norm|NaN"),
        (lstsq_uses_U_not_Ut, r"does not minimise \|\|A x - b\|\|: its residual is .*U\.T \(not U\)"),
        (lambda A, b: lstsq_numpy(A, b)[:, None],
         r"has shape \(3, 1\) but should be \(3,\): right number of entries, wrong shape \(use \.ravel\(\)\)"),
    ],
)
def test_check_lstsq_diagnoses_mistakes(fn, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check_lstsq_min_norm(fn)


def test_check_lstsq_explains_singular_normal_equations_error():
    def lstsq_exact_singular(A, b):
        raise np.linalg.LinAlgError("Singular matrix")

    with pytest.raises(AssertionError, match=r"raised LinAlgError on .*Singular matrix") as info:
        check_lstsq_min_norm(lstsq_exact_singular)
    # Case 1 is full rank: no misleading note about singular normal equations.
    assert "A^T A is singular" not in str(info.value)


def rank_k_plus_one(U, s, Vt, k):
    return (U[:, : k + 1] * s[: k + 1]) @ Vt[: k + 1]


def rank_k_from_one(U, s, Vt, k):
    X = np.zeros((U.shape[0], Vt.shape[1]))
    for i in range(1, k):
        X += s[i] * np.outer(U[:, i], Vt[i])
    return X


def rank_k_last_rows(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[-k:] if k else np.zeros((U.shape[0], Vt.shape[1]))


def rank_k_smallest(U, s, Vt, k):
    return (U[:, -k:] * s[-k:]) @ Vt[-k:] if k else np.zeros((U.shape[0], Vt.shape[1]))


def rank_k_no_s(U, s, Vt, k):
    return U[:, :k] @ Vt[:k]


def rank_k_vt_columns(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[:, :k].T


def rank_k_sum_of_list(U, s, Vt, k):
    return np.sum([s[i] * np.outer(U[:, i], Vt[i]) for i in range(k)], axis=0)


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (rank_k_plus_one, r"k=1\) has rank 2 but should have rank 1: one too many.*s\[:k\+1\]"),
        (rank_k_from_one, r"k=1\) has rank 0 but should have rank 1: one too few"),
        (rank_k_last_rows, r"last k rows of Vt \(Vt\[-k:\]\)"),
        (rank_k_smallest, r"keeps the k smallest singular values"),
        (rank_k_no_s, r"forgets the singular values"),
        (rank_k_vt_columns, r"uses columns of Vt"),
        (lambda U, s, Vt, k: (U[:, :k] * s[:k]) @ Vt[:, :k],
         r"k=1\) raised ValueError on k=1 on a tall 7x5 matrix: matmul"),
        (lambda U, s, Vt, k: rank_k_broadcast(U, s, Vt, k).T, r"has shape \(5, 7\) but should be \(7, 5\): it looks transposed"),
        (lambda U, s, Vt, k: rank_k_broadcast(U, s, Vt, k).astype(np.uint8), r"dtype uint8.*wraps"),
        (lambda U, s, Vt, k: rank_k_broadcast(U, s, Vt, k).astype(np.uint8).astype(float),
         r"multiples of 256: a uint8 wrap-around"),
        (lambda U, s, Vt, k: np.round(rank_k_broadcast(U, s, Vt, k)).astype(int), r"integer dtype int64"),
        (rank_k_sum_of_list, r"(?s)is a single number \(0\.0\) but should be an array of shape \(7, 5\).*"
                             r"Case: case 4 of 6: k=0 .*zero matrix"),
    ],
)
def test_check_rank_k_diagnoses_mistakes(fn, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check_rank_k_approx(fn)


def test_check_rank_k_uint8_only_on_image_case():
    def rank_k_clipped_uint8(U, s, Vt, k):
        X = rank_k_broadcast(U, s, Vt, k)
        # Only the image case reaches uint8: the cast wraps 283 around to 27.
        return X.astype(np.uint8).astype(float) if X.max() > 100 else X

    with pytest.raises(AssertionError, match=r"(?s)uint8 wrap-around.*Case: case 6 of 6"):
        check_rank_k_approx(rank_k_clipped_uint8)


def energy_sigma(s, fraction):
    energy = np.cumsum(s) / np.sum(s)
    return int(np.searchsorted(energy, fraction)) + 1


def energy_strict(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.argmax(energy > fraction)) + 1


def energy_index(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.argmax(energy >= fraction))


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (energy_sigma, r"^energy_sigma\(s, 0\.95\) returned 10 but the answer is 5: .*s instead of s\*\*2"),
        (energy_strict, r"0\.5\) returned 3 but the answer is 2: use >= \(the fraction is reached exactly at k = 2\)"),
        (energy_index, r"returned 4 but the answer is 5: one too small"),
        (lambda s, f: energy_loop(s, f) + 1, r"returned 6 but the answer is 5: one too large"),
        (lambda s, f: float(energy_loop(s, f)), r"returned 5\.0, a float"),
        (lambda s, f: True, r"is True, a bool"),
    ],
)
def test_check_energy_diagnoses_mistakes(fn, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check_smallest_rank_for_energy(fn)


# ---------------------------------------------------------------------------
# Student exceptions, blank release, in-place edits, misuse
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, nargs",
    [(check_pinv, 1), (check_lstsq_min_norm, 2), (check_numerical_rank, 1), (check_rank_k_approx, 4),
     (check_smallest_rank_for_energy, 2)],
)
def test_blank_release_says_not_implemented(check, nargs):
    src = f"def student({', '.join('a%d' % i for i in range(nargs))}):\n    raise NotImplementedError()\n"
    with pytest.raises(AssertionError, match=r"student is not implemented yet.*replace `raise NotImplementedError\(\)`") as info:
        check(cell(src, "student"))
    assert isinstance(info.value.__cause__, NotImplementedError)


def test_student_exception_surfaces_with_case():
    def pinv_svd(A):
        U, s, Vt = np.linalg.svd(A, full_matrices=True)
        return Vt.T @ np.diag(1 / s) @ U.T  # shapes do not match for a tall A

    with pytest.raises(AssertionError, match=r"pinv_svd\(A\) raised ValueError on a tall 6x4 matrix of full rank") as info:
        check_pinv(pinv_svd)
    assert isinstance(info.value.__cause__, ValueError)


def test_in_place_modification_is_reported():
    def rank_k_approx(U, s, Vt, k):
        s[k:] = 0
        return (U * s) @ Vt

    with pytest.raises(AssertionError, match=r"modified its argument s in place.*s = s\.copy\(\)"):
        check_rank_k_approx(rank_k_approx)


def test_passing_a_result_instead_of_the_function():
    with pytest.raises(AssertionError, match=r"expects your function itself, e\.g\. check_pinv\(pinv_svd\)"):
        check_pinv(np.eye(3))


def test_failures_write_nothing_to_stderr(capsys):
    with pytest.raises(AssertionError):
        check_pinv(pinv_inverts_all)
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------


def test_assert_array_answer_messages():
    e = np.arange(6.0).reshape(2, 3)
    assert_array_answer(e + 1e-12, e, name="X")
    assert_array_answer(e.astype(np.float32) * (1 + 1e-6), e, name="X")  # float32 within tolerance
    with pytest.raises(AssertionError, match=r"X is None"):
        assert_array_answer(None, e, name="X")
    with pytest.raises(AssertionError, match=r"X has shape \(3, 2\) but should be \(2, 3\): it looks transposed"):
        assert_array_answer(e.T, e, name="X")
    with pytest.raises(AssertionError, match=r"contains 1 NaN"):
        assert_array_answer(np.where(e == 4, np.nan, e), e, name="X")
    with pytest.raises(AssertionError, match=r"max abs error 0\.5 at index \[1, 2\] \(expected 5, got 5\.5\); 1 of 6"):
        assert_array_answer(e + (e == 5) * 0.5, e, name="X")
    with pytest.raises(AssertionError, match=r"opposite sign"):
        assert_array_answer(-e, e, name="X")
    with pytest.raises(AssertionError, match=r"transpose of the expected"):
        assert_array_answer(np.arange(4.0).reshape(2, 2).T, np.arange(4.0).reshape(2, 2), name="X")
    with pytest.raises(AssertionError, match=r"far outside the expected range"):
        assert_array_answer(e * 1e6, e, name="X")
    with pytest.raises(AssertionError, match=r"list of 2 items of different shapes"):
        assert_array_answer([np.ones(2), np.ones(3)], e, name="X")
    with pytest.raises(AssertionError, match=r"boolean array"):
        assert_array_answer(e > 2, e, name="X")
    with pytest.raises(AssertionError, match=r"not numeric"):
        assert_array_answer(np.array([["a"] * 3] * 2), e, name="X")
    with pytest.raises(AssertionError, match=r"single number \(3\.0\)"):
        assert_array_answer(3.0, e, name="X")
    with pytest.raises(AssertionError, match=r"max abs error"):
        assert_array_answer(e.astype(np.float32) * 1.01, e, name="X")  # float32 but too far off


def test_assert_scalar_answer_messages():
    assert_scalar_answer(np.float32(0.5), 0.5, name="q")
    assert_scalar_answer(np.array(0.5), 0.5, name="q")
    with pytest.raises(AssertionError, match=r"q is 0\.6 but should be 0\.5"):
        assert_scalar_answer(0.6, 0.5, name="q")
    with pytest.raises(AssertionError, match=r"q is None"):
        assert_scalar_answer(None, 0.5, name="q")
    with pytest.raises(AssertionError, match=r"single number; got an array of shape \(2,\)"):
        assert_scalar_answer(np.ones(2), 0.5, name="q")
    with pytest.raises(AssertionError, match=r"a string"):
        assert_scalar_answer("0.5", 0.5, name="q")
    with pytest.raises(AssertionError, match=r"q is nan"):
        assert_scalar_answer(float("nan"), 0.5, name="q")


def test_assert_integer_answer_messages():
    assert_integer_answer(np.int64(2), 2, name="r")
    assert_integer_answer(np.array(2), 2, name="r")
    with pytest.raises(AssertionError, match=r"^numerical_rank\(A\) returned 3 but the rank is 2: count"):
        assert_integer_answer(3, 2, name="numerical_rank(A)", what="the rank", hint="count")
    with pytest.raises(AssertionError, match=r"returned 3 but the answer is 2\.$"):
        assert_integer_answer(3, 2, name="r")
    with pytest.raises(AssertionError, match=r"returned 2\.0, a float"):
        assert_integer_answer(2.0, 2, name="r")
    with pytest.raises(AssertionError, match=r"a bool"):
        assert_integer_answer(np.True_, 1, name="r")


def test_assert_orthonormal_columns():
    U, _, Vt = np.linalg.svd(np.random.default_rng(0).standard_normal((6, 4)), full_matrices=False)
    assert_orthonormal_columns(U, "U")
    assert_orthonormal_columns(Vt.T, "V")
    assert_orthonormal_columns(U.astype(np.float32), "U")
    with pytest.raises(AssertionError, match=r"^U is not orthonormal: \|\|U\^T U - I\|\| = 0\.3\b"):
        tilted = U.copy()
        tilted[:, 3] = np.sqrt(1 - 0.3**2) * U[:, 3] + 0.3 * U[:, 0]  # unit length, not orthogonal
        assert_orthonormal_columns(tilted, "U")
    with pytest.raises(AssertionError, match=r"columns are orthogonal but have lengths between 1 and 3"):
        assert_orthonormal_columns(U * [1, 2, 3, 1], "U")
    wide = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))[0].T
    with pytest.raises(AssertionError, match=r"rows are orthonormal, not its columns.*Vt\.T"):
        assert_orthonormal_columns(wide, "V")
    with pytest.raises(AssertionError, match=r"3 columns but only 2 rows"):
        assert_orthonormal_columns(np.ones((2, 3)), "Q")
    with pytest.raises(AssertionError, match=r"not orthonormal"):
        assert_orthonormal_columns(np.ones((4, 2)), "Q")


def test_assert_penrose_conditions():
    A = checks._matrix(6, 4, [3, 2, 1], 7)  # rank-deficient
    assert_penrose_conditions(A, scipy.linalg.pinv(A), "X")
    assert_penrose_conditions(A.astype(np.float32), pinv_float32(A), "X")
    # A generalised inverse that satisfies only the first condition.
    P = scipy.linalg.pinv(A)
    Z = np.random.default_rng(3).standard_normal((4, 6))
    G = P + (np.eye(4) - P @ A) @ Z
    with pytest.raises(AssertionError, match=r"^X fails the Penrose condition A\+ A A\+ = A\+ \(max relative error"):
        assert_penrose_conditions(A, G, "X")
    with pytest.raises(AssertionError, match=r"condition A A\+ A = A .*equals A\.T = V S U\^T"):
        assert_penrose_conditions(A, A.T, "X")
    with pytest.raises(AssertionError, match=r"pseudo-inverse of a 6x4 matrix is 4x6"):
        assert_penrose_conditions(A, A, "X")
    with pytest.raises(AssertionError, match=r"zero matrix"):
        assert_penrose_conditions(np.zeros((2, 3)), np.ones((3, 2)), "X")
    with pytest.raises(ValueError, match=r"A must be a 2-D array"):
        assert_penrose_conditions(np.ones(3), np.ones(3), "X")


def test_assert_is_rank():
    A = checks._matrix(5, 4, [3, 2, 1, 0.5], 8)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    assert_is_rank(rank_k_broadcast(U, s, Vt, 2), 2, "X")
    assert_is_rank(np.zeros((3, 3)), 0, "X")
    with pytest.raises(AssertionError, match=r"X has rank 3 but should have rank 2: one too many"):
        assert_is_rank(rank_k_broadcast(U, s, Vt, 3), 2, "X")
    with pytest.raises(AssertionError, match=r"has rank 1 but should have rank 2: one too few"):
        assert_is_rank(rank_k_broadcast(U, s, Vt, 1), 2, "X")
    with pytest.raises(AssertionError, match=r"has rank 4 but should have rank 1\.$"):
        assert_is_rank(A, 1, "X")


# ---------------------------------------------------------------------------
# Forbidden routines
# ---------------------------------------------------------------------------

FORBIDDEN_CELLS = {
    "np.linalg.pinv": """
        import numpy as np
        def pinv_svd(A):
            return np.linalg.pinv(A)
    """,
    "import numpy as npy": """
        import numpy as npy
        def pinv_svd(A):
            return npy.linalg.pinv(A)
    """,
    "from numpy.linalg import pinv as p": """
        from numpy.linalg import pinv as p
        def pinv_svd(A):
            return p(A)
    """,
    "la = np.linalg": """
        import numpy as np
        la = np.linalg
        def pinv_svd(A):
            return la.pinv(A)
    """,
    "import scipy.linalg as sla": """
        import scipy.linalg as sla
        def pinv_svd(A):
            return sla.pinvh(A.T @ A) @ A.T
    """,
    "from scipy import linalg": """
        from scipy import linalg
        def pinv_svd(A):
            return linalg.lstsq(A, __import__("numpy").eye(A.shape[0]))[0]
    """,
    "import scipy": """
        import scipy
        def pinv_svd(A):
            return scipy.linalg.pinv(A)
    """,
    "getattr string": """
        import numpy as np
        def pinv_svd(A):
            return getattr(np.linalg, "pinv")(A)
    """,
    "eval string": """
        import numpy as np
        def pinv_svd(A):
            return eval("np.linalg.pinv(A)")
    """,
    "__import__ chain": """
        def pinv_svd(A):
            return __import__("numpy").linalg.pinv(A)
    """,
    "nested function": """
        import numpy as np
        def pinv_svd(A):
            def helper(M):
                return np.linalg.pinv(M)
            return helper(A)
    """,
    "lambda": """
        import numpy as np
        def pinv_svd(A):
            f = lambda M: np.linalg.lstsq(M, np.eye(M.shape[0]), rcond=None)[0]
            return f(A)
    """,
    "import inside function": """
        def pinv_svd(A):
            import numpy.linalg as la
            return la.pinv(A)
    """,
    "from-import inside function": """
        def pinv_svd(A):
            from scipy.linalg import pinv as P
            return P(A)
    """,
    "plain import inside function": """
        def pinv_svd(A):
            import numpy.linalg
            return numpy.linalg.pinv(A)
    """,
    "global helper": """
        import numpy as np
        la = np.linalg
        def _invert(M):
            return la.pinv(M)
        def pinv_svd(A):
            return _invert(A)
    """,
    "helper two levels deep": """
        import numpy as np
        def _deep(M):
            return np.linalg.pinv(M)
        def _middle(M):
            return _deep(M)
        def pinv_svd(A):
            return _middle(A)
    """,
    "closure": """
        import numpy as np
        def make():
            p = np.linalg.pinv
            def pinv_svd(A):
                return p(A)
            return pinv_svd
        pinv_svd = make()
    """,
    "default argument": """
        import numpy as np
        def pinv_svd(A, inv=np.linalg.pinv):
            return inv(A)
    """,
    "functools.partial": """
        import functools
        import numpy as np
        p = functools.partial(np.linalg.pinv, rcond=1e-15)
        def pinv_svd(A):
            return p(A)
    """,
    "functools.wraps decorator": """
        import functools
        import numpy as np
        def timed(f):
            @functools.wraps(f)
            def wrapper(*args):
                return f(*args)
            return wrapper
        @timed
        def pinv_svd(A):
            return np.linalg.pinv(A)
    """,
    "lru_cache decorator": """
        import functools
        import numpy as np
        @functools.lru_cache(maxsize=None)
        def pinv_svd(A):
            return np.linalg.pinv(A)
    """,
    "the routine itself": """
        import numpy as np
        pinv_svd = np.linalg.pinv
    """,
}


#: The forms that hold the routine before the run: assert_no_forbidden_calls reports them (the others are
#: module attributes, imports, getattr or eval, which forbid_calls blocks while the function runs).
HELD_BEFORE_THE_RUN = {"from numpy.linalg import pinv as p", "closure", "default argument", "functools.partial",
                       "the routine itself"}


@pytest.mark.parametrize("form", list(FORBIDDEN_CELLS))
def test_forbidden_calls_are_detected_for_every_alias(form):
    fn = cell(FORBIDDEN_CELLS[form], "pinv_svd")
    pattern = (
        r"^(pinv_svd calls|your function pinv is) (numpy|scipy)\.linalg\.(pinv|pinvh|lstsq)\b.*this question "
        r"forbids: build the pseudo-inverse from np\.linalg\.svd yourself\.$"
    )
    if form == "lru_cache decorator":  # it never runs: numpy arrays are not hashable
        with pytest.raises(AssertionError, match=r"raised TypeError .*unhashable type"):
            check_pinv(fn)
    else:
        with pytest.raises(ForbiddenCallError, match=pattern):
            check_pinv(fn)
    if form in HELD_BEFORE_THE_RUN:
        with pytest.raises(ForbiddenCallError, match=r"build the result from np\.linalg\.svd yourself\.$"):
            assert_no_forbidden_calls(fn, name="pinv_svd")
    else:
        assert_no_forbidden_calls(fn, name="pinv_svd")  # nothing held: caught while it runs


def test_forbidden_message_wording():
    fn = cell(FORBIDDEN_CELLS["np.linalg.pinv"], "pinv_svd")
    with pytest.raises(AssertionError) as info:
        check_pinv(fn)
    assert str(info.value) == (
        "pinv_svd calls numpy.linalg.pinv, which this question forbids: build the pseudo-inverse "
        "from np.linalg.svd yourself."
    )
    helper = cell(FORBIDDEN_CELLS["helper two levels deep"], "pinv_svd")
    with pytest.raises(ForbiddenCallError, match=r"^pinv_svd calls numpy\.linalg\.pinv \(through your function "
                                                 r"_middle -> _deep\), which this question forbids"):
        check_pinv(helper)


def test_an_alias_held_by_a_helper_is_reported_before_the_run():
    fn = cell("""
        from numpy.linalg import pinv as P
        def _deep(M):
            return P(M)
        def _middle(M):
            return _deep(M)
        def pinv_svd(A):
            return _middle(A)
    """, "pinv_svd")
    with pytest.raises(ForbiddenCallError, match=r"^pinv_svd calls numpy\.linalg\.pinv \(through your function "
                                                 r"_middle -> _deep\), which this question forbids"):
        assert_no_forbidden_calls(fn)


def test_a_forbidden_call_whose_error_is_swallowed_still_fails():
    fn = cell("""
        import numpy as np
        def pinv_svd(A):
            try:
                return np.linalg.pinv(A)
            except Exception:  # the guard's error too
                U, s, Vt = np.linalg.svd(A, full_matrices=False)
                keep = s > max(A.shape) * np.finfo(float).eps * s[0]
                return (Vt[keep].T / s[keep]) @ U[:, keep].T
    """, "pinv_svd")
    with pytest.raises(ForbiddenCallError, match=r"^pinv_svd calls numpy\.linalg\.pinv, which this question forbids"):
        check_pinv(fn)


def test_lstsq_min_norm_calling_a_forbidden_pinv_svd_is_caught():
    fn = cell(
        """
        import numpy as np
        def pinv_svd(A):
            return np.linalg.pinv(A)
        def lstsq_min_norm(A, b):
            return pinv_svd(A) @ b
        """,
        "lstsq_min_norm",
    )
    with pytest.raises(ForbiddenCallError, match=r"lstsq_min_norm calls numpy\.linalg\.pinv \(through your function pinv_svd\)"):
        check_lstsq_min_norm(fn)


CLEAN_CELL = '''
    import numpy as np
    import scipy.linalg as sla
    from numpy.linalg import svd

    def pinv(M):
        """My own pseudo-inverse; does not use np.linalg.pinv or lstsq."""
        U, s, Vt = svd(M, full_matrices=False)
        keep = s > max(M.shape) * np.finfo(float).eps * s[0]
        return (Vt[keep].T / s[keep]) @ U[:, keep].T

    def even(n):
        return n == 0 or odd(n - 1)

    def odd(n):
        return n != 0 and even(n - 1)

    def pinv_svd(A):
        """Pseudo-inverse through the SVD (np.linalg.pinv is forbidden here)."""
        assert even(2) and __import__("math")
        _ = sla.svd(A, compute_uv=False)
        helper = lambda M: pinv(M)
        return helper(A)

    def lstsq_min_norm(A, b):
        return pinv_svd(A) @ b
'''


def test_clean_implementations_are_not_flagged(capsys):
    pinv_svd = cell(CLEAN_CELL, "pinv_svd")
    assert_no_forbidden_calls(pinv_svd)
    assert_no_forbidden_calls(cell(CLEAN_CELL, "lstsq_min_norm"))
    for fn in (pinv_numpy, pinv_scipy_svd, pinv_full_matrices, lstsq_numpy, lstsq_scipy_full):
        assert_no_forbidden_calls(fn)
    check_pinv(pinv_svd)
    check_lstsq_min_norm(cell(CLEAN_CELL, "lstsq_min_norm"))
    assert capsys.readouterr().err == ""


def test_runtime_guard_catches_what_the_scan_cannot_see():
    fn = cell(
        """
        import importlib
        def pinv_svd(A):
            mod = importlib.import_module(".".join(["numpy", "linalg"]))
            return getattr(mod, "".join(["pi", "nv"]))(A)
        """,
        "pinv_svd",
    )
    assert_no_forbidden_calls(fn)  # invisible to the static scan ...
    with pytest.raises(ForbiddenCallError, match=r"^pinv_svd calls numpy\.linalg\.pinv, which this question forbids"):
        check_pinv(fn)  # ... but blocked while it runs
    assert np.linalg.pinv is not None and np.linalg.pinv.__name__ == "pinv"


def test_forbid_calls_restores_the_originals():
    originals = (np.linalg.pinv, np.linalg.lstsq, scipy.linalg.pinv, scipy.linalg.pinvh, scipy.linalg.lstsq)
    with pytest.raises(ForbiddenCallError, match=r"f calls scipy\.linalg\.lstsq"):
        with forbid_calls(name="f"):
            assert np.linalg.pinv is not originals[0]
            scipy.linalg.lstsq(np.eye(2), np.ones(2))
    assert (np.linalg.pinv, np.linalg.lstsq, scipy.linalg.pinv, scipy.linalg.pinvh, scipy.linalg.lstsq) == originals
    rank = np.linalg.matrix_rank
    with pytest.raises(ForbiddenCallError, match=r"^f calls numpy\.linalg\.matrix_rank"):
        with forbid_calls(("numpy.linalg.matrix_rank",), name="f"):
            np.linalg.svd(np.eye(2))  # other routines keep working
            with pytest.raises(ForbiddenCallError):
                np.linalg.matrix_rank(np.eye(2))
            # ... and the call, whose error was caught here, still fails on exit
    assert np.linalg.matrix_rank is rank


def test_custom_forbidden_list_and_bad_entries():
    with pytest.raises(ForbiddenCallError, match=r"numerical_rank_builtin calls numpy\.linalg\.matrix_rank"):
        def numerical_rank_builtin(A):
            return np.linalg.matrix_rank(A)
        check_numerical_rank(numerical_rank_builtin, forbidden=("numpy.linalg.matrix_rank",))
    with pytest.raises(ValueError, match=r"'numpy\.linalg\.pinvx' does not name an importable function"):
        assert_no_forbidden_calls(pinv_numpy, ("numpy.linalg.pinvx",))
    with pytest.raises(TypeError, match=r"dotted names"):
        assert_no_forbidden_calls(pinv_numpy, (np.linalg.pinv,))
    assert_no_forbidden_calls(functools.partial(pinv_numpy))


def test_a_pinv_of_the_students_own_module_is_not_a_forbidden_call():
    import types

    mytools = types.ModuleType("mytools")
    mytools.pinv = lambda M: np.linalg.svd(M)  # their own routine, named like the forbidden one

    def pinv_svd(A):
        return mytools.pinv(A)

    assert_no_forbidden_calls(pinv_svd)
