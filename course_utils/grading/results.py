"""What a grading run found, in plain data: the pipeline fills it, the report reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["REASONS", "QuestionScore", "StudentResult", "ClassResult"]

#: The kinds of needs-attention reason; every reason sentence starts with one of them.
REASONS = (
    "autograde failed",      # nbgrader could not grade the submission at all (and why, when known)
    "not in gradebook",      # submitted, but the gradebook has no grades for it
    "kernel died",           # the kernel process exited (exit, os._exit, segfault): the rest of that notebook not run
    "invalid notebook",      # not valid JSON / not a notebook / not UTF-8: that notebook not graded
    "missing notebook",      # a notebook of the assignment was not submitted
    "renamed notebook",      # a release notebook handed in under another file name
    "extra files",           # files or folders beside the notebooks (never given to the grader)
    "metadata stripped",     # nbgrader cell metadata gone: the notebook cannot be graded automatically
    "deleted cell",          # a graded or answer cell was deleted (test cells are restored and graded)
    "edited test cell",      # a locked test cell was changed (nbgrader restores it)
    "timeout",               # a cell ran longer than the limit and was interrupted
    "memory limit",          # a cell hit the kernel's memory limit (MemoryError)
    "forbidden call",        # an answer used a routine the question forbids
    "output limited",        # text or images beyond the output limit were dropped
    "rebinding",             # the notebook rebound a course check or a numpy/scipy function (put back for tests)
    "outside its folder",    # the notebook tried to write, delete or rename files outside its working folder
    "process left running",  # the notebook started a process that outlived it (ended by the grader)
    "wrote code files",      # the notebook wrote .py files (a shadowing attempt; never imported)
    "quoted instructor code",  # an output prints the instructor's modules (withheld from the feedback)
    "instructor code",       # the notebook called or imported the instructor's reference (refused)
    "copied answers",        # the data-dependent answers fit another student's variant better than the student's own
)


@dataclass(frozen=True)
class QuestionScore:
    """One graded cell of one notebook.

    Attributes
    ----------
    notebook : str
        Notebook name without ``.ipynb``.
    grade_id : str
        The cell's nbgrader ``grade_id``.
    score : float or None
        Points earned; ``None`` when not graded yet (a manual cell, or a run that failed).
    max_score : float
        Points available.
    manual : bool
        True for a cell graded by hand (proofs, observations).
    """

    notebook: str
    grade_id: str
    score: float | None
    max_score: float
    manual: bool = False


@dataclass
class StudentResult:
    """A student's grades and the reasons an instructor should look at the submission.

    Attributes
    ----------
    student : str
        nbgrader student id.
    questions : list of QuestionScore
        Every graded cell of the assignment, in notebook order.
    attention : list of str
        Needs-attention reasons, each a sentence ("kernel died in 2_image_reconstruction").
        Empty when the submission graded normally.
    feedback : dict of str to pathlib.Path
        Notebook name -> feedback HTML file.
    variant : str
        The student's variant (:func:`course_utils.grading.variants.variant_words`: ``"seed N"``
        followed for week5_svd by its data in words, the words at the top of the student's
        autograded notebooks and feedback); empty when the course has no variant secret.
    """

    student: str
    questions: list[QuestionScore] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    feedback: dict[str, Path] = field(default_factory=dict)
    variant: str = ""

    @property
    def score(self):
        """Points earned so far (ungraded cells count 0 here; see :attr:`attention`)."""
        return sum(q.score or 0.0 for q in self.questions)

    @property
    def max_score(self):
        """Points available in the whole assignment."""
        return sum(q.max_score for q in self.questions)

    @property
    def auto_score(self):
        """Points earned on autograded cells."""
        return sum(q.score or 0.0 for q in self.questions if not q.manual)

    @property
    def auto_max(self):
        """Points available on autograded cells."""
        return sum(q.max_score for q in self.questions if not q.manual)

    @property
    def pending(self):
        """Points of the cells graded by hand that no grader has scored yet."""
        return sum(q.max_score for q in self.questions if q.manual and q.score is None)


@dataclass
class ClassResult:
    """A whole grading run.

    Attributes
    ----------
    assignment : str
        The nbgrader assignment name.
    students : list of StudentResult
        One per submitted student, sorted by id.
    grades_csv : pathlib.Path or None
        The CSV written by ``nbgrader export``.
    attention_csv : pathlib.Path or None
        ``needs_attention.csv``: every student's score and the reasons to look, if any.
    seconds : dict of str to float
        Wall time of each pipeline step.
    sandbox : tuple of (bool, str)
        Whether student code ran in the bubblewrap sandbox, and a sentence saying how or why not.
    errors : list of str
        What is wrong with the run as a whole (a gradebook that lost students or the
        assignment, a CSV missing students); empty when the grades can be trusted.
    regraded : dict of str to list of str
        Students with notebooks executed again because their Dask worker was lost (nothing
        lost: the grades are those of the second run), one sentence per notebook.
    copies : list of course_utils.grading.copies.Match
        Submissions whose data-dependent answers fit another student's variant better than
        their own (each also has a "copied answers" reason); empty when variants are off.
    """

    assignment: str
    students: list[StudentResult] = field(default_factory=list)
    grades_csv: Path | None = None
    attention_csv: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    sandbox: tuple[bool, str] = (True, "")
    errors: list[str] = field(default_factory=list)
    regraded: dict[str, list[str]] = field(default_factory=dict)
    copies: list = field(default_factory=list)

    @property
    def needs_attention(self):
        """Students with at least one reason to look, in id order."""
        return [s for s in self.students if s.attention]
