"""nbgrader's ``Execute`` preprocessor, made safe for untrusted notebooks.

:class:`SandboxedExecute` replaces ``nbgrader.preprocessors.Execute`` in the course's
``Autograde.autograde_preprocessors`` (``nbgrader_config.py``).  It runs the notebook as
nbgrader does, cell by cell in one kernel, with three differences:

* the kernel is a :class:`~course_utils.grading.sandbox.SandboxKernelManager` (bubblewrap,
  scratch folder);
* a notebook costs only itself: when its kernel dies (``exit()``, ``os._exit``, a crash)
  or a cell cannot be interrupted at the timeout, the cell and every code cell after it
  get an error output saying so (so their tests score 0, as in a *Restart & Run All*),
  and nbgrader goes on to grade this notebook's earlier cells and the student's other
  notebooks, instead of abandoning the whole submission;
* before each test cell, :func:`course_utils.grading.guard.restore` puts back whatever
  the student's code rebound;
* the kernel gets the student's variant key (:mod:`course_utils.grading.variants`) when
  the course has a variant secret, so the notebook draws the student's own data; its
  report then holds the answers the data decide (``answers``, see
  :mod:`course_utils.grading.answers`), as the notebook left them.

What happened is stored in the notebook's metadata under :data:`METADATA_KEY`, for the
pipeline's needs-attention report: the sandbox, the cell where the kernel was lost,
what was rebound, numpy MemoryErrors (caught or not), processes left running (ended),
files written and, with a variant, the data-dependent answers.
"""

from __future__ import annotations

import ast
import json
from queue import Empty

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from . import answers, variants
from .sandbox import SandboxKernelManager

__all__ = ["SandboxedExecute", "METADATA_KEY", "NOT_RUN", "is_test_cell"]

#: Notebook metadata key of the execution report.
METADATA_KEY = "course_utils_grading"

#: ``resources`` key of a kernel environment computed by the trusted side (see :meth:`SandboxedExecute.kernel_environment`).
KERNEL_ENV = "course_utils_kernel_env"

#: ``ename`` of the error output given to cells that could not run.
NOT_RUN = "CellNotRun"

_RESTORE = "import course_utils.grading.guard as _g; _g.restore(); del _g"
_REPORT = "__import__('course_utils.grading.guard', fromlist=['report']).report({names!r})"


class _KernelLost(Exception):
    """The kernel can no longer run cells (dead, or stuck past an interrupt)."""


def is_test_cell(cell):
    """True for an nbgrader test cell: graded, locked code that is not an answer."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


class SandboxedExecute(Execute):
    """Execute a notebook in a sandboxed kernel; a lost kernel costs only the cells it could not run."""

    guard_timeout = Integer(
        10, config=True, help="Seconds to wait for the kernel to answer a guard request before calling it stuck.")

    variant_secret_file = Unicode(
        "", config=True,
        help="File with the course secret of per-student variants (course_utils.grading.variants). "
             "Variants are off when it is empty or missing and COURSE_VARIANT_SECRET is not set.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    async def _async_request(self, code, expression=None):
        """Run `code` silently in the kernel; return the value of `expression` (text), or raise _KernelLost."""
        msg_id = self.kc.execute(code, silent=True, store_history=False,
                                 user_expressions={"value": expression} if expression else {})
        waited = 0.0
        while True:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=1)
            except Empty:
                waited += 1
                if not await self.kc.is_alive() or waited > self.guard_timeout:
                    raise _KernelLost("the kernel does not answer") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                value = msg["content"].get("user_expressions", {}).get("value", {})
                return value.get("data", {}).get("text/plain") if value.get("status") == "ok" else None

    _request = run_sync(_async_request)

    def _timed_out(self, cell):
        return any(o.output_type == "error" and o.ename == self.error_on_timeout["ename"] for o in cell.get("outputs", []))

    def _mark_not_run(self, start, why):
        for cell in self.nb.cells[start:]:
            if cell.cell_type == "code":
                cell.outputs.append(NotebookNode(output_type="error", ename=NOT_RUN, evalue=why,
                                                 traceback=[f"{NOT_RUN}: {why}"]))

    def _guard_report(self, names=()):
        text = self._request("", _REPORT.format(names=tuple(names)))
        try:
            return json.loads(ast.literal_eval(text)) if text else {}
        except (TypeError, ValueError):
            return {"rebound": ["the guard's report (unreadable: the guard itself was changed)"]}

    def kernel_environment(self, resources):
        """Variables added to the kernel's environment: the student's variant key when the course has a secret.

        Parameters
        ----------
        resources : dict or None
            nbgrader's resources; ``resources["nbgrader"]["student"]`` names the student.  An
            environment already computed by the trusted side (``resources[KERNEL_ENV]``, see
            :mod:`course_utils.grading.remote`) is used as it is, without reading a secret.

        Returns
        -------
        dict of str to str
        """
        resources = resources or {}
        if resources.get(KERNEL_ENV) is not None:
            return dict(resources[KERNEL_ENV])
        student = resources.get("nbgrader", {}).get("student")
        secret = variants.load_secret(self.variant_secret_file or None)
        return variants.kernel_environment(secret, student) if student else {}

    def preprocess(self, nb, resources=None, km=None):
        """Execute `nb` (see the module docstring); return ``(nb, resources)``."""
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        env = self.kernel_environment(resources)
        report = {"sandboxed": None, "lost_at": None, "lost_why": None, "rebound": [], "memory_errors": 0,
                  "outside": [], "instructor": [], "processes": [], "files": [],
                  "variant_key": bool(env.get(variants.KEY_VARIABLE))}
        index = 0
        with self.setup_kernel(env=env):
            report["sandboxed"] = bool(getattr(self.km, "sandboxed", False))
            try:
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                for index, cell in enumerate(self.nb.cells):
                    if is_test_cell(cell):
                        self._request(_RESTORE)
                    self.preprocess_cell(cell, resources, index)
                    if self._timed_out(cell):
                        self._request("")  # an interrupted kernel answers; a stuck one does not
                # with a variant, the answers the data decide too (for course_utils.grading.copies)
                report.update(self._guard_report(answers.NAMES if report["variant_key"] else ()))
            except (DeadKernelError, CellTimeoutError, _KernelLost) as exc:
                dead = isinstance(exc, DeadKernelError) or not run_sync(self.kc.is_alive)()
                report["lost_at"] = index + 1
                report["lost_why"] = "died" if dead else "stuck"
                what = ("the kernel died (exit(), os._exit or a crash)" if dead
                        else "a cell could not be interrupted at the time limit")
                self._mark_not_run(index, f"not run: {what} in cell {index + 1}; "
                                          "this and the following cells score 0, as in Restart & Run All")
            if isinstance(self.km, SandboxKernelManager):
                report["processes"] = self.km.leftover_processes(end=True)
                report["files"] = self.km.files_written()
        self.set_widgets_metadata()
        nb.metadata[METADATA_KEY] = report
        return nb, self.resources
