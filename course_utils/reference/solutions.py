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

from .. import checks, linalg, metrics
from .._validation import _as_real_array, _check_finite, as_matrix, as_vector, check_rank, check_ranks

#: The reference answer of every question of :data:`course_utils.checks.QUESTIONS`, by the name the
#: notebook asks for.
__all__ = [question.function for question in checks.QUESTIONS.values()]


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
    """Question 4: the rank-k approximation ``(U[:, :k] * s[:k]) @ Vt[:k]`` from given (economy or full) factors.

    The formula is :func:`course_utils.svd_tools.reconstruct`'s, on the first k triplets (it takes the
    matrix only for its shape: the student module has no function with this question's contract).
    """
    U, Vt = as_matrix(U, "U"), as_matrix(Vt, "Vt")
    s = as_vector(s, "s")
    k = check_rank(k, s.size)
    if U.shape[1] < k or Vt.shape[0] < k:
        raise ValueError(
            f"U has {U.shape[1]} columns and Vt {Vt.shape[0]} rows, but k={k} needs at least k of each; "
            "pass the factors of np.linalg.svd(A, full_matrices=False)."
        )
    return linalg.reconstruct(np.zeros((U.shape[0], Vt.shape[1])), k, factors=(U[:, :k], s[:k], Vt[:k]))


def to_uint8_image(image):
    """Question 5: ``np.rint(np.clip(image, 0, 1) * 255)`` as uint8, gray or colour; float input only.

    Same result as ``course_utils.images.to_uint8(image)``, which the question forbids (module docstring).
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
    """Question 6: ``||A - A_k||_F / ||A||_F = sqrt(sum(s[k:]**2) / sum(s**2))`` for each k, from one SVD."""
    A = as_matrix(image, "image")
    ks = check_ranks(ks, min(A.shape))
    s = linalg.svd(A).s
    norm = float(np.linalg.norm(s))
    if norm == 0:
        raise ValueError("image is all zeros, so a relative error is undefined.")
    return np.array([linalg.eckart_young_errors(s, k).frobenius for k in ks]) / norm


def smallest_rank_for_energy(s, fraction):
    """Question 7a: the smallest k with ``sum(s[:k]**2) / sum(s**2) >= fraction``.

    Round-off safe: at fraction = 1 it returns a rank even when the cumulative energy ends at 1 - 4e-16.
    """
    return linalg.rank_for_energy(s, fraction)


# --------------------------------------------------------------------------- part 3


def psnr_by_rank(noisy, clean, ks):
    """Question 11: PSNR (dB, data_range 1.0) of the unclipped rank-k approximation of `noisy` against `clean`."""
    noisy = as_matrix(noisy, "noisy")
    clean = as_matrix(clean, "clean")
    if noisy.shape != clean.shape:
        raise ValueError(f"noisy has shape {noisy.shape} but clean has shape {clean.shape}; they must match.")
    ks = check_ranks(ks, min(noisy.shape))
    return np.array([metrics.psnr(clean, X, data_range=1.0) for X in checks._rank_k_images(noisy, ks)])


def gavish_donoho_threshold(s, shape, sigma=None):
    """Question 11: Gavish-Donoho tau, ``lambda*(beta) sqrt(max(m, n)) sigma`` or ``omega(beta) median(s)``.

    With unknown sigma the exact omega(beta) (the notebook's polynomial fit is within 1 % of it).
    """
    return linalg.optimal_hard_threshold(s, shape, sigma)


def denoise_color(image, k):
    """Question 13: the rank-k approximation of each colour channel separately, clipped to [0, 1]."""
    arr = _as_real_array(image, "image")
    if arr.ndim != 3 or arr.shape[2] != 3:
        hint = " Drop the alpha channel: image[..., :3]." if arr.ndim == 3 and arr.shape[2] == 4 else ""
        raise ValueError(f"image must be a colour image of shape (m, n, 3); got shape {arr.shape}.{hint}")
    if arr.size == 0:
        raise ValueError(f"image is empty (shape {arr.shape}); it needs at least one pixel.")
    _check_finite(arr, "image")
    k = check_rank(k, min(arr.shape[:2]))
    return np.clip(checks._per_channel(arr, k), 0.0, 1.0)  # the visible check's per-channel rank-k images


# --------------------------------------------------------------------------- part 4

def pca_svd(X, k):
    """Question 15: PCA as the SVD of the centred data, ``(components, explained_variance_ratio, scores)``."""
    return linalg.pca(X, k)
