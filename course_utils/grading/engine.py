"""Autograde a class in parallel, shared-nothing: nbgrader here, the notebooks on Dask workers.

The trusted process (this one) runs nbgrader's autograde for several students at once, one
thread each (:class:`~course_utils.grading.remote.ThreadSafeAutograde`), with the course's
``nbgrader_config.py``; only it reads the submissions and writes ``autograded/`` and the
gradebook.  Its execute step is :class:`~course_utils.grading.remote.RemoteExecute`: each
sanitized notebook goes to a Dask worker, which runs it in the sandbox of
:mod:`~course_utils.grading.sandbox` and sends it back.  So a worker needs the installed
package and bubblewrap, and no course folder, gradebook or course secret.

By default the workers are a ``distributed.LocalCluster`` with one process per core and one
BLAS thread each; ``scheduler="tcp://host:8786"`` uses an existing Dask cluster (``dask
scheduler`` / ``dask worker``, dask-jobqueue on SLURM, dask-kubernetes, dask-gateway).  A
worker that dies loses nothing: the scheduler runs its notebook again on another worker,
and the result says so (``regraded``).

The gradebook, the course, the assignment and every student exist before the fan-out
(concurrent first use of a gradebook races); SQLite is fine on one machine, PostgreSQL
(:mod:`~course_utils.grading.gradebook`) for several.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbformat.warnings import MissingIDFieldWarning

from . import remote
from .execute import METADATA_KEY
from .gradebook import check_gradebook, gradebook_url

__all__ = ["autograde_student", "course_config", "grade_class", "default_workers"]

_ONE_THREAD = remote.ONE_THREAD


def default_workers():
    """Workers used when none are asked for: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def course_config(course, staged, db_url):
    """The course's nbgrader config, with the execute step sent to Dask workers.

    Parameters
    ----------
    course : str
        Absolute course folder (its ``nbgrader_config.py`` is read when present).
    staged : str
        Folder of the submissions, relative to `course`.
    db_url : str
        The gradebook's URL.

    Returns
    -------
    traitlets.config.Config
        Every ``Execute`` step of ``Autograde.autograde_preprocessors`` replaced by
        :class:`~course_utils.grading.remote.RemoteExecute` (which reads the same settings).
    """
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    from traitlets.utils.importstring import import_item

    config = Config()
    if (Path(course) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    config.CourseDirectory.root = course
    config.CourseDirectory.submitted_directory = staged
    config.CourseDirectory.db_url = db_url
    steps = (config.Autograde.get("autograde_preprocessors")
             or remote.ThreadSafeAutograde.class_traits()["autograde_preprocessors"].default_value)
    steps = [import_item(p) if isinstance(p, str) else p for p in steps]
    config.Autograde.autograde_preprocessors = [
        remote.RemoteExecute if issubclass(p, Execute) else p for p in steps]
    return config


def _notebook_runs(graded_dir):
    """Workers that ran each autograded notebook, and the notebooks graded again (their worker was lost)."""
    workers, regraded = [], []
    for path in sorted(Path(graded_dir).glob("*.ipynb")):
        try:
            seen = nbformat.read(path, as_version=4).metadata.get(METADATA_KEY, {})
        except Exception:  # an unreadable autograded notebook is the pipeline's to report
            continue
        if seen.get("worker"):
            workers.append(seen["worker"])
        if seen.get("runs", 1) > 1:
            regraded.append(f"{path.stem} (worker lost: {', '.join(seen.get('lost_workers', [])) or 'unknown'}; "
                            f"graded again on {seen.get('worker')})")
    return list(dict.fromkeys(workers)), regraded


def autograde_student(config, assignment, student):
    """Autograde one student's submission with nbgrader, on the trusted side.

    Safe to call from several threads at once for different students: each call has its own
    nbgrader application, course directory and logger.

    Parameters
    ----------
    config : traitlets.config.Config
        From :func:`course_config` (not modified).
    assignment, student : str
        nbgrader ids.

    Returns
    -------
    dict
        ``student``, ``success`` (bool), ``log`` (nbgrader's log for this student, with the
        traceback of a failure), ``seconds``, ``workers`` (the Dask workers that ran its
        notebooks) and ``regraded`` (notebooks run again because their worker was lost).
    """
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    start = time.perf_counter()
    config = copy.deepcopy(config)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    logger = logging.getLogger(f"course_utils.grading.autograde.{student}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    app = remote.ThreadSafeAutograde(coursedir=coursedir, config=config, log=logger)
    app.force, app.create_student = True, True
    out = capture_log(app)
    log = out.get("log", "") + (f"\n{out['error']}" if out.get("error") else "")
    workers, regraded = _notebook_runs(Path(coursedir.root) / "autograded" / student / assignment)
    return {"student": student, "success": bool(out.get("success")), "log": log,
            "seconds": time.perf_counter() - start, "workers": workers, "regraded": regraded}


def _prepare_gradebook(db_url, assignment, students):
    """Create every student in the gradebook before the fan-out (concurrent creation races)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        gb.find_assignment(assignment)  # generate_assignment must have run
        for student in students:
            gb.update_or_create_student(student)


def _format_eta(seconds):
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


@contextlib.contextmanager
def _local_cluster(workers):
    from distributed import LocalCluster

    # Worker processes inherit the environment: one BLAS thread each.
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(_ONE_THREAD)
    try:
        # ":0": any free port for the scheduler's HTTP server (None still means 8787, which a
        # second grading run on the same machine would find taken).
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        yield cluster
    finally:
        cluster.close()


@contextlib.contextmanager
def _in_folder(folder):
    """nbgrader changes the process's folder to the course root and back; with threads, start there."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def grade_class(course, assignment, students, staged, *, workers=None, scheduler=None, db_url=None,
                threads=None, log=print):
    """Autograde `students`, their notebooks executed on Dask workers; return ``{student: result}``.

    Parameters
    ----------
    course : path-like
        The course directory (only this process reads or writes it).
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
    db_url : str, optional
        The gradebook (default: :func:`~course_utils.grading.gradebook.gradebook_url`).
    threads : int, optional
        Students graded at once on this side (default: twice the workers, so that a worker
        never waits for nbgrader here).
    log : callable
        Gets a line per student (time, outcome, workers) and the start line; a tqdm bar
        (students done, failures, ETA) is shown too when stderr is a terminal.

    Returns
    -------
    dict of str to dict
        The results of :func:`autograde_student`.
    """
    from distributed import Client
    from tqdm import tqdm

    course = str(Path(course).resolve())
    if not students:
        return {}
    if scheduler is None:
        workers = default_workers() if workers is None else int(workers)
        if workers < 1:
            raise ValueError(f"workers must be at least 1; got {workers}.")
    db_url = db_url or gradebook_url(course)
    check_gradebook(db_url)
    _prepare_gradebook(db_url, assignment, students)
    config = course_config(course, staged, db_url)
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):  # nbgrader runs alembic from PATH
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")

    results, start = {}, time.perf_counter()
    with contextlib.ExitStack() as stack:
        if scheduler is None:
            client = stack.enter_context(Client(stack.enter_context(_local_cluster(workers))))
            where, n_workers = f"{workers} local worker(s)", workers
        else:
            client = stack.enter_context(Client(scheduler, timeout=60))
            client.wait_for_workers(1, timeout=300)
            n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
            where = f"the Dask cluster at {scheduler} ({n_workers} worker(s) now)"
        remote.use_client(client)
        stack.callback(remote.use_client, None)
        stack.enter_context(_in_folder(course))
        stack.enter_context(warnings.catch_warnings())
        # A warning never fails a submission here (where warnings are errors, e.g. under pytest, nbformat's
        # warning about the id-less cell that nbgrader puts back for a deleted test would).
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
        # nbgrader 0.9's gradebook code trips SQLAlchemy 2's autoflush warnings on every submission
        warnings.filterwarnings("ignore", category=Warning, module="nbgrader")
        warnings.filterwarnings("ignore", message=".*not in session.*")
        log(f"autograde: {len(students)} submission(s) on {where}")
        pool = stack.enter_context(ThreadPoolExecutor(threads or max(2, 2 * n_workers),
                                                      thread_name_prefix="autograde"))
        bar = stack.enter_context(tqdm(total=len(students), unit="student", desc="autograde", disable=None,
                                       dynamic_ncols=True))
        say = bar.write if (log is print and not bar.disable) else log
        futures = [pool.submit(autograde_student, config, assignment, s) for s in students]
        width = len(str(len(students)))
        for done, future in enumerate(as_completed(futures), start=1):
            out = future.result()
            results[out["student"]] = out
            failed = sum(not r["success"] for r in results.values())
            eta = (time.perf_counter() - start) / done * (len(students) - done)
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()
            say(f"  [{done:>{width}}/{len(students)}] {out['student']}: "
                f"{'graded' if out['success'] else 'FAILED'} in {out['seconds']:.1f} s on "
                f"{', '.join(out['workers']) or 'no worker'}"
                + (f"; graded again: {'; '.join(out['regraded'])}" if out["regraded"] else "")
                + f"  (failures so far: {failed}, ETA {_format_eta(eta)})")
    return results
