"""What students receive: a wheel of the student package, and the release notebooks.

``python -m course_utils.kit [DEST]`` (or ``make student-kit``) writes, under
``DEST`` (default ``dist/``):

``course_utils_svd_student-<version>-py3-none-any.whl``
    The student package: the modules of :data:`course_utils.STUDENT_MODULES` and the
    bundled data, nothing else (no ``linalg``, ``reference``, ``grading`` or ``kit``).
    This is what a JupyterHub admin pip-installs into the student image.
``week5_svd/*.ipynb``
    The release notebooks, beside the wheel.
``week5_svd_student.zip``
    For a student without JupyterHub: the notebooks, the same student modules as a
    ``course_utils/`` folder next to them, and ``environment.yml``.

The wheel is written directly (a wheel is a zip with ``METADATA``, ``WHEEL`` and
``RECORD``): no build backend, no network.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

from . import STUDENT_MODULES, __version__

__all__ = ["DIST_NAME", "STUDENT_REQUIREMENTS", "module_files", "package_files", "student_files",
           "build_student_wheel", "build_student_kit"]

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(__file__).resolve().parent

#: Distribution name of the student wheel (it installs the import package ``course_utils``).
DIST_NAME = "course-utils-svd-student"

#: Distributions the student modules import (their version bounds are read from pyproject.toml).
STUDENT_REQUIREMENTS = (
    "numpy", "scipy", "matplotlib", "pillow", "scikit-image", "scikit-learn",
    "opencv-python-headless", "ipywidgets",
)

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


def package_files():
    """Map each path inside the student package (``course_utils/checks/part1.py``) to its file.

    Returns
    -------
    dict of str to pathlib.Path
        The modules of :data:`course_utils.STUDENT_MODULES` and the bundled data.
    """
    files = {}
    for name in STUDENT_MODULES:
        for p in module_files(name):
            files[f"course_utils/{p.relative_to(PACKAGE).as_posix()}"] = p
    for p in sorted((PACKAGE / "data").iterdir()):
        files[f"course_utils/data/{p.name}"] = p
    return files


def release_notebooks(assignment="week5_svd"):
    """The release notebooks, sorted.

    Raises
    ------
    FileNotFoundError
        If the release has not been generated (run ``make release``).
    """
    release = ROOT / "release" / assignment
    notebooks = sorted(release.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {release}; run `make release` first.")
    return notebooks


def student_files(assignment="week5_svd"):
    """Map each archive name of the zip kit to the file it comes from.

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
    files = {f"{assignment}/{p.name}": p for p in release_notebooks(assignment)}
    files.update({f"{assignment}/{name}": p for name, p in package_files().items()})
    files["environment.yml"] = ROOT / "environment.yml"
    return files


def _requirements():
    """``Requires-Dist`` lines: :data:`STUDENT_REQUIREMENTS` with the bounds of pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    specs = {re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower(): d for d in re.findall(r'"([^"]+)"', block)}
    missing = [name for name in STUDENT_REQUIREMENTS if name not in specs]
    if missing:
        raise ValueError(f"pyproject.toml lists no {missing}; keep STUDENT_REQUIREMENTS in step with it.")
    return [specs[name] for name in STUDENT_REQUIREMENTS]


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def build_student_wheel(dest=ROOT / "dist"):
    """Write the student wheel into `dest` and return its path.

    Parameters
    ----------
    dest : path-like
        Output folder, created if needed.

    Returns
    -------
    pathlib.Path
        ``dest / "course_utils_svd_student-<version>-py3-none-any.whl"``.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    dist = DIST_NAME.replace("-", "_")
    info = f"{dist}-{__version__}.dist-info"
    metadata = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {__version__}",
         "Summary: Week 5 of Biological Signals Analysis (the SVD): the student package, without answers.",
         "License: BSD-3-Clause", "Requires-Python: >=3.10"]
        + [f"Requires-Dist: {r}" for r in _requirements()]
    ) + "\n"
    wheel = "Wheel-Version: 1.0\nGenerator: course_utils.kit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [(name, path.read_bytes()) for name, path in package_files().items()]
    entries += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", wheel.encode()),
                (f"{info}/top_level.txt", b"course_utils\n")]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in entries:
        writer.writerow(_record_line(name, data))
    writer.writerow([f"{info}/RECORD", "", ""])
    out = dest / f"{dist}-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), record.getvalue(),
                    zipfile.ZIP_DEFLATED)
    return out


def build_student_kit(dest=ROOT / "dist", assignment="week5_svd"):
    """Write the student wheel, the release notebooks beside it, and the zip kit.

    Parameters
    ----------
    dest : path-like
        Output folder, created if needed.
    assignment : str
        The assignment folder under ``release/``.

    Returns
    -------
    dict
        ``{"wheel": path, "notebooks": [paths], "zip": path}``.
    """
    dest = Path(dest)
    wheel = build_student_wheel(dest)
    folder = dest / assignment
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = [Path(shutil.copy2(p, folder / p.name)) for p in release_notebooks(assignment)]
    out = dest / f"{assignment}_student.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, path in student_files(assignment).items():
            zf.write(path, arcname)
        zf.writestr("README.txt", _README)
    return {"wheel": wheel, "notebooks": notebooks, "zip": out}


if __name__ == "__main__":
    for key, value in build_student_kit(*sys.argv[1:2]).items():
        print(f"{key}: {value}")
