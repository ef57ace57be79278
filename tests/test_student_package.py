"""Proofs that what students receive holds no answer (issue E, point 2).

(a) The student wheel, installed into a fresh virtual environment, runs every release
    notebook: with the perfect answers the visible checks pass, with the blank release they
    fail with their messages; ``course_utils.reference``, ``linalg``, ``grading`` and ``kit``
    cannot be imported there.
(b) No callable reachable from the student package, public or private, function, class or
    method, passes an autograded question's hidden check when bound to the question's name.
(c) No solution statement of ``source/`` (compared as normalised AST) and no mark-scheme
    sentence appears in a student file: the wheel's modules (their code and the code of their
    docstring examples) and the release notebooks.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import os
import re
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_utils.grading.sample_class import completed
from course_utils.kit import build_student_wheel
from course_utils.reference import hidden

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "week5_svd"
RELEASE = ROOT / "release" / "week5_svd"
ANSWER_MODULES = ("course_utils.reference", "course_utils.linalg", "course_utils.grading", "course_utils.kit")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_student_wheel(tmp_path_factory.mktemp("wheel"))


def _wheel_sources(wheel):
    """``{path inside the wheel: text}`` of every Python file of the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".py")}


def _module_name(path):
    name = path[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def test_wheel_holds_only_student_modules(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    modules = {_module_name(n) for n in names if n.endswith(".py")}
    assert "course_utils.checks" in modules and "course_utils.svd_tools" in modules, modules
    for forbidden in ANSWER_MODULES:
        assert not any(m == forbidden or m.startswith(forbidden + ".") for m in modules), forbidden
    assert "course_utils/data/jikken_163x372.png" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(wheel) as zf:
        requires = [ln for ln in zf.read(metadata).decode().splitlines() if ln.startswith("Requires-Dist")]
    assert not any("nbgrader" in r or "jupyterlab" in r for r in requires), requires


# --------------------------------------------------------------------------- (a)

# Run by the fresh environment's Python: execute each notebook given as (input, output, allow_errors),
# with the environment's own kernel, after a first cell that says which course_utils the kernel sees.
_RUNNER = """
import sys
import nbformat
from nbclient import NotebookClient
for src, dst, allow_errors in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    nb = nbformat.read(src, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        "import sys, course_utils; print('PREFIX', sys.prefix); print('PACKAGE', course_utils.__file__)"))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=allow_errors == "1",
                   resources={"metadata": {"path": str(__import__("pathlib").Path(src).parent)}}).execute()
    nbformat.write(nb, dst)
"""


@pytest.fixture(scope="module")
def student_env(tmp_path_factory, wheel):
    """A fresh virtual environment (no system site-packages) with the student wheel, its
    dependencies and a kernel, installed by pip like a JupyterHub image; ``(python, env)``."""
    root = tmp_path_factory.mktemp("student_env")
    venv = root / "venv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          str(wheel), "nbclient", "ipykernel"], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    print(f"student environment ready in {time.perf_counter() - start:.0f} s")
    # Only this environment's kernel (not a user-level kernelspec pointing elsewhere), its python first.
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "JUPYTER_DATA_DIR": str(root / "jupyter"), "JUPYTER_PATH": "", "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)
    return python, env


def _execute(student_env, notebooks, folder, allow_errors):
    """Execute ``{name: notebook}`` in the student environment; return the executed notebooks."""
    python, env = student_env
    folder.mkdir()
    args = []
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
        args += [str(folder / name), str(folder / f"out_{name}"), "1" if allow_errors else "0"]
    proc = subprocess.run([str(python), "-c", _RUNNER, *args], cwd=folder, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = {name: nbformat.read(folder / f"out_{name}", as_version=4) for name in notebooks}
    for nb in out.values():  # the kernel ran in the student environment, on the wheel's course_utils
        text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
        assert f"PREFIX {python.parent.parent}" in text and f"{python.parent.parent}/lib/" in text, text
    return out


def _release():
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(RELEASE.glob("*.ipynb"))}


def _visible_test_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "check_" in c.source
            and c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]


@pytest.mark.slow
def test_answer_modules_cannot_be_imported_by_students(student_env, tmp_path):
    python, env = student_env
    code = (
        "import importlib, importlib.util, sys, course_utils\n"
        "assert course_utils.__file__.startswith(sys.prefix), course_utils.__file__\n"
        f"for name in {ANSWER_MODULES!r}:\n"
        "    assert importlib.util.find_spec(name) is None, name\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError:\n"
        "        continue\n"
        "    raise AssertionError(name + ' imported')\n"
        "import course_utils.checks, course_utils.svd_tools, course_utils.figures, course_utils.widgets\n"
        "print('ok')"
    )
    # cwd: an empty folder, so that the repository's own course_utils/ is not on the path
    proc = subprocess.run([str(python), "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


@pytest.mark.slow
def test_release_with_perfect_answers_passes_its_visible_checks(student_env, tmp_path):
    """Each answer cell filled from source/ (nbgrader's solution): every cell runs, every visible check passes."""
    sources = {p.name: nbformat.read(p, as_version=4) for p in sorted(SOURCE.glob("*.ipynb"))}
    perfect = {name: completed(nb, sources[name]) for name, nb in _release().items()}
    executed = _execute(student_env, perfect, tmp_path / "perfect", allow_errors=False)
    for name, nb in executed.items():
        cells = _visible_test_cells(nb)
        assert cells, name
        for cell in cells:
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert "passed" in text or "is right" in text or "are right" in text, (name, cell.source, text)


@pytest.mark.slow
def test_blank_release_fails_its_visible_checks_with_their_messages(student_env, tmp_path):
    """As released: every visible check fails, saying what to do (implement the function, set the variable)."""
    executed = _execute(student_env, _release(), tmp_path / "blank", allow_errors=True)
    for name, nb in executed.items():
        cells = _visible_test_cells(nb)
        assert cells, name
        for cell in cells:
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert errors and errors[0].ename == "AssertionError", (name, cell.source, cell.outputs)
            message = errors[0].evalue
            assert "is not implemented yet" in message or "is still None" in message, (name, message)


@pytest.mark.slow
def test_lectures_run_in_the_student_environment(student_env, tmp_path):
    """The lecture notebooks need nothing but the student package."""
    lectures = {p.name: nbformat.read(p, as_version=4) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    executed = _execute(student_env, lectures, tmp_path / "lectures", allow_errors=False)
    assert len(executed) >= 4


# --------------------------------------------------------------------------- (b)


def _questions():
    """``{function the question asks for: its hidden check}`` of every autograded function question.

    The variable questions (``k_99``, the rank choices) store numbers, not callables.
    """
    from course_utils.checks import QUESTIONS

    return {q.function: getattr(hidden, f"hidden_check_{q.name}") for q in QUESTIONS.values()}


def _reachable_callables(module_names):
    """Every function, class and method defined in the student package, by a dotted name."""
    found = {}

    def add(label, obj):
        if callable(obj) and (getattr(obj, "__module__", None) or "").startswith("course_utils"):
            found.setdefault(id(obj), (label, obj))

    for modname in module_names:
        module = importlib.import_module(modname)
        for name, obj in vars(module).items():
            add(f"{modname}.{name}", obj)
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    add(f"{modname}.{name}.{attr}", member)
    return sorted(found.values(), key=lambda item: item[0])


def _passes(check, fn):
    import matplotlib.pyplot as plt

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a warning must not hide a leak
            check(fn, verbose=False)
    except BaseException as exc:  # noqa: BLE001 - any failure means "not an answer"
        if isinstance(exc, KeyboardInterrupt):
            raise
        return False
    finally:
        plt.close("all")
    return True


def test_no_student_callable_passes_a_hidden_check(wheel):
    """Bind every callable of the student package to every question's name: none may pass."""
    import matplotlib

    matplotlib.use("Agg")
    modules = sorted(_module_name(p) for p in _wheel_sources(wheel))
    candidates = _reachable_callables(modules)
    assert len(candidates) > 50, [label for label, _ in candidates]
    leaks = []
    for question, check in _questions().items():
        for label, fn in candidates:
            if _passes(check, fn):
                leaks.append(f"{label} answers {question}")
    assert not leaks, leaks


def test_the_hidden_checks_do_recognise_an_answer():
    """The proof above can fail: the reference answers pass the hidden checks."""
    from course_utils.reference import solutions

    for question, check in _questions().items():
        assert _passes(check, getattr(solutions, question)), question


# --------------------------------------------------------------------------- (c)


class _Normalise(ast.NodeTransformer):
    """Numbers compare by value (``0`` and ``0.0``, ``255`` and ``255.0`` are the same)."""

    def visit_Constant(self, node):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return ast.copy_location(ast.Constant(float(node.value)), node)
        return node


_BOILERPLATE_CALLS = {
    "np.asarray", "np.array", "np.linalg.svd", "np.zeros", "np.zeros_like", "np.empty", "np.empty_like",
    "float", "int", "list", "range", "len", "np.linspace",
}


def _dump(node):
    return ast.dump(_Normalise().visit(node), annotate_fields=False)


def _size(node):
    return sum(1 for _ in ast.walk(node))


def _trivial(node):
    """Imports, docstrings, ``raise NotImplementedError``, small statements and SVD/array boilerplate."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass, ast.Raise, ast.Expr)) or _size(node) < 12:
        return True
    value = getattr(node, "value", None)
    return isinstance(value, ast.Call) and ast.unparse(value.func) in _BOILERPLATE_CALLS


def _solution_fragments():
    """``{normalised dump: (notebook, code)}`` of the non-trivial statements and returned/assigned values."""
    fragments = {}
    for path in sorted(SOURCE.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
                tree = ast.parse(textwrap.dedent(region))
                for node in ast.walk(tree):
                    if isinstance(node, ast.stmt) and not _trivial(node):
                        fragments[_dump(node)] = (path.name, ast.unparse(node).splitlines()[0])
                    if isinstance(node, (ast.Return, ast.Assign)) and node.value is not None \
                            and not _trivial(node) and _size(node.value) >= 12:
                        fragments[_dump(node.value)] = (path.name, ast.unparse(node.value))
    assert len(fragments) > 20, fragments
    return fragments


def _docstring_code(tree):
    """The code of every doctest example in the docstrings of a module."""
    parser = doctest.DocTestParser()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node)
            if doc:
                code = "".join(example.source for example in parser.get_examples(doc))
                if code:
                    yield code


def _student_code(wheel):
    """``{where: source}`` of the code students receive: wheel modules, their doctests, release cells."""
    code = {}
    for name, text in _wheel_sources(wheel).items():
        code[name] = text
        for i, example in enumerate(_docstring_code(ast.parse(text))):
            code[f"{name} (docstring example {i})"] = example
    for path in sorted(RELEASE.glob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                code[f"{path.name} cell {i}"] = "\n".join(
                    ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    return code


def _leaks(fragments, code):
    found = []
    for where, source in code.items():
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.stmt, ast.expr)):
                hit = fragments.get(_dump(node))
                if hit:
                    found.append(f"{where}: {hit[1]!r} (a solution of {hit[0]})")
    return found


def test_no_solution_code_in_student_files(wheel):
    leaks = _leaks(_solution_fragments(), _student_code(wheel))
    assert not leaks, leaks


def test_the_solution_comparison_can_fail():
    """A docstring example that defines a correct answer is caught."""
    leaked = {"course_utils/checks/demo.py": '"""\n>>> f = lambda A: np.linalg.eigvalsh(A.T @ A)[::-1]\n"""'}
    code = {}
    for name, text in leaked.items():
        code.update({f"{name} (docstring example {i})": c for i, c in enumerate(_docstring_code(ast.parse(text)))})
    assert _leaks(_solution_fragments(), code)


def _mark_scheme_sentences():
    sentences = set()
    for path in sorted(SOURCE.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in re.findall(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", cell.source, re.S):
                for sentence in re.split(r"(?<=[.!?])\s+|\n+", region):
                    sentence = " ".join(sentence.split())
                    if len(sentence) > 30:
                        sentences.add(sentence)
    assert len(sentences) > 10
    return sentences


def _mark_scheme_leaks(texts):
    """``where: sentence`` for each mark-scheme sentence found in ``{where: text}`` (whitespace-normalised)."""
    texts = {where: " ".join(text.split()) for where, text in texts.items()}
    return [f"{where}: {s[:60]}..." for s in _mark_scheme_sentences() for where, t in texts.items() if s in t]


def test_no_mark_scheme_sentence_in_student_files(wheel):
    texts = dict(_wheel_sources(wheel))
    for path in sorted(RELEASE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts[path.name] = " ".join(cell.source for cell in nb.cells)
    found = _mark_scheme_leaks(texts)
    assert not found, found


def test_the_mark_scheme_comparison_can_fail():
    """A rubric sentence pasted into a docstring, with other line breaks, is caught."""
    sentence = sorted(_mark_scheme_sentences())[0]
    words = sentence.split()
    planted = '"""Notes\n    ' + " ".join(words[:3]) + "\n    " + " ".join(words[3:]) + '\n"""'
    assert _mark_scheme_leaks({"course_utils/checks/demo.py": planted})


_SOURCE_DOCUMENT = re.compile(r"\bseeds?[ _/]?0\d\d\b|shared/seeds", re.I)


def _source_document_mentions(texts):
    return [f"{where}: {m.group(0)!r}" for where, text in texts.items() for m in _SOURCE_DOCUMENT.finditer(text)]


def test_student_files_do_not_name_the_course_source_documents(wheel):
    """The documents the course was made from are the instructors' business, not a label on a student's plot."""
    texts = dict(_wheel_sources(wheel))
    for path in sorted(RELEASE.glob("*.ipynb")) + sorted((ROOT / "notebooks").glob("*.ipynb")):
        texts[path.name] = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    assert not _source_document_mentions(texts), _source_document_mentions(texts)


def test_the_source_document_search_can_fail():
    assert _source_document_mentions({"figures.py": "label='by sigma (seed 001 rule)'"})
    assert not _source_document_mentions({"variant.py": "seed_for('noise', default=2024)"})
