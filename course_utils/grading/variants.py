"""Per-student variant keys, made from the course secret (instructor only).

A student's variant key is ``HMAC-SHA256(course secret, "variant-key:" + student id)``:
stable across re-runs, different for every student, and impossible to compute without the
secret, so a student who knows their own key learns nothing about a neighbour's.  The key
reaches the student's kernel twice, and both must agree:

- in the course's JupyterHub, through the spawner's environment (:func:`hub_variant_key`);
- at autograde time, from the grader to the sandboxed kernel (:func:`kernel_environment`).

The notebook turns key and assignment into its seed with
:func:`course_utils.variant.seed_from_key`.  The secret is 64 hexadecimal digits, read from
the environment variable :data:`SECRET_VARIABLE` or from a file (``.variant_secret`` in the
course folder by default, created by :func:`create_secret`, never committed).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..variant import KEY_VARIABLE, current_variant, seed_from_key

__all__ = [
    "SECRET_VARIABLE",
    "SECRET_FILE",
    "create_secret",
    "load_secret",
    "student_key",
    "kernel_environment",
    "variant_label",
    "variant_words",
    "hub_variant_key",
]

#: Environment variable that may hold the course secret (64 hexadecimal digits).
SECRET_VARIABLE = "COURSE_VARIANT_SECRET"
#: File name of the course secret in the course folder.
SECRET_FILE = ".variant_secret"
_SECRET_PATTERN = re.compile(r"[0-9a-f]{64}")


def _checked(secret, where):
    secret = secret.strip()
    if not _SECRET_PATTERN.fullmatch(secret):
        raise ValueError(
            f"the course secret in {where} must be 64 lowercase hexadecimal digits; "
            "make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return secret


def create_secret(path):
    """Write a new random course secret to `path` (readable by its owner only) and return it.

    Raises
    ------
    FileExistsError
        If `path` exists: a new secret would give every student a new variant.
    """
    path = Path(path)
    secret = secrets.token_hex(32)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(secret + "\n")
    return secret


def load_secret(path=None, environ=None):
    """Return the course secret from :data:`SECRET_VARIABLE`, else from the file `path`.

    Parameters
    ----------
    path : path-like, optional
        The secret's file, e.g. ``<course>/.variant_secret``.
    environ : mapping, optional
        Default ``os.environ``.

    Returns
    -------
    str or None
        The secret, or None when neither is set (variants are off: every student gets the
        default variant).

    Raises
    ------
    ValueError
        If the secret found is malformed.
    """
    environ = os.environ if environ is None else environ
    if environ.get(SECRET_VARIABLE, "").strip():
        return _checked(environ[SECRET_VARIABLE], f"${SECRET_VARIABLE}")
    if path is not None and Path(path).is_file():
        return _checked(Path(path).read_text(), str(path))
    return None


def student_key(secret, student_id):
    """Return the variant key of `student_id` (64 hexadecimal digits).

    Examples
    --------
    >>> secret = "ab" * 32
    >>> student_key(secret, "alice") == student_key(secret, "alice")
    True
    >>> student_key(secret, "alice") != student_key(secret, "bob")
    True
    """
    secret = _checked(secret, "the argument")
    if not isinstance(student_id, str) or not student_id:
        raise ValueError(f"student_id must be a non-empty string; got {student_id!r}.")
    message = b"variant-key:" + student_id.encode()
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).hexdigest()


def kernel_environment(secret, student_id):
    """Environment to add to the kernel that grades `student_id`: its key, or nothing when variants are off."""
    if secret is None:
        return {}
    return {KEY_VARIABLE: student_key(secret, student_id)}


def variant_label(secret, student_id, assignment):
    """The variant a grader sees beside `student_id`'s grades: ``"seed N"``, or ``""`` when variants are off.

    The seed is the one the student's notebooks drew their data from (in the hub and when graded),
    so a grader reading an observation can rebuild the student's data with
    ``Variant(assignment, N, True)``.

    Examples
    --------
    >>> variant_label(None, "alice", "week5_svd")
    ''
    >>> variant_label("ab" * 32, "alice", "week5_svd").startswith("seed ")
    True
    """
    if secret is None:
        return ""
    return f"seed {seed_from_key(student_key(secret, student_id), assignment)}"


def variant_words(secret, student_id, assignment):
    """`student_id`'s variant as graders and the student read it, or ``""`` when variants are off.

    :func:`variant_label` followed, for week5_svd, by the data in words
    (:func:`course_utils.grading.answers.describe_variant`): the report shows it beside the
    student's grades, and :class:`course_utils.grading.preprocessors.ShowVariant` at the top of the
    autograded notebooks and of the feedback.  It names the seed, never the secret or the key.

    Examples
    --------
    >>> variant_words(None, "alice", "week5_svd")
    ''
    >>> "; part 3: sigma = " in variant_words("ab" * 32, "alice", "week5_svd")
    True
    """
    from . import answers

    label = variant_label(secret, student_id, assignment)
    if label and assignment == answers.ASSIGNMENT:  # which image and noise level, for the hand grader
        variant = current_variant(assignment, environ=kernel_environment(secret, student_id))
        label += f" ({answers.describe_variant(variant)})"
    return label


def hub_variant_key(spawner):
    """JupyterHub hook: the variant key of the user being spawned.

    In ``jupyterhub_config.py``, with the secret in the hub's environment::

        from course_utils.grading.variants import hub_variant_key
        c.Spawner.environment = {"COURSE_VARIANT_KEY": hub_variant_key}

    JupyterHub calls the function with the spawner; the hub user's name must be the
    student id nbgrader uses.
    """
    secret = load_secret()
    if secret is None:
        raise RuntimeError(
            f"set {SECRET_VARIABLE} in the hub's environment to the course secret "
            "(the same one the grader uses), or remove COURSE_VARIANT_KEY from c.Spawner.environment."
        )
    return student_key(secret, spawner.user.name)
