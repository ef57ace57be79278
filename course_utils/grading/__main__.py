"""``python -m course_utils.grading``: grade the sample class (``make demo``) or a real course."""

import argparse
from pathlib import Path

from .gradebook import URL_VARIABLE, GradebookUnreachable
from .pipeline import ASSIGNMENT, DEFAULT_COURSE, run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.grading", description=__doc__)
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE, help="nbgrader course directory")
    parser.add_argument("--assignment", default=ASSIGNMENT)
    parser.add_argument("--no-sample", action="store_true",
                        help="grade the submissions already collected instead of generating the sample class")
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes for autograde (default: one per core; 1 grades serially)")
    parser.add_argument("--scheduler", default=None,
                        help="address of an existing Dask scheduler (tcp://HOST:PORT); its workers need the course "
                             "package and bubblewrap, not the course folder")
    parser.add_argument("--db-url", default=None,
                        help="gradebook database URL, e.g. postgresql+psycopg2://grader@HOST:5432/course "
                             f"(default: ${URL_VARIABLE}, else SQLite in the course folder)")
    args = parser.parse_args(argv)
    try:
        result = run(args.course, args.assignment, sample_class=not args.no_sample, workers=args.workers,
                     scheduler=args.scheduler, db_url=args.db_url)
    except GradebookUnreachable as exc:
        parser.exit(2, f"error: {exc}\n")
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
