"""Every number a mark scheme or task text quotes is recomputed here, from the notebook's own data.

A grader marks written answers against these keys: a wrong number in a key marks a right
student wrong.  Each test recomputes the figures with numpy and checks that the source
notebook states them as computed.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from skimage.transform import rescale

from conftest import SOURCE

import nbformat

from course_utils.images import add_gaussian_noise, load_sample
from course_utils.metrics import psnr


def _text(name):
    nb = nbformat.read(SOURCE / name, as_version=4)
    return "\n".join(c.source for c in nb.cells)


def _rank_k(U, s, Vt, k):
    return (U[:, :k] * s[:k]) @ Vt[:k]


@pytest.fixture(scope="module")
def denoising():
    sigma = 0.1
    clean = load_sample("immunohistochemistry")
    noisy = add_gaussian_noise(clean, sigma, seed=2024)
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    return sigma, clean, noisy, U, s, Vt


def test_q14_key_numbers(denoising):
    sigma, clean, noisy, U, s, Vt = denoising
    m, n = noisy.shape
    beta = min(m, n) / max(m, n)
    lam = np.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + np.sqrt(beta**2 + 14 * beta + 1)))
    k_gd = int(np.sum(s > lam * np.sqrt(max(m, n)) * sigma))
    k_energy = int(np.searchsorted(np.cumsum(s**2) / np.sum(s**2), 0.99) + 1)
    ks = np.arange(1, 201)
    psnrs = [psnr(clean, _rank_k(U, s, Vt, k)) for k in ks]
    k_best = int(ks[np.argmax(psnrs)])
    noise = noisy - clean
    noise_share = np.sum(noise**2) / np.sum(noisy**2)
    noise_kept = np.sum((U[:, :k_energy].T @ noise) ** 2) / np.sum(noise**2)
    text = _text("3_denoising.ipynb")
    assert (k_gd, k_best, k_energy) == (40, 41, 136)
    assert f"`k_gd` ({k_gd}) is next to `k_best` ({k_best})" in text and f"`k_energy` ({k_energy})" in text
    assert f"about {psnr(clean, _rank_k(U, s, Vt, k_gd)):.1f} dB, against {psnr(clean, noisy):.1f} dB" in text
    assert f"(about {psnr(clean, _rank_k(U, s, Vt, k_energy)):.1f} dB)" in text
    assert round(100 * noise_share) == 2 and "about 2 % of" in text
    assert 0.4 < noise_kept < 0.6 and "about half of the noise energy" in text


def test_q8_q9_key_numbers():
    image = rescale(load_sample("retina"), 0.5, anti_aliasing=True)
    m, n = image.shape
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    text = _text("2_image_reconstruction.ipynb")
    assert (m, n) == (706, 706) and f"${m}\\times{n}$ image" in text
    share = 50 * (m + n + 1) / (m * n)
    assert round(100 * share) == 14 and round(1 / share) == 7 and "rank 50 keeps about 14 %" in text
    assert round(100 * 100 * (m + n + 1) / (m * n)) == 28 and "rank 100 about 28 %" in text
    assert round(m * n / (m + n + 1)) == 353 and "\\approx 353" in text
    # bytes: 1 per pixel against 8 (float64) or 4 (float32) per stored number
    assert round(m * n / (8 * (m + n + 1))) == 44 and round(m * n / (4 * (m + n + 1))) == 88
    assert "\\approx 44$ (float32: near 88)" in text
    # a student's own variant: a 600 x 600 window (most often)
    w = 600
    assert (round(100 * 50 * (2 * w + 1) / w**2), round(100 * 100 * (2 * w + 1) / w**2)) == (17, 33)
    assert round(w * w / (2 * w + 1)) == 300 and round(w * w / (8 * (2 * w + 1))) == 37
    assert round(w * w / (4 * (2 * w + 1))) == 75
    assert ("a $600\\times600$ window" in text and "rank 50 keeps about 17 % of the numbers and rank 100 about 33 %"
            in text and "near $k \\approx 300$ and the bytes near 37 (float32: near 75)" in text)
    A50 = _rank_k(U, s, Vt, 50)
    error = np.linalg.norm(image - A50) / np.linalg.norm(image)
    assert f"relative error about {100 * error:.1f} %" in text
    assert f"PSNR about {psnr(image, A50):.0f} dB" in text
    assert re.search(r"Rank 100 halves the error", text)
    A100 = _rank_k(U, s, Vt, 100)
    assert 0.4 < (np.linalg.norm(image - A100) / np.linalg.norm(image)) / error < 0.6


def test_q17_key_numbers():
    """Notebook 4 (PCA of the diabetes data): every figure of the Q17 key, recomputed."""
    from sklearn.datasets import load_diabetes

    X = load_diabetes(scaled=False).data
    names = load_diabetes(scaled=False).feature_names
    text = _text("4_pca.ipynb")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    ratio = s**2 / np.sum(s**2)
    assert f"explains {100 * ratio[0]:.1f} % of the variance" in text
    v1 = Vt[0] * np.sign(Vt[0][names.index("s1")])  # the key quotes the negative sign numpy gives
    assert np.argsort(-np.abs(v1))[:2].tolist() == [names.index("s1"), names.index("s2")]
    assert np.all(np.abs(np.delete(v1, [4, 5])) < 0.1)
    assert f"`s1` (about −{abs(v1[4]):.2f})" in text and f"`s2` (about −{abs(v1[5]):.2f})" in text
    std = X.std(axis=0)
    assert np.argsort(-std)[:2].tolist() == [4, 5]
    assert f"({std[4]:.1f} and {std[5]:.1f}, against {std[1]:.2f} for `sex` and {std[8]:.2f} for `s5`)" in text
    share = (std[4] ** 2 + std[5] ** 2) / np.sum(std**2)
    assert f"hold {100 * share:.0f} % of the total raw variance" in text
    assert f"(correlation {np.corrcoef(X[:, 4], X[:, 5])[0, 1]:.2f})" in text
    k_raw = int(np.searchsorted(np.cumsum(ratio), 0.9) + 1)
    Z = Xc / X.std(axis=0)
    sz = np.linalg.svd(Z, compute_uv=False)
    cum_z = np.cumsum(sz**2) / np.sum(sz**2)
    k_z = int(np.searchsorted(cum_z, 0.9) + 1)
    assert (k_raw, k_z) == (3, 7)
    assert f"On the raw data {k_raw} components reach 90 % of the variance ({100 * np.cumsum(ratio)[k_raw - 1]:.1f} %)" in text
    assert f"`k_90` is {k_z} ({100 * cum_z[k_z - 1]:.1f} %; {k_z - 1} reach only {100 * cum_z[k_z - 2]:.1f} %)" in text
    assert f"the first component ({100 * cum_z[0]:.1f} %) weighs all ten features" in text
    _, sz_, Vz = np.linalg.svd(Z, full_matrices=False)
    assert np.all(np.abs(Vz[0]) > 0.15)  # "weighs all ten features"
    # without centring
    _, su, Vu = np.linalg.svd(X, full_matrices=False)
    mean = X.mean(axis=0)
    angle = np.degrees(np.arccos(abs(Vu[0] @ mean) / np.linalg.norm(mean)))
    assert f"at an angle of about {angle:.1f}° from the mean vector" in text
    assert f"carries {100 * su[0] ** 2 / np.sum(su**2):.1f} % of" in text
