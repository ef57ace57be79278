"""Reference answers to the autograded questions of the week-5 assignment.

One function per question, with the signature the notebook asks for. Each
delegates to :mod:`course_utils.linalg`, :mod:`course_utils.metrics` (tested
against numpy/scipy/scikit-image) so there is one implementation of each job;
the source notebooks hold a separate, student-style model answer, and a test
checks that both earn full marks.

The one exception is :func:`to_uint8_image`: the question forbids
``course_utils.images.to_uint8``, so the reference answer must not call it
either (it would fail its own check); ``tests/test_reference.py`` checks that
both agree.
"""

from __future__ import annotations

import numpy as np

from .. import linalg, metrics
from .._validation import _as_real_array, _check_finite, as_matrix, as_vector, check_rank

__all__ = [
    "numerical_rank",
    "pinv_svd",
    "lstsq_min_norm",
    "condition_numbers",
    "gram_eigenvalues",
    "eckart_young_errors",
    "rank_k_approx",
    "to_uint8_image",
    "rank_errors",
    "smallest_rank_for_energy",
    "psnr_by_rank",
    "gavish_donoho_threshold",
    "denoise_color",
]


def _ranks(ks, limit):
    """Validate a non-empty 1-D sequence of ranks, each ``0 <= k <= limit``; return a list of ints."""
    if isinstance(ks, (str, bytes)) or np.ndim(ks) != 1:
        raise TypeError(f"ks must be a sequence of ranks such as [1, 5, 20]; got {ks!r}.")
    if len(ks) == 0:
        raise ValueError("ks is empty; pass at least one rank, e.g. ks=[1, 5, 20].")
    return [check_rank(k, limit, f"ks[{i}]") for i, k in enumerate(ks)]


# --------------------------------------------------------------------------- part 1


def numerical_rank(A):
    """Question 1b: rank with numpy's tolerance ``max(m, n) * eps * sigma_1``."""
    return linalg.numerical_rank(A)


def pinv_svd(A):
    """Question 2b: the pseudo-inverse through the SVD."""
    return linalg.pinv(A)


def lstsq_min_norm(A, b):
    """Question 2c: the minimum-norm least-squares solution."""
    return linalg.min_norm_lstsq(A, b)


def condition_numbers(A):
    """Question 2d: ``(kappa(A), kappa(A^T A))``."""
    A = as_matrix(A)
    return linalg.condition_number(A), linalg.condition_number(A.T @ A)


def gram_eigenvalues(A):
    """Question 3a: the n eigenvalues of ``A^T A`` in decreasing order, with ``np.linalg.eigvalsh`` (no SVD)."""
    A = as_matrix(A)
    return np.linalg.eigvalsh(A.T @ A)[::-1]


def eckart_young_errors(s, k):
    """Question 3b: ``(sigma_{k+1}, sqrt(sum_{i>k} sigma_i^2))``."""
    return tuple(linalg.eckart_young_errors(s, k))


# --------------------------------------------------------------------------- part 2


def rank_k_approx(U, s, Vt, k):
    """Rank-k approximation ``(U[:, :k] * s[:k]) @ Vt[:k]`` from given SVD factors.

    Parameters
    ----------
    U : (m, p) array_like
        Left singular vectors (economy, p = len(s), or full, p = m).
    s : (r,) array_like
        Singular values in decreasing order.
    Vt : (p, n) array_like
        Right singular vectors as rows (economy or full).
    k : int
        Kept rank, ``0 <= k <= len(s)``.

    Returns
    -------
    (m, n) ndarray

    Raises
    ------
    TypeError, ValueError
        For invalid factors, factors with fewer than k columns/rows, or an
        invalid `k`.

    Examples
    --------
    >>> rank_k_approx(np.eye(2), np.array([3.0, 1.0]), np.eye(2), 1)
    array([[3., 0.],
           [0., 0.]])
    """
    U, Vt = as_matrix(U, "U"), as_matrix(Vt, "Vt")
    s = as_vector(s, "s")
    k = check_rank(k, s.size)
    if U.shape[1] < k or Vt.shape[0] < k:
        raise ValueError(
            f"U has {U.shape[1]} columns and Vt {Vt.shape[0]} rows, but k={k} needs at least k of each; "
            "pass the factors of np.linalg.svd(A, full_matrices=False)."
        )
    return (U[:, :k] * s[:k]) @ Vt[:k]


def to_uint8_image(image):
    """An image with values in [0, 1] (possibly overshooting) as uint8: clip, scale, round, cast.

    Parameters
    ----------
    image : (m, n) or (m, n, 3) array_like of float
        Gray or colour image whose white level is 1.0, e.g. a rank-k
        reconstruction that overshoots [0, 1].

    Returns
    -------
    ndarray of uint8
        ``np.rint(np.clip(image, 0, 1) * 255)``, same shape as `image`.

    Raises
    ------
    TypeError
        If `image` is not a float array (an integer image is already 8-bit
        or 16-bit: it would turn white).
    ValueError
        If `image` is empty or holds NaN/inf.

    Notes
    -----
    Same result as ``course_utils.images.to_uint8(image)``, which the
    question forbids; see the module docstring.

    Examples
    --------
    >>> to_uint8_image([[1.2, -0.1, 0.5]])
    array([[255,   0, 128]], dtype=uint8)
    """
    arr = _as_real_array(image, "image")
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"image must be a float image with values in [0, 1]; got dtype {arr.dtype}, which is already "
            "an integer image. Convert it with course_utils.images.to_float first."
        )
    if arr.size == 0:
        raise ValueError(f"image is empty (shape {arr.shape}); an image needs at least one pixel.")
    _check_finite(arr, "image")
    # Clip first: casting a value outside 0..255 to uint8 wraps it around.
    return np.rint(np.clip(arr.astype(np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)


def rank_errors(image, ks):
    """Relative Frobenius errors ``||A - A_k||_F / ||A||_F`` of rank-k approximations, from one SVD.

    Parameters
    ----------
    image : (m, n) array_like
        Gray image (a matrix), not all zeros.
    ks : sequence of int
        Ranks, each ``0 <= k <= min(m, n)``.

    Returns
    -------
    (len(ks),) ndarray of float

    Raises
    ------
    TypeError, ValueError
        For an invalid `image` or `ks`, or an all-zero `image`.

    Notes
    -----
    By Eckart-Young ``||A - A_k||_F = sqrt(sum(s[k:]**2))`` and
    ``||A||_F = sqrt(sum(s**2))``, so no reconstruction is formed.

    Examples
    --------
    >>> rank_errors(np.diag([4.0, 3.0]), [0, 1, 2])
    array([1. , 0.6, 0. ])
    """
    A = as_matrix(image, "image")
    ks = _ranks(ks, min(A.shape))
    s = linalg.svd(A).s
    norm = float(np.linalg.norm(s))
    if norm == 0:
        raise ValueError("image is all zeros, so a relative error is undefined.")
    return np.array([linalg.eckart_young_errors(s, k).frobenius for k in ks]) / norm


def smallest_rank_for_energy(s, fraction):
    """Smallest k with ``sum(s[:k]**2) / sum(s**2) >= fraction``.

    Parameters
    ----------
    s : (r,) array_like
        Singular values in decreasing order, not all zero.
    fraction : float
        Target share of the energy, in (0, 1].

    Returns
    -------
    int
        Between 1 and r.

    Raises
    ------
    TypeError, ValueError
        As :func:`course_utils.linalg.rank_for_energy`.

    Notes
    -----
    Round-off safe: at fraction = 1 it returns a rank even when the
    cumulative energy ends at 0.9999999999999996.

    Examples
    --------
    >>> smallest_rank_for_energy([4.0, 3.0, 1.0], 0.9)
    2
    """
    return linalg.rank_for_energy(s, fraction)


# --------------------------------------------------------------------------- part 3


def psnr_by_rank(noisy, clean, ks):
    """PSNR (dB, data_range 1.0) of the rank-k approximation of `noisy` against `clean`, for each k.

    Parameters
    ----------
    noisy : (m, n) array_like
        Noisy gray image (its values may leave [0, 1]).
    clean : (m, n) array_like
        The clean image, values in [0, 1].
    ks : sequence of int
        Ranks, each ``0 <= k <= min(m, n)``.

    Returns
    -------
    (len(ks),) ndarray of float
        ``10 log10(1 / mean((clean - A_k)**2))``; the approximation is not
        clipped. ``inf`` if an approximation equals `clean` exactly.

    Raises
    ------
    TypeError, ValueError
        For invalid images, different shapes, or invalid `ks`.

    Examples
    --------
    >>> clean = np.full((4, 4), 0.5)
    >>> psnr_by_rank(clean + 0.1 * np.eye(4), clean, [1, 4]).round(2)
    array([32.04, 26.02])
    """
    noisy = as_matrix(noisy, "noisy")
    clean = as_matrix(clean, "clean")
    if noisy.shape != clean.shape:
        raise ValueError(f"noisy has shape {noisy.shape} but clean has shape {clean.shape}; they must match.")
    ks = _ranks(ks, min(noisy.shape))
    approx = linalg.reconstruct_many(noisy, ks)
    return np.array([metrics.psnr(clean, approx[k], data_range=1.0) for k in ks])


def gavish_donoho_threshold(s, shape, sigma=None):
    """Gavish-Donoho hard threshold tau for the singular values of a noisy matrix.

    Parameters
    ----------
    s : (min(m, n),) array_like
        Singular values of the noisy matrix, decreasing.
    shape : tuple of int
        ``(m, n)``.
    sigma : float, optional
        Noise standard deviation, if known.

    Returns
    -------
    float
        ``lambda*(beta) sqrt(max(m, n)) sigma`` for known sigma, else
        ``omega(beta) median(s)`` with the exact omega(beta) (the notebook's
        polynomial fit is within 1 % of it), ``beta = min(m, n) / max(m, n)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`course_utils.linalg.optimal_hard_threshold`.

    Examples
    --------
    >>> round(gavish_donoho_threshold(np.ones(100), (100, 100), sigma=1.0), 4)  # (4 / sqrt(3)) * 10
    23.094
    """
    return linalg.optimal_hard_threshold(s, shape, sigma)


def denoise_color(image, k):
    """Rank-k approximation of each colour channel separately, clipped to [0, 1].

    Parameters
    ----------
    image : (m, n, 3) array_like
        Noisy colour image (its values may leave [0, 1]).
    k : int
        Kept rank per channel, ``0 <= k <= min(m, n)``.

    Returns
    -------
    (m, n, 3) ndarray of float64
        Values in [0, 1].

    Raises
    ------
    TypeError, ValueError
        If `image` is not a finite real (m, n, 3) array, or for an invalid `k`.

    Examples
    --------
    >>> image = np.zeros((2, 2, 3)); image[0, 0] = [1.5, 0.5, -1.0]
    >>> denoise_color(image, 1)[0, 0]
    array([1. , 0.5, 0. ])
    """
    arr = _as_real_array(image, "image")
    if arr.ndim != 3 or arr.shape[2] != 3:
        hint = " Drop the alpha channel: image[..., :3]." if arr.ndim == 3 and arr.shape[2] == 4 else ""
        raise ValueError(f"image must be a colour image of shape (m, n, 3); got shape {arr.shape}.{hint}")
    if arr.size == 0:
        raise ValueError(f"image is empty (shape {arr.shape}); it needs at least one pixel.")
    _check_finite(arr, "image")
    k = check_rank(k, min(arr.shape[:2]))
    channels = [linalg.reconstruct(arr[..., c], k) for c in range(3)]
    return np.clip(np.stack(channels, axis=-1), 0.0, 1.0)


# --------------------------------------------------------------------------- part 4

__all__ += ["pca_svd"]


def pca_svd(X, k):
    """Question 15: PCA as the SVD of the centred data matrix.

    Parameters
    ----------
    X : (m, n) array_like
        Data, one sample per row; integer and float32 input computed in float64.
    k : int
        Number of components, ``1 <= k <= min(m - 1, n)``.

    Returns
    -------
    course_utils.linalg.PCA
        ``(components (k, n), explained_variance_ratio (k,), scores (m, k))``.

    Raises
    ------
    TypeError, ValueError
        As :func:`course_utils.linalg.pca`.

    Examples
    --------
    >>> pca_svd(np.array([[0, 1], [2, 1]]), 1).explained_variance_ratio
    array([1.])
    """
    return linalg.pca(X, k)
