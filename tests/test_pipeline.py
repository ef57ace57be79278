"""The instructor's pipeline on the sample class: exact scores, every reason, safe feedback, kept hand grades."""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import HIDDEN_TESTS, LEAK_PATTERNS, MARK_SCHEMES, secret_lines

from course_utils.grading import answers, pipeline
from course_utils.grading.answers import expected_answers
from course_utils.grading.execute import METADATA_KEY
from course_utils.grading.results import REASONS
from course_utils.grading.sample_answers import RIGHT
from course_utils.grading.sample_class import HOSTILE_CLASS, SAMPLE_CLASS, grade_id
from course_utils.grading.sandbox import sandbox_status
from course_utils.grading.variants import kernel_environment, load_secret
from course_utils.variant import current_variant

# The hostile students are graded only inside the sandbox (see tests/test_hostile.py).
EXPECTED = {s.student: s for s in SAMPLE_CLASS + (HOSTILE_CLASS if sandbox_status()[0] else [])}


def _student(result, student):
    (found,) = [s for s in result.students if s.student == student]
    return found


def _autograded_cells(release_notebooks):
    """(notebook file, grade_id) of every autograded cell."""
    return [(name, grade_id(c)) for name, nb in release_notebooks.items() for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]


def _kinds(reasons):
    kinds = [r.split(":")[0] for r in reasons]
    assert set(kinds) <= set(REASONS), f"unknown reason kind in {reasons}"
    return set(kinds)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_sample_student_gets_exactly_the_expected_scores(graded_class, release_notebooks, student):
    _course, result = graded_class
    got = {(f"{q.notebook}.ipynb", q.grade_id): q for q in _student(result, student).questions}
    for name, gid in _autograded_cells(release_notebooks):
        q = got.get((name, gid))
        score = None if q is None else q.score
        if EXPECTED[student].expects_zero(name, gid):
            assert not score, f"{student}: {name}:{gid} should score 0, got {score}"
        else:
            assert q is not None and score == q.max_score, f"{student}: {name}:{gid} should get full marks, got {score}"


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_sample_student_gets_exactly_the_expected_reasons(graded_class, student):
    reasons = _student(graded_class[1], student).attention
    assert _kinds(reasons) == set(EXPECTED[student].expected_reasons), reasons


def test_alternative_correct_answers_need_no_attention(graded_class):
    for variant in RIGHT:
        assert _student(graded_class[1], variant.student).attention == []


def test_the_sample_class_is_graded_with_variants_on(graded_class):
    """Each student had their own data, the grader recomputed each one's answers, and nobody is accused.

    The sample class has about 60 students, each wrong in one way, on their own variant: a wrong
    number that happened to fit a classmate's variant would name that classmate; none may.
    """
    course, result = graded_class
    labels = {s.student: s.variant for s in result.students}
    assert all(label.startswith("seed ") and "part 3: sigma = " in label for label in labels.values()), labels
    seeds = [label.split(" (")[0] for label in labels.values()]
    assert len(set(seeds)) == len(seeds)
    assert len({label.split(" (")[1] for label in labels.values()}) >= 10  # many windows, turns and noise levels
    assert result.copies == []
    secret = load_secret(course / ".variant_secret")
    for student in ["perfect"] + [v.student for v in RIGHT]:  # right answers, each computed on its own data
        own = expected_answers(current_variant(pipeline.ASSIGNMENT, environ=kernel_environment(secret, student)))
        given = {}
        for path in sorted((course / "autograded" / student / pipeline.ASSIGNMENT).glob("*.ipynb")):
            seen = nbformat.read(path, as_version=4).metadata[METADATA_KEY]
            given.update(answers.reported(path.stem, seen["answers"]))
        assert given == own, student


def test_no_silent_zero(graded_class, release_notebooks):
    """A student with an ungraded autograded cell always has a reason; the CSV lists everyone."""
    course, result = graded_class
    cells = set(_autograded_cells(release_notebooks))
    for s in result.students:
        graded = {(f"{q.notebook}.ipynb", q.grade_id) for q in s.questions if q.score is not None and not q.manual}
        if cells - graded and s.student != "blank" and not s.student.startswith("partial"):
            assert s.attention, f"{s.student} has ungraded cells and no reason"
    with open(result.grades_csv, newline="") as fh:
        rows = {row["student_id"] for row in csv.DictReader(fh)}
    assert {s.student for s in result.students} <= rows
    with open(result.attention_csv, newline="") as fh:
        flagged = {row["student_id"]: row for row in csv.DictReader(fh)}
    for s in result.students:
        assert flagged[s.student]["needs_attention"] == ("yes" if s.attention else "no")
        assert flagged[s.student]["reasons"] == " | ".join(s.attention)


def test_feedback_shows_no_hidden_test_or_reference(graded_class, source_notebooks):
    course, result = graded_class
    files = sorted((course / "feedback").rglob("*.html"))
    assert len(files) >= 3 * 20, "feedback is missing for most students"
    # A student's own answer may equal the solution; hidden tests and rubrics must never show.
    secrets = secret_lines(source_notebooks, regions=(HIDDEN_TESTS, MARK_SCHEMES))
    assert len(secrets) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        student = path.relative_to(course / "feedback").parts[0]
        # a student's own words may name what they cannot see (the rebinder imports course_utils.reference)
        own = "".join(p.read_text(errors="replace") for p in (course / "submitted" / student).rglob("*.ipynb"))
        for pattern in LEAK_PATTERNS:
            assert pattern not in text or pattern in own, f"{path.relative_to(course)} shows {pattern!r}"
        leaked = [ln for ln in secrets if ln in text]
        assert not leaked, f"{path.relative_to(course)} shows hidden lines: {leaked[:3]}"


def test_feedback_of_a_failed_hidden_test_keeps_the_reason(graded_class):
    course, _result = graded_class
    html = (course / "feedback" / "wrong_pinv_forgets_to_invert" / "week5_svd" / "1_rank_pinv_lstsq.html").read_text()
    assert "AssertionError" in html and "Penrose" in html


def test_report_lists_the_students_who_need_attention(graded_class):
    course, result = graded_class
    html = (course / "report" / "index.html").read_text(encoding="utf-8")
    for s in result.needs_attention:
        assert s.student in html
    assert (course / "report" / "score_distribution.png").stat().st_size > 1000


def test_manual_grades_survive_and_a_rerun_changes_nothing(tmp_path):
    course = tmp_path / "course"
    first = pipeline.run(course, students=["perfect", "kernel_death"], log=lambda *a: None)
    assert (course / "staged_for_autograde").is_dir() and not first.errors
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("q1_proof", "1_rank_pinv_lstsq", "week5_svd", "perfect")
        grade.manual_score = 7.0
        gb.db.commit()
    second = pipeline.run(course, students=["perfect", "kernel_death"], log=lambda *a: None)

    def snapshot(result):
        return {s.student: ([(q.grade_id, q.score) for q in s.questions if not q.manual], s.attention)
                for s in result.students}

    assert snapshot(first) == snapshot(second)
    q1 = [q for q in _student(second, "perfect").questions if q.grade_id == "q1_proof"]
    assert q1[0].score == 7.0
    assert _student(second, "perfect").score == _student(first, "perfect").score + 7.0
