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


#: Course secret of :func:`graded_class` (fixed: each sample student gets the same data every run).
CLASS_SECRET = "c1" * 32


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, source_notebooks, release_notebooks, package_before_grading):
    """The sample class (with its hostile students where the sandbox works) plus one student per
    alternative correct answer, graded by `pipeline.run` with variants on (a fixed course secret, so
    every student has their own data and the same data every run).

    Returns ``(course, result)``: the course folder and the :class:`ClassResult`. This is the
    slow fixture of the suite (one autograde of about 50 submissions on 2 local Dask workers), shared by the tests
    of the assignment, the pipeline and the sandbox.
    """
    course = pipeline.prepare_course(tmp_path_factory.mktemp("course"))
    (course / ".variant_secret").write_text(CLASS_SECRET + "\n")
    perfect = {n: completed(release_notebooks[n], source_notebooks[n]) for n in release_notebooks}
    for variant in RIGHT:
        write_submission(course, variant.student, {**perfect, variant.notebook: with_answer(perfect[variant.notebook],
                                                                                              variant)})
    result = pipeline.run(course, sample_class=True, workers=2, log=lambda *args: None)
    return course, result


# ----------------------------------------------------------------------------- grading on a cluster

#: Sample students graded by every engine in tests/test_cluster.py: right, blank, wrong, edited, deleted,
#: dead kernel, broken and missing notebooks.
CLUSTER_STUDENTS = ["perfect", "blank", "wrong_pinv_forgets_to_invert", "edited_test", "deleted_test",
                    "kernel_death", "invalid_json", "missing_notebook"]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgresql_bin():
    import glob
    import shutil

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and Path(found).with_name("pg_ctl").exists() else None


@pytest.fixture(scope="session")
def postgresql_url():
    """A PostgreSQL server started for the session on 127.0.0.1 (Debian's binaries), and a database on it.

    Skipped when the binaries are missing, unless ``COURSE_REQUIRE_POSTGRESQL=1`` (CI), where that fails.
    Run as root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
    """
    import os
    import pwd
    import shutil
    import subprocess
    import tempfile

    bindir = _postgresql_bin()
    if bindir is None:
        if os.environ.get("COURSE_REQUIRE_POSTGRESQL") == "1":
            pytest.fail("COURSE_REQUIRE_POSTGRESQL=1 but no PostgreSQL binaries (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    run_as = []
    root = Path(tempfile.mkdtemp(prefix="course-pg-"))  # not under pytest's basetemp: the server user must enter it
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data, log = root / "data", root / "server.log"

    def pg(*args):
        return subprocess.run(run_as + [str(bindir / args[0]), *args[1:]], capture_output=True, text=True, timeout=120)

    try:
        out = pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        assert out.returncode == 0, out.stderr
        out = pg("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start", "-o",
                 f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200")
        assert out.returncode == 0, out.stderr + (log.read_text() if log.exists() else "")
        out = pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "gradebook")
        assert out.returncode == 0, out.stderr
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/gradebook"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, each in a folder of its own."""

    def __init__(self, root):
        self.root, self.port, self.workers = Path(root), free_port(), {}
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                                   "--dashboard-address", ":0", "--no-show"])

    def _start(self, name, args):
        import os
        import subprocess
        import sys

        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        with open(folder / "log", "wb") as log:
            return subprocess.Popen([str(Path(sys.executable).with_name("dask")), *args], cwd=folder, env=env,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def add_worker(self, name, nanny=True):
        """Start a worker process (its own session: :meth:`kill` ends it and its nanny at once)."""
        args = ["worker", self.address, "--name", name, "--host", "127.0.0.1", "--nthreads", "1",
                "--dashboard-address", ":0", "--death-timeout", "60"]
        self.workers[name] = self._start(name, args + ([] if nanny else ["--no-nanny"]))
        return self.workers[name]

    def wait_for_workers(self, n, timeout=120):
        from distributed import Client

        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(n, timeout=timeout)

    def kill(self, name):
        import os
        import signal

        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait()

    def close(self):
        import os
        import signal

        for proc in [*self.workers.values(), self.scheduler]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [*self.workers.values(), self.scheduler]:
            try:
                proc.wait(timeout=30)
            except Exception:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A Dask scheduler and 2 workers started as separate processes on 127.0.0.1 (no shared course folder)."""
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        cluster.add_worker("w1")
        cluster.add_worker("w2")
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        cluster.close()


def snapshot(result):
    """Every student's scores and needs-attention reasons: what must not depend on the engine."""
    return {s.student: ([(q.notebook, q.grade_id, q.score) for q in s.questions], list(s.attention))
            for s in result.students}


@pytest.fixture(scope="session")
def serial_graded(tmp_path_factory):
    """:data:`CLUSTER_STUDENTS` graded with one local worker (the serial path); ``(course, result, log lines)``."""
    import contextlib
    import socket

    lines = []
    course = tmp_path_factory.mktemp("serial")
    # Another program (a second grading run, a Jupyter server) holds Dask's default dashboard port.
    busy = socket.socket()
    with contextlib.suppress(OSError):
        busy.bind(("", 8787))
        busy.listen()
    with busy:
        result = pipeline.run(course, students=CLUSTER_STUDENTS, report=False, workers=1, log=lines.append)
    return course, result, lines


@pytest.fixture(scope="session")
def cluster_graded(tmp_path_factory, dask_cluster, postgresql_url):
    """:data:`CLUSTER_STUDENTS` graded through `dask_cluster` with the PostgreSQL gradebook."""
    lines = []
    course = tmp_path_factory.mktemp("cluster")
    result = pipeline.run(course, students=CLUSTER_STUDENTS, report=True, scheduler=dask_cluster.address,
                          db_url=postgresql_url, log=lines.append)
    return course, result, lines


# ----------------------------------------------------------------------------- grading with variants

#: Course secret of :func:`variant_graded`'s class (fixed: the same students get the same data every run).
VARIANT_SECRET = "5e" * 32
#: Answer cell (grade_id) of each data-dependent answer, by notebook.
ANSWER_CELLS = {"2_image_reconstruction": "k_99", "3_denoising": "rank_choices", "4_pca": "k_90"}


def answers_computed_for(student, notebooks, secret, folder):
    """The data-dependent answers of `notebooks` (perfect ones) executed with `student`'s variant key.

    A plain kernel (not the grader's) runs each notebook of :data:`ANSWER_CELLS` with the key the
    hub would give `student`, and the values are read back from the notebook: what a student
    sees who computes their answers.
    """
    import json
    import os

    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    from course_utils.grading.answers import DATA_ANSWERS
    from course_utils.grading.variants import kernel_environment

    found = {}
    for name in ANSWER_CELLS:
        nb = nbformat.from_dict(notebooks[f"{name}.ipynb"])
        names = list(DATA_ANSWERS[name])
        nb.cells.append(new_code_cell(f"import json; print(json.dumps({{n: int(globals()[n]) for n in {names!r}}}))"))
        env = dict(os.environ, MPLBACKEND="agg", **kernel_environment(secret, student))
        NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(folder)}}
                       ).execute(env=env)
        found.update(json.loads(nb.cells[-1].outputs[0]["text"]))
    return found


def with_typed_answers(notebooks, values):
    """`notebooks` with every data-dependent answer cell holding `values` typed in: a copied submission."""
    from course_utils.grading.answers import DATA_ANSWERS
    from course_utils.grading.sample_class import replace_cell

    out = dict(notebooks)
    for name, cell in ANSWER_CELLS.items():
        typed = "".join(f"{n} = {values[n]!r}\n" for n in DATA_ANSWERS[name])
        out[f"{name}.ipynb"] = replace_cell(notebooks[f"{name}.ipynb"], cell, typed)
    return out


@pytest.fixture(scope="session")
def variant_graded(tmp_path_factory, source_notebooks, release_notebooks):
    """A class of four graded twice by `pipeline.run` with a course secret (variants on).

    ``ann`` and ``cat`` hand in perfect notebooks; ``bob`` hands in ann's answers, computed by
    executing ann's notebooks with ann's variant key and typed into his own; ``dan`` types the
    numbers of the default variant (a run outside the hub: the numbers the texts quote). Returns
    ``(course, first result, second result, ann's answers)``; the second run grades the same class again.
    """
    from course_utils.grading.answers import expected_answers
    from course_utils.variant import current_variant

    course = pipeline.prepare_course(tmp_path_factory.mktemp("variants"))
    (course / ".variant_secret").write_text(VARIANT_SECRET + "\n")
    perfect = {n: completed(release_notebooks[n], source_notebooks[n]) for n in release_notebooks}
    ann = answers_computed_for("ann", perfect, VARIANT_SECRET, tmp_path_factory.mktemp("ann"))
    write_submission(course, "ann", perfect)
    write_submission(course, "bob", with_typed_answers(perfect, ann))
    write_submission(course, "cat", perfect)
    write_submission(course, "dan", with_typed_answers(perfect, expected_answers(current_variant(ASSIGNMENT,
                                                                                                environ={}))))
    runs = [pipeline.run(course, sample_class=False, workers=2, log=lambda *args: None) for _ in range(2)]
    return course, runs[0], runs[1], ann
