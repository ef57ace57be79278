"""Course utilities for week 5 of Biological Signals Analysis: the Singular Value Decomposition.

One module per job:

``svd_tools``   the SVD as a tool: factorise once, rank-k from the factors, truncated SVD
                of large images (what the lectures use; it answers no assignment question).
``linalg``      everything of ``svd_tools`` plus numerical rank, pseudo-inverse, least squares,
                Eckart-Young errors, rank choice, Gavish-Donoho threshold (instructor only).
``images``      bundled offline sample images, a student's own file, noise, ``to_uint8``.
``metrics``     relative error, PSNR, SSIM, storage and compression ratio.
``signals``     a synthetic multichannel EEG-like recording with its ground truth.
``figures``     matplotlib figures (each returns its ``Figure``).
``widgets``     the interactive rank slider.
``checks``      what the assignment's visible test cells call.
``variant``     the seed of a student's own variant of an assignment.
``reference``   the instructor's answers and hidden checks (instructor only).

Students receive only the modules in :data:`STUDENT_MODULES` (the student wheel of
``make student-kit``); ``linalg``, ``reference``, ``grading`` and ``kit`` hold answers or
grading machinery and stay with the instructor.
"""

__version__ = "0.1.0"

#: Modules shipped to students with the release (see the README, "Package split").
#: A name is a module (``images`` for ``images.py``) or a subpackage (``checks`` for
#: every ``.py`` file of ``checks/``); :func:`course_utils.kit.module_files` resolves it.
STUDENT_MODULES = (
    "__init__", "_validation", "svd_tools", "images", "metrics", "signals", "figures", "widgets", "checks", "variant",
)
