"""The grading engine: a progress line per student, the worker count checked.

The grades themselves (serial, 2 local workers, a Dask cluster: identical) are compared in
tests/test_cluster.py, on runs shared through the session fixtures of conftest.py.
"""

from __future__ import annotations

import re

import pytest

from conftest import CLUSTER_STUDENTS
from course_utils.grading.engine import default_workers, grade_class


def test_a_progress_line_per_student(serial_graded):
    _course, _result, lines = serial_graded
    n = len(CLUSTER_STUDENTS)
    assert f"autograde: {n} submission(s) on 1 local worker(s)" in lines
    progress = [ln for ln in lines if re.match(rf"\s+\[\s*\d+/{n}\] ", ln)]
    assert len(progress) == n
    assert {re.search(r"\] (\w+):", ln).group(1) for ln in progress} == set(CLUSTER_STUDENTS)
    assert all(re.search(r"graded in \d+\.\d s on tcp://127\.0\.0\.1:\d+\s+\(failures so far: 0, ETA \d+:\d\d\)$", ln)
               for ln in progress), progress


def test_worker_count_is_checked_and_defaults_to_the_cores(tmp_path):
    assert default_workers() >= 1
    with pytest.raises(ValueError, match="workers must be at least 1; got 0"):
        grade_class(tmp_path, "week5_svd", ["x"], "staged", workers=0, log=lambda *a: None)
