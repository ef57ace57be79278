"""Images for the SVD week: offline samples, your own files, noise, a text image.

Every loader returns a ``float64`` array with values in ``[0, 1]`` (0 = black,
1 = white): a 2-D ``(m, n)`` gray image by default, an ``(m, n, 3)`` RGB image
with ``gray=False``.  A gray image *is* a matrix, so ``np.linalg.svd`` can be
applied to it directly.

Nothing here downloads anything: the samples are the scikit-image images that
ship inside the scikit-image wheel (see :data:`SAMPLES`), and
:func:`text_image` falls back to a PNG bundled with this package when no
Japanese font is installed.

Examples
--------
>>> from course_utils.images import load_sample, to_uint8
>>> A = load_sample()            # the default, "retina", as a (1411, 1411) gray matrix
>>> A.shape, A.dtype
((1411, 1411), dtype('float64'))
>>> to_uint8(A).dtype            # for saving with cv2.imwrite
dtype('uint8')
"""

from __future__ import annotations

import numbers
import os
import types
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import skimage.color
import skimage.data
import skimage.transform
from scipy import ndimage
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._validation import _as_real_array, _check_finite, check_positive, check_shape

__all__ = [
    "SAMPLES",
    "BIOLOGICAL_SAMPLES",
    "load_sample",
    "load_image",
    "to_float",
    "to_gray",
    "to_uint8",
    "add_gaussian_noise",
    "text_image",
    "large_test_image",
    "cell_field",
]

# The single list of allowed sample names.  Every one is a file inside the
# scikit-image wheel (skimage/data/), so skimage.data.<name>() never needs the
# network.  Descriptions of biological images start with "biological:".
SAMPLES = types.MappingProxyType(
    {
        "retina": "biological: human retina, fundus photograph (RGB, 1411 x 1411)",
        "cell": "biological: cell floating in saline, quantitative phase image (gray, 660 x 550)",
        "immunohistochemistry": "biological: colonic glands, IHC (DAB) + hematoxylin stain (RGB, 512 x 512)",
        "microaneurysms": "biological: retina detail with microaneurysms, green channel (gray, 102 x 102)",
        "camera": "photograph: man with a camera (gray, 512 x 512)",
        "text": "printed text on a wall, used for corner detection (gray, 172 x 448)",
        "moon": "surface of the moon, low contrast (gray, 512 x 512)",
        "coins": "Greek coins from Pompeii on a gray background (gray, 303 x 384)",
    }
)

#: Names in :data:`SAMPLES` that show biological specimens.
BIOLOGICAL_SAMPLES = tuple(name for name, what in SAMPLES.items() if what.startswith("biological:"))

# scikit-image samples that are NOT in the wheel: skimage fetches them with
# pooch from the internet on first use, which the course must not rely on.
_NEEDS_DOWNLOAD = frozenset(
    {
        "brain",
        "cells3d",
        "eagle",
        "human_mitosis",
        "kidney",
        "lily",
        "nickel_solidification",
        "palisades_of_vogt",
        "protein_transport",
        "skin",
        "vortex",
    }
)

_DEFAULT_TEXT = "実験"
_DEFAULT_TEXT_SHAPE = (163, 372)
# Rendered from text_image() with Noto Sans CJK JP Bold (SIL Open Font License
# 1.1, which allows distributing renderings).  To regenerate:
#   cv2.imwrite("course_utils/data/jikken_163x372.png", to_uint8(text_image()))
_FALLBACK_TEXT_PNG = "jikken_163x372.png"

# Fonts tried by text_image, best first.  The CJK ones cover kana and kanji;
# DejaVu Sans ships with matplotlib and covers Latin/Greek text everywhere.
_FONT_FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "Noto Sans CJK SC",
    "Noto Serif CJK JP",
    "Droid Sans Fallback",
    "WenQuanYi Zen Hei",
    "DejaVu Sans",
)

_RANGE_TOL = 1e-6  # float images may overshoot [0, 1] by rounding error only


# ---------------------------------------------------------------- conversions


def _as_image(image, name="image"):
    """Validate type, shape and finiteness of an image; return it as an ndarray (dtype kept)."""
    arr = _as_real_array(image, name)
    if arr.ndim == 3 and arr.shape[2] not in (3, 4):
        hint = f" For a single channel use {name}[..., 0]." if arr.shape[2] in (1, 2) else ""
        raise ValueError(
            f"{name} must be gray (m, n), RGB (m, n, 3) or RGBA (m, n, 4); got shape {arr.shape} "
            f"with {arr.shape[2]} channel(s).{hint}"
        )
    if arr.ndim not in (2, 3):
        hint = f" For a vector use {name}.reshape(1, -1)." if arr.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a 2-D gray image (m, n) or a colour image (m, n, 3|4); "
            f"got {arr.ndim}-D shape {arr.shape}.{hint}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); an image needs at least one pixel.")
    _check_finite(arr, name)
    return arr


def _to_float(image, name):
    arr = _as_image(image, name)
    if arr.dtype == bool:
        return arr.astype(np.float64)
    if arr.dtype == np.uint8:
        return arr / 255.0
    if arr.dtype == np.uint16:
        return arr / 65535.0
    lo, hi = arr.min(), arr.max()
    if np.issubdtype(arr.dtype, np.integer):
        # Plain ints (e.g. np.array of a list) are read as 8-bit gray levels.
        if lo < 0 or hi > 255:
            raise ValueError(
                f"{name} has integer dtype {arr.dtype} with values in [{lo}, {hi}], outside the "
                f"8-bit range [0, 255]. Rescale it to floats in [0, 1] first, e.g. "
                f"({name} - {name}.min()) / ({name}.max() - {name}.min())."
            )
        return arr / 255.0
    if lo < -_RANGE_TOL or hi > 1 + _RANGE_TOL:
        raise ValueError(
            f"{name} is a float image, so its values must lie in [0, 1]; got values in "
            f"[{lo:.6g}, {hi:.6g}]. Rescale it first, e.g. {name} / {name}.max() (or np.clip({name}, 0, 1) "
            "for a reconstruction that overshoots a little)."
        )
    # Clip only the rounding-error overshoot allowed above.
    return np.clip(arr.astype(np.float64), 0.0, 1.0)


def to_float(image):
    """Convert an image to ``float64`` with values in ``[0, 1]``.

    Parameters
    ----------
    image : (m, n) or (m, n, 3) or (m, n, 4) array_like
        Gray, RGB or RGBA image.  ``uint8`` is divided by 255, ``uint16`` by
        65535, ``bool`` becomes 0.0/1.0; other integer types (e.g. a plain
        list of ints) are read as 8-bit values in ``[0, 255]``; floats must
        already lie in ``[0, 1]``.

    Returns
    -------
    (m, n) or (m, n, 3) or (m, n, 4) ndarray of float64
        A new array (never a view of `image`), values in ``[0, 1]``.

    Raises
    ------
    TypeError
        If `image` is not a real numeric array.
    ValueError
        If `image` is empty, contains NaN/inf, has the wrong shape, is a float
        image outside ``[0, 1]`` (beyond a rounding tolerance of 1e-6), or an
        integer image (other than uint8/uint16) outside ``[0, 255]``.

    Notes
    -----
    Floats are not rescaled automatically: guessing the range would silently
    change the brightness of your image.  Rescale explicitly, e.g.
    ``image / image.max()``.  Overshoots up to 1e-6 are clipped to ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> to_float(np.array([[0, 128, 255]], dtype=np.uint8))
    array([[0.        , 0.50196078, 1.        ]])
    """
    return _to_float(image, "image")


def to_gray(image):
    """Convert an RGB/RGBA image to gray; a gray image is returned as float.

    Parameters
    ----------
    image : (m, n) or (m, n, 3) or (m, n, 4) array_like
        Any image accepted by :func:`to_float`.

    Returns
    -------
    (m, n) ndarray of float64
        Luminance in ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        As :func:`to_float`.

    Notes
    -----
    Uses the weights of ``skimage.color.rgb2gray`` (ITU-R BT.709):
    ``0.2125 R + 0.7154 G + 0.0721 B``.  The alpha channel of an RGBA image is
    dropped (transparent pixels keep their colour; they are not blended with a
    background).

    Examples
    --------
    >>> import numpy as np
    >>> to_gray(np.array([[[1.0, 0.0, 0.0]]]))
    array([[0.2125]])
    """
    img = _to_float(image, "image")
    if img.ndim == 2:
        return img
    gray = skimage.color.rgb2gray(img[..., :3])
    return np.clip(gray, 0.0, 1.0)  # the weights sum to 1; clip the last-bit rounding


def to_uint8(image, *, data_range=1.0):
    """Convert an image to ``uint8`` for saving or display, without wrap-around.

    Parameters
    ----------
    image : (m, n) or (m, n, 3) or (m, n, 4) array_like
        Image whose white level is `data_range`; values outside
        ``[0, data_range]`` (e.g. from a rank-k reconstruction) are allowed.
    data_range : float, optional
        The value that maps to 255 (default 1.0 for float images in ``[0, 1]``;
        use 255 for 8-bit data, 65535 for 16-bit data).

    Returns
    -------
    ndarray of uint8
        Same shape as `image`.

    Raises
    ------
    TypeError, ValueError
        If `image` is not a finite, non-empty image array, if `data_range` is
        not > 0, or if `image` is an integer array with values above 1 while
        `data_range` is left at 1.0 (it is probably already 8- or 16-bit).

    Notes
    -----
    Values are clipped to ``[0, data_range]``, scaled to ``[0, 255]``, rounded
    with ``np.rint`` (round half to even: 127.5 -> 128, 2.5 -> 2) and only then
    cast.  The naive ``np.uint8(x * 255)`` wraps around instead: 1.2 becomes
    50 (306 - 256) on common hardware, a bright pixel turned dark.

    Examples
    --------
    >>> import numpy as np
    >>> to_uint8(np.array([[1.2, -0.1, 0.5]]))
    array([[255,   0, 128]], dtype=uint8)
    """
    arr = _as_image(image)
    data_range = check_positive(data_range, "data_range")
    if np.issubdtype(arr.dtype, np.integer) and data_range == 1.0 and arr.max() > 1:
        raise ValueError(
            f"image is an integer array ({arr.dtype}) with values up to {arr.max()}, but data_range=1.0 "
            "would turn every value >= 1 white. Pass data_range=255 for 8-bit data "
            "(65535 for 16-bit), or convert with to_float(image) first."
        )
    scaled = np.clip(arr.astype(np.float64), 0.0, data_range) * (255.0 / data_range)
    return np.rint(scaled).astype(np.uint8)


def _gray_or_rgb(img, gray):
    """Return the float image as gray (m, n) or RGB (m, n, 3)."""
    if gray:
        return to_gray(img)
    if img.ndim == 2:
        # One documented shape for gray=False: gray files become 3 equal channels.
        return np.repeat(img[:, :, np.newaxis], 3, axis=2)
    return np.ascontiguousarray(img[..., :3])


# ---------------------------------------------------------------- loaders


def load_sample(name="retina", *, gray=True):
    """Load a scikit-image sample image that ships inside the wheel (no download).

    Parameters
    ----------
    name : str, optional
        A key of :data:`SAMPLES` (case-insensitive).  The default "retina" is a
        biological image whose gray version shows the SVD well: at rank 3 it
        is a blur of horizontal and vertical bands, at 10 the optic disc and
        the large vessels appear, at 20-50 the finer vessels, and by 100 it is
        hard to tell from the original (relative Frobenius error 17 %, 10 %,
        7.5 %, 4.4 %, 2.5 % at ranks 3, 10, 20, 50, 100).  "cell" converges
        too fast (4 % error already at rank 10) to show much.
    gray : bool, optional
        True (default): return a 2-D gray matrix (colour samples are converted
        with :func:`to_gray`).  False: return RGB ``(m, n, 3)``; a gray sample
        is then repeated into three equal channels, so the shape is always
        ``(m, n, 3)``.

    Returns
    -------
    (m, n) or (m, n, 3) ndarray of float64
        Values in ``[0, 1]``.

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If `name` is a scikit-image sample that must be downloaded (for
        example "human_mitosis", "cells3d", "skin") or is unknown; the message
        lists the offline alternatives.

    Notes
    -----
    Sources and licences, as given in the scikit-image docstrings:

    - retina: Wikimedia Commons "Fundus photograph of normal left eye",
      Mikael Häggström; CC0 1.0.
    - cell: quantitative phase image from a digital hologram (Paul Müller
      et al., Optics Express 26(8), 2018); CC0.
    - immunohistochemistry: colonic glands, FHL2 protein revealed with DAB;
      Center for Microscopy And Molecular Imaging (CMMI); no known
      copyright restrictions.
    - microaneurysms: crop of image 07_dr.JPG of the High-Resolution Fundus
      (HRF) Image Database (Budai et al., 2013); CC0 given by Andreas Maier.
    - camera: photograph by Lav Varshney; CC0.
    - text: Wikipedia "File:Corner.png"; public domain.
    - moon: no source or licence stated by scikit-image; distributed in the
      BSD-3-Clause scikit-image package.
    - coins: Brooklyn Museum Collection; no known copyright restrictions.

    Examples
    --------
    >>> A = load_sample("cell")
    >>> A.shape
    (660, 550)
    >>> load_sample("immunohistochemistry", gray=False).shape
    (512, 512, 3)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'retina'; got {name!r} ({type(name).__name__}).")
    key = name.strip().lower()
    offline = ", ".join(repr(n) for n in SAMPLES)
    if key in _NEEDS_DOWNLOAD:
        bio = ", ".join(repr(n) for n in BIOLOGICAL_SAMPLES)
        raise ValueError(
            f"The scikit-image sample {name!r} is not inside the scikit-image package: it needs a "
            "download from the internet, which this course does not rely on. Use an offline sample "
            f"instead: biological ones are {bio}; all available: {offline}."
        )
    if key not in SAMPLES:
        raise ValueError(f"Unknown sample name {name!r}. Available samples: {offline}.")
    raw = getattr(skimage.data, key)()
    return _gray_or_rgb(_to_float(raw, key), gray)


def load_image(path, *, gray=True):
    """Read an image file of your own (PNG, JPEG, TIFF, ...) with OpenCV.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.  A relative path starts from the current working directory
        (``Path.cwd()``), which in Jupyter is the notebook's folder.
    gray : bool, optional
        True (default): return a 2-D gray matrix (see :func:`to_gray`).
        False: return RGB ``(m, n, 3)``; a gray file is repeated into three
        equal channels.

    Returns
    -------
    (m, n) or (m, n, 3) ndarray of float64
        Values in ``[0, 1]`` (8-bit files divided by 255, 16-bit by 65535).

    Raises
    ------
    TypeError
        If `path` is not a str or path-like object.
    FileNotFoundError
        If there is no file at `path`.
    IsADirectoryError
        If `path` is a folder.
    ValueError
        If OpenCV cannot decode the file as an image, or it decodes to values
        that :func:`to_float` rejects (e.g. a float TIFF outside ``[0, 1]``).

    Notes
    -----
    OpenCV stores colour as BGR(A); this function returns RGB and drops the
    alpha channel.  It reads with ``cv2.IMREAD_UNCHANGED``, which keeps the bit
    depth but ignores the EXIF orientation of phone photos (they may come out
    rotated) and reads only the first page of a multi-page TIFF.
    ``cv2.imread`` returns None instead of raising, and on Windows it cannot
    open paths with non-ASCII characters, so a None is retried by decoding the
    file's bytes with ``cv2.imdecode`` before it is reported as undecodable.

    Examples
    --------
    >>> A = load_image("my_cells.png")                   # doctest: +SKIP
    >>> rgb = load_image("my_cells.png", gray=False)     # doctest: +SKIP
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path; got {path!r} ({type(path).__name__}).")
    file = Path(path).expanduser()
    if not file.exists():
        raise FileNotFoundError(
            f"No image file at {str(file)!r} (full path {str(file.absolute())!r}). Check the file name "
            f"and extension; a relative path starts from the current folder {str(Path.cwd())!r}, so move "
            "the file there or pass its full path."
        )
    if file.is_dir():
        raise IsADirectoryError(
            f"{str(file)!r} is a folder, not an image file; pass the path of a file inside it."
        )
    raw = cv2.imread(str(file), cv2.IMREAD_UNCHANGED)
    if raw is None:
        data = np.frombuffer(file.read_bytes(), dtype=np.uint8)
        raw = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if raw is None:
        raise ValueError(
            f"OpenCV could not decode {str(file)!r} as an image (is it really a PNG/JPEG/TIFF? "
            "An empty or renamed file looks like this). Open it in an image viewer and re-save it as PNG."
        )
    if raw.ndim == 3:
        # BGR -> RGB, BGRA -> RGB (alpha dropped); a 1- or 2-channel file keeps its gray channel.
        raw = raw[..., 2::-1] if raw.shape[2] >= 3 else raw[..., 0]
    return _gray_or_rgb(_to_float(raw, "image"), gray)


# ---------------------------------------------------------------- noise


def add_gaussian_noise(image, sigma, *, seed=0, clip=False):
    """Add white Gaussian noise: ``image + sigma * N(0, 1)`` pixel by pixel.

    Parameters
    ----------
    image : (m, n) or (m, n, 3) or (m, n, 4) array_like
        Clean image.  Integer and bool images are first converted with
        :func:`to_float`; float images are used as they are (any finite
        values), so `sigma` is in units of the float image.
    sigma : float
        Standard deviation of the noise, >= 0 (0 returns a float copy).
    seed : int or None, optional
        Seed of ``np.random.default_rng``; the same seed gives the same noise.
        None draws fresh noise on every call.
    clip : bool, optional
        Clip the result to ``[0, 1]`` (default False).

    Returns
    -------
    ndarray of float64
        Same shape as `image`.

    Raises
    ------
    TypeError
        If `sigma` is not a real number or `seed` is not an int or None.
    ValueError
        If `sigma` is negative, NaN or infinite, `seed` is negative, or
        `image` is not a valid image (see :func:`to_float`).

    Notes
    -----
    The noise is ``sigma * np.random.default_rng(seed).standard_normal(shape)``,
    so the result may leave ``[0, 1]``.  It is not clipped by default because
    the Gavish-Donoho optimal hard threshold for singular values assumes
    additive i.i.d. Gaussian noise with mean 0 and standard deviation sigma;
    clipping cuts the tails at 0 and 1, which biases the mean and shrinks the
    spread near black and white, so the threshold would be wrong.

    Examples
    --------
    >>> import numpy as np
    >>> Y = add_gaussian_noise(np.full((500, 500), 0.5), 0.1, seed=1)
    >>> round(float(np.std(Y - 0.5)), 2)
    0.1
    """
    arr = _as_image(image)
    img = arr.astype(np.float64) if np.issubdtype(arr.dtype, np.floating) else _to_float(arr, "image")
    sigma = check_positive(sigma, "sigma", allow_zero=True)
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(
                f"seed must be a non-negative integer or None; got {seed!r} ({type(seed).__name__})."
            )
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer or None; got seed={seed}.")
    noisy = img + sigma * np.random.default_rng(seed).standard_normal(img.shape)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


# ---------------------------------------------------------------- synthetic images


def _find_font(text):
    """Return FontProperties of the first installed font that has every glyph of `text`, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    needed = {ch for ch in text if not ch.isspace()}
    for family in _FONT_FAMILIES:
        if family not in installed:
            continue
        prop = font_manager.FontProperties(family=family, weight="bold")
        font = font_manager.get_font(font_manager.findfont(prop, fallback_to_default=False))
        # Checking every glyph up front is what keeps matplotlib's "Glyph missing" warning away.
        if all(font.get_char_index(ord(ch)) for ch in needed):
            return prop
    return None


def _render_text(text, shape, prop):
    """Render dark `text` centred on a white (rows, cols) canvas; return gray float64."""
    m, n = shape
    # dpi=1 makes 1 inch = 1 pixel, so the canvas is exactly (m, n) pixels.
    fig = Figure(figsize=(n, m), dpi=1, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    artist = fig.text(0.5, 0.5, text, ha="center", va="center", color="black", fontproperties=prop)
    artist.set_fontsize(0.8 * m * 72)  # points = pixels * 72 / dpi
    canvas.draw()
    box = artist.get_window_extent()
    fill = max(box.width / (0.9 * n), box.height / (0.9 * m))
    if fill > 1:  # long text: shrink until it fits with a margin
        artist.set_fontsize(artist.get_fontsize() / fill)
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return rgba[..., 0] / 255.0  # black on white: R = G = B


def text_image(text=_DEFAULT_TEXT, shape=_DEFAULT_TEXT_SHAPE):
    """Render a word as a gray image: dark text on a white background.

    Parameters
    ----------
    text : str, optional
        The text, by default "実験" ("experiment").
    shape : tuple of int, optional
        ``(rows, columns)`` of the image, each at least 8; default (163, 372).

    Returns
    -------
    (rows, columns) ndarray of float64
        Values in ``[0, 1]``: 1 = white background, about 0 = black ink, gray
        at the anti-aliased edges.

    Raises
    ------
    TypeError
        If `text` is not a string or `shape` is not a pair of integers.
    ValueError
        If `text` is empty or blank, or `shape` has a side below 8 pixels.
    RuntimeError
        If no installed font has the glyphs of `text` (and `text` is not the
        default word, which has a bundled fallback).

    Notes
    -----
    The text is drawn off-screen with matplotlib's Agg canvas (no window, no
    pyplot state) in the first installed font that has every character,
    preferring "Noto Sans CJK JP" (bold).  On Debian/Ubuntu install it with
    ``sudo apt-get install fonts-noto-cjk`` and then delete matplotlib's font
    cache (``~/.cache/matplotlib``) so matplotlib sees the new font.

    Without a Japanese font, the default word falls back to
    ``course_utils/data/jikken_163x372.png``, rendered with Noto Sans CJK JP
    Bold (SIL Open Font License 1.1) and bundled with this package; for
    another `shape` it is resized with ``skimage.transform.resize``.

    Examples
    --------
    >>> T = text_image()
    >>> T.shape
    (163, 372)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string such as '実験'; got {text!r} ({type(text).__name__}).")
    if not text.strip():
        raise ValueError(f"text must contain at least one visible character; got {text!r}.")
    shape = check_shape(shape, minimum=8)
    prop = _find_font(text)
    if prop is not None:
        return _render_text(text, shape, prop)
    if text != _DEFAULT_TEXT:
        raise RuntimeError(
            f"No installed font has all the characters of {text!r}. Install a Japanese font "
            "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk), delete matplotlib's font cache "
            "(~/.cache/matplotlib) and restart the kernel. "
            f"Without a font only the default text {_DEFAULT_TEXT!r} is available (bundled image)."
        )
    with resources.as_file(resources.files("course_utils") / "data" / _FALLBACK_TEXT_PNG) as png:
        img = load_image(png)
    if shape != img.shape:
        img = np.clip(skimage.transform.resize(img, shape, order=1), 0.0, 1.0)
    return img


def large_test_image(shape=(3000, 4000), *, seed=0):
    """A large gray image (12 megapixels by default) for timing a truncated SVD.

    Parameters
    ----------
    shape : tuple of int, optional
        ``(rows, columns)``, default (3000, 4000).
    seed : int or None, optional
        Seed of the sensor noise (see :func:`add_gaussian_noise`).

    Returns
    -------
    (rows, columns) ndarray of float64
        Mostly in ``[0, 1]``; the noise is not clipped, so some pixels lie a
        few hundredths outside.

    Raises
    ------
    TypeError, ValueError
        If `shape` is not a pair of positive integers or `seed` is invalid.

    Notes
    -----
    The "immunohistochemistry" sample (512 x 512; CMMI, no known copyright
    restrictions) in gray is cropped around its centre to the aspect ratio of
    `shape`, upscaled with bilinear interpolation
    (``skimage.transform.resize(..., order=1)``) and given mild sensor noise,
    ``sigma = 0.01``.  The noise makes the matrix full rank, like a real
    camera image.  Building the default size takes under a second (about
    0.4 s resize, 0.3 s noise).

    Examples
    --------
    >>> A = large_test_image()
    >>> A.shape
    (3000, 4000)
    """
    m, n = check_shape(shape)
    src = load_sample("immunohistochemistry")
    h, w = src.shape
    if m * w > n * h:  # target is taller than the source: keep all rows, crop columns
        w_crop = max(1, round(h * n / m))
        left = (w - w_crop) // 2
        src = src[:, left : left + w_crop]
    else:
        h_crop = max(1, round(w * m / n))
        top = (h - h_crop) // 2
        src = src[top : top + h_crop, :]
    clean = skimage.transform.resize(src, (m, n), order=1)
    return add_gaussian_noise(clean, 0.01, seed=seed)


def cell_field(shape=(3000, 4000), *, cell_size=24, noise=0.01, seed=0):
    """A synthetic tissue image whose structure is genuinely high-rank.

    Parameters
    ----------
    shape : tuple of int, optional
        ``(rows, columns)``, default (3000, 4000): 12 megapixels.
    cell_size : float, optional
        Typical cell diameter in pixels (default 24); the field holds about
        ``rows * columns / cell_size**2`` cells.
    noise : float, optional
        Standard deviation of the white Gaussian sensor noise added at the
        end (default 0.01; 0 gives the clean field).
    seed : int, optional
        Seed of ``np.random.default_rng``: cell positions, shades and noise.

    Returns
    -------
    (rows, columns) ndarray of float64
        The clean field lies in about ``[0.15, 0.8]``; the noise is not
        clipped.

    Raises
    ------
    TypeError, ValueError
        If `shape` is not a pair of positive integers, `cell_size` is not a
        positive number, `noise` is negative or not finite, or `seed` is not
        a non-negative int (TypeError for a non-int, ValueError otherwise).

    Notes
    -----
    Random seed points split the plane into Voronoi cells (nearest seed, by
    ``scipy.ndimage.distance_transform_edt``); each cell gets its own shade,
    a dark round nucleus around its seed and a dark membrane on its border,
    and the whole field is blurred with a Gaussian of one pixel (the optics).
    The membranes run at every angle, so, unlike an upscaled photograph
    (whose rank is at most that of the original), the clean field has full
    numerical rank and a slowly decaying spectrum.  Building the default size
    takes about 2 s.

    Examples
    --------
    >>> C = cell_field((120, 160), noise=0)
    >>> C.shape, int(np.linalg.matrix_rank(C))
    ((120, 160), 120)
    """
    m, n = check_shape(shape)
    check_positive(cell_size, "cell_size")
    check_positive(noise, "noise", allow_zero=True)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int; got {seed!r}.")
    if seed < 0:
        raise ValueError(f"seed must be >= 0; got {seed!r}.")
    rng = np.random.default_rng(seed)
    count = max(1, round(m * n / float(cell_size) ** 2))
    rows, cols = rng.integers(0, m, count), rng.integers(0, n, count)
    not_seed = np.ones((m, n), dtype=bool)
    not_seed[rows, cols] = False
    dist, (near_r, near_c) = ndimage.distance_transform_edt(not_seed, return_indices=True)
    label = np.full((m, n), -1, dtype=np.int64)
    label[rows, cols] = np.arange(count)  # a repeated seed point keeps one label
    label = label[near_r, near_c]
    shade = rng.uniform(0.5, 0.8, count)[label]
    nucleus = dist < rng.uniform(0.15, 0.3, count)[label] * cell_size
    image = np.where(nucleus, rng.uniform(0.15, 0.3, count)[label], shade)
    membrane = np.zeros((m, n), dtype=bool)
    membrane[1:] |= label[1:] != label[:-1]
    membrane[:, 1:] |= label[:, 1:] != label[:, :-1]
    image[membrane] = 0.25
    image = ndimage.gaussian_filter(image, 1.0)
    if noise:
        image += noise * rng.standard_normal((m, n))
    return image
