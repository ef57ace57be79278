"""Visible checks of notebook 3: PSNR by rank, the Gavish-Donoho threshold, colour
denoising, and the three stored rank choices ``k_gd``, ``k_energy``, ``k_best``.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_matrix
from ..metrics import psnr
from ..images import add_gaussian_noise
from ..svd_tools import reconstruct
from ._core import (
    Question, _CHECK_RTOL, _answer_array, _answer_int, _answer_scalar, _check_energy_rank, _close,
    _close_scalar, _compare, _effective_rtol, _require_set, _short,
)
from .part2 import _rank_k_images, _smooth_image

__all__ = [
    "GD_UNKNOWN_RTOL",
    "check_psnr_by_rank",
    "check_gavish_donoho_threshold",
    "check_denoise_color",
    "check_k_gd",
    "check_k_energy",
    "check_k_best",
]


# ---------------------------------------------------------------------------
# Part 3: denoising
# ---------------------------------------------------------------------------


def _psnr_cases():
    clean1, clean2 = _smooth_image(24, 20, 71), _smooth_image(16, 30, 72)
    return [
        ("a 24x20 smooth image with Gaussian noise, sigma = 0.1 (the noisy image leaves [0, 1]); "
         "ks = [1, 2, 4, 8]", add_gaussian_noise(clean1, 0.1, seed=73), clean1, [1, 2, 4, 8]),
        ("a 16x30 smooth image with noise sigma = 0.05, clipped to [0, 1]; ks = [1, 3, 16] "
         "(k = 16 = min(m, n) keeps the noisy image itself)", add_gaussian_noise(clean2, 0.05, seed=74, clip=True), clean2,
         [1, 3, 16]),
    ]


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
        ([psnr(noisy, X) for X in approx],
         "it measures the approximation against the noisy image; compare it with the clean one: "
         "PSNR(clean, A_k), with A_k the rank-k approximation of noisy"),
        ([psnr(clean, X) for X in _rank_k_images(clean, ks)],
         "it approximates the clean image; approximate the noisy one (np.linalg.svd(noisy)) and compare "
         "that with clean: in practice only the noisy image is known"),
        ([psnr(clean, np.clip(X, 0.0, 1.0)) for X in approx],
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


def _grade_psnr_by_rank(run, fname, case):
    """Grade one case ``(desc, noisy, clean, ks, expected_psnr)`` of ``psnr_by_rank``."""
    _, noisy, clean, ks, expected = case
    call = f"{fname}(noisy, clean, ks={list(np.asarray(ks).tolist())})"
    got = run((noisy, clean, ks), ("noisy", "clean", "ks"), call, _psnr_error_hint)
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
    _compare(arr, expected, call, lambda: "", "", " The PSNR of A_k is 10 log10(1 / mean((clean - A_k)**2)), "
             "A_k the rank-k approximation of noisy.", atol=1e-8)


PSNR_BY_RANK = Question(
    "psnr_by_rank", "psnr_by_rank(noisy, clean, ks) -> (len(ks),) ndarray", cell="psnr_by_rank", points=(2, 3),
    grade=_grade_psnr_by_rank,
    visible_cases=lambda: [(desc, noisy, clean, ks, np.array([psnr(clean, X) for X in _rank_k_images(noisy, ks)]))
                           for desc, noisy, clean, ks in _psnr_cases()],
    advice="compute the approximations and the PSNR yourself.")


def check_psnr_by_rank(fn, *, forbidden=PSNR_BY_RANK.visible_forbidden, verbose=True):
    """Check the student's ``psnr_by_rank(noisy, clean, ks)`` on two noisy images.

    The answer is the 1-D float array of PSNRs in dB (data_range 1.0) of the
    rank-k approximation of `noisy` (not clipped) against `clean`, one per k
    in `ks`, i.e. ``10 log10(1 / mean((clean - A_k)**2))``.  Diagnoses: PSNR
    against the noisy image, data_range guessed by scikit-image (2) or 255,
    approximation of the clean image, clipped approximation, factor 2.

    >>> check_psnr_by_rank(lambda noisy, clean, ks: np.zeros(len(ks)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(noisy, clean, ks=[1, 2, 4, 8]) is wrong: max abs error 23.5 ...
    """
    PSNR_BY_RANK.visible_check(fn, forbidden, verbose)


#: Relative tolerance for the unknown-noise threshold: omega(beta) may be the paper's
#: polynomial fit (within 0.4 % of the exact value for beta >= 0.05) or the exact value.
GD_UNKNOWN_RTOL = 1e-2

# Gavish & Donoho's coefficients as literals, ``{beta: (lambda*(beta), omega(beta))}`` (omega: the
# paper's polynomial fit), for the aspect ratios of the visible cases, their inverses (the "m / n"
# mistake) and the square notebook images. The formulas are the exercise; the instructor's part
# computes them for any beta.
_GD_COEFFICIENTS = {
    1.0: (2.309401076758503, 2.86),
    0.25: (1.7580293771397153, 1.834375),
    4.0: (3.5160587542794306, 29.35),
    round(1 / 3, 12): (1.8385442641713385, 1.9518518518518517),
    3.0: (3.184452077509094, 13.46),
}


def _gd_table(beta):
    """``(lambda*(beta), omega(beta))`` from :data:`_GD_COEFFICIENTS`."""
    try:
        return _GD_COEFFICIENTS[round(beta, 12)]
    except KeyError:
        raise ValueError(
            f"the visible checks know the Gavish-Donoho coefficients only for beta in "
            f"{sorted(_GD_COEFFICIENTS)}; got beta = {beta:.6g}."
        ) from None


def _gd_singular_values(shape, seed):
    """Descending singular values of a seeded noisy matrix of `shape`: a few large ones above a noise bulk."""
    m, n = shape
    rng = np.random.default_rng(seed)
    s = np.sort(rng.uniform(0.5, 1.5, min(m, n)))[::-1] * np.sqrt(max(m, n))
    s[:3] *= [20.0, 10.0, 5.0]  # a rank-3 signal: the mean is well above the median
    return s


# The thresholds of the six visible cases below, as literals.
_GD_VISIBLE_TAU = (11.547005383792515, 24.8622898820131, 2.223750810099461,
                   19.76426868539438, 20.22953277122002, 18.05246172173443)


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


def _gd_candidates(s, shape, sigma, coefficients=_gd_table):
    """``[(tau computed the wrong way, what to do instead)]`` for the usual Gavish-Donoho mistakes.

    `coefficients(beta)` gives ``(lambda*(beta), omega(beta))``: the literal table of the
    visible cases here, the formulas in the instructor's hidden checks.
    """
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
                (coefficients(beta)[0] * np.sqrt(lo) * sigma,
                 f"use sqrt(max(m, n)) = sqrt({hi}), not sqrt(min(m, n)) = sqrt({lo})"),
                (coefficients(inverse)[0] * np.sqrt(hi) * sigma, wrong_beta),
                (4 / np.sqrt(3) * np.sqrt(hi) * sigma,
                 f"4/sqrt(3) = lambda*(1) is for square matrices only; here beta = {beta:.4g}, so "
                 f"lambda*(beta) = {coefficients(beta)[0]:.4g}"),
            ]
        candidates += [
            (coefficients(beta)[1] * median,
             f"sigma is known here (sigma={sigma}): tau = lambda*(beta) sqrt(max(m, n)) sigma; the median "
             "rule is for sigma=None"),
            (coefficients(beta)[0] * np.sqrt(hi) * sigma**2, "multiply by sigma, not sigma**2"),
            (coefficients(beta)[0] * np.sqrt(hi), "multiply by sigma: tau = lambda*(beta) sqrt(max(m, n)) sigma"),
        ]
    else:
        candidates += [
            (coefficients(beta)[1] * float(np.mean(s)),
             "use the median of s (np.median(s)), not the mean: the few large singular values of the "
             "signal pull the mean up"),
            (coefficients(beta)[0] * median,
             "with unknown sigma the coefficient is omega(beta) ~ 0.56 beta**3 - 0.95 beta**2 + "
             "1.82 beta + 1.43, not lambda*(beta)"),
            (coefficients(beta)[1] * median * np.sqrt(hi),
             "tau = omega(beta) median(s) has no sqrt(max(m, n)) factor"),
        ]
        if lo != hi:
            candidates.append((coefficients(inverse)[1] * median, wrong_beta))
    return candidates


def _gd_hint(value, expected, s, shape, sigma, coefficients):
    """Recognise the usual Gavish-Donoho mistakes (a generic formula when none matches)."""
    for candidate, hint in _gd_candidates(s, shape, sigma, coefficients):
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


def _grade_gavish_donoho_threshold(run, fname, case, coefficients=_gd_table):
    """Grade one case ``(desc, s, shape, sigma, expected_tau)`` of ``gavish_donoho_threshold``.

    Within relative 1e-5 for a known sigma, :data:`GD_UNKNOWN_RTOL` for an unknown one (omega(beta) is fitted).
    `coefficients(beta)` gives ``(lambda*(beta), omega(beta))`` for the diagnoses.
    """
    _, s, shape, sigma, expected = case
    rtol = _CHECK_RTOL if sigma is not None else GD_UNKNOWN_RTOL
    if sigma is None:  # call without sigma: its default must be None
        args, names, call = (s, shape), ("s", "shape"), f"{fname}(s, {shape})"
    else:
        args, names, call = (s, shape, sigma), ("s", "shape", "sigma"), f"{fname}(s, {shape}, sigma={sigma})"
    got = run(args, names, call, _gd_error_hint)
    value = float(_answer_scalar(got, call))
    if not np.isfinite(value):
        raise AssertionError(f"{call} is {value}: a division by zero?")
    if not _close_scalar(value, expected, rtol):
        hint = _gd_hint(value, expected, s, shape, sigma, coefficients)
        raise AssertionError(f"{call} returned {value:.6g} but tau is {float(expected):.6g}: {hint}.")


GAVISH_DONOHO_THRESHOLD = Question(
    "gavish_donoho_threshold", "gavish_donoho_threshold(s, shape, sigma=None) -> float", cell="gavish_donoho",
    points=(3, 3), grade=_grade_gavish_donoho_threshold,
    visible_cases=lambda: [(*spec, tau) for spec, tau in zip(_gd_cases(), _GD_VISIBLE_TAU)],
    advice="compute the threshold with numpy yourself.")


def check_gavish_donoho_threshold(fn, *, forbidden=GAVISH_DONOHO_THRESHOLD.visible_forbidden, verbose=True):
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

    >>> check_gavish_donoho_threshold(lambda s, shape, sigma=None: 1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(s, (100, 100), sigma=0.5) returned 1 but tau is 11.547: ...
    """
    GAVISH_DONOHO_THRESHOLD.visible_check(fn, forbidden, verbose)


def _colour_image(m, n, seed, sigma):
    """A seeded noisy colour image (m, n, 3): smooth channels plus Gaussian noise, leaving [0, 1]."""
    clean = np.stack([_smooth_image(m, n, seed + c) for c in range(3)], axis=-1)
    return add_gaussian_noise(clean, sigma, seed=seed + 3)


def _denoise_cases():
    image1, image2 = _colour_image(12, 10, 91, 0.15), _colour_image(9, 14, 95, 0.15)
    return [
        ("a 12x10 noisy colour image (values leave [0, 1]), k = 2", image1, 2),
        ("a 9x14 noisy colour image, k = 1", image2, 1),
        ("the 12x10 image, k = 10 = min(m, n): the answer is the image clipped to [0, 1]", image1, 10),
        ("the 12x10 image, k = 0: the answer is black (all zeros)", image1, 0),
    ]


def _per_channel(image, k):
    """Rank-k approximation of each channel of `image` separately, NOT clipped (the "no clip" mistake)."""
    return np.stack([reconstruct(image[..., c], k) for c in range(image.shape[2])], axis=-1)


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
        "this is a joint approximation (one SVD of the channels together: side by side, an (m, 3n) matrix, "
        "or a reshape). That is a method of its own, but it differs from denoising each channel separately, "
        "which this question asks for: one SVD per channel, image[..., c] for c = 0, 1, 2"
    )
    candidates = [(_per_channel(image, k), "clip the result to [0, 1] (np.clip(..., 0, 1)): a rank-k "
                                           "approximation of a noisy image overshoots")]
    candidates += [(X, mix_hint) for X in mixed] + [(np.clip(X, 0.0, 1.0), mix_hint) for X in mixed]
    limit = min(m, n)
    for kk in (k - 1, k + 1):
        if 0 <= kk <= limit:
            candidates.append((np.clip(_per_channel(image, kk), 0.0, 1.0), f"it is the rank-{kk} approximation: k is off by one "
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


def _denoise_error_hint(exc):
    """Advice when `fn` raised: scipy.sparse.linalg.svds cannot give k = 0 or k = min(m, n)."""
    if isinstance(exc, ValueError) and "0 < k < min" in str(exc):
        return (" (scipy.sparse.linalg.svds only computes 0 < k < min(m, n) singular triplets, and this "
                "question's k goes from 0 to min(m, n) inclusive: use a full SVD, np.linalg.svd or scipy.linalg.svd)")
    return ""


def _grade_denoise_color(run, fname, case):
    """Grade one case ``(desc, image, k, expected)`` of ``denoise_color``."""
    _, image, k, expected = case
    call = f"{fname}(image, k={k})"
    m, n, c = image.shape
    got = run((image, k), ("image", "k"), call, _denoise_error_hint)
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
    _compare(arr, expected, call, lambda: _denoise_hint(arr.astype(np.float64), image, k, expected),
             " is not the expected image", " Channel c of the answer is the rank-k approximation of image[..., c] "
             "(its own SVD), clipped to [0, 1].")


DENOISE_COLOR = Question(
    "denoise_color", "denoise_color(image, k) -> (m, n, 3) ndarray", cell="denoise_color", points=(2, 2),
    grade=_grade_denoise_color,
    visible_cases=lambda: [(desc, image, k, np.clip(_per_channel(image, k), 0.0, 1.0))
                           for desc, image, k in _denoise_cases()],
    advice="compute the rank-k approximations with np.linalg.svd yourself.")


def check_denoise_color(fn, *, forbidden=DENOISE_COLOR.visible_forbidden, verbose=True):
    """Check the student's ``denoise_color(image, k)`` on two noisy colour images.

    The answer is the (m, n, 3) float image whose channels are the rank-k
    approximations of the channels of `image`, each computed separately,
    clipped to [0, 1].  Cases: k = 2 and k = 1 on two images, k = min(m, n)
    (the clipped image) and k = 0 (black).  Diagnoses: not clipped, a joint
    approximation of the channels (an SVD of an (m, 3n) or (3m, n) matrix or
    of a reshape: a method of its own, but not the per-channel one the question
    asks for), gray output, channels first, integer output, k off by one, and
    ``scipy.sparse.linalg.svds`` (which cannot give k = 0 or k = min(m, n)).

    >>> check_denoise_color(lambda image, k: image)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(image, k=2) is wrong: max abs error 0.549 ...
    """
    DENOISE_COLOR.visible_check(fn, forbidden, verbose)


# ---------------------------------------------------------------------------
# Rank choices stored in variables (parts 2 and 3)
# ---------------------------------------------------------------------------


def check_k_gd(k_gd, *, noisy, sigma):
    """Check ``k_gd``: the number of singular values of `noisy` above the known-noise Gavish-Donoho threshold.

    Verified, not recomputed from an answer: ``tau = lambda*(beta)
    sqrt(max(m, n)) sigma`` uses the visible checks' table of ``lambda*``, so
    ``min(m, n) / max(m, n)`` must be one of its aspect ratios (e.g. 1 for a
    square image; ValueError otherwise).

    >>> check_k_gd(1, noisy=np.diag([10.0, 5.0, 0.1]), sigma=0.01)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: k_gd = 1 but 3 singular values of noisy are above the known-noise threshold tau = 0.04: ...
    """
    _require_set(k_gd, "k_gd")
    noisy = as_matrix(noisy, "noisy")
    s = np.linalg.svd(noisy, compute_uv=False)
    lo, hi = sorted(noisy.shape)
    tau = _gd_table(lo / hi)[0] * np.sqrt(hi) * sigma
    got = _answer_int(k_gd, "k_gd")
    above = int(np.count_nonzero(s > tau))
    if got != above:
        raise AssertionError(
            f"k_gd = {got} but {above} singular values of noisy are above the known-noise threshold "
            f"tau = {tau:.3g}: use tau = lambda*(beta) sqrt(max(m, n)) sigma with beta = min(m, n) / max(m, n)."
        )
    print("check_k_gd: k_gd is right.")


def check_k_energy(k_energy, *, noisy, fraction=0.99):
    """Check ``k_energy``: the smallest rank keeping `fraction` of the energy ``sum(s**2)`` of `noisy`.

    Verified, not recomputed (see :func:`check_energy_rank_choice`).

    >>> check_k_energy(1, noisy=np.diag([10.0, 5.0, 0.1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: k_energy = 1 keeps only 79.99 %, less than 99 % of the energy. Off by one: ...
    """
    s = np.linalg.svd(as_matrix(noisy, "noisy"), compute_uv=False)
    _check_energy_rank(k_energy, s, fraction, name="k_energy", check="check_k_energy")


def check_k_best(k_best, *, noisy, clean, ks):
    """Check ``k_best``: the rank in `ks` whose approximation of `noisy` has the highest PSNR against `clean`.

    >>> noisy = np.diag([10.0, 5.0, 0.1]); clean = np.diag([10.0, 5.0, 0.0])
    >>> check_k_best(1, noisy=noisy, clean=clean, ks=[1, 2, 3])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: k_best = 1 gives ... dB but rank 2 gives ... dB: ...
    """
    _require_set(k_best, "k_best")
    noisy = as_matrix(noisy, "noisy")
    clean = as_matrix(clean, "clean")
    ks = [int(k) for k in np.asarray(ks).ravel()]
    got = _answer_int(k_best, "k_best")
    if got not in ks:
        hint = f" (ks[{got}] = {ks[got]}?)" if 0 <= got < len(ks) else ""
        raise AssertionError(f"k_best = {got} is not one of the ranks in ks: k_best is a rank from ks, not an "
                             f"index into it{hint}.")
    scores = dict(zip(ks, (psnr(clean, X) for X in _rank_k_images(noisy, ks))))
    better = max(ks, key=scores.get)
    if scores[better] > scores[got] + 1e-9:
        raise AssertionError(
            f"k_best = {got} gives {scores[got]:.3f} dB but rank {better} gives {scores[better]:.3f} dB: approximate "
            "the noisy image and compare it with the clean one."
        )
    print("check_k_best: k_best is right.")
