"""nbgrader configuration of the course (the repository root is the course directory).

Each setting below answers a way nbgrader 0.9 fails a course as shipped; the reasons are
in the comments, the tests in tests/test_pipeline.py prove them.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from course_utils.grading.execute import METADATA_KEY, SandboxedExecute
from course_utils.grading.preprocessors import (
    HideHiddenTestOutput,
    LimitOutputSize,
    ShowVariant,
    WithholdInstructorCode,
)

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "bsa-week5-svd"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
# The gradebook: SQLite in the course folder unless $COURSE_GRADEBOOK_URL names another database
# (PostgreSQL, "postgresql+psycopg2://user@host:5432/db", for grading on several machines;
# course_utils/grading/gradebook.py, `python -m course_utils.grading --db-url`).
if os.environ.get("COURSE_GRADEBOOK_URL", "").strip():
    from course_utils.grading.gradebook import gradebook_url

    c.CourseDirectory.db_url = gradebook_url(os.path.dirname(os.path.abspath(__file__)))

# What a student sees in an answer cell of the release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A deleted test cell is put back and graded instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True

# A cell running longer than this is interrupted (the rest of the notebook still runs);
# the longest cell of a correct solution takes about 3 s on a 2-core machine.
c.Execute.timeout = 30

# Student code is untrusted: each notebook runs in a bubblewrap sandbox (its own scratch
# folder, no network, unprivileged, cannot reach the course folder or the grader), a dead or
# stuck kernel costs only the cells it could not run, and the course's checks and numpy/scipy
# are put back before every test cell (course_utils/grading/execute.py, sandbox.py, guard.py).
# "auto" grades unconfined, with a warning in the report, where bubblewrap cannot start;
# "required" refuses to.
c.SandboxKernelManager.sandbox = "auto"
# Memory limit of the grading kernel: an allocation beyond it raises MemoryError in the
# cell instead of taking the machine down. 4 GiB of address space is about 10x what the
# solution notebooks need.
c.SandboxKernelManager.memory_limit = 4 * 1024**3
# Per-student variants (course_utils/grading/variants.py): with a course secret in this file
# (or in $COURSE_VARIANT_SECRET) each grading kernel gets its student's variant key; without
# one, every student is graded on the default variant.
# ShowVariant puts the student's data in words (the seed, part 2's window and turn, part 3's sigma)
# at the top of the autograded notebook (what the formgrader shows) and of the feedback.
variant_secret_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".variant_secret")
c.SandboxedExecute.variant_secret_file = variant_secret_file
c.ShowVariant.variant_secret_file = variant_secret_file
# What the sandbox saw is kept in the autograded notebook's metadata for the report.
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("language_info", "name"), METADATA_KEY}

# Output limits: LimitOutput counts lines only; LimitOutputSize also caps characters and images.
c.LimitOutput.max_lines = 1000
c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    LimitOutputSize,
    ShowVariant,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback without the hidden tests: nbgrader shows them verbatim by default, and a failing
# hidden assert quotes its line in the traceback. The order matters: cut tracebacks first.
# Nor the instructor's code: hidden tests run in the student's kernel, which can print it.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    CSSHTMLHeaderPreprocessor,
    HideHiddenTestOutput,
    ClearHiddenTests,
    WithholdInstructorCode,
    ShowVariant,
]
