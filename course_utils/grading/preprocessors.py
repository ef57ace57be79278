"""nbgrader extensions, switched on in ``nbgrader_config.py``.

``HideHiddenTestOutput``
    Feedback step. nbgrader's feedback shows hidden test cells verbatim, and a failing
    hidden assert shows its source line in the traceback even after ``ClearHiddenTests``.
    In cells with hidden tests this keeps only ``ErrorName: message`` of an error and
    drops printed output; ``ClearHiddenTests`` must run after it.
``WithholdInstructorCode``
    Feedback step. Hidden tests run in the student's kernel, where the instructor's
    modules can be imported, so a notebook can print their source into its outputs.
    Any output quoting :data:`QUOTE_LINES` or more lines of them (see
    :func:`instructor_lines`) is replaced by a notice; the pipeline reports the
    submission ("quoted instructor code").
``LimitOutputSize``
    Autograde step, after ``LimitOutput`` (which counts lines, not characters, and
    ignores images): caps the characters of text outputs and the number and bytes of
    image outputs, so a runaway cell cannot produce a 100 MB notebook or feedback page.
    What it drops is replaced by a line starting with :data:`OUTPUT_LIMITED_MARK`,
    which the pipeline reports.
``ShowVariant``
    Autograde and feedback step. With a course variant secret, puts one markdown cell at the
    top of the notebook saying which data the student had (:func:`~course_utils.grading.variants.variant_words`:
    the seed and, for week5_svd, part 2's window and turn and part 3's noise level), so a
    grader reading a proof or an observation in the formgrader, and the student reading the
    feedback, know what the notebook was graded on. Nothing without a secret. The cell has no
    nbgrader metadata (it is not graded) and carries :data:`VARIANT_CELL`; a cell carrying it
    already (an earlier run, or one a student forged) is replaced, so there is only ever one.
"""

from __future__ import annotations

import functools
from pathlib import Path

from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from . import variants

__all__ = ["HideHiddenTestOutput", "WithholdInstructorCode", "LimitOutputSize", "OUTPUT_LIMITED_MARK",
           "instructor_lines", "quoted_instructor_lines", "QUOTE_LINES", "ShowVariant", "VARIANT_CELL"]

#: Start of the line that replaces dropped output.
OUTPUT_LIMITED_MARK = "[output limited by the grader]"

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


class HideHiddenTestOutput(NbGraderPreprocessor):
    """Cut the tracebacks and printed output of cells that hold hidden tests."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", help="Marks a hidden-test region").tag(config=True)
    note = Unicode(
        "(the hidden tests' own output is not shown)", help="Replaces the printed output of hidden-test cells"
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        outputs = []
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                # The traceback quotes the hidden lines; the exception's own message is what a student needs.
                out.traceback = [f"{out.ename}: {out.evalue}"]
                outputs.append(out)
        outputs.insert(0, new_output("stream", name="stdout", text=self.note + "\n"))
        cell.outputs = outputs
        return cell, resources


#: Distinct instructor lines an output must quote to be withheld (a student's own code may share one or two).
QUOTE_LINES = 3
_MIN_LINE = 30  # shorter lines (imports, `return x`) are too common to mean anything


@functools.cache
def instructor_lines():
    """Lines (stripped, 30 characters or more) of the package files students never receive.

    Returns
    -------
    frozenset of str
        Lines of every ``course_utils`` file outside :data:`course_utils.STUDENT_MODULES`,
        ``grading/`` and ``kit.py`` that no student file contains.
    """
    from course_utils import STUDENT_MODULES
    from course_utils.kit import module_files

    package = Path(__file__).resolve().parents[1]
    public = {p.resolve() for name in STUDENT_MODULES for p in module_files(name)}
    public_text = "".join(p.read_text(encoding="utf-8") for p in public)
    lines = set()
    for path in package.rglob("*.py"):
        if path.resolve() in public or "grading" in path.relative_to(package).parts or path.name == "kit.py":
            continue
        lines |= {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if len(ln.strip()) >= _MIN_LINE}
    return frozenset(ln for ln in lines if ln not in public_text)


def _output_text(out):
    if out.output_type == "stream":
        return out.get("text", "")
    if out.output_type == "error":
        return "\n".join(out.get("traceback", [])) + f"\n{out.get('evalue', '')}"
    return "\n".join(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))


def quoted_instructor_lines(cell_or_output):
    """How many distinct instructor lines the outputs of a cell, or one output, quote (see :func:`instructor_lines`)."""
    outputs = cell_or_output.get("outputs", None)
    text = "\n".join(_output_text(out) for out in ([cell_or_output] if outputs is None else outputs))
    return sum(1 for ln in instructor_lines() if ln in text) if text else 0


class WithholdInstructorCode(NbGraderPreprocessor):
    """Withhold outputs that quote the instructor's modules.

    A printed or displayed output that quotes :data:`QUOTE_LINES` lines or more is replaced by
    a notice; an error keeps its name and message (unless the message itself quotes them) and
    loses its traceback, whose frames in the instructor's modules would show their source.
    """

    notice = Unicode(
        "[output withheld by the grader: it quotes course code students do not receive]",
        help="Replaces an output that quotes the instructor's code").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        outputs = []
        for out in cell.get("outputs", []):
            if quoted_instructor_lines(out) < QUOTE_LINES:
                outputs.append(out)
            elif out.output_type == "error":
                out.traceback = [f"{out.ename}: {out.evalue}"]
                if quoted_instructor_lines(out) >= QUOTE_LINES:
                    out.evalue, out.traceback = self.notice, [f"{out.ename}: {self.notice}"]
                outputs.append(out)
            else:
                outputs.append(new_output("stream", name="stdout", text=self.notice + "\n"))
        cell.outputs = outputs
        return cell, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Cap text characters and images per cell, and image bytes per notebook."""

    max_text_chars = Integer(20_000, help="Characters kept per text output (-1: no limit)").tag(config=True)
    max_images_per_cell = Integer(5, help="Images kept per cell (-1: no limit)").tag(config=True)
    max_image_bytes = Integer(
        5_000_000, help="Bytes of (base64) image data kept per notebook (-1: no limit)"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        self._image_bytes = 0
        return super().preprocess(nb, resources)

    def _limit_text(self, text):
        if self.max_text_chars < 0 or len(text) <= self.max_text_chars:
            return text, False
        dropped = len(text) - self.max_text_chars
        return text[: self.max_text_chars] + f"\n{OUTPUT_LIMITED_MARK} {dropped} characters dropped\n", True

    def _keep_image(self, out, n_images):
        size = sum(len(str(out.data[t])) for t in _IMAGE_TYPES if t in out.data)
        if 0 <= self.max_images_per_cell <= n_images:
            return False
        if 0 <= self.max_image_bytes < self._image_bytes + size:
            return False
        self._image_bytes += size
        return True

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        outputs, n_images, dropped_images = [], 0, 0
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                out.text, _ = self._limit_text(out.text)
            elif out.output_type in ("display_data", "execute_result"):
                if any(t in out.data for t in _IMAGE_TYPES):
                    if not self._keep_image(out, n_images):
                        dropped_images += 1
                        continue
                    n_images += 1
                elif "text/plain" in out.data:
                    out.data["text/plain"], _ = self._limit_text(out.data["text/plain"])
            outputs.append(out)
        if dropped_images:
            note = f"{OUTPUT_LIMITED_MARK} {dropped_images} image(s) dropped\n"
            outputs.append(new_output("stream", name="stdout", text=note))
        cell.outputs = outputs
        return cell, resources


#: Cell metadata key of the cell :class:`ShowVariant` adds.
VARIANT_CELL = "course_utils_variant"


class ShowVariant(NbGraderPreprocessor):
    """Say at the top of the notebook which data (variant) the student had; nothing when variants are off."""

    variant_secret_file = Unicode(
        "", help="File with the course secret of per-student variants (as SandboxedExecute.variant_secret_file); "
                 "variants are off when it is empty or missing and COURSE_VARIANT_SECRET is not set.").tag(config=True)
    text = Unicode(
        "**Variant of this submission** (added by the grader, not graded): {words}. "
        "This notebook was run and graded on these data; every student's data are their own.",
        help="The cell's markdown; {words} is the variant in words").tag(config=True)

    def preprocess(self, nb, resources):
        ours = [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get(VARIANT_CELL)
                and not c.metadata.get("nbgrader")]
        nb.cells = [c for c in nb.cells if not any(c is o for o in ours)]
        info = (resources or {}).get("nbgrader", {})
        student, assignment = info.get("student"), info.get("assignment")
        secret = variants.load_secret(self.variant_secret_file or None)
        words = variants.variant_words(secret, student, assignment) if student and assignment else ""
        if not words:
            return nb, resources
        cell = new_markdown_cell(self.text.format(words=words), metadata={
            VARIANT_CELL: True, "deletable": False, "editable": False})
        if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) < 5:
            del cell["id"]  # cell ids came with nbformat 4.5
        else:
            taken = {c.get("id") for c in nb.cells}
            cell.id = next(i for i in (f"{VARIANT_CELL}-{n}" for n in range(len(taken) + 1)) if i not in taken)
        nb.cells.insert(0, cell)
        return nb, resources
