"""Shared-nothing grading: the same grades and reasons serially, on 2 local workers, and on a Dask cluster
(separate scheduler and worker processes, PostgreSQL gradebook); a worker killed mid-run loses nothing."""

from __future__ import annotations

import re
import threading
import time

import pytest
from nbgrader.api import Gradebook

from conftest import CLUSTER_STUDENTS, DaskCluster, snapshot
from course_utils.grading import pipeline
from course_utils.grading.gradebook import GradebookUnreachable, gradebook_url

pytestmark = pytest.mark.slow


def _subset(result, students=CLUSTER_STUDENTS):
    snap = snapshot(result)
    return {s: snap[s] for s in students if s in snap}


def test_serial_and_two_local_workers_give_identical_scores_and_reasons(serial_graded, graded_class):
    _course, serial, _lines = serial_graded
    _course, parallel = graded_class  # the whole sample class on 2 local workers
    assert sorted(s.student for s in serial.students) == sorted(CLUSTER_STUDENTS)
    assert not serial.errors and not parallel.errors
    # every one was graded: a failed autograde is a reason, never a silent zero
    assert not [s.student for s in serial.students if any(r.startswith("autograde failed") for r in s.attention)]
    assert _subset(serial) == _subset(parallel)
    # the comparison can fail: a different score is seen
    changed = _subset(serial)
    changed["perfect"][0][0] = (*changed["perfect"][0][0][:2], -1.0)
    assert changed != _subset(parallel)


def test_a_dask_cluster_with_postgresql_gives_identical_scores_and_reasons(serial_graded, cluster_graded,
                                                                          postgresql_url):
    _course, serial, _ = serial_graded
    course, cluster, lines = cluster_graded
    assert not cluster.errors, cluster.errors
    assert snapshot(cluster) == snapshot(serial)
    # the grades are in PostgreSQL, not in a SQLite file of the course
    assert not (course / "gradebook.db").exists()
    with Gradebook(postgresql_url) as gb:
        assert sorted(s.student_id for s in gb.assignment_submissions("week5_svd")) == sorted(CLUSTER_STUDENTS)
    # the notebooks ran on the cluster's workers, not here
    progress = [ln for ln in lines if re.match(r"\s+\[\s*\d+/8\] ", ln)]
    assert len(progress) == len(CLUSTER_STUDENTS)
    assert all("on tcp://127.0.0.1:" in ln for ln in progress), progress
    assert any(ln.startswith("autograde: 8 submission(s) on the Dask cluster at tcp://127.0.0.1:") for ln in lines)


def test_hand_grades_are_kept_when_the_cluster_grades_again(serial_graded, cluster_graded, postgresql_url,
                                                         dask_cluster):
    course, first, _ = cluster_graded
    with Gradebook(postgresql_url) as gb:
        grade = gb.find_grade("q1_proof", "1_rank_pinv_lstsq", "week5_svd", "perfect")
        grade.manual_score = 7.0
        gb.db.commit()
    second = pipeline.run(course, sample_class=False, report=False, scheduler=dask_cluster.address,
                          db_url=postgresql_url, log=lambda *a: None)
    assert not second.errors
    perfect = {s.student: s for s in second.students}["perfect"]
    assert [q.score for q in perfect.questions if q.grade_id == "q1_proof"] == [7.0]

    def without_hand_grades(result):
        return {k: ([q for q in qs if q[1] != "q1_proof"], reasons) for k, (qs, reasons) in snapshot(result).items()}

    assert without_hand_grades(second) == without_hand_grades(first)


def test_an_unreachable_gradebook_is_a_clear_error(tmp_path, dask_cluster):
    url = "postgresql://grader:s3cret@127.0.0.1:1/gradebook"
    with pytest.raises(GradebookUnreachable, match=r"cannot reach the gradebook at "
                                                   r"postgresql\+psycopg2://grader:\*\*\*@127\.0\.0\.1:1/gradebook"):
        pipeline.run(tmp_path / "course", students=["perfect"], scheduler=dask_cluster.address, db_url=url,
                     log=lambda *a: None)
    assert gradebook_url(tmp_path, environ={"COURSE_GRADEBOOK_URL": url}).startswith("postgresql+psycopg2://")


def test_a_worker_killed_mid_run_loses_nothing(serial_graded, dask_cluster, tmp_path):
    """A third worker joins, is killed while it runs a notebook; its work is graded again elsewhere."""
    from distributed import Client

    _course, serial, _ = serial_graded
    victim = "victim"
    dask_cluster.add_worker(victim, nanny=False)
    dask_cluster.wait_for_workers(3)
    lines, out = [], {}
    run = threading.Thread(target=lambda: out.setdefault("result", pipeline.run(
        tmp_path / "course", students=CLUSTER_STUDENTS, report=True, scheduler=dask_cluster.address,
        log=lines.append)))
    killed = None
    with Client(dask_cluster.address) as client:
        address = next(a for a, w in client.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == victim)
        run.start()
        deadline = time.monotonic() + 600
        busy_since = None
        while time.monotonic() < deadline and run.is_alive():
            busy = [k for k in client.processing(workers=[address]).get(address, ()) if "execute-" in str(k)]
            busy_since = (busy_since or time.monotonic()) if busy else None
            if busy_since and time.monotonic() - busy_since > 1.0:  # a notebook is running on it now
                dask_cluster.kill(victim)
                killed = busy
                break
            time.sleep(0.1)
        run.join(timeout=900)
    assert killed, "the victim worker never ran a notebook"
    result = out["result"]
    assert not result.errors
    assert snapshot(result) == snapshot(serial)  # nobody lost, same grades and reasons
    regraded = [(s, n) for s, notes in result.regraded.items() for n in notes]
    assert regraded and all(address in n for _s, n in regraded), result.regraded
    assert any("graded again" in ln and address in ln for ln in lines), lines
    report = (tmp_path / "course" / "report" / "index.html").read_text(encoding="utf-8")
    assert "Graded again" in report and address in report
