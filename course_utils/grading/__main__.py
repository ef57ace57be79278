"""``python -m course_utils.grading``: grade the sample class (``make demo``) or a real course."""

import argparse
from pathlib import Path

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
                        help="address of an existing Dask scheduler (tcp://HOST:PORT) whose workers see the course")
    args = parser.parse_args(argv)
    result = run(args.course, args.assignment, sample_class=not args.no_sample, workers=args.workers,
                 scheduler=args.scheduler)
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
