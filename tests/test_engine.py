"""Parallel autograde on Dask workers: the same grades and reasons as serial, a line per student."""

from __future__ import annotations

import contextlib
import re
import socket

import pytest

from course_utils.grading import pipeline
from course_utils.grading.engine import default_workers, grade_class

STUDENTS = ["perfect", "wrong_pinv_forgets_to_invert", "kernel_death", "invalid_json"]


def _snapshot(result):
    return {s.student: ([(q.notebook, q.grade_id, q.score) for q in s.questions], s.attention)
            for s in result.students}


@pytest.fixture(scope="module")
def serial_and_parallel(tmp_path_factory):
    runs, logs = {}, {}
    # Another program (a second grading run, a Jupyter server) holds Dask's default dashboard port.
    busy = socket.socket()
    with contextlib.suppress(OSError):
        busy.bind(("", 8787))
        busy.listen()
    with busy:
        for workers in (1, 2):
            lines = []
            course = tmp_path_factory.mktemp(f"workers{workers}")
            runs[workers] = pipeline.run(course, students=STUDENTS, report=False, workers=workers,
                                         log=lines.append)
            logs[workers] = lines
    return runs, logs


def test_one_and_two_workers_give_identical_grades_and_reasons(serial_and_parallel):
    runs, _logs = serial_and_parallel
    assert _snapshot(runs[1]) == _snapshot(runs[2])
    assert sorted(s.student for s in runs[2].students) == sorted(STUDENTS)
    assert not runs[1].errors and not runs[2].errors


def test_a_progress_line_per_student(serial_and_parallel):
    _runs, logs = serial_and_parallel
    for workers, lines in logs.items():
        assert f"autograde: {len(STUDENTS)} submission(s) on {workers} local worker(s)" in lines
        progress = [ln for ln in lines if re.match(r"\s+\[\d/4\] ", ln)]
        assert len(progress) == len(STUDENTS)
        assert {re.search(r"\] (\w+):", ln).group(1) for ln in progress} == set(STUDENTS)
        assert all(re.search(r"graded in \d+\.\d s on .+ \(failures so far: 0, ETA \d+:\d\d\)$", ln)
                   for ln in progress), progress


def test_worker_count_is_checked_and_defaults_to_the_cores(tmp_path):
    assert default_workers() >= 1
    with pytest.raises(ValueError, match="workers must be at least 1; got 0"):
        grade_class(tmp_path, "week5_svd", ["x"], "staged", workers=0, log=lambda *a: None)
