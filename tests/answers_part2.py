"""Students' answers to part 2, right and wrong (see answers_part1)."""

NOTEBOOK = "2_image_reconstruction.ipynb"

WRONG = {
    "first_k_columns_last_k_rows": ("rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[len(s) - k:, :]
""", ["rank_k_approx_visible", "rank_k_approx_hidden"]),
    "k_off_by_one": ("rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    return (U[:, :k + 1] * s[:k + 1]) @ Vt[:k + 1, :]
""", ["rank_k_approx_visible", "rank_k_approx_hidden"]),
    "uint8_cast_without_clipping": ("to_uint8_image", """
def to_uint8_image(image):
    return np.uint8(np.asarray(image) * 255)
""", ["to_uint8_image_test"]),
    "errors_not_relative": ("rank_errors", """
def rank_errors(image, ks):
    s = np.linalg.svd(image, compute_uv=False)
    return np.array([np.sqrt(np.sum(s[k:] ** 2)) for k in ks])
""", ["rank_errors_test"]),
    "energy_by_sigma": ("smallest_rank_for_energy", """
def smallest_rank_for_energy(s, fraction):
    ratio = np.cumsum(s) / np.sum(s)
    return int(np.searchsorted(ratio, fraction) + 1)
""", ["smallest_rank_for_energy_visible", "smallest_rank_for_energy_hidden"]),
    "k_99_by_sigma": ("k_99", """
ratio = np.cumsum(s) / np.sum(s)
k_99 = int(np.searchsorted(ratio, 0.99) + 1)
""", ["k_99_test"]),
}

RIGHT = {
    "rank_k_full_sigma_scipy": ("rank_k_approx", """
import scipy.linalg

def rank_k_approx(U, s, Vt, k):
    kept = np.where(np.arange(len(s)) < k, s, 0.0)
    return U @ scipy.linalg.diagsvd(kept, len(s), len(s)) @ Vt   # slow but correct
"""),
    "rank_k_sum_of_outer_products": ("rank_k_approx", """
def rank_k_approx(U, s, Vt, k):
    out = np.zeros((U.shape[0], Vt.shape[1]))
    for i in range(k):
        out += s[i] * np.outer(U[:, i], Vt[i])
    return out
"""),
}
