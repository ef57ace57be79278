"""The instructor's pipeline: release -> collect -> autograde -> feedback -> export -> report.

Every step is a plain nbgrader command, printed as it runs, so an instructor can
repeat any of them by hand; what nbgrader does not do (saying *why* a submission
could not be graded, the report) is added around it, never patched into its output.

``python -m course_utils.grading`` runs it on the generated sample class in
``demo_course/`` (ignored by git); ``--course DIR --no-sample`` grades a real
course whose submissions are already collected.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from .preprocessors import OUTPUT_LIMITED_MARK
from .results import ClassResult, QuestionScore, StudentResult
from .sample_class import build_sample_class, grade_id

__all__ = ["REPO", "DEFAULT_COURSE", "ASSIGNMENT", "prepare_course", "nbgrader", "inspect_submission", "run"]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_COURSE = REPO / "demo_course"
ASSIGNMENT = "week5_svd"


def prepare_course(course, assignment=ASSIGNMENT):
    """Give `course` this repository's nbgrader config and source notebooks (no-op for the repo itself)."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    if course.resolve() != REPO:
        shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(REPO / "source" / assignment, course / "source" / assignment, dirs_exist_ok=True)
    return course


def nbgrader(course, *args, log=print):
    """Run ``nbgrader ARGS`` in `course` (printed as a shell line); return the completed process."""
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs alembic
    log(f"$ nbgrader {' '.join(args)}")
    return subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)


# ----------------------------------------------------------------------------- inspection


def _read(path):
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        return nb, None
    except Exception as exc:  # any unreadable file is reported, whatever the parser says
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"


def inspect_submission(submitted, released):
    """Reasons to look at one student's submission, found by comparing it with the release.

    Parameters
    ----------
    submitted : pathlib.Path
        ``submitted/<student>/<assignment>/``.
    released : dict of str to NotebookNode
        The release notebooks, by file name.

    Returns
    -------
    list of str
        Needs-attention reasons (see :data:`course_utils.grading.results.REASONS`).
    """
    reasons = []
    for name, rel in released.items():
        stem = Path(name).stem
        path = submitted / name
        if not path.exists():
            reasons.append(f"missing notebook: {stem} was not submitted")
            continue
        nb, error = _read(path)
        if nb is None:
            reasons.append(f"invalid notebook: {stem} cannot be read ({error})")
            continue
        got = {grade_id(c): c for c in nb.cells if grade_id(c)}
        if not got:
            reasons.append(f"metadata stripped: {stem} has no nbgrader cell metadata, so it cannot be autograded")
            continue
        expected = {grade_id(c): c for c in rel.cells if grade_id(c)}
        deleted = [gid for gid, c in expected.items()
                   if gid not in got and (c.metadata["nbgrader"].get("grade") or c.metadata["nbgrader"].get("solution"))]
        if deleted:
            reasons.append(f"deleted cell: {stem}: {', '.join(deleted)} (test cells are restored and graded)")
        edited = [gid for gid, c in expected.items()
                  if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")
                  and not c.metadata["nbgrader"].get("solution")
                  and gid in got and got[gid].source.strip() != c.source.strip()]
        if edited:
            reasons.append(f"edited test cell: {stem}: {', '.join(edited)} (nbgrader restored the original)")
    return reasons


def _output_reasons(autograded_nb, stem):
    """Reasons read from the outputs of an autograded notebook."""
    found = {}
    for cell in autograded_nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.output_type == "stream" else ""
            if out.output_type == "error":
                where = grade_id(cell) or f"cell {autograded_nb.cells.index(cell) + 1}"
                if out.ename == "MemoryError":
                    found.setdefault("memory limit", []).append(where)
                elif out.ename in ("KeyboardInterrupt", "CellTimeoutError", "TimeoutError"):
                    found.setdefault("timeout", []).append(where)
                elif out.ename == "ForbiddenCallError":
                    found.setdefault("forbidden call", []).append(where)
            if OUTPUT_LIMITED_MARK in text or "Output truncated" in text:
                found.setdefault("output limited", []).append(grade_id(cell) or "a cell")
    return [f"{kind}: {stem}: {', '.join(dict.fromkeys(where))}" for kind, where in found.items()]


def _failure_reason(log_text, student):
    """Why nbgrader could not grade `student`, from its log."""
    marker = re.compile(rf"There was an error processing assignment: \S*{re.escape(os.sep)}{re.escape(student)}"
                        rf"{re.escape(os.sep)}")
    lines = log_text.splitlines()
    for i, line in enumerate(lines):
        if marker.search(line):
            block = "\n".join(lines[max(0, i - 60):i])
            if "DeadKernelError" in block or "Kernel died" in block:
                return ("kernel died: the kernel stopped while grading (os._exit or a crash); "
                        "the notebooks from that one on were not graded")
            if "CellTimeoutError" in block or "Timeout waiting" in block:
                return "timeout: a cell could not be interrupted; the notebooks from that one on were not graded"
            last = [ln.strip() for ln in block.splitlines() if ln.strip()][-1:] or ["unknown error"]
            return f"autograde failed: {last[0][:160]}"
    return "autograde failed: nbgrader produced no autograded notebook (see the autograde log)"


# ----------------------------------------------------------------------------- gradebook


def _results_from_gradebook(course, assignment, released):
    from nbgrader.api import Gradebook

    manual = {(Path(n).stem, grade_id(c)) for n, nb in released.items() for c in nb.cells
              if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")}
    order = {(Path(n).stem, grade_id(c)): i for n, nb in released.items() for i, c in enumerate(nb.cells)}
    students = []
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            questions = []
            for nb in sub.notebooks:
                for g in nb.grades:
                    graded = g.auto_score is not None or g.manual_score is not None
                    questions.append(QuestionScore(nb.name, g.name, g.score if graded else None,
                                                   g.max_score, (nb.name, g.name) in manual))
            questions.sort(key=lambda q: (sorted(released).index(f"{q.notebook}.ipynb"),
                                          order.get((q.notebook, q.grade_id), 0), q.grade_id))
            students.append(StudentResult(sub.student_id, questions))
    return sorted(students, key=lambda s: s.student)


def _write_attention_csv(path, result):
    import csv

    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "score", "max_score", "needs_attention", "reasons"])
        for s in result.students:
            writer.writerow([s.student, s.score, s.max_score, "yes" if s.attention else "no", " | ".join(s.attention)])
    return path


# ----------------------------------------------------------------------------- the run


def run(course=DEFAULT_COURSE, assignment=ASSIGNMENT, *, sample_class=True, students=None, report=True, log=print):
    """Grade every collected submission of `assignment` in `course`; return the :class:`ClassResult`.

    Parameters
    ----------
    course : path-like
        The nbgrader course directory (created and given the repository's source and
        config when it is not the repository itself).
    assignment : str
        The assignment to grade.
    sample_class : bool
        Generate the sample class into ``submitted/`` first (the demo); otherwise the
        submissions must already be collected (``nbgrader collect`` / ``zip_collect``).
    report : bool
        Write ``report/index.html`` and print the summary table.
    log : callable
        Where progress lines go.

    Returns
    -------
    ClassResult
    """
    course = prepare_course(course, assignment)
    result = ClassResult(assignment)

    def step(name, func):
        start = time.perf_counter()
        value = func()
        result.seconds[name] = time.perf_counter() - start
        return value

    proc = step("release", lambda: nbgrader(course, "generate_assignment", assignment, "--force", log=log))
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stderr[-3000:]}")
    released = {p.name: nbformat.read(p, as_version=4) for p in sorted((course / "release" / assignment).glob("*.ipynb"))}

    if sample_class:
        log("collect: generating the sample class (stands in for `nbgrader collect`)")
        step("collect", lambda: build_sample_class(course, assignment, students=students))

    auto = step("autograde", lambda: nbgrader(course, "autograde", assignment, "--force", log=log))
    (course / "autograde.log").write_text(auto.stdout + auto.stderr)

    submitted_dir = course / "submitted"
    attention = {}
    for folder in sorted(submitted_dir.glob(f"*/{assignment}")):
        student = folder.parent.name
        reasons = inspect_submission(folder, released)
        graded_dir = course / "autograded" / student / assignment
        if not graded_dir.exists():
            if not any(r.startswith("invalid notebook") for r in reasons):
                reasons.append(_failure_reason(auto.stdout + auto.stderr, student))
            else:
                reasons.append("autograde failed: nbgrader stops on an unreadable notebook, nothing was graded")
        else:
            for path in sorted(graded_dir.glob("*.ipynb")):
                nb, _ = _read(path)
                if nb is not None:
                    reasons += _output_reasons(nb, path.stem)
        attention[student] = reasons

    fb = step("feedback", lambda: nbgrader(course, "generate_feedback", assignment, "--force", log=log))
    if fb.returncode != 0:
        log("generate_feedback reported errors (students whose autograde failed have no feedback)")
    csv = course / "grades.csv"
    step("export", lambda: nbgrader(course, "export", "--to", str(csv), log=log))
    result.grades_csv = csv if csv.exists() else None

    result.students = _results_from_gradebook(course, assignment, released)
    for s in result.students:
        s.attention = attention.get(s.student, [])
        for html in sorted((course / "feedback" / s.student / assignment).glob("*.html")):
            s.feedback[html.stem] = html
    # nbgrader's CSV exports a crashed submission as 0 with no flag: this file, next to it, says why.
    result.attention_csv = _write_attention_csv(course / "needs_attention.csv", result)
    if report:
        from .report import summary_table, write_report

        index = step("report", lambda: write_report(result, course / "report"))
        log(summary_table(result))
        log(f"Report: {index}\nGrades: {result.grades_csv}\nNeeds attention: {result.attention_csv}")
    return result
