"""A generated class of submissions: one student per thing that goes wrong in real classes.

Every submission is generated from the course's ``release/`` (what students receive) and
``source/`` (the instructor's answers) each time it is built, never from hand-edited copies,
so the sample class follows the assignment when the assignment changes.  Each
:class:`SampleStudent` states what grading must find: the autograded cells that score 0
and the needs-attention reasons (:data:`~course_utils.grading.results.REASONS`).  The
pipeline's tests and ``make demo`` grade this class.

The expectations were checked with a real ``nbgrader autograde`` (nbgrader 0.9.6, the
course's ``nbgrader_config.py`` with its time, memory and output limits); the pipeline's
tests grade this class and hold them.

Instructor only: the perfect student's notebooks contain the solutions.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import nbformat

from .sample_answers import NOTEBOOKS, WRONG

__all__ = [
    "ALL",
    "HOSTILE_CLASS",
    "TIMESTAMP",
    "SampleStudent",
    "SAMPLE_CLASS",
    "build_sample_class",
    "completed",
    "grade_id",
    "replace_cell",
    "with_answer",
    "write_submission",
]

#: In :attr:`SampleStudent.expected_lost`: every autograded cell of the notebook scores 0
#: or is not graded at all (blank, missing or ungradable notebook).
ALL = "ALL"

#: Submission time written to every ``timestamp.txt`` (fixed, so that rebuilding is idempotent).
TIMESTAMP = "2026-02-14 12:00:00.000000 UTC"

_NB1, _NB2, _NB3, _NB4 = NOTEBOOKS
_SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", flags=re.M)
_MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\s*", flags=re.S)


# ----------------------------------------------------------------------------- notebook editing


def grade_id(cell):
    """The nbgrader ``grade_id`` of a notebook cell, or None for a cell nbgrader does not know.

    Parameters
    ----------
    cell : nbformat.NotebookNode
        A notebook cell.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> grade_id(new_code_cell("1", metadata={"nbgrader": {"grade_id": "q1"}}, id="q1"))
    'q1'
    >>> grade_id(new_code_cell("1", id="c")) is None
    True
    """
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def completed(release_nb, source_nb):
    """The release notebook with every answer cell filled from the source: a perfect student.

    Parameters
    ----------
    release_nb : nbformat.NotebookNode
        A notebook as students receive it (``release/``).
    source_nb : nbformat.NotebookNode
        The same notebook with the instructor's answers (``source/``).

    Returns
    -------
    nbformat.NotebookNode
        A new notebook (the inputs are not changed): the release, where each answer cell
        (``solution`` in nbgrader's metadata) holds the source's answer without the
        ``### BEGIN/END SOLUTION`` lines; a written answer loses its mark scheme and its
        ``YOUR ANSWER HERE`` becomes a sentence, as a student would write it.

    Notes
    -----
    Only cells are taken from the source: metadata, checksums and the test cells (whose
    hidden part the release does not have) stay those of the release.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> meta = {"nbgrader": {"grade_id": "f", "solution": True}}
    >>> release = new_notebook(cells=[new_code_cell("raise NotImplementedError()", metadata=meta, id="f")])
    >>> answer = "### BEGIN SOLUTION\\nf = 1\\n### END SOLUTION"
    >>> source = new_notebook(cells=[new_code_cell(answer, metadata=meta, id="f")])
    >>> completed(release, source).cells[0].source
    'f = 1\\n'
    """
    answers = {grade_id(c): c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            src = answers[grade_id(cell)].source
            if cell.cell_type == "markdown":
                src = _MARK_SCHEME.sub("", src).replace("YOUR ANSWER HERE", "A proof written by the student.")
            cell.source = _SOLUTION_MARKERS.sub("", src)
    return nb


def _index(nb, cell_id):
    ids = [grade_id(c) for c in nb.cells]
    if cell_id not in ids:
        known = ", ".join(i for i in ids if i)
        raise ValueError(f"cell_id must be the grade_id of a cell of the notebook; got {cell_id!r}. Known: {known}.")
    return ids.index(cell_id)


def replace_cell(nb, cell_id, source):
    """A copy of `nb` in which the cell with grade_id `cell_id` holds `source`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook (not changed).
    cell_id : str
        ``grade_id`` of the cell to change.
    source : str
        Its new source.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        If no cell has that grade_id.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("1", metadata={"nbgrader": {"grade_id": "q"}}, id="q")])
    >>> replace_cell(nb, "q", "pass").cells[0].source, nb.cells[0].source
    ('pass', '1')
    """
    i = _index(nb, cell_id)
    nb = copy.deepcopy(nb)
    nb.cells[i].source = source
    return nb


def with_answer(nb, variant):
    """A copy of `nb` with `variant`'s code in its answer cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook `variant` answers (``variant.notebook``), e.g. a perfect student's.
    variant : Variant
        An answer from :mod:`course_utils.grading.sample_answers`.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> from course_utils.grading.sample_answers import Variant
    >>> nb = new_notebook(cells=[new_code_cell("", metadata={"nbgrader": {"grade_id": "f"}}, id="f")])
    >>> with_answer(nb, Variant("v", "n.ipynb", "f", "\\nf = 2\\n")).cells[0].source
    'f = 2'
    """
    return replace_cell(nb, variant.answer_id, variant.code.strip())


def _append_to_cell(nb, cell_id, code):
    return replace_cell(nb, cell_id, nb.cells[_index(nb, cell_id)].source + code)


def _without_cell(nb, cell_id):
    i = _index(nb, cell_id)
    nb = copy.deepcopy(nb)
    del nb.cells[i]
    return nb


def _insert_after(nb, cell_id, cells):
    i = _index(nb, cell_id)
    nb = copy.deepcopy(nb)
    nb.cells[i + 1:i + 1] = cells
    return nb


def write_submission(course_dir, student, notebooks, assignment="week5_svd"):
    """Write a student's submission where ``nbgrader autograde`` looks for it.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course directory.
    student : str
        Student id.
    notebooks : dict of str to (nbformat.NotebookNode or str or bytes)
        File name (``"x/y.py"`` for a file in a folder) -> notebook, or -> raw text or
        bytes written as is (a damaged file, or another file handed in).
    assignment : str, optional
        Assignment name.

    Returns
    -------
    pathlib.Path
        ``<course_dir>/submitted/<student>/<assignment>``, holding exactly `notebooks`
        and a ``timestamp.txt`` (:data:`TIMESTAMP`); an earlier submission there is replaced.

    Examples
    --------
    >>> import tempfile
    >>> from nbformat.v4 import new_notebook
    >>> with tempfile.TemporaryDirectory() as course:
    ...     folder = write_submission(course, "ada", {"1.ipynb": new_notebook(), "2.ipynb": "{"})
    ...     sorted(p.name for p in folder.iterdir())
    ['1.ipynb', '2.ipynb', 'timestamp.txt']
    """
    folder = Path(course_dir) / "submitted" / student / assignment
    if folder.exists():
        shutil.rmtree(folder)  # a rebuilt student must not keep a file the new build leaves out
    folder.mkdir(parents=True)
    for name, nb in notebooks.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, bytes):
            (folder / name).write_bytes(nb)
        elif isinstance(nb, str):
            (folder / name).write_text(nb, encoding="utf-8")
        else:
            nbformat.write(nb, folder / name)
    (folder / "timestamp.txt").write_text(TIMESTAMP, encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- the students


class _Parts(NamedTuple):
    """The notebooks a sample student is made from ({file name: notebook} each)."""

    release: dict
    source: dict
    perfect: dict


@dataclass(frozen=True)
class SampleStudent:
    """A sample student and what grading must find in their submission.

    Attributes
    ----------
    student : str
        nbgrader student id.
    description : str
        One line for the report: what this submission is.
    expected_lost : dict of str to (tuple of str or ALL)
        Notebook file name -> ``grade_id`` of the autograded cells that must score 0, or
        :data:`ALL` when every autograded cell of the notebook scores 0 or is not graded.
        Every autograded cell of a notebook not listed, and every other cell of a listed
        one, must get full marks.
    expected_reasons : tuple of str
        Kinds from :data:`~course_utils.grading.results.REASONS` that the pipeline must
        report for this student; empty for a normal submission (right, wrong or blank).
    build : callable
        ``build(parts)`` -> {file name: notebook or raw text}: the submission, made from
        the release, the source and the perfect notebooks (used by :func:`build_sample_class`).

    Examples
    --------
    >>> s = SampleStudent("x", "one wrong answer", {"a.ipynb": ("t1",)}, build=lambda parts: {})
    >>> s.expects_zero("a.ipynb", "t1"), s.expects_zero("a.ipynb", "t2"), s.expects_zero("b.ipynb", "t1")
    (True, False, False)
    """

    student: str
    description: str
    expected_lost: dict = field(default_factory=dict)
    expected_reasons: tuple[str, ...] = ()
    build: Callable[[_Parts], dict] = field(default=None, repr=False, compare=False)

    def expects_zero(self, notebook, cell_id):
        """True when autograded cell `cell_id` of `notebook` must score 0 (or stay ungraded).

        Parameters
        ----------
        notebook : str
            Notebook file name, e.g. ``"1_rank_pinv_lstsq.ipynb"``.
        cell_id : str
            ``grade_id`` of an autograded cell.

        Returns
        -------
        bool
            False means the cell must get full marks.
        """
        lost = self.expected_lost.get(notebook, ())
        return lost == ALL or cell_id in lost


def _wrong_student(variant):
    return SampleStudent(
        variant.student,
        f"wrong answer: {variant.description}",
        {variant.notebook: variant.lost},
        variant.reasons,
        lambda p: {**p.perfect, variant.notebook: with_answer(p.perfect[variant.notebook], variant)},
    )


# Left as released by the student who did the first half of each notebook.
_HALF_UNANSWERED = {
    _NB1: ("lstsq_min_norm", "condition_numbers", "gram_eigenvalues", "eckart_young_errors"),
    _NB2: ("smallest_rank_for_energy", "k_99", "q8_observations", "q9_justification"),
    _NB3: ("rank_choices", "denoise_color", "q14_discussion"),
    _NB4: ("k_90", "q17_observations"),
}


def _partial_half(p):
    out = {}
    for name, nb in p.perfect.items():
        blank = {grade_id(c): c.source for c in p.release[name].cells}
        for cell_id in _HALF_UNANSWERED[name]:
            nb = replace_cell(nb, cell_id, blank[cell_id])
        out[name] = nb
    return out


def _truncated(nb):
    text = nbformat.writes(nb)
    return text[: len(text) // 2]


def _stripped(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata = nbformat.NotebookNode()
    return nb


_PINV_WRONG = next(v for v in WRONG if v.name == "pinv_forgets_to_invert")
# Notebook 2's test cells from the to_uint8_image answer on (the kernel_death student loses them).
_NB2_TESTS_FROM_UINT8 = ("to_uint8_image_visible", "to_uint8_image_hidden", "rank_errors_visible",
                         "rank_errors_hidden", "smallest_rank_for_energy_visible",
                         "smallest_rank_for_energy_hidden", "k_99_test")

_HUGE_TEXT = """\
# print every step to follow the computation
for i in range(120_000):
    print(f"step {i:6d}: relative error = {1 / (i + 1):.12f}")"""

_MANY_FIGURES = """\
import matplotlib.pyplot as plt

for k in range(1, 41):
    plt.figure(figsize=(3, 3))
    plt.imshow(rank_k_approx(U, s, Vt, k), cmap="gray")
    plt.title(f"rank {k}")
    plt.show()"""

SAMPLE_CLASS = [
    SampleStudent(
        "perfect", "every answer right", {}, (), lambda p: p.perfect),
    SampleStudent(
        "blank", "the release handed in unchanged",
        {name: ALL for name in NOTEBOOKS}, (), lambda p: p.release),
    SampleStudent(
        "partial_notebook_1", "only notebook 1 answered, notebooks 2 to 4 as released",
        {_NB2: ALL, _NB3: ALL, _NB4: ALL}, (),
        lambda p: {name: (p.perfect if name == _NB1 else p.release)[name] for name in p.release}),
    SampleStudent(
        "partial_half", "the first half of each notebook answered, the rest as released",
        {
            _NB1: ("lstsq_min_norm_visible", "lstsq_min_norm_hidden", "condition_numbers_visible",
                   "condition_numbers_hidden", "gram_eigenvalues_visible", "gram_eigenvalues_hidden",
                   "eckart_young_visible", "eckart_young_hidden"),
            _NB2: ("smallest_rank_for_energy_visible", "smallest_rank_for_energy_hidden", "k_99_test"),
            _NB3: ("k_gd_test", "k_energy_test", "k_best_test", "denoise_color_visible", "denoise_color_hidden"),
            _NB4: ("k_90_test",),
        },
        (), _partial_half),
    *(_wrong_student(v) for v in WRONG),
    SampleStudent(
        "edited_test", "a wrong pinv_svd, and its visible test replaced by `pass`",
        {_NB1: _PINV_WRONG.lost}, ("edited test cell",),
        # nbgrader puts the locked test back (OverwriteCells), so it fails as it should.
        lambda p: {**p.perfect, _NB1: replace_cell(with_answer(p.perfect[_NB1], _PINV_WRONG),
                                                   "pinv_svd_visible", "pass")}),
    SampleStudent(
        "deleted_test", "every answer right, the hidden test cell of pinv_svd deleted",
        # OverwriteCells.add_missing_cells puts it back after pinv_svd_visible and grades it.
        {}, ("deleted cell",),
        lambda p: {**p.perfect, _NB1: _without_cell(p.perfect[_NB1], "pinv_svd_hidden")}),
    SampleStudent(
        "deleted_answer", "the answer cell of rank_k_approx deleted",
        # Only grade cells are put back: rank_k_approx stays undefined, its tests raise NameError.
        {_NB2: ("rank_k_approx_visible", "rank_k_approx_hidden")}, ("deleted cell",),
        lambda p: {**p.perfect, _NB2: _without_cell(p.perfect[_NB2], "rank_k_approx")}),
    SampleStudent(
        "infinite_loop", "`while True: pass` after the numerical_rank function",
        # The kernel is interrupted at Execute.timeout (nbgrader's interrupt_on_timeout=True); the
        # def ran before the loop, so numerical_rank's tests pass.
        {}, ("timeout",),
        lambda p: {**p.perfect, _NB1: _append_to_cell(p.perfect[_NB1], "numerical_rank",
                                                      "\n\nwhile True:  # wait for ... something\n    pass")}),
    SampleStudent(
        "kernel_death", "`os._exit(1)` in an answer cell of notebook 2: the kernel dies",
        # SandboxedExecute marks that cell and the ones after it as not run: their tests score 0,
        # notebook 2's earlier tests and notebooks 1 and 3 are graded.
        {_NB2: _NB2_TESTS_FROM_UINT8}, ("kernel died",),
        lambda p: {**p.perfect, _NB2: _append_to_cell(p.perfect[_NB2], "to_uint8_image",
                                                      "\n\nimport os\nos._exit(1)  # stop here")}),
    SampleStudent(
        "invalid_json", "notebook 3 is truncated JSON (an interrupted upload)",
        # The pipeline does not give an unreadable notebook to nbgrader (which would abandon the
        # whole submission): notebook 3 scores 0 as if missing, notebooks 1 and 2 are graded.
        {_NB3: ALL}, ("invalid notebook",),
        lambda p: {**p.perfect, _NB3: _truncated(p.perfect[_NB3])}),
    SampleStudent(
        "missing_notebook", "notebook 3 not submitted",
        # nbgrader gives every cell of a missing notebook a score of 0.
        {_NB3: ALL}, ("missing notebook",),
        lambda p: {name: nb for name, nb in p.perfect.items() if name != _NB3}),
    SampleStudent(
        "huge_output", "every answer right, plus ~5 MB of printed text and 40 figures in notebook 2",
        {}, ("output limited",),
        lambda p: {**p.perfect, _NB2: _insert_after(p.perfect[_NB2], "rank_k_approx", [
            nbformat.v4.new_code_cell(_HUGE_TEXT, id="huge-text"),
            nbformat.v4.new_code_cell(_MANY_FIGURES, id="many-figures"),
        ])}),
    SampleStudent(
        "memory_hog", "a 32 GB array allocated after the condition_numbers function",
        # The allocation raises MemoryError (the kernel's memory limit); the def ran before it,
        # so condition_numbers' test passes.
        {}, ("memory limit",),
        lambda p: {**p.perfect, _NB1: _append_to_cell(
            p.perfect[_NB1], "condition_numbers", "\n\nbig = np.ones(4 * 10**9)  # how large can a matrix get?")}),
    SampleStudent(
        "stripped_metadata", "notebook 1's cells copied into a new notebook: no nbgrader metadata",
        # nbgrader 0.9.6 would fail on it (add_missing_cells: KeyError 'q1_text') and abandon the
        # whole submission; the pipeline does not give it to nbgrader: notebooks 2 to 4 are graded.
        {_NB1: ALL}, ("metadata stripped",),
        lambda p: {**p.perfect, _NB1: _stripped(p.perfect[_NB1])}),
]


# ----------------------------------------------------------------------------- hostile students
# Submissions written as a student with bad intentions would.  They are graded only inside the
# sandbox (:func:`build_sample_class` leaves them out otherwise): unconfined, the vandal would
# really delete gradebooks under /tmp.

_VANDAL = """\
import glob, os, pathlib
# delete the gradebook and spoil the other students' submissions, wherever they are
for path in ["../../../gradebook.db"] + glob.glob("/tmp/**/gradebook.db", recursive=True):
    try:
        os.remove(path)
    except OSError:
        pass
for path in glob.glob("../../*/week5_svd/*.ipynb") + glob.glob("/tmp/**/submitted/*/*/*.ipynb", recursive=True):
    try:
        pathlib.Path(path).write_text("{}")
    except OSError:
        pass
import course_utils.checks
for module in glob.glob(os.path.dirname(course_utils.checks.__file__) + "/*.py"):
    try:
        with open(module, "a") as fh:
            fh.write("\\ncheck_pinv = lambda *args, **kwargs: None\\n")
    except OSError:
        pass"""

_FAKE_CHECKS = "def __getattr__(name):\n    return lambda *args, **kwargs: None\n"

_WRITE_SHADOW = """\
import os
os.makedirs("course_utils/reference", exist_ok=True)
for name in ("course_utils/__init__.py", "course_utils/reference/__init__.py"):
    open(name, "w").close()
for name in ("course_utils/checks.py", "course_utils/reference/hidden.py"):
    with open(name, "w") as fh:
        fh.write("def __getattr__(name):\\n    return lambda *args, **kwargs: None\\n")
import importlib
importlib.invalidate_caches()"""

_REBIND = """\
import numpy as np
import course_utils.checks
import course_utils.reference.hidden as hidden

def _passes(*args, **kwargs):
    return True

np.allclose = _passes
np.testing.assert_allclose = lambda *args, **kwargs: None
course_utils.checks.check_pinv = lambda *args, **kwargs: None
hidden.hidden_check_pinv = lambda *args, **kwargs: None
check_pinv = lambda *args, **kwargs: None"""

_ORPHAN = """\
import subprocess
helper = subprocess.Popen(["sleep", "600"], start_new_session=True)  # keeps running after the notebook"""

_CAUGHT_MEMORY = """\
try:
    big = np.ones(4 * 10**9)  # 32 GB
except MemoryError:
    big = None  # too big: carry on"""

_QUOTE = """\
import inspect
import course_utils.reference.solutions as answers  # importable where the hidden tests run
print(inspect.getsource(answers))"""

_BORROW = """\
from course_utils.reference.solutions import pinv_svd as reference_pinv  # loaded where the hidden tests run

def pinv_svd(A):
    return reference_pinv(A)"""

_STUCK = """\
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C (and the grader's interrupt) do nothing
while True:
    time.sleep(0.1)"""


def _undecodable(nb):
    """The notebook's bytes with one byte that is not UTF-8 (a corrupted copy)."""
    return nbformat.writes(nb).encode("utf-8").replace(b"\"cells\"", b"\"cells\xff\"", 1)


def _cell(code, cell_id):
    return nbformat.v4.new_code_cell(code, id=cell_id)


HOSTILE_CLASS = [
    SampleStudent(
        "vandal", "every answer right, plus a cell that deletes gradebooks, overwrites other submissions "
        "and appends to the installed course_utils",
        {}, ("outside its folder",),
        lambda p: {**p.perfect, _NB1: _insert_after(p.perfect[_NB1], "numerical_rank", [_cell(_VANDAL, "vandal")])}),
    SampleStudent(
        "shadow_package", "a wrong pinv_svd, and a course_utils/ folder with checks that pass anything handed in",
        {_NB1: _PINV_WRONG.lost}, ("extra files",),
        lambda p: {**p.perfect, _NB1: with_answer(p.perfect[_NB1], _PINV_WRONG),
                   "course_utils/__init__.py": "", "course_utils/checks.py": _FAKE_CHECKS}),
    SampleStudent(
        "shadow_written", "a wrong pinv_svd, and a cell that writes a course_utils/ package with lenient checks",
        {_NB1: _PINV_WRONG.lost}, ("wrote code files",),
        lambda p: {**p.perfect, _NB1: _insert_after(with_answer(p.perfect[_NB1], _PINV_WRONG), "numerical_rank",
                                                    [_cell(_WRITE_SHADOW, "shadow")])}),
    SampleStudent(
        "rebinder", "a wrong pinv_svd, and np.allclose, the visible and the hidden pinv checks rebound to pass",
        {_NB1: _PINV_WRONG.lost}, ("rebinding",),
        lambda p: {**p.perfect, _NB1: _insert_after(with_answer(p.perfect[_NB1], _PINV_WRONG), "numerical_rank",
                                                    [_cell(_REBIND, "rebind")])}),
    SampleStudent(
        "undecodable", "every answer right, one byte of notebook 2 is not UTF-8",
        {_NB2: ALL}, ("invalid notebook",),
        lambda p: {**p.perfect, _NB2: _undecodable(p.perfect[_NB2])}),
    SampleStudent(
        "renamed", "every answer right, notebook 2 handed in as '2_image_reconstruction-Copy1.ipynb'",
        {}, ("renamed notebook",),
        lambda p: {**{n: nb for n, nb in p.perfect.items() if n != _NB2},
                   "2_image_reconstruction-Copy1.ipynb": p.perfect[_NB2]}),
    SampleStudent(
        "orphan_process", "every answer right, plus a process started in its own session that outlives the notebook",
        {}, ("process left running",),
        lambda p: {**p.perfect, _NB3: _insert_after(p.perfect[_NB3], "psnr_by_rank", [_cell(_ORPHAN, "orphan")])}),
    SampleStudent(
        "caught_memory_error", "every answer right, plus a 32 GB allocation whose MemoryError the notebook catches",
        {}, ("memory limit",),
        lambda p: {**p.perfect, _NB1: _append_to_cell(p.perfect[_NB1], "condition_numbers", "\n\n" + _CAUGHT_MEMORY)}),
    SampleStudent(
        "quoter", "every answer right, plus a cell that prints the source of the instructor's reference answers",
        # WithholdInstructorCode replaces that output in the feedback; the pipeline reports it.
        {}, ("quoted instructor code",),
        lambda p: {**p.perfect, _NB3: _insert_after(p.perfect[_NB3], "psnr_by_rank", [_cell(_QUOTE, "quote")])}),
    SampleStudent(
        "borrower", "every answer right except pinv_svd, which calls the instructor's reference solution",
        # The guard refuses the call (PermissionError): the question scores 0 and the pipeline reports it.
        {_NB1: ("pinv_svd_visible", "pinv_svd_hidden")}, ("instructor code",),
        lambda p: {**p.perfect, _NB1: replace_cell(p.perfect[_NB1], "pinv_svd", _BORROW)}),
    SampleStudent(
        "stuck", "every answer right, plus a loop that ignores interrupts after rank_choices in notebook 3",
        # The kernel cannot be interrupted at the timeout: SandboxedExecute ends it; the cells from
        # the loop on score 0, the earlier cells and notebooks 1 and 2 are graded.
        {_NB3: ("k_gd_test", "k_energy_test", "k_best_test", "denoise_color_visible", "denoise_color_hidden")},
        ("timeout",),
        lambda p: {**p.perfect, _NB3: _insert_after(p.perfect[_NB3], "rank_choices", [_cell(_STUCK, "stuck")])}),
]


# ----------------------------------------------------------------------------- building


def _read_notebooks(folder):
    missing = [name for name in NOTEBOOKS if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} lacks {', '.join(missing)}; the sample class needs the week-5 notebooks "
            "in source/ and release/ (run `nbgrader generate_assignment` for release/).")
    return {name: nbformat.read(folder / name, as_version=4) for name in NOTEBOOKS}


def _selected(students, hostile):
    everyone = SAMPLE_CLASS + (HOSTILE_CLASS if hostile else [])
    if students is None:
        return everyone
    if isinstance(students, str):
        raise TypeError(f"students must be a list of student ids; got the string {students!r}. "
                        f"Use [{students!r}].")
    wanted = set(students)
    known = {s.student for s in everyone}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"students must be ids of SAMPLE_CLASS{' or HOSTILE_CLASS' if hostile else ''}; "
                         f"got unknown {unknown}. Known: {', '.join(sorted(known))}.")
    return [s for s in everyone if s.student in wanted]


def build_sample_class(course_dir, assignment="week5_svd", students=None, hostile=False):
    """Write the sample class's submissions into an nbgrader course.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The course directory, with ``source/<assignment>/`` and ``release/<assignment>/``.
    assignment : str, optional
        Assignment name.
    students : iterable of str, optional
        Ids of the students to write (default: all of :data:`SAMPLE_CLASS`, and of
        :data:`HOSTILE_CLASS` when `hostile`).
    hostile : bool, optional
        Include :data:`HOSTILE_CLASS`; only for a grader that runs student code in the sandbox.

    Returns
    -------
    list of SampleStudent
        The students written, in :data:`SAMPLE_CLASS` then :data:`HOSTILE_CLASS` order.

    Raises
    ------
    FileNotFoundError
        If a notebook of the assignment is missing from ``source/`` or ``release/``.
    TypeError
        If `students` is a single string.
    ValueError
        If `students` holds an id that is not in :data:`SAMPLE_CLASS`.

    Notes
    -----
    Each student's notebooks go to ``<course_dir>/submitted/<student>/<assignment>/``
    with a ``timestamp.txt`` (nbgrader's layout), replacing what was there.  Everything is
    generated from the release and the source at each call, and building twice writes
    identical files.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> import course_utils
    >>> repo = Path(course_utils.__file__).parents[1]
    >>> course = Path(tempfile.mkdtemp())
    >>> for part in ("source", "release"):
    ...     _ = shutil.copytree(repo / part, course / part)
    >>> [s.student for s in build_sample_class(course, students=["missing_notebook", "perfect"])]
    ['perfect', 'missing_notebook']
    >>> sorted(p.name for p in (course / "submitted" / "missing_notebook" / "week5_svd").iterdir())
    ['1_rank_pinv_lstsq.ipynb', '2_image_reconstruction.ipynb', '4_pca.ipynb', 'timestamp.txt']
    >>> shutil.rmtree(course)
    """
    chosen = _selected(students, hostile)
    course = Path(course_dir)
    release = _read_notebooks(course / "release" / assignment)
    source = _read_notebooks(course / "source" / assignment)
    parts = _Parts(release, source, {name: completed(release[name], source[name]) for name in NOTEBOOKS})
    for student in chosen:
        write_submission(course, student.student, student.build(parts), assignment)
    return chosen
