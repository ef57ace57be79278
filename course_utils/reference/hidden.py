"""Hidden checks of the week-5 assignment (instructor only).

The hidden test cells of ``source/`` call ``hidden_check_<question>(fn)`` with
the student's function when grading.  Each runs the same ``Question.run`` as the visible
check in :mod:`course_utils.checks` (so the messages and diagnoses are the
same) on more cases: bigger and odder shapes, extreme scales, round-off,
float32 input, real images.  Each question's cases are written once, as
``(desc, *args)``; the expected answer is the question's reference answer
``solutions.<function>(*args)`` (:func:`_hidden`), except where a rule says
otherwise (kappa(A) = 1e9 tests only the lesson; the Gram eigenvalues are exact).

Correct alternatives pass: ``scipy.linalg.svd`` instead of
``np.linalg.svd``, ``full_matrices=True``, other signs of the singular
vectors, float32 arithmetic (answers in float32 are compared at ``1000 *
eps`` of float32).  Tolerances: relative 1e-5 of the largest expected entry
for exact algebra, :data:`course_utils.checks.GD_UNKNOWN_RTOL` (1e-2) for the
Gavish-Donoho threshold with unknown noise (the polynomial fit of omega).

Each check prints one line (``hidden_check_pinv: all 11 cases passed.``) on
success, raises ``AssertionError`` on the first failed case, and takes well
under a second.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg
import skimage.data

from course_utils.images import add_gaussian_noise
from course_utils import checks, linalg
from course_utils.checks import _matrix
from course_utils.reference import solutions

#: ``hidden_check_<name>`` for every question of :data:`course_utils.checks.QUESTIONS`.
__all__ = [f"hidden_check_{name}" for name in checks.QUESTIONS]


def _product(m, n, r, seed, scale=1.0):
    """Seeded ``B @ C`` of rank r: its other singular values are round-off, ~1e-16 s[0]."""
    rng = np.random.default_rng(seed)
    return scale * (rng.standard_normal((m, r)) @ rng.standard_normal((r, n)))


def _camera(shape=(64, 64)):
    """A crop of scikit-image's camera (bundled, no download), subsampled to `shape`, floats in [0, 1]."""
    m, n = shape
    image = skimage.data.camera()[40:488, 60:476] / 255.0
    rows = np.linspace(0, image.shape[0] - 1, m).astype(int)
    cols = np.linspace(0, image.shape[1] - 1, n).astype(int)
    return image[np.ix_(rows, cols)]


def _camera_uint8(shape):
    """The camera crop of :func:`_camera` as scikit-image stores it: uint8 integers 0..255."""
    return np.rint(_camera(shape) * 255).astype(np.uint8)


def _astronaut(step=16):
    """scikit-image's astronaut (bundled), every `step`-th pixel, floats in [0, 1], shape (m, n, 3)."""
    return skimage.data.astronaut()[::step, ::step] / 255.0


def _gd_omega(beta):
    """Gavish & Donoho's polynomial fit of omega(beta), the coefficient for an unknown noise level."""
    return 0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43


def _gd_coefficients(beta):
    """``(lambda*(beta), omega(beta))`` for the diagnoses of the hidden Gavish-Donoho cases (any beta).

    The visible checks hold these as literals for their few aspect ratios only.
    """
    return float(linalg._lambda_star(beta)), _gd_omega(beta)


def _hidden(question, specs, expected=None, **options):
    """``hidden_check_<name>(fn, *, verbose=True)``: `question` graded on the hidden cases.

    ``specs()`` gives each case as ``(desc, *args)``; the case graded is
    :meth:`Question.cases`' ``(desc, *args, expected(*args))``, where `expected`
    defaults to the question's reference answer, ``solutions.<function>``.
    """

    def check(fn, *, verbose=True):
        answer = expected or getattr(solutions, question.function)
        question.run(fn, question.cases(specs(), answer), check=check.__name__, verbose=verbose, **options)

    check.__name__ = check.__qualname__ = f"hidden_check_{question.name}"
    check.__doc__ = f"Hidden check of ``{question.signature}``: {specs.__doc__[0].lower()}{specs.__doc__[1:]}"
    return check


# --------------------------------------------------------------------------- part 1


def _numerical_rank_cases():
    """No ``matrix_rank``; vectors, extreme scales, round-off, float32, ints.

    The tolerance is ``max(m, n) * eps * s[0]`` with the task's epsilon rule
    (:func:`course_utils._validation.precision_eps`): float32 input uses
    float32's epsilon, integer input float64's.
    """
    # Integer entries are exact in float32, so this product is rank 4 in float32 and float64 alike.
    rng = np.random.default_rng(110)
    integer = (rng.integers(-3, 4, (9, 4)) @ rng.integers(-3, 4, (4, 6))).astype(np.float32)
    return [
        ("a 1x6 row vector (rank 1)", _matrix(1, 6, [3], 101)),
        ("a 7x1 column vector (rank 1)", _matrix(7, 1, [2], 102)),
        ("the 1x4 zero row (rank 0)", np.zeros((1, 4))),
        ("a 40x25 matrix of full rank 25 with entries about 1e6", 1e6 * _matrix(40, 25, np.linspace(3, 1, 25), 103)),
        ("a 20x30 matrix of rank 12 with entries about 1e-8", _product(20, 30, 12, 104, 1e-8)),
        ("a 30x20 product B @ C of rank 7 (the other singular values are round-off, ~1e-16 s[0])",
         _product(30, 20, 7, 105)),
        ("a 12x12 product of rank 5 with entries about 1e6", _product(12, 12, 5, 106, 1e6)),
        ("a 6x6 matrix whose smallest singular value is 1e-10 s[0] (above the tolerance: rank 6)",
         _matrix(6, 6, [1, 0.5, 0.2, 0.1, 0.05, 1e-10], 107)),
        ("a 9x6 float32 matrix of rank 4 (integer entries, exact in float32)", integer),
        ("an 8x5 float32 matrix of full rank 5", _matrix(8, 5, [4, 3, 2, 1.5, 1], 108).astype(np.float32)),
        ("a 30x20 product of rank 7 stored in float32 (its 13 other singular values are float32 round-off, "
         "~1e-8 s[0]: below the tolerance with float32's eps, above it with float64's)",
         _product(30, 20, 7, 109).astype(np.float32)),
        ("a 9x6 integer (int64) matrix of rank 4 (integer input is computed in float64; "
         "np.finfo of an integer dtype raises ValueError)", integer.astype(np.int64)),
        ("the 3x4 integer matrix np.arange(12).reshape(3, 4) (rank 2)", np.arange(12).reshape(3, 4)),
    ]


hidden_check_numerical_rank = _hidden(checks.NUMERICAL_RANK, _numerical_rank_cases)


def _pinv_cases():
    """No forbidden routine; rank-deficient, nearly singular, scaled, float32, ints.

    First scans `fn` for the routines of :data:`course_utils.checks.DEFAULT_FORBIDDEN`
    (which also raise while `fn` runs), then checks the Penrose conditions
    and compares with :func:`course_utils.reference.solutions.pinv_svd`.
    """
    s_near = np.concatenate([np.linspace(1.0, 0.1, 49), [1e-14]])
    return [
        ("a 30x20 matrix of rank 7 (B @ C: its 13 other singular values are round-off)", _product(30, 20, 7, 111)),
        ("a 60x50 matrix whose smallest singular value is 1e-14 s[0], below the tolerance "
         "max(m, n) eps s[0] = 1.3e-14 s[0]: it must be dropped, not inverted", _matrix(60, 50, s_near, 112)),
        ("a 7x5 matrix of full rank with entries about 1e-12", 1e-12 * _matrix(7, 5, [3, 2, 1.5, 1, 0.5], 113)),
        ("a wide 10x15 matrix of rank 4 with entries about 1e5", _product(10, 15, 4, 114, 1e5)),
        ("a 6x1 column vector", _matrix(6, 1, [2], 115)),
        ("the 1x1 matrix [[2.5]]", np.array([[2.5]])),
        ("a 5x5 diagonal matrix diag(3, 0, 1, 0, 2)", np.diag([3.0, 0.0, 1.0, 0.0, 2.0])),
        ("the 2x2 zero matrix", np.zeros((2, 2))),
        ("a 30x20 product of rank 7 stored in float32: its 13 other singular values are float32 round-off "
         "(~1e-8 s[0]), below the tolerance max(m, n) eps s[0] with float32's eps = 1.19e-7, so they must be "
         "dropped (with float64's eps they would be inverted)", _product(30, 20, 7, 116).astype(np.float32)),
        ("an 8x6 float32 matrix of full rank", _matrix(8, 6, [4, 3, 2, 1.5, 1, 0.5], 117).astype(np.float32)),
        ("a 4x3 integer (int64) matrix of rank 2 (computed in float64)",
         np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [2, 1, 0]])),
    ]


hidden_check_pinv = _hidden(checks.PINV, _pinv_cases)


def _lstsq_min_norm_cases():
    """No forbidden routine; tall, wide, rank-deficient systems.

    Right-hand sides in the column space of A (zero residual) and not;
    expected answers from :func:`course_utils.reference.solutions.lstsq_min_norm`.
    """
    rng = np.random.default_rng(120)
    tall = _matrix(12, 5, [4, 3, 2, 1, 0.5], 121)
    wide_deficient = _product(6, 9, 2, 122)
    return [
        ("a tall 30x10 full-rank system, b not in the column space", _matrix(30, 10, np.linspace(5, 1, 10), 123),
         rng.standard_normal(30)),
        ("a tall 12x5 full-rank system with b in the column space (zero residual)", tall,
         tall @ rng.standard_normal(5)),
        ("a wide 5x12 full-rank system (underdetermined)", _matrix(5, 12, [5, 4, 3, 2, 1], 124),
         rng.standard_normal(5)),
        ("a tall 20x8 system of rank 3, b not in the column space", _product(20, 8, 3, 125),
         rng.standard_normal(20)),
        ("a wide 6x9 system of rank 2 with b in the column space", wide_deficient,
         wide_deficient @ rng.standard_normal(9)),
        ("a square 6x6 system of rank 4 with entries about 1e4", _product(6, 6, 4, 126, 1e4),
         rng.standard_normal(6)),
        ("a single equation (1x4)", _matrix(1, 4, [2], 127), np.array([3.0])),
        ("a single unknown (5x1)", _matrix(5, 1, [2], 128), rng.standard_normal(5)),
        ("A = 0 (3x2): the minimum-norm solution is 0", np.zeros((3, 2)), rng.standard_normal(3)),
    ]


hidden_check_lstsq_min_norm = _hidden(checks.LSTSQ_MIN_NORM, _lstsq_min_norm_cases)


def _condition_numbers_cases():
    """More shapes, conditionings, singular matrices, kappa(A) = 1e9.

    For kappa(A) = 1e9 the check tests the lesson only: the returned
    kappa(A^T A) exceeds :data:`course_utils.checks.part1.ROUNDOFF_KAPPA_MIN`
    and is not within 1 % of kappa(A)**2 (its value is round-off that only
    one BLAS reproduces).
    """
    rng = np.random.default_rng(130)
    orthogonal = np.linalg.qr(rng.standard_normal((3, 3)))[0]
    triangular = np.triu(rng.uniform(-1, 1, (6, 6))) + 3 * np.eye(6)
    # A zero last column gives an exactly zero singular value (see checks._condition_cases).
    zero_last = np.hstack([_matrix(6, 3, [3, 2, 1], 131), np.zeros((6, 1))])
    return [
        ("a 3x3 orthogonal matrix (kappa = 1)", orthogonal),
        ("a 6x6 upper-triangular (non-symmetric) matrix", triangular),
        ("a tall 10x4 matrix with kappa(A) = 100", _matrix(10, 4, [1, 0.5, 0.1, 0.01], 132)),
        ("a tall 50x10 matrix with kappa(A) = 20", _matrix(50, 10, np.linspace(20, 1, 10), 133)),
        ("a 12x4 matrix with entries about 1e-6 and kappa(A) = 50", 1e-6 * _matrix(12, 4, [50, 20, 5, 1], 134)),
        ("a 7x5 matrix with kappa(A) = 1e4 (kappa(A^T A) = 1e8)", _matrix(7, 5, [1, 0.3, 0.01, 1e-3, 1e-4], 135)),
        ("the 2x2 diagonal matrix diag(1e3, 1) (kappa(A^T A) = 1e6)", np.diag([1e3, 1.0])),
        ("a 5x1 column (kappa = 1: a single singular value)", _matrix(5, 1, [3], 136)),
        ("the 3x3 diagonal matrix diag(2, 1, 0) (singular: np.inf)", np.diag([2.0, 1.0, 0.0])),
        ("a 6x4 matrix whose last column is zero (singular: np.inf)", zero_last),
        ("an 8x5 matrix with kappa(A) = 1e9: kappa(A)**2 = 1e18 is beyond float64 (1/eps = 4.5e15), "
         "so the kappa(A^T A) computed from the formed A^T A is round-off, not kappa(A)**2",
         _matrix(8, 5, [1, 1e-2, 1e-4, 1e-6, 1e-9], 144)),
    ]


def _condition_numbers_expected(A):
    """The reference's pair, but ``(kappa(A), None)`` for kappa(A) = 1e9 (any kappa(A) above 1e8, finite).

    There kappa(A^T A) of the formed A^T A is round-off (1e15 to 1e20 by BLAS), so only the lesson is
    tested (None): it is huge and it is not kappa(A)**2 = 1e18.
    """
    kappa, kappa_ata = solutions.condition_numbers(A)
    return kappa, (None if 1e8 < kappa < np.inf else kappa_ata)


hidden_check_condition_numbers = _hidden(checks.CONDITION_NUMBERS, _condition_numbers_cases,
                                         _condition_numbers_expected)


def _gram_eigenvalues_cases():
    """No SVD; vectors, zero matrix, wide, rank-deficient, scaled."""
    return [
        ("a tall 30x8 matrix", _matrix(30, 8, np.linspace(4, 0.5, 8), 141)),
        ("a wide 5x12 matrix (7 zero eigenvalues)", _matrix(5, 12, [5, 4, 3, 2, 1], 142)),
        ("a 1x6 row vector (one nonzero eigenvalue, five zeros)", _matrix(1, 6, [3], 143)),
        ("a 6x1 column vector (a single eigenvalue)", _matrix(6, 1, [2], 144)),
        ("the 3x4 zero matrix (four zero eigenvalues)", np.zeros((3, 4))),
        ("a 10x6 matrix with entries about 1e3", 1e3 * _matrix(10, 6, [6, 5, 4, 3, 2, 1], 145)),
        ("an 8x8 matrix of rank 3", _product(8, 8, 3, 146)),
    ]


def _gram_eigenvalues_expected(A):
    """The exact eigenvalues, s**2 padded with zeros (the answer's eigvalsh gives round-off for the zeros)."""
    return np.concatenate([np.linalg.svd(A, compute_uv=False) ** 2, np.zeros(A.shape[1] - min(A.shape))])


hidden_check_gram_eigenvalues = _hidden(checks.GRAM_EIGENVALUES, _gram_eigenvalues_cases, _gram_eigenvalues_expected)


def _eckart_young_errors_cases():
    """Longer spectra, every edge of k, repeated and zero s."""
    s_big = np.linalg.svd(np.random.default_rng(150).standard_normal((40, 25)), compute_uv=False)
    specs = [(f"s of a random 40x25 matrix, k = {k}", s_big, k) for k in (0, 1, 7, 24, 25)]
    specs += [
        ("a single singular value s = [3], k = 0", np.array([3.0]), 0),
        ("a single singular value s = [3], k = 1 = len(s)", np.array([3.0]), 1),
        ("repeated singular values s = [2, 2, 1, 1], k = 1", np.array([2.0, 2.0, 1.0, 1.0]), 1),
        ("s = [3, 1, 0, 0] of a rank-2 matrix, k = 1", np.array([3.0, 1.0, 0.0, 0.0]), 1),
        ("s = [3, 1, 0, 0] of a rank-2 matrix, k = 2 (nothing left: both errors are 0)",
         np.array([3.0, 1.0, 0.0, 0.0]), 2),
    ]
    return specs


hidden_check_eckart_young_errors = _hidden(checks.ECKART_YOUNG_ERRORS, _eckart_young_errors_cases)


# --------------------------------------------------------------------------- part 2


@functools.lru_cache(maxsize=1)
def _rank_k_hidden_cases():
    """Bigger matrices, an image, k in {0, 1, p} (built once: their SVDs take most of the check's time)."""
    tall = _matrix(60, 40, np.geomspace(10, 0.1, 40), 161)
    wide = _matrix(40, 60, np.geomspace(10, 0.1, 40), 162)
    image = _camera((64, 48))
    specs = []
    for what, A, ks in (("a tall 60x40 matrix", tall, (0, 1, 40)), ("a wide 40x60 matrix", wide, (1, 10, 40)),
                        ("a 64x48 crop of the camera image", image, (1, 5, 48))):
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        specs += [(f"k={k} on {what}", U, s, Vt, k) for k in ks]
    U, s, Vt = scipy.linalg.svd(image, full_matrices=False)
    specs.append(("k=5 on the camera crop, factors from scipy.linalg.svd with flipped signs", -U, s, -Vt, 5))
    return tuple(specs)


hidden_check_rank_k_approx = _hidden(checks.RANK_K_APPROX, _rank_k_hidden_cases)


def _to_uint8_image_cases():
    """Real reconstructions, saturation, odd shapes, float32.

    `fn` must not use :data:`course_utils.checks.UINT8_FORBIDDEN`.
    """
    camera = _camera((64, 64))
    reconstruction = linalg.reconstruct(camera, 5)
    rng = np.random.default_rng(170)
    return [
        ("a rank-5 reconstruction of a 64x64 camera crop (it overshoots [0, 1])", reconstruction),
        ("the 64x64 camera crop itself (values j / 255 round back to j)", camera),
        ("a 6x6 image that is all above 1 (every pixel saturates at 255)", rng.uniform(1.01, 2.0, (6, 6))),
        ("a 6x6 image that is all below 0 (every pixel is 0)", rng.uniform(-2.0, -0.01, (6, 6))),
        ("a 16x16x3 colour reconstruction with values in [-0.3, 1.3]", rng.uniform(-0.3, 1.3, (16, 16, 3))),
        ("a 1x1 image [[0.7]]", np.array([[0.7]])),
        ("a 5x1 column image", rng.uniform(-0.2, 1.2, (5, 1))),
        ("a 7x9 float32 image with values in [-0.1, 1.1]", rng.uniform(-0.1, 1.1, (7, 9)).astype(np.float32)),
    ]


hidden_check_to_uint8_image = _hidden(checks.TO_UINT8_IMAGE, _to_uint8_image_cases)


def _rank_errors_cases():
    """A camera crop, rank-deficient and thin matrices, uint8 images."""
    return [
        ("a 64x80 crop of the camera image; ks = [0, 1, 2, 5, 10, 20, 40, 64]", _camera((64, 80)),
         [0, 1, 2, 5, 10, 20, 40, 64]),
        ("a 30x20 matrix of rank 5; ks = [0, 4, 5, 6, 20] (no error from k = 5 on)", _product(30, 20, 5, 181),
         np.array([0, 4, 5, 6, 20])),
        ("a wide 10x25 matrix; ks = [10] (k = min(m, n))", _matrix(10, 25, np.linspace(3, 1, 10), 182), [10]),
        ("a 1x8 row vector; ks = range(2)", _matrix(1, 8, [2], 183), range(2)),
        ("a 40x30 matrix with entries about 1e4; ks in decreasing order [15, 3, 1]",
         1e4 * _matrix(40, 30, np.geomspace(5, 0.05, 30), 184), [15, 3, 1]),
        ("a 48x40 uint8 crop of the camera image, integers 0..255 as loaded from a file (uint8 arithmetic "
         "wraps around: image**2 is computed mod 256); ks = [0, 1, 5, 40]", _camera_uint8((48, 40)), [0, 1, 5, 40]),
        ("a 6x9 uint8 image with values up to 255; ks = [1, 3]",
         np.random.default_rng(185).integers(0, 256, (6, 9)).astype(np.uint8), [1, 3]),
    ]


hidden_check_rank_errors = _hidden(checks.RANK_ERRORS, _rank_errors_cases)


def _smallest_rank_for_energy_cases():
    """An image spectrum, fraction = 1 with round-off."""
    s_camera = np.linalg.svd(_camera((64, 64)), compute_uv=False)
    # With these 50 values np.cumsum(s**2)[-1] / np.sum(s**2) = 0.9999999999999996 < 1.
    s_round = np.sort(np.random.default_rng(2).uniform(0.1, 1.0, 50))[::-1]
    specs = [(f"s of a 64x64 camera crop, fraction {f}", s_camera, f) for f in (0.5, 0.9, 0.99, 0.999)]
    specs += [
        ("50 singular values whose cumulative energy ends at 0.9999999999999996 by round-off, fraction 1.0 "
         "(the answer is 50)", s_round, 1.0),
        ("a single singular value s = [2], fraction 0.5", np.array([2.0]), 0.5),
        ("s = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], fraction 0.35", np.ones(10), 0.35),
        ("s = [5, 0, 0] of a rank-1 matrix, fraction 1.0", np.array([5.0, 0.0, 0.0]), 1.0),
    ]
    return specs


hidden_check_smallest_rank_for_energy = _hidden(checks.SMALLEST_RANK_FOR_ENERGY, _smallest_rank_for_energy_cases)


# --------------------------------------------------------------------------- part 3


def _psnr_by_rank_cases():
    """A noisy camera crop, k from 0 to min(m, n)."""
    camera = _camera((48, 64))
    smooth = checks._smooth_image(20, 30, 191)
    return [
        ("a 48x64 camera crop with noise sigma = 0.1; ks = [1, 5, 10, 20]", add_gaussian_noise(camera, 0.1, seed=192), camera,
         [1, 5, 10, 20]),
        ("the camera crop with noise sigma = 0.1; ks = [0, 48] (k = 0: a black image; k = 48: noisy itself)",
         add_gaussian_noise(camera, 0.1, seed=192), camera, [0, 48]),
        ("a 20x30 smooth image with noise sigma = 0.2, clipped to [0, 1]; ks = np.array([2, 4, 8])",
         add_gaussian_noise(smooth, 0.2, seed=193, clip=True), smooth, np.array([2, 4, 8])),
    ]


hidden_check_psnr_by_rank = _hidden(checks.PSNR_BY_RANK, _psnr_by_rank_cases)


@functools.lru_cache(maxsize=1)
def _gd_hidden_cases():
    """More aspect ratios, real spectra (built once: their SVDs take most of the check's time).

    The singular values come from seeded noisy low-rank matrices.  Known
    sigma is compared at relative tolerance 1e-5, unknown sigma with the exact
    omega(beta) of :func:`course_utils.linalg.optimal_hard_threshold` at
    :data:`course_utils.checks.GD_UNKNOWN_RTOL`.
    """
    specs = [
        ((64, 64), 0.3), ((300, 100), 1.0), ((100, 300), 0.5), ((500, 25), 2.0),
        ((64, 64), None), ((200, 100), None), ((50, 200), None), ((400, 40), None), ((500, 25), None),
    ]
    cases = []
    for i, (shape, sigma) in enumerate(specs):
        m, n = shape
        rng = np.random.default_rng(200 + i)
        signal = 5 * np.sqrt(max(m, n)) * _matrix(m, n, [3, 2, 1], 210 + i)
        noise_level = 1.0 if sigma is None else sigma
        s = np.linalg.svd(signal + noise_level * rng.standard_normal(shape), compute_uv=False)
        beta = min(m, n) / max(m, n)
        known = f"known sigma = {sigma}" if sigma is not None else "sigma unknown (sigma=None)"
        desc = f"a {m}x{n} noisy rank-3 matrix (beta = {beta:.3g}), {known}"
        cases.append((desc, s, shape, sigma))
    return tuple(cases)


hidden_check_gavish_donoho_threshold = _hidden(checks.GAVISH_DONOHO_THRESHOLD, _gd_hidden_cases,
                                               coefficients=_gd_coefficients)


def _denoise_color_cases():
    """A noisy astronaut, odd shapes, float32, k = 0 and min(m, n)."""
    astronaut = add_gaussian_noise(_astronaut(16), 0.1, seed=220)  # 32x32x3
    wide = checks._colour_image(8, 20, 221, 0.2)
    return [
        ("a 32x32 noisy astronaut, k = 1", astronaut, 1),
        ("a 32x32 noisy astronaut, k = 5", astronaut, 5),
        ("a 32x32 noisy astronaut, k = 32 = min(m, n) (the image clipped to [0, 1])", astronaut, 32),
        ("a wide 8x20 noisy colour image, k = 3", wide, 3),
        ("the wide 8x20 image, k = 0 (the answer is black: all zeros)", wide, 0),
        ("the wide 8x20 image, k = 8 = min(m, n) (the image clipped to [0, 1])", wide, 8),
        ("a 5x1 colour column, k = 1", checks._colour_image(5, 1, 222, 0.2), 1),
        ("a 10x12 float32 noisy colour image, k = 2",
         checks._colour_image(10, 12, 223, 0.2).astype(np.float32), 2),
    ]


hidden_check_denoise_color = _hidden(checks.DENOISE_COLOR, _denoise_color_cases)


# --------------------------------------------------------------------------- part 4


def _pca_hidden_cases():
    """Breast cancer data raw and standardised, wide, integer, float32, k = 1, two samples.

    Each component is compared up to its sign, its score column with the same
    sign; ``sklearn.decomposition.PCA`` is forbidden.
    """
    from sklearn.datasets import load_breast_cancer

    cancer = load_breast_cancer().data
    rng = np.random.default_rng(1515)
    # Distinct column scales keep the singular values apart, so every component is defined up to sign.
    wide = rng.standard_normal((20, 50)) * np.linspace(3.0, 1.0, 50)
    counts = rng.poisson([2.0, 5.0, 10.0, 20.0, 40.0, 80.0], size=(60, 6))
    single = rng.standard_normal((80, 5)) * [5.0, 3.0, 2.0, 1.0, 0.5] + 10.0
    mixed = rng.standard_normal((30, 4)) @ np.array([[3.0, 1.0, 0.0, 0.5], [0.0, 1.0, 1.0, 0.0],
                                                     [0.0, 0.0, 0.5, 0.2], [0.1, 0.0, 0.0, 0.3]])
    return [
        ("the breast cancer data as loaded (569x30, features from 0.001 to 4000 in their own units), k = 3",
         cancer, 3),
        ("the standardised breast cancer data (each column: mean 0, standard deviation 1), k = 10",
         (cancer - cancer.mean(axis=0)) / cancer.std(axis=0), 10),
        ("a wide 20x50 matrix (fewer samples than features), k = 19 = m - 1, the largest possible", wide, 19),
        ("a 60x6 matrix of integer counts (dtype int64), k = 6 = n", counts, 6),
        ("an 80x5 float32 matrix (columns with mean 10), k = 5", single.astype(np.float32), 5),
        ("a 30x4 matrix with correlated columns, k = 1", mixed, 1),
        ("two samples, a 2x4 matrix [[1, 2, 3, 4], [2, 0, 5, 1]]: one direction, k = 1",
         np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 0.0, 5.0, 1.0]]), 1),
    ]


hidden_check_pca = _hidden(checks.PCA_SVD, _pca_hidden_cases)
