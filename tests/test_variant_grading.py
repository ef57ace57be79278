"""Per-student variants through the real pipeline: copied numbers lose their points and name both students.

The class of :func:`conftest.variant_graded`: ann and cat hand in perfect notebooks; bob hands
in ann's numbers (computed with ann's variant and typed in); dan types the default variant's
numbers. Graded with a course secret, bob loses exactly the points of the answers on which his
variant and ann's differ, the report names both, dan is traced to the default variant (naming
no classmate), and nobody honest is flagged.
"""

from __future__ import annotations

import nbformat
import pytest

from conftest import VARIANT_SECRET, snapshot
from course_utils.grading.answers import answer_cells, expected_answers
from course_utils.grading.copies import DEFAULT_VARIANT
from course_utils.grading.preprocessors import VARIANT_CELL
from course_utils.grading.variants import kernel_environment, variant_words
from course_utils.variant import current_variant

pytestmark = pytest.mark.slow


def _expected(student):
    return expected_answers(current_variant("week5_svd", environ=kernel_environment(VARIANT_SECRET, student)))


def _points(release_notebooks):
    return {(name.removesuffix(".ipynb"), c.metadata["nbgrader"]["grade_id"]): c.metadata["nbgrader"]["points"]
            for name, nb in release_notebooks.items() for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}


def _by_student(result):
    return {s.student: s for s in result.students}


def test_the_class_is_one_that_shows_something(variant_graded):
    _, _, _, ann = variant_graded
    assert ann == _expected("ann")  # the trusted side's numbers are what ann's notebooks compute
    differ = [n for n in ann if ann[n] != _expected("bob")[n]]
    assert len(differ) >= 2, differ  # bob's variant moves at least two answers (else no evidence)


def test_honest_students_keep_full_marks_and_are_not_flagged(variant_graded):
    _, result, _, _ = variant_graded
    students = _by_student(result)
    for name in ("ann", "cat"):
        assert students[name].auto_score == students[name].auto_max > 0, name
        assert students[name].attention == [], name
        assert students[name].variant.startswith("seed ")
        # and the data in words, for the hand grader: which image window and turn, which noise level
        variant = current_variant("week5_svd", environ=kernel_environment(VARIANT_SECRET, name))
        assert students[name].variant.endswith(f"part 3: sigma = {variant.pick('sigma', (0.08, 0.1, 0.12), 0.1)})")
    assert students["ann"].variant != students["cat"].variant
    assert {m.student for m in result.copies} == {"bob", "dan"}


@pytest.mark.parametrize("student, typed", [("bob", "ann"), ("dan", None)])
def test_copied_numbers_lose_exactly_the_points_where_the_variants_differ(variant_graded, release_notebooks,
                                                                          student, typed):
    _, result, _, ann = variant_graded
    given = ann if typed == "ann" else expected_answers(current_variant("week5_svd", environ={}))
    points, own = _points(release_notebooks), _expected(student)
    cells = answer_cells()
    lost_cells = {cell for cell, name in cells.items() if given[name] != own[name]}
    assert len(lost_cells) >= 2  # computed from the notebooks' point values, not a number written here
    scores = {(q.notebook, q.grade_id): q for q in _by_student(result)[student].questions if not q.manual}
    assert {cell for cell, q in scores.items() if q.score != q.max_score} == lost_cells
    assert sum(q.max_score - q.score for q in scores.values()) == sum(points[c] for c in lost_cells)
    assert all(points[c] == scores[c].max_score for c in cells)


def test_the_report_names_both_students(variant_graded):
    course, result, _, ann = variant_graded
    match = next(m for m in result.copies if m.student == "bob")
    assert match.source == "ann"
    assert set(match.names) == {n for n in ann if ann[n] != _expected("bob")[n]}
    (reason,) = [r for r in _by_student(result)["bob"].attention]
    assert reason.startswith("copied answers: ") and "ann's variant" in reason and "bob's own" in reason
    page = (course / "report" / "index.html").read_text()
    copies = page.split('<div id="copies">')[1].split("</div>")[0]
    assert "<tr><td><code>bob</code></td><td><code>ann</code></td>" in copies
    assert "<tr><td><code>dan</code></td><td>the default variant (outside the hub)</td>" in copies
    rows = {line.split(",")[0]: line for line in (course / "needs_attention.csv").read_text().splitlines()}
    assert "copied answers" in rows["bob"] and "ann's variant" in rows["bob"]
    assert "copied answers" not in rows["ann"] + rows["cat"]
    assert not result.errors


def test_numbers_from_outside_the_hub_name_no_classmate(variant_graded):
    _, result, _, ann = variant_graded
    default = expected_answers(current_variant("week5_svd", environ={}))
    shared = [n for n in ann if ann[n] == default[n] != _expected("dan")[n]]
    assert len(shared) >= 2  # ann's variant alone would name her (the whole image and sigma 0.1, as the default)
    match = next(m for m in result.copies if m.student == "dan")
    assert match.source == DEFAULT_VARIANT and match.other > len(shared)
    (reason,) = _by_student(result)["dan"].attention
    assert "the default variant" in reason and "ann" not in reason and "cat" not in reason


def test_grading_the_class_again_gives_identical_grades(variant_graded):
    _, first, second, _ = variant_graded
    assert snapshot(first) == snapshot(second)
    assert [(m.student, m.source, m.names) for m in first.copies] == [(m.student, m.source, m.names)
                                                                     for m in second.copies]



def test_the_formgrader_and_the_feedback_show_each_student_their_own_data(variant_graded):
    """The autograded notebook (what the formgrader shows) and the feedback start with the student's variant."""
    course, result, _, _ = variant_graded
    words = {s: variant_words(VARIANT_SECRET, s, "week5_svd") for s in ("ann", "bob", "cat", "dan")}
    assert len(set(words.values())) == 4 and all("part 2: " in w and "part 3: sigma = " in w for w in words.values())
    for s in result.students:
        others = [w for name, w in words.items() if name != s.student]
        graded = sorted((course / "autograded" / s.student / "week5_svd").glob("*.ipynb"))
        assert len(graded) == 4, s.student
        for path in graded:
            nb = nbformat.read(path, as_version=4)
            shown = [c for c in nb.cells if c.metadata.get(VARIANT_CELL)]
            assert shown == [nb.cells[0]], (s.student, path.name)  # one cell, at the top, after grading twice
            assert words[s.student] in shown[0].source and not any(w in shown[0].source for w in others)
            assert "nbgrader" not in shown[0].metadata and VARIANT_SECRET not in shown[0].source
        assert sorted(s.feedback) == [p.stem for p in graded]
        for html in s.feedback.values():
            page = html.read_text()
            assert page.count(words[s.student]) == 1, (s.student, html.name)
            assert not any(w in page for w in others) and VARIANT_SECRET not in page
