"""Visible checks of notebook 2: rank-k approximation, conversion to uint8, errors by
rank, the smallest rank keeping an energy fraction, and the stored rank choice ``k_99``.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_matrix
from ..svd_tools import reconstruct, reconstruct_many
from ._core import (
    Question, assert_integer_answer, assert_is_rank, _CHECK_ATOL, _CHECK_RTOL, _answer_array, _answer_int,
    _check_energy_rank, _close, _compare, _dtype_hint, _fmt_index, _is_energy_rank, _kept_fraction,
    _matrix, _mismatch_message, _short,
)
from .forbidden import UINT8_FORBIDDEN

__all__ = [
    "check_rank_k_approx",
    "check_to_uint8_image",
    "check_rank_errors",
    "check_smallest_rank_for_energy",
    "check_energy_rank_choice",
]


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


def _grade_rank_k_approx(run, fname, case):
    """Grade one case ``(desc, U, s, Vt, k, expected)`` of ``rank_k_approx``."""
    _, U, s, Vt, k, expected = case
    call = f"{fname}(U, s, Vt, k={k})"
    got = run((U, s, Vt, k), ("U", "s", "Vt", "k"), call)
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


def _rank_k_approx_visible():
    """The visible cases of :data:`RANK_K_APPROX`, with their expected answers."""
    cases = []
    for desc, A, k in _rank_k_cases():
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        cases.append((desc, U, s, Vt, k, reconstruct(A, k, factors=(U, s, Vt))))
    return cases


RANK_K_APPROX = Question(
    "rank_k_approx", "rank_k_approx(U, s, Vt, k) -> (m, n) ndarray", cell="rank_k_approx", points=(3, 4),
    grade=_grade_rank_k_approx, visible_cases=_rank_k_approx_visible,
    advice="build the reconstruction from U, s and Vt yourself.")


def check_rank_k_approx(fn, *, forbidden=RANK_K_APPROX.visible_forbidden, verbose=True):
    """Check the student's ``rank_k_approx(U, s, Vt, k)`` on six cases.

    The factors are the economy SVD ``np.linalg.svd(A, full_matrices=False)``
    of a tall 7x5 matrix (k = 1, 2, p, 0), a wide 4x6 matrix and a 0..255
    gray-level image; the expected answer is ``(U[:, :k] * s[:k]) @ Vt[:k]``.
    Diagnoses: k off by one (rank k+1 or k-1), last rows of Vt, smallest
    singular values, missing s, columns of Vt, transposed result, integer or
    uint8 result (wrap-around).

    >>> check_rank_k_approx(lambda U, s, Vt, k: U @ Vt)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(U, s, Vt, k=1) has rank 5 but should have rank 1...
    """
    RANK_K_APPROX.visible_check(fn, forbidden, verbose)


def _grade_smallest_rank_for_energy(run, fname, case):
    """Grade one case ``(desc, s, fraction, expected_k)`` of ``smallest_rank_for_energy``."""
    _, s, fraction, expected = case
    call = f"{fname}(s, {fraction})"
    got = run((s, fraction), ("s", "fraction"), call)
    value = _answer_int(got, call)
    hint = ""
    if value != expected:
        last = float(_kept_fraction(s)[-1])
        if value > s.size or last < fraction:
            hint = (
                f"no entry of np.cumsum(s**2) / np.sum(s**2) reaches fraction = {fraction} here: "
                f"round-off leaves the last one at {last!r}, not 1 (so searchsorted returns len(s) "
                "and argmax of an all-False array returns 0). Divide the cumulative sum by its own "
                f"last entry (cum / cum[-1]), or cap k at len(s) = {s.size}"
            )
        elif _is_energy_rank(value, s, fraction, strict=True):
            hint = (
                f"use >= (the fraction is reached exactly at k = {expected}): k is the "
                "smallest k with energy >= fraction"
            )
        elif _is_energy_rank(value, s, fraction, power=1):
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


def _smallest_rank_for_energy_visible():
    """The visible cases of :data:`SMALLEST_RANK_FOR_ENERGY`, with their expected answers."""
    # Values chosen so the cumulative energies are exact in floating point; the answers are literals.
    specs = [
        ("s = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1], fraction 0.95", [10.0] + [1.0] * 9, 0.95, 5),
        ("s = [4, 3, 2, 1], fraction 0.8", [4.0, 3.0, 2.0, 1.0], 0.8, 2),
        ("s = [2, 2, 2, 2], fraction 0.5 (reached exactly at k = 2)", [2.0, 2.0, 2.0, 2.0], 0.5, 2),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.95", [10.0, 6.0, 3.0, 1.5, 0.5], 0.95, 3),
        ("s = [10, 6, 3, 1.5, 0.5], fraction 0.5", [10.0, 6.0, 3.0, 1.5, 0.5], 0.5, 1),
        ("s = [3, 1, 0, 0], fraction 1.0 (all the energy)", [3.0, 1.0, 0.0, 0.0], 1.0, 2),
    ]
    return [(desc, np.array(s), fraction, k) for desc, s, fraction, k in specs]


SMALLEST_RANK_FOR_ENERGY = Question(
    "smallest_rank_for_energy", "smallest_rank_for_energy(s, fraction) -> int",
    cell="smallest_rank_for_energy", points=(2, 2),
    grade=_grade_smallest_rank_for_energy, visible_cases=_smallest_rank_for_energy_visible,
    advice="compute the cumulative energy yourself.")


def check_smallest_rank_for_energy(fn, *, forbidden=SMALLEST_RANK_FOR_ENERGY.visible_forbidden, verbose=True):
    """Check the student's ``smallest_rank_for_energy(s, fraction)`` on six cases.

    The expected answer is the smallest k with
    ``sum(s[:k]**2) / sum(s**2) >= fraction``.  The cases distinguish energy
    by s**2 from energy by s, >= from > (a fraction reached exactly), and the
    index from the count (k off by one).

    >>> check_smallest_rank_for_energy(lambda s, fraction: 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(s, 0.95) returned 1 but the answer is 5: ...
    """
    SMALLEST_RANK_FOR_ENERGY.visible_check(fn, forbidden, verbose)


def _uint8_cases():
    rng = np.random.default_rng(61)
    overshoot = rng.uniform(-0.25, 1.25, (6, 8))
    overshoot[0, :3] = [0.0, 1.0, 0.5]
    return [
        ("a 6x8 gray reconstruction with values in [-0.25, 1.25] (it overshoots [0, 1])", overshoot),
        ("a 5x7 gray image with values in [0, 1]", rng.uniform(0.0, 1.0, (5, 7))),
        ("a 4x5x3 colour reconstruction with values in [-0.1, 1.1]", rng.uniform(-0.1, 1.1, (4, 5, 3))),
    ]


# The expected uint8 images of the three cases above, as literals (hex of their bytes, row-major).
_UINT8_EXPECTED = (
    "00ff80d066ffffff0ac6c0a89bbb1c7200ff0000ffffffc800ff81cc0000caff1e0a299807008cb082ff2577b2ffffaa",
    "c3a51ccf219b5de3fc45ece93a78caf649f9b661083f031c69c7d9bd15b6c59646efcd",
    "3dea3f0062493b5fc3bd00dc3dffbe00cbcd850097ffe2d01cffdc177ba0caff3574a84d1a1f2eb0ff564d88495c337997f71cffa0"
    "57008216660af9",
)


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


def _grade_to_uint8_image(run, fname, case):
    """Grade one case ``(desc, image, expected_uint8)`` of ``to_uint8_image``."""
    call = f"{fname}(image)"
    _, image, expected = case
    got = run((image,), ("image",), call)
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


TO_UINT8_IMAGE = Question(
    "to_uint8_image", "to_uint8_image(image) -> uint8 ndarray", cell="to_uint8_image", points=(1, 2),
    grade=_grade_to_uint8_image, forbidden=UINT8_FORBIDDEN, visible_forbidden=UINT8_FORBIDDEN,
    visible_cases=lambda: [(desc, image, np.frombuffer(bytes.fromhex(expected), dtype=np.uint8).reshape(image.shape))
                           for (desc, image), expected in zip(_uint8_cases(), _UINT8_EXPECTED)],
    advice="clip, scale, round and cast with numpy yourself.")


def check_to_uint8_image(fn, *, forbidden=TO_UINT8_IMAGE.visible_forbidden, verbose=True):
    """Check the student's ``to_uint8_image(image)`` on three float images.

    The answer is the image clipped to [0, 1], scaled by 255, rounded to the
    nearest integer and cast: dtype uint8, the shape of the input (on an
    exact tie ``255 x = j + 0.5`` both j and j + 1 are accepted).  Cases: a
    gray reconstruction that overshoots [0, 1], a gray image inside [0, 1]
    and an overshooting colour image.  Diagnoses: no clipping (wrap-around),
    truncation instead of rounding, no scaling by 255, unrounded values,
    wrong dtype.  ``course_utils.images.to_uint8`` and scikit-image's
    ``img_as_ubyte`` are forbidden (:data:`UINT8_FORBIDDEN`).

    Casting without clipping wraps the overshooting pixels around:

    >>> check_to_uint8_image(lambda image: (image * 255).astype(np.uint8))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(image) is wrong at 30 of 48 pixels: ... clip to [0, 1] first ...
    """
    TO_UINT8_IMAGE.visible_check(fn, forbidden, verbose)


def _smooth_image(m, n, seed):
    """A seeded smooth gray image with values in [0.05, 0.95] that is not exactly low-rank."""
    y, x = np.mgrid[0 : 1 : m * 1j, 0 : 1 : n * 1j]
    a, b, c = np.random.default_rng(seed).uniform(1.5, 4.0, 3)
    return 0.5 + 0.45 * np.sin(a * x + b * y**2 + c * x * y)


def _rank_errors_cases():
    image = np.random.default_rng(62).uniform(0.0, 1.0, (5, 9))
    return [
        ("an 8x6 matrix with s = [4, 3, 2, 1, 0.5, 0.25]; ks = [0, 1, 2, 3] (k = 0 leaves all of A: error 1)",
         _matrix(8, 6, [4, 3, 2, 1, 0.5, 0.25], 63), [0, 1, 2, 3]),
        ("a wide 5x9 gray image; ks = [1, 3, 5] (k = 5 = min(m, n) leaves no error)", image, np.array([1, 3, 5])),
        ("a 7x7 matrix of rank 3; ks = [1, 3, 6] (no error from k = 3 on)", _matrix(7, 7, [3, 2, 1], 64), (1, 3, 6)),
    ]


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
    if np.issubdtype(np.asarray(A).dtype, np.integer):
        return (f"the image is {np.asarray(A).dtype} here (integers 0..255, as loaded from a file), and integer "
                "arithmetic wraps around (image**2 is computed modulo 256 for uint8): convert it first, "
                "image = np.asarray(image, dtype=float)")
    return ""


def _grade_rank_errors(run, fname, case):
    """Grade one case ``(desc, image, ks, expected_errors)`` of ``rank_errors``."""
    _, image, ks, expected = case
    call = f"{fname}(image, ks={list(np.asarray(ks).tolist())})"
    got = run((image, ks), ("image", "ks"), call)
    arr = _answer_array(got, call, shape=(len(ks),), shape_hint=" (one error per k in ks)")
    _compare(arr, expected, call, lambda: _rank_errors_hint(arr.astype(np.float64), image, ks),
             f" returned {_short(arr)} but the relative errors are {_short(expected)}",
             " The relative error of A_k is ||A - A_k||_F / ||A||_F = sqrt(sum(s[k:]**2) / sum(s**2)).")


def _rank_k_images(A, ks):
    """``[A_k for k in ks]``, the rank-k approximations of `A` (from one SVD), in the order of `ks`."""
    approx = reconstruct_many(A, ks)
    return [approx[k] for k in ks]


RANK_ERRORS = Question(
    "rank_errors", "rank_errors(image, ks) -> (len(ks),) ndarray", cell="rank_errors", points=(3, 3),
    grade=_grade_rank_errors,  # the visible errors are measured on the reconstructions
    visible_cases=lambda: [(desc, A, ks, np.array([np.linalg.norm(A - X) for X in _rank_k_images(A, ks)])
                            / np.linalg.norm(A)) for desc, A, ks in _rank_errors_cases()],
    advice="compute the errors from np.linalg.svd yourself.")


def check_rank_errors(fn, *, forbidden=RANK_ERRORS.visible_forbidden, verbose=True):
    """Check the student's ``rank_errors(image, ks)`` on three matrices.

    The answer is the 1-D float array of relative Frobenius errors
    ``||A - A_k||_F / ||A||_F``, one per k in `ks`, compared with errors
    measured on the reconstructions themselves.  Cases include k = 0 (error
    1), k = min(m, n) and k beyond the rank (error 0); `ks` comes as a list,
    an array and a tuple.  Diagnoses: spectral norm, not relative, squared
    (lost energy) or kept energy, s instead of s**2, k off by one.

    >>> check_rank_errors(lambda image, ks: np.zeros(len(ks)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(image, ks=[0, 1, 2, 3]) is wrong: max abs error 1 at index [0] ...
    """
    RANK_ERRORS.visible_check(fn, forbidden, verbose)


# ---------------------------------------------------------------------------
# Rank choices stored in variables (parts 2 and 3)
# ---------------------------------------------------------------------------


def check_energy_rank_choice(k, image, fraction=0.99, *, name="k_99"):
    """Check that `k` (the variable `name`) is the smallest rank keeping `fraction` of the energy of `image`.

    Verifies the definition for the given k (the first k terms keep at least
    `fraction` of ``sum(s**2)``, the first k - 1 do not); it never computes the
    rank itself.  Diagnoses: sigma instead of sigma**2, off by one, too small,
    not the smallest, not an int.

    >>> check_energy_rank_choice(1, np.diag([10.0, 1.0]), 0.99)
    check_energy_rank_choice: k_99 = 1 is right.
    >>> check_energy_rank_choice(2, np.diag([10.0, 1.0]), 0.99)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: k_99 = 2 is not the smallest rank keeping 99 % of the energy: k = 1 already keeps 99.01 %. ...
    """
    s = np.linalg.svd(as_matrix(image, "image"), compute_uv=False)
    _check_energy_rank(k, s, fraction, name=name, check="check_energy_rank_choice")
