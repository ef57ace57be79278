"""Reference answers to the autograded questions of the week-5 assignment.

One function per question, with the signature the notebook asks for. Each
delegates to :mod:`course_utils.linalg` (tested against numpy/scipy) so there is
one implementation of each job; the source notebooks hold a separate, student-style
model answer, and a test checks that both earn full marks.
"""

from __future__ import annotations

import numpy as np

from .. import linalg
from .._validation import as_matrix

__all__ = [
    "numerical_rank",
    "pinv_svd",
    "lstsq_min_norm",
    "condition_numbers",
    "gram_eigenvalues",
    "eckart_young_errors",
]


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
    """Question 3a: the n eigenvalues of ``A^T A`` in decreasing order, ``s**2`` padded with zeros."""
    A = as_matrix(A)
    s = linalg.svd(A).s
    return np.concatenate([s**2, np.zeros(A.shape[1] - s.size)])


def eckart_young_errors(s, k):
    """Question 3b: ``(sigma_{k+1}, sqrt(sum_{i>k} sigma_i^2))``."""
    return tuple(linalg.eckart_young_errors(s, k))
