"""Shared test helpers: a throwaway nbgrader course built from this repository's source/."""

from __future__ import annotations

import os
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
