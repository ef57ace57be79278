"""The instructor's pipeline: release -> collect -> autograde -> feedback -> export -> report.

Every step is a plain nbgrader command, printed as it runs, so an instructor can
repeat any of them by hand; what nbgrader does not do (saying *why* a submission
could not be graded, the report) is added around it, never patched into its output.

``python -m course_utils.grading`` runs it on the generated sample class in
``demo_course/`` (ignored by git); ``--course DIR --no-sample`` grades a real
course whose submissions are already collected.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from ..variant import current_variant
from . import answers, variants
from .copies import DEFAULT_VARIANT, find_copies
from .engine import grade_class
from .gradebook import URL_VARIABLE, check_gradebook, gradebook_url
from .execute import METADATA_KEY, is_test_cell
from .preprocessors import OUTPUT_LIMITED_MARK, QUOTE_LINES, quoted_instructor_lines
from .results import ClassResult, QuestionScore, StudentResult
from .sample_class import build_sample_class, grade_id
from .sandbox import sandbox_status


__all__ = ["REPO", "DEFAULT_COURSE", "ASSIGNMENT", "prepare_course", "nbgrader", "stage_submission", "run"]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_COURSE = REPO / "demo_course"
ASSIGNMENT = "week5_svd"
#: The course folder where the graded copy of each submission is staged (see :func:`stage_submission`).
STAGED = "staged_for_autograde"


def prepare_course(course, assignment=ASSIGNMENT):
    """Give `course` this repository's nbgrader config and source notebooks (no-op for the repo itself)."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    if course.resolve() != REPO:
        shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(REPO / "source" / assignment, course / "source" / assignment, dirs_exist_ok=True)
    return course


def nbgrader(course, *args, db_url=None, log=print):
    """Run ``nbgrader ARGS`` in `course` (printed as a shell line); return the completed process.

    `db_url`, when given, reaches the course's ``nbgrader_config.py`` as ``$COURSE_GRADEBOOK_URL``.
    """
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs alembic
    if db_url:
        env[URL_VARIABLE] = db_url
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


def _grade_ids(nb):
    return {grade_id(c) for c in nb.cells if grade_id(c)}


def _cell_reasons(nb, rel, stem):
    """Deleted answer/test cells and edited test cells of one readable notebook."""
    reasons = []
    got = {grade_id(c): c for c in nb.cells if grade_id(c)}
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


def stage_submission(submitted, staged, released):
    """Copy what can be graded of one submission to `staged`; return the reasons to look.

    nbgrader abandons a student's whole submission at the first notebook it cannot read,
    and it hands every file of the submission to the kernel.  So the grader gives nbgrader
    a staged copy instead: the release's notebooks that can be read and carry nbgrader's
    metadata (a renamed one under its release name when the original is missing) and
    ``timestamp.txt``, nothing else.  ``submitted/`` itself is never changed.

    Parameters
    ----------
    submitted : pathlib.Path
        ``submitted/<student>/<assignment>/``.
    staged : pathlib.Path
        Where to write the copy (replaced if present).
    released : dict of str to NotebookNode
        The release notebooks, by file name.

    Returns
    -------
    list of str
        Needs-attention reasons (see :data:`course_utils.grading.results.REASONS`).
    """
    reasons, extra = [], []
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    readable = {}
    for path in sorted(submitted.rglob("*")):
        rel_name = path.relative_to(submitted).as_posix()
        if path.is_dir() or rel_name == "timestamp.txt":
            continue
        if rel_name in released or (path.suffix == ".ipynb" and path.parent == submitted):
            nb, error = _read(path)
            if nb is None:
                reasons.append(f"invalid notebook: {path.stem} cannot be read ({error}); "
                               f"it is not graded, the other notebooks are")
            else:
                readable[rel_name] = (path, nb)
        else:
            extra.append(rel_name.split("/")[0] + ("/" if "/" in rel_name else ""))
    for name in [n for n in readable if n not in released]:  # a renamed copy of a release notebook?
        path, nb = readable.pop(name)
        ids = _grade_ids(nb)
        match = max(released, key=lambda r: len(ids & _grade_ids(released[r])))
        if not ids & _grade_ids(released[match]):
            extra.append(name)
        elif match in readable or (submitted / match).exists():
            reasons.append(f"renamed notebook: '{name}' is a copy of {Path(match).stem}; only {match} is graded")
        else:
            reasons.append(f"renamed notebook: '{name}' is {Path(match).stem} under another name; "
                           f"graded as {match}")
            readable[match] = (path, nb)
    for name, rel in released.items():
        stem = Path(name).stem
        if name not in readable:
            if not (submitted / name).exists() and not any(r.endswith(f"graded as {name}") for r in reasons):
                reasons.append(f"missing notebook: {stem} was not submitted")
            continue
        path, nb = readable[name]
        if not _grade_ids(nb):
            reasons.append(f"metadata stripped: {stem} has no nbgrader cell metadata, so it cannot be autograded; "
                           "the other notebooks are")
            continue
        reasons += _cell_reasons(nb, rel, stem)
        shutil.copy(path, staged / name)  # byte for byte, as submitted
    if extra:
        reasons.append(f"extra files: {', '.join(dict.fromkeys(extra))} (handed in, never given to the grader)")
    if (submitted / "timestamp.txt").exists():
        shutil.copy(submitted / "timestamp.txt", staged / "timestamp.txt")
    return reasons


def _output_reasons(autograded_nb, stem):
    """Reasons read from an autograded notebook: its outputs and what its grading kernel saw."""
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
        # the student's own cells only: a test cell's traceback quotes the instructor's checks by design
        if cell.cell_type == "code" and not is_test_cell(cell) and quoted_instructor_lines(cell) >= QUOTE_LINES:
            found.setdefault("quoted instructor code", []).append(
                grade_id(cell) or f"cell {autograded_nb.cells.index(cell) + 1}")
    reasons = [f"{kind}: {stem}: {', '.join(dict.fromkeys(where))}" for kind, where in found.items()]
    return reasons + _kernel_reasons(autograded_nb.metadata.get(METADATA_KEY), stem, "memory limit" in found)


def _kernel_reasons(seen, stem, memory_reported):
    """Reasons from the grading kernel's report (:class:`~course_utils.grading.execute.SandboxedExecute`)."""
    if seen is None:
        return [f"autograde failed: {stem}: the grading kernel left no report (was the course's "
                "nbgrader_config.py used?)"]
    reasons = []
    if seen.get("lost_at"):
        kind, what = (("kernel died", "the kernel died (exit, os._exit or a crash)") if seen["lost_why"] == "died"
                      else ("timeout", "a cell could not be interrupted at the time limit"))
        reasons.append(f"{kind}: {stem}: {what} in cell {seen['lost_at']}; that cell and the ones after it "
                       "were not run and score 0, the other notebooks are graded")
    if seen.get("rebound"):
        reasons.append(f"rebinding: {stem}: {', '.join(seen['rebound'])} (put back before every test)")
    if seen.get("memory_errors") and not memory_reported:
        reasons.append(f"memory limit: {stem}: numpy raised MemoryError {seen['memory_errors']} time(s) "
                       "and the notebook caught it")
    if seen.get("outside"):
        reasons.append(f"outside its folder: {stem}: {'; '.join(seen['outside'][:5])}"
                       + (f" and {len(seen['outside']) - 5} more" if len(seen["outside"]) > 5 else "")
                       + (" (attempts: the sandbox exposes no course file)" if seen.get("sandboxed") else ""))
    if seen.get("instructor"):
        reasons.append(f"instructor code: {stem}: {', '.join(seen['instructor'])} (refused: the call failed)")
    if seen.get("processes"):
        reasons.append(f"process left running: {stem}: {'; '.join(seen['processes'])} (ended by the grader)")
    code = [f for f in seen.get("files", []) if f.endswith((".py", ".pth", ".so"))]
    if code:
        reasons.append(f"wrote code files: {stem}: {', '.join(code)} (never imported by the grader)")
    return reasons


def _failure_reason(log_text, student):
    """Why nbgrader could not grade `student`, from its log: the last line of the traceback."""
    marker = re.compile(rf"There was an error processing assignment: \S*{re.escape(os.sep)}{re.escape(student)}"
                        rf"{re.escape(os.sep)}")
    lines = log_text.splitlines()
    for i, line in enumerate(lines):
        if marker.search(line):
            after = list(itertools.takewhile(lambda ln: "Removing failed assignment" not in ln, lines[i + 1:]))
            last = [ln.strip() for ln in after if ln.strip()][-1:] or ["unknown error"]
            return f"autograde failed: {last[0][:160]}"
    return "autograde failed: nbgrader produced no autograded notebook (see the autograde log)"


# ----------------------------------------------------------------------------- gradebook


def _results_from_gradebook(db_url, assignment, released, submitted):
    """Every submitted student's grades from the gradebook, and what the gradebook lacks.

    `db_url` is the gradebook's URL, or a course folder (its SQLite gradebook).

    Returns ``(students, errors)``: a :class:`StudentResult` for every id of `submitted`
    (one missing from the gradebook has no scores and a "not in gradebook" reason), and
    the error sentences of a gradebook that lost students or the assignment.
    """
    from nbgrader.api import Gradebook, MissingEntry

    manual = {(Path(n).stem, grade_id(c)) for n, nb in released.items() for c in nb.cells
              if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")}
    order = {(Path(n).stem, grade_id(c)): i for n, nb in released.items() for i, c in enumerate(nb.cells)}
    students, errors = {}, []
    if "://" not in str(db_url):
        db_url = gradebook_url(db_url, environ={})
    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(assignment)
            submissions = gb.assignment_submissions(assignment)
        except MissingEntry:
            submissions = []
            errors.append(f"the gradebook has no assignment {assignment!r}: it was deleted or replaced; "
                          "restore it from a backup and re-run autograde")
        for sub in submissions:
            questions = []
            for nb in sub.notebooks:
                for g in nb.grades:
                    graded = g.auto_score is not None or g.manual_score is not None
                    questions.append(QuestionScore(nb.name, g.name, g.score if graded else None,
                                                   g.max_score, (nb.name, g.name) in manual))
            questions.sort(key=lambda q: (sorted(released).index(f"{q.notebook}.ipynb"),
                                          order.get((q.notebook, q.grade_id), 0), q.grade_id))
            students[sub.student_id] = StudentResult(sub.student_id, questions)
    lost = [s for s in submitted if s not in students]
    if lost:
        errors.append(f"{len(lost)} submitted student(s) missing from the gradebook: {', '.join(lost)}")
    for student in lost:
        students[student] = StudentResult(student, [], [
            "not in gradebook: the submission is in submitted/ but the gradebook has no grades for it; "
            "re-run autograde"])
    return [students[k] for k in sorted(students)], errors


def _missing_from_csv(result):
    """Errors for students of `result` that nbgrader's exported CSV does not list."""
    import csv

    if result.grades_csv is None:
        return ["nbgrader export wrote no grades CSV"]
    with open(result.grades_csv, newline="") as fh:
        listed = {row["student_id"] for row in csv.DictReader(fh)}
    missing = [s.student for s in result.students if s.student not in listed]
    return [f"grades.csv lacks {len(missing)} submitted student(s): {', '.join(missing)}"] if missing else []


def _write_attention_csv(path, result):
    import csv

    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "score", "max_score", "needs_attention", "reasons"])
        for s in result.students:
            writer.writerow([s.student, s.score, s.max_score, "yes" if s.attention else "no", " | ".join(s.attention)])
    return path


# ----------------------------------------------------------------------------- copied answers


def copied_answers(secret, assignment, given):
    """The submissions whose data-dependent answers fit another student's variant better than their own.

    Parameters
    ----------
    secret : str
        The course's variant secret.
    assignment : str
        :data:`course_utils.grading.answers.ASSIGNMENT`.
    given : dict of str to dict
        For every submitted student, the answers their grading kernels reported
        (:func:`course_utils.grading.answers.reported`); the right answers of each student's
        variant are computed here, on the trusted side.

    Returns
    -------
    list of course_utils.grading.copies.Match
        Their source is a student, or :data:`~course_utils.grading.copies.DEFAULT_VARIANT` for
        answers that fit the variant of a notebook run without a key (outside the hub).
    """
    # the default variant first: numbers from a run outside the hub must not name a classmate who shares some
    expected = {DEFAULT_VARIANT: answers.expected_answers(current_variant(assignment, environ={}))}
    expected.update({student: answers.expected_answers(
        current_variant(assignment, environ=variants.kernel_environment(secret, student))) for student in given})
    return find_copies(given, expected)


# ----------------------------------------------------------------------------- the run


def run(course=DEFAULT_COURSE, assignment=ASSIGNMENT, *, sample_class=True, students=None, report=True,
        workers=None, scheduler=None, db_url=None, log=print):
    """Grade every collected submission of `assignment` in `course`; return the :class:`ClassResult`.

    Parameters
    ----------
    course : path-like
        The nbgrader course directory (created and given the repository's source and
        config when it is not the repository itself).
    assignment : str
        The assignment to grade.
    sample_class : bool
        Generate the sample class into ``submitted/`` first (the demo), with variants on: a
        course without a secret gets a new one (:func:`~course_utils.grading.variants.create_secret`);
        otherwise the submissions must already be collected (``nbgrader collect`` / ``zip_collect``).
    students : list of str, optional
        With `sample_class`: the sample students to generate (default: all).
    report : bool
        Write ``report/index.html`` and print the summary table.
    workers : int, optional
        Local Dask worker processes for autograde (default: one per core).
    scheduler : str, optional
        Address of an existing Dask scheduler (then `workers` is not used); its workers need
        the installed package and bubblewrap, not the course folder.
    db_url : str, optional
        The gradebook's database URL (default: ``$COURSE_GRADEBOOK_URL``, else SQLite in
        `course`); PostgreSQL (``postgresql+psycopg2://user@host/db``) for several machines.
    log : callable
        Where progress lines go.

    Returns
    -------
    ClassResult
    """
    course = prepare_course(course, assignment)
    result = ClassResult(assignment)
    db_url = gradebook_url(course, db_url)
    check_gradebook(db_url)  # before anything runs: a clear error when the database cannot be reached

    def step(name, func):
        start = time.perf_counter()
        value = func()
        result.seconds[name] = time.perf_counter() - start
        return value

    proc = step("release", lambda: nbgrader(course, "generate_assignment", assignment, "--force", db_url=db_url, log=log))
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stderr[-3000:]}")
    released = {p.name: nbformat.read(p, as_version=4) for p in sorted((course / "release" / assignment).glob("*.ipynb"))}

    result.sandbox = sandbox_status()
    if not result.sandbox[0]:
        log(f"WARNING: {result.sandbox[1]}")
    if sample_class:
        if variants.load_secret(course / variants.SECRET_FILE) is None:
            # as a real course would: every sample student gets their own data (kept for re-runs)
            variants.create_secret(course / variants.SECRET_FILE)
            log(f"variants: on, with a new course secret in {course / variants.SECRET_FILE}")
        log("collect: generating the sample class (stands in for `nbgrader collect`)"
            + ("" if result.sandbox[0] else "; without a sandbox its hostile students are left out"))
        step("collect", lambda: build_sample_class(course, assignment, students=students, hostile=result.sandbox[0]))
    submitted_dir = course / "submitted"
    staged_root = course / STAGED
    shutil.rmtree(staged_root, ignore_errors=True)
    attention = {}
    for folder in sorted(submitted_dir.glob(f"*/{assignment}")):
        student = folder.parent.name
        attention[student] = stage_submission(folder, staged_root / student / assignment, released)

    graded = step("autograde", lambda: grade_class(course, assignment, sorted(attention), STAGED,
                                                   workers=workers, scheduler=scheduler, db_url=db_url,
                                                   log=log))
    (course / "autograde.log").write_text("".join(graded[s]["log"] + "\n" for s in sorted(graded)))
    result.regraded = {s: graded[s]["regraded"] for s in sorted(graded) if graded[s].get("regraded")}

    unconfined = set()  # workers that ran student code without bubblewrap (the sandbox is each worker's own)
    given = {student: {} for student in attention}  # the data-dependent answers each kernel reported
    for student, reasons in attention.items():
        graded_dir = course / "autograded" / student / assignment
        if not graded_dir.exists():
            reasons.append(_failure_reason(graded.get(student, {}).get("log", ""), student))
            continue
        for path in sorted(graded_dir.glob("*.ipynb")):
            nb, _ = _read(path)
            if nb is not None:
                reasons += _output_reasons(nb, path.stem)
                seen = nb.metadata.get(METADATA_KEY) or {}
                given[student].update(answers.reported(path.stem, seen.get("answers")))
                if seen.get("sandboxed") is False:
                    unconfined.add(seen.get("worker", "a worker"))
    if unconfined and result.sandbox[0]:
        result.sandbox = (False, f"bubblewrap could not start on the Dask worker(s) {', '.join(sorted(unconfined))} "
                                 "(apt-get install bubblewrap there); student code ran unconfined")

    fb = step("feedback", lambda: nbgrader(course, "generate_feedback", assignment, "--force", db_url=db_url, log=log))
    if fb.returncode != 0:
        log("generate_feedback reported errors (students whose autograde failed have no feedback)")
    csv = course / "grades.csv"
    step("export", lambda: nbgrader(course, "export", "--to", str(csv), db_url=db_url, log=log))
    result.grades_csv = csv if csv.exists() else None

    result.students, result.errors = _results_from_gradebook(db_url, assignment, released, sorted(attention))
    secret = variants.load_secret(course / variants.SECRET_FILE)  # the file nbgrader_config.py names
    for s in result.students:
        s.attention = attention.get(s.student, []) + s.attention
        s.variant = variants.variant_words(secret, s.student, assignment)  # seed, and the data in words
        for html in sorted((course / "feedback" / s.student / assignment).glob("*.html")):
            s.feedback[html.stem] = html
    if secret is not None and assignment == answers.ASSIGNMENT:
        result.copies = step("copies", lambda: copied_answers(secret, assignment, given))
        by_student = {s.student: s for s in result.students}
        for match in result.copies:
            by_student[match.student].attention.append(f"copied answers: {match.sentence()}")
    result.errors += _missing_from_csv(result)
    # nbgrader's CSV exports a crashed submission as 0 with no flag: this file, next to it, says why.
    result.attention_csv = _write_attention_csv(course / "needs_attention.csv", result)
    if report:
        from .report import summary_table, write_report

        index = step("report", lambda: write_report(result, course / "report"))
        log(summary_table(result))
        log(f"Report: {index}\nGrades: {result.grades_csv}\nNeeds attention: {result.attention_csv}")
    return result
