"""The answers the data decide: what each grading kernel reports, and their right values per variant.

Some answers of week5_svd are numbers that a student's data decide (``k_99``, the three rank
choices of part 3, ``k_90``).  With per-student variants (:mod:`course_utils.grading.variants`)
each has one right value per student, so a notebook that types a neighbour's numbers instead of
computing them loses those points and fits the neighbour's variant better than its own
(:func:`course_utils.grading.copies.find_copies`).

Two sides:

- in the grading kernel, :func:`course_utils.grading.guard.report` returns the values of
  :data:`NAMES` found in the notebook's namespace after its last cell, as plain numbers
  (small arrays at most); the execute step stores them with the rest of the kernel's report
  in the autograded notebook's metadata.  They come from student code: :func:`reported`
  keeps only numbers and small lists of numbers, and only the answers of that notebook;
- on the trusted side, :func:`expected_answers` recomputes the right values for any
  student's variant from the notebooks' own data (the first cells of each notebook, rebuilt
  here exactly; ``tests/test_variant_data.py`` holds them to the notebooks).  Nothing of it
  is in the release or in a student's kernel.
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["ASSIGNMENT", "DATA_ANSWERS", "NAMES", "MAX_VALUES", "CROPS", "reported", "expected_answers", "answer_cells",
           "part2_image", "describe_variant"]

#: The assignment whose answers this module knows.
ASSIGNMENT = "week5_svd"

#: Notebook (without ``.ipynb``) -> {answer variable: grade_id of the test cell that grades it}.
DATA_ANSWERS = {
    "2_image_reconstruction": {"k_99": "k_99_test"},
    "3_denoising": {"k_gd": "k_gd_test", "k_energy": "k_energy_test", "k_best": "k_best_test"},
    "4_pca": {"k_90": "k_90_test"},
}

#: Every answer variable the grading kernel reports (any notebook).
NAMES = tuple(name for answers in DATA_ANSWERS.values() for name in answers)

#: Most numbers one reported answer may hold (a table of PSNRs, say); larger values are dropped.
MAX_VALUES = 256

#: The ranks searched in part 3 (``ks`` in its first code cell).
_KS = np.arange(1, 201)


def answer_cells():
    """``{(notebook, grade_id): answer}`` for every test cell that grades a data-dependent answer."""
    return {(nb, cell): name for nb, answers in DATA_ANSWERS.items() for name, cell in answers.items()}


def _number(value):
    if type(value) is int:  # noqa: E721  (bool and int subclasses are not answers)
        return value if abs(value) < 2**63 else None
    if type(value) is float:  # noqa: E721
        return value if math.isfinite(value) else None
    return None


def reported(notebook, values):
    """The data-dependent answers of `notebook` in a grading kernel's report, checked.

    Parameters
    ----------
    notebook : str
        The notebook's name without ``.ipynb``.
    values : object
        ``report["answers"]`` as the kernel sent it (untrusted: anything JSON can hold).

    Returns
    -------
    dict of str to int, float or list
        The answers of :data:`DATA_ANSWERS` ``[notebook]`` that are a finite number or a list of at
        most :data:`MAX_VALUES` finite numbers; anything else is left out (it agrees with nothing).

    Examples
    --------
    >>> reported("3_denoising", {"k_gd": 41, "k_best": "41", "k_99": 3, "k_energy": [1.5, 2]})
    {'k_gd': 41, 'k_energy': [1.5, 2]}
    >>> reported("3_denoising", ["not", "a", "dict"])
    {}
    """
    if not isinstance(values, dict):
        return {}
    out = {}
    for name in DATA_ANSWERS.get(notebook, {}):
        value = values.get(name)
        if type(value) is list and 0 < len(value) <= MAX_VALUES:  # noqa: E721
            numbers = [_number(v) for v in value]
            if all(n is not None for n in numbers):
                out[name] = numbers
        elif _number(value) is not None:
            out[name] = value
    return out


#: Part 2's windows of the image (top, left corners of 600 x 600; None: the whole image), as in its first code cell.
CROPS = (None, (0, 0), (0, 106), (106, 0), (106, 106), (53, 53))


@functools.lru_cache(maxsize=1)
def _retina():
    from skimage.transform import rescale

    from ..images import load_sample

    return rescale(load_sample("retina"), 0.5, anti_aliasing=True)


def _window(corner, turns):
    image = _retina()
    if corner is not None:
        image = image[corner[0]:corner[0] + 600, corner[1]:corner[1] + 600]
    return np.rot90(image, turns)


def _part2_draws(variant):
    """``(corner, quarter turns)`` of part 2's image, drawn as its first code cell draws them."""
    return variant.pick("crop", CROPS, default=None), variant.pick("quarter turns", (0, 1, 2, 3), default=0)


def _part3_draws(variant):
    """``(sigma, noise seed)`` of part 3, drawn as its first code cell draws them."""
    return variant.pick("sigma", (0.08, 0.1, 0.12), default=0.1), variant.seed_for("noise", default=2024)


def part2_image(variant):
    """The image of 2_image_reconstruction for `variant`, as the notebook's first code cell builds it."""
    return _window(*_part2_draws(variant))


def describe_variant(variant):
    """The data of `variant` in words, for the grader reading a student's observations.

    Part 1's example matrices vary too (``variant.seed_for("matrices", default=5)``), but no
    answer and no written question depends on them, so the words leave them out.

    Examples
    --------
    >>> from course_utils.variant import Variant
    >>> describe_variant(Variant(ASSIGNMENT, 0, False))
    'part 2: the whole image; part 3: sigma = 0.1'
    >>> describe_variant(Variant(ASSIGNMENT, 7, True)).startswith("part 2: ")
    True
    """
    corner, turns = _part2_draws(variant)
    window = "the whole image" if corner is None else f"the 600 x 600 window at row {corner[0]}, column {corner[1]}"
    turned = f", turned {turns} quarter turn{'s' if turns > 1 else ''} (np.rot90)" if turns else ""
    sigma, _ = _part3_draws(variant)
    return f"part 2: {window}{turned}; part 3: sigma = {sigma}"


@functools.lru_cache(maxsize=32)
def _part2_k_99(corner, turns):
    from ..reference import solutions

    s = np.linalg.svd(_window(corner, turns), compute_uv=False)
    return int(solutions.smallest_rank_for_energy(s, 0.99))


@functools.lru_cache(maxsize=1)
def _part4_k_90():
    """``k_90`` of part 4: one value for the whole class (a published data set, not varied)."""
    from sklearn.datasets import load_diabetes

    from ..reference import solutions

    X = load_diabetes(scaled=False).data  # 4_pca, first code cell
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    s = np.linalg.svd(Z - Z.mean(axis=0), compute_uv=False)
    return int(solutions.smallest_rank_for_energy(s, 0.9))


@functools.lru_cache(maxsize=64)
def _part3(sigma, noise_seed):
    from ..images import add_gaussian_noise, load_sample
    from ..reference import solutions

    clean = load_sample("immunohistochemistry")
    noisy = add_gaussian_noise(clean, sigma, seed=noise_seed)
    U, s, Vt = np.linalg.svd(noisy, full_matrices=False)
    tau = solutions.gavish_donoho_threshold(s, noisy.shape, sigma=sigma)
    # PSNR of every rank at once: ||A_k - C||^2 = sum_{i<k} s_i^2 - 2 sum_{i<k} s_i u_i^T C v_i + ||C||^2
    top = _KS[-1]
    cross = np.sum(U[:, :top] * (clean @ Vt[:top].T), axis=0) * s[:top]  # s_i u_i^T C v_i
    sq_err = np.cumsum(s[:top] ** 2) - 2 * np.cumsum(cross) + np.sum(clean**2)
    mse = np.maximum(sq_err[_KS - 1], 0) / clean.size
    return {"k_gd": int(np.sum(s > tau)), "k_energy": int(solutions.smallest_rank_for_energy(s, 0.99)),
            "k_best": int(_KS[int(np.argmin(mse))])}


def expected_answers(variant):
    """The right value of every answer of :data:`NAMES` for `variant` (trusted side only).

    Parameters
    ----------
    variant : course_utils.variant.Variant
        A student's variant of :data:`ASSIGNMENT` (``current_variant(ASSIGNMENT,
        environ=kernel_environment(secret, student))``).

    Returns
    -------
    dict of str to int
        By answer name.  ``k_90`` is the same for every variant, on purpose: part 4 works on
        scikit-learn's published diabetes data, which are everyone's, so its one right value is
        never evidence of copying (:func:`course_utils.grading.copies.find_copies` weighs only
        answers on which two variants differ).

    Raises
    ------
    ValueError
        If `variant` is of another assignment.
    """
    if variant.assignment != ASSIGNMENT:
        raise ValueError(f"variant must be of {ASSIGNMENT}; got {variant.assignment!r}.")
    part3 = _part3(*_part3_draws(variant))
    return {"k_99": _part2_k_99(*_part2_draws(variant)), **part3, "k_90": _part4_k_90()}
