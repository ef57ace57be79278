"""The SVD as a tool: factorise once, rank-k approximations, truncated SVDs of large images.

A student module (see :data:`course_utils.STUDENT_MODULES`): the lecture notebooks use it, and
it answers no assignment question. Its functions take a matrix ``A`` (or its factors) and return
approximations or factors; none has the contract of a graded function (``rank_k_approx(U, s,
Vt, k)``, ``rank_errors(image, ks)``, ...), and none computes a rank, a pseudo-inverse, an error
formula or a threshold (those are the exercises, see ``course_utils.linalg`` for the
instructor's versions).
"""

from __future__ import annotations

import numbers
from collections import namedtuple

import numpy as np
from scipy.sparse.linalg import svds
from sklearn.utils.extmath import randomized_svd

from ._validation import as_matrix, as_vector, check_rank, check_ranks

__all__ = ["SVD", "svd", "reconstruct", "reconstruct_many", "truncated_svd", "truncation_error_report"]

#: An economy SVD ``A = (U * s) @ Vt``: U (m, r), s (r,) descending, Vt (r, n).
SVD = namedtuple("SVD", ["U", "s", "Vt"])

_METHODS = ("randomized", "lanczos")
# Rows of A - U S Vt are formed this many elements at a time (8 MB of float64),
# so the error of a 12-megapixel reconstruction never needs a second m x n array.
_CHUNK_ELEMENTS = 2**20


# --------------------------------------------------------------------------- checks


def _singular_values(s, name="s"):
    """Return `s` as a float64 vector of non-negative, descending singular values."""
    s = as_vector(s, name)
    if np.any(s < 0):
        raise ValueError(f"{name} holds negative values; singular values are >= 0 (use np.linalg.svd).")
    if np.any(np.diff(s) > 0):
        raise ValueError(
            f"{name} must be sorted in descending order, as np.linalg.svd returns it; "
            f"use np.sort({name})[::-1]."
        )
    return s


def _check_count(x, name):
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or x < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {x!r}.")
    return int(x)


def _check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def _check_factors(factors, shape):
    """Validate ``factors = (U, s, Vt)`` of an (m, n) matrix; r = len(s) may be < min(m, n)."""
    m, n = shape
    if not isinstance(factors, (tuple, list)) or len(factors) != 3:
        raise TypeError("factors must be a triple (U, s, Vt) as returned by svd(A) or truncated_svd(A, k).")
    U, s, Vt = factors
    if np.size(s) == 0:  # a rank-0 truncation: nothing to validate but the shapes
        if np.shape(U) != (m, 0) or np.shape(Vt) != (0, n):
            raise ValueError(f"factors do not fit A of shape {shape}: empty s needs U (m, 0) and Vt (0, n).")
        return np.zeros((m, 0)), np.zeros(0), np.zeros((0, n))
    U = as_matrix(U, "factors.U")
    s = _singular_values(s, "factors.s")
    Vt = as_matrix(Vt, "factors.Vt")
    r = s.size
    if U.shape != (m, r) or Vt.shape != (r, n):
        raise ValueError(
            f"factors do not fit A of shape {shape}: got U {U.shape}, s ({r},), Vt {Vt.shape}; "
            f"expected U ({m}, {r}) and Vt ({r}, {n}). Were they computed from this A?"
        )
    return U, s, Vt


def _factors_for(A, k, factors):
    """Factors of `A` (computed if not given) holding at least k triplets."""
    if factors is None:
        return svd(A)
    U, s, Vt = _check_factors(factors, A.shape)
    if k > s.size:
        raise ValueError(
            f"k={k} but factors hold only {s.size} singular triplets; "
            f"lower k or compute more (truncated_svd(A, {k}) or svd(A))."
        )
    return SVD(U, s, Vt)


# --------------------------------------------------------------------------- SVD and rank-k


def svd(A):
    """Economy singular value decomposition ``A = (U * s) @ Vt``.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix.

    Returns
    -------
    SVD
        Named tuple ``(U, s, Vt)``: U (m, r) and Vt (r, n) with orthonormal
        columns/rows, s (r,) descending and non-negative, r = min(m, n).

    Raises
    ------
    TypeError, ValueError
        If `A` is not a finite, non-empty, real 2-D array.

    Notes
    -----
    Uses ``np.linalg.svd(A, full_matrices=False)`` (LAPACK ``gesdd``,
    divide and conquer). SciPy's ``lapack_driver="gesvd"`` gives the same
    factors but was measured ~40x slower on image-sized matrices. The signs of
    matching columns of U and rows of Vt are not unique; compare
    reconstructions, never raw factors.

    Examples
    --------
    >>> U, s, Vt = svd([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]])
    >>> s
    array([3., 2.])
    >>> U.shape, Vt.shape
    ((3, 2), (2, 2))
    """
    A = as_matrix(A)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return SVD(U, s, Vt)


def reconstruct(A, k, *, factors=None):
    """Best rank-k approximation ``A_k = (U[:, :k] * s[:k]) @ Vt[:k]``.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix.
    k : int
        Kept rank, ``0 <= k <= min(m, n)``; k = 0 gives the zero matrix.
    factors : SVD or (U, s, Vt), optional
        A factorisation of `A` to reuse (from :func:`svd` or
        :func:`truncated_svd` with at least k triplets). Computed if omitted.

    Returns
    -------
    (m, n) ndarray
        The rank-k approximation.

    Raises
    ------
    TypeError, ValueError
        For an invalid `A` or `k`, factors that do not fit `A`, or factors
        with fewer than k triplets.

    Notes
    -----
    Scaling the k columns of U by s costs O(mk) and the product O(mnk); no
    full m x n Sigma and no full U is ever formed. By Eckart-Young this is the
    closest rank-k matrix to `A` in both the spectral and Frobenius norms
    (Eckart-Young).

    Examples
    --------
    >>> reconstruct([[3.0, 0.0], [0.0, 2.0]], 1)
    array([[3., 0.],
           [0., 0.]])
    """
    A = as_matrix(A)
    k = check_rank(k, min(A.shape))
    U, s, Vt = _factors_for(A, k, factors)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def reconstruct_many(A, ks, *, factors=None):
    """Rank-k approximations of `A` for several k from one factorisation.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix.
    ks : sequence of int
        Kept ranks, each ``0 <= k <= min(m, n)``; order and repeats do not
        matter.
    factors : SVD or (U, s, Vt), optional
        A factorisation of `A` to reuse (at least ``max(ks)`` triplets).

    Returns
    -------
    dict of int to (m, n) ndarray
        ``{k: A_k}`` with keys in ascending order; each value is its own
        array (changing one leaves the others intact).

    Raises
    ------
    TypeError
        If `ks` is a single number instead of a sequence.
    ValueError
        If `ks` is empty or any k is out of range (see :func:`reconstruct`).

    Notes
    -----
    The ranks are sorted and each approximation is the previous one plus
    only the new rank-1 terms, ``A_k = A_j + (U[:, j:k] * s[j:k]) @ Vt[j:k]``,
    so the products cost O(mn max(ks)) in total instead of O(mn sum(ks)).

    Examples
    --------
    >>> out = reconstruct_many([[3.0, 0.0], [0.0, 2.0]], [2, 0, 1])
    >>> list(out)
    [0, 1, 2]
    >>> out[1]
    array([[3., 0.],
           [0., 0.]])
    """
    A = as_matrix(A)
    m, n = A.shape
    ranks = sorted(set(check_ranks(ks, min(m, n), single_hint=" For a single rank use reconstruct(A, k).")))
    U, s, Vt = _factors_for(A, ranks[-1], factors)
    out = {}
    current = np.zeros((m, n))
    done = 0
    for k in ranks:
        if k > done:
            current += (U[:, done:k] * s[done:k]) @ Vt[done:k]
            done = k
        # the last one is not updated again, so it needs no copy
        out[k] = current if k == ranks[-1] else current.copy()
    return out


# --------------------------------------------------------------------------- large images


def truncated_svd(A, k, *, method="randomized", n_iter=4, random_state=0):
    """Top k singular triplets of a large matrix.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix; always processed in float64.
    k : int
        Number of triplets, ``0 <= k <= min(m, n)`` (``< min(m, n)`` for
        ``method="lanczos"``).
    method : {"randomized", "lanczos"}, optional
        ``"randomized"``: ``sklearn.utils.extmath.randomized_svd`` (Halko,
        Martinsson & Tropp) with `n_iter` power iterations. ``"lanczos"``:
        ``scipy.sparse.linalg.svds`` (ARPACK); `n_iter` is ignored.
    n_iter : int, optional
        Power iterations of the randomized method (>= 0).
    random_state : int or None, optional
        Seed for the random start; an int makes the result reproducible.

    Returns
    -------
    SVD
        ``(U, s, Vt)`` with U (m, k), s (k,) descending, Vt (k, n).

    Raises
    ------
    TypeError, ValueError
        For an invalid `A`, `k`, `method`, `n_iter` or `random_state`, or
        ``k = min(m, n)`` with ``method="lanczos"``.

    Notes
    -----
    Float32 input is converted: in float32 with few power iterations the
    error was measured 2.45x the optimum. ``svds`` returns the singular
    values in ascending order; they are reordered here. For a zero matrix the
    factors are columns of the identity with s = 0. Check the quality with
    :func:`truncation_error_report`.

    Examples
    --------
    >>> A = np.diag([3.0, 2.0, 1.0, 0.5])
    >>> truncated_svd(A, 2).s
    array([3., 2.])
    """
    A = as_matrix(A)
    m, n = A.shape
    k = check_rank(k, min(m, n))
    method = _check_choice(method, "method", _METHODS)
    n_iter = _check_count(n_iter, "n_iter")
    is_seed = isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
    if random_state is not None and not is_seed:
        raise TypeError(f"random_state must be an int seed or None; got {random_state!r}.")
    if method == "lanczos" and k == min(m, n):
        raise ValueError(
            f"method='lanczos' needs k < min(m, n) = {min(m, n)}; got k={k}. "
            "Use svd(A) for all singular triplets, or method='randomized'."
        )
    if k == 0 or not A.any():  # nothing to iterate on (ARPACK rejects a zero start vector)
        return SVD(np.eye(m, k), np.zeros(k), np.eye(k, n))
    if method == "randomized":
        U, s, Vt = randomized_svd(A, k, n_iter=n_iter, random_state=random_state)
        return SVD(U, s, Vt)
    U, s, Vt = svds(A, k=k, rng=np.random.default_rng(random_state))
    order = np.argsort(s)[::-1]
    return SVD(U[:, order], s[order], Vt[order])


def truncation_error_report(A, factors, *, exact_s=None):
    """Frobenius error of a (truncated) factorisation and how far from optimal it is.

    Parameters
    ----------
    A : (m, n) array_like
        The matrix.
    factors : SVD or (U, s, Vt)
        k singular triplets of `A`, e.g. from :func:`truncated_svd`.
    exact_s : (r,) array_like, optional
        Exact singular values of `A`, descending: at least the top k, or all
        min(m, n) of them.

    Returns
    -------
    dict
        ``"k"``: the rank; ``"frobenius_error"``: ``||A - (U * s) @ Vt||_F``;
        ``"optimal_error"``: the Eckart-Young optimum ``||A - A_k||_F`` (None
        without `exact_s`); ``"ratio"``: error / optimum (None without
        `exact_s`, nan when the optimum is 0, i.e. rank(A) <= k).

    Raises
    ------
    TypeError, ValueError
        For an invalid `A`, factors that do not fit it, or `exact_s` with
        fewer than k values.

    Notes
    -----
    The error is accumulated over blocks of rows, so the m x n product is
    never held in full (a 3000 x 4000 float64 image is 96 MB); the work is
    O(mnk) as for one reconstruction, and direct subtraction keeps it accurate
    even when the error is tiny. The optimum is ``sqrt(sum_{i >= k} s_i**2)``
    when all singular values are given, else
    ``sqrt(||A||_F**2 - sum_{i < k} s_i**2)`` (which loses relative accuracy
    when the error is below ~1e-8 ||A||_F).

    Examples
    --------
    >>> A = np.diag([3.0, 2.0, 1.0])
    >>> report = truncation_error_report(A, truncated_svd(A, 2), exact_s=[3.0, 2.0, 1.0])
    >>> round(report["frobenius_error"], 12), report["optimal_error"], round(report["ratio"], 12)
    (1.0, 1.0, 1.0)
    """
    A = as_matrix(A)
    m, n = A.shape
    U, s, Vt = _check_factors(factors, A.shape)
    k = s.size
    rows = max(1, _CHUNK_ELEMENTS // n)
    squared = 0.0
    for start in range(0, m, rows):
        block = A[start : start + rows] - (U[start : start + rows] * s) @ Vt
        squared += float(np.vdot(block, block))
    error = float(np.sqrt(squared))
    optimal = ratio = None
    if exact_s is not None:
        exact_s = _singular_values(exact_s, "exact_s")
        if exact_s.size < k:
            raise ValueError(f"exact_s has {exact_s.size} values but the factors have k={k}; give at least k.")
        if exact_s.size == min(m, n):
            optimal = float(np.linalg.norm(exact_s[k:]))
        else:
            optimal = float(np.sqrt(max(np.vdot(A, A) - np.sum(exact_s[:k] ** 2), 0.0)))
        ratio = error / optimal if optimal > 0 else float("nan")
    return {"k": k, "frobenius_error": error, "optimal_error": optimal, "ratio": ratio}
