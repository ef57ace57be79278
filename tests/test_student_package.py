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
import json
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


# --------------------------------------------------------------------------- (b)


def _questions():
    """``{function the question asks for: its hidden check}`` of every autograded function question.

    The variable questions (``k_99``, the rank choices) store numbers, not callables.
    """
    checks = (getattr(hidden, name) for name in hidden.__all__)
    return {re.search(r"Hidden check of ``(\w+)\(", check.__doc__).group(1): check for check in checks}


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


def test_no_mark_scheme_sentence_in_student_files(wheel):
    texts = {name: " ".join(text.split()) for name, text in _wheel_sources(wheel).items()}
    for path in sorted(RELEASE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts[path.name] = " ".join(" ".join(cell.source for cell in nb.cells).split())
    found = [f"{where}: {s[:60]}..." for s in _mark_scheme_sentences() for where, t in texts.items() if s in t]
    assert not found, found
