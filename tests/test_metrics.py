"""Metrics against independent formulas (numpy) and scikit-image's own functions."""

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from course_utils.metrics import compression_ratio, psnr, relative_error, ssim, storage_cost

rng = np.random.default_rng(1234)


@pytest.fixture
def pair():
    ref = rng.random((40, 30))
    est = np.clip(ref + 0.05 * rng.standard_normal(ref.shape), 0, 1)
    return ref, est


def test_relative_error_matches_frobenius_ratio(pair):
    ref, est = pair
    expected = np.sqrt(np.sum((ref - est) ** 2)) / np.sqrt(np.sum(ref**2))
    assert relative_error(ref, est) == pytest.approx(expected, rel=1e-12)
    assert relative_error(ref, ref) == 0.0


def test_relative_error_of_zero_reference_is_refused():
    with pytest.raises(ValueError, match="all zeros"):
        relative_error(np.zeros((3, 3)), np.ones((3, 3)))


def test_psnr_matches_definition(pair):
    ref, est = pair
    mse = np.mean((ref - est) ** 2)
    assert psnr(ref, est) == pytest.approx(10 * np.log10(1.0 / mse), rel=1e-12)
    # data_range is used, not guessed from the dtype: 8-bit scale gives the same dB
    assert psnr(255 * ref, 255 * est, data_range=255) == pytest.approx(psnr(ref, est), rel=1e-12)


def test_psnr_identical_is_inf_without_warning(pair):
    ref, _ = pair
    assert psnr(ref, ref) == float("inf")


def test_ssim_passes_data_range(pair):
    ref, est = pair
    assert ssim(ref, est) == pytest.approx(structural_similarity(ref, est, data_range=1.0))
    assert ssim(ref, ref) == pytest.approx(1.0)
    # With data_range=1 the score differs from a call that pretends the range is 2 (skimage's float guess).
    assert ssim(ref, est) != pytest.approx(structural_similarity(ref, est, data_range=2.0))


def test_ssim_refuses_tiny_images():
    with pytest.raises(ValueError, match="7x7"):
        ssim(np.ones((5, 5)), np.ones((5, 5)))


@pytest.mark.parametrize("func", [relative_error, psnr, ssim])
def test_shape_mismatch_is_explained(func):
    with pytest.raises(ValueError, match="transpose"):
        func(np.ones((8, 9)), np.ones((9, 8)))


@pytest.mark.parametrize("func", [relative_error, psnr, ssim])
def test_nan_is_refused(func):
    bad = np.ones((8, 8))
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        func(np.ones((8, 8)), bad)


@pytest.mark.parametrize("shape, k", [((512, 512), 10), ((163, 372), 3), ((1, 9), 1), ((7, 4), 0), ((7, 4), 4)])
def test_storage_and_ratio(shape, k):
    m, n = shape
    # independent count: the arrays a rank-k factorisation keeps
    U, s, Vt = np.zeros((m, k)), np.zeros(k), np.zeros((k, n))
    assert storage_cost(shape, k) == U.size + s.size + Vt.size
    expected_ratio = np.inf if k == 0 else m * n / (U.size + s.size + Vt.size)
    assert compression_ratio(shape, k) == pytest.approx(expected_ratio)


def test_storage_rejects_bad_rank_and_shape():
    with pytest.raises(ValueError, match="min\\(m, n\\) = 4"):
        storage_cost((7, 4), 5)
    with pytest.raises(ValueError, match="at least 1 rows"):
        storage_cost((0, 4), 0)
    with pytest.raises(TypeError, match="two integers"):
        storage_cost((512.7, 512), 10)  # not silently truncated to 512
    with pytest.raises(TypeError, match="pair"):
        storage_cost(12, 1)
    with pytest.raises(TypeError, match="integer"):
        storage_cost((7, 4), 1.5)
