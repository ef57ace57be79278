"""Students' answers to the week-5 questions, right and wrong, each with the test cells it must fail.

One record per answer: the code replaces the whole answer cell, and ``lost`` names the
graded cells that must then score 0 (every other autograded cell keeps full marks).
The assignment's tests grade each of them with nbgrader to prove that the hidden tests
catch every wrong answer and accept every right one; the sample class
(:mod:`course_utils.grading.sample_class`) has one student per wrong answer.

Instructor only: the right answers are solutions.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NOTEBOOKS", "Variant", "WRONG", "RIGHT", "VARIANTS"]

#: The notebooks of the assignment, in order.
NOTEBOOKS = ("1_rank_pinv_lstsq.ipynb", "2_image_reconstruction.ipynb", "3_denoising.ipynb", "4_pca.ipynb")
_NB1, _NB2, _NB3 = NOTEBOOKS[:3]


@dataclass(frozen=True)
class Variant:
    """One answer to one question.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"pinv_forgets_to_invert"``.
    notebook : str
        File name of the notebook, e.g. ``"1_rank_pinv_lstsq.ipynb"``.
    answer_id : str
        ``grade_id`` of the answer cell whose whole source `code` replaces.
    code : str
        The student's cell (surrounding blank lines are not significant).
    lost : tuple of str
        ``grade_id`` of the graded cells that must score 0; empty for a right answer.
    description : str
        One line for people: what the student did.
    reasons : tuple of str
        Needs-attention kinds (see :data:`~course_utils.grading.results.REASONS`) the
        grading pipeline must report for this answer, e.g. ``("forbidden call",)``.

    Examples
    --------
    >>> v = WRONG[0]
    >>> v.student, v.right
    ('wrong_rank_counted_with_gt_zero', False)
    """

    name: str
    notebook: str
    answer_id: str
    code: str
    lost: tuple[str, ...] = ()
    description: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def right(self):
        """True for a correct answer (it loses no points)."""
        return not self.lost

    @property
    def student(self):
        """Student id of a submission made of this answer: ``wrong_<name>`` or ``right_<name>``."""
        return f"{'right' if self.right else 'wrong'}_{self.name}"


_PINV_CELLS = ("pinv_svd_visible", "pinv_svd_hidden")

WRONG = (
    # ------------------------------------------------------------------ part 1
    Variant("rank_counted_with_gt_zero", _NB1, "numerical_rank", """
def numerical_rank(A):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > 0))
""", ("numerical_rank_visible", "numerical_rank_hidden"),
        "numerical_rank counts singular values > 0 instead of above the tolerance"),
    Variant("rank_eps_of_integer_dtype", _NB1, "numerical_rank", """
def numerical_rank(A):
    s = np.linalg.svd(A, compute_uv=False)
    tol = max(A.shape) * np.finfo(A.dtype).eps * s[0]
    return int(np.sum(s > tol))
""", ("numerical_rank_hidden",),
        "numerical_rank takes np.finfo(A.dtype).eps, which raises on an integer matrix"),
    Variant("rank_is_matrix_rank", _NB1, "numerical_rank", """
numerical_rank = np.linalg.matrix_rank
""", ("numerical_rank_hidden",), "numerical_rank is np.linalg.matrix_rank, which the question forbids",
        ("forbidden call",)),
    Variant("pinv_float64_eps_for_float32", _NB1, "pinv_svd", """
def pinv_svd(A):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    tol = max(A.shape) * np.finfo(A.dtype).eps * s[0]    # A is float64 by now: float64's eps
    s_inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0)
    return (Vt.T * s_inv) @ U.T
""", ("pinv_svd_hidden",), "pinv_svd uses float64's eps for float32 input (inverts float32 round-off)"),
    Variant("pinv_forgets_to_invert", _NB1, "pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (Vt.T * s) @ U.T
""", _PINV_CELLS, "pinv_svd multiplies by the singular values instead of dividing"),
    Variant("pinv_inverts_zero_singular_values", _NB1, "pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)
    return (Vt.T * s_inv) @ U.T
""", _PINV_CELLS, "pinv_svd inverts tiny singular values (no tolerance)"),
    Variant("pinv_forbidden_call", _NB1, "pinv_svd", """
def pinv_svd(A):
    return np.linalg.pinv(A)
""", _PINV_CELLS, "pinv_svd calls np.linalg.pinv, which the question forbids",
        ("forbidden call",)),
    Variant("pinv_forbidden_alias", _NB1, "pinv_svd", """
from scipy.linalg import pinv as pseudo

def pinv_svd(A):
    return pseudo(A)
""", _PINV_CELLS, "pinv_svd calls scipy.linalg.pinv under another name (forbidden)",
        ("forbidden call",)),
    Variant("lstsq_normal_equations", _NB1, "lstsq_min_norm", """
def lstsq_min_norm(A, b):
    return np.linalg.solve(A.T @ A, A.T @ b)
""", ("lstsq_min_norm_visible", "lstsq_min_norm_hidden"),
        "lstsq_min_norm solves the normal equations (fails on rank-deficient A)"),
    Variant("condition_not_squared", _NB1, "condition_numbers", """
def condition_numbers(A):
    s = np.linalg.svd(A, compute_uv=False)
    return s[0] / s[-1], s[0] / s[-1]
""", ("condition_numbers_visible", "condition_numbers_hidden"), "condition_numbers returns kappa(A) twice, not kappa(A)^2"),
    Variant("condition_kappa_squared", _NB1, "condition_numbers", """
def condition_numbers(A):
    s = np.linalg.svd(A, compute_uv=False)
    kappa = np.inf if s[-1] == 0 else s[0] / s[-1]
    return kappa, kappa**2                      # the formula, not A^T A itself
""", ("condition_numbers_hidden",), "condition_numbers returns (kappa, kappa**2) instead of computing kappa(A^T A)"),
    Variant("gram_through_svd", _NB1, "gram_eigenvalues", """
def gram_eigenvalues(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.concatenate([s**2, np.zeros(A.shape[1] - len(s))])
""", ("gram_eigenvalues_hidden",), "gram_eigenvalues from the SVD, which the question forbids",
        ("forbidden call",)),
    Variant("gram_eigenvalues_ascending", _NB1, "gram_eigenvalues", """
def gram_eigenvalues(A):
    return np.linalg.eigvalsh(A.T @ A)
""", ("gram_eigenvalues_visible", "gram_eigenvalues_hidden"), "gram_eigenvalues in increasing order (eigvalsh's order)"),
    Variant("eckart_young_off_by_one", _NB1, "eckart_young_errors", """
def eckart_young_errors(s, k):
    s = np.asarray(s, dtype=float)
    return (float(s[k - 1]) if k > 0 else float(s[0])), float(np.sqrt(np.sum(s[k - 1:] ** 2)))
""", ("eckart_young_visible", "eckart_young_hidden"), "eckart_young_errors uses sigma_k instead of sigma_(k+1)"),
    # ------------------------------------------------------------------ part 2
    Variant("first_k_columns_last_k_rows", _NB2, "rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[len(s) - k:, :]
""", ("rank_k_approx_visible", "rank_k_approx_hidden"),
        "rank_k_approx pairs the first k columns of U with the last k rows of Vt"),
    Variant("k_off_by_one", _NB2, "rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    return (U[:, :k + 1] * s[:k + 1]) @ Vt[:k + 1, :]
""", ("rank_k_approx_visible", "rank_k_approx_hidden"), "rank_k_approx keeps k + 1 terms"),
    Variant("uint8_cast_without_clipping", _NB2, "to_uint8_image", """
def to_uint8_image(image):
    return np.uint8(np.asarray(image) * 255)
""", ("to_uint8_image_visible", "to_uint8_image_hidden"), "to_uint8_image casts without clipping (values wrap around)"),
    Variant("errors_not_relative", _NB2, "rank_errors", """
def rank_errors(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    return np.array([np.sqrt(np.sum(s[k:] ** 2)) for k in ks])
""", ("rank_errors_visible", "rank_errors_hidden"), "rank_errors gives absolute, not relative, errors"),
    Variant("errors_uint8_squares", _NB2, "rank_errors", """
def rank_errors(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    norm = np.sqrt(np.sum(image ** 2))          # ||A||_F from the pixels: uint8 squares wrap around
    return np.array([np.sqrt(np.sum(s[k:] ** 2)) / norm for k in ks])
""", ("rank_errors_hidden",), "rank_errors squares a uint8 image without converting it to float"),
    Variant("energy_by_sigma", _NB2, "smallest_rank_for_energy", """
def smallest_rank_for_energy(s, fraction):
    ratio = np.cumsum(s) / np.sum(s)
    return int(np.searchsorted(ratio, fraction) + 1)
""", ("smallest_rank_for_energy_visible", "smallest_rank_for_energy_hidden"),
        "smallest_rank_for_energy sums singular values instead of their squares"),
    Variant("energy_strictly_greater", _NB2, "smallest_rank_for_energy", """
def smallest_rank_for_energy(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.argmax(energy > fraction) + 1)   # > instead of >=
""", ("smallest_rank_for_energy_visible", "smallest_rank_for_energy_hidden"),
        "smallest_rank_for_energy uses > where the definition says >="),
    Variant("energy_no_roundoff_tolerance", _NB2, "smallest_rank_for_energy", """
def smallest_rank_for_energy(s, fraction):
    energy = np.cumsum(s**2) / np.sum(s**2)
    return int(np.searchsorted(energy, fraction) + 1)
""", ("smallest_rank_for_energy_hidden",),
        "smallest_rank_for_energy has no round-off tolerance: at fraction 1.0 it returns len(s) + 1"),
    Variant("k_99_by_sigma", _NB2, "k_99", """
ratio = np.cumsum(s) / np.sum(s)
k_99 = int(np.searchsorted(ratio, 0.99) + 1)
""", ("k_99_test",), "k_99 from the sum of singular values instead of their squares"),
    # ------------------------------------------------------------------ part 3
    Variant("psnr_against_noisy", _NB3, "psnr_by_rank", """
from skimage.metrics import peak_signal_noise_ratio

def psnr_by_rank(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([peak_signal_noise_ratio(noisy, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0) for k in ks])
""", ("psnr_by_rank_visible", "psnr_by_rank_hidden"),
        "psnr_by_rank compares with the noisy image instead of the clean one"),
    Variant("gd_beta_not_below_one", _NB3, "gavish_donoho_threshold", """
def gavish_donoho_threshold(s, shape, sigma=None):
    m, n = shape
    beta = m / n
    if sigma is not None:
        lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
        return float(lam * np.sqrt(n) * sigma)
    return float((0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s))
""", ("gavish_donoho_visible", "gavish_donoho_hidden"),
        "gavish_donoho_threshold uses beta = m / n, above 1 for tall matrices"),
    Variant("color_not_clipped", _NB3, "denoise_color", """
def denoise_color(image, k):
    out = np.empty_like(image, dtype=float)
    for c in range(3):
        U, s, Vt = np.linalg.svd(image[:, :, c], full_matrices=False)
        out[:, :, c] = (U[:, :k] * s[:k]) @ Vt[:k]
    return out
""", ("denoise_color_visible", "denoise_color_hidden"), "denoise_color does not clip to [0, 1]"),
    Variant("color_sparse_svds", _NB3, "denoise_color", """
import scipy.sparse.linalg

def denoise_color(image, k):
    out = np.empty(image.shape)
    for c in range(3):
        U, s, Vt = scipy.sparse.linalg.svds(image[:, :, c], k=k)   # needs 0 < k < min(m, n)
        out[:, :, c] = (U * s) @ Vt
    return np.clip(out, 0, 1)
""", ("denoise_color_visible", "denoise_color_hidden"),
        "denoise_color with scipy.sparse.linalg.svds, which fails at k = 0 and k = min(m, n)"),
)

RIGHT = (
    Variant("rank_scipy_svdvals_loop", _NB1, "numerical_rank", """
import scipy.linalg

def numerical_rank(A):
    A = np.asarray(A)
    eps = np.finfo(A.dtype).eps if A.dtype in (np.float32, np.float64) else np.finfo(np.float64).eps
    s = scipy.linalg.svdvals(A.astype(np.float64))
    tol = max(A.shape) * eps * max(s)            # an explicit tolerance
    rank = 0
    for value in s:
        if value > tol:
            rank += 1
    return rank
""", description="numerical_rank with scipy.linalg.svdvals, an explicit tolerance and a loop"),
    Variant("pinv_scipy_full_matrices", _NB1, "pinv_svd", """
import scipy.linalg

def pinv_svd(A):
    eps = np.finfo(A.dtype).eps if A.dtype.kind == "f" else np.finfo(float).eps
    U, s, Vt = scipy.linalg.svd(A)              # full_matrices=True by default
    tol = max(A.shape) * eps * s[0]
    S_pinv = np.zeros((A.shape[1], A.shape[0]))
    r = int(np.sum(s > tol))
    S_pinv[:r, :r] = np.diag(1 / s[:r])
    return Vt.T @ S_pinv @ U.T
""", description="pinv_svd with SciPy's full SVD and an explicit Sigma^+ matrix"),
    Variant("pinv_flipped_signs_float32", _NB1, "pinv_svd", """
def pinv_svd(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=np.float64), full_matrices=False)
    U, Vt = -U, -Vt                             # signs of singular vectors are not unique
    eps = np.finfo(A.dtype if np.issubdtype(A.dtype, np.floating) else np.float64).eps
    keep = s > max(A.shape) * eps * s[0]
    return ((Vt[keep].T / s[keep]) @ U[:, keep].T).astype(np.float32)
""", description="pinv_svd with flipped singular vectors, returned in float32"),
    Variant("lstsq_through_pinv", _NB1, "lstsq_min_norm", """
def lstsq_min_norm(A, b):
    return pinv_svd(A) @ b
""", description="lstsq_min_norm through the student's own pinv_svd"),
    Variant("rank_k_full_sigma_scipy", _NB2, "rank_k_approx", """
import scipy.linalg

def rank_k_approx(U, s, Vt, k):
    kept = np.where(np.arange(len(s)) < k, s, 0.0)
    return U @ scipy.linalg.diagsvd(kept, len(s), len(s)) @ Vt   # slow but correct
""", description="rank_k_approx through a full Sigma matrix (slow but correct)"),
    Variant("rank_k_sum_of_outer_products", _NB2, "rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    out = np.zeros((U.shape[0], Vt.shape[1]))
    for i in range(k):
        out += s[i] * np.outer(U[:, i], Vt[i])
    return out
""", description="rank_k_approx as a sum of k outer products"),
    Variant("condition_scipy_list", _NB1, "condition_numbers", """
import scipy.linalg

def condition_numbers(A):
    kappas = []
    for M in (A, A.T @ A):
        s = scipy.linalg.svdvals(M)
        kappas.append(np.inf if s[-1] == 0 else s[0] / s[-1])
    return kappas
""", description="condition_numbers with scipy.linalg.svdvals, returned as a list"),
    Variant("gram_scipy_eigvalsh_sorted", _NB1, "gram_eigenvalues", """
import scipy.linalg

def gram_eigenvalues(A):
    return np.sort(scipy.linalg.eigvalsh(A.T @ A))[::-1]
""", description="gram_eigenvalues with scipy.linalg.eigvalsh and np.sort"),
    Variant("rank_k_small_diag", _NB2, "rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]      # a k x k diagonal matrix
""", description="rank_k_approx with a k x k np.diag(s[:k])"),
    Variant("uint8_round_then_clip_255", _NB2, "to_uint8_image", """
def to_uint8_image(image):
    return np.clip(np.round(np.asarray(image, dtype=float) * 255), 0, 255).astype(np.uint8)
""", description="to_uint8_image scaling and rounding first, clipping to 0..255 after"),
    Variant("errors_measured_in_a_loop", _NB2, "rank_errors", """
def rank_errors(image, ks):
    A = np.asarray(image, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    errors = []
    for k in ks:
        A_k = U[:, :k] @ np.diag(s[:k]) @ Vt[:k]
        errors.append(np.linalg.norm(A - A_k) / np.linalg.norm(A))
    return np.array(errors)
""", description="rank_errors forming each A_k in a loop and measuring it"),
    Variant("energy_loop_with_tolerance", _NB2, "smallest_rank_for_energy", """
def smallest_rank_for_energy(s, fraction):
    total = sum(x * x for x in s)
    kept = 0.0
    for k, x in enumerate(s, start=1):
        kept += x * x
        if kept >= (fraction - 1e-12) * total:
            return k
    return len(s)
""", description="smallest_rank_for_energy with a loop and an explicit round-off tolerance"),
    Variant("color_per_channel_scipy", _NB3, "denoise_color", """
import scipy.linalg

def denoise_color(image, k):
    channels = []
    for c in range(image.shape[2]):
        U, s, Vt = scipy.linalg.svd(image[:, :, c])       # full matrices
        channels.append(U[:, :k] @ np.diag(s[:k]) @ Vt[:k])
    return np.clip(np.dstack(channels), 0.0, 1.0)
""", description="denoise_color channel by channel with scipy.linalg.svd and np.dstack"),
    Variant("psnr_with_skimage_data_range", _NB3, "psnr_by_rank", """
from skimage.metrics import peak_signal_noise_ratio

def psnr_by_rank(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([peak_signal_noise_ratio(clean, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0) for k in ks])
""", description="psnr_by_rank with skimage's peak_signal_noise_ratio"),
)

#: Every answer, wrong ones first.
VARIANTS = WRONG + RIGHT


# ------------------------------------------------------------------ part 4 (PCA)
_NB4 = NOTEBOOKS[3]
_PCA_CELLS = ("pca_visible", "pca_hidden")

WRONG += (
    Variant("pca_not_centred", _NB4, "pca_svd", """
def pca_svd(X, k):
    U, s, Vt = np.linalg.svd(np.asarray(X, dtype=float), full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]
""", _PCA_CELLS, "pca_svd takes the SVD of X without subtracting the column means"),
    Variant("pca_ratio_by_sigma", _NB4, "pca_svd", """
def pca_svd(X, k):
    Xc = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] / np.sum(s), U[:, :k] * s[:k]
""", _PCA_CELLS, "pca_svd's explained variance ratio is s / sum(s) instead of s**2 / sum(s**2)"),
    Variant("pca_scores_are_u", _NB4, "pca_svd", """
def pca_svd(X, k):
    Xc = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k]
""", _PCA_CELLS, "pca_svd returns U[:, :k] as the scores instead of U[:, :k] * s[:k]"),
    Variant("pca_components_as_columns", _NB4, "pca_svd", """
def pca_svd(X, k):
    Xc = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt.T[:, :k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]
""", _PCA_CELLS, "pca_svd returns the components as the columns of an (n, k) array"),
    Variant("pca_standardises_inside", _NB4, "pca_svd", """
def pca_svd(X, k):
    data = np.asarray(X, dtype=float)
    standardised = (data - data.mean(axis=0)) / data.std(axis=0)
    U, s, Vt = np.linalg.svd(standardised, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s**2), U[:, :k] * s[:k]
""", _PCA_CELLS, "pca_svd standardises X inside the function"),
    Variant("pca_forbidden_sklearn", _NB4, "pca_svd", """
from sklearn.decomposition import PCA

def pca_svd(X, k):
    model = PCA(n_components=k).fit(X)
    return model.components_, model.explained_variance_ratio_, model.transform(X)
""", _PCA_CELLS, "pca_svd calls scikit-learn's PCA, which the question forbids", ("forbidden call",)),
    Variant("k_90_by_sigma", _NB4, "k_90", """
s_Z = np.linalg.svd(Z, compute_uv=False)
k_90 = int(np.searchsorted(np.cumsum(s_Z) / np.sum(s_Z), 0.9) + 1)
print(f"k_90 = {k_90}")
""", ("k_90_test",), "k_90 from the sum of singular values instead of their squares"),
)

RIGHT += (
    Variant("pca_scipy_full_svd", _NB4, "pca_svd", """
import scipy.linalg

def pca_svd(X, k):
    Xc = np.asarray(X, dtype=np.float64)
    Xc = Xc - Xc.mean(axis=0, keepdims=True)
    U, s, Vt = scipy.linalg.svd(Xc)                 # full_matrices=True: U is m x m
    ratio = s**2 / np.sum(s**2)
    return Vt[:k, :], ratio[:k], Xc @ Vt[:k, :].T
""", description="pca_svd with SciPy's full SVD, scores as X_c @ V_k"),
    Variant("pca_covariance_eigh", _NB4, "pca_svd", """
def pca_svd(X, k):
    Xc = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    C = Xc.T @ Xc / (Xc.shape[0] - 1)               # the covariance matrix
    lam, V = np.linalg.eigh(C)                       # increasing order
    lam, V = lam[::-1], -V[:, ::-1]                  # decreasing, and the other signs
    return V[:, :k].T, lam[:k] / np.sum(lam), Xc @ V[:, :k]
""", description="pca_svd through the eigenvectors of the covariance matrix (eigh), order and signs flipped"),
)

#: Every answer, wrong ones first.
VARIANTS = WRONG + RIGHT
