"""The instructor's side of the assignment: reference answers and hidden checks.

Instructor only. Never shipped to students (see ``course_utils.STUDENT_MODULES``):
``solutions`` holds the answer to every autograded question, and ``hidden``
the checks that the hidden test cells of ``source/`` call when grading.
"""
