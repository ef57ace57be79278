"""The data-dependent answers: what a grading kernel reports of them, and their right value per variant."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from conftest import SOURCE
from course_utils.grading import answers, guard
from course_utils.grading.answers import DATA_ANSWERS, expected_answers, reported
from course_utils.variant import current_variant


def test_every_answer_is_graded_by_the_cell_named_and_checked_there():
    for notebook, names in DATA_ANSWERS.items():
        nb = nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4)
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        for name, cell in names.items():
            assert cells[cell].metadata["nbgrader"]["grade"] and cells[cell].metadata["nbgrader"]["points"] > 0
            assert f"({name}," in cells[cell].source.replace(" ", "")  # the check gets the answer itself


def test_the_default_variant_has_the_numbers_the_texts_quote():
    got = expected_answers(current_variant("week5_svd", environ={}))
    assert got == {"k_99": 11, "k_gd": 40, "k_energy": 136, "k_best": 41, "k_90": 7}


def test_expected_answers_refuse_another_assignment():
    with pytest.raises(ValueError, match="week5_svd"):
        expected_answers(current_variant("week6_ica", environ={}))


@pytest.mark.parametrize("values, kept", [
    ({"k_gd": 40, "k_energy": 1.5, "k_best": [1, 2.5]}, {"k_gd": 40, "k_energy": 1.5, "k_best": [1, 2.5]}),
    ({"k_gd": True, "k_energy": "136", "k_best": None}, {}),           # not numbers
    ({"k_gd": 2**70, "k_energy": float("nan"), "k_best": [1, "x"]}, {}),  # too big, not finite, mixed
    ({"k_gd": list(range(answers.MAX_VALUES + 1)), "k_99": 11}, {}),  # too long; k_99 is not part 3's
    ("anything", {}),
])
def test_reported_keeps_only_small_numbers_of_the_notebook(values, kept):
    assert reported("3_denoising", values) == kept


def test_the_guard_reports_numbers_and_calls_nothing_the_notebook_defined(monkeypatch):
    class Sly(float):
        def __float__(self):
            raise RuntimeError("called")

    monkeypatch.setitem(guard._state["modules"], "numpy", np)
    namespace = {"k_gd": np.int64(40), "k_energy": Sly(3.0), "k_best": np.arange(3), "k_99": [np.float32(0.5), 2],
                 "k_90": np.ones(answers.MAX_VALUES + 1), "other": 1}
    assert guard._answers(answers.NAMES, namespace) == {"k_gd": 40, "k_best": [0, 1, 2], "k_99": [0.5, 2]}
    assert "answers" not in json.loads(guard.report())  # variants off: nothing asked, nothing reported
