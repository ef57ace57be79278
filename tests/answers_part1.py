"""Students' answers to part 1, right and wrong, each with the test cells it must fail.

Each entry: answer-cell grade_id -> code that replaces the whole cell, and the grade
cells that must then score 0 (every other cell keeps full marks).
"""

NOTEBOOK = "1_rank_pinv_lstsq.ipynb"

WRONG = {
    "rank_counted_with_gt_zero": ("numerical_rank", """
def numerical_rank(A):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > 0))
""", ["numerical_rank_visible", "numerical_rank_hidden"]),
    "pinv_forgets_to_invert": ("pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (Vt.T * s) @ U.T
""", ["pinv_svd_visible", "pinv_svd_hidden"]),
    "pinv_inverts_zero_singular_values": ("pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)
    return (Vt.T * s_inv) @ U.T
""", ["pinv_svd_visible", "pinv_svd_hidden"]),
    "pinv_forbidden_call": ("pinv_svd", """
def pinv_svd(A):
    return np.linalg.pinv(A)
""", ["pinv_svd_visible", "pinv_svd_hidden"]),
    "pinv_forbidden_alias": ("pinv_svd", """
from scipy.linalg import pinv as pseudo

def pinv_svd(A):
    return pseudo(A)
""", ["pinv_svd_visible", "pinv_svd_hidden"]),
    "lstsq_normal_equations": ("lstsq_min_norm", """
def lstsq_min_norm(A, b):
    return np.linalg.solve(A.T @ A, A.T @ b)
""", ["lstsq_min_norm_visible", "lstsq_min_norm_hidden"]),
    "condition_not_squared": ("condition_numbers", """
def condition_numbers(A):
    s = np.linalg.svd(A, compute_uv=False)
    return s[0] / s[-1], s[0] / s[-1]
""", ["condition_numbers_test"]),
    "gram_eigenvalues_ascending": ("gram_eigenvalues", """
def gram_eigenvalues(A):
    return np.linalg.eigvalsh(A.T @ A)
""", ["gram_eigenvalues_test"]),
    "eckart_young_off_by_one": ("eckart_young_errors", """
def eckart_young_errors(s, k):
    s = np.asarray(s, dtype=float)
    return (float(s[k - 1]) if k > 0 else float(s[0])), float(np.sqrt(np.sum(s[k - 1:] ** 2)))
""", ["eckart_young_test"]),
}

RIGHT = {
    "pinv_scipy_full_matrices": ("pinv_svd", """
import scipy.linalg

def pinv_svd(A):
    U, s, Vt = scipy.linalg.svd(A)              # full_matrices=True by default
    tol = max(A.shape) * np.finfo(float).eps * s[0]
    S_pinv = np.zeros((A.shape[1], A.shape[0]))
    r = int(np.sum(s > tol))
    S_pinv[:r, :r] = np.diag(1 / s[:r])
    return Vt.T @ S_pinv @ U.T
"""),
    "pinv_flipped_signs_float32": ("pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=np.float64), full_matrices=False)
    U, Vt = -U, -Vt                             # signs of singular vectors are not unique
    keep = s > max(A.shape) * np.finfo(float).eps * s[0]
    return ((Vt[keep].T / s[keep]) @ U[:, keep].T).astype(np.float32)
"""),
    "lstsq_through_pinv": ("lstsq_min_norm", """
def lstsq_min_norm(A, b):
    return pinv_svd(A) @ b
"""),
}
