"""Input checks shared by every public function of ``course_utils``.

Each check either returns a clean value (a float64 array, a Python int) or
raises a ``TypeError``/``ValueError`` whose message names the argument, says
what came in and what to do instead.  Public functions call these first, so a
bad argument never reaches numpy and never turns into a silent wrong number.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_matrix", "as_vector", "check_rank", "check_ranks", "check_positive", "check_fraction", "precision_eps"]


def _as_real_array(x, name):
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a numeric array; got {type(x).__name__}.")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and other oddities
        raise TypeError(f"{name} must be a numeric array; could not convert it ({exc}).") from None
    if arr.dtype == object:
        raise TypeError(
            f"{name} must be a numeric array; got an object array "
            "(ragged nested lists or mixed types?)."
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got a complex array. Use np.real({name}) if that is what you mean.")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array; got dtype {arr.dtype}.")
    return arr


def precision_eps(x, name="x"):
    """Machine epsilon of the precision `x` is held in: the course's one rule for tolerances.

    Floating input uses the epsilon of its own dtype (float32: 1.19e-7,
    float64: 2.22e-16); integer and boolean input is computed in float64, so
    it uses float64's epsilon.  This is the ``eps`` of the tolerance
    ``max(m, n) * eps * s[0]`` of the numerical rank and the pseudo-inverse.

    Parameters
    ----------
    x : array_like or numpy dtype
        The input matrix, or its dtype.
    name : str
        Name used in error messages.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If `x` is not real numeric (complex, object, strings).

    Examples
    --------
    >>> precision_eps(np.ones(2, dtype=np.float32))  # float32's
    1.1920928955078125e-07
    >>> precision_eps(np.arange(3))  # integers: float64's
    2.220446049250313e-16
    """
    if isinstance(x, (np.dtype, type)):
        dtype = np.dtype(x)
    else:
        dtype = _as_real_array(x, name).dtype
    if np.issubdtype(dtype, np.complexfloating) or not (np.issubdtype(dtype, np.number) or dtype == bool):
        raise TypeError(f"{name} must have a real numeric dtype; got {dtype}.")
    return float(np.finfo(dtype if np.issubdtype(dtype, np.floating) else np.float64).eps)


def _check_finite(arr, name):
    if not np.all(np.isfinite(arr)):
        n_bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s); clean or drop them first "
            f"(e.g. np.nan_to_num({name}) or a masked copy)."
        )


def as_matrix(A, name="A", *, dtype=np.float64):
    """Return `A` as a finite, non-empty 2-D floating array.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix (ints and bools are converted).
    name : str
        Name used in error messages.
    dtype : numpy dtype, optional
        Floating dtype of the result; float32 input keeps float32 when
        ``dtype=None``.

    Returns
    -------
    (m, n) ndarray

    Raises
    ------
    TypeError
        If `A` is not a real numeric array.
    ValueError
        If `A` is not 2-D, is empty, or holds NaN/inf.
    """
    arr = _as_real_array(A, name)
    if arr.ndim != 2:
        hint = (
            f" For a vector use {name}.reshape(-1, 1) (column) or {name}.reshape(1, -1) (row)."
            if arr.ndim == 1
            else " For a colour image convert to gray first (course_utils.images.to_gray)."
            if arr.ndim == 3
            else ""
        )
        raise ValueError(f"{name} must be a 2-D array (a matrix); got shape {arr.shape}.{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row and one column.")
    if dtype is None:
        dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
    arr = arr.astype(dtype, copy=False)
    _check_finite(arr, name)
    return arr


def as_vector(b, name="b", *, length=None):
    """Return `b` as a finite 1-D float64 array (a column ``(m, 1)`` is flattened).

    Raises
    ------
    TypeError, ValueError
        As :func:`as_matrix`, and when ``len(b) != length``.
    """
    arr = _as_real_array(b, name)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; it needs at least one entry.")
    if length is not None and arr.size != length:
        raise ValueError(
            f"{name} has {arr.size} entries but must have {length} (one per row of the matrix)."
        )
    arr = arr.astype(np.float64, copy=False)
    _check_finite(arr, name)
    return arr


def _as_int(k, name):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        if isinstance(k, numbers.Real) and float(k).is_integer():
            return int(k)
        raise TypeError(f"{name} must be an integer; got {k!r} ({type(k).__name__}).")
    return int(k)


def check_shape(shape, name="shape", *, minimum=1):
    """Return `shape` as a pair of ints, each at least `minimum`.

    Parameters
    ----------
    shape : tuple of int
        ``(rows, columns)``, e.g. ``A.shape``.
    name : str
        Name used in error messages.
    minimum : int
        Smallest allowed number of rows and of columns.

    Raises
    ------
    TypeError
        If `shape` is not a pair of integers.
    ValueError
        If a dimension is below `minimum`.
    """
    try:
        m, n = shape
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (rows, columns) such as A.shape; got {shape!r}.") from None
    for v in (m, n):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name} must hold two integers (rows, columns); got {shape!r}.")
        if v < minimum:
            raise ValueError(f"{name} must have at least {minimum} rows and columns; got {shape!r}.")
    return int(m), int(n)


def check_rank(k, limit, name="k"):
    """Return `k` as an int with ``0 <= k <= limit``.

    Parameters
    ----------
    k : int
        Requested rank (a whole float such as ``10.0`` is accepted).
    limit : int
        Largest allowed value, usually ``min(m, n)``.
    name : str
        Name used in error messages.

    Raises
    ------
    TypeError
        If `k` is not a whole number.
    ValueError
        If `k` is negative or larger than `limit`.
    """
    k = _as_int(k, name)
    if k < 0 or k > limit:
        raise ValueError(
            f"{name} must be an integer with 0 <= {name} <= min(m, n) = {limit}; got {name}={k}. "
            "Choose a rank in that range."
        )
    return k


def check_ranks(ks, limit, *, single_hint=""):
    """Return the ranks `ks` (a non-empty 1-D sequence, each ``0 <= k <= limit``) as a list of ints.

    `single_hint` ends the TypeError for a single number, e.g. where to pass one rank.
    """
    if isinstance(ks, (str, bytes)) or np.ndim(ks) != 1:
        raise TypeError(f"ks must be a sequence of ranks such as [1, 5, 20]; got {ks!r}.{single_hint}")
    if len(ks) == 0:
        raise ValueError("ks is empty; pass at least one rank, e.g. ks=[1, 5, 20].")
    return [check_rank(k, limit, f"ks[{i}]") for i, k in enumerate(ks)]


def check_positive(x, name, *, allow_zero=False):
    """Return `x` as a float that is finite and > 0 (or >= 0 with `allow_zero`)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {x!r}.")
    x = float(x)
    ok = np.isfinite(x) and (x >= 0 if allow_zero else x > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}; got {x!r}.")
    return x


def check_fraction(x, name):
    """Return `x` as a float with ``0 < x <= 1``."""
    x = check_positive(x, name)
    if x > 1:
        raise ValueError(f"{name} must be a fraction in (0, 1]; got {x!r}. Use 0.99 for 99 %.")
    return x
