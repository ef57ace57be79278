"""The instructor's grading pipeline (instructor only, never shipped to students).

``results``       what a grading run found: scores per student and question, and reasons to look.
``sample_class``  a generated class of submissions, one per thing that goes wrong in real classes.
``preprocessors`` nbgrader extensions (feedback without hidden tests or instructor code, output limits).
``sandbox``       the bubblewrap kernel manager: each notebook's kernel confined to a scratch folder.
``execute``       nbgrader's Execute in that kernel: a lost kernel costs only its notebook's remaining cells.
``guard``         run inside the grading kernel: checks and numpy put back before every test, what was done.
``remote``        RemoteExecute: nbgrader's execute step sent to a Dask worker (the notebook and the
                  kernel's environment go with the task; no shared folder), ThreadSafeAutograde.
``engine``        autograde several students at once here, their notebooks on Dask workers, with progress.
``gradebook``     the gradebook's URL (SQLite by default, PostgreSQL for several machines) and its check.
``pipeline``      release -> collect -> autograde -> feedback -> export -> report, with nbgrader.
``report``        the HTML report with PNG figures, and the terminal summary.
``variants``      per-student variant keys from the course secret.
``copies``        submissions whose numbers fit another student's variant better than their own.

``python -m course_utils.grading`` (``make demo``) runs it all on the sample class.
"""
