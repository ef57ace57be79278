"""Quality and cost of a low-rank approximation.

Relative Frobenius error, PSNR and SSIM (through :mod:`skimage.metrics`, with
``data_range`` always passed: scikit-image would otherwise guess it from the
dtype, and for float images its guess is [-1, 1]), and the storage a rank-k
factorisation needs.
"""

from __future__ import annotations

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from ._validation import as_matrix, check_positive, check_rank, check_shape

__all__ = ["relative_error", "psnr", "ssim", "storage_cost", "compression_ratio"]


def _pair(reference, estimate):
    ref = as_matrix(reference, "reference")
    est = as_matrix(estimate, "estimate")
    if ref.shape != est.shape:
        raise ValueError(
            f"reference has shape {ref.shape} but estimate has shape {est.shape}; "
            "compare images of the same size (did you transpose one?)."
        )
    return ref, est


def relative_error(reference, estimate):
    """Relative Frobenius error ``||reference - estimate||_F / ||reference||_F``.

    Parameters
    ----------
    reference : (m, n) array_like
        The original matrix or image.
    estimate : (m, n) array_like
        Its approximation.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ, or `reference` is all zeros (the ratio is undefined).

    Examples
    --------
    >>> relative_error([[3.0, 4.0]], [[3.0, 0.0]])
    0.8
    """
    ref, est = _pair(reference, estimate)
    norm = np.linalg.norm(ref)
    if norm == 0:
        raise ValueError("reference is all zeros, so a relative error is undefined; use the absolute error.")
    return float(np.linalg.norm(ref - est) / norm)


def psnr(reference, estimate, *, data_range=1.0):
    """Peak signal-to-noise ratio in dB, ``10 log10(data_range**2 / MSE)``.

    Parameters
    ----------
    reference, estimate : (m, n) array_like
        Gray images of the same shape.
    data_range : float, optional
        Width of the range the pixel values live in: 1.0 for float images in
        [0, 1] (the course's convention), 255 for 8-bit images.

    Returns
    -------
    float
        ``inf`` when the images are identical.

    Notes
    -----
    The estimate is not clipped: a reconstruction that overshoots [0, 1] is
    penalised for it, which is the honest score.
    """
    ref, est = _pair(reference, estimate)
    data_range = check_positive(data_range, "data_range")
    if np.array_equal(ref, est):
        return float("inf")  # skimage would divide by zero and warn
    return float(peak_signal_noise_ratio(ref, est, data_range=data_range))


def ssim(reference, estimate, *, data_range=1.0):
    """Structural similarity index (Wang et al. 2004) via :func:`skimage.metrics.structural_similarity`.

    Parameters
    ----------
    reference, estimate : (m, n) array_like
        Gray images of the same shape, each side at least 7 pixels (the
        default window).
    data_range : float, optional
        As in :func:`psnr`.

    Returns
    -------
    float
        1.0 for identical images.
    """
    ref, est = _pair(reference, estimate)
    data_range = check_positive(data_range, "data_range")
    if min(ref.shape) < 7:
        raise ValueError(f"SSIM needs images at least 7x7 pixels; got shape {ref.shape}.")
    return float(structural_similarity(ref, est, data_range=data_range))


def storage_cost(shape, k):
    """Numbers stored by a rank-k factorisation: ``k * (m + n + 1)``.

    ``k`` columns of U (m each), ``k`` rows of Vt (n each) and ``k`` singular values.

    Parameters
    ----------
    shape : tuple of int
        ``(m, n)``, the shape of the matrix.
    k : int
        Kept rank, ``0 <= k <= min(m, n)``.

    Returns
    -------
    int

    Examples
    --------
    >>> storage_cost((512, 512), 10)
    10250
    """
    m, n = check_shape(shape)
    k = check_rank(k, min(m, n))
    return k * (m + n + 1)


def compression_ratio(shape, k):
    """Original size over factorised size, ``m n / (k (m + n + 1))``.

    Above 1 the factors are smaller than the image; ``inf`` for ``k = 0``.

    Examples
    --------
    >>> round(compression_ratio((512, 512), 10), 2)
    25.58
    """
    m, n = check_shape(shape)
    cost = storage_cost((m, n), k)
    return float("inf") if cost == 0 else m * n / cost
