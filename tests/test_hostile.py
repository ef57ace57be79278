"""Student code is untrusted: what a hostile submission can and cannot change.

The hostile students of the sample class (``HOSTILE_CLASS``) are graded once with the rest
(`graded_class`); their scores and reasons are checked with every other student's in
tests/test_pipeline.py.  Here: nothing outside their own grade changed, and the sandbox
and the guard themselves, on small notebooks.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from conftest import ROOT, package_digest

from course_utils.grading import pipeline
from course_utils.grading.execute import METADATA_KEY, NOT_RUN, SandboxedExecute
from course_utils.grading.sample_class import HOSTILE_CLASS, SAMPLE_CLASS, build_sample_class
from course_utils.grading.sandbox import SANDBOX_UID, sandbox_status

SANDBOX, HOW = sandbox_status()
needs_sandbox = pytest.mark.skipif(not SANDBOX, reason=HOW)
TEST = {"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}}


def test_the_sandbox_works_where_it_is_required():
    """CI sets COURSE_REQUIRE_SANDBOX=1 (.ci/run installs bubblewrap): there, skipping is failing."""
    if os.environ.get("COURSE_REQUIRE_SANDBOX"):
        assert SANDBOX, HOW


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@needs_sandbox
def test_hostile_students_change_no_other_submission(graded_class, tmp_path):
    course, _result = graded_class
    fresh = tmp_path / "fresh"
    for part in ("source", "release"):
        shutil.copytree(course / part, fresh / part)
    build_sample_class(fresh, hostile=True)  # the class as it was written before grading
    for s in SAMPLE_CLASS + HOSTILE_CLASS:
        folder = Path("submitted") / s.student / "week5_svd"
        assert _digest(course / folder) == _digest(fresh / folder), f"{s.student}'s submission changed"


@needs_sandbox
def test_hostile_students_change_neither_the_package_nor_the_gradebook(graded_class, package_before_grading):
    course, result = graded_class
    assert package_digest() == package_before_grading
    assert not result.errors and result.sandbox[0]
    submitted = sorted(p.parent.name for p in (course / "submitted").glob("*/week5_svd"))
    assert [s.student for s in result.students] == submitted
    with open(result.grades_csv, newline="") as fh:
        assert sorted(row["student_id"] for row in csv.DictReader(fh)) == submitted
    with open(result.attention_csv, newline="") as fh:
        assert sorted(row["student_id"] for row in csv.DictReader(fh)) == submitted
    html = (course / "report" / "index.html").read_text()
    assert all(f"<code>{s}</code>" in html for s in submitted)
    assert "ran in a sandbox" in html


@needs_sandbox
def test_no_process_outlives_grading(graded_class):
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit()
            and (p / "cmdline").exists() and b"sleep\x00600" in (p / "cmdline").read_bytes()]
    assert not left, "the orphan_process student's `sleep 600` is still running"


def test_a_gradebook_that_lost_a_student_or_the_assignment_is_an_error(graded_class, release_notebooks, tmp_path):
    course, result = graded_class
    ids = [s.student for s in result.students]
    students, errors = pipeline._results_from_gradebook(course, "week5_svd", release_notebooks, ids + ["ghost"])
    assert errors == ["1 submitted student(s) missing from the gradebook: ghost"]
    (ghost,) = [s for s in students if s.student == "ghost"]
    assert ghost.attention[0].startswith("not in gradebook") and ghost.questions == []
    empty = tmp_path / "empty"
    empty.mkdir()
    students, errors = pipeline._results_from_gradebook(empty, "week5_svd", release_notebooks, ["perfect"])
    assert errors[0].startswith("the gradebook has no assignment 'week5_svd'")
    assert [s.student for s in students] == ["perfect"]


# ----------------------------------------------------------------------------- the sandbox on small notebooks

PROBE = r"""
import json, os, socket, course_utils
found = {"uid": os.getuid(), "cwd": os.getcwd(), "files": os.listdir("."), "package": course_utils.__file__,
         "secret": os.path.exists(SECRET), "home": os.path.expanduser("~")}
try:
    os.kill(GRADER, 0)
    found["signal"] = "sent"
except OSError as exc:
    found["signal"] = type(exc).__name__
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    found["network"] = "connected"
except OSError as exc:
    found["network"] = type(exc).__name__
try:
    open(course_utils.__file__, "a")
    found["package_writable"] = True
except OSError:
    found["package_writable"] = False
open("mine.txt", "w").write("x")
print(json.dumps(found))
"""


def _run(cells, tmp_path, **config):
    nb = new_notebook(cells=[new_code_cell(c, metadata=TEST if c.startswith("#test") else {}) for c in cells])
    ep = SandboxedExecute(timeout=5, config=Config({"SandboxKernelManager": config}))
    nb, _ = ep.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    return nb


def _probe(tmp_path, **config):
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    code = PROBE.replace("SECRET", repr(str(secret))).replace("GRADER", str(os.getpid()))
    nb = _run([code], tmp_path, **config)
    return json.loads(nb.cells[0].outputs[0].text), nb.metadata[METADATA_KEY]


@needs_sandbox
def test_sandboxed_kernel_is_confined(tmp_path):
    found, seen = _probe(tmp_path)
    assert found["uid"] == SANDBOX_UID and found["cwd"] == "/tmp/scratch" and found["files"] == []
    assert not found["secret"], "the kernel sees the course folder"
    assert found["signal"] == "ProcessLookupError", "the kernel can signal the grader"
    assert found["network"] in ("OSError", "ConnectionRefusedError", "TimeoutError")
    assert not found["package_writable"]
    assert Path(found["package"]).resolve() == (ROOT / "course_utils" / "__init__.py").resolve()
    assert seen["sandboxed"] and seen["files"] == ["mine.txt"]
    assert not (tmp_path / "mine.txt").exists(), "the kernel wrote into the notebook's folder"


def test_without_a_sandbox_the_kernel_still_runs_in_a_scratch_folder(tmp_path):
    found, seen = _probe(tmp_path, sandbox="off")
    assert seen["sandboxed"] is False and found["uid"] == os.getuid()
    assert found["files"] == [] and found["cwd"] != str(tmp_path) and not (tmp_path / "mine.txt").exists()


def test_sandbox_status_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    sandbox_status.cache_clear()
    try:
        ok, why = sandbox_status()
    finally:
        monkeypatch.undo()
        sandbox_status.cache_clear()
    assert not ok and "apt-get install bubblewrap" in why and "unconfined" in why


@pytest.mark.parametrize("sandbox", ["auto", "off"])
def test_a_dead_kernel_costs_only_the_cells_it_could_not_run(tmp_path, sandbox):
    nb = _run(["x = 1", "#test\nassert x == 1", "import os\nos._exit(1)", "#test\nassert x == 1", "y = 2"],
              tmp_path, sandbox=sandbox)
    outputs = [[o.get("ename") for o in c.outputs] for c in nb.cells]
    assert outputs == [[], [], [NOT_RUN], [NOT_RUN], [NOT_RUN]]
    seen = nb.metadata[METADATA_KEY]
    assert seen["lost_at"] == 3 and seen["lost_why"] == "died"


def test_a_cell_that_ignores_interrupts_costs_only_the_rest_of_its_notebook(tmp_path):
    stuck = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)"
    nb = _run(["x = 1", "#test\nassert x == 1", stuck, "#test\nassert x == 1"], tmp_path)
    assert [[o.get("ename") for o in c.outputs] for c in nb.cells][:2] == [[], []]
    assert all(o.ename == NOT_RUN for c in nb.cells[2:] for o in c.outputs if o.output_type == "error")
    assert nb.cells[3].outputs and nb.metadata[METADATA_KEY]["lost_why"] == "stuck"


def test_the_guard_puts_checks_and_numpy_back_before_each_test(tmp_path):
    rebind = ("import numpy as np, course_utils.checks\n"
              "np.allclose = lambda *a, **k: True\n"
              "course_utils.checks.check_pinv = None\n"
              "np.testing.assert_allclose.__code__ = (lambda *a, **k: None).__code__\n"
              "check_pinv = print")
    nb = _run(["from course_utils.checks import check_pinv", rebind,
               "#test\nimport numpy as np, course_utils.checks\n"
               "assert not np.allclose(1, 2)\n"
               "try:\n    np.testing.assert_allclose(1, 2)\n    raise SystemError('not restored')\n"
               "except AssertionError:\n    pass\n"
               "assert check_pinv is course_utils.checks.check_pinv is not print"], tmp_path)
    assert not [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    rebound = nb.metadata[METADATA_KEY]["rebound"]
    assert {"numpy.allclose", "course_utils.checks.check_pinv", "check_pinv"} <= set(rebound)
    assert "numpy.testing.assert_allclose.__code__" in rebound, rebound


def test_a_notebook_cannot_use_the_instructors_answers_and_is_reported(tmp_path):
    """The hidden checks need the reference in the grading kernel; the student's code may not call it."""
    borrow = ("import numpy as np\n"
              "from course_utils.reference.solutions import pinv_svd as reference_pinv\n"
              "import course_utils.linalg as L\n"
              "def pinv_svd(A):\n    return reference_pinv(A)\n"
              "def numerical_rank(A):\n    return np.apply_along_axis(lambda r: L.numerical_rank(A), 0, A[:1])[0]\n")
    calls = ["try:\n    pinv_svd(np.eye(2))\nexcept PermissionError as e:\n    print('refused:', e)",
             "try:\n    numerical_rank(np.eye(2))\nexcept PermissionError as e:\n    print('refused:', e)",
             "try:\n    import course_utils.grading.sample_answers\nexcept ImportError as e:\n    print('refused:', e)",
             "try:\n    exec('from course_utils.reference import solutions; solutions.numerical_rank(np.eye(2))')\n"
             "except PermissionError as e:\n    print('refused:', e)"]
    tests = ["#test\nfrom course_utils.reference.hidden import hidden_check_pinv\n"
             "try:\n    hidden_check_pinv(pinv_svd)\nexcept AssertionError as e:\n    print('failed:', e)",
             "#test\nimport numpy as np\nfrom course_utils.reference.hidden import hidden_check_pinv\n"
             "def mine(A):\n    U, s, Vt = np.linalg.svd(A, full_matrices=False)\n"
             "    eps = np.finfo(A.dtype if A.dtype.kind == 'f' else float).eps\n"
             "    keep = s > max(A.shape) * eps * s[0]\n"
             "    return (Vt[keep].T / s[keep]) @ U[:, keep].T\n"
             "hidden_check_pinv(mine)"]
    nb = _run([borrow] + calls + tests, tmp_path)
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells]
    assert all(p.startswith("refused:") and "instructor" in p for p in printed[1:5]), printed
    assert printed[5].startswith("failed:") and "instructor" in printed[5], printed[5]
    assert "all" in printed[6] and "passed" in printed[6], "the hidden check itself still uses the reference"
    seen = nb.metadata[METADATA_KEY]["instructor"]
    assert {"course_utils.reference.solutions.pinv_svd", "course_utils.linalg.numerical_rank",
            "course_utils.grading.sample_answers", "course_utils.reference.solutions.numerical_rank"} <= set(seen), seen


def test_importing_the_kernels_start_file_guards_nothing():
    """pytest's doctest collection imports every module: only a grading kernel may run the guard."""
    import numpy as np

    import course_utils.grading.guard_start  # noqa: F401
    from course_utils import linalg

    assert linalg.numerical_rank(np.eye(2)) == 2


def test_a_caught_memory_error_and_a_leftover_process_are_reported_and_the_process_ended(tmp_path):
    nb = _run(["import numpy as np\ntry:\n    np.ones(4 * 10**9)\nexcept MemoryError:\n    pass",
               "import subprocess\np = subprocess.Popen(['sleep', '601'], start_new_session=True)"], tmp_path)
    seen = nb.metadata[METADATA_KEY]
    assert seen["memory_errors"] == 1 and seen["processes"] == ["sleep 601"]
    left = subprocess.run(["pgrep", "-f", "sleep 601"], capture_output=True, text=True).stdout
    assert not left.strip()


@needs_sandbox
def test_feedback_withholds_printed_instructor_code(graded_class):
    course, _result = graded_class
    html = (course / "feedback" / "quoter" / "week5_svd" / "3_denoising.html").read_text()
    assert "output withheld by the grader" in html
    autograded = nbformat.read(course / "autograded" / "quoter" / "week5_svd" / "3_denoising.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in autograded.cells for o in c.get("outputs", []))
    assert "def pinv_svd" in printed, "the hostile cell did print the reference (the test would prove nothing)"
    assert "def pinv_svd" not in html


def test_outputs_quoting_instructor_code_are_withheld_and_others_kept():
    import inspect

    import course_utils.images
    import course_utils.reference.solutions
    from nbformat.v4 import new_output

    from course_utils.grading.preprocessors import QUOTE_LINES, WithholdInstructorCode, instructor_lines

    assert len(instructor_lines()) > 100
    student_code = inspect.getsource(course_utils.images)
    assert not [ln for ln in instructor_lines() if ln in student_code]

    def cell(text):
        return new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text=text)])

    quoted = cell(inspect.getsource(course_utils.reference.solutions))
    kept = cell(student_code + "\n[[1. 0.]\n [0. 1.]]\n")
    few = cell("\n".join(sorted(instructor_lines())[:QUOTE_LINES - 1]))
    nb = new_notebook(cells=[quoted, kept, few])
    WithholdInstructorCode().preprocess(nb, {})
    assert "withheld" in nb.cells[0].outputs[0].text
    assert nb.cells[1].outputs[0].text.startswith(student_code[:100]) and "withheld" not in nb.cells[2].outputs[0].text


def test_attempts_to_change_files_outside_the_folder_are_reported(tmp_path):
    target = tmp_path / "gradebook.db"
    target.write_text("grades")
    nb = _run([f"import os\ntry:\n    os.remove({str(target)!r})\nexcept OSError:\n    pass",
               "open('mine.txt', 'w').write('fine')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
               "try:\n    open('/etc/passwd', 'a')\nexcept OSError:\n    pass"], tmp_path)
    outside = nb.metadata[METADATA_KEY]["outside"]
    assert f"remove {target}" in outside and "open for writing /etc/passwd" in outside
    assert len(outside) == 2, outside  # its own file, matplotlib's cache and IPython's files are not reported
    assert target.read_text() == "grades" or not SANDBOX


def test_grading_runs_without_bubblewrap_and_says_so(tmp_path):
    """A machine without bwrap (macOS, a bare container): the pipeline grades unconfined and warns."""
    code = ("import sys\nfrom course_utils.grading import pipeline\n"
            "if __name__ == '__main__':\n"
            "    r = pipeline.run(sys.argv[1], students=['perfect'], workers=1, log=lambda *a: None)\n"
            "    print(r.sandbox[0], r.students[0].auto_score == r.students[0].auto_max)\n")
    script = tmp_path / "grade.py"
    script.write_text(code)
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no /usr/bin: no bwrap
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "course")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["False", "True"], proc.stdout
    html = (tmp_path / "course" / "report" / "index.html").read_text()
    assert "Warning: student code ran without a sandbox" in html and "apt-get install bubblewrap" in html


def test_a_traceback_through_instructor_code_keeps_only_its_message():
    import inspect

    from nbformat.v4 import new_output

    from course_utils.grading.preprocessors import WithholdInstructorCode
    from course_utils.reference import solutions

    frames = inspect.getsource(solutions).splitlines()  # as if each line were a frame of the instructor's code
    error = new_output("error", ename="AssertionError", evalue="pinv_svd(A) is not A+", traceback=frames)
    quoting = new_output("error", ename="ValueError", evalue=inspect.getsource(solutions), traceback=frames)
    nb = new_notebook(cells=[new_code_cell("check(...)", outputs=[error, quoting])])
    WithholdInstructorCode().preprocess(nb, {})
    kept, withheld = nb.cells[0].outputs
    assert kept.traceback == ["AssertionError: pinv_svd(A) is not A+"]
    assert "withheld" in withheld.evalue and withheld.traceback == [f"ValueError: {withheld.evalue}"]


def test_the_private_tmp_is_mounted_before_the_environment_and_the_package():
    """A checkout or venv under /tmp (CI) must stay visible: binds after the tmpfs are mounted on top of it."""
    from course_utils.grading.sandbox import _bwrap_base

    args = _bwrap_base()
    tmpfs = args.index("--tmpfs")
    binds = [i for i, a in enumerate(args) if a == "--ro-bind" and args[i + 1] in (sys.prefix, str(ROOT / "course_utils"))]
    assert binds and all(i > tmpfs for i in binds), args
