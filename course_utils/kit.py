"""The student kit: what students receive, and nothing else.

``python -m course_utils.kit [DEST]`` (or ``make student-kit``) writes
``dist/week5_svd_student.zip``: the released notebooks, the student part of
``course_utils`` (:data:`course_utils.STUDENT_MODULES` and the bundled data) and
``environment.yml``. Put the zip on the course page, or place its contents in
nbgrader's ``release/`` exchange as you prefer. ``linalg`` and ``reference`` are
left out: they implement what the assignment asks.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from . import STUDENT_MODULES

__all__ = ["module_files", "student_files", "build_student_kit"]

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(__file__).resolve().parent

_README = """Week 5: the Singular Value Decomposition
=========================================

1. Create the environment once:  conda env create -f environment.yml
   (or: pip install numpy scipy matplotlib scikit-image scikit-learn opencv-python-headless ipywidgets jupyterlab)
2. Start JupyterLab in this folder:  jupyter lab
3. Open week5_svd/ and work through the notebooks in order. Keep the course_utils/ folder next to them.
"""


def module_files(name):
    """The source files of one entry of :data:`course_utils.STUDENT_MODULES`.

    Parameters
    ----------
    name : str
        A module of ``course_utils`` (``"images"``) or a subpackage (``"checks"``).

    Returns
    -------
    list of pathlib.Path
        ``[PACKAGE / "images.py"]`` for a module; every ``.py`` file of the
        folder, sorted, for a subpackage.
    """
    folder = PACKAGE / name
    if folder.is_dir():
        return sorted(folder.glob("*.py"))
    return [PACKAGE / f"{name}.py"]


def student_files(assignment="week5_svd"):
    """Map each archive name of the kit to the file it comes from.

    Parameters
    ----------
    assignment : str
        The assignment folder under ``release/``.

    Returns
    -------
    dict of str to pathlib.Path

    Raises
    ------
    FileNotFoundError
        If the release has not been generated (run ``make release``).
    """
    release = ROOT / "release" / assignment
    notebooks = sorted(release.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {release}; run `make release` first.")
    files = {f"{assignment}/{p.name}": p for p in notebooks}
    for name in STUDENT_MODULES:
        for p in module_files(name):
            files[f"{assignment}/course_utils/{p.relative_to(PACKAGE).as_posix()}"] = p
    for p in sorted((PACKAGE / "data").iterdir()):
        files[f"{assignment}/course_utils/data/{p.name}"] = p
    files["environment.yml"] = ROOT / "environment.yml"
    return files


def build_student_kit(dest=ROOT / "dist", assignment="week5_svd"):
    """Write ``<dest>/<assignment>_student.zip`` and return its path."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{assignment}_student.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, path in student_files(assignment).items():
            zf.write(path, arcname)
        zf.writestr("README.txt", _README)
    return out


if __name__ == "__main__":
    print(build_student_kit(*sys.argv[1:2]))
