"""The instructor's grading pipeline (instructor only, never shipped to students).

``results``       what a grading run found: scores per student and question, and reasons to look.
``sample_class``  a generated class of submissions, one per thing that goes wrong in real classes.
``preprocessors`` nbgrader extensions (feedback without hidden tests or instructor code, output limits).
``sandbox``       the bubblewrap kernel manager: each notebook's kernel confined to a scratch folder.
``execute``       nbgrader's Execute in that kernel: a lost kernel costs only its notebook's remaining cells.
``guard``         run inside the grading kernel: checks and numpy put back before every test, what was done.
``engine``        autograde one student per task on Dask workers, with progress.
``pipeline``      release -> collect -> autograde -> feedback -> export -> report, with nbgrader.
``report``        the HTML report with PNG figures, and the terminal summary.
``variants``      per-student variant keys from the course secret.
``copies``        submissions whose numbers fit another student's variant better than their own.

``python -m course_utils.grading`` (``make demo``) runs it all on the sample class.
"""
