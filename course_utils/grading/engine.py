"""Autograde a class in parallel: one task per student on Dask workers.

nbgrader grades a class in one process, one student after another.  Here each student's
submission is one task: a long-lived Dask worker runs nbgrader's own autograde for that
student (``NbGraderAPI.autograde``, the call behind formgrader's *Autograde* button),
with the course's ``nbgrader_config.py``, so every notebook still runs in the sandbox of
:mod:`~course_utils.grading.sandbox`.  By default the workers are a
``distributed.LocalCluster`` with one process per core and one BLAS thread each; pass a
scheduler address to use an existing Dask cluster whose workers see the course folder.

The gradebook, the course and every student exist before the fan-out (nbgrader's SQLite
gradebook is safe for concurrent autogrades of *different* students only once they do).
"""

from __future__ import annotations

import functools
import os
import sys
import time
import warnings
from pathlib import Path

__all__ = ["autograde_student", "grade_class", "default_workers"]

# One BLAS/OpenMP thread per worker and per grading kernel: with several workers on a few
# cores, threaded BLAS makes parallel grading slower than serial.
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def default_workers():
    """Workers used when none are asked for: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@functools.cache
def _api(course, staged):
    """nbgrader's API for `course`, with its nbgrader_config.py, reading submissions from `staged`."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.submitted_directory = staged
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def autograde_student(course, assignment, student, staged):
    """Autograde one student's submission with nbgrader; runs on a worker.

    Parameters
    ----------
    course : str
        The course directory (the worker must see it).
    assignment, student : str
        nbgrader ids.
    staged : str
        Folder of the submissions, relative to `course` (the pipeline's staged copies).

    Returns
    -------
    dict
        ``student``, ``success`` (bool), ``log`` (nbgrader's log for this student, with
        the traceback of a failure), ``seconds`` and ``worker`` (host and process id).
    """
    start = time.perf_counter()
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):  # nbgrader runs alembic from PATH
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.update(_ONE_THREAD)
    with warnings.catch_warnings():
        # nbgrader 0.9's gradebook code trips SQLAlchemy 2's autoflush warnings on every submission
        warnings.filterwarnings("ignore", category=Warning, module="nbgrader")
        warnings.filterwarnings("ignore", message=".*not in session.*")
        out = _api(str(course), staged).autograde(assignment, student, force=True, create=True)
    log = out.get("log", "") + (f"\n{out['error']}" if out.get("error") else "")
    return {"student": student, "success": bool(out.get("success")), "log": log,
            "seconds": time.perf_counter() - start, "worker": f"{os.uname().nodename}:{os.getpid()}"}


def _prepare_gradebook(course, assignment, students):
    """Create every student in the gradebook before the fan-out (concurrent creation races)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb:
        gb.find_assignment(assignment)  # generate_assignment must have run
        for student in students:
            gb.update_or_create_student(student)


def _format_eta(seconds):
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def grade_class(course, assignment, students, staged, *, workers=None, scheduler=None, log=print):
    """Autograde `students` on Dask workers; return ``{student: result of autograde_student}``.

    Parameters
    ----------
    course : path-like
        The course directory.
    assignment : str
        The assignment id (already in the gradebook).
    students : list of str
        Students whose staged submissions to grade.
    staged : str
        Folder of the submissions, relative to `course`.
    workers : int, optional
        Local worker processes (default :func:`default_workers`); ignored with `scheduler`.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``).
    log : callable
        Gets a line per student (time, outcome, worker) and a progress line.

    Returns
    -------
    dict of str to dict
    """
    from distributed import Client, LocalCluster, as_completed

    course = str(Path(course).resolve())
    if not students:
        return {}
    if scheduler is None:
        workers = default_workers() if workers is None else int(workers)
        if workers < 1:
            raise ValueError(f"workers must be at least 1; got {workers}.")
    _prepare_gradebook(course, assignment, students)
    cluster = None
    if scheduler is None:
        # Worker processes inherit the environment: one BLAS thread each.
        saved = {k: os.environ.get(k) for k in _ONE_THREAD}
        os.environ.update(_ONE_THREAD)
        try:
            # ":0": any free port for the scheduler's HTTP server (None still means 8787, which a
            # second grading run on the same machine would find taken).
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=40)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        where = f"{workers} local worker(s)"
    else:
        where = f"the Dask cluster at {scheduler}"
    results, start = {}, time.perf_counter()
    log(f"autograde: {len(students)} submission(s) on {where}")
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = [client.submit(autograde_student, course, assignment, s, staged, key=f"autograde-{s}",
                                     pure=False, retries=2) for s in students]
            for done, future in enumerate(as_completed(futures), start=1):
                out = future.result()
                results[out["student"]] = out
                failed = sum(not r["success"] for r in results.values())
                elapsed = time.perf_counter() - start
                eta = elapsed / done * (len(students) - done)
                log(f"  [{done:>{len(str(len(students)))}}/{len(students)}] {out['student']}: "
                    f"{'graded' if out['success'] else 'FAILED'} in {out['seconds']:.1f} s on {out['worker']}"
                    f"  (failures so far: {failed}, ETA {_format_eta(eta)})")
    finally:
        if cluster is not None:
            cluster.close()
    return results
