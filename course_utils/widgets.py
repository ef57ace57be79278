"""Interactive rank slider for a notebook: move k, see the rank-k image at once.

The image is factorised once, when the slider is built; each move of the
slider only forms ``(U[:, :k] * s[:k]) @ Vt[:k]`` from the stored factors and
sends it to the browser as a PNG. That update takes about 10-30 ms for a
512 x 512 image (rank-k product plus PNG encoding), fast enough to follow the
slider while it is dragged. Redrawing a matplotlib figure instead (even
reusing its ``imshow`` artist through ``set_data``) costs about 65 ms per
move for its rendering alone, and ipympl, matplotlib's live widget backend,
is not part of the course environment.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
from PIL import Image

from ._validation import check_rank
from .figures import _check_data_range, _image_and_factors, _relative_error
from .metrics import compression_ratio, psnr, storage_cost

__all__ = ["RankSlider", "rank_slider"]


def _slider_rank(k, limit):
    """`k` as an int in 1..limit, the slider's range."""
    k = check_rank(k, limit)
    if k < 1:
        raise ValueError(f"k must be at least 1 for the slider (1 <= k <= {limit}); got k={k}.")
    return k


class RankSlider(widgets.VBox):
    """A slider for the rank k, a caption with the quality of the rank-k image, and the image.

    Built by :func:`rank_slider`; it is an ordinary ipywidgets ``VBox``, so it
    displays as the last expression of a cell or inside other widgets.

    Attributes
    ----------
    slider : ipywidgets.IntSlider
        The rank, from 1 to ``min(m, n)``.
    caption : ipywidgets.HTML
        Rank, relative error, PSNR and storage of the image shown.
    picture : ipywidgets.Image
        The rank-k image as PNG bytes, in the original's gray window.
    reconstruction : (m, n) ndarray
        The rank-k approximation currently shown.
    """

    def __init__(self, image, U, s, Vt, k, data_range):
        self._image = image
        self._US = U * s  # columns already scaled: each update is one product
        self._Vt = Vt
        self._norm = np.linalg.norm(image)
        self._data_range = data_range
        # Same fixed gray window as figures.reconstruction_grid: the original's range.
        self._lo = float(image.min())
        spread = float(image.max()) - self._lo
        self._scale = 255.0 / spread if spread > 0 else 0.0
        self.slider = widgets.IntSlider(
            value=k, min=1, max=s.size, description="rank k", continuous_update=True,
            layout=widgets.Layout(width="min(100%, 600px)"),
        )
        self.caption = widgets.HTML()
        self.picture = widgets.Image(format="png")
        super().__init__([self.slider, self.caption, self.picture])
        self.slider.observe(lambda change: self.update(change["new"]), names="value")
        self.update(k)

    def update(self, k):
        """Show the rank-k approximation (no new SVD: only the stored factors are used).

        Parameters
        ----------
        k : int
            Rank, ``1 <= k <= min(m, n)``. Moving the slider calls this; call
            it directly to script or time the widget without a browser.
        """
        k = _slider_rank(k, self.slider.max)
        Ak = self._US[:, :k] @ self._Vt[:k]
        error = _relative_error(self._image, Ak, self._norm)
        quality = psnr(self._image, Ak, data_range=self._data_range)
        m, n = self._image.shape
        stored = storage_cost((m, n), k) / (m * n)
        self.caption.value = html.escape(
            f"rank k = {k}: error {100 * error:.1f} %, PSNR {quality:.1f} dB, "
            f"storage {100 * stored:.1f} % of m n (compression {compression_ratio((m, n), k):.1f}:1)"
        )
        # Clip before the cast: values that overshoot the window would wrap around in uint8.
        gray = np.clip((Ak - self._lo) * self._scale, 0, 255)
        buffer = io.BytesIO()
        Image.fromarray(np.rint(gray).astype(np.uint8)).save(buffer, format="png", compress_level=1)
        self.picture.value = buffer.getvalue()
        self.reconstruction = Ak


def rank_slider(image, *, k=10, factors=None, data_range=1.0):
    """An interactive rank-k reconstruction of `image`, driven by a slider.

    Parameters
    ----------
    image : (m, n) array_like
        Gray image, values in a range of width `data_range`.
    k : int, optional
        Initial rank, ``1 <= k <= min(m, n)``.
    factors : tuple (U, s, Vt), optional
        ``np.linalg.svd(image, full_matrices=False)``, if already computed;
        otherwise computed here, once.
    data_range : float, optional
        Width of the pixel range for PSNR: 1.0 for [0, 1], 255 for 8-bit values.

    Returns
    -------
    RankSlider
        An ``ipywidgets.VBox`` (slider, caption, image). Its method
        ``update(k)`` redraws for rank k without a new SVD (moving the slider
        calls it); ``reconstruction`` holds the array shown.

    Raises
    ------
    TypeError, ValueError
        For an invalid image or factors, a `k` outside ``1..min(m, n)``, or an
        image whose values span more than twice `data_range`.

    Notes
    -----
    The image is shown pixel for pixel, in the original's gray window
    ``[image.min(), image.max()]`` as in
    :func:`course_utils.figures.reconstruction_grid`; values outside it are
    clipped for display only. Large images make each move slower (the
    rank-k product is O(m n k)).

    Examples
    --------
    >>> A = np.outer(np.hanning(64), np.hanning(48))
    >>> w = rank_slider(A, k=1)
    >>> w.slider.value = 2            # what moving the slider does
    >>> w.reconstruction.shape
    (64, 48)
    """
    image, U, s, Vt = _image_and_factors(image, factors)
    data_range = _check_data_range(image, data_range)
    k = _slider_rank(k, s.size)
    return RankSlider(image, U, s, Vt, k, data_range)
