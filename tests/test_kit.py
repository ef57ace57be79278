"""The student kit holds the release and the student part of course_utils, and no answer."""

import ast
import subprocess
import sys
import zipfile

import pytest

from course_utils import STUDENT_MODULES
from course_utils.kit import build_student_kit, module_files

INSTRUCTOR_ONLY = {"linalg", "reference", "kit", "demo"}


@pytest.mark.parametrize("module", STUDENT_MODULES)
def test_student_modules_do_not_import_instructor_modules(module):
    files = module_files(module)
    assert files and all(path.is_file() for path in files), files
    for path in files:  # a module, or every file of a subpackage such as checks/
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("course_utils")):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("course_utils")]
            for name in names:
                parts = set(name.split("."))
                assert not parts & INSTRUCTOR_ONLY, f"{path.name} imports {name}, which students do not receive"


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    dest = tmp_path_factory.mktemp("kit")
    with zipfile.ZipFile(build_student_kit(dest)["zip"]) as zf:
        zf.extractall(dest / "unzipped")
        return dest / "unzipped", zf.namelist()


def test_kit_contents(kit):
    _root, names = kit
    assert any(n.endswith(".ipynb") for n in names)
    assert not any(part in n for n in names for part in ("linalg", "reference", "source/", "solutions", "hidden"))


def test_kit_imports_without_instructor_modules(kit):
    root, _names = kit
    # The editable install of the full package answers for any course_utils.* name through
    # its meta-path finder; drop it so that only the kit's files are importable, as for a student.
    code = (
        "import sys; sys.meta_path = [f for f in sys.meta_path if 'editable' not in repr(f).lower()];"
        "sys.path.insert(0, 'week5_svd');"
        "import course_utils, course_utils.checks, course_utils.figures, course_utils.images, course_utils.widgets;"
        "import course_utils.svd_tools;"
        "assert course_utils.__file__.startswith(%r), course_utils.__file__;"
        "import importlib.util as u; assert u.find_spec('course_utils.linalg') is None;"
        "assert u.find_spec('course_utils.reference') is None; print('ok')"
    ) % str(root)
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
