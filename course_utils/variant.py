"""Your variant of an assignment: the seed that makes your data your own.

Each student's notebooks draw their data (which image, which noise, which matrices) from a
seed of their own.  The seed is derived from a *variant key*, a random-looking string that
the course gives each student, and the assignment's name::

    seed = first 63 bits of HMAC-SHA256(key, assignment)

In the course's JupyterHub the key is in your environment (``COURSE_VARIANT_KEY``) and the
grader passes the same key to the kernel that grades your notebook, so both see the same
data.  Keys are made from a secret only the instructors hold, so your key tells you nothing
about anybody else's.  Outside the hub (a laptop, the student kit) there is no key and
every notebook uses the *default variant*, seed 0, and says so: your work still runs, but
numbers you copy from it are not the ones your graded notebook computes.  Compute your
answers in code; never type a number that your data decides.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["KEY_VARIABLE", "DEFAULT_SEED", "Variant", "current_variant", "seed_from_key"]

#: Environment variable holding the student's variant key.
KEY_VARIABLE = "COURSE_VARIANT_KEY"
#: Seed of the default variant, used where no key is set.
DEFAULT_SEED = 0
_KEY_PATTERN = re.compile(r"[0-9a-f]{32,128}")


def seed_from_key(key, assignment):
    """Return the seed of `assignment` for the variant key `key`.

    Parameters
    ----------
    key : str
        A variant key: 32 to 128 lowercase hexadecimal digits.
    assignment : str
        The assignment's name, e.g. ``"week5_svd"``.

    Returns
    -------
    int
        A seed in ``[0, 2**63)``, the same for the same key and assignment.

    Raises
    ------
    ValueError
        If `key` is not a variant key or `assignment` is empty.

    Examples
    --------
    >>> seed_from_key("0" * 64, "week5_svd") == seed_from_key("0" * 64, "week5_svd")
    True
    >>> seed_from_key("0" * 64, "week5_svd") != seed_from_key("0" * 64, "week6_ica")
    True
    """
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise ValueError(
            f"{KEY_VARIABLE} must be 32 to 128 lowercase hexadecimal digits; got {key!r}. "
            "Ask your instructor: the course hub sets it for you."
        )
    if not isinstance(assignment, str) or not assignment:
        raise ValueError(f"assignment must be the assignment's name, e.g. 'week5_svd'; got {assignment!r}.")
    digest = hmac.new(bytes.fromhex(key), assignment.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True)
class Variant:
    """The variant a notebook works on.

    Attributes
    ----------
    assignment : str
        The assignment's name.
    seed : int
        The seed the notebook draws its data from.
    personal : bool
        True when the seed comes from the student's own key, False for the default variant.
    """

    assignment: str
    seed: int
    personal: bool

    def rng(self, purpose):
        """Return a NumPy generator for one use of the variant (``"noise"``, ``"matrices"``, ...).

        Different purposes give independent streams, so adding a draw for one purpose never
        changes the data of another.

        Examples
        --------
        >>> v = Variant("week5_svd", 7, False)
        >>> float(v.rng("noise").random()) == float(v.rng("noise").random())
        True
        >>> float(v.rng("noise").random()) != float(v.rng("matrices").random())
        True
        """
        tag = int.from_bytes(hashlib.sha256(purpose.encode()).digest()[:8], "big")
        return np.random.default_rng([self.seed, tag])

    def seed_for(self, purpose, default):
        """Return an integer seed for one use of the variant (``"noise"``, ...).

        The default variant returns `default`, the seed the course's texts and keys describe;
        a student's own variant returns a seed drawn from theirs.

        Examples
        --------
        >>> Variant("week5_svd", 0, False).seed_for("noise", default=2024)
        2024
        >>> mine = Variant("week5_svd", 7, True)
        >>> mine.seed_for("noise", default=2024) == mine.seed_for("noise", default=2024)
        True
        """
        if not self.personal:
            return default
        return int(self.rng(purpose).integers(2**31))

    def pick(self, purpose, options, default):
        """Return one of `options` for the variant: `default` in the default variant.

        Raises
        ------
        ValueError
            If `default` is not one of `options`.

        Examples
        --------
        >>> Variant("week5_svd", 0, False).pick("sigma", (0.08, 0.1, 0.12), default=0.1)
        0.1
        >>> Variant("week5_svd", 7, True).pick("sigma", (0.08, 0.1, 0.12), default=0.1) in (0.08, 0.1, 0.12)
        True
        """
        options = tuple(options)
        if default not in options:
            raise ValueError(f"default must be one of the options {options}; got {default!r}.")
        if not self.personal:
            return default
        return options[int(self.rng(purpose).integers(len(options)))]

    def describe(self):
        """One sentence for the notebook: which variant this is and what it means."""
        if self.personal:
            return f"You are working on your own variant of {self.assignment} (seed {self.seed})."
        return (
            f"No variant key is set ({KEY_VARIABLE}), so this is the default variant of "
            f"{self.assignment}, which is not the one your submission is graded on: compute your "
            "answers in code rather than typing numbers."
        )


def current_variant(assignment, environ=None):
    """Return the variant of `assignment` for the key in the environment, or the default.

    Parameters
    ----------
    assignment : str
        The assignment's name, e.g. ``"week5_svd"``.
    environ : mapping, optional
        Where to look for :data:`KEY_VARIABLE`; default ``os.environ``.

    Returns
    -------
    Variant

    Raises
    ------
    ValueError
        If the key is set but malformed (a default variant would hide the mistake).

    Examples
    --------
    >>> current_variant("week5_svd", environ={})
    Variant(assignment='week5_svd', seed=0, personal=False)
    """
    environ = os.environ if environ is None else environ
    key = environ.get(KEY_VARIABLE, "").strip()
    if not key:
        if not isinstance(assignment, str) or not assignment:
            raise ValueError(f"assignment must be the assignment's name, e.g. 'week5_svd'; got {assignment!r}.")
        return Variant(assignment, DEFAULT_SEED, False)
    return Variant(assignment, seed_from_key(key, assignment), True)
