"""Figures for the SVD week: reconstructions, spectrum, energy, rank-1 parts, geometry.

Every function builds its own matplotlib figure and returns the
:class:`~matplotlib.figure.Figure`; none calls ``plt.show()``.

How the figures show up in Jupyter
----------------------------------
Each figure is created through pyplot (so that Jupyter's inline backend is
switched on and knows how to draw figures) and *closed at once*: pyplot keeps
no reference to it, so calling these functions in a loop or a script never
piles up open figures. A closed figure is still a complete figure: it is
shown by the cell's last expression and can be saved. In a notebook cell:

* ``reconstruction_grid(A)`` as the last line shows the figure once;
* ``fig = reconstruction_grid(A)`` shows nothing; end the cell with ``fig``
  (or call ``display(fig)``) to show it, once;
* ``fig.savefig("grid.png")`` works either way.

Every function that needs the SVD of an image accepts ``factors=(U, s, Vt)``,
the result of ``np.linalg.svd(image, full_matrices=False)``, so a notebook
can factorise a large image once and reuse it for every figure.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np

from ._validation import as_matrix, as_vector, check_fraction, check_positive, check_rank
from .metrics import psnr, storage_cost

__all__ = [
    "reconstruction_grid",
    "spectrum_plot",
    "energy_plot",
    "rank_one_parts",
    "svd_geometry",
    "error_vs_rank",
]

_PANEL = 3.2  # inches per image panel


# ----------------------------------------------------------------------------
# private helpers (shared with widgets.py)
# ----------------------------------------------------------------------------
def _figure(**kwargs):
    """A new figure, already closed in pyplot (see the module docstring)."""
    fig = plt.figure(layout="constrained", **kwargs)
    plt.close(fig)
    return fig


def _singular_values(s, name="s"):
    """`s` as a float vector, checked to be >= 0 and sorted as np.linalg.svd returns it."""
    s = as_vector(s, name)
    if np.any(s < 0) or np.any(np.diff(s) > 0):
        raise ValueError(
            f"{name} must hold singular values: non-negative and in decreasing order, as "
            f"np.linalg.svd returns them; got {name}[:5]={np.round(s[:5], 4).tolist()}."
        )
    return s


def _check_factors(factors):
    """Return ``(U, s, Vt)`` as float arrays whose shapes fit together."""
    if not isinstance(factors, (tuple, list)) or len(factors) != 3:
        raise TypeError(
            "factors must be the triple (U, s, Vt) returned by "
            f"np.linalg.svd(image, full_matrices=False); got {type(factors).__name__}."
        )
    U = as_matrix(factors[0], "U")
    s = _singular_values(factors[1])
    Vt = as_matrix(factors[2], "Vt")
    p = s.size
    if U.shape[1] != p or Vt.shape[0] != p or p > min(U.shape[0], Vt.shape[1]):
        raise ValueError(
            f"factors do not fit together: U has shape {U.shape}, s has {p} values, Vt has "
            f"shape {Vt.shape}; expected (m, p), (p,), (p, n) with p <= min(m, n). "
            "Use np.linalg.svd(image, full_matrices=False)."
        )
    return U, s, Vt


def _image_and_factors(image, factors):
    """Checked image and its ``(U, s, Vt)``: computed here once, or checked if given."""
    image = as_matrix(image, "image")
    if factors is None:
        U, s, Vt = np.linalg.svd(image, full_matrices=False)
        return image, U, s, Vt
    U, s, Vt = _check_factors(factors)
    if (U.shape[0], Vt.shape[1]) != image.shape:
        raise ValueError(
            f"factors belong to a {U.shape[0]}x{Vt.shape[1]} matrix but image has shape "
            f"{image.shape}; compute them with np.linalg.svd(image, full_matrices=False)."
        )
    # Cheap O(mn) test that these are this image's factors: u_1^T A v_1 = sigma_1.
    # It catches factors of another image, of image * 255, or with one sign flipped.
    lead = float(U[:, 0] @ image @ Vt[0])
    if abs(lead - s[0]) > 1e-4 * max(s[0], np.linalg.norm(image)):
        raise ValueError(
            f"factors do not belong to image: u_1^T image v_1 = {lead:.6g} but s[0] = {s[0]:.6g}. "
            "Compute them with np.linalg.svd(image, full_matrices=False) on this very image."
        )
    return image, U, s, Vt


def _ranks(ks, limit):
    """`ks` (one int or a sequence) as a list of ints in 0..limit."""
    ks = [ks] if np.ndim(ks) == 0 else list(ks)
    if not ks:
        raise ValueError("ks is empty; give at least one rank, e.g. ks=(5, 20, 50).")
    return [check_rank(k, limit, name=f"ks[{i}]") for i, k in enumerate(ks)]


def _partial_sums(U, s, Vt, ks):
    """Yield ``(k, A_k)`` for the sorted distinct `ks`, adding only the new rank-1 terms.

    The total cost is O(m n max(ks)) rather than a full product per rank. The
    same array is updated in place: copy it to keep it.
    """
    Ak = np.zeros((U.shape[0], Vt.shape[1]))
    done = 0
    for k in sorted(set(ks)):
        Ak += (U[:, done:k] * s[done:k]) @ Vt[done:k]
        done = k
        yield k, Ak


def _relative_error(image, approx, image_norm):
    """||image - approx||_F / ||image||_F; 0 for the zero image (rebuilt exactly at any k)."""
    return 0.0 if image_norm == 0 else float(np.linalg.norm(image - approx) / image_norm)


def _check_data_range(image, data_range):
    """`data_range` as a float, refusing one far narrower than the image's own range.

    A noisy [0, 1] image may stray a little outside [0, 1]; twice the range is
    allowed, which still catches 0..255 values scored with data_range=1.
    """
    data_range = check_positive(data_range, "data_range")
    spread = float(np.ptp(image))
    if spread > 2 * data_range:
        raise ValueError(
            f"image values span {spread:.4g} but data_range={data_range:g}, so PSNR would be "
            "meaningless. Scale the image to [0, 1] (e.g. image / 255) or pass data_range=255."
        )
    return data_range


def _show_gray(ax, img, lo, hi, title):
    """Gray image panel with a fixed intensity window [lo, hi], axes off."""
    ax.imshow(img, cmap="gray", vmin=lo, vmax=hi, interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()


def _cumulative_fraction(w):
    """Fraction of ``sum(w)`` held by ``w[:k]``, for k = 0..len(w).

    Computed as ``1 - (what is left) / total`` so that the value is exactly 1 once
    only zeros are left (k = rank) and exactly 0 at k = 0. A zero `w` gives all
    ones: the zero matrix is reproduced exactly at k = 0.
    """
    left = np.concatenate([np.cumsum(w[::-1])[::-1], [0.0]])
    if left[0] == 0:
        return np.ones(w.size + 1)
    return 1 - left / left[0]


def _energy(s):
    """Cumulative energy ``sum(s[:k]**2) / sum(s**2)`` for k = 0..len(s)."""
    scale = s[0] if s[0] > 0 else 1.0  # avoid overflow of s**2 for huge values
    return _cumulative_fraction((s / scale) ** 2)


# ----------------------------------------------------------------------------
# public figures
# ----------------------------------------------------------------------------
def reconstruction_grid(image, ks=(3, 10, 20, 50, 100), *, factors=None, approximations=None, ncols=3):
    """The image and its rank-k approximations side by side.

    Each panel is titled with its rank, its relative error
    ``||A - A_k||_F / ||A||_F`` in percent, and the storage of the rank-k
    factors, ``k (m + n + 1)`` numbers, as a percentage of the ``m n`` pixels.

    Parameters
    ----------
    image : (m, n) array_like
        Gray image (any real matrix).
    ks : int or sequence of int, optional
        Ranks to show, each ``0 <= k <= min(m, n)``; one panel per entry, in
        the given order.
    factors : tuple (U, s, Vt), optional
        ``np.linalg.svd(image, full_matrices=False)``, if already computed.
    approximations : dict of int to (m, n) array_like, optional
        The rank-k approximations to show, by rank (a student's own); when given,
        `ks` and `factors` are not used and nothing is recomputed.
    ncols : int, optional
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        ``1 + len(ks)`` axes (``1 + len(approximations)``): the original first.

    Raises
    ------
    TypeError
        If `image` is not numeric or a rank is not an integer.
    ValueError
        If `image` is not 2-D or holds NaN, a rank exceeds ``min(m, n)``,
        `factors` do not belong to `image`, or an approximation's shape is not the image's.

    Notes
    -----
    All panels share the gray window ``[image.min(), image.max()]``: with
    matplotlib's default per-image scaling, each reconstruction would be
    contrast-stretched on its own and the panels could not be compared
    (values that overshoot the original's range show as black or white).
    The approximations are built by adding rank-1 terms, so the cost is
    O(m n max(ks)).

    Examples
    --------
    >>> A = np.outer(np.hanning(64), np.hanning(48))
    >>> fig = reconstruction_grid(A, ks=(1, 2))
    >>> len(fig.axes)
    3
    >>> len(reconstruction_grid(A, approximations={1: np.zeros_like(A)}).axes)  # anyone's own A_1
    2
    """
    if isinstance(ncols, bool) or not isinstance(ncols, numbers.Integral) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got ncols={ncols!r}.")
    if approximations is None:
        image, U, s, Vt = _image_and_factors(image, factors)
        ks = _ranks(ks, s.size)
        approx = {k: Ak.copy() for k, Ak in _partial_sums(U, s, Vt, ks)}
    else:
        image = as_matrix(image, "image")
        approx = {}
        for k, Ak in dict(approximations).items():
            k = check_rank(k, min(image.shape))
            approx[k] = as_matrix(Ak, f"approximations[{k}]")
            if approx[k].shape != image.shape:
                raise ValueError(f"approximations[{k}] has shape {approx[k].shape} but image has shape "
                                 f"{image.shape}; pass the rank-{k} approximation of this very image.")
        ks = list(approx)
    m, n = image.shape
    norm = np.linalg.norm(image)

    ncols = min(int(ncols), len(ks) + 1)
    nrows = -(-(len(ks) + 1) // ncols)
    aspect = min(max(m / n, 0.25), 4.0)
    fig = _figure(figsize=(_PANEL * ncols, (_PANEL * aspect + 0.6) * nrows))
    lo, hi = image.min(), image.max()
    ax = fig.add_subplot(nrows, ncols, 1)
    _show_gray(ax, image, lo, hi, f"original\n{m} x {n} = {m * n} numbers")
    for i, k in enumerate(ks, start=2):
        error = _relative_error(image, approx[k], norm)
        stored = storage_cost((m, n), k) / (m * n)
        title = f"rank k = {k}\nerror {100 * error:.1f} %\nstorage {100 * stored:.1f} % of m n"
        _show_gray(fig.add_subplot(nrows, ncols, i), approx[k], lo, hi, title)
    return fig


def spectrum_plot(s, *, k=None):
    """Singular values against their index on a log scale, with rank `k` marked.

    Parameters
    ----------
    s : (p,) array_like
        Singular values, non-negative and decreasing (``np.linalg.svd``'s order).
    k : int, optional
        Kept rank, ``0 <= k <= p``: a vertical line at index k, annotated with
        ``sigma_{k+1}``, the 2-norm error of the best rank-k approximation
        (Eckart-Young).

    Returns
    -------
    matplotlib.figure.Figure
        One axes; its first line holds the positive singular values.

    Raises
    ------
    ValueError
        If `s` is not a decreasing non-negative vector, or `k` is out of range.

    Notes
    -----
    Exact zeros cannot be drawn on a log scale; they are left out of the line
    and counted in a note instead (a rank-deficient matrix has them).

    Examples
    --------
    >>> fig = spectrum_plot([5.0, 2.0, 0.5, 0.0], k=2)
    >>> fig.axes[0].get_yscale()
    'log'
    """
    s = _singular_values(s)
    if k is not None:
        k = check_rank(k, s.size)
    fig = _figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    index = np.arange(1, s.size + 1)
    positive = s > 0
    ax.plot(index[positive], s[positive], ".-", color="C0", label=r"$\sigma_i$")
    ax.set_yscale("log")
    n_zero = int(s.size - positive.sum())
    if n_zero:
        ax.text(0.98, 0.98, f"{n_zero} singular value(s) exactly 0 (not shown on a log scale)",
                transform=ax.transAxes, ha="right", va="top", fontsize=8)
    if k is not None:
        ax.axvline(k, color="C3", linestyle="--", label=f"k = {k}")
        note = (f"k = {k}\n" + rf"$\sigma_{{{k + 1}}}$ = {s[k]:.3g}" + "\n(2-norm error of rank k)"
                if k < s.size else f"k = {k}: all kept, error 0")
        ax.annotate(note, xy=(k, 0.05), xycoords=("data", "axes fraction"),
                    xytext=(6, 0), textcoords="offset points", fontsize=8, color="C3")
    ax.set_xlabel("index i")
    ax.set_ylabel(r"singular value $\sigma_i$ (log scale)")
    ax.set_title("Singular values")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def energy_plot(s, *, k=None, fractions=(0.9, 0.99)):
    """Cumulative energy ``sum(s[:k]**2) / sum(s**2)`` against the rank k.

    Parameters
    ----------
    s : (p,) array_like
        Singular values, non-negative and decreasing.
    k : int, optional
        Kept rank to mark, ``0 <= k <= p``.
    fractions : float or sequence of float, optional
        Energy targets in (0, 1]; each is drawn as a horizontal line and the
        smallest k reaching it is marked and named in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One axes. Its first line is the energy for k = 0..p, its second the
        cumulative share of the singular values themselves, dashed.

    Raises
    ------
    ValueError
        If `s` is not a decreasing non-negative vector, `k` is out of range or
        a fraction is not in (0, 1].

    Notes
    -----
    The energy (squared Frobenius norm) kept by the rank-k approximation is
    ``sum(s[:k]**2)``, and ``1 - energy`` is the squared relative error.
    Some tutorials choose k with ``sum(s[:k]) / sum(s)`` instead; the dashed
    line shows that rule, which climbs more slowly and asks for a larger k for the
    same target. For the zero matrix the energy is 1 for every k.

    Examples
    --------
    >>> fig = energy_plot([4.0, 2.0, 1.0], fractions=0.9)
    >>> fig.axes[0].get_legend_handles_labels()[1][2]
    '90 % of energy: k = 2'
    """
    s = _singular_values(s)
    if k is not None:
        k = check_rank(k, s.size)
    fractions = [check_fraction(f, "fractions") for f in np.atleast_1d(fractions).tolist()]
    energy = _energy(s)
    by_sigma = _cumulative_fraction(s)
    ranks = np.arange(s.size + 1)

    fig = _figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    ax.plot(ranks, energy, "-", color="C0", label="energy: by sigma² (this course's rule)")
    ax.plot(ranks, by_sigma, "--", color="C1", label="by sigma (a rule some tutorials use)")
    for j, f in enumerate(fractions):
        k_f = int(np.argmax(energy >= f))  # energy[-1] == 1 >= f, so there is a hit
        ax.axhline(f, color="0.6", linewidth=0.8)
        ax.plot([k_f], [energy[k_f]], "o", color=f"C{j + 2}", label=f"{100 * f:g} % of energy: k = {k_f}")
    if k is not None:
        ax.axvline(k, color="C3", linestyle=":", label=f"k = {k}: {100 * energy[k]:.1f} % of energy")
    ax.set_xlabel("rank k")
    ax.set_ylabel("fraction kept")
    ax.set_ylim(0, 1.02)
    ax.set_title("Cumulative energy of the singular values")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def rank_one_parts(image_or_factors, n=5):
    """The first `n` rank-1 parts ``sigma_k u_k v_k^T`` and their running sums.

    Top row: panel k shows the k-th part ``s_k * outer(U[:, k-1], Vt[k-1])``.
    Bottom row: the partial sum of parts 1..k, the rank-k approximation.

    Parameters
    ----------
    image_or_factors : (m, n) array_like or tuple (U, s, Vt)
        An image, or the result of ``np.linalg.svd(image, full_matrices=False)``.
    n : int, optional
        Number of parts, ``1 <= n <= p`` (p = number of singular values).

    Returns
    -------
    matplotlib.figure.Figure
        ``2 n`` axes: the n parts, then the n partial sums.

    Raises
    ------
    TypeError, ValueError
        If the image or factors are invalid, or `n` is out of range.

    Notes
    -----
    A part has both signs (only the first is one-signed for a non-negative
    image), so it is drawn with a diverging colormap centred on 0, each on its
    own scale since later parts are much weaker. The partial sums share one
    gray window, that of the n-th sum, so they can be compared.

    Examples
    --------
    >>> fig = rank_one_parts(np.outer(np.arange(6.0), np.ones(4)) + np.eye(6, 4), n=2)
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes[:2]]
    ['u_1 s_1 v_1^T', 'u_2 s_2 v_2^T']
    """
    x = image_or_factors
    if isinstance(x, (tuple, list)) and len(x) == 3 and [np.ndim(a) for a in x] == [2, 1, 2]:
        U, s, Vt = _check_factors(x)
    else:
        U, s, Vt = np.linalg.svd(as_matrix(x, "image_or_factors"), full_matrices=False)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer; got {n!r}.")
    if not 1 <= n <= s.size:
        raise ValueError(f"n must be between 1 and the number of singular values, {s.size}; got n={n}.")
    n = int(n)

    parts = [s[j] * np.outer(U[:, j], Vt[j]) for j in range(n)]  # part j+1 uses its own u, v
    sums = np.cumsum(parts, axis=0)
    lo, hi = sums[-1].min(), sums[-1].max()
    m_, n_ = parts[0].shape
    aspect = min(max(m_ / n_, 0.25), 4.0)
    fig = _figure(figsize=(2.6 * n, 2 * (2.6 * aspect + 0.5)))
    for j, part in enumerate(parts, start=1):
        ax = fig.add_subplot(2, n, j)
        top = float(np.abs(part).max()) or 1.0
        ax.imshow(part, cmap="RdBu_r", vmin=-top, vmax=top, interpolation="nearest")
        ax.set_title(f"u_{j} s_{j} v_{j}^T\ns_{j} = {s[j - 1]:.3g}", fontsize=9)
        ax.set_axis_off()
    for j in range(1, n + 1):
        _show_gray(fig.add_subplot(2, n, n + j), sums[j - 1], lo, hi, f"sum of parts 1..{j}\n(rank {j})")
    return fig


def svd_geometry(A=None):
    """How a 2x2 matrix maps the unit circle, step by step: ``A x = U (Sigma (V^T x))``.

    Four panels with the same axes limits: the unit circle with ``v_1, v_2``;
    after ``V^T`` (a rotation or reflection: still the unit circle, ``v_i``
    now on the axes); after ``Sigma`` (an axis-aligned ellipse with semi-axes
    ``s_1, s_2``); after ``U`` (the ellipse ``A x`` with semi-axes
    ``s_1 u_1, s_2 u_2``).

    Parameters
    ----------
    A : (2, 2) array_like, optional
        Default ``[[1, 1.5], [0, 1]]`` (a shear, singular values 2 and 0.5).

    Returns
    -------
    matplotlib.figure.Figure
        Four axes, equal aspect; each one's first line is the transformed circle.

    Raises
    ------
    ValueError
        If `A` is not 2x2 or holds NaN.

    Notes
    -----
    The signs of a singular pair ``(u_i, v_i)`` can be flipped together. They
    are chosen so that ``V^T`` is a rotation; ``U`` is then a rotation when
    ``det(A) > 0`` and a reflection when ``det(A) < 0``.

    Examples
    --------
    >>> fig = svd_geometry([[2.0, 0.0], [0.0, 1.0]])
    >>> len(fig.axes)
    4
    """
    A = np.array([[1.0, 1.5], [0.0, 1.0]]) if A is None else as_matrix(A, "A")
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 matrix (the picture lives in the plane); got shape {A.shape}.")
    U, s, Vt = np.linalg.svd(A)
    if np.linalg.det(Vt) < 0:  # flip the pair (u_2, v_2): same product, V^T a rotation
        U[:, 1] *= -1
        Vt[1] *= -1
    kind_U = "rotation" if np.linalg.det(U) > 0 else "reflection"

    t = np.linspace(0, 2 * np.pi, 201)
    circle = np.vstack([np.cos(t), np.sin(t)])
    steps = [
        ("unit circle, $v_1$, $v_2$", circle, Vt.T),
        ("after $V^T$ (rotation):\nstill a circle", Vt @ circle, np.eye(2)),
        (f"after $\\Sigma$: axes scaled by\n$s_1$ = {s[0]:.3g}, $s_2$ = {s[1]:.3g}",
         s[:, None] * (Vt @ circle), np.diag(s)),
        (f"after $U$ ({kind_U}):\n$A x$, semi-axes $s_1 u_1$, $s_2 u_2$",
         U @ (s[:, None] * (Vt @ circle)), U * s),
    ]
    names = [("$v_1$", "$v_2$"), ("$e_1$", "$e_2$"), ("$s_1 e_1$", "$s_2 e_2$"), ("$s_1 u_1$", "$s_2 u_2$")]
    limit = 1.35 * max(1.0, s[0])
    fig = _figure(figsize=(12, 3.6))
    for i, ((title, curve, arrows), labels) in enumerate(zip(steps, names), start=1):
        ax = fig.add_subplot(1, 4, i)
        ax.plot(curve[0], curve[1], color="C0")
        for j, color in enumerate(("C3", "C2")):
            tip = arrows[:, j]
            ax.annotate("", xy=tuple(tip), xytext=(0, 0),
                        arrowprops=dict(arrowstyle="->", color=color, linewidth=2))
            ax.text(*(1.08 * tip), labels[j], color=color, fontsize=10)
        ax.axhline(0, color="0.85", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.85", linewidth=0.8, zorder=0)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=10)
    return fig


def error_vs_rank(image, ks=None, *, factors=None, data_range=1.0):
    """Relative Frobenius error (left axis) and PSNR (right axis) against the rank.

    Parameters
    ----------
    image : (m, n) array_like
        Gray image, values in a range of width `data_range`.
    ks : int or sequence of int, optional
        Ranks to evaluate, ``0 <= k <= min(m, n)``. Default: about 40 ranks
        from 1 to ``min(m, n)``, spaced geometrically (all of them for small
        images).
    factors : tuple (U, s, Vt), optional
        ``np.linalg.svd(image, full_matrices=False)``, if already computed.
    data_range : float, optional
        Width of the pixel range for PSNR: 1.0 for images in [0, 1], 255 for
        8-bit values.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes sharing x: the error in percent (first line of
        ``fig.axes[0]``) and the PSNR in dB (first line of ``fig.axes[1]``),
        both at the sorted distinct ranks.

    Raises
    ------
    TypeError, ValueError
        For an invalid image, ranks or factors, or an image whose values span
        more than twice `data_range` (0..255 values with ``data_range=1``).

    Notes
    -----
    The approximations are built by adding rank-1 terms from one rank to the
    next, so the whole curve costs O(m n max(ks)). A reconstruction exact up
    to rounding (relative error below 1e-10, e.g. k = rank) has an infinite
    PSNR, or one of about 300 dB that only measures floating-point noise; it
    is left out of the PSNR line. The k axis is logarithmic unless k = 0 is
    asked for.

    Examples
    --------
    >>> A = np.outer(np.hanning(32), np.hanning(16))
    >>> fig = error_vs_rank(A, ks=[1, 2])
    >>> bool(fig.axes[0].lines[0].get_ydata()[0] < 1e-10)  # rank 1 is exact
    True
    """
    image, U, s, Vt = _image_and_factors(image, factors)
    data_range = _check_data_range(image, data_range)
    p = s.size
    if ks is None:
        ks = np.arange(1, p + 1) if p <= 40 else np.unique(np.geomspace(1, p, 40).round().astype(int))
    ks = _ranks(ks, p)
    norm = np.linalg.norm(image)
    ranks, errors, psnrs = [], [], []
    for k, Ak in _partial_sums(U, s, Vt, ks):
        ranks.append(k)
        errors.append(100 * _relative_error(image, Ak, norm))
        psnrs.append(psnr(image, Ak, data_range=data_range))
    # Exact up to rounding (k = rank): the PSNR is infinite or ~300 dB of pure
    # floating-point noise, and would squash the axis; leave those points out.
    psnrs = np.where(np.array(errors) / 100 < 1e-10, np.nan, psnrs)

    fig = _figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    ax.plot(ranks, errors, ".-", color="C0")
    if ranks[0] >= 1:
        ax.set_xscale("log")  # most of the change happens at small k
    ax.set_xlabel("rank k")
    ax.set_ylabel(r"relative error $\|A - A_k\|_F / \|A\|_F$ (%)", color="C0")
    ax.tick_params(axis="y", labelcolor="C0")
    right = ax.twinx()
    right.plot(ranks, psnrs, ".-", color="C1")
    right.set_ylabel(f"PSNR (dB, data_range={data_range:g})", color="C1")
    right.tick_params(axis="y", labelcolor="C1")
    ax.set_title(f"Error and PSNR of the rank-k approximation ({image.shape[0]} x {image.shape[1]})")
    return fig
