"""The SVD and what the course builds on it (instructor only).

Thin, validated wrappers over numpy, scipy and scikit-learn:

* the economy SVD and best rank-k approximations (Eckart-Young),
* numerical rank, pseudo-inverse and minimum-norm least squares, all with
  numpy's ``matrix_rank`` tolerance ``max(m, n) * eps * s[0]``,
* the condition number,
* choosing a rank: kept energy (or kept sum of singular values) and the
  Gavish-Donoho optimal hard threshold,
* truncated SVDs of large images (randomized or Lanczos) and their error.

This module holds answers to assignment questions, so the student modules never
import it. The general tools (``svd``, ``reconstruct``, ``reconstruct_many``,
``truncated_svd``, ``truncation_error_report``) live in the student module
:mod:`course_utils.svd_tools` and are re-exported here.
"""

from __future__ import annotations

import functools
from collections import namedtuple

import numpy as np
from scipy.integrate import quad
from scipy.optimize import brentq

from ._validation import (
    as_matrix, as_vector, check_fraction, check_positive, check_rank, check_shape, precision_eps,
)
from .svd_tools import (  # noqa: F401  (re-exported: linalg is the instructor's full toolbox)
    SVD, _check_choice, _singular_values, reconstruct, reconstruct_many, svd, truncated_svd,
    truncation_error_report,
)

__all__ = [
    "SVD",
    "EckartYoungErrors",
    "svd",
    "reconstruct",
    "reconstruct_many",
    "default_tolerance",
    "numerical_rank",
    "pinv",
    "min_norm_lstsq",
    "condition_number",
    "eckart_young_errors",
    "energy_fraction",
    "sigma_fraction",
    "rank_for_energy",
    "optimal_hard_threshold_coef",
    "optimal_hard_threshold",
    "optimal_hard_threshold_rank",
    "truncated_svd",
    "truncation_error_report",
]

#: Errors of the best rank-k approximation in the spectral and Frobenius norms.
EckartYoungErrors = namedtuple("EckartYoungErrors", ["spectral", "frobenius"])

_EPS = np.finfo(np.float64).eps
_MEASURES = ("energy", "sigma")


# --------------------------------------------------------------------------- checks


def _check_tol(tol):
    return None if tol is None else check_positive(tol, "tol", allow_zero=True)


def _svdvals(A):
    return np.linalg.svd(A, compute_uv=False)


def _kept(s, shape, tol, eps=_EPS):
    """Number of singular values above `tol` (the default tolerance with `eps` if None)."""
    tol = default_tolerance(s, shape, eps=eps) if tol is None else tol
    return int(np.count_nonzero(s > tol))


# --------------------------------------------------------------------------- rank, pinv, lstsq


def default_tolerance(s, shape, *, eps=_EPS):
    """numpy's ``matrix_rank`` tolerance ``max(m, n) * eps * s[0]``.

    Parameters
    ----------
    s : (r,) array_like
        Singular values in descending order.
    shape : tuple of int
        Shape ``(m, n)`` of the matrix they belong to.
    eps : float, optional
        Machine epsilon of the matrix's precision,
        :func:`course_utils._validation.precision_eps` of it (float64's by
        default; float32 input uses float32's, integer input float64's).

    Returns
    -------
    float
        The tolerance; 0.0 for a zero matrix.

    Raises
    ------
    ValueError
        If `s` is not a non-negative descending vector, `shape` is not a pair
        of positive integers, or `s` has more than ``min(m, n)`` values.

    Notes
    -----
    Singular values computed in float64 carry an absolute error of about
    ``eps * s[0]`` times a modest factor growing with the size; the factor
    ``max(m, n)`` (numpy's and scipy.linalg.pinv's choice) keeps round-off
    from counting as rank. ``eps`` is the machine epsilon of the input's
    precision: 2.2e-16 for float64 and integer input, 1.19e-7 for float32
    (as ``np.linalg.matrix_rank``, whose singular values of a float32 matrix
    are float32): data held in float32 is only known to that precision.

    Examples
    --------
    >>> default_tolerance([2.0, 1.0], (3, 2))  # 3 * 2.2e-16 * 2.0
    1.3322676295501878e-15
    """
    s = _singular_values(s)
    m, n = check_shape(shape)
    if s.size > min(m, n):
        raise ValueError(f"s has {s.size} values but a {m} x {n} matrix has at most min(m, n) = {min(m, n)}.")
    eps = check_positive(eps, "eps")
    return float(max(m, n) * eps * s[0])


def numerical_rank(A, tol=None):
    """Number of singular values of `A` above a tolerance.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix.
    tol : float, optional
        Absolute threshold (>= 0); singular values ``> tol`` count. Default
        :func:`default_tolerance` with the epsilon of `A`'s dtype (float32:
        float32's; integers: float64's), as ``np.linalg.matrix_rank``.

    Returns
    -------
    int
        The numerical rank, 0 for a zero matrix.

    Raises
    ------
    TypeError, ValueError
        For an invalid `A` or a negative/non-finite `tol`.

    Notes
    -----
    A product ``B @ C`` with inner size 2 has rank 2, but its "zero" singular
    values come out near 1e-16 * s[0], not 0; the tolerance ignores them.

    Examples
    --------
    >>> numerical_rank([[1.0, 2.0], [2.0, 4.0]])
    1
    """
    eps = precision_eps(A, "A")
    A = as_matrix(A)
    tol = _check_tol(tol)
    return _kept(_svdvals(A), A.shape, tol, eps)


def pinv(A, tol=None):
    """Moore-Penrose pseudo-inverse ``A+ = V Sigma+ U^T`` through the SVD.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix (any shape and rank).
    tol : float, optional
        Absolute threshold; only singular values ``> tol`` are inverted, the
        others count as 0. Default :func:`default_tolerance` with the
        epsilon of `A`'s dtype (float32: float32's; integers: float64's).

    Returns
    -------
    (n, m) ndarray
        The pseudo-inverse; zeros for a zero matrix.

    Raises
    ------
    TypeError, ValueError
        For an invalid `A` or a negative/non-finite `tol`.

    Notes
    -----
    Equals ``scipy.linalg.pinv(A)`` (atol=0, rtol=max(m, n) * eps) and
    satisfies the four Penrose conditions ``A A+ A = A``, ``A+ A A+ = A+``,
    and symmetric ``A A+`` and ``A+ A``. Inverting a singular value below the
    tolerance would amplify round-off by ~1/eps.

    Examples
    --------
    >>> pinv([[2.0, 0.0], [0.0, 0.0]])
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    eps = precision_eps(A, "A")
    A = as_matrix(A)
    tol = _check_tol(tol)
    U, s, Vt = svd(A)
    r = _kept(s, A.shape, tol, eps)
    return (Vt[:r].T / s[:r]) @ U[:, :r].T


def _as_rhs(b, m):
    # lstsq keeps a 2-D right-hand side 2-D, but as_vector would flatten (m, 1).
    try:
        two_d = np.ndim(b) == 2
    except ValueError:  # ragged nested lists: as_vector reports them
        two_d = False
    if not two_d:
        return as_vector(b, "b", length=m)
    b = as_matrix(b, "b")
    if b.shape[0] != m:
        raise ValueError(
            f"b has shape {b.shape} but A has {m} rows; b must be (m,) or (m, p) with m = {m}. "
            "A row vector needs b.ravel()."
        )
    return b


def min_norm_lstsq(A, b, tol=None):
    """Minimum-norm least-squares solution ``x = V Sigma+ U^T b``.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix (tall, wide, square, rank-deficient).
    b : (m,) or (m, p) array_like
        Right-hand side(s).
    tol : float, optional
        Absolute threshold for the singular values used. Default
        :func:`default_tolerance` with the epsilon of `A`'s dtype (as
        ``np.linalg.lstsq(rcond=None)`` for float64 and integer `A`).

    Returns
    -------
    (n,) or (n, p) ndarray
        Among all minimisers of ``||A x - b||_2``, the one of smallest norm.

    Raises
    ------
    TypeError, ValueError
        For an invalid `A`, `b` or `tol`, or when ``len(b) != m``.

    Notes
    -----
    Computed as ``Vt_r.T @ ((U_r.T @ b) / s_r)`` over the r kept singular
    triplets, O(mn min(m, n)) for the SVD and O((m + n) r p) after it;
    ``pinv(A)`` is never formed. When A is rank-deficient or wide the
    minimiser is not unique (add any null-space vector); this one lies in the
    row space of A, which makes its norm the smallest. Equals
    ``np.linalg.lstsq(A, b, rcond=None)[0]``.

    Examples
    --------
    >>> min_norm_lstsq([[1.0, 1.0]], [2.0])
    array([1., 1.])
    """
    eps = precision_eps(A, "A")
    A = as_matrix(A)
    b = _as_rhs(b, A.shape[0])
    tol = _check_tol(tol)
    U, s, Vt = svd(A)
    r = _kept(s, A.shape, tol, eps)
    coef = U[:, :r].T @ b
    coef /= s[:r].reshape((r,) + (1,) * (b.ndim - 1))  # divide row i by s_i, for 1 or p columns
    return Vt[:r].T @ coef


def condition_number(A):
    """2-norm condition number ``s[0] / s[-1]``.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix.

    Returns
    -------
    float
        ``>= 1``; ``inf`` when the smallest singular value is exactly 0
        (including the zero matrix).

    Raises
    ------
    TypeError, ValueError
        For an invalid `A`.

    Notes
    -----
    Agrees with ``np.linalg.cond(A)``. A numerically singular matrix whose
    smallest singular value is round-off (~1e-16 * s[0]) gets a huge finite
    value (~1e16), which is the honest answer in floating point. Since the
    singular values of ``A^T A`` are ``s**2``, ``cond(A^T A) = cond(A)**2``
    for full column rank: solving the normal equations squares the
    sensitivity, which is why least squares goes through QR or the SVD.

    Examples
    --------
    >>> condition_number([[4.0, 0.0], [0.0, 0.5]])
    8.0
    """
    s = _svdvals(as_matrix(A))
    return float("inf") if s[-1] == 0 else float(s[0] / s[-1])


# --------------------------------------------------------------------------- choosing a rank


def eckart_young_errors(s, k):
    """Errors of the best rank-k approximation, from the singular values alone.

    Parameters
    ----------
    s : (r,) array_like
        All singular values of the matrix, descending (r = min(m, n)).
    k : int
        Kept rank, ``0 <= k <= r``.

    Returns
    -------
    EckartYoungErrors
        ``(spectral, frobenius)``: ``||A - A_k||_2 = s[k]`` (0 when k = r) and
        ``||A - A_k||_F = sqrt(sum_{i >= k} s[i]**2)`` (0-based s).

    Raises
    ------
    TypeError, ValueError
        For an invalid `s` or `k`.

    Notes
    -----
    Eckart-Young-Mirsky: no rank-k matrix comes closer to A in either norm
    than the truncated SVD, and these are the distances it achieves.

    Examples
    --------
    >>> eckart_young_errors([5.0, 4.0, 3.0], 1)
    EckartYoungErrors(spectral=4.0, frobenius=5.0)
    """
    s = _singular_values(s)
    k = check_rank(k, s.size)
    tail = s[k:]
    spectral = float(tail[0]) if tail.size else 0.0
    return EckartYoungErrors(spectral, float(np.linalg.norm(tail)))


def _cumulative(s, measure):
    s = _singular_values(s)
    if s[0] == 0:
        raise ValueError(
            "s is all zeros: a zero matrix has no energy to keep, so no fraction of it is defined."
        )
    # divide by s[0] first so that squaring cannot overflow
    w = (s / s[0]) ** 2 if measure == "energy" else s / s[0]
    return np.cumsum(w) / w.sum()


def energy_fraction(s):
    """Cumulative fraction of energy ``cumsum(s**2) / sum(s**2)``.

    Parameters
    ----------
    s : (r,) array_like
        Singular values, descending.

    Returns
    -------
    (r,) ndarray
        Entry k-1 is the fraction of ``||A||_F**2`` kept by the rank-k
        approximation; the last entry is 1.

    Raises
    ------
    ValueError
        For an invalid `s` or an all-zero `s` (no energy).

    Notes
    -----
    This is the standard measure: ``1 - energy_fraction(s)[k-1]`` is exactly
    the squared relative Frobenius error of the rank-k approximation (by
    Eckart-Young). Compare :func:`sigma_fraction`, which sums s without
    squaring.

    Examples
    --------
    >>> energy_fraction([4.0, 3.0])
    array([0.64, 1.  ])
    """
    return _cumulative(s, "energy")


def sigma_fraction(s):
    """Cumulative fraction of the sum of singular values ``cumsum(s) / sum(s)``.

    Parameters
    ----------
    s : (r,) array_like
        Singular values, descending.

    Returns
    -------
    (r,) ndarray
        Entry k-1 is the share of ``sum(s)`` (the nuclear norm) carried by the
        first k singular values; the last entry is 1.

    Raises
    ------
    ValueError
        For an invalid `s` or an all-zero `s`.

    Notes
    -----
    The rule some tutorials use, read off a plot of ``cumsum(s) / sum(s)``.
    Without squaring, small singular values weigh more, so it grows more slowly than :func:`energy_fraction` and asks
    for a larger rank at the same fraction; it has no direct link to the
    reconstruction error, which is why the energy is the default.

    Examples
    --------
    >>> sigma_fraction([4.0, 3.0, 1.0])
    array([0.5  , 0.875, 1.   ])
    """
    return _cumulative(s, "sigma")


def rank_for_energy(s, fraction, *, measure="energy"):
    """Smallest rank k whose cumulative fraction reaches `fraction`.

    Parameters
    ----------
    s : (r,) array_like
        Singular values, descending.
    fraction : float
        Target in (0, 1], e.g. 0.99 for 99 %.
    measure : {"energy", "sigma"}, optional
        ``"energy"`` uses :func:`energy_fraction` (sum of s**2), ``"sigma"``
        uses :func:`sigma_fraction` (sum of s).

    Returns
    -------
    int
        The number k (>= 1) of kept singular values.

    Raises
    ------
    TypeError, ValueError
        For an invalid `s`, an all-zero `s`, `fraction` outside (0, 1], or an
        unknown `measure`.

    Notes
    -----
    The cumulative sum is compared with ``fraction - 4 r eps``: round-off can
    leave the last cumulative value at 0.9999999999999999, and fraction = 1
    must still return a rank. As a consequence, trailing singular values at
    round-off level (a numerically rank-deficient matrix) are not counted at
    fraction = 1.

    Examples
    --------
    >>> rank_for_energy([4.0, 3.0, 1.0], 0.9)
    2
    >>> rank_for_energy([4.0, 3.0, 1.0], 0.9, measure="sigma")
    3
    """
    measure = _check_choice(measure, "measure", _MEASURES)
    fraction = check_fraction(fraction, "fraction")
    cum = _cumulative(s, measure)
    slack = 4 * cum.size * _EPS
    k = int(np.searchsorted(cum, fraction - slack, side="left")) + 1
    return min(k, cum.size)


# --------------------------------------------------------------------------- Gavish-Donoho


def _lambda_star(beta):
    return np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))


@functools.lru_cache(maxsize=256)
def _marchenko_pastur_median(beta):
    """Median of the Marchenko-Pastur law with ratio 0 < beta <= 1 (variance 1)."""
    # Density sqrt((b - t)(t - a)) / (2 pi beta t) on [a, b]. With t = c + r cos(phi)
    # the square root becomes r sin(phi): the integrand is smooth (no endpoint
    # singularity, even at beta = 1 where a = 0), so quad converges quietly.
    a, b = (1 - np.sqrt(beta)) ** 2, (1 + np.sqrt(beta)) ** 2
    c, r = 1 + beta, 2 * np.sqrt(beta)

    def integrand(phi):
        return (r * np.sin(phi)) ** 2 / (2 * np.pi * beta * (c + r * np.cos(phi)))

    def cdf(mu):
        phi = np.arccos(np.clip((mu - c) / r, -1.0, 1.0))
        return quad(integrand, phi, np.pi, epsabs=1e-13, epsrel=1e-12)[0]

    return brentq(lambda mu: cdf(mu) - 0.5, a, b, xtol=1e-14, rtol=1e-14)


def optimal_hard_threshold_coef(beta, *, sigma_known):
    """Gavish-Donoho coefficient lambda*(beta) or omega(beta).

    Parameters
    ----------
    beta : float
        Aspect ratio ``min(m, n) / max(m, n)`` in (0, 1].
    sigma_known : bool
        True: the noise level sigma is known, return lambda*(beta).
        False: it is estimated from the median singular value, return
        omega(beta).

    Returns
    -------
    float
        The coefficient; lambda*(1) = 4 / sqrt(3) ~ 2.309, omega(1) ~ 2.858.

    Raises
    ------
    TypeError
        If `sigma_known` is not a bool.
    ValueError
        If `beta` is not in (0, 1].

    Notes
    -----
    Gavish & Donoho (2014), "The optimal hard threshold for singular values is
    4/sqrt(3)", IEEE Trans. Inf. Theory 60(8):

    ``lambda*(beta) = sqrt(2 (beta + 1) + 8 beta / ((beta + 1) + sqrt(beta**2 + 14 beta + 1)))``

    and ``omega(beta) = lambda*(beta) / sqrt(mu_beta)`` with ``mu_beta`` the
    median of the Marchenko-Pastur distribution of ratio beta, computed here
    by ``scipy.integrate.quad`` and ``scipy.optimize.brentq``. The paper's fit
    ``0.56 beta**3 - 0.95 beta**2 + 1.82 beta + 1.43`` agrees with it within
    0.4 % for beta >= 0.05 (0.8 % at beta = 0.01).

    Examples
    --------
    >>> round(optimal_hard_threshold_coef(1.0, sigma_known=True), 4)
    2.3094
    >>> round(optimal_hard_threshold_coef(1.0, sigma_known=False), 3)
    2.858
    """
    beta = check_fraction(beta, "beta")
    if not isinstance(sigma_known, (bool, np.bool_)):
        raise TypeError(f"sigma_known must be True or False; got {sigma_known!r}.")
    lam = float(_lambda_star(beta))
    return lam if sigma_known else lam / float(np.sqrt(_marchenko_pastur_median(beta)))


def optimal_hard_threshold(s, shape, sigma=None):
    """Gavish-Donoho optimal hard threshold tau for the singular values.

    Parameters
    ----------
    s : (r,) array_like
        Singular values of the noisy (m, n) matrix, descending. With unknown
        noise all r = min(m, n) of them are needed (their median is used).
    shape : tuple of int
        ``(m, n)``, the shape of the matrix.
    sigma : float, optional
        Standard deviation (> 0) of the i.i.d. noise in each entry, if known.

    Returns
    -------
    float
        ``tau = lambda*(beta) sqrt(max(m, n)) sigma`` for known sigma (for
        n x n: ``(4/sqrt(3)) sqrt(n) sigma``), else
        ``tau = omega(beta) median(s)``, with ``beta = min(m, n) / max(m, n)``.

    Raises
    ------
    TypeError, ValueError
        For an invalid `s`, `shape` or `sigma`, or, with unknown noise, when
        `s` does not hold all min(m, n) singular values.

    Notes
    -----
    Keeping the singular values above tau is, asymptotically, the hard
    threshold with the smallest mean squared error for a low-rank signal in
    white noise (Gavish & Donoho 2014). The unknown-noise rule assumes the
    noise is there: for a noise-free low-rank matrix the median can be ~0.

    Examples
    --------
    >>> tau = optimal_hard_threshold(np.ones(100), (100, 100), sigma=1.0)
    >>> bool(np.isclose(tau, 4 / np.sqrt(3) * 10))
    True
    """
    s = _singular_values(s)
    m, n = check_shape(shape)
    beta = min(m, n) / max(m, n)
    if sigma is not None:
        sigma = check_positive(sigma, "sigma")
        if s.size > min(m, n):
            raise ValueError(f"s has {s.size} values but a {m} x {n} matrix has at most min(m, n) = {min(m, n)}.")
        return optimal_hard_threshold_coef(beta, sigma_known=True) * float(np.sqrt(max(m, n))) * sigma
    if s.size != min(m, n):
        raise ValueError(
            f"s has {s.size} values but the unknown-noise threshold needs all min(m, n) = {min(m, n)} "
            "singular values (it uses their median); pass np.linalg.svd(A, compute_uv=False) or give sigma."
        )
    return optimal_hard_threshold_coef(beta, sigma_known=False) * float(np.median(s))


def optimal_hard_threshold_rank(s, shape, sigma=None):
    """Number of singular values above the Gavish-Donoho threshold.

    Parameters
    ----------
    s : (r,) array_like
        Singular values of the noisy matrix, descending.
    shape : tuple of int
        ``(m, n)``, the shape of the matrix.
    sigma : float, optional
        Noise standard deviation if known (see :func:`optimal_hard_threshold`).

    Returns
    -------
    int
        The rank to keep.

    Raises
    ------
    TypeError, ValueError
        As :func:`optimal_hard_threshold`.

    Examples
    --------
    >>> optimal_hard_threshold_rank([100.0, 50.0, 3.0, 2.0], (4, 4), sigma=1.0)  # tau = 4.62
    2
    """
    tau = optimal_hard_threshold(s, shape, sigma)
    return int(np.count_nonzero(_singular_values(s) > tau))


# --------------------------------------------------------------------------- PCA (notebook 4)

from ._validation import _as_int  # noqa: E402

__all__ += ["PCA", "pca"]

#: Principal component analysis of a data matrix: see :func:`pca`.
PCA = namedtuple("PCA", ["components", "explained_variance_ratio", "scores"])


def pca(X, k):
    """Principal component analysis as the SVD of the centred data matrix.

    With ``X_c = X - mean(X, axis=0) = U S V^T`` (economy SVD, ``s``
    descending), the first `k` principal components are the first `k` rows
    of ``V^T``, their explained variance ratios are the energy fractions
    ``s_i**2 / sum(s**2)`` (the sum runs over *all* singular values: the total
    variance), and the scores (the samples' coordinates on the components) are
    ``U[:, :k] * s[:k] = X_c @ V[:, :k]``.  This is what
    ``sklearn.decomposition.PCA(k, svd_solver="full")`` computes, up to the
    sign of each component.

    Parameters
    ----------
    X : (m, n) array_like
        Data matrix, one sample per row and one feature per column; at least
        two rows.  Integer and float32 input is computed in float64.  `X` is
        not standardised: do it before the call when the features have
        different units.
    k : int
        Number of components, ``1 <= k <= min(m - 1, n)``: centring removes
        one dimension (the rows of ``X_c`` sum to zero), so ``X_c`` has rank at
        most ``m - 1`` and a further component would be round-off.

    Returns
    -------
    PCA
        Named tuple ``(components, explained_variance_ratio, scores)``:

        components : (k, n) ndarray
            Orthonormal rows, the principal directions (rows of ``V^T``).
        explained_variance_ratio : (k,) ndarray
            ``s[:k]**2 / sum(s**2)``, descending, summing to at most 1.
        scores : (m, k) ndarray
            ``X_c @ components.T``; column i has norm ``s[i]``.

        Signs follow ``np.linalg.svd``; each component may be negated
        together with its score column.

    Raises
    ------
    TypeError
        If `X` is not a real numeric array or `k` is not a whole number.
    ValueError
        If `X` is not a finite 2-D array with at least two rows, has no
        variance (all rows equal), or `k` is outside ``1..min(m - 1, n)``.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
    >>> p = pca(X, 1)
    >>> np.abs(p.components), p.explained_variance_ratio, np.abs(p.scores.ravel())
    (array([[1., 0.]]), array([1.]), array([2., 0., 2.]))
    >>> pca(X[:2], 2)  # two samples span one direction
    Traceback (most recent call last):
    ValueError: k must be an integer with 1 <= k <= min(m - 1, n) = 1 for a 2x2 data matrix; got k=2.
    """
    X = as_matrix(X, "X")
    m, n = X.shape
    if m < 2:
        raise ValueError(f"X must have at least two rows (samples) for a PCA; got shape {X.shape}.")
    k = _as_int(k, "k")
    limit = min(m - 1, n)
    if not 1 <= k <= limit:
        raise ValueError(
            f"k must be an integer with 1 <= k <= min(m - 1, n) = {limit} for a {m}x{n} data matrix; got k={k}."
        )
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    energy = s**2
    total = float(np.sum(energy))
    if not total > 0:
        raise ValueError("X has no variance (all its rows are equal), so no principal component is defined.")
    return PCA(Vt[:k].copy(), energy[:k] / total, U[:, :k] * s[:k])
