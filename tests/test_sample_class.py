"""The sample class is written where nbgrader looks, each pathology is really in the files, and
each student's expectations agree with the assignment (no nbgrader run here: fast).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import shutil

import matplotlib
import nbformat
import numpy as np
import pytest

from conftest import ROOT

from course_utils.grading.results import REASONS
from course_utils.grading.sample_answers import NOTEBOOKS, RIGHT, VARIANTS, WRONG
from course_utils.grading.sample_class import (
    ALL,
    HOSTILE_CLASS,
    SAMPLE_CLASS,
    TIMESTAMP,
    build_sample_class,
    completed,
    grade_id,
    replace_cell,
    write_submission,
)

NB1, NB2, NB3, NB4 = NOTEBOOKS
STUDENTS = {s.student: s for s in SAMPLE_CLASS}
SOLUTION_LINES = ("### BEGIN SOLUTION", "### END SOLUTION")


def _course(path):
    for part in ("source", "release"):
        shutil.copytree(ROOT / part / "week5_svd", path / part / "week5_svd")
    return path


def _files(course):
    """{relative path: bytes} of everything under submitted/."""
    root = course / "submitted"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    course = _course(tmp_path_factory.mktemp("course"))
    returned = build_sample_class(course)
    return course, returned, _files(course)


def _read(course, student, name):
    return nbformat.read(course / "submitted" / student / "week5_svd" / name, as_version=4)


def _nb(dir_, name):
    return nbformat.read(ROOT / dir_ / "week5_svd" / name, as_version=4)


@pytest.fixture(scope="module")
def release():
    return {name: _nb("release", name) for name in NOTEBOOKS}


@pytest.fixture(scope="module")
def source():
    return {name: _nb("source", name) for name in NOTEBOOKS}


@pytest.fixture(scope="module")
def perfect(built):
    course = built[0]
    return {name: _read(course, "perfect", name) for name in NOTEBOOKS}


def _cells(nb):
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def _autograded(nb):
    return {gid for gid, c in _cells(nb).items()
            if c.metadata["nbgrader"].get("grade") and not c.metadata["nbgrader"].get("solution")}


def _comparable(nb):
    return [(c.get("id"), c.cell_type, c.source, c.metadata) for c in nb.cells]


def _same_except(nb, reference, changed):
    """Cells of `nb` equal those of `reference` except the cells whose grade_id is in `changed`."""
    return [x for x in _comparable(nb) if x[3].get("nbgrader", {}).get("grade_id") not in changed] == [
        x for x in _comparable(reference) if x[3].get("nbgrader", {}).get("grade_id") not in changed]


# ----------------------------------------------------------------------------- the class as a whole


def test_students_have_unique_ids_known_reasons_and_real_cells(source):
    assert len(STUDENTS) == len(SAMPLE_CLASS)
    assert len({s.student for s in SAMPLE_CLASS + HOSTILE_CLASS}) == len(SAMPLE_CLASS) + len(HOSTILE_CLASS)
    for s in SAMPLE_CLASS + HOSTILE_CLASS:
        assert s.description and "\n" not in s.description, s.student
        assert set(s.expected_reasons) <= set(REASONS), (s.student, s.expected_reasons)
        assert len(set(s.expected_reasons)) == len(s.expected_reasons), s.student
        for name, lost in s.expected_lost.items():
            assert name in NOTEBOOKS, (s.student, name)
            if lost != ALL:
                assert lost and set(lost) <= _autograded(source[name]), (s.student, name, lost)


def test_class_covers_the_brief():
    required = {
        "perfect", "blank", "edited_test", "deleted_test", "deleted_answer", "infinite_loop", "kernel_death",
        "invalid_json", "missing_notebook", "huge_output", "memory_hog", "stripped_metadata",
    }
    assert required <= set(STUDENTS)
    assert len([s for s in STUDENTS if s.startswith("partial_")]) >= 2
    assert {v.student for v in WRONG} <= set(STUDENTS)
    assert not {v.student for v in RIGHT} & set(STUDENTS)
    hostile = {"vandal", "shadow_package", "shadow_written", "rebinder", "undecodable", "renamed",
               "orphan_process", "caught_memory_error", "stuck", "quoter", "borrower"}
    assert hostile == {s.student for s in HOSTILE_CLASS}
    # every kind of reason is exercised by some student, except a gradebook that lost a student
    # (tests/test_hostile.py deletes one), an autograde failure, which no submission causes any more,
    # and copied answers, which need a course secret (tests/test_variant_grading.py grades that class)
    everyone = SAMPLE_CLASS + HOSTILE_CLASS
    untested_here = {"not in gradebook", "autograde failed", "copied answers"}
    assert {r for s in everyone for r in s.expected_reasons} == set(REASONS) - untested_here


def test_every_student_is_written_where_nbgrader_expects_it(built):
    course, returned, files = built
    assert returned == SAMPLE_CLASS
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(STUDENTS)
    for s in SAMPLE_CLASS:
        folder = course / "submitted" / s.student / "week5_svd"
        expected = [n for n in NOTEBOOKS if not (s.student == "missing_notebook" and n == NB3)]
        assert sorted(p.name for p in folder.iterdir()) == sorted([*expected, "timestamp.txt"]), s.student
        assert (folder / "timestamp.txt").read_text() == TIMESTAMP
    assert len(files) == (len(NOTEBOOKS) + 1) * len(SAMPLE_CLASS) - 1


def test_expects_zero_reads_expected_lost():
    assert all(STUDENTS["blank"].expects_zero(n, "anything") for n in NOTEBOOKS)
    wrong = STUDENTS["wrong_pinv_forgets_to_invert"]
    assert wrong.expects_zero(NB1, "pinv_svd_hidden")
    assert not wrong.expects_zero(NB1, "numerical_rank_hidden")
    assert not wrong.expects_zero(NB2, "pinv_svd_hidden")
    assert not STUDENTS["perfect"].expects_zero(NB1, "pinv_svd_hidden")


# ----------------------------------------------------------------------------- normal submissions


def test_perfect_is_the_release_with_the_source_answers(release, source, perfect):
    for name in NOTEBOOKS:
        rel, src, got = release[name], _cells(source[name]), perfect[name]
        assert [(c.get("id"), c.cell_type, c.metadata) for c in got.cells] == [
            (c.get("id"), c.cell_type, c.metadata) for c in rel.cells], name
        for cell, rel_cell in zip(got.cells, rel.cells):
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("solution"):
                assert cell.source == rel_cell.source, (name, grade_id(cell))
            elif cell.cell_type == "code":
                kept = [ln for ln in src[grade_id(cell)].source.splitlines() if ln.strip() not in SOLUTION_LINES]
                assert cell.source.splitlines() == kept, (name, grade_id(cell))
            else:
                assert "YOUR ANSWER HERE" not in cell.source and cell.source.strip(), (name, grade_id(cell))
        text = nbformat.writes(got)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "MARK SCHEME", "HIDDEN TESTS", "hidden_check_"):
            assert marker not in text, (name, marker)
        for gid, cell in _cells(got).items():
            if cell.metadata["nbgrader"].get("solution"):
                assert "NotImplementedError" not in cell.source and "YOUR " not in cell.source, (name, gid)


def test_completed_does_not_change_its_inputs(release, source):
    before = nbformat.writes(release[NB1]), nbformat.writes(source[NB1])
    completed(release[NB1], source[NB1])
    assert (nbformat.writes(release[NB1]), nbformat.writes(source[NB1])) == before


def test_blank_and_partial_students(built, release, perfect):
    course = built[0]
    for name in NOTEBOOKS:
        assert _comparable(_read(course, "blank", name)) == _comparable(release[name])
    partial = {name: _read(course, "partial_notebook_1", name) for name in NOTEBOOKS}
    assert _comparable(partial[NB1]) == _comparable(perfect[NB1])
    assert _comparable(partial[NB2]) == _comparable(release[NB2])
    assert _comparable(partial[NB3]) == _comparable(release[NB3])
    assert _comparable(partial[NB4]) == _comparable(release[NB4])


def _defined_names(code):
    tree = ast.parse(code)
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} | {
        t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}


def _tests_using(nb, names):
    """Autograded cells of `nb` whose code reads one of `names`."""
    used = set()
    for gid in _autograded(nb):
        tree = ast.parse(_cells(nb)[gid].source)
        if {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & names:
            used.add(gid)
    return used


def test_partial_half_leaves_answers_as_released_and_loses_the_tests_that_use_them(built, release, source,
                                                                                  perfect):
    course, student = built[0], STUDENTS["partial_half"]
    answered = 0
    for name in NOTEBOOKS:
        got, rel = _read(course, "partial_half", name), _cells(release[name])
        blank = {gid for gid, c in _cells(got).items() if c.metadata["nbgrader"].get("solution")
                 and c.source == rel[gid].source}
        answers = {gid for gid, c in _cells(got).items() if c.metadata["nbgrader"].get("solution")}
        answered += len(answers - blank)
        assert blank and blank != answers, name
        assert _same_except(got, perfect[name], blank), name
        names = set().union(*(_defined_names(_cells(source[name])[gid].source)
                              for gid in blank if rel[gid].cell_type == "code"))
        assert set(student.expected_lost[name]) == _tests_using(source[name], names), name
    assert 0.3 < answered / sum(len([c for c in _cells(nb).values() if c.metadata["nbgrader"].get("solution")])
                                for nb in release.values()) < 0.7


@pytest.mark.parametrize("variant", WRONG, ids=lambda v: v.name)
def test_wrong_student_has_the_variant_and_loses_the_tests_that_use_it(built, source, perfect, variant):
    course, student = built[0], STUDENTS[variant.student]
    got = _read(course, variant.student, variant.notebook)
    assert _cells(got)[variant.answer_id].source == variant.code.strip()
    assert _same_except(got, perfect[variant.notebook], {variant.answer_id})
    for name in NOTEBOOKS:
        if name != variant.notebook:
            assert _comparable(_read(course, variant.student, name)) == _comparable(perfect[name])
    assert student.expected_lost == {variant.notebook: variant.lost}
    # the lost cells are tests that call what the answer defines: all of them, or only the hidden one
    # for a mistake only the hidden cases reach (integer or float32 input, uint8 images, round-off, rules)
    using = _tests_using(source[variant.notebook], _defined_names(variant.code))
    assert variant.lost and set(variant.lost) <= using
    if set(variant.lost) != using:
        assert all(gid.endswith("_hidden") for gid in variant.lost), variant.lost


def test_variants_are_valid_python_with_unique_names():
    assert len({v.student for v in VARIANTS}) == len(VARIANTS)
    for v in VARIANTS:
        ast.parse(v.code)
        assert v.notebook in NOTEBOOKS and v.description
        assert v.right == (v.student.startswith("right_"))
    assert {v.name for v in WRONG if v.reasons} == {"pinv_forbidden_call", "pinv_forbidden_alias",
                                                    "rank_is_matrix_rank", "gram_through_svd",
                                                    "pca_forbidden_sklearn"}


# ----------------------------------------------------------------------------- pathologies


def test_edited_test_has_a_wrong_pinv_and_a_visible_test_that_passes(built, perfect):
    course = built[0]
    got = _cells(_read(course, "edited_test", NB1))
    assert got["pinv_svd_visible"].source == "pass"
    assert "(Vt.T * s) @ U.T" in got["pinv_svd"].source
    assert _same_except(_read(course, "edited_test", NB1), perfect[NB1], {"pinv_svd", "pinv_svd_visible"})


@pytest.mark.parametrize("student, name, deleted", [
    ("deleted_test", NB1, "pinv_svd_hidden"),
    ("deleted_answer", NB2, "rank_k_approx"),
])
def test_deleted_cell_is_absent_and_nothing_else_changed(built, perfect, student, name, deleted):
    got = _read(built[0], student, name)
    assert deleted not in _cells(got)
    assert len(got.cells) == len(perfect[name].cells) - 1
    assert _same_except(got, perfect[name], {deleted})


def test_deleted_answer_loses_the_tests_that_use_it(source):
    names = _defined_names(_cells(source[NB2])["rank_k_approx"].source)
    assert set(STUDENTS["deleted_answer"].expected_lost[NB2]) == _tests_using(source[NB2], names)


def test_invalid_json_does_not_parse(built, perfect):
    course = built[0]
    path = course / "submitted" / "invalid_json" / "week5_svd" / NB3
    text = path.read_text()
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert len(text) > 1000
    complete = (course / "submitted" / "perfect" / "week5_svd" / NB3).read_text()
    assert complete.startswith(text) and len(text) < len(complete)


def test_missing_notebook_is_absent(built):
    folder = built[0] / "submitted" / "missing_notebook" / "week5_svd"
    assert not (folder / NB3).exists() and (folder / NB1).exists() and (folder / NB2).exists()
    assert (folder / NB4).exists()


def test_stripped_metadata_has_no_nbgrader_metadata(built, perfect):
    got = _read(built[0], "stripped_metadata", NB1)
    assert all(c.metadata == {} for c in got.cells)
    assert not any("nbgrader" in c.metadata or grade_id(c) for c in got.cells)
    assert [c.source for c in got.cells] == [c.source for c in perfect[NB1].cells]
    assert got.metadata == perfect[NB1].metadata  # a notebook's kernel stays


def _top_level_after_def(code, fn):
    """Statements of `code` after the definition of `fn` (which must come first)."""
    body = ast.parse(code).body
    names = [n.name for n in body if isinstance(n, ast.FunctionDef)]
    assert names == [fn], names
    return [ast.unparse(n) for n in body[[getattr(n, "name", None) for n in body].index(fn) + 1:]]


@pytest.mark.parametrize("student, name, answer, statement", [
    ("infinite_loop", NB1, "numerical_rank", "while True:\n    pass"),
    ("memory_hog", NB1, "condition_numbers", "big = np.ones(4 * 10 ** 9)"),
    ("kernel_death", NB2, "to_uint8_image", "os._exit(1)"),
])
def test_runaway_statement_comes_after_the_def(built, perfect, student, name, answer, statement):
    got = _read(built[0], student, name)
    after = _top_level_after_def(_cells(got)[answer].source, answer)
    assert after[-1] == statement
    assert _cells(got)[answer].source.startswith(_cells(perfect[name])[answer].source)
    assert _same_except(got, perfect[name], {answer})


def test_memory_hog_asks_for_32_gb():
    assert np.dtype(float).itemsize * 4 * 10**9 == 32 * 10**9


def test_huge_output_prints_5_mb_and_shows_40_figures(built, perfect, monkeypatch):
    got = _read(built[0], "huge_output", NB2)
    i = [grade_id(c) for c in got.cells].index("rank_k_approx")
    text_cell, figures_cell = got.cells[i + 1], got.cells[i + 2]
    assert not grade_id(text_cell) and not grade_id(figures_cell)
    assert [c.source for c in got.cells[:i + 1] + got.cells[i + 3:]] == [c.source for c in perfect[NB2].cells]

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(text_cell.source, {})
    assert 5 * 10**6 <= len(out.getvalue()) < 6 * 10**6

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: (shown.append(plt.gcf().number), plt.close("all")))
    U, s, Vt = np.linalg.svd(np.arange(12.0).reshape(3, 4), full_matrices=False)
    namespace = {"U": U, "s": s, "Vt": Vt, "rank_k_approx": lambda U, s, Vt, k: (U[:, :k] * s[:k]) @ Vt[:k]}
    exec(figures_cell.source, namespace)
    assert len(shown) == 40


# ----------------------------------------------------------------------------- building


def test_building_twice_gives_identical_files_and_repairs_a_tampered_class(built):
    course, _returned, files = built
    folder = course / "submitted" / "missing_notebook" / "week5_svd"
    shutil.copy(folder / NB1, folder / NB3)  # a leftover file
    (course / "submitted" / "perfect" / "week5_svd" / NB2).write_text("{}")
    build_sample_class(course)
    assert _files(course) == files


def test_students_subset(tmp_path):
    course = _course(tmp_path)
    got = build_sample_class(course, students=["invalid_json", "blank", "blank"])
    assert [s.student for s in got] == ["blank", "invalid_json"]
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["blank", "invalid_json"]


def test_bad_students_and_missing_release_are_explained(tmp_path):
    course = _course(tmp_path)
    with pytest.raises(ValueError, match=r"students must be ids of SAMPLE_CLASS; got unknown \['nobody'\]"):
        build_sample_class(course, students=["perfect", "nobody"])
    with pytest.raises(TypeError, match=r"students must be a list of student ids; got the string 'perfect'"):
        build_sample_class(course, students="perfect")
    (course / "release" / "week5_svd" / NB2).unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks 2_image_reconstruction.ipynb.*generate_assignment"):
        build_sample_class(course, students=["perfect"])
    assert not (course / "submitted").exists()


def test_built_from_the_release_and_the_source_each_time(tmp_path):
    course = _course(tmp_path)
    release_nb = course / "release" / "week5_svd" / NB1
    nb = nbformat.read(release_nb, as_version=4)
    nb.cells[0].source += "\n\nA sentence added to the release."
    nbformat.write(nb, release_nb)
    source_nb = course / "source" / "week5_svd" / NB1
    src = nbformat.read(source_nb, as_version=4)
    src = replace_cell(src, "gram_eigenvalues", _cells(src)["gram_eigenvalues"].source.replace(
        "[::-1]", "[::-1]  # a comment added to the source"))
    nbformat.write(src, source_nb)
    build_sample_class(course, students=["perfect", "blank"])
    perfect_nb = _read(course, "perfect", NB1)
    assert perfect_nb.cells[0].source.endswith("A sentence added to the release.")
    assert "# a comment added to the source" in _cells(perfect_nb)["gram_eigenvalues"].source
    assert _read(course, "blank", NB1).cells[0].source.endswith("A sentence added to the release.")


def test_write_submission_replaces_an_earlier_submission(tmp_path):
    nb = nbformat.v4.new_notebook()
    write_submission(tmp_path, "ada", {"a.ipynb": nb, "b.ipynb": nb}, assignment="hw")
    folder = write_submission(tmp_path, "ada", {"c.ipynb": "not json"}, assignment="hw")
    assert folder == tmp_path / "submitted" / "ada" / "hw"
    assert sorted(p.name for p in folder.iterdir()) == ["c.ipynb", "timestamp.txt"]
    assert (folder / "c.ipynb").read_text() == "not json"
