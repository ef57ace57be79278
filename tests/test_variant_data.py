"""Part 3 with per-student variants: every variant keeps the reference right and a copied answer wrong.

The notebook draws its noise level and noise from the student's variant
(``source/week5_svd/3_denoising.ipynb``, first code cell); its checks verify each rank
against the notebook's own data.  Here the same data are rebuilt for 20 students and the
reference answers are checked on each, then handed in as another student's.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from conftest import SOURCE
from course_utils.checks import check_k_best, check_k_energy, check_k_gd
from course_utils.grading.copies import find_copies
from course_utils.grading.variants import kernel_environment
from course_utils.images import add_gaussian_noise, load_sample
from course_utils.reference import solutions
from course_utils.variant import KEY_VARIABLE, current_variant

SECRET = "3c" * 32
STUDENTS = [f"student{i:02d}" for i in range(20)]
KS = np.arange(1, 201)


def _data(variant):
    """The noisy image of part 3 for `variant`, exactly as the notebook's first code cell builds it."""
    sigma = variant.pick("sigma", (0.08, 0.1, 0.12), default=0.1)
    clean = load_sample("immunohistochemistry")
    return sigma, clean, add_gaussian_noise(clean, sigma, seed=variant.seed_for("noise", default=2024))


def _answers(sigma, clean, noisy):
    """The reference answers of question 12 on these data."""
    s = np.linalg.svd(noisy, compute_uv=False)
    tau = solutions.gavish_donoho_threshold(s, noisy.shape, sigma=sigma)
    psnrs = solutions.psnr_by_rank(noisy, clean, KS)
    return {"k_gd": int(np.sum(s > tau)), "k_energy": solutions.smallest_rank_for_energy(s, 0.99),
            "k_best": int(KS[int(np.argmax(psnrs))])}


def _graded(answers, sigma, clean, noisy):
    """Points of the three one-point cells for `answers` on these data."""
    points = 0
    for check, kwargs in ((check_k_gd, {"noisy": noisy, "sigma": sigma}), (check_k_energy, {"noisy": noisy}),
                          (check_k_best, {"noisy": noisy, "clean": clean, "ks": KS})):
        name = check.__name__.removeprefix("check_")
        try:
            check(answers[name], **kwargs)
            points += 1
        except AssertionError:
            pass
    return points


@pytest.fixture(scope="module")
def klass():
    data, expected = {}, {}
    for student in STUDENTS:
        variant = current_variant("week5_svd", environ=kernel_environment(SECRET, student))
        data[student] = _data(variant)
        expected[student] = _answers(*data[student])
    return data, expected


def test_the_notebook_builds_its_data_as_this_test_does():
    setup = nbformat.read(SOURCE / "3_denoising.ipynb", as_version=4).cells[1].source
    assert 'variant.pick("sigma", (0.08, 0.1, 0.12), default=0.1)' in setup
    assert 'add_gaussian_noise(clean, sigma, seed=variant.seed_for("noise", default=2024))' in setup


def test_the_default_variant_is_the_data_the_keys_describe():
    sigma, clean, noisy = _data(current_variant("week5_svd", environ={}))
    assert sigma == 0.1
    np.testing.assert_array_equal(noisy, add_gaussian_noise(clean, 0.1, seed=2024))


@pytest.mark.slow
def test_every_variant_keeps_the_reference_at_full_marks(klass):
    data, expected = klass
    assert len({d[0] for d in data.values()}) == 3  # all three noise levels occur among 20 students
    for student in STUDENTS:
        assert _graded(expected[student], *data[student]) == 3, student


@pytest.mark.slow
def test_another_students_numbers_lose_the_points_where_the_variants_differ_and_name_both(klass):
    data, expected = klass
    copier, source = STUDENTS[1], next(s for s in STUDENTS if data[s][0] != data[STUDENTS[1]][0])
    differ = sum(expected[copier][k] != expected[source][k] for k in expected[copier])
    assert differ >= 2  # another noise level moves the ranks
    assert _graded(expected[source], *data[copier]) == 3 - differ
    answers = {s: dict(expected[s]) for s in STUDENTS}
    answers[copier] = dict(expected[source])
    (match,) = find_copies(answers, expected)  # honest students are never named
    assert match.student == copier and match.names
    # named: the source, or a student whose variant gives the same numbers (then equally guilty-looking)
    assert all(expected[match.source][n] == expected[source][n] for n in match.names)


@pytest.mark.slow
def test_the_graders_expected_answers_are_the_references_on_every_variant(klass):
    """course_utils.grading.answers (what copies are judged against) agrees with the reference, student by student."""
    from course_utils.grading.answers import expected_answers

    _, expected = klass
    for student in STUDENTS:
        got = expected_answers(current_variant("week5_svd", environ=kernel_environment(SECRET, student)))
        assert {k: got[k] for k in expected[student]} == expected[student], student


# ----------------------------------------------------------------------------- part 2: the image's window and turn


def test_part_2_builds_its_image_as_the_grader_does():
    from course_utils.grading.answers import CROPS

    setup = nbformat.read(SOURCE / "2_image_reconstruction.ipynb", as_version=4).cells[1].source
    assert f'corner = variant.pick("crop", {CROPS!r}, default=None)' in setup
    assert "image = image[corner[0]:corner[0] + 600, corner[1]:corner[1] + 600]" in setup
    assert 'image = np.rot90(image, variant.pick("quarter turns", (0, 1, 2, 3), default=0))' in setup


def test_part_2s_default_variant_is_the_image_the_keys_describe():
    from skimage.transform import rescale

    from course_utils.grading.answers import part2_image

    np.testing.assert_array_equal(part2_image(current_variant("week5_svd", environ={})),
                                  rescale(load_sample("retina"), 0.5, anti_aliasing=True))


@pytest.mark.slow
def test_part_2_every_variant_keeps_the_reference_and_a_neighbours_k_99_loses_where_they_differ():
    from course_utils.checks import check_energy_rank_choice
    from course_utils.grading.answers import part2_image

    images = {s: part2_image(current_variant("week5_svd", environ=kernel_environment(SECRET, s))) for s in STUDENTS}
    assert len({(im.shape, im[0, 0], im[-1, -1]) for im in images.values()}) >= 5  # windows and turns vary
    k_99 = {s: solutions.smallest_rank_for_energy(np.linalg.svd(im, compute_uv=False), 0.99)
            for s, im in images.items()}
    assert len(set(k_99.values())) >= 3
    for student, image in images.items():
        check_energy_rank_choice(k_99[student], image, 0.99)  # the reference: full marks on every variant
    copier = STUDENTS[0]
    source = next(s for s in STUDENTS if k_99[s] != k_99[copier])
    with pytest.raises(AssertionError):
        check_energy_rank_choice(k_99[source], images[copier], 0.99)


@pytest.mark.slow
def test_every_variant_keeps_the_usual_wrong_rank_choices_wrong(klass):
    """A realistic mistake loses its point on every student's data, not only on the default variant's."""
    from course_utils.checks import check_energy_rank_choice
    from course_utils.grading.answers import part2_image

    data, expected = klass
    for student in STUDENTS:
        sigma, clean, noisy = data[student]
        s = np.linalg.svd(noisy, compute_uv=False)
        energy, by_sigma = np.cumsum(s**2) / np.sum(s**2), np.cumsum(s) / np.sum(s)
        right = expected[student]
        wrong = [{**right, "k_energy": int(np.searchsorted(by_sigma, 0.99) + 1)},   # sigma, not sigma**2
                 {**right, "k_energy": int(np.searchsorted(energy, 0.99))},         # one too small
                 {**right, "k_best": right["k_best"] - 1},                          # argmax index, not the rank
                 {**right, "k_gd": int(np.sum(s > np.median(s) * 2.858))}]          # unknown-noise rule, sigma given
        for i, answers in enumerate(wrong):
            changed = [k for k in right if answers[k] != right[k]]
            assert changed or i == 3, (student, i)  # the median rule may land on the same rank
            assert _graded(answers, sigma, clean, noisy) == 3 - len(changed), (student, changed)
        image = part2_image(current_variant("week5_svd", environ=kernel_environment(SECRET, student)))
        t = np.linalg.svd(image, compute_uv=False)
        for k in (int(np.searchsorted(np.cumsum(t) / np.sum(t), 0.99) + 1),
                  int(np.searchsorted(np.cumsum(t**2) / np.sum(t**2), 0.99))):
            with pytest.raises(AssertionError):
                check_energy_rank_choice(k, image, 0.99)


# ----------------------------------------------------------------------------- the notebooks and the grader agree


def _run_cells(notebook, student, monkeypatch, cells=None):
    """The namespace that `notebook`'s code cells leave when run here with `student`'s key (None: no key).

    `cells` picks the code cells to run (default: the first).  Numpy's print options, which
    the notebooks set, are restored afterwards: the package's doctests need the defaults.
    """
    if student is None:
        monkeypatch.delenv(KEY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(KEY_VARIABLE, kernel_environment(SECRET, student)[KEY_VARIABLE])
    code = [c for c in nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4).cells if c.cell_type == "code"]
    namespace = {}
    with np.printoptions():
        for cell in code[:1] if cells is None else filter(cells, code):
            exec(compile(cell.source, notebook, "exec"), namespace)  # noqa: S102  (our own notebook)
    return namespace


@pytest.mark.parametrize("student", STUDENTS[:4])
def test_the_notebooks_draw_what_the_grader_draws(student, monkeypatch):
    """Parts 2 and 3 and course_utils.grading.answers cannot drift apart: each first cell is run as it stands."""
    from course_utils.grading.answers import _part3_draws, part2_image

    variant = current_variant("week5_svd", environ=kernel_environment(SECRET, student))
    assert variant.personal
    np.testing.assert_array_equal(_run_cells("2_image_reconstruction", student, monkeypatch)["image"],
                                  part2_image(variant))
    part3 = _run_cells("3_denoising", student, monkeypatch)
    sigma, noise_seed = _part3_draws(variant)
    assert part3["sigma"] == sigma
    np.testing.assert_array_equal(part3["noisy"], add_gaussian_noise(part3["clean"], sigma, seed=noise_seed))


# ----------------------------------------------------------------------------- part 1: the example matrices


@pytest.mark.parametrize("student", [None, *STUDENTS[:3]])
def test_part_1_runs_and_its_texts_hold_on_every_variant(student, monkeypatch):
    """Part 1 draws its example matrices from the variant (no answer depends on them): what its text says holds."""
    nb = nbformat.read(SOURCE / "1_rank_pinv_lstsq.ipynb", as_version=4)
    assert 'rng = np.random.default_rng(variant.seed_for("matrices", default=5))' in nb.cells[1].source
    # the reference solutions and the examples; the hidden tests are not the point here
    ns = _run_cells("1_rank_pinv_lstsq", student, monkeypatch,
                    lambda cell: not cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_hidden"))
    assert ns["variant"].personal == (student is not None)
    rng = np.random.default_rng(5)
    seed_5 = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 5))
    assert np.array_equal(ns["B"], seed_5) == (student is None)  # the default variant keeps seed 5's matrices
    s = np.linalg.svd(ns["B"], compute_uv=False)
    assert ns["numerical_rank"](ns["B"]) == 2 and np.all(s > 0)  # "its rank is 2, yet none ... is exactly zero"
    assert np.linalg.matrix_rank(ns["A_demo"]) == 2 and np.linalg.matrix_rank(ns["A_ls"]) == 2
    np.testing.assert_allclose(ns["x_ls"], np.linalg.lstsq(ns["A_ls"], ns["b_ls"], rcond=None)[0], atol=1e-10)
