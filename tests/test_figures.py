"""Tests for course_utils.figures and course_utils.widgets.

Every number a figure shows (titles, line data, image data) is compared with an
independent computation from ``np.linalg.svd`` / scikit-image. Each figure is
also rendered, because several matplotlib warnings only appear at draw time
and pytest turns warnings into errors here.
"""

import io
import re

import matplotlib

matplotlib.use("Agg")  # headless, before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import skimage.data  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from PIL import Image  # noqa: E402
from skimage.metrics import peak_signal_noise_ratio  # noqa: E402

from course_utils.figures import (  # noqa: E402
    energy_plot,
    error_vs_rank,
    rank_one_parts,
    reconstruction_grid,
    spectrum_plot,
    svd_geometry,
)
from course_utils.widgets import RankSlider, rank_slider  # noqa: E402

RNG = np.random.default_rng(1234)


def _smooth_image(m, n):
    """A [0, 1] test image: a smooth pattern plus a little noise (full rank)."""
    rows, cols = np.mgrid[0:m, 0:n]
    img = 0.5 + 0.3 * np.sin(rows / 5.0) * np.cos(cols / 7.0) + 0.1 * RNG.random((m, n))
    return np.clip(img, 0, 1)


SHAPES = {"tall": (40, 25), "wide": (25, 40), "square": (32, 32)}


@pytest.fixture(params=list(SHAPES), ids=list(SHAPES))
def image(request):
    return _smooth_image(*SHAPES[request.param])


@pytest.fixture
def deficient():
    """Rank 2, values in [0, 1]."""
    A = RNG.random((30, 2)) @ RNG.random((2, 20))
    return A / A.max()


def _reference(A, k):
    """Independent rank-k approximation, through an explicit Sigma."""
    U, s, Vt = np.linalg.svd(A)
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k]


def _rendered(fig):
    """Draw the figure (draw-time warnings become errors) and return it."""
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    return fig


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+\.?\d*", text)]


# ----------------------------------------------------------------------------
# reconstruction_grid
# ----------------------------------------------------------------------------
def test_grid_titles_and_panels_match_numpy(image):
    m, n = image.shape
    ks = (1, 3, min(m, n))
    fig = _rendered(reconstruction_grid(image, ks=ks))
    assert len(fig.axes) == 1 + len(ks)
    assert fig.axes[0].get_title().startswith("original")
    for ax, k in zip(fig.axes[1:], ks):
        Ak = _reference(image, k)
        assert_allclose(ax.images[0].get_array(), Ak, atol=1e-10)
        # same gray window as the original in every panel
        assert ax.images[0].get_clim() == pytest.approx((image.min(), image.max()))
        assert not ax.axison
        rank, error, storage = _numbers(ax.get_title())
        assert rank == k
        assert error == pytest.approx(100 * np.linalg.norm(image - Ak) / np.linalg.norm(image), abs=0.051)
        assert storage == pytest.approx(100 * k * (m + n + 1) / (m * n), abs=0.051)


def test_grid_default_ranks_and_layout():
    img = skimage.data.camera()[::2, ::2] / 255.0  # 256 x 256: default ks up to 100 fit
    fig = _rendered(reconstruction_grid(img, ncols=2))
    assert [_numbers(ax.get_title())[0] for ax in fig.axes[1:]] == [3, 10, 20, 50, 100]
    assert fig.axes[0].get_subplotspec().get_gridspec().get_geometry() == (3, 2)


def test_grid_reuses_factors(image, monkeypatch):
    factors = np.linalg.svd(image, full_matrices=False)
    monkeypatch.setattr(np.linalg, "svd", _no_svd)
    fig = reconstruction_grid(image, ks=[2], factors=factors)
    assert_allclose(fig.axes[1].images[0].get_array(), _reference_factors(factors, 2), atol=1e-12)


def _no_svd(*args, **kwargs):
    raise AssertionError("np.linalg.svd was called again")


def _reference_factors(factors, k):
    U, s, Vt = factors
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k]


def test_grid_edge_cases(deficient):
    zero = _rendered(reconstruction_grid(np.zeros((6, 4)), ks=(0, 2)))
    assert [_numbers(ax.get_title())[1] for ax in zero.axes[1:]] == [0.0, 0.0]
    # k = 0 is the zero matrix (100 % error); k = rank is exact
    fig = _rendered(reconstruction_grid(deficient, ks=(0, 2)))
    assert _numbers(fig.axes[1].get_title())[1] == 100.0
    assert _numbers(fig.axes[2].get_title())[1] == 0.0
    for shape in [(1, 9), (9, 1)]:
        fig = _rendered(reconstruction_grid(RNG.random(shape), ks=1))
        assert _numbers(fig.axes[1].get_title())[1] == 0.0


def test_grid_rejects_bad_input(image):
    m, n = image.shape
    with pytest.raises(ValueError, match=rf"ks\[1\] must be .*min\(m, n\) = {min(m, n)}; got ks\[1\]=999"):
        reconstruction_grid(image, ks=(1, 999))
    with pytest.raises(TypeError, match="ks.0. must be an integer"):
        reconstruction_grid(image, ks=(2.5,))
    with pytest.raises(ValueError, match="ks is empty"):
        reconstruction_grid(image, ks=())
    with pytest.raises(ValueError, match="image must be a 2-D array"):
        reconstruction_grid(np.stack([image] * 3, axis=-1))
    nan = image.copy()
    nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="image contains 1 NaN"):
        reconstruction_grid(nan)
    with pytest.raises(TypeError, match="image must be a numeric array"):
        reconstruction_grid("camera.png")
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        reconstruction_grid(image, ks=1, ncols=0)


def test_mismatched_factors_are_refused(image):
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    with pytest.raises(TypeError, match=r"factors must be the triple \(U, s, Vt\)"):
        reconstruction_grid(image, factors={"U": U})
    # the transpose's factors: a shape mismatch, or (square) a failed u_1^T A v_1 = s_1 test
    with pytest.raises(ValueError, match="factors (belong to a .* but image has shape|do not belong to image)"):
        reconstruction_grid(image, ks=1, factors=np.linalg.svd(image.T, full_matrices=False))
    with pytest.raises(ValueError, match="factors do not belong to image"):
        reconstruction_grid(image, ks=1, factors=(U, 255 * s, Vt))
    with pytest.raises(ValueError, match="factors do not belong to image"):
        reconstruction_grid(image, ks=1, factors=(-U, s, Vt))
    if image.shape[0] != image.shape[1]:
        with pytest.raises(ValueError, match="full_matrices=False"):
            reconstruction_grid(image, ks=1, factors=np.linalg.svd(image))
    with pytest.raises(ValueError, match="decreasing order"):
        reconstruction_grid(image, ks=1, factors=(U, s[::-1], Vt))


# ----------------------------------------------------------------------------
# spectrum_plot and energy_plot
# ----------------------------------------------------------------------------
def test_spectrum_plot_marks_k(image):
    s = np.linalg.svd(image, compute_uv=False)
    k = 4
    fig = _rendered(spectrum_plot(s, k=k))
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert_allclose(ax.lines[0].get_ydata(), s)
    assert_allclose(ax.lines[0].get_xdata(), np.arange(1, s.size + 1))
    assert list(ax.lines[1].get_xdata()) == [k, k]
    (note,) = [t for t in ax.texts if t.get_text().startswith(f"k = {k}")]
    assert f"{s[k]:.3g}" in note.get_text()  # sigma_{k+1}, the 2-norm error of rank k


def test_spectrum_plot_exact_zeros(deficient):
    s = np.linalg.svd(deficient.round(12), compute_uv=False)
    s[2:] = 0.0  # exact zeros, as a rank-2 matrix has in exact arithmetic
    fig = _rendered(spectrum_plot(s, k=2))
    assert_allclose(fig.axes[0].lines[0].get_ydata(), s[:2])
    assert any("18 singular value(s) exactly 0" in t.get_text() for t in fig.axes[0].texts)
    fig = _rendered(spectrum_plot(np.zeros(5), k=0))
    assert fig.axes[0].lines[0].get_ydata().size == 0
    _rendered(spectrum_plot(s, k=s.size))


def test_spectrum_plot_rejects_bad_input():
    with pytest.raises(ValueError, match="decreasing order"):
        spectrum_plot([1.0, 2.0])
    with pytest.raises(ValueError, match="decreasing order"):
        spectrum_plot([1.0, -2.0])
    with pytest.raises(ValueError, match=r"got k=4"):
        spectrum_plot([3.0, 2.0, 1.0], k=4)
    with pytest.raises(ValueError, match="s contains 1 NaN"):
        spectrum_plot([3.0, np.nan])


def _labels(ax):
    return ax.get_legend_handles_labels()[1]


def test_energy_plot_matches_numpy(image):
    s = np.linalg.svd(image, compute_uv=False)
    fig = _rendered(energy_plot(s, k=3, fractions=(0.9, 0.99)))
    (ax,) = fig.axes
    energy = np.concatenate([[0.0], np.cumsum(s**2)]) / np.sum(s**2)
    by_sigma = np.concatenate([[0.0], np.cumsum(s)]) / np.sum(s)
    assert_allclose(ax.lines[0].get_ydata(), energy, atol=1e-12)
    assert_allclose(ax.lines[0].get_xdata(), np.arange(s.size + 1))
    assert_allclose(ax.lines[1].get_ydata(), by_sigma, atol=1e-12)
    assert ax.lines[1].get_linestyle() == "--"
    labels = _labels(ax)
    assert labels[1] == "by sigma (a rule some tutorials use)"
    for f in (0.9, 0.99):
        smallest = min(k for k in range(s.size + 1) if np.sum(s[:k] ** 2) >= f * np.sum(s**2))
        assert f"{100 * f:g} % of energy: k = {smallest}" in labels
    assert f"k = 3: {100 * energy[3]:.1f} % of energy" in labels


def test_energy_plot_rank_deficient_and_zero(deficient):
    s = np.linalg.svd(deficient, compute_uv=False)
    s[2:] = 0.0
    fig = _rendered(energy_plot(s, fractions=1.0))
    assert "100 % of energy: k = 2" in _labels(fig.axes[0])  # all energy at k = rank
    fig = _rendered(energy_plot(np.zeros(4), fractions=0.5))
    assert_allclose(fig.axes[0].lines[0].get_ydata(), np.ones(5))
    assert "50 % of energy: k = 0" in _labels(fig.axes[0])


def test_energy_plot_rejects_bad_fraction():
    with pytest.raises(ValueError, match="fractions must be a fraction in"):
        energy_plot([2.0, 1.0], fractions=(0.9, 1.5))
    with pytest.raises(ValueError, match="fractions must be finite and > 0"):
        energy_plot([2.0, 1.0], fractions=0)


# ----------------------------------------------------------------------------
# rank_one_parts
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("as_factors", [False, True], ids=["image", "factors"])
def test_rank_one_parts_each_panel_its_own_k(image, as_factors):
    n = 4
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    fig = _rendered(rank_one_parts((U, s, Vt) if as_factors else image, n=n))
    assert len(fig.axes) == 2 * n
    shown = [ax.images[0].get_array() for ax in fig.axes]
    for k in range(1, n + 1):
        assert fig.axes[k - 1].get_title().splitlines()[0] == f"u_{k} s_{k} v_{k}^T"
        part = s[k - 1] * np.outer(U[:, k - 1], Vt[k - 1])
        assert_allclose(shown[k - 1], part, atol=1e-12)
        assert_allclose(shown[n + k - 1], _reference(image, k), atol=1e-10)
    for j in range(n):  # a classic slip draws VT[0] for every k: the panels must differ
        for i in range(j):
            assert not np.allclose(shown[i], shown[j])


def test_rank_one_parts_rejects_bad_n(image):
    p = min(image.shape)
    with pytest.raises(ValueError, match=rf"n must be between 1 and .* {p}; got n={p + 1}"):
        rank_one_parts(image, n=p + 1)
    with pytest.raises(ValueError, match="got n=0"):
        rank_one_parts(image, n=0)
    with pytest.raises(TypeError, match="n must be an integer"):
        rank_one_parts(image, n=2.5)
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    with pytest.raises(ValueError, match="factors do not fit together"):
        rank_one_parts((U[:, :3], s, Vt), n=2)
    with pytest.raises(ValueError, match="image_or_factors must be a 2-D array"):
        rank_one_parts(np.ones(5))


# ----------------------------------------------------------------------------
# svd_geometry
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "A", [None, [[3.0, 1.0], [1.0, -2.0]], [[1.0, 2.0], [2.0, 4.0]]], ids=["default", "reflection", "singular"]
)
def test_svd_geometry_steps(A):
    fig = _rendered(svd_geometry(A))
    M = np.array([[1.0, 1.5], [0.0, 1.0]]) if A is None else np.array(A)
    s = np.linalg.svd(M, compute_uv=False)
    assert len(fig.axes) == 4
    assert all(ax.get_aspect() == 1.0 for ax in fig.axes)
    curves = [np.vstack(ax.lines[0].get_data()) for ax in fig.axes]
    assert_allclose(np.linalg.norm(curves[0], axis=0), 1.0)  # unit circle
    assert_allclose(np.linalg.norm(curves[1], axis=0), 1.0)  # V^T keeps it a circle
    x, y = curves[2]  # axis-aligned ellipse with semi-axes s_1, s_2
    assert_allclose(np.abs(x).max(), s[0], rtol=1e-3)
    assert_allclose(np.abs(y).max(), s[1], rtol=1e-3, atol=1e-12)
    assert_allclose(curves[3], M @ curves[0], atol=1e-12)  # the last step is A itself
    if abs(np.linalg.det(M)) > 1e-12:  # singular: u_2 is free, either is right
        kind = "rotation" if np.linalg.det(M) > 0 else "reflection"
        assert f"({kind})" in fig.axes[3].get_title()


def test_svd_geometry_validates():
    with pytest.raises(ValueError, match=r"A must be a 2x2 matrix .* got shape \(3, 3\)"):
        svd_geometry(np.eye(3))
    with pytest.raises(ValueError, match="A contains 1 NaN"):
        svd_geometry([[1.0, np.nan], [0.0, 1.0]])


# ----------------------------------------------------------------------------
# error_vs_rank
# ----------------------------------------------------------------------------
def test_error_vs_rank_matches_numpy(image):
    ks = [5, 1, 3, 10]
    fig = _rendered(error_vs_rank(image, ks=ks))
    assert len(fig.axes) == 2
    left, right = fig.axes
    assert_allclose(left.lines[0].get_xdata(), sorted(ks))
    expected_error = [100 * np.linalg.norm(image - _reference(image, k)) / np.linalg.norm(image) for k in sorted(ks)]
    expected_psnr = [peak_signal_noise_ratio(image, _reference(image, k), data_range=1.0) for k in sorted(ks)]
    assert_allclose(left.lines[0].get_ydata(), expected_error, rtol=1e-9)
    assert_allclose(right.lines[0].get_ydata(), expected_psnr, rtol=1e-9)


def test_error_vs_rank_default_ranks(monkeypatch):
    img = skimage.data.camera()[::2, ::2] / 255.0
    factors = np.linalg.svd(img, full_matrices=False)
    monkeypatch.setattr(np.linalg, "svd", _no_svd)
    fig = _rendered(error_vs_rank(img, factors=factors))
    ks = fig.axes[0].lines[0].get_xdata()
    assert ks[0] == 1 and ks[-1] == 256 and 20 <= ks.size <= 40 and np.all(np.diff(ks) > 0)
    assert fig.axes[0].lines[0].get_ydata()[-1] < 1e-10  # full rank: exact
    assert np.isnan(fig.axes[1].lines[0].get_ydata()[-1])  # its PSNR is left out


def test_error_vs_rank_small_and_zero(deficient):
    fig = _rendered(error_vs_rank(deficient))
    assert_allclose(fig.axes[0].lines[0].get_xdata(), np.arange(1, 21))  # all ranks when few
    fig = _rendered(error_vs_rank(np.zeros((5, 3)), ks=(0, 3)))
    assert_allclose(fig.axes[0].lines[0].get_ydata(), [0.0, 0.0])


def test_error_vs_rank_checks_data_range():
    img8 = skimage.data.camera()[::8, ::8].astype(float)  # 0..255 values
    with pytest.raises(ValueError, match="image values span .* but data_range=1.*data_range=255"):
        error_vs_rank(img8, ks=(1, 2))
    fig = error_vs_rank(img8, ks=(1, 2), data_range=255)
    Ak = _reference(img8, 2)
    assert_allclose(fig.axes[1].lines[0].get_ydata()[1], peak_signal_noise_ratio(img8, Ak, data_range=255))


# ----------------------------------------------------------------------------
# no pyplot state left behind
# ----------------------------------------------------------------------------
def test_no_figures_left_open(image):
    plt.close("all")
    s = np.linalg.svd(image, compute_uv=False)
    figs = [
        reconstruction_grid(image, ks=(1, 2)),
        spectrum_plot(s, k=1),
        energy_plot(s),
        rank_one_parts(image, n=2),
        svd_geometry(),
        error_vs_rank(image, ks=(1, 2)),
    ]
    figs += [spectrum_plot(s, k=k) for k in range(25)]  # more than pyplot's 20-figure warning
    assert plt.get_fignums() == []
    assert all(isinstance(fig, matplotlib.figure.Figure) for fig in figs)


# ----------------------------------------------------------------------------
# widgets.rank_slider
# ----------------------------------------------------------------------------
def _decoded(slider):
    return np.asarray(Image.open(io.BytesIO(slider.picture.value)))


def test_rank_slider_updates_without_new_svd(image, monkeypatch):
    ks = (5, 1, min(image.shape))
    references = {k: _reference(image, k) for k in ks}
    w = rank_slider(image, k=2)
    assert isinstance(w, RankSlider)
    assert (w.slider.min, w.slider.max, w.slider.value) == (1, min(image.shape), 2)
    monkeypatch.setattr(np.linalg, "svd", _no_svd)
    lo, hi = image.min(), image.max()
    m, n = image.shape
    for k in ks:
        w.slider.value = k  # what a move of the slider does
        Ak = references[k]
        assert_allclose(w.reconstruction, Ak, atol=1e-10)
        expected = np.clip(np.rint((Ak - lo) / (hi - lo) * 255), 0, 255)
        assert np.abs(_decoded(w).astype(int) - expected).max() <= 1
        rank, error, psnr_db, storage, ratio = _numbers(w.caption.value)[:5]
        assert rank == k
        assert error == pytest.approx(100 * np.linalg.norm(image - Ak) / np.linalg.norm(image), abs=0.051)
        if k < min(image.shape):
            assert psnr_db == pytest.approx(peak_signal_noise_ratio(image, Ak, data_range=1.0), abs=0.051)
        assert storage == pytest.approx(100 * k * (m + n + 1) / (m * n), abs=0.051)
        assert ratio == pytest.approx(m * n / (k * (m + n + 1)), abs=0.051)


def test_rank_slider_clips_overshoot_instead_of_wrapping():
    img = np.zeros((16, 16))
    img[4:12, 4:12] = 1.0  # a sharp square: low ranks overshoot below 0 and above 1
    w = rank_slider(img, k=1)
    w.update(2)
    shown = _decoded(w)
    assert shown.dtype == np.uint8
    assert_allclose(shown, np.clip(np.rint(w.reconstruction * 255), 0, 255), atol=1)


def test_rank_slider_uses_given_factors(monkeypatch):
    img = skimage.data.camera() / 255.0
    factors = np.linalg.svd(img, full_matrices=False)
    monkeypatch.setattr(np.linalg, "svd", _no_svd)
    w = rank_slider(img, k=10, factors=factors)
    # the update's speed is measured by `make bench`; here: it reuses the given factors
    for k in (10, 100, 512):
        w.update(k)
    assert_allclose(w.reconstruction, _reference_factors(factors, 512), atol=1e-10)


def test_rank_slider_rejects_bad_input(image):
    p = min(image.shape)
    with pytest.raises(ValueError, match=rf"got k={p + 1}"):
        rank_slider(image, k=p + 1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        rank_slider(image, k=0)
    with pytest.raises(ValueError, match="image must be a 2-D array"):
        rank_slider(image[0])
    with pytest.raises(ValueError, match="factors do not belong to image"):
        rank_slider(image, factors=np.linalg.svd(image[::-1], full_matrices=False))
    with pytest.raises(ValueError, match="data_range"):
        rank_slider(255 * image)
    w = rank_slider(image, k=1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        w.update(0)


# ----------------------------------------------------------------------------
# Jupyter display: each figure shows exactly once (a real kernel)
# ----------------------------------------------------------------------------
@pytest.mark.slow
def test_notebook_shows_each_figure_once(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import numpy as np\n"
        "from course_utils.figures import reconstruction_grid, spectrum_plot\n"
        "from course_utils.widgets import rank_slider\n"
        "A = np.outer(np.hanning(40), np.hanning(30)) + 0.01 * np.eye(40, 30)",
        "reconstruction_grid(A, ks=(1, 2))",
        "fig = reconstruction_grid(A, ks=(1, 2))",
        "fig",
        "for k in (1, 2, 3):\n    spectrum_plot(np.linalg.svd(A, compute_uv=False), k=k)",
        "import matplotlib.pyplot as plt\nplt.get_fignums()",
        "rank_slider(A, k=2)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    pngs = [sum("image/png" in out.get("data", {}) for out in cell.outputs) for cell in nb.cells]
    assert pngs == [0, 1, 0, 1, 0, 0, 0]  # `fig = ...` alone shows nothing; `fig` then shows it once
    assert nb.cells[5].outputs[0]["data"]["text/plain"] == "[]"
    assert "application/vnd.jupyter.widget-view+json" in nb.cells[6].outputs[0]["data"]


def test_reconstruction_grid_shows_the_approximations_it_is_given():
    """A student's own reconstructions are drawn as they are, not recomputed from the image."""
    image = _smooth_image(20, 12)
    own = {3: np.zeros_like(image), 1: image * 0.5}
    fig = reconstruction_grid(image, approximations=own, ncols=2)
    assert len(fig.axes) == 3
    assert_allclose(fig.axes[1].images[0].get_array(), own[3])
    assert_allclose(fig.axes[2].images[0].get_array(), own[1])
    assert "error 100.0 %" in fig.axes[1].get_title() and "error 50.0 %" in fig.axes[2].get_title()
    with pytest.raises(ValueError, match=r"approximations\[2\] has shape \(12, 20\).*rank-2 approximation"):
        reconstruction_grid(image, approximations={2: image.T})
    with pytest.raises(ValueError):
        reconstruction_grid(image, approximations={13: image})
    plt.close("all")
