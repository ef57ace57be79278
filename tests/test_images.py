"""Tests of course_utils.images: samples, file loading, conversions, noise, text image."""

import inspect
import socket
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data
import skimage.util

from course_utils import images
from course_utils.images import (
    BIOLOGICAL_SAMPLES,
    SAMPLES,
    add_gaussian_noise,
    large_test_image,
    cell_field,
    load_image,
    load_sample,
    text_image,
    to_float,
    to_gray,
    to_uint8,
)

# Luminance weights of skimage.color.rgb2gray, written out as an independent reference.
WEIGHTS = np.array([0.2125, 0.7154, 0.0721])
REQUIRED = {"cell", "retina", "immunohistochemistry", "microaneurysms", "camera", "text", "moon", "coins"}
BIO = {"cell", "retina", "immunohistochemistry", "microaneurysms"}
BUNDLED_PNG = Path(images.__file__).parent / "data" / "jikken_163x372.png"


def _gray_ref(rgb):
    return rgb[..., :3] @ WEIGHTS


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ---------------------------------------------------------------- samples


def test_samples_lists_required_names_and_marks_biology():
    assert REQUIRED <= set(SAMPLES)
    assert BIO <= set(BIOLOGICAL_SAMPLES)
    assert not {"camera", "text", "moon", "coins"} & set(BIOLOGICAL_SAMPLES)
    assert all(isinstance(d, str) and d for d in SAMPLES.values())
    with pytest.raises(TypeError):
        SAMPLES["lena"] = "read-only"  # the single source of names cannot be edited by accident


def test_default_sample_is_biological():
    default = inspect.signature(load_sample).parameters["name"].default
    assert default in BIOLOGICAL_SAMPLES


@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_sample_loads_offline(name, no_network):
    A = load_sample(name)
    raw = skimage.util.img_as_float64(getattr(skimage.data, name)())
    expected = _gray_ref(raw) if raw.ndim == 3 else raw
    assert A.dtype == np.float64 and A.ndim == 2
    assert A.min() >= 0.0 and A.max() <= 1.0
    np.testing.assert_allclose(A, expected, atol=1e-12)

    rgb = load_sample(name, gray=False)
    assert rgb.shape == A.shape + (3,) and rgb.dtype == np.float64
    expected_rgb = raw[..., :3] if raw.ndim == 3 else np.stack([raw] * 3, axis=-1)
    np.testing.assert_allclose(rgb, expected_rgb, atol=1e-12)


def test_sample_name_is_case_and_space_insensitive():
    np.testing.assert_array_equal(load_sample("  Cell "), load_sample("cell"))


@pytest.mark.parametrize("name", ["brain", "cells3d", "human_mitosis", "kidney", "skin", "lily", "eagle"])
def test_download_only_samples_are_refused(name):
    assert name not in SAMPLES
    with pytest.raises(ValueError, match=rf"'{name}'.*needs a download.*'retina'.*'cell'"):
        load_sample(name)


def test_unknown_sample_lists_available_names():
    with pytest.raises(ValueError, match=r"Unknown sample name 'lena'\. Available samples: .*'retina'.*'coins'"):
        load_sample("lena")


def test_sample_name_must_be_str():
    with pytest.raises(TypeError, match="name must be a string"):
        load_sample(3)


# ---------------------------------------------------------------- load_image


def _smooth_bgr(dtype, channels, shape=(48, 64)):
    """A smooth colour test pattern (JPEG-friendly) with distinct channels, in BGR(A) order."""
    top = np.iinfo(dtype).max
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    chans = [x / (shape[1] - 1), y / (shape[0] - 1), 0.5 + 0.4 * np.sin(x / 9.0) * np.cos(y / 7.0)]
    chans.append(np.full(shape, 0.25))  # alpha, must be dropped
    img = np.rint(np.stack(chans[:channels], axis=-1) * top).astype(dtype)
    return img[..., 0] if channels == 1 else img


CASES = [
    ("png", np.uint8, 1),
    ("png", np.uint8, 3),
    ("png", np.uint8, 4),
    ("png", np.uint16, 1),
    ("png", np.uint16, 3),
    ("png", np.uint16, 4),
    ("tiff", np.uint8, 1),
    ("tiff", np.uint8, 3),
    ("tiff", np.uint16, 1),
    ("tiff", np.uint16, 3),
    ("tiff", np.uint16, 4),
    ("jpg", np.uint8, 1),
    ("jpg", np.uint8, 3),
]


@pytest.mark.parametrize(("ext", "dtype", "channels"), CASES)
def test_load_image_round_trip(tmp_path, ext, dtype, channels):
    bgr = _smooth_bgr(dtype, channels)
    file = tmp_path / f"img_{np.dtype(dtype).name}_{channels}.{ext}"
    assert cv2.imwrite(str(file), bgr)

    scaled = bgr / np.iinfo(dtype).max
    expected_rgb = np.stack([scaled] * 3, axis=-1) if channels == 1 else scaled[..., 2::-1]
    tol = 0.03 if ext == "jpg" else 1e-12  # JPEG is lossy

    rgb = load_image(file, gray=False)
    assert rgb.dtype == np.float64 and rgb.shape == bgr.shape[:2] + (3,)
    assert np.mean(np.abs(rgb - expected_rgb)) <= tol

    gray = load_image(str(file))  # str works as well as Path
    assert gray.dtype == np.float64 and gray.shape == bgr.shape[:2]
    expected_gray = scaled if channels == 1 else _gray_ref(expected_rgb)
    assert np.mean(np.abs(gray - expected_gray)) <= tol
    assert gray.min() >= 0.0 and gray.max() <= 1.0


@pytest.mark.parametrize(("ext", "channels"), [("png", 3), ("png", 4), ("tiff", 3), ("tiff", 4), ("jpg", 3)])
def test_load_image_returns_rgb_not_bgr(tmp_path, ext, channels):
    bgr = np.zeros((32, 32, channels), dtype=np.uint8)
    bgr[..., 2] = 255  # pure red in OpenCV's BGR order
    if channels == 4:
        bgr[..., 3] = 0  # fully transparent: alpha is dropped, not blended
    file = tmp_path / f"red.{ext}"
    assert cv2.imwrite(str(file), bgr)
    rgb = load_image(file, gray=False)
    assert rgb[..., 0].min() > 0.95, "red channel should be the bright one"
    assert rgb[..., 1:].max() < 0.05


def test_load_image_non_ascii_path(tmp_path):
    file = tmp_path / "実験_画像.png"
    img = _smooth_bgr(np.uint8, 1)
    assert cv2.imwrite(str(file), img)
    np.testing.assert_array_equal(load_image(file), img / 255)


def test_load_image_falls_back_to_imdecode_when_imread_gives_none(tmp_path, monkeypatch):
    # cv2.imread returns None for non-ASCII paths on Windows; the bytes are then decoded instead.
    img = _smooth_bgr(np.uint16, 3)
    file = tmp_path / "x.png"
    assert cv2.imwrite(str(file), img)
    monkeypatch.setattr(images.cv2, "imread", lambda *args, **kwargs: None)
    np.testing.assert_array_equal(load_image(file, gray=False), img[..., ::-1] / 65535)


def test_load_image_missing_file(tmp_path):
    missing = tmp_path / "no_such_picture.png"
    with pytest.raises(FileNotFoundError, match=r"no_such_picture\.png.*current folder"):
        load_image(missing)
    with pytest.raises(FileNotFoundError, match="no_such_picture"):
        load_image(str(missing))


@pytest.mark.parametrize("content", [b"this is not a picture\n" * 20, b""])
def test_load_image_garbage_file(tmp_path, content):
    fake = tmp_path / "fake.png"
    fake.write_bytes(content)
    with pytest.raises(ValueError, match=r"could not decode .*fake\.png"):
        load_image(fake)


def test_load_image_folder_and_bad_type(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        load_image(tmp_path)
    with pytest.raises(TypeError, match="path must be a str"):
        load_image(42)


# ---------------------------------------------------------------- to_float / to_gray


def test_to_float_scales_by_dtype():
    u8 = np.array([[0, 1, 128, 255]], dtype=np.uint8)
    u16 = np.array([[0, 1, 32768, 65535]], dtype=np.uint16)
    np.testing.assert_array_equal(to_float(u8), u8.astype(np.float64) / 255)
    np.testing.assert_array_equal(to_float(u16), u16.astype(np.float64) / 65535)
    np.testing.assert_array_equal(to_float(np.array([[True, False]])), [[1.0, 0.0]])
    np.testing.assert_array_equal(to_float([[0, 51, 255]]), [[0.0, 0.2, 1.0]])  # plain ints: 8-bit
    f32 = np.array([[0.25, 0.5]], dtype=np.float32)
    out = to_float(f32)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0.25, 0.5]])
    for x in (u8, u16, f32):
        assert to_float(x).dtype == np.float64


def test_to_float_returns_new_array_and_clips_rounding_error():
    x = np.array([[-5e-7, 0.5, 1 + 5e-7]])
    out = to_float(x)
    np.testing.assert_array_equal(out, [[0.0, 0.5, 1.0]])
    out[0, 1] = 0.9
    assert x[0, 1] == 0.5


@pytest.mark.parametrize(
    ("bad", "exc", "pattern"),
    [
        (np.array([[0.0, 1.1]]), ValueError, r"\[0, 1\].*Rescale.*image / image\.max\(\)"),
        (np.array([[-0.01, 0.5]]), ValueError, r"Rescale"),
        (np.array([[0, 300]]), ValueError, r"outside the 8-bit range.*Rescale"),
        (np.array([[-1, 3]], dtype=np.int16), ValueError, r"Rescale"),
        (np.array([[0.1, np.nan]]), ValueError, r"NaN or infinite"),
        (np.array([[0.1, np.inf]]), ValueError, r"NaN or infinite"),
        (np.zeros((0, 3)), ValueError, r"empty"),
        (np.zeros(5), ValueError, r"2-D gray image.*got 1-D"),
        (np.zeros((2, 3, 4, 3)), ValueError, r"got 4-D"),
        (np.zeros((4, 4, 2)), ValueError, r"2 channel"),
        ("photo.png", TypeError, r"numeric array"),
        (np.ones((2, 2), dtype=complex), TypeError, r"complex"),
    ],
)
def test_to_float_rejects(bad, exc, pattern):
    with pytest.raises(exc, match=pattern):
        to_float(bad)


def test_to_gray_accepts_gray_images():
    g = np.random.default_rng(1).random((7, 5))
    out = to_gray(g)
    assert out.dtype == np.float64 and out.shape == (7, 5)
    np.testing.assert_array_equal(out, g)
    np.testing.assert_array_equal(to_gray(np.array([[0, 255]], dtype=np.uint8)), [[0.0, 1.0]])


def test_to_gray_uses_rgb2gray_weights():
    rng = np.random.default_rng(2)
    rgb = rng.random((9, 11, 3))
    np.testing.assert_allclose(to_gray(rgb), rgb @ WEIGHTS, atol=1e-15)
    rgba = np.concatenate([rgb, rng.random((9, 11, 1))], axis=-1)
    np.testing.assert_array_equal(to_gray(rgba), to_gray(rgb))  # alpha dropped
    u8 = rng.integers(0, 256, size=(4, 6, 3), dtype=np.uint8)
    np.testing.assert_allclose(to_gray(u8), (u8 / 255) @ WEIGHTS, atol=1e-15)
    white = to_gray(np.ones((3, 3, 3)))
    assert white.max() <= 1.0 and np.allclose(white, 1.0)


# ---------------------------------------------------------------- to_uint8


def test_to_uint8_clips_and_rounds_instead_of_wrapping():
    x = np.array([[1.2, -0.1, 0.5, 0.0, 1.0]])
    expected = np.array([[255, 0, 128, 0, 255]], dtype=np.uint8)
    out = to_uint8(x)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected)

    # The bug it prevents: the naive cast wraps around (1.2 * 255 = 306 -> 50 on common hardware).
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive = np.uint8(x * 255)
    assert not np.array_equal(naive, expected)
    assert naive[0, 0] != 255
    wrapped = (x * 255).astype(np.int64).astype(np.uint8)  # deterministic modular version
    assert wrapped[0, 0] == 50 and wrapped[0, 1] == 231


def test_to_uint8_rounds_half_to_even_and_uses_data_range():
    np.testing.assert_array_equal(to_uint8(np.array([[2.5, 3.5, 254.5]]), data_range=255), [[2, 4, 254]])
    np.testing.assert_array_equal(to_uint8(np.array([[0, 2000, 4095, 5000]]), data_range=4095), [[0, 125, 255, 255]])
    u8 = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(to_uint8(u8, data_range=255), u8)
    rgb = np.random.default_rng(3).random((5, 4, 3))
    out = to_uint8(rgb)
    assert out.shape == rgb.shape
    np.testing.assert_array_equal(out, np.floor(rgb * 255 + 0.5).astype(np.uint8))


def test_to_uint8_round_trips_with_to_float():
    u8 = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(to_uint8(to_float(u8)), u8)


def test_to_uint8_rejects_bad_input():
    with pytest.raises(ValueError, match="data_range=255"):
        to_uint8(np.array([[0, 200]], dtype=np.uint8))
    with pytest.raises(ValueError, match="data_range must be finite and > 0"):
        to_uint8(np.zeros((2, 2)), data_range=0)
    with pytest.raises(ValueError, match="NaN"):
        to_uint8(np.array([[np.nan, 0.5]]))


# ---------------------------------------------------------------- noise


def test_noise_is_seeded_and_documented():
    img = np.full((40, 30), 0.5)
    a = add_gaussian_noise(img, 0.1, seed=7)
    np.testing.assert_array_equal(a, add_gaussian_noise(img, 0.1, seed=7))
    assert not np.array_equal(a, add_gaussian_noise(img, 0.1, seed=8))
    np.testing.assert_allclose(a, img + 0.1 * np.random.default_rng(7).standard_normal(img.shape), atol=1e-15)
    assert not np.array_equal(add_gaussian_noise(img, 0.1, seed=None), add_gaussian_noise(img, 0.1, seed=None))
    np.testing.assert_array_equal(add_gaussian_noise(img, 0.0), img)
    assert np.array_equal(add_gaussian_noise(img, 0.1), add_gaussian_noise(img, 0.1, seed=0))


def test_noise_statistics_on_a_large_image():
    img = np.full((1000, 1000), 0.5)
    sigma = 0.05
    noise = add_gaussian_noise(img, sigma, seed=3) - img
    assert abs(noise.std() - sigma) < 0.01 * sigma  # std error ~ sigma / sqrt(2 * 1e6)
    assert abs(noise.mean()) < 5 * sigma / 1000
    assert abs(np.mean(np.abs(noise) < sigma) - 0.6827) < 0.005  # one-sigma fraction of a Gaussian


def test_noise_is_not_clipped_by_default():
    dark = np.zeros((100, 100))
    noisy = add_gaussian_noise(dark, 0.1, seed=0)
    assert noisy.min() < 0  # clipping would bias the noise away from N(0, sigma^2)
    clipped = add_gaussian_noise(dark, 0.1, seed=0, clip=True)
    assert clipped.min() >= 0 and clipped.max() <= 1
    np.testing.assert_array_equal(clipped, np.clip(noisy, 0, 1))


def test_noise_converts_integer_images_and_validates():
    u8 = np.full((4, 4), 255, dtype=np.uint8)
    np.testing.assert_allclose(add_gaussian_noise(u8, 0.0), 1.0)
    with pytest.raises(ValueError, match="sigma must be finite and >= 0"):
        add_gaussian_noise(np.zeros((3, 3)), -0.1)
    with pytest.raises(TypeError, match="sigma must be a real number"):
        add_gaussian_noise(np.zeros((3, 3)), "0.1")
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        add_gaussian_noise(np.zeros((3, 3)), 0.1, seed=-1)
    with pytest.raises(TypeError, match="seed must be a non-negative integer"):
        add_gaussian_noise(np.zeros((3, 3)), 0.1, seed=1.5)


# ---------------------------------------------------------------- text_image


def _assert_text_like(T, shape):
    assert T.shape == shape and T.dtype == np.float64
    assert T.min() >= 0.0 and T.max() <= 1.0
    assert T.min() < 0.1 and T.max() > 0.99  # both ink and background
    ink = np.mean(T < 0.5)
    assert 0.05 < ink < 0.6
    assert np.all(T[0, :] > 0.9) and np.all(T[:, 0] > 0.9)  # white margin: dark text on white
    s = np.linalg.svd(T, compute_uv=False)
    rank1_error = np.sqrt(np.sum(s[1:] ** 2) / np.sum(s**2))
    assert rank1_error > 0.1, "a text image should not already be (nearly) rank 1"


@pytest.fixture
def no_fonts(monkeypatch):
    monkeypatch.setattr(images, "_find_font", lambda text: None)


def test_text_image_rendered_with_cjk_font():
    if images._find_font("実験") is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. matplotlib's "Glyph ... missing from font"
        T = text_image()
        other = text_image("特異値分解", (90, 400))
    _assert_text_like(T, (163, 372))
    _assert_text_like(other, (90, 400))
    # The bundled fallback was rendered the same way.
    bundled = cv2.imread(str(BUNDLED_PNG), cv2.IMREAD_GRAYSCALE) / 255
    assert np.mean(np.abs(T - bundled)) < 0.01


def test_text_image_latin_text_needs_no_cjk_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        T = text_image("SVD", (60, 160))
    _assert_text_like(T, (60, 160))


def test_text_image_fallback_uses_bundled_png(no_fonts):
    T = text_image()
    expected = cv2.imread(str(BUNDLED_PNG), cv2.IMREAD_UNCHANGED)
    assert expected is not None and expected.dtype == np.uint8 and expected.ndim == 2
    np.testing.assert_array_equal(T, expected / 255)
    _assert_text_like(T, (163, 372))


def test_text_image_fallback_resizes(no_fonts):
    T = text_image(shape=(100, 228))
    _assert_text_like(T, (100, 228))


def test_text_image_other_text_without_font_explains_fix(no_fonts):
    with pytest.raises(RuntimeError, match=r"'細胞'.*fonts-noto-cjk"):
        text_image("細胞")


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"text": 5}, TypeError, "text must be a string"),
        ({"text": "  "}, ValueError, "visible character"),
        ({"shape": (5, 100)}, ValueError, "at least 8"),
        ({"shape": (10.5, 30)}, TypeError, "two integers"),
        ({"shape": 100}, TypeError, r"pair \(rows, columns\)"),
    ],
)
def test_text_image_validates(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        text_image(**kwargs)


# ---------------------------------------------------------------- large_test_image


def test_large_test_image_default_is_12_megapixels():
    # Its build time is measured by `make bench`, not asserted here (timed tests are flaky).
    A = large_test_image()
    assert A.shape == (3000, 4000) and A.dtype == np.float64
    assert np.mean((A < 0) | (A > 1)) < 0.05  # only unclipped noise leaves [0, 1]
    assert 0.2 < A.mean() < 0.9 and A.std() > 0.05  # a real picture, not a constant


def test_large_test_image_is_seeded_with_mild_noise():
    shape = (300, 400)
    a = large_test_image(shape, seed=1)
    np.testing.assert_array_equal(a, large_test_image(shape, seed=1))
    diff = a - large_test_image(shape, seed=2)  # the clean picture cancels
    assert abs(diff.std() - 0.01 * np.sqrt(2)) < 0.0005


@pytest.mark.parametrize("shape", [(1, 50), (50, 1), (600, 300), (64, 64)])
def test_large_test_image_any_shape(shape):
    assert large_test_image(shape).shape == shape


def test_large_test_image_validates_shape():
    with pytest.raises(ValueError, match="at least 1"):
        large_test_image((0, 10))
    with pytest.raises(TypeError, match="pair"):
        large_test_image(12)


# ---------------------------------------------------------------- cell_field


def test_cell_field_is_seeded_and_its_clean_part_has_full_rank():
    """Unlike an upscaled photograph, the clean field has full numerical rank (lecture 2 relies on it)."""
    clean = cell_field((200, 300), noise=0, seed=3)
    np.testing.assert_array_equal(clean, cell_field((200, 300), noise=0, seed=3))
    assert not np.array_equal(clean, cell_field((200, 300), noise=0, seed=4))
    assert np.linalg.matrix_rank(clean) == 200
    assert 0.1 < clean.min() and clean.max() < 0.85
    noise = cell_field((200, 300), noise=0.01, seed=3) - clean
    assert abs(noise.std() - 0.01) < 0.001 and abs(noise.mean()) < 0.001


def test_cell_field_upscaled_photograph_is_not_high_rank():
    """The contrast the lecture draws: an upscale of a 64-row crop has rank <= 64."""
    small = load_sample("immunohistochemistry")[:64, :96]
    import skimage.transform
    up = skimage.transform.resize(small, (200, 300), order=1)
    assert np.linalg.matrix_rank(up) <= 64 < np.linalg.matrix_rank(cell_field((200, 300), noise=0))


@pytest.mark.parametrize(
    "kwargs, error",
    [({"shape": (0, 10)}, ValueError), ({"cell_size": 0}, ValueError), ({"noise": -0.1}, ValueError),
     ({"noise": float("nan")}, ValueError), ({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError),
     ({"seed": True}, TypeError), ({"cell_size": "big"}, TypeError)],
)
def test_cell_field_rejects_bad_input(kwargs, error):
    kwargs = {"shape": (30, 40), **kwargs}
    with pytest.raises(error):
        cell_field(**kwargs)
