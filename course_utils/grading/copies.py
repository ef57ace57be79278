"""Copied answers: submissions whose numbers fit another student's variant better than their own.

With per-student variants (:mod:`course_utils.grading.variants`) every data-dependent answer
(``k_99``, the rank choices, a PSNR table) has one right value per student.  A submission that
typed a neighbour's numbers instead of computing its own loses those points when it is graded;
this module also names the neighbour, so the instructor can talk to both students.

Only answers on which the two variants differ are evidence: when two students' images happen to
give the same ``k_99``, agreeing with either proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_VARIANT", "Match", "find_copies"]

#: Name of the default variant among the sources of :func:`find_copies`: answers that fit it were computed
#: outside the course hub (the kit, a laptop) or typed from such a run, and name no classmate.
DEFAULT_VARIANT = "(default variant)"


@dataclass(frozen=True)
class Match:
    """A submission whose answers fit another student's variant better than its own.

    Attributes
    ----------
    student : str
        Whose submission it is.
    source : str
        Whose variant its answers fit.
    own : int
        Evidential answers that agree with the student's own variant.
    other : int
        Evidential answers that agree with the source's variant.
    names : tuple of str
        The answers that agree with the source's variant and not with the student's own.
    """

    student: str
    source: str
    own: int
    other: int
    names: tuple

    @property
    def whose(self):
        """Whose variant the answers fit, in words: ``"ann's variant"`` or ``"the default variant"``."""
        return "the default variant" if self.source == DEFAULT_VARIANT else f"{self.source}'s variant"

    def sentence(self):
        """The report's line about this submission.

        Examples
        --------
        >>> Match("bob", "ann", 0, 2, ("k_99", "k_gd")).sentence()
        "k_99, k_gd match ann's variant, not bob's own (2 answers agree with ann's, 0 with bob's)"
        >>> Match("bob", DEFAULT_VARIANT, 0, 2, ("k_99", "k_gd")).sentence()
        "k_99, k_gd match the default variant (a run outside the hub), not bob's own (2 agree with it, 0 with bob's)"
        """
        if self.source == DEFAULT_VARIANT:
            return (f"{', '.join(self.names)} match the default variant (a run outside the hub), not "
                    f"{self.student}'s own ({self.other} agree with it, {self.own} with {self.student}'s)")
        return (
            f"{', '.join(self.names)} match {self.whose}, not {self.student}'s own "
            f"({self.other} answers agree with {self.source}'s, {self.own} with {self.student}'s)"
        )


def _agree(answer, expected, rtol, atol):
    if answer is None or expected is None:
        return False
    try:
        a, e = np.asarray(answer), np.asarray(expected)
        if a.dtype.kind in "biufc" and e.dtype.kind in "biufc":
            return a.shape == e.shape and bool(np.allclose(a, e, rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        pass
    return answer == expected


def find_copies(answers, expected, *, rtol=1e-6, atol=1e-9, minimum=2):
    """Return the submissions whose answers fit another student's variant better than their own.

    Parameters
    ----------
    answers : mapping of str to mapping of str to object
        For each student, the data-dependent answers the submission gave, by name
        (numbers or arrays; a missing or None answer agrees with nothing).
    expected : mapping of str to mapping of str to object
        For each student, the right answers for that student's own variant, by the same names;
        it may also hold :data:`DEFAULT_VARIANT` (the variant of a notebook run without a key),
        listed first so that answers that fit it name no classmate who happens to share them.
    rtol, atol : float
        Tolerances for numbers and arrays (:func:`numpy.allclose`).
    minimum : int
        How many evidential answers must agree with the other variant; one coincidence is
        not enough to name a student.

    Returns
    -------
    list of Match
        At most one per submission (the variant it fits best; ties go to the student listed
        first in `expected`), sorted by student.

    Raises
    ------
    ValueError
        If a student in `answers` has no expected answers, or `minimum` is below 1.

    Examples
    --------
    >>> expected = {"ann": {"k_99": 41, "k_gd": 12}, "bob": {"k_99": 37, "k_gd": 15}}
    >>> answers = {"ann": {"k_99": 41, "k_gd": 12}, "bob": {"k_99": 41, "k_gd": 12}}
    >>> [(m.student, m.source, m.names) for m in find_copies(answers, expected)]
    [('bob', 'ann', ('k_99', 'k_gd'))]
    """
    if not isinstance(minimum, int) or minimum < 1:
        raise ValueError(f"minimum must be a positive integer; got {minimum!r}.")
    missing = sorted(set(answers) - set(expected))
    if missing:
        raise ValueError(f"no expected answers for {', '.join(missing)}: compute each student's variant first.")
    matches = []
    for student in sorted(answers):
        given, own = answers[student], expected[student]
        names = [n for n in own if n in given]
        fits_own = {n for n in names if _agree(given[n], own[n], rtol, atol)}
        if len(names) - len(fits_own) < minimum:
            continue  # a submission that is mostly right for its own variant copied nothing that shows
        best = None
        for source, theirs in expected.items():
            if source == student:
                continue
            evidential = [n for n in names if n in theirs and not _agree(theirs[n], own[n], rtol, atol)]
            fits_other = tuple(n for n in evidential if _agree(given[n], theirs[n], rtol, atol))
            own_count = sum(n in fits_own for n in evidential)
            if len(fits_other) >= minimum and len(fits_other) > own_count:
                if best is None or len(fits_other) > best.other:
                    best = Match(student, source, own_count, len(fits_other), fits_other)
        if best is not None:
            matches.append(best)
    return matches
