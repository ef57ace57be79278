"""Where the gradebook lives: SQLite in the course folder by default, PostgreSQL for several machines.

The URL is, in this order: the ``--db-url`` option, ``$COURSE_GRADEBOOK_URL`` (which the
course's ``nbgrader_config.py`` also reads, so that every nbgrader command of the pipeline
uses the same gradebook), or ``sqlite:///<course>/gradebook.db`` (nbgrader's default).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["URL_VARIABLE", "gradebook_url", "check_gradebook", "GradebookUnreachable", "display_url"]

#: Environment variable naming the gradebook's database URL.
URL_VARIABLE = "COURSE_GRADEBOOK_URL"


class GradebookUnreachable(RuntimeError):
    """The gradebook's database cannot be reached (server down, wrong address, no such database)."""


def gradebook_url(course, db_url=None, environ=None):
    """The SQLAlchemy URL of the gradebook of `course`.

    Parameters
    ----------
    course : path-like
        The course folder (home of the default SQLite gradebook).
    db_url : str, optional
        An explicit URL (``--db-url``).
    environ : mapping, optional
        Default ``os.environ`` (read for :data:`URL_VARIABLE`).

    Returns
    -------
    str
        ``postgresql://`` is given the psycopg2 driver (SQLAlchemy 2 would otherwise look
        for psycopg 3).

    Examples
    --------
    >>> gradebook_url("/srv/course", environ={})
    'sqlite:////srv/course/gradebook.db'
    >>> gradebook_url("/srv/course", "postgresql://grader@db:5432/week5", environ={})
    'postgresql+psycopg2://grader@db:5432/week5'
    """
    environ = os.environ if environ is None else environ
    url = (db_url or environ.get(URL_VARIABLE, "") or "").strip()
    if not url:
        return f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def display_url(url):
    """`url` with its password hidden, for messages.

    >>> display_url("postgresql+psycopg2://grader:s3cret@db:5432/week5")
    'postgresql+psycopg2://grader:***@db:5432/week5'
    """
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: say so without echoing it
        return "<unparsable database URL>"


def check_gradebook(url, timeout=10):
    """Connect once to the gradebook's database; raise :class:`GradebookUnreachable` if it cannot be reached.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (see :func:`gradebook_url`).
    timeout : int
        Seconds to wait for a database server.

    Raises
    ------
    GradebookUnreachable
        With the URL (password hidden), the driver's reason and what to check.
    """
    from sqlalchemy import create_engine, text

    args = {"connect_timeout": timeout} if url.startswith("postgresql") else {}
    try:
        engine = create_engine(url, connect_args=args)
    except Exception as exc:
        raise GradebookUnreachable(f"the gradebook URL {display_url(url)} is not usable: {exc}") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:300]
        raise GradebookUnreachable(
            f"cannot reach the gradebook at {display_url(url)}: {reason}. Check that the database server runs, "
            f"that this machine may connect to it, and that the database exists (createdb)") from None
    finally:
        engine.dispose()
