"""The week-5 assignment: release reproducible and leak-free, and its tests proven by grading real answers.

The sample class (a perfect student, a blank one, one per realistic wrong answer) and one
student per alternative correct answer are graded once by the real pipeline (`graded_class`
in conftest); these tests read the scores.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import LEAK_PATTERNS, RELEASE, ROOT, secret_lines

from course_utils.grading.sample_answers import VARIANTS
from course_utils.grading.sample_class import grade_id

ANSWERS = {v.student: v for v in VARIANTS}


def _graded_cells(nb):
    return {grade_id(c): c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def _auto_graded_ids(nb):
    return {gid for gid, c in _graded_cells(nb).items() if not c.metadata["nbgrader"].get("solution")}


def _scores(result, student):
    """{notebook file: {grade_id: (score, max_score)}} of one student."""
    (found,) = [s for s in result.students if s.student == student]
    out = {}
    for q in found.questions:
        out.setdefault(f"{q.notebook}.ipynb", {})[q.grade_id] = (q.score or 0.0, q.max_score)
    return out


# ----------------------------------------------------------------------------- release


def _comparable(nb):
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def test_release_equals_what_nbgrader_regenerates(graded_class, release_notebooks):
    course, _result = graded_class
    regenerated = {p.name: nbformat.read(p, as_version=4) for p in (course / "release" / "week5_svd").glob("*.ipynb")}
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


def test_release_leaks_no_solution_hidden_test_or_rubric(source_notebooks):
    files = [p for p in RELEASE.rglob("*") if p.is_file()]
    assert files
    solution_lines = secret_lines(source_notebooks)
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
    scores = _scores(graded_class[1], "perfect")
    for name, nb in source_notebooks.items():
        got = scores[name]
        for gid in _auto_graded_ids(nb):
            assert got[gid][0] == got[gid][1], f"{name}:{gid} scored {got[gid]}"


def test_blank_release_scores_zero_on_every_autograded_cell(graded_class, source_notebooks):
    scores = _scores(graded_class[1], "blank")
    for name, nb in source_notebooks.items():
        got = scores[name]
        for gid in _auto_graded_ids(nb):
            assert got[gid][0] == 0, f"{name}:{gid} gave {got[gid][0]} points to a blank notebook"


@pytest.mark.parametrize("student", sorted(ANSWERS))
def test_an_answer_loses_exactly_its_questions_points(graded_class, source_notebooks, student):
    nb_name, lost = ANSWERS[student].notebook, ANSWERS[student].lost
    got = _scores(graded_class[1], student)[nb_name]
    for gid in _auto_graded_ids(source_notebooks[nb_name]):
        score, max_score = got[gid]
        if gid in lost:
            assert score == 0, f"{student}: {gid} should score 0, got {score}/{max_score}"
        else:
            assert score == max_score, f"{student}: {gid} should keep {max_score}, got {score}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "source" / "week5_svd").glob("*.ipynb")))
def test_source_notebook_runs_top_to_bottom_without_error_or_stderr(name, source_notebooks):
    """The instructor's notebook, hidden tests included, runs cleanly (nbgrader scores any stderr as 0)."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(source_notebooks[name])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "source" / "week5_svd")}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{name}: {out.get('ename')}: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{name} wrote to stderr: {out.get('text', '')[:300]}"
