"""Students' answers to part 3, right and wrong (see answers_part1)."""

NOTEBOOK = "3_denoising.ipynb"

WRONG = {
    "psnr_against_noisy": ("psnr_by_rank", """
from skimage.metrics import peak_signal_noise_ratio

def psnr_by_rank(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([peak_signal_noise_ratio(noisy, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0) for k in ks])
""", ["psnr_by_rank_visible", "psnr_by_rank_hidden"]),
    "gd_beta_not_below_one": ("gavish_donoho_threshold", """
def gavish_donoho_threshold(s, shape, sigma=None):
    m, n = shape
    beta = m / n
    if sigma is not None:
        lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
        return float(lam * np.sqrt(n) * sigma)
    return float((0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43) * np.median(s))
""", ["gavish_donoho_visible", "gavish_donoho_hidden"]),
    "color_not_clipped": ("denoise_color", """
def denoise_color(image, k):
    out = np.empty_like(image, dtype=float)
    for c in range(3):
        U, s, Vt = np.linalg.svd(image[:, :, c], full_matrices=False)
        out[:, :, c] = (U[:, :k] * s[:k]) @ Vt[:k]
    return out
""", ["denoise_color_visible", "denoise_color_hidden"]),
}

RIGHT = {
    "psnr_with_skimage_data_range": ("psnr_by_rank", """
from skimage.metrics import peak_signal_noise_ratio

def psnr_by_rank(noisy, clean, ks):
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return np.array([peak_signal_noise_ratio(clean, (U[:, :k] * s[:k]) @ Vt[:k], data_range=1.0) for k in ks])
"""),
}
