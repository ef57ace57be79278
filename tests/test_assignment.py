"""The week-5 assignment: release reproducible and leak-free, and its tests proven by grading real answers.

One nbgrader course is built in a temporary folder, a small class is submitted (a perfect
student, a blank one, one per realistic wrong answer and per alternative correct answer)
and graded with the real `nbgrader autograde`; the tests then read the gradebook.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import RELEASE, ROOT, autograded_scores, make_course, run_nbgrader

from course_utils.grading.sample_answers import VARIANTS
from course_utils.grading.sample_class import completed, grade_id, with_answer, write_submission

ANSWERS = {v.student: v for v in VARIANTS}


def _graded_cells(nb):
    return {grade_id(c): c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def _auto_graded_ids(nb):
    return {gid for gid, c in _graded_cells(nb).items() if not c.metadata["nbgrader"].get("solution")}


# ----------------------------------------------------------------------------- release


def _comparable(nb):
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, source_notebooks):
    course = make_course(tmp_path_factory.mktemp("course"))
    release = {
        name: nbformat.read(course / "release" / "week5_svd" / name, as_version=4) for name in source_notebooks
    }
    perfect = {name: completed(release[name], source_notebooks[name]) for name in source_notebooks}
    write_submission(course, "perfect", perfect)
    write_submission(course, "blank", release)
    for student, answer in ANSWERS.items():
        write_submission(course, student, {answer.notebook: with_answer(perfect[answer.notebook], answer)})
    run_nbgrader(course, "autograde", "week5_svd")
    return course, release, autograded_scores(course)


def test_release_equals_what_nbgrader_regenerates(graded_class, release_notebooks):
    _course, regenerated, _scores = graded_class
    assert sorted(regenerated) == sorted(release_notebooks), "release/ has different notebooks: run `make release`"
    for name, nb in release_notebooks.items():
        assert _comparable(nb) == _comparable(regenerated[name]), f"release/{name} is stale: run `make release`"


def test_every_graded_cell_has_points_and_headings_add_up(source_notebooks):
    for name, nb in source_notebooks.items():
        cells = _graded_cells(nb)
        assert cells, name
        for gid, cell in cells.items():
            assert cell.metadata["nbgrader"]["points"] > 0, (name, gid)
        total = sum(c.metadata["nbgrader"]["points"] for c in cells.values())
        stated = re.search(r"graded \((\d+) points\)", nb.cells[0].source)
        assert stated and int(stated.group(1)) == total, f"{name}: intro says {stated and stated.group(1)}, cells sum to {total}"


LEAK_PATTERNS = [
    "BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS", "MARK SCHEME",
    "Rubric", "Reference proof", "course_utils.reference", "hidden_check_",
]


_SECRET_REGIONS = [
    r"### BEGIN SOLUTION(.*?)### END SOLUTION",
    r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS",
    r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===",
]


def _solution_lines(source_notebooks):
    """Non-trivial lines of the source's solutions, hidden tests and mark schemes that appear nowhere public."""
    secret, public = set(), ""
    for nb in source_notebooks.values():
        for cell in nb.cells:
            text = cell.source
            for pattern in _SECRET_REGIONS:
                for region in re.findall(pattern, text, flags=re.S):
                    secret |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > 12}
                text = re.sub(pattern, "", text, flags=re.S)
            public += text + "\n"
    return {ln for ln in secret if ln not in public}


def test_release_leaks_no_solution_hidden_test_or_rubric(source_notebooks):
    files = [p for p in RELEASE.rglob("*") if p.is_file()]
    assert files
    solution_lines = _solution_lines(source_notebooks)
    assert len(solution_lines) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in LEAK_PATTERNS:
            assert pattern not in text, f"{path.relative_to(ROOT)} contains {pattern!r}"
        if path.suffix == ".ipynb":
            cells = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
            leaked = [ln for ln in solution_lines if ln in cells]
            assert not leaked, f"{path.relative_to(ROOT)} contains solution lines: {leaked[:3]}"


# ----------------------------------------------------------------------------- grading


def test_perfect_student_gets_every_autograded_point(graded_class, source_notebooks):
    _course, _release, scores = graded_class
    for name, nb in source_notebooks.items():
        got = scores["perfect"][name]
        for gid in _auto_graded_ids(nb):
            assert got[gid][0] == got[gid][1], f"{name}:{gid} scored {got[gid]}"


def test_blank_release_scores_zero_on_every_autograded_cell(graded_class, source_notebooks):
    _course, _release, scores = graded_class
    for name, nb in source_notebooks.items():
        got = scores["blank"][name]
        for gid in _auto_graded_ids(nb):
            assert got[gid][0] == 0, f"{name}:{gid} gave {got[gid][0]} points to a blank notebook"


@pytest.mark.parametrize("student", sorted(ANSWERS))
def test_an_answer_loses_exactly_its_questions_points(graded_class, source_notebooks, student):
    _course, _release, scores = graded_class
    nb_name, lost = ANSWERS[student].notebook, ANSWERS[student].lost
    got = scores[student][nb_name]
    for gid in _auto_graded_ids(source_notebooks[nb_name]):
        score, max_score = got[gid]
        if gid in lost:
            assert score == 0, f"{student}: {gid} should score 0, got {score}/{max_score}"
        else:
            assert score == max_score, f"{student}: {gid} should keep {max_score}, got {score}"
