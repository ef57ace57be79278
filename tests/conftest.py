"""Shared test fixtures: the sample class graded once, end to end, by the real pipeline."""

from __future__ import annotations

from pathlib import Path

import re

import nbformat
import pytest

from course_utils import STUDENT_MODULES
from course_utils.grading import pipeline
from course_utils.kit import module_files
from course_utils.grading.sample_answers import RIGHT
from course_utils.grading.sample_class import completed, with_answer, write_submission

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "week5_svd"
SOURCE = ROOT / "source" / ASSIGNMENT
RELEASE = ROOT / "release" / ASSIGNMENT


LEAK_PATTERNS = [
    "BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS", "MARK SCHEME",
    "Rubric", "Reference proof", "course_utils.reference", "hidden_check_",
]


SOLUTIONS = r"### BEGIN SOLUTION(.*?)### END SOLUTION"
HIDDEN_TESTS = r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS"
MARK_SCHEMES = r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ==="


def secret_lines(source_notebooks, regions=(SOLUTIONS, HIDDEN_TESTS, MARK_SCHEMES)):
    """Non-trivial lines of the source's solutions, hidden tests and mark schemes that appear nowhere public.

    Public: the rest of the source notebooks and the student part of course_utils (the
    visible checks' hints may state a formula that a solution line also contains).
    """
    secret = set()
    public = "".join(p.read_text(encoding="utf-8") for m in STUDENT_MODULES for p in module_files(m))
    for nb in source_notebooks.values():
        for cell in nb.cells:
            text = cell.source
            for pattern in (SOLUTIONS, HIDDEN_TESTS, MARK_SCHEMES):
                for region in re.findall(pattern, text, flags=re.S) if pattern in regions else ():
                    secret |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > 12}
                text = re.sub(pattern, "", text, flags=re.S)
            public += text + "\n"
    return {ln for ln in secret if ln not in public}


def _read_all(folder):
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(folder).glob("*.ipynb"))}


@pytest.fixture(scope="session")
def source_notebooks():
    return _read_all(SOURCE)


@pytest.fixture(scope="session")
def release_notebooks():
    return _read_all(RELEASE)


def package_digest():
    """sha256 of every file of the installed course_utils package (to prove grading changed none)."""
    import hashlib

    import course_utils

    root = Path(course_utils.__file__).parent
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="session")
def package_before_grading():
    return package_digest()


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, source_notebooks, release_notebooks, package_before_grading):
    """The sample class (with its hostile students where the sandbox works) plus one student per
    alternative correct answer, graded by `pipeline.run`.

    Returns ``(course, result)``: the course folder and the :class:`ClassResult`. This is the
    slow fixture of the suite (one autograde of about 50 submissions), shared by the tests
    of the assignment, the pipeline and the sandbox.
    """
    course = pipeline.prepare_course(tmp_path_factory.mktemp("course"))
    perfect = {n: completed(release_notebooks[n], source_notebooks[n]) for n in release_notebooks}
    for variant in RIGHT:
        write_submission(course, variant.student, {**perfect, variant.notebook: with_answer(perfect[variant.notebook],
                                                                                              variant)})
    result = pipeline.run(course, sample_class=True, log=lambda *args: None)
    return course, result
