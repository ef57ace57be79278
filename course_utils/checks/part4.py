"""Visible checks of notebook 4: PCA through the SVD (``pca_svd``) and the rank ``k_90``.

The expected answers of :func:`check_pca` come from scikit-learn's public
``sklearn.decomposition.PCA`` (``svd_solver="full"``) on fixed data; the
diagnoses recompute the usual mistakes (no centring, sigma instead of sigma**2,
U instead of U S, columns instead of rows, standardising inside) and say which
one the answer matches.  :func:`check_pca_rank_choice` verifies the definition
of ``k_90`` for the value given; it never computes the rank itself.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_matrix
from ._core import (
    Question, _VARIANCE, _answer_array, _check_energy_rank, _close, _compare, _returned, _short,
)

__all__ = [
    "PCA_FORBIDDEN",
    "check_pca",
    "check_pca_rank_choice",
]

#: The routine that answers question 15 for the student (its own result is the visible check's reference).
PCA_FORBIDDEN = ("sklearn.decomposition.PCA",)

_PCA_ADVICE = "centre X and build the components, ratios and scores from np.linalg.svd yourself."
_RESULT = "(components, explained_variance_ratio, scores)"


# ---------------------------------------------------------------------------
# Part 4: PCA
# ---------------------------------------------------------------------------


def _diabetes(standardised=False):
    """scikit-learn's bundled diabetes data, ``load_diabetes(scaled=False)``: 442 patients x 10 features.

    `standardised`: each column minus its mean, divided by its standard deviation.
    """
    from sklearn.datasets import load_diabetes

    X = load_diabetes(scaled=False).data
    if standardised:
        X = (X - np.mean(X, axis=0, keepdims=True)) / np.std(X, axis=0, keepdims=True)
    return X


def _pca_cases():
    counts = np.array([[3, 0, 7], [5, 2, 4], [1, 1, 9], [8, 4, 2], [6, 2, 5], [2, 0, 8]])
    return [
        ("the diabetes data as loaded (442x10, features in their own units), k = 3", _diabetes(), 3),
        ("the standardised diabetes data (each column: mean 0, standard deviation 1), k = 10 = n", _diabetes(True),
         10),
        ("a 6x3 matrix of integer counts (dtype int64), k = 2", counts, 2),
    ]


def _sign_align(got, expected):
    """Signs (+1/-1) that align each row of `got` with the same row of `expected`."""
    signs = np.sign(np.sum(got * expected, axis=1))
    signs[signs == 0] = 1.0
    return signs


def _same_up_to_sign(rows, expected, rtol=1e-6):
    """True when every row of `rows` is + or - the same row of `expected` (same shape)."""
    rows, expected = np.asarray(rows, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if rows.shape != expected.shape:
        return False
    return _close(rows * _sign_align(rows, expected)[:, None], expected, rtol, 1e-10)


def _spectra(X):
    """SVDs of X as given, centred, standardised (constant columns left at 0), and with its rows centred."""
    X = np.asarray(X, dtype=np.float64)
    centred = X - np.mean(X, axis=0, keepdims=True)
    spread = np.std(X, axis=0, keepdims=True)
    scaled = centred / np.where(spread > 0, spread, 1.0)
    by_row = X - np.mean(X, axis=1, keepdims=True)
    return {name: np.linalg.svd(M, full_matrices=False) for name, M in
            (("raw", X), ("centred", centred), ("standardised", scaled), ("rows", by_row))}


def _ratio_hint(ratio, X, k, expected):
    """Recognise explained variance ratios computed the wrong way; "" when none matches."""
    svds = _spectra(X)
    s = svds["centred"][1]
    m = X.shape[0]
    candidates = [
        (s[:k] / np.sum(s), "it is s_i / sum(s): the variance is the energy, use squared singular values "
                            "s_i**2 / sum(s**2)"),
        (expected / np.sum(expected), "it is normalised by the first k values only; divide by the sum of "
                                      "ALL the squared singular values (the total variance)"),
        (s[:k] ** 2 / (m - 1), "these are the variances s_i**2 / (m - 1), not their ratios to the total"),
        (s[:k] ** 2 / m, "these are the variances s_i**2 / m, not their ratios to the total"),
        (expected[::-1], "it is in increasing order; sort the components by decreasing variance"),
    ]
    for name, what in (("raw", "X was not centred: subtract the mean of each column (X - mean(X, axis=0)) "
                               "before the SVD"),
                       ("standardised", "X was standardised inside the function; take X as given (the caller "
                                        "standardises when the units differ)"),
                       ("rows", "the mean of each ROW was subtracted; subtract the mean of each column "
                                "(X.mean(axis=0)): the samples are the rows, the features the columns")):
        t = svds[name][1]
        candidates.append((t[:k] ** 2 / np.sum(t**2), what))
    for candidate, hint in candidates:
        if candidate.shape == ratio.shape and not _close(candidate, expected) and _close(ratio, candidate, 1e-5):
            return hint
    return ""


def _components_hint(comps, X, k, expected):
    """Recognise principal directions computed the wrong way; "" when none matches."""
    svds = _spectra(X)
    candidates = [
        (svds["raw"][2][:k], "X was not centred: subtract the mean of each column (X - mean(X, axis=0)) "
                             "before the SVD; without it the first direction points at the mean sample"),
        (svds["standardised"][2][:k], "X was standardised inside the function; take X as given"),
        (expected[::-1], "they are in increasing order of variance; the first component has the largest"),
    ]
    if comps.shape[0] == comps.shape[1]:
        candidates.append((expected.T, "the components are the ROWS of Vt (Vt[:k]), not its columns"))
    for candidate, hint in candidates:
        if candidate.shape == comps.shape and not _same_up_to_sign(candidate, expected) \
                and _same_up_to_sign(comps, candidate, 1e-5):
            return hint
    return ""


def _scores_hint(scores, X, k, components, expected):
    """Recognise scores computed the wrong way (`expected` sign-aligned with the student's components)."""
    norms = np.linalg.norm(expected, axis=0)
    X = np.asarray(X, dtype=np.float64)
    candidates = [
        (expected / np.where(norms > 0, norms, 1.0),
         "they are U[:, :k], whose columns have length 1; the scores are U[:, :k] * s[:k] = X_c @ Vt[:k].T"),
        (X @ components.T, "they are X @ components.T with X not centred; project the centred X_c"),
    ]
    for candidate, hint in candidates:
        if _close(scores, candidate, 1e-5):
            return hint
    if _same_up_to_sign(scores.T, expected.T, 1e-5):
        return ("each column is right up to its sign, but the signs do not match those of your components: "
                "score column i must be X_c @ components[i], with the same sign as component i")
    return ""


def _unpack(got, call, m, n, k):
    """The three parts of the student's result, or fail saying what to return."""
    _returned(got, call)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        what = (f"a {type(got).__name__} of {len(got)} items" if isinstance(got, (tuple, list))
                else f"a {type(got).__name__}")
        raise AssertionError(
            f"{call} should return the three results {_RESULT}, e.g. `return components, ratio, scores`; "
            f"got {what}."
        )
    comps_raw, ratio_raw, scores_raw = got
    comps_hint = (f" (components are the first k ROWS of Vt: shape (k, n) = ({k}, {n}); with shape "
                  f"({n}, {k}) you returned columns, use Vt[:k])")
    comps = _answer_array(comps_raw, f"components (returned by {call})", shape=(k, n), shape_hint=comps_hint)
    ratio = _answer_array(ratio_raw, f"explained_variance_ratio (returned by {call})", shape=(k,),
                          shape_hint=" (one ratio per component)")
    scores = _answer_array(scores_raw, f"scores (returned by {call})", shape=(m, k),
                           shape_hint=f" (one row per sample, one column per component: ({m}, {k}))")
    return comps, ratio, scores


def _grade_pca(run, fname, case):
    """Grade one case ``(desc, X, k, (components, ratio, scores))`` of ``pca_svd``, grading signs per component."""
    _, X, k, (exp_comps, exp_ratio, exp_scores) = case
    m, n = np.shape(X)
    call = f"{fname}(X, k={k})"
    got = run((X, k), ("X", "k"), call)
    comps, ratio, scores = _unpack(got, call, m, n, k)
    _compare(ratio, exp_ratio, f"explained_variance_ratio (returned by {call})",
             lambda: _ratio_hint(ratio.astype(np.float64), X, k, exp_ratio),
             f" is {_short(ratio)} but should be {_short(exp_ratio)}",
             " It is s_i**2 / sum(s**2), s the singular values of the centred X.")
    signs = _sign_align(comps.astype(np.float64), exp_comps)
    _compare(comps * signs[:, None].astype(comps.dtype), exp_comps, f"components (returned by {call})",
             lambda: _components_hint(comps.astype(np.float64), X, k, exp_comps),
             " are wrong (compared up to the sign of each row)",
             " (compared up to the sign of each row; the components are the first k rows of Vt, X_c = U S Vt)")
    aligned = exp_scores * signs  # the expected scores, with the signs of the student's components
    _compare(scores, aligned, f"scores (returned by {call})",
             lambda: _scores_hint(scores.astype(np.float64), X, k, comps.astype(np.float64), aligned), " are wrong",
             " The scores are X_c @ components.T, i.e. U[:, :k] * s[:k] (signs as in your components).")


def _pca_visible():
    """The visible cases of :data:`PCA_SVD`, with their expected answers."""
    from sklearn.decomposition import PCA
    cases = []
    for desc, X, k in _pca_cases():
        model = PCA(n_components=k, svd_solver="full").fit(X)
        cases.append((desc, X, k, (model.components_, model.explained_variance_ratio_, model.transform(X))))
    return cases


PCA_SVD = Question(
    "pca", "pca_svd(X, k) -> (components, explained_variance_ratio, scores)", cell="pca", points=(2, 3),
    grade=_grade_pca, visible_cases=_pca_visible, forbidden=PCA_FORBIDDEN, visible_forbidden=PCA_FORBIDDEN,
    advice=_PCA_ADVICE)


def check_pca(fn, *, forbidden=PCA_SVD.visible_forbidden, verbose=True):
    """Check the student's ``pca_svd(X, k)`` against scikit-learn's PCA on fixed data.

    The answer is ``(components, explained_variance_ratio, scores)``: the first
    k principal directions as the rows of a (k, n) array, the fraction of the
    total variance each explains (length k), and the (m, k) coordinates of the
    samples on them.  Each component may have either sign, provided its score
    column has the same.  Cases: the diabetes data as loaded (k = 3),
    standardised (k = n = 10), and a small integer matrix.  Diagnoses: no
    centring, sigma instead of sigma**2, ratios of the first k only, variances
    instead of ratios, increasing order, columns instead of rows, U instead of
    U S, standardising inside, inconsistent signs.

    >>> check_pca(lambda X, k: np.zeros(k))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda>(X, k=3) should return the three results (components, ...
    """
    PCA_SVD.visible_check(fn, forbidden, verbose)


def check_pca_rank_choice(k, Z, fraction=0.9, *, raw=None, name="k_90"):
    """Check that `k` (the variable `name`) is the smallest number of principal components explaining `fraction`.

    `Z` is the data (one sample per row; centred here), `raw` the same data
    before standardisation, to recognise a rank computed on it.  Verifies the
    definition for the given k; it never computes the number itself.
    Diagnoses: sigma instead of sigma**2, off by one, the raw instead of the
    standardised data, not the smallest, not an int.

    >>> Z = np.array([[2.0, 0.1], [-2.0, -0.1], [0.0, 0.2], [0.0, -0.2]])
    >>> check_pca_rank_choice(1, Z)
    check_pca_rank_choice: k_90 = 1 is right.
    >>> check_pca_rank_choice(2, Z)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: k_90 = 2 is not the smallest number of components explaining 90 % of the variance: ...
    """
    Z = as_matrix(Z, "Z")
    also = ()
    if raw is not None:
        raw = as_matrix(raw, "raw")
        also = ((np.linalg.svd(raw - np.mean(raw, axis=0, keepdims=True), compute_uv=False),
                 " That is the number for the raw data; use the standardised data Z."),)
    _check_energy_rank(k, np.linalg.svd(Z - np.mean(Z, axis=0, keepdims=True), compute_uv=False), fraction,
                       name=name, check="check_pca_rank_choice", words=_VARIANCE, also=also)
