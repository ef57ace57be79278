"""Answer checks for the SVD assignment (student-facing).

The nbgrader test cells call the ``check_*`` functions below with the
student's function.  Each check runs that function on a few small seeded
matrices (tall, wide, square, rank-deficient, zero), compares the answer with
an independent numpy/scipy computation, and raises an ``AssertionError``
whose message says what is wrong and, when the usual mistake is cheaply
recognisable, how to fix it.  The generic ``assert_*`` helpers are public so
that hidden tests can reuse them.

Design decisions
----------------
* Students receive this package, so it holds no answer: no docstring example
  solves a question (the examples call a check on a wrong function), and no
  function here has the contract of a graded one.  Expected values are
  literals for the fixed visible cases (the chosen singular values give the
  eigenvalues and condition numbers; the uint8 images, energy ranks and
  Gavish-Donoho thresholds are stored), or come from public routines
  (``np.linalg.matrix_rank``, ``np.linalg.lstsq``, ``scipy.linalg.pinv``,
  :mod:`course_utils.svd_tools`, :func:`course_utils.metrics.psnr`), or the
  check verifies a definition (Penrose conditions, the energy rank, the
  rank of the output).  Never from ``course_utils.linalg`` or
  ``course_utils.reference``, which students do not receive; the hidden
  checks there compute their expected answers and pass formulas
  (``coefficients=``) where the visible checks use literal tables.
* Each question is described once, by a :class:`Question` in :data:`QUESTIONS`
  (``PINV``, ...): its name, contract, test cells and their points, the
  routines the task forbids, its visible cases and how one case is graded
  (``_grade_pinv``: run the student's function, compare with the case's
  expected answer, diagnose the mistake).  ``Question.run`` grades a list of
  cases: ``check_pinv`` runs it on the visible cases, the instructor's
  ``hidden_check_pinv`` on more cases, so both give the same advice.  Every check takes the
  student's function `fn` (and the visible ones ``forbidden=`` and
  ``verbose=``), prints one line when all cases pass, and raises
  ``AssertionError`` (``ForbiddenCallError`` for a forbidden routine) on the
  first failed case.
* Answers are compared through invariant quantities (reconstructions,
  projectors, Penrose conditions, singular values), never through raw ``U``
  or ``V`` whose signs are not unique.
* Every failed check raises ``AssertionError`` (a wrong answer, including a
  wrong type or shape, is a failed check, not a programming error of the
  caller).  Forbidden routines raise :class:`ForbiddenCallError`, a subclass.
* A student function that raises ``NotImplementedError`` (the blank
  release) fails with an ``AssertionError`` saying it is not implemented yet.
  Any other exception raised by the student's function is re-raised as an
  ``AssertionError`` that names the exception and the case, chained
  (``from exc``) so the student's own traceback is shown above it.
* Nothing is written to stderr and no warning is emitted.  Floating-point
  warnings of the student's code are silenced while it runs
  (``np.errstate``): a correct ``np.where(s > tol, 1 / s, 0)`` divides by
  zero for an exactly zero singular value, and a NaN/inf in the answer is
  diagnosed anyway.
* Tolerances are relative to the largest entry of the expected answer, and
  are loosened for float32 answers (``1000 * eps`` of their dtype).
* The student's function gets copies of the inputs; changing them in place
  fails the check.  A passing check prints one line (``check_pinv: all 6
  cases passed.``) and returns None; ``verbose=False`` silences it.

Layout
------
``forbidden``  the forbidden routines: ``DEFAULT_FORBIDDEN``, ``RANK_FORBIDDEN``, ``SVD_FORBIDDEN``, ``UINT8_FORBIDDEN``,
               ``ForbiddenCallError``, ``assert_no_forbidden_calls``, ``forbid_calls``.
``_core``      :class:`Question`, tolerances, the generic ``assert_*`` helpers, running the student's function.
``part1``      checks of notebook 1 (rank, pinv, least squares, condition numbers,
               Gram eigenvalues, Eckart-Young).
``part2``      checks of notebook 2 (rank-k images, uint8, errors by rank, energy rank).
``part3``      checks of notebook 3 (PSNR by rank, Gavish-Donoho, colour denoising,
               the three rank choices).
``part4``      checks of notebook 4 (PCA, the rank choice ``k_90``).

Import from ``course_utils.checks``; the submodules are an implementation detail.
"""

from ._core import (
    Question, assert_array_answer, assert_integer_answer, assert_is_rank, assert_orthonormal_columns,
    assert_penrose_conditions, assert_scalar_answer,
)
from .forbidden import (
    DEFAULT_FORBIDDEN, RANK_FORBIDDEN, SVD_FORBIDDEN, UINT8_FORBIDDEN, ForbiddenCallError, assert_no_forbidden_calls,
    forbid_calls,
)
from .part1 import (
    CONDITION_NUMBERS, ECKART_YOUNG_ERRORS, GRAM_EIGENVALUES, LSTSQ_MIN_NORM, NUMERICAL_RANK, PINV,
    check_condition_numbers, check_eckart_young_errors, check_gram_eigenvalues, check_lstsq_min_norm,
    check_numerical_rank, check_pinv,
)
from .part2 import (
    RANK_ERRORS, RANK_K_APPROX, SMALLEST_RANK_FOR_ENERGY, TO_UINT8_IMAGE, check_energy_rank_choice,
    check_rank_errors, check_rank_k_approx, check_smallest_rank_for_energy, check_to_uint8_image,
)
from .part3 import (
    DENOISE_COLOR, GAVISH_DONOHO_THRESHOLD, GD_UNKNOWN_RTOL, PSNR_BY_RANK, check_denoise_color,
    check_gavish_donoho_threshold, check_k_best, check_k_energy, check_k_gd, check_psnr_by_rank,
)
from .part4 import PCA_FORBIDDEN, PCA_SVD, check_pca, check_pca_rank_choice

# Case builders, for the instructor's hidden checks and reference answers (course_utils.reference) and the tests.
from ._core import _matrix  # noqa: F401
from .forbidden import _resolve_forbidden  # noqa: F401
from .part1 import _condition_cases, _eckart_young_cases, _numerical_rank_cases  # noqa: F401
from .part2 import _rank_k_cases, _rank_k_images, _smooth_image, _uint8_cases  # noqa: F401
from .part3 import _colour_image, _denoise_cases, _gd_candidates, _gd_cases, _per_channel  # noqa: F401

#: Every autograded function question, in the order of the notebooks: ``{name: Question}``.
QUESTIONS = {q.name: q for q in (
    NUMERICAL_RANK, PINV, LSTSQ_MIN_NORM, CONDITION_NUMBERS, GRAM_EIGENVALUES, ECKART_YOUNG_ERRORS,
    RANK_K_APPROX, TO_UINT8_IMAGE, RANK_ERRORS, SMALLEST_RANK_FOR_ENERGY,
    PSNR_BY_RANK, GAVISH_DONOHO_THRESHOLD, DENOISE_COLOR, PCA_SVD,
)}

__all__ = [
    "QUESTIONS", "Question",
    "DEFAULT_FORBIDDEN", "RANK_FORBIDDEN", "SVD_FORBIDDEN", "UINT8_FORBIDDEN", "PCA_FORBIDDEN", "GD_UNKNOWN_RTOL",
    "ForbiddenCallError", "assert_no_forbidden_calls", "forbid_calls",
    "assert_array_answer", "assert_scalar_answer", "assert_integer_answer", "assert_orthonormal_columns",
    "assert_penrose_conditions", "assert_is_rank",
    *(f"check_{name}" for name in QUESTIONS),
    "check_energy_rank_choice", "check_k_gd", "check_k_energy", "check_k_best", "check_pca_rank_choice",
]
