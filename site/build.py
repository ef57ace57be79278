"""Build the course site: ``python site/build.py [OUTDIR]`` (``make site`` runs it).

Sphinx reads one source folder, so this stages ``site/`` and ``notebooks/`` together in
``OUTDIR-src`` (nothing is written to either) and builds HTML into ``OUTDIR`` (default
``build/site``).  Warnings are errors, and a lecture cell that raises fails the build.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parents[1]


def build(outdir: Path) -> Path:
    """Build the site into `outdir` and return the path of its ``index.html``.

    Raises
    ------
    RuntimeError
        If Sphinx reports an error or a warning (a failing cell, a broken link, bad math).
    """
    outdir = Path(outdir).resolve()
    staging = outdir.with_name(outdir.name + "-src")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(ROOT / "site", staging, ignore=shutil.ignore_patterns("build.py", "__pycache__"))
    shutil.copytree(ROOT / "notebooks", staging / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    status = build_main(["-q", "-W", "--keep-going", "-b", "html", str(staging), str(outdir)])
    if status != 0:
        raise RuntimeError(f"the site did not build (sphinx exit status {status}); its messages are above.")
    return outdir / "index.html"


if __name__ == "__main__":
    index = build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "site")
    print(f"site: open {index}")
