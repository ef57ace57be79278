"""Tests for the reference answers, the new visible checks and the hidden checks.

* Every reference answer (course_utils.reference.solutions) agrees with an
  independent numpy/scipy/scikit-image computation and passes its visible and
  hidden check.
* Correct student-style alternatives (scipy.linalg.svd, full_matrices=True,
  flipped signs, float32) pass both checks.
* Realistic wrong answers fail with a message that names the mistake.
"""

import ast
import pathlib
import re

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse.linalg
import skimage.metrics
import skimage.util

from course_utils import checks, images, linalg, metrics
from course_utils.checks import ForbiddenCallError, part1, part2, part3
from course_utils.reference import hidden
from course_utils.reference import solutions as S

EPS = np.finfo(float).eps
# Every autograded function question, as course_utils.checks describes it: (name, reference answer, visible check).
QUESTIONS = [(q.name, getattr(S, q.function), f"check_{q.name}") for q in checks.QUESTIONS.values()]


def visible(question):
    return getattr(checks, f"check_{question}")


def hidden_check(question):
    return getattr(hidden, f"hidden_check_{question}")


def both(question):
    """The visible and the hidden check of a question, as pytest params."""
    return [pytest.param(visible(question), id="visible"), pytest.param(hidden_check(question), id="hidden")]


def _rng(seed):
    return np.random.default_rng(seed)


def _product(m, n, r, seed):
    rng = _rng(seed)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


# Tall, wide, square, rank-deficient, zero, 1xn, nx1.
MATRICES = {
    "tall": _rng(1).standard_normal((8, 5)),
    "wide": _rng(2).standard_normal((5, 8)),
    "square": _rng(3).standard_normal((6, 6)),
    "rank2": _product(7, 6, 2, 4),
    "zero": np.zeros((4, 3)),
    "row": _rng(5).standard_normal((1, 6)),
    "column": _rng(6).standard_normal((6, 1)),
}


def _tol(A, s):
    return max(A.shape) * np.finfo(s.dtype).eps * (s[0] if s.size else 0.0)


def _approx(A, k, svd=np.linalg.svd):
    U, s, Vt = svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


# ---------------------------------------------------------------------------
# Reference answers against independent computations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", MATRICES)
def test_part1_references_match_numpy_and_scipy(name):
    A = MATRICES[name]
    m, n = A.shape
    assert S.numerical_rank(A) == np.linalg.matrix_rank(A)
    np.testing.assert_allclose(S.pinv_svd(A), scipy.linalg.pinv(A), atol=1e-12)
    b = _rng(10).standard_normal(m)
    np.testing.assert_allclose(S.lstsq_min_norm(A, b), np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-12)
    s = scipy.linalg.svdvals(A)
    scale = max(s[0] ** 2, 1.0)
    np.testing.assert_allclose(S.gram_eigenvalues(A), np.linalg.eigvalsh(A.T @ A)[::-1], rtol=0, atol=1e-12 * scale)
    for k in range(s.size + 1):
        E = A - _approx(A, k, scipy.linalg.svd)
        np.testing.assert_allclose(S.eckart_young_errors(s, k), (np.linalg.norm(E, 2), np.linalg.norm(E)),
                                   rtol=1e-10, atol=1e-12 * max(s[0], 1.0))


@pytest.mark.parametrize("name", ["tall", "square", "column"])
def test_condition_numbers_match_np_linalg_cond(name):
    A = MATRICES[name]
    k_a, k_ata = S.condition_numbers(A)
    assert k_a == pytest.approx(np.linalg.cond(A), rel=1e-12)
    assert k_ata == pytest.approx(np.linalg.cond(A.T @ A), rel=1e-10)
    assert k_ata == pytest.approx(k_a**2, rel=1e-10)


def test_condition_numbers_of_exactly_singular_matrices_are_inf():
    for _, A, _expected in checks._condition_cases()[-1:]:
        assert S.condition_numbers(A) == (np.inf, np.inf)
    assert S.condition_numbers(np.diag([2.0, 1.0, 0.0])) == (np.inf, np.inf)


@pytest.mark.parametrize("name", MATRICES)
@pytest.mark.parametrize("full", [False, True])
def test_rank_k_approx_matches_scipy_reconstruction(name, full):
    A = MATRICES[name]
    U, s, Vt = scipy.linalg.svd(A, full_matrices=full)
    for k in range(s.size + 1):
        expected = U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]
        np.testing.assert_allclose(S.rank_k_approx(U, s, Vt, k), expected, atol=1e-12)
    np.testing.assert_allclose(S.rank_k_approx(U, s, Vt, s.size), A, atol=1e-12)


def test_to_uint8_image_matches_images_to_uint8_and_skimage():
    x = _rng(20).uniform(-0.3, 1.3, (9, 11))
    out = S.to_uint8_image(x)
    assert out.dtype == np.uint8 and out.shape == x.shape
    np.testing.assert_array_equal(out, images.to_uint8(x))
    np.testing.assert_array_equal(out, skimage.util.img_as_ubyte(np.clip(x, 0, 1)))
    colour = _rng(21).uniform(-0.1, 1.1, (4, 5, 3))
    np.testing.assert_array_equal(S.to_uint8_image(colour), images.to_uint8(colour))
    np.testing.assert_array_equal(S.to_uint8_image([[1.2, -0.1, 0.5, 1.0, 0.0]]), [[255, 0, 128, 255, 0]])


@pytest.mark.parametrize("name", ["tall", "wide", "square", "rank2", "row", "column"])
def test_rank_errors_matches_measured_errors(name):
    A = MATRICES[name]
    ks = list(range(min(A.shape) + 1))
    expected = [np.linalg.norm(A - _approx(A, k, scipy.linalg.svd)) / np.linalg.norm(A) for k in ks]
    np.testing.assert_allclose(S.rank_errors(A, ks), expected, rtol=1e-10, atol=1e-13)
    assert S.rank_errors(A, ks)[0] == pytest.approx(1.0)


def test_smallest_rank_for_energy_matches_brute_force():
    s = np.sort(_rng(30).uniform(0.1, 5.0, 40))[::-1]
    energy = [np.sum(s[:k] ** 2) / np.sum(s**2) for k in range(1, s.size + 1)]
    for fraction in (0.1, 0.5, 0.9, 0.99, 0.999):
        brute = next(k for k, e in enumerate(energy, 1) if e >= fraction)
        assert min(abs(e - fraction) for e in energy) > 1e-9  # not a round-off tie
        assert S.smallest_rank_for_energy(s, fraction) == brute
    assert S.smallest_rank_for_energy(s, 1.0) == s.size


def test_psnr_by_rank_matches_skimage():
    clean = checks._smooth_image(20, 16, 40)
    noisy = clean + 0.1 * _rng(41).standard_normal(clean.shape)
    ks = [0, 1, 3, 16]
    expected = [skimage.metrics.peak_signal_noise_ratio(clean, _approx(noisy, k, scipy.linalg.svd), data_range=1.0)
                for k in ks]
    np.testing.assert_allclose(S.psnr_by_rank(noisy, clean, ks), expected, rtol=1e-10)


def test_gavish_donoho_threshold_matches_the_paper():
    s = np.sort(_rng(50).uniform(1, 2, 100))[::-1]
    # Square, known sigma: (4 / sqrt(3)) sqrt(n) sigma.
    assert S.gavish_donoho_threshold(s, (100, 100), 0.5) == pytest.approx(4 / np.sqrt(3) * 10 * 0.5, rel=1e-12)
    for shape in [(100, 100), (200, 100), (100, 400), (2000, 100)]:
        beta = min(shape) / max(shape)
        lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
        assert S.gavish_donoho_threshold(s, shape, 2.0) == pytest.approx(lam * np.sqrt(max(shape)) * 2.0, rel=1e-12)
        omega = 0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43
        assert S.gavish_donoho_threshold(s, shape) == pytest.approx(omega * np.median(s), rel=5e-3)


def test_denoise_color_matches_per_channel_scipy():
    image = checks._colour_image(10, 7, 60, 0.2)
    for k in range(8):
        out = S.denoise_color(image, k)
        for c in range(3):
            np.testing.assert_allclose(out[..., c], np.clip(_approx(image[..., c], k, scipy.linalg.svd), 0, 1),
                                       atol=1e-12)
        assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (lambda: S.rank_k_approx(np.eye(3), [2.0, 1.0], np.eye(2), 3), ValueError, r"k must be .* = 2; got k=3"),
        (lambda: S.rank_k_approx(np.eye(3)[:, :1], [2.0, 1.0], np.eye(2), 2), ValueError, r"U has 1 columns"),
        (lambda: S.to_uint8_image(np.zeros((2, 2), dtype=np.uint8)), TypeError, r"already an integer image"),
        (lambda: S.to_uint8_image([[np.nan]]), ValueError, r"image contains 1 NaN"),
        (lambda: S.rank_errors(np.zeros((3, 3)), [1]), ValueError, r"image is all zeros"),
        (lambda: S.rank_errors(np.eye(3), 2), TypeError, r"ks must be a sequence"),
        (lambda: S.rank_errors(np.eye(3), [1, 4]), ValueError, r"ks\[1\] must be .*got ks\[1\]=4"),
        (lambda: S.psnr_by_rank(np.eye(3), np.eye(4), [1]), ValueError, r"noisy has shape \(3, 3\) but clean"),
        (lambda: S.psnr_by_rank(np.eye(3), np.eye(3), []), ValueError, r"ks is empty"),
        (lambda: S.denoise_color(np.zeros((4, 4)), 1), ValueError, r"colour image of shape \(m, n, 3\)"),
        (lambda: S.denoise_color(np.zeros((4, 4, 4)), 1), ValueError, r"alpha channel"),
        (lambda: S.denoise_color(np.zeros((4, 5, 3)), 5), ValueError, r"k must be .* = 4; got k=5"),
        (lambda: S.gavish_donoho_threshold([3.0, 1.0], (2, 2), -1.0), ValueError, r"sigma must be finite and > 0"),
    ],
)
def test_reference_answers_reject_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# ---------------------------------------------------------------------------
# The reference answers pass every check, quietly
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, reference, _", QUESTIONS, ids=[q for q, _, _ in QUESTIONS])
def test_reference_passes_visible_and_hidden_checks(question, reference, _, capsys):
    # (their speed is part of the notebooks' run time, measured by `make bench`)
    for check in (visible(question), hidden_check(question)):
        check(reference)
        out = capsys.readouterr()
        assert re.fullmatch(rf"{check.__name__}: all \d+ cases passed\.\n", out.out)
        assert out.err == ""


def test_every_question_has_a_visible_and_a_hidden_check():
    names = {q for q, _, _ in QUESTIONS}
    assert set(hidden.__all__) == {f"hidden_check_{q}" for q in names}
    assert {f"check_{q}" for q in names} <= set(checks.__all__)
    assert set(S.__all__) >= {fn.__name__ for _, fn, _ in QUESTIONS}


def test_the_notebooks_grade_each_question_as_described():
    """Each question's visible and hidden cells exist, call its checks and carry its points."""
    import json

    cells = {}
    for path in sorted((pathlib.Path(__file__).parents[1] / "source" / "week5_svd").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade"):
                cells[meta["grade_id"]] = (meta["points"], "".join(cell["source"]))
    for q in checks.QUESTIONS.values():
        for which, points, check in (("visible", q.points[0], f"check_{q.name}("),
                                     ("hidden", q.points[1], f"hidden_check_{q.name}(")):
            grade_id = f"{q.cell}_{which}"
            assert grade_id in cells, grade_id
            assert cells[grade_id][0] == points, (grade_id, cells[grade_id][0], points)
            assert re.search(r"\b" + re.escape(check), cells[grade_id][1]), (grade_id, check)
        assert S.__dict__[q.function].__name__ == q.function


def test_hidden_imports_only_course_utils_numpy_scipy_skimage():
    tree = ast.parse(pathlib.Path(hidden.__file__).read_text())
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    allowed = ("__future__", "functools", "numpy", "scipy", "skimage", "course_utils.checks", "course_utils.reference",
               "course_utils.linalg", "course_utils.images", "course_utils")
    # sklearn: the bundled breast cancer data of the PCA question (sklearn.datasets)
    assert modules and all(m.split(".")[0] in {"__future__", "functools", "numpy", "scipy", "skimage"} or m in allowed
                           or m == "sklearn.datasets"
                           for m in modules), modules


def test_the_traps_are_armed():
    """The cases really contain what the diagnoses rely on."""
    # Exactly singular matrices: every driver gives an exact zero for A and A^T A.
    A = checks._condition_cases()[-1][1]
    for M in (A, A.T @ A):
        assert np.linalg.svd(M, compute_uv=False)[-1] == 0
        assert scipy.linalg.svd(M, compute_uv=False, lapack_driver="gesvd")[-1] == 0
    # The overshooting images leave [0, 1], and their rank-k approximations too.
    x = checks._uint8_cases()[0][1]
    assert x.min() < 0 and x.max() > 1
    image, k = checks._denoise_cases()[0][1:]
    approx = checks._per_channel(image, k)
    assert approx.min() < 0 or approx.max() > 1
    # The round-off energy case of the hidden check: the cumulative energy ends below 1.
    s = np.sort(np.random.default_rng(2).uniform(0.1, 1.0, 50))[::-1]
    assert np.cumsum(s**2)[-1] / np.sum(s**2) < 1.0
    # The 1e-14 singular value of the hidden pinv case is below the tolerance, the others well above.
    s_near = np.linalg.svd(hidden._matrix(60, 50, np.concatenate([np.linspace(1, 0.1, 49), [1e-14]]), 112),
                           compute_uv=False)
    assert s_near[-1] < 60 * EPS * s_near[0] < s_near[-2]
    # Gavish-Donoho: every mistake gives a number 1 % away from the right one (but sigma**2 and a
    # missing sigma when sigma = 1, which _gd_hint skips).
    for (_, s, shape, sigma), tau in zip(checks._gd_cases(), part3._GD_VISIBLE_TAU):
        for candidate, hint in checks._gd_candidates(s, shape, sigma):
            assert abs(candidate / tau - 1) > 0.01 or (sigma == 1 and "multiply by sigma" in hint), hint
    # The exact omega(beta) is within GD_UNKNOWN_RTOL of the polynomial for the hidden aspect ratios.
    for beta in (1.0, 0.5, 0.25, 0.1, 0.05):
        exact = linalg.optimal_hard_threshold_coef(beta, sigma_known=False)
        assert abs(hidden._gd_omega(beta) / exact - 1) < checks.GD_UNKNOWN_RTOL / 2


def test_visible_literals_agree_with_the_reference():
    """The answers the visible checks store as literals are the reference's answers to their cases."""
    for beta, (lam, omega) in part3._GD_COEFFICIENTS.items():
        assert (lam, omega) == pytest.approx(hidden._gd_coefficients(beta), rel=1e-12), beta
    for (_, s, shape, sigma), tau in zip(checks._gd_cases(), part3._GD_VISIBLE_TAU):
        m, n = shape
        lam, omega = hidden._gd_coefficients(min(m, n) / max(m, n))
        formula = omega * np.median(s) if sigma is None else lam * np.sqrt(max(m, n)) * sigma
        assert tau == pytest.approx(formula, rel=1e-12)
        assert tau == pytest.approx(S.gavish_donoho_threshold(s, shape, sigma), rel=checks.GD_UNKNOWN_RTOL)
    for (_, image), expected in zip(checks._uint8_cases(), part2._UINT8_EXPECTED):
        assert bytes.fromhex(expected) == S.to_uint8_image(image).tobytes()
    for _, A, expected in part1._gram_cases():
        assert S.gram_eigenvalues(A) == pytest.approx(expected, abs=1e-12)
    for _, A, expected in checks._condition_cases():
        assert S.condition_numbers(A) == pytest.approx(expected, rel=1e-8)


# ---------------------------------------------------------------------------
# Correct student answers (alternatives) pass both checks
# ---------------------------------------------------------------------------


def rank_eps_of_dtype(A):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > _tol(A, s)))


def rank_float64(A):  # the notebook's model answer: eps of the input's dtype, computed in float64
    A = np.asarray(A)
    eps = np.finfo(A.dtype).eps if np.issubdtype(A.dtype, np.floating) else np.finfo(np.float64).eps
    s = np.linalg.svd(A.astype(np.float64), compute_uv=False)
    return int(np.sum(s > max(A.shape) * eps * s[0]))


def rank_scipy(A):
    s = scipy.linalg.svdvals(A)
    return int(np.count_nonzero(s > _tol(A, s)))


def pinv_numpy(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > _tol(A, s)
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_scipy_full_flipped(A):
    m, n = A.shape
    U, s, Vt = scipy.linalg.svd(A, full_matrices=True)
    U, Vt = -U, -Vt
    S_plus = np.zeros((n, m))
    r = int(np.sum(s > _tol(A, s)))
    S_plus[:r, :r] = np.diag(1 / s[:r])
    return Vt.T @ S_plus @ U.T


def pinv_float32(A):
    A32 = A.astype(np.float32)
    U, s, Vt = np.linalg.svd(A32, full_matrices=False)
    keep = s > 10 * _tol(A32, s)  # float32 round-off needs a safety factor
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def lstsq_numpy(A, b):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > _tol(A, s)
    return Vt[keep].T @ ((U[:, keep].T @ b) / s[keep])


def lstsq_scipy_full(A, b):
    U, s, Vt = scipy.linalg.svd(A, full_matrices=True)
    r = int(np.sum(s > _tol(A, s)))
    return Vt[:r].T @ ((U.T @ b)[:r] / s[:r])


def lstsq_float32(A, b):
    return pinv_float32(A) @ b.astype(np.float32)


def cond_numpy(A):
    return np.linalg.cond(A), np.linalg.cond(A.T @ A)


def cond_model(A):  # the notebook's model answer
    def kappa(M):
        s = np.linalg.svd(np.asarray(M, dtype=float), compute_uv=False)
        return np.inf if s[-1] == 0 else float(s[0] / s[-1])

    return kappa(A), kappa(A.T @ A)


def cond_scipy_list(A):
    kappas = []
    for M in (A, A.T @ A):
        s = scipy.linalg.svdvals(M)
        kappas.append(np.inf if s[-1] == 0 else s[0] / s[-1])
    return kappas  # a list, scipy's singular values


def cond_kappa_squared(A):
    s = scipy.linalg.svdvals(A)
    k = np.inf if s[-1] == 0 else s[0] / s[-1]
    return [k, k**2]  # kappa(A^T A) from the formula, not from A^T A: right only while kappa(A)**2 << 1/eps


def gram_model(A):
    return np.linalg.eigvalsh(A.T @ A)[::-1]


def gram_scipy_sorted(A):
    return np.sort(scipy.linalg.eigh(A.T @ A, eigvals_only=True))[::-1]


def gram_float32(A):
    A32 = A.astype(np.float32)
    return np.linalg.eigvalsh(A32.T @ A32)[::-1]


def gram_eigvals_sorted(A):
    return -np.sort(-np.real(np.linalg.eigvals(A.T @ A)))


def ey_model(s, k):
    s = np.asarray(s, dtype=float)
    return (float(s[k]) if k < s.size else 0.0), float(np.sqrt(np.sum(s[k:] ** 2)))


def ey_append_zero(s, k):
    return [np.append(s, 0.0)[k], np.linalg.norm(s[k:])]


def rank_k_diag(U, s, Vt, k):
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]


def rank_k_sigma(U, s, Vt, k):
    Sigma = np.zeros((U.shape[1], Vt.shape[0]))
    Sigma[:k, :k] = np.diag(s[:k])
    return U @ Sigma @ Vt


def rank_k_diagsvd(U, s, Vt, k):  # assumes economy factors, as the question hands over
    kept = np.where(np.arange(len(s)) < k, s, 0.0)
    return U @ scipy.linalg.diagsvd(kept, len(s), len(s)) @ Vt


def rank_k_float32(U, s, Vt, k):
    return (U[:, :k].astype(np.float32) * s[:k].astype(np.float32)) @ Vt[:k].astype(np.float32)


def uint8_rint(image):
    return np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)


def uint8_half_up(image):
    return (np.clip(image * 255, 0, 255) + 0.5).astype(np.uint8)


def uint8_round_clip(image):
    return np.clip(np.round(image * 255), 0, 255).astype("uint8")


def uint8_float32(image):
    return np.round(np.clip(image.astype(np.float32), 0, 1) * np.float32(255)).astype(np.uint8)


def errors_from_s(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    return np.array([np.sqrt(np.sum(s[k:] ** 2) / np.sum(s**2)) for k in ks])


def errors_measured_full(image, ks):
    U, s, Vt = scipy.linalg.svd(image, full_matrices=True)
    out = []
    for k in ks:
        out.append(np.linalg.norm(image - U[:, :k] @ np.diag(s[:k]) @ Vt[:k]) / np.linalg.norm(image))
    return out


def errors_float32(image, ks):
    return errors_from_s(image.astype(np.float32), ks).astype(np.float32)


def energy_normalised(s, fraction):
    cum = np.cumsum(s**2)
    return int(np.searchsorted(cum / cum[-1], fraction)) + 1


def energy_loop(s, fraction):
    total, acc = float(np.sum(s**2)), 0.0
    for k, sigma in enumerate(s, start=1):
        acc += sigma**2
        if acc / total >= fraction:
            return k
    return len(s)


def energy_capped(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return min(int(np.searchsorted(energy, fraction)) + 1, len(s))


def psnr_skimage(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([skimage.metrics.peak_signal_noise_ratio(clean, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0)
                     for k in ks])


def psnr_manual_scipy_flipped(noisy, clean, ks):
    U, s, Vt = scipy.linalg.svd(noisy)
    U, Vt = -U, -Vt
    return [20 * np.log10(1 / np.sqrt(np.mean((clean - U[:, :k] @ np.diag(s[:k]) @ Vt[:k]) ** 2))) for k in ks]


def psnr_course_metrics(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([metrics.psnr(clean, (U[:, :k] * s[:k]) @ Vt[:k]) for k in ks])


def psnr_skimage_default_range(noisy, clean, ks):
    # clean (>= 0) first: scikit-image's guess is then data_range = 1, the right one.
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return [skimage.metrics.peak_signal_noise_ratio(clean, (U[:, :k] * s[:k]) @ Vt[:k]) for k in ks]


def gd_poly(s, shape, sigma=None):
    m, n = shape
    beta = min(m, n) / max(m, n)
    if sigma is None:
        return (0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s)
    lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
    return lam * np.sqrt(max(m, n)) * sigma


def gd_exact_omega(s, shape, sigma=None):
    if sigma is not None:
        return gd_poly(s, shape, sigma)
    beta = min(shape) / max(shape)
    return linalg.optimal_hard_threshold_coef(beta, sigma_known=False) * float(np.median(s))


def denoise_loop(image, k):
    out = np.zeros(image.shape)
    for c in range(3):
        U, s, Vt = np.linalg.svd(image[:, :, c], full_matrices=False)
        out[:, :, c] = (U[:, :k] * s[:k]) @ Vt[:k]
    return np.clip(out, 0, 1)


def denoise_scipy_full_flipped(image, k):
    channels = []
    for c in range(3):
        U, s, Vt = scipy.linalg.svd(image[..., c])
        channels.append(np.clip(-U[:, :k] @ np.diag(s[:k]) @ -Vt[:k], 0.0, 1.0))
    return np.dstack(channels)


def denoise_float32(image, k):
    return denoise_loop(image.astype(np.float32), k).astype(np.float32)


ALTERNATIVES = [
    ("numerical_rank", [rank_eps_of_dtype, rank_float64, rank_scipy]),  # matrix_rank: forbidden by the task
    ("pinv", [pinv_numpy, pinv_scipy_full_flipped, pinv_float32]),
    ("lstsq_min_norm", [lstsq_numpy, lstsq_scipy_full, lstsq_float32]),
    ("condition_numbers", [cond_numpy, cond_model, cond_scipy_list]),
    ("gram_eigenvalues", [gram_model, gram_scipy_sorted, gram_float32, gram_eigvals_sorted]),
    ("eckart_young_errors", [ey_model, ey_append_zero]),
    ("rank_k_approx", [rank_k_diag, rank_k_sigma, rank_k_diagsvd, rank_k_float32]),
    ("to_uint8_image", [uint8_rint, uint8_half_up, uint8_round_clip, uint8_float32]),
    ("rank_errors", [errors_from_s, errors_measured_full, errors_float32]),
    ("smallest_rank_for_energy", [energy_normalised, energy_loop, energy_capped]),
    ("psnr_by_rank", [psnr_skimage, psnr_manual_scipy_flipped, psnr_course_metrics, psnr_skimage_default_range]),
    ("gavish_donoho_threshold", [gd_poly, gd_exact_omega]),
    ("denoise_color", [denoise_loop, denoise_scipy_full_flipped, denoise_float32]),
]


@pytest.mark.parametrize(
    "question, fn",
    [pytest.param(q, fn, id=f"{q}-{fn.__name__}") for q, fns in ALTERNATIVES for fn in fns],
)
def test_correct_alternatives_pass(question, fn, capsys):
    visible(question)(fn)
    hidden_check(question)(fn)
    assert capsys.readouterr().out.count("passed") == 2


# ---------------------------------------------------------------------------
# Wrong answers fail with a message that names the mistake
# ---------------------------------------------------------------------------


def fails(check, fn, pattern, error=AssertionError):
    with pytest.raises(error, match=pattern) as info:
        check(fn, verbose=False)
    return str(info.value)


# --- part 1: hidden checks of the existing questions


def rank_gt0(A):
    return int(np.sum(np.linalg.svd(A, compute_uv=False) > 0))


def rank_fixed_tol(A):
    return int(np.sum(np.linalg.svd(A, compute_uv=False) > 1e-10))


def rank_eps_after_float64(A):
    A = np.asarray(A, dtype=float)
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > max(A.shape) * np.finfo(A.dtype).eps * s[0]))


def rank_eps_of_int_dtype(A):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > max(A.shape) * np.finfo(A.dtype).eps * s[0]))


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (rank_gt0, r"returned 20 but the rank is 12: count singular values above the tolerance, not > 0"
                   r"(?s:.*)Case: case 5 of 13: a 20x30 matrix of rank 12 with entries about 1e-8"),
        (rank_fixed_tol, r"returned 11 but the rank is 5: the tolerance must scale with the matrix"),
        # the old model answer: A converted to float64 first, so np.finfo(A.dtype) is float64's
        (rank_eps_after_float64, r"returned 20 but the rank is 7: this A is float32, so eps is float32's"
                                 r"(?s:.*)Case: case 11 of 13: a 30x20 product of rank 7 stored in float32"),
        # the text's np.finfo(A.dtype).eps taken from an integer dtype
        (rank_eps_of_int_dtype, r"raised ValueError on a 9x6 integer \(int64\) matrix(?s:.*)"
                                r"integer input is computed in float64, so its eps is np\.finfo\(np\.float64\)\.eps"),
    ],
)
def test_hidden_numerical_rank_diagnoses_mistakes(fn, pattern):
    fails(hidden.hidden_check_numerical_rank, fn, pattern)


def pinv_inverts_roundoff(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > EPS * s[0]  # forgets the factor max(m, n)
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_fixed_tol(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > 1e-10
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_float64_eps(A):
    A = np.asarray(A, dtype=float)  # float64 from here on: np.finfo(A.dtype) is float64's even for float32 data
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > max(A.shape) * np.finfo(A.dtype).eps * s[0]
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_eps_of_int_dtype(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > max(A.shape) * np.finfo(A.dtype).eps * s[0]
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_calls_numpy(A):
    return np.linalg.pinv(A)


def pinv_calls_scipy_alias(A):
    import scipy.linalg as sla

    return sla.pinv(A)


@pytest.mark.parametrize(
    "fn, pattern, error",
    [
        (pinv_inverts_roundoff, r"(?s)zero up to round-off.*Case: case 2 of 11: a 60x50 matrix", AssertionError),
        (pinv_float64_eps, r"(?s)inverted singular values that are float32 round-off\. A is float32 here, so "
                           r"eps = np\.finfo\(np\.float32\)\.eps = 1\.19e-07.*Case: case 9 of 11", AssertionError),
        (pinv_eps_of_int_dtype, r"(?s)raised ValueError on a 4x3 integer.*np\.finfo\(np\.float64\)\.eps",
         AssertionError),
        (pinv_fixed_tol, r"(?s)dropped singular values that are not zero.*entries about 1e-12", AssertionError),
        (pinv_calls_numpy, r"^pinv_calls_numpy calls numpy\.linalg\.pinv, which this question forbids",
         ForbiddenCallError),
        (pinv_calls_scipy_alias, r"calls scipy\.linalg\.pinv, which this question forbids", ForbiddenCallError),
    ],
)
def test_hidden_pinv_diagnoses_mistakes(fn, pattern, error):
    fails(hidden.hidden_check_pinv, fn, pattern, error)


def test_hidden_pinv_runtime_guard_catches_dynamic_lookup():
    def pinv_svd(A):
        import importlib

        name = "".join(reversed("vnip"))  # invisible to the static scan
        return getattr(importlib.import_module("numpy.linalg"), name)(A)

    fails(hidden.hidden_check_pinv, pinv_svd, r"^pinv_svd calls numpy\.linalg\.pinv", ForbiddenCallError)


def lstsq_normal_equations(A, b):
    return np.linalg.solve(A.T @ A, A.T @ b)


def lstsq_calls_lstsq(A, b):
    return np.linalg.lstsq(A, b, rcond=None)[0]


@pytest.mark.parametrize(
    "fn, pattern, error",
    [
        (lstsq_normal_equations, r"(?s)not the minimum-norm solution: .*normal equations.*Case: case 3 of 9: a wide",
         AssertionError),
        (lambda A, b: pinv_inverts_roundoff(A) @ b, r"(?s)does not minimise \|\|A x - b\|\|.*A has rank 2 < 9",
         AssertionError),
        (lstsq_calls_lstsq, r"calls numpy\.linalg\.lstsq, which this question forbids", ForbiddenCallError),
    ],
)
def test_hidden_lstsq_diagnoses_mistakes(fn, pattern, error):
    fails(hidden.hidden_check_lstsq_min_norm, fn, pattern, error)


# --- condition numbers


def cond_same_twice(A):
    k = np.linalg.cond(A)
    return k, k


def cond_reversed(A):
    def kappa(M):
        s = np.linalg.svd(M, compute_uv=False)
        return s[-1] / s[0]

    return kappa(A), kappa(A.T @ A)


def cond_eig_of_A(A):
    ev = np.abs(np.linalg.eigvals(A))
    k = ev.max() / ev.min()
    return k, np.linalg.cond(A.T @ A)


def cond_python_division(A):
    s = [float(x) for x in np.linalg.svd(A, compute_uv=False)]
    return s[0] / s[-1], s[0] ** 2 / s[-1] ** 2


def cond_swapped(A):
    return cond_numpy(A)[::-1]


def cond_AAt(A):
    return np.linalg.cond(A), np.linalg.cond(A @ A.T)


@pytest.mark.parametrize("check", both("condition_numbers"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (cond_same_twice, r"returned kappa_AtA = \d.* but it should be .*: it equals kappa\(A\); the singular "
                          r"values of A\^T A are s\*\*2"),
        (cond_reversed, r"returned kappa_A = 0\.\d+ but it should be .*a condition number is >= 1"),
        (cond_python_division, r"raised ZeroDivisionError .*return np\.inf in that case"),
        (cond_swapped, r"it equals kappa\(A\)\*\*2, the condition number of A\^T A: return the pair"),
        (lambda A: np.linalg.cond(A), r"should return the pair \(kappa_A, kappa_AtA\).*got a single float"),
    ],
)
def test_condition_numbers_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


def test_condition_numbers_hidden_case_tests_the_lesson_not_a_value():
    """kappa(A) = 1e9: the formula kappa**2 passes the visible check and loses the hidden one; any round-off
    value of the formed A^T A above 1e13 passes, whatever BLAS produced it."""
    checks.check_condition_numbers(cond_kappa_squared, verbose=False)
    fails(hidden.hidden_check_condition_numbers, cond_kappa_squared,
          r"(?s)returned kappa_AtA = 1e\+18, kappa\(A\)\*\*2 itself; here kappa\(A\) = 1e\+09.*"
          r"Case: case 11 of 11: an 8x5 matrix with kappa\(A\) = 1e9")
    ill = hidden._matrix(8, 5, [1, 1e-2, 1e-4, 1e-6, 1e-9], 144)
    kappa = np.linalg.cond(ill)
    assert kappa == pytest.approx(1e9, rel=1e-5)

    def answer(kappa_ata_of_ill):
        """The model answer, except that the ill-conditioned case's kappa(A^T A) is `kappa_ata_of_ill`."""
        def condition_numbers(A):
            kappa_a, kappa_ata = S.condition_numbers(A)
            return kappa_a, (kappa_ata_of_ill if 1e8 < kappa_a < np.inf else kappa_ata)
        return condition_numbers

    for other_blas in (2e15, 3.7e16, 8e19, np.inf):  # what other BLAS may give for the formed A^T A
        hidden.hidden_check_condition_numbers(answer(other_blas), verbose=False)
    for wrong, pattern in ((1e9, r"must exceed 1e\+13"), (1.005e18, r"kappa\(A\)\*\*2 itself")):
        fails(hidden.hidden_check_condition_numbers, answer(wrong), pattern)


def test_condition_numbers_diagnoses_eigenvalues_of_A():
    msg = fails(checks.check_condition_numbers, cond_eig_of_A,
                r"(?s)ratio of the largest to the smallest \|eigenvalue\| of A.*Case: case 1 of 4")
    assert "np.linalg.svd(A, compute_uv=False)" in msg
    # On a tall matrix the eigenvalues do not even exist.
    fails(checks.check_condition_numbers, lambda A: cond_eig_of_A(A) if A.shape[0] > A.shape[1] else cond_numpy(A),
          r"(?s)raised LinAlgError on a tall 6x3 .*eigenvalues need a square matrix")
    fails(checks.check_condition_numbers, lambda A: (np.linalg.eigvals(A).max(), 1.0), r"kappa_A .* is complex.*eig")
    fails(checks.check_condition_numbers, cond_AAt, r"(?s)A @ A\.T .* instead of A\.T @ A.*case 2 of 4")


def test_condition_numbers_tolerance_is_loose_only_for_ill_conditioned_cases():
    def nearly(A):
        k_a, k_ata = cond_numpy(A)
        return k_a, k_ata * (1 + 5e-4)  # within 1e-3: accepted only when kappa(A^T A) > 1e6

    fails(checks.check_condition_numbers, nearly, r"(?s)kappa_AtA = 100\.05 but it should be 100:.*Case: case 1 of 4")
    # and nothing else fails: make the well-conditioned cases exact
    checks.check_condition_numbers(
        lambda A: (cond_numpy(A)[0], cond_numpy(A)[1] * (1 + 5e-4 * (np.linalg.cond(A) > 1e3))), verbose=False)


# --- gram eigenvalues


@pytest.mark.parametrize("check", both("gram_eigenvalues"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (lambda A: np.linalg.eigvalsh(A.T @ A), r"increasing order .*the task asks for decreasing order"),
        (lambda A: np.linalg.eigvalsh(A @ A.T)[::-1], r"returned \d+ values but A is \d+x\d+, so A\^T A is .*A A\^T"),
        (lambda A: np.linalg.svd(A, compute_uv=False), r"singular values of A; the eigenvalues of A\^T A are their "
                                                       r"squares"),
        (lambda A: np.concatenate([np.linalg.svd(A, compute_uv=False), np.zeros(A.shape[1] - min(A.shape))]),
         r"these are the singular values of A; the eigenvalues of A\^T A are their squares"),
    ],
)
def test_gram_eigenvalues_diagnoses_mistakes(check, fn, pattern):
    if check is hidden.hidden_check_gram_eigenvalues and "svd" in fn.__code__.co_names:
        # the task asks for eigvalsh, not the SVD: the hidden check says so first
        fails(check, fn, r"calls numpy\.linalg\.svd, which this question forbids", ForbiddenCallError)
    else:
        fails(check, fn, pattern)


def test_gram_eigenvalues_wide_case_messages():
    fails(checks.check_gram_eigenvalues, lambda A: np.linalg.svd(A, compute_uv=False) ** 2,
          r"(?s)returned 3 values but A is 3x5, so A\^T A is 5x5 and has 5 eigenvalues: the 3 squared singular "
          r"values .* and 2 zeros.*Case: case 2 of 4")
    rng = np.random.default_rng(0)
    fails(checks.check_gram_eigenvalues, lambda A: rng.permutation(np.linalg.eigvalsh(A.T @ A)),
          r"right values, wrong order|increasing order")


# --- Eckart-Young


@pytest.mark.parametrize("check", both("eckart_young_errors"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (lambda s, k: (s[k - 1], np.linalg.norm(s[k:])), r"off by one: .*s\[k\] with 0-based indexing"),
        (lambda s, k: (np.append(s, 0)[k], np.sum(s[k:] ** 2)), r"take the square root"),
        (lambda s, k: (np.append(s, 0)[k], np.sum(s[k:])), r"square the singular values before summing"),
        (lambda s, k: (np.linalg.norm(s[k:]), np.append(s, 0)[k]), r"the two errors are swapped"),
        (lambda s, k: (s[k], np.linalg.norm(s[k:])), r"raised IndexError .*nothing is left out: both errors are 0"),
        (lambda s, k: np.linalg.norm(s[k:]), r"should return the pair \(spectral, frobenius\)"),
    ],
)
def test_eckart_young_errors_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


def test_eckart_young_off_by_one_in_the_sum_at_k_0():
    def eckart_young_errors(s, k):
        return (float(s[k - 1]) if k > 0 else float(s[0])), float(np.sqrt(np.sum(s[k - 1:] ** 2)))

    fails(hidden.hidden_check_eckart_young_errors, eckart_young_errors,
          r"(?s)off by one: the sum starts at s\[k\] \(0-based\).*Case: case 1 of 10: .* k = 0")


def test_eckart_young_visible_cases_are_measured():
    for desc, s, k, (spectral, frobenius) in checks._eckart_young_cases():
        assert spectral == pytest.approx(s[k] if k < s.size else 0.0, abs=1e-12)
        assert frobenius == pytest.approx(np.linalg.norm(s[k:]), abs=1e-12)


# --- part 2: rank-k approximation and energy (hidden)


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (lambda U, s, Vt, k: (U[:, : k + 1] * s[: k + 1]) @ Vt[: k + 1], r"has rank 1 but should have rank 0"),
        (lambda U, s, Vt, k: U[:, :k] @ Vt[:k], r"forgets the singular values"),
        (lambda U, s, Vt, k: ((U[:, :k] * s[:k]) @ Vt[:k]).T, r"looks transposed|should be"),
    ],
)
def test_hidden_rank_k_diagnoses_mistakes(fn, pattern):
    fails(hidden.hidden_check_rank_k_approx, fn, pattern)


def energy_searchsorted(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.searchsorted(energy, fraction)) + 1


def energy_argmax(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.argmax(energy >= fraction)) + 1


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (energy_searchsorted, r"returned 51 but the answer is 50: no entry of np\.cumsum\(s\*\*2\) / np\.sum\(s\*\*2\) "
                              r"reaches fraction = 1\.0 here: round-off leaves the last one at 0\.9999999999999996"),
        (energy_argmax, r"returned 1 but the answer is 50: .*argmax of an all-False array returns 0"),
        (lambda s, fraction: energy_searchsorted(s, fraction) - 1, r"one too small"),
        (lambda s, fraction: int(np.searchsorted(np.cumsum(s) / np.sum(s), fraction)) + 1, r"instead of s\*\*2"),
    ],
)
def test_hidden_energy_diagnoses_mistakes(fn, pattern):
    fails(hidden.hidden_check_smallest_rank_for_energy, fn, pattern)


# --- to_uint8_image


def uint8_no_clip(image):
    return np.uint8(image * 255)


def uint8_truncates(image):
    return (np.clip(image, 0, 1) * 255).astype(np.uint8)


def uint8_no_scale(image):
    return np.rint(np.clip(image, 0, 1)).astype(np.uint8)


def uint8_float_result(image):
    return np.rint(np.clip(image, 0, 1) * 255)


def uint8_not_rounded(image):
    return np.clip(image, 0, 1) * 255


def uint8_course_images(image):
    return images.to_uint8(image)


def uint8_skimage(image):
    return skimage.util.img_as_ubyte(np.clip(image, 0, 1))


def uint8_skimage_top_level(image):
    import skimage

    return skimage.img_as_ubyte(np.clip(image, 0, 1))


WRAPS = int(np.array([306.0]).astype(np.uint8)[0]) == 50  # x86: out-of-range casts wrap around


@pytest.mark.parametrize("check", both("to_uint8_image"))
@pytest.mark.parametrize(
    "fn, pattern, error",
    [
        pytest.param(uint8_no_clip, r"^uint8_no_clip\(image\) is wrong at \d+ of \d+ pixels: pixel \[.*\] is .* "
                                    r"\(a reconstruction overshoots \[0, 1\]\) .*clip to \[0, 1\] first",
                     AssertionError,
                     marks=pytest.mark.skipif(not WRAPS, reason="casts saturate on this CPU")),
        (uint8_truncates, r"round before casting \(\.astype\(np\.uint8\) truncates\)", AssertionError),
        (uint8_no_scale, r"its values only go up to 1: scale by 255", AssertionError),
        (uint8_float_result, r"has the right values but dtype float64: return a uint8 image", AssertionError),
        (uint8_not_rounded, r"not whole numbers .*round with np\.rint", AssertionError),
        (uint8_course_images, r"calls course_utils\.images\.to_uint8, which this question forbids", ForbiddenCallError),
        (uint8_skimage, r"calls skimage\.util\.img_as_ubyte, which this question forbids", ForbiddenCallError),
        (uint8_skimage_top_level, r"img_as_ubyte, which this question forbids", ForbiddenCallError),
        (lambda image: uint8_rint(image)[None], r"has shape \(1, \d+, \d+\) but should be \(\d+, \d+\)",
         AssertionError),
    ],
)
def test_to_uint8_image_diagnoses_mistakes(check, fn, pattern, error):
    fails(check, fn, pattern, error)


def test_forbidden_uint8_names_resolve_to_the_real_routines():
    entries = checks._resolve_forbidden(checks.UINT8_FORBIDDEN)
    assert [obj for *_, obj in entries] == [images.to_uint8, skimage.util.img_as_ubyte, skimage.util.img_as_ubyte]
    with pytest.raises(ForbiddenCallError, match=r"^f calls course_utils\.images\.to_uint8"):
        with checks.forbid_calls(checks.UINT8_FORBIDDEN, name="f"):
            images.to_uint8(np.zeros((2, 2)))
    assert images.to_uint8 is entries[0][3]  # restored
    assert skimage.util.img_as_ubyte is entries[1][3]


# --- rank_errors


def errors_spectral(image, ks):
    return [np.linalg.norm(image - _approx(image, k), 2) / np.linalg.norm(image, 2) for k in ks]


def errors_absolute(image, ks):
    return [np.linalg.norm(image - _approx(image, k)) for k in ks]


def errors_off_by_one(image, ks):
    return [np.linalg.norm(image - _approx(image, k + 1)) / np.linalg.norm(image) for k in ks]


def errors_with_s(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    return np.array([np.sum(s[k:]) / np.sum(s) for k in ks])


def errors_squared(image, ks):
    return errors_from_s(image, ks) ** 2


@pytest.mark.parametrize("check", both("rank_errors"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (errors_spectral, r"relative error in the spectral norm .*use the Frobenius norm"),
        (errors_absolute, r"divide by \|\|A\|\|_F"),
        (errors_off_by_one, r"k is off by one"),
        (errors_with_s, r"use s\*\*2"),
        (errors_squared, r"take the square root"),
        (lambda image, ks: errors_from_s(image, ks)[:-1], r"has shape \(\d\,\) but should be .*one error per k"),
    ],
)
def test_rank_errors_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


def errors_uint8_squares(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    return [np.sqrt(np.sum(s[k:] ** 2)) / np.sqrt(np.sum(image**2)) for k in ks]  # uint8: image**2 wraps


def test_rank_errors_uint8_image_reaches_the_hidden_check_only():
    """Q6 states that the image may be uint8: squaring it without converting loses the hidden points only."""
    checks.check_rank_errors(errors_uint8_squares, verbose=False)
    fails(hidden.hidden_check_rank_errors, errors_uint8_squares,
          r"(?s)the image is uint8 here .*image\*\*2 is computed modulo 256.*Case: case 6 of 7: a 48x40 uint8 crop")


# --- psnr_by_rank


def psnr_vs_noisy(noisy, clean, ks):
    return psnr_skimage(noisy, noisy, ks)


def psnr_approx_first_no_range(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return [skimage.metrics.peak_signal_noise_ratio((U[:, :k] * s[:k]) @ Vt[:k], clean) for k in ks]


def psnr_255(noisy, clean, ks):
    return psnr_skimage(noisy, clean, ks) + 20 * np.log10(255)


def psnr_of_clean(noisy, clean, ks):
    return psnr_skimage(clean, clean, ks)


def psnr_clipped(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return [metrics.psnr(clean, np.clip((U[:, :k] * s[:k]) @ Vt[:k], 0, 1)) for k in ks]


@pytest.mark.parametrize("check", both("psnr_by_rank"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (psnr_vs_noisy, r"against the noisy image; compare it with the clean one"),
        (psnr_approx_first_no_range, r"pass data_range=1\.0"),
        (psnr_255, r"48\.13 dB too high.*pass data_range=1\.0"),
        (psnr_of_clean, r"it approximates the clean image; approximate the noisy one"),
        (psnr_clipped, r"clipped to \[0, 1\] before measuring"),
        (lambda noisy, clean, ks: psnr_skimage(noisy, clean, ks) / 2, r"half the PSNR"),
    ],
)
def test_psnr_by_rank_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


def test_psnr_data_range_guess_is_recognised_either_way():
    """Without data_range, scikit-image guesses 2 (6.02 dB more) or raises for values above 1."""
    msg = fails(checks.check_psnr_by_rank, psnr_approx_first_no_range, r"data_range")
    assert "6.02 dB too high" in msg or "raised ValueError" in msg

    def always_shifted(noisy, clean, ks):
        return psnr_skimage(noisy, clean, ks) + 20 * np.log10(2)

    fails(checks.check_psnr_by_rank, always_shifted, r"6\.02 dB too high: .*scikit-image's guess.*data_range=1\.0")

    def raises(noisy, clean, ks):
        return [skimage.metrics.peak_signal_noise_ratio(noisy + 1.0, clean) for _ in ks]

    fails(checks.check_psnr_by_rank, raises, r"raised ValueError .*pass data_range=1\.0")


# --- Gavish-Donoho


def gd_sqrt_min(s, shape, sigma=None):
    if sigma is None:
        return gd_poly(s, shape)
    return gd_poly(s, shape, sigma) * np.sqrt(min(shape) / max(shape))


def gd_mean(s, shape, sigma=None):
    return gd_poly(s, shape, sigma) if sigma is not None else gd_poly(s, shape) / np.median(s) * np.mean(s)


def gd_m_over_n(s, shape, sigma=None):
    m, n = shape
    beta = m / n  # > 1 for a tall matrix
    if sigma is None:
        return (0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s)
    lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
    return lam * np.sqrt(max(m, n)) * sigma


def gd_always_square(s, shape, sigma=None):
    return 4 / np.sqrt(3) * np.sqrt(max(shape)) * sigma if sigma is not None else gd_poly(s, shape)


def gd_lambda_for_unknown(s, shape, sigma=None):
    beta = min(shape) / max(shape)
    lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
    return gd_poly(s, shape, sigma) if sigma is not None else lam * np.median(s)


def gd_no_default(s, shape, sigma):
    return gd_poly(s, shape, sigma)


@pytest.mark.parametrize("check", both("gavish_donoho_threshold"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (gd_sqrt_min, r"use sqrt\(max\(m, n\)\) = sqrt\(\d+\), not sqrt\(min\(m, n\)\)"),
        (gd_mean, r"use the median of s \(np\.median\(s\)\), not the mean"),
        (gd_m_over_n, r"beta = min\(m, n\) / max\(m, n\) = .* is at most 1; it looks like you used m / n"),
        (gd_always_square, r"4/sqrt\(3\) = lambda\*\(1\) is for square matrices only"),
        (gd_lambda_for_unknown, r"with unknown sigma the coefficient is omega\(beta\)"),
        (gd_no_default,
         r"raised TypeError .*give sigma a default: def gavish_donoho_threshold\(s, shape, sigma=None\)"),
        (lambda s, shape, sigma=None: None, r"is None: did your function forget to `return`"),
    ],
)
def test_gavish_donoho_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


def test_gavish_donoho_known_sigma_accepts_the_papers_orientation():
    """lambda*(m/n) sqrt(n) = lambda*(n/m) sqrt(m): with known sigma the orientation of beta does not matter
    as long as the square root goes with it; with unknown sigma, omega(m/n) is wrong for a tall matrix."""
    def gavish_donoho_threshold(s, shape, sigma=None):
        m, n = shape
        beta = m / n
        if sigma is not None:
            lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
            return float(lam * np.sqrt(n) * sigma)
        return float((0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s))

    fails(checks.check_gavish_donoho_threshold, gavish_donoho_threshold,
          r"(?s)you used m / n = 120/40 = 3.*Case: case 5 of 6: a tall 120x40 matrix, sigma unknown")


def test_gavish_donoho_wide_matrix_with_n_over_m():
    def gd_n_over_m(s, shape, sigma=None):
        m, n = shape
        return gd_m_over_n(s, (n, m), sigma) if m < n else gd_poly(s, shape, sigma)

    fails(checks.check_gavish_donoho_threshold, gd_n_over_m, r"(?s)you used n / m = 160/40 = 4.*wide 40x160")


# --- denoise_color


def denoise_no_clip(image, k):
    return checks._per_channel(image, k)


def denoise_side_by_side(image, k):
    m, n, _ = image.shape
    wide = np.hstack([image[..., c] for c in range(3)])
    approx = _approx(wide, k)
    return np.clip(np.stack([approx[:, c * n:(c + 1) * n] for c in range(3)], axis=-1), 0, 1)


def denoise_reshape(image, k):
    m, n, _ = image.shape
    return np.clip(_approx(image.reshape(m, 3 * n), k).reshape(m, n, 3), 0, 1)


def denoise_gray(image, k):
    gray = np.clip(_approx(image.mean(axis=2), k), 0, 1)
    return np.stack([gray] * 3, axis=-1)


def denoise_gray_2d(image, k):
    return np.clip(_approx(image.mean(axis=2), k), 0, 1)


def denoise_plus_one(image, k):
    return np.clip(checks._per_channel(image, k + 1), 0, 1)


def denoise_svds(image, k):
    out = np.empty(image.shape)
    for c in range(3):
        U, s, Vt = scipy.sparse.linalg.svds(image[..., c], k=k)
        out[..., c] = (U * s) @ Vt
    return np.clip(out, 0, 1)


def denoise_channels_first(image, k):
    return np.moveaxis(denoise_loop(image, k), -1, 0)


def denoise_uint8(image, k):
    return uint8_rint(denoise_loop(image, k))


@pytest.mark.parametrize("check", both("denoise_color"))
@pytest.mark.parametrize(
    "fn, pattern",
    [
        (denoise_no_clip, r"clip the result to \[0, 1\]"),
        (denoise_side_by_side, r"is not the expected image: this is a joint approximation .*a method of its own, "
                               r"but it differs from denoising each channel separately, which this question asks for"),
        (denoise_reshape, r"this is a joint approximation"),
        (denoise_svds, r"raised ValueError.*scipy\.sparse\.linalg\.svds only computes 0 < k < min\(m, n\)"),
        (denoise_gray, r"the three channels of the answer are identical"),
        (denoise_gray_2d, r"returned a gray image of shape .*return a colour image of shape"),
        (denoise_plus_one, r"it is the rank-\d+ approximation: k is off by one"),
        (denoise_channels_first, r"channels first; stack the channels along the last axis"),
        (denoise_uint8, r"integer dtype uint8; return floats in \[0, 1\]"),
    ],
)
def test_denoise_color_diagnoses_mistakes(check, fn, pattern):
    fails(check, fn, pattern)


@pytest.mark.parametrize("check", both("denoise_color"))
def test_denoise_color_never_calls_the_joint_method_wrong(check):
    """Q13 teaches the joint SVD as a method of its own and asks for the per-channel one: a neutral message."""
    for joint in (denoise_side_by_side, denoise_reshape):
        message = fails(check, joint, r"joint approximation")
        assert "wrong" not in message.lower() and "mistake" not in message.lower()


# --- generic behaviour of the new checks


NEW_CHECKS = [
    ("condition_numbers", 1), ("gram_eigenvalues", 1), ("eckart_young_errors", 2), ("to_uint8_image", 1),
    ("rank_errors", 2), ("psnr_by_rank", 3), ("gavish_donoho_threshold", 2), ("denoise_color", 2),
]


@pytest.mark.parametrize("question, nargs", NEW_CHECKS, ids=[q for q, _ in NEW_CHECKS])
def test_blank_release_says_not_implemented_and_writes_no_stderr(question, nargs, capsys):
    def blank(*args):
        raise NotImplementedError()

    for check in (visible(question), hidden_check(question)):
        with pytest.raises(AssertionError, match=r"is not implemented yet \(it raised NotImplementedError\)"):
            check(blank)
        with pytest.raises(AssertionError, match=r"expects your function itself"):
            check(42)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_in_place_modification_is_reported():
    def to_uint8_image(image):
        np.clip(image, 0, 1, out=image)
        return np.rint(image * 255).astype(np.uint8)

    fails(checks.check_to_uint8_image, to_uint8_image, r"modified its argument image in place")



def test_unrecognised_wrong_answers_still_get_the_formula():
    fails(checks.check_denoise_color, lambda image, k: np.clip(image, 0, 1),
          r"(?s)max abs error .* Channel c of the answer is the rank-k approximation of image\[\.\.\., c\]"
          r".*Case: case 1")
    fails(checks.check_rank_errors, lambda image, ks: np.full(len(ks), 0.5),
          r"(?s)max abs error .* The relative error of A_k is \|\|A - A_k\|\|_F / \|\|A\|\|_F")
    fails(checks.check_psnr_by_rank, lambda noisy, clean, ks: [10.0] * len(ks),
          r"(?s)max abs error .* The PSNR of A_k is 10 log10\(1 / mean\(\(clean - A_k\)\*\*2\)\)")
    fails(checks.check_gavish_donoho_threshold, lambda s, shape, sigma=None: 1.0,
          r"returned 1 but tau is 11\.547: tau = lambda\*\(beta\) sqrt\(max\(m, n\)\) sigma")


# ---------------------------------------------------------------------------
# Rules the task states are enforced by the hidden checks
# ---------------------------------------------------------------------------


def _rank_by_matrix_rank(A):
    return int(np.linalg.matrix_rank(A))


def _gram_by_svd(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.concatenate([s**2, np.zeros(A.shape[1] - s.size)])


def _gram_by_scipy_svdvals(A):
    s = scipy.linalg.svdvals(A)
    return np.concatenate([s**2, np.zeros(A.shape[1] - s.size)])


@pytest.mark.parametrize("check, fn", [
    (hidden.hidden_check_numerical_rank, _rank_by_matrix_rank),
    (hidden.hidden_check_numerical_rank, np.linalg.matrix_rank),
    (hidden.hidden_check_gram_eigenvalues, _gram_by_svd),
    (hidden.hidden_check_gram_eigenvalues, _gram_by_scipy_svdvals),
], ids=["matrix_rank", "matrix_rank_alias", "gram_by_np_svd", "gram_by_scipy_svdvals"])
def test_stated_rules_are_enforced(check, fn):
    """1b says "Do not call np.linalg.matrix_rank"; 3a says "with np.linalg.eigvalsh (not from the SVD)".

    Each of these answers gives the right numbers, so only the rule can fail it.
    """
    with pytest.raises(ForbiddenCallError):
        check(fn, verbose=False)


# ---------------------------------------------------------------------------
# Notebook 4: PCA (pca_svd, k_90)
# ---------------------------------------------------------------------------


def _pca_data(name):
    from sklearn.datasets import load_breast_cancer, load_diabetes

    X = {"diabetes": lambda: load_diabetes(scaled=False).data,
         "cancer": lambda: load_breast_cancer().data}[name]()
    return X


@pytest.mark.parametrize("name, k", [("diabetes", 3), ("diabetes", 10), ("cancer", 5)])
def test_pca_matches_sklearn_up_to_sign(name, k):
    from sklearn.decomposition import PCA

    X = _pca_data(name)
    got = linalg.pca(X, k)
    model = PCA(n_components=k, svd_solver="full").fit(X)
    signs = np.sign(np.sum(got.components * model.components_, axis=1))
    assert np.all(np.abs(signs) == 1)
    np.testing.assert_allclose(got.components * signs[:, None], model.components_, atol=1e-10)
    np.testing.assert_allclose(got.explained_variance_ratio, model.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(got.scores * signs, model.transform(X), atol=1e-8 * np.abs(got.scores).max())
    # the definitions: energy fractions of the centred matrix, scores = X_c V_k of norm s_i, orthonormal rows
    Xc = X - X.mean(axis=0)
    s = np.linalg.svd(Xc, compute_uv=False)
    np.testing.assert_allclose(got.explained_variance_ratio, s[:k] ** 2 / np.sum(s**2), rtol=1e-12)
    np.testing.assert_allclose(got.scores, Xc @ got.components.T, atol=1e-9 * s[0])
    np.testing.assert_allclose(np.linalg.norm(got.scores, axis=0), s[:k], rtol=1e-12)
    np.testing.assert_allclose(got.components @ got.components.T, np.eye(k), atol=1e-12)


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (lambda: S.pca_svd(np.ones((1, 3)), 1), ValueError, r"at least two rows"),
        (lambda: S.pca_svd(np.eye(3), 0), ValueError, r"1 <= k <= min\(m - 1, n\) = 2 for a 3x3 data matrix; got k=0"),
        (lambda: S.pca_svd(np.eye(3), 3), ValueError, r"= 2 for a 3x3 data matrix; got k=3"),
        (lambda: S.pca_svd(np.ones((4, 3)), 1), ValueError, r"no variance"),
        (lambda: S.pca_svd(np.eye(3), 1.5), TypeError, r"k"),
        (lambda: S.pca_svd(np.ones(3), 1), ValueError, r"2-D"),
    ],
)
def test_pca_rejects_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_pca_integer_and_float32_input_compute_in_float64():
    X = np.array([[3, 0, 7], [5, 2, 4], [1, 1, 9], [8, 4, 2]])
    for data in (X, X.astype(np.float32)):
        got = S.pca_svd(data, 2)
        assert all(part.dtype == np.float64 for part in got)
        np.testing.assert_allclose(got.explained_variance_ratio, S.pca_svd(X.astype(float), 2)[1], rtol=1e-6)


def _pca_from(transform):
    """A pca_svd answer whose (components, ratio, scores) are made by ``transform(Xc, U, s, Vt, k, X)``."""
    def pca_svd(X, k):
        X = np.asarray(X, dtype=float)
        Xc = X - X.mean(axis=0)
        U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        return transform(Xc, U, s, Vt, k, X)
    return pca_svd


def _pca_uncentred(X, k):
    U, s, Vt = np.linalg.svd(np.asarray(X, dtype=float), full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]


def _pca_standardised(X, k):
    X = np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd((X - X.mean(axis=0)) / X.std(axis=0), full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]


def _pca_rows_centred(X, k):
    X = np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd(X - X.mean(axis=1, keepdims=True), full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]


def _pca_sklearn(X, k):
    from sklearn.decomposition import PCA

    model = PCA(n_components=k).fit(X)
    return model.components_, model.explained_variance_ratio_, model.transform(X)


PCA_MISTAKES = [
    (_pca_uncentred, r"X was not centred"),
    (_pca_standardised, r"X was standardised inside the function"),
    (_pca_rows_centred, r"the mean of each ROW was subtracted"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k], s[:k] / np.sum(s), U[:, :k] * s[:k])), r"it is s_i / sum\(s\)"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k], s[:k] ** 2 / np.sum(s[:k] ** 2), U[:, :k] * s[:k])),
     r"normalised by the first k values only"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k], s[:k] ** 2 / (len(X) - 1), U[:, :k] * s[:k])),
     r"these are the variances s_i\*\*2 / \(m - 1\)"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k])),
     r"they are U\[:, :k\], whose columns have length 1"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k].T, s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k])),
     r"components .* has shape \(\d+, 3\) but should be \(3, \d+\).*you returned columns"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (-Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k])),
     r"signs do not match those of your components"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: (Vt[:k], s[:k] ** 2 / np.sum(s**2), X @ Vt[:k].T)),
     r"X @ components.T with X not centred"),
    (_pca_from(lambda Xc, U, s, Vt, k, X: Vt[:k]), r"should return the three results"),
    (_pca_sklearn, r"^pca_svd calls sklearn\.decomposition\.PCA, which this question forbids"),
]


@pytest.mark.parametrize("check", [checks.check_pca, hidden.hidden_check_pca], ids=["visible", "hidden"])
@pytest.mark.parametrize("fn, pattern", PCA_MISTAKES, ids=[str(i) for i in range(len(PCA_MISTAKES))])
def test_pca_diagnoses_mistakes(check, fn, pattern):
    fn.__name__ = "pca_svd"
    with pytest.raises(AssertionError, match=pattern):
        check(fn, verbose=False)


def _pca_covariance_eigh(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    lam, V = np.linalg.eigh(np.cov(Xc, rowvar=False))
    lam, V = lam[::-1], -V[:, ::-1]
    return V[:, :k].T, lam[:k] / np.sum(lam), Xc @ V[:, :k]


def _pca_float32(X, k):
    X = np.asarray(X)
    X = X if X.dtype == np.float32 else X.astype(np.float64)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]


def _pca_mixed_signs(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    U, s, Vt = scipy.linalg.svd(Xc)
    flip = np.where(np.arange(k) % 2 == 0, -1.0, 1.0)
    return Vt[:k] * flip[:, None], (s**2 / np.sum(s**2))[:k], (Xc @ Vt[:k].T) * flip


@pytest.mark.parametrize("fn", [_pca_covariance_eigh, _pca_float32, _pca_mixed_signs])
def test_pca_correct_alternatives_pass(fn, capsys):
    checks.check_pca(fn)
    hidden.hidden_check_pca(fn)
    assert capsys.readouterr().out.count("passed") == 2


def test_pca_blank_says_not_implemented():
    def pca_svd(X, k):
        raise NotImplementedError()

    for check in (checks.check_pca, hidden.hidden_check_pca):
        with pytest.raises(AssertionError, match=r"is not implemented yet"):
            check(pca_svd)


def test_pca_hidden_cases_are_what_the_text_states():
    """Wide with k = m - 1, integer, float32, k = 1, two samples; every component is defined up to sign."""
    cases = hidden._pca_hidden_cases()
    kinds = {(np.asarray(X).dtype.kind, np.asarray(X).dtype.itemsize) for _, X, _ in cases}
    assert ("i", 8) in kinds and ("f", 4) in kinds
    assert any(X.shape[0] < X.shape[1] and k == X.shape[0] - 1 for _, X, k in cases)
    assert any(k == 1 for _, X, k in cases) and any(X.shape[0] == 2 for _, X, _ in cases)
    assert any(k == X.shape[1] for _, X, k in cases)
    for desc, X, k in cases:
        s = np.linalg.svd(np.asarray(X, dtype=float) - np.mean(X, axis=0), compute_uv=False)
        assert 1 <= k <= min(X.shape[0] - 1, X.shape[1]), desc
        if k > 1:  # distinct singular values: the components are unique up to sign
            assert np.min(-np.diff(s[:k + 1] if k < s.size else s[:k])) > 1e-3 * s[0], desc


def test_k_90_check_verifies_the_definition():
    from sklearn.datasets import load_diabetes

    X = load_diabetes(scaled=False).data
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    checks.check_pca_rank_choice(7, Z, raw=X)
    for k, pattern in [(8, r"ratio of sum\(s\), not of sum\(s\*\*2\)"), (3, r"the number for the raw data"),
                       (6, r"explains only 89\.43 %.*Off by one"), (2.0, r"must be an integer"),
                       (None, r"k_90 is still None"), (11, r"1 <= k <= 10")]:
        with pytest.raises(AssertionError, match=pattern):
            checks.check_pca_rank_choice(k, Z, raw=X)


def test_pca_in_place_centring_is_reported():
    def pca_svd(X, k):
        X -= X.mean(axis=0)
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return Vt[:k], s[:k] ** 2 / np.sum(s**2), X @ Vt[:k].T

    with pytest.raises(AssertionError, match=r"modified its argument X in place"):
        checks.check_pca(pca_svd, verbose=False)
