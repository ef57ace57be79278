"""Copied answers are traced to the student whose variant they fit."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.grading.copies import Match, find_copies

STUDENTS = [f"s{i:02d}" for i in range(20)]


def _expected(seed):
    """Stand-in for a hidden check recomputing a variant's answers: two ranks and a PSNR table."""
    rng = np.random.default_rng(seed)
    return {"k_99": int(rng.integers(20, 60)), "k_gd": int(rng.integers(5, 30)),
            "psnr": rng.uniform(15, 30, size=4), "k_best": 10}  # k_best is the same for everyone


EXPECTED = {s: _expected(i) for i, s in enumerate(STUDENTS)}


def _honest():
    return {s: {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in e.items()} for s, e in EXPECTED.items()}


def test_an_honest_class_names_nobody():
    assert find_copies(_honest(), EXPECTED) == []


def test_a_copied_submission_names_both_students():
    answers = _honest()
    answers["s07"] = dict(answers["s03"])
    (match,) = find_copies(answers, EXPECTED)
    assert (match.student, match.source, match.own) == ("s07", "s03", 0)
    assert set(match.names) == {"k_99", "k_gd", "psnr"}  # k_best is shared, so it is no evidence
    assert "s03's variant" in match.sentence() and "s07's own" in match.sentence()


def test_arrays_agree_within_tolerance_and_round_off_does_not_hide_a_copy():
    answers = _honest()
    answers["s07"] = {**answers["s03"], "psnr": answers["s03"]["psnr"] * (1 + 1e-9)}
    assert [m.source for m in find_copies(answers, EXPECTED)] == ["s03"]


def test_wrong_answers_that_fit_nobody_are_not_a_copy():
    answers = _honest()
    answers["s07"] = {"k_99": -1, "k_gd": None, "psnr": np.zeros(4), "k_best": 10}
    answers["s08"] = {"k_99": "forty", "k_gd": [1, 2], "psnr": np.zeros(3)}  # wrong types and shapes
    assert find_copies(answers, EXPECTED) == []


def test_one_coincidence_is_not_enough():
    answers = _honest()
    answers["s07"] = {"k_99": EXPECTED["s03"]["k_99"], "k_gd": -1, "psnr": np.zeros(4), "k_best": 10}
    assert find_copies(answers, EXPECTED) == []
    (match,) = find_copies(answers, EXPECTED, minimum=1)
    assert match.names == ("k_99",) and EXPECTED[match.source]["k_99"] == EXPECTED["s03"]["k_99"]


def test_a_partly_copied_submission_is_named_only_when_the_other_variant_fits_better():
    answers = _honest()
    answers["s07"] = {**answers["s07"], "k_99": EXPECTED["s03"]["k_99"], "k_gd": EXPECTED["s03"]["k_gd"]}
    (match,) = find_copies(answers, EXPECTED)
    assert (match.source, match.other, match.own) == ("s03", 2, 1)  # psnr is still its own


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="no expected answers for ghost"):
        find_copies({"ghost": {"k_99": 1}}, EXPECTED)
    with pytest.raises(ValueError, match="minimum must be a positive integer"):
        find_copies(_honest(), EXPECTED, minimum=0)


def test_match_is_a_plain_record():
    assert Match("a", "b", 0, 2, ("x", "y")) == Match("a", "b", 0, 2, ("x", "y"))


def test_answers_from_the_default_variant_name_no_classmate_who_shares_some():
    from course_utils.grading.copies import DEFAULT_VARIANT

    default = {"k_99": 11, "k_gd": 40, "k_energy": 136}
    expected = {DEFAULT_VARIANT: default, "ann": {"k_99": 11, "k_gd": 40, "k_energy": 135},
                "bob": {"k_99": 6, "k_gd": 29, "k_energy": 169}}
    answers = {"ann": dict(expected["ann"]), "bob": dict(default)}  # bob typed the numbers of a run outside the hub
    (match,) = find_copies(answers, expected)
    assert (match.student, match.source, match.other) == ("bob", DEFAULT_VARIANT, 3)  # not ann, who fits 2 of 3
    assert match.whose == "the default variant" and "ann" not in match.sentence()
