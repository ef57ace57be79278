"""nbgrader configuration of the course (the repository root is the course directory).

See NBGRADER_NOTES in the project's notes for why each setting is here.
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "bsa-week5-svd"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# What a student sees in an answer cell of the release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A deleted test cell is put back and graded instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True

# A cell that runs longer than this is interrupted; the rest of the notebook still runs.
c.Execute.timeout = 60
