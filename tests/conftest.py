"""Shared test helpers: a throwaway nbgrader course built from this repository's source/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "week5_svd"
SOURCE = ROOT / "source" / ASSIGNMENT
RELEASE = ROOT / "release" / ASSIGNMENT

_SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", flags=re.M)


def nbgrader_env():
    """Environment in which the venv's `nbgrader` and `alembic` are found (nbgrader runs alembic from PATH)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_nbgrader(course, *args, check=True):
    """Run one nbgrader command in `course`; return the completed process (output captured)."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), *args],
        cwd=course, env=nbgrader_env(), capture_output=True, text=True,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def make_course(parent):
    """Copy the course config and source/ into `parent` and generate the release there."""
    course = Path(parent)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def completed(release_nb, source_nb):
    """The release notebook with every answer cell filled from the source (a perfect student)."""
    answers = {grade_id(c): c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            src = answers[grade_id(cell)].source
            if cell.cell_type == "markdown":
                src = re.sub(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\s*", "", src, flags=re.S)
                src = src.replace("YOUR ANSWER HERE", "A proof written by the student.")
            cell.source = _SOLUTION_MARKERS.sub("", src)
    return nb


def submit(course, student, notebooks):
    """Place `notebooks` ({file name: notebook}) as `student`'s submission of the assignment."""
    folder = Path(course) / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
    (folder / "timestamp.txt").write_text("2026-02-14 12:00:00.000000 UTC")
    return folder


def autograded_scores(course):
    """{student: {notebook: {grade_id: (score, max_score)}}} from the course's gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        for sub in gb.assignment_submissions(ASSIGNMENT):
            per_nb = scores.setdefault(sub.student_id, {})
            for nb in sub.notebooks:
                per_nb[f"{nb.name}.ipynb"] = {g.name: (g.score, g.max_score) for g in nb.grades}
        assert assignment is not None
    return scores


@pytest.fixture(scope="session")
def source_notebooks():
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(SOURCE.glob("*.ipynb"))}


@pytest.fixture(scope="session")
def release_notebooks():
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(RELEASE.glob("*.ipynb"))}
