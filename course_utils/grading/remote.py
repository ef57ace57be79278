"""Shared-nothing grading: nbgrader on the trusted side, notebooks executed on Dask workers.

Only the trusted process runs nbgrader: it reads the submissions, sanitizes each notebook,
writes ``autograded/`` and the gradebook.  Its execute step is :class:`RemoteExecute`, which
nbgrader calls like any ``Execute`` preprocessor (it takes the place of
:class:`~course_utils.grading.execute.SandboxedExecute` in ``Autograde.autograde_preprocessors``).
Instead of starting a kernel, it sends one task to a Dask worker carrying

* the sanitized notebook (JSON text),
* the kernel's environment, computed here: the student's variant key
  (:func:`course_utils.grading.variants.student_key`, so no worker needs the course secret),
  ``NBGRADER_EXECUTION=autograde`` and one BLAS thread,
* the execution settings of the course's config (timeouts, sandbox, memory limit),

and gets the executed notebook back.  The worker (:func:`execute_notebook`) runs it with
:class:`~course_utils.grading.execute.SandboxedExecute` in its own bubblewrap sandbox and
scratch folder; it needs the installed ``course_utils`` package and bubblewrap, no course
folder, gradebook or secret.  The sandbox gives every kernel an empty scratch folder, so a
notebook needs no other file.

A worker that dies while running a notebook loses nothing: the scheduler runs the task again
on another worker.  The scheduler announces each lost worker, with the tasks it was running,
as a Dask event (topic :data:`EVENT_TOPIC`, action ``remove-worker``); the notebook's grading
report (metadata :data:`~course_utils.grading.execute.METADATA_KEY`) records the worker that
ran it and, when it had to run again, the workers lost on the way.

:class:`ThreadSafeAutograde` is nbgrader's ``Autograde`` for several students at once in one
process: nbgrader sets ``NBGRADER_EXECUTION`` in the process environment around execution,
which threads would race on; here the variable goes to the remote kernel instead.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

import nbformat
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from traitlets import Float, Integer

from . import variants
from .execute import KERNEL_ENV, METADATA_KEY, SandboxedExecute

__all__ = ["RemoteExecute", "ThreadSafeAutograde", "execute_notebook", "use_client", "EVENT_TOPIC",
           "SHIPPED_SECTIONS", "ONE_THREAD", "KERNEL_ENV"]

#: The scheduler's event topic that announces a lost worker and the tasks it was running.
EVENT_TOPIC = "all"

#: Config sections sent to the worker: what the execution of a notebook depends on.
SHIPPED_SECTIONS = ("NotebookClient", "ExecutePreprocessor", "Preprocessor", "NbGraderPreprocessor", "Execute",
                    "SandboxedExecute", "KernelManager", "AsyncKernelManager", "SandboxKernelManager")

#: One BLAS/OpenMP thread per grading kernel (several kernels share a machine's cores).
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

_lock = threading.Lock()
_client = None
_lost: dict[str, list[str]] = {}  # task key -> workers lost while it was assigned to them


def _record_lost_worker(event):
    _time, msg = event
    if isinstance(msg, dict) and msg.get("action") == "remove-worker":
        with _lock:
            for key in msg.get("processing-tasks", ()):
                if str(key).startswith("execute-"):
                    _lost.setdefault(str(key), []).append(msg.get("worker", "?"))


def use_client(client):
    """Send the notebooks of :class:`RemoteExecute` to `client` (a ``distributed.Client``; None: stop).

    Subscribes to :data:`EVENT_TOPIC` so that a notebook run again (its worker was lost) is known.
    """
    global _client
    with _lock:
        if _client is not None and _client is not client:
            _client.unsubscribe_topic(EVENT_TOPIC)
        _client = client
        _lost.clear()
    if client is not None:
        client.subscribe_topic(EVENT_TOPIC, _record_lost_worker)


def _as_dict(config):
    return {k: _as_dict(v) if isinstance(v, dict) else v for k, v in config.items()}


def execute_notebook(notebook_json, kernel_env, config, key):
    """Execute one notebook in the sandbox; runs on a Dask worker.

    Parameters
    ----------
    notebook_json : str
        The sanitized notebook.
    kernel_env : dict of str to str
        Added to the kernel's environment (variant key, ``NBGRADER_EXECUTION``, BLAS threads).
    config : dict
        Config sections (:data:`SHIPPED_SECTIONS`) of the course.
    key : str
        The task's key (for messages).

    Returns
    -------
    dict
        ``notebook`` (the executed notebook, JSON text), ``worker`` (its address) and
        ``seconds``.
    """
    from distributed import get_worker
    from traitlets.config import Config

    start = time.perf_counter()
    try:
        where = get_worker().address
    except ValueError:  # called outside a worker (tests)
        where = f"{os.uname().nodename}:{os.getpid()}"
    cfg = Config(config)
    cfg.SandboxedExecute.variant_secret_file = ""  # the key comes with the task
    nb = nbformat.reads(notebook_json, as_version=4)
    executor = SandboxedExecute(config=cfg)
    nb, _ = executor.preprocess(nb, {"metadata": {}, "nbgrader": {}, KERNEL_ENV: dict(kernel_env)})
    return {"notebook": nbformat.writes(nb), "worker": where, "seconds": time.perf_counter() - start}


class RemoteExecute(SandboxedExecute):
    """nbgrader's execute step, run on a Dask worker (see the module docstring).

    It reads the same configuration as :class:`SandboxedExecute` (``variant_secret_file`` is
    read here, on the trusted side) and needs a client given to :func:`use_client`.
    """

    task_timeout = Float(
        0, config=True,
        help="Seconds to wait for a worker to return a notebook (0: 600 s plus the cell time limits of the "
             "notebook); past it the submission fails and is reported, the run goes on.")
    task_retries = Integer(
        0, config=True,
        help="Extra runs when the task raises (a worker that dies is always replaced by another run).")

    def kernel_environment(self, resources):
        """The environment a worker adds to the kernel: variant key, NBGRADER_EXECUTION, one BLAS thread."""
        env = super().kernel_environment(resources)
        env.update(ONE_THREAD, NBGRADER_EXECUTION="autograde")
        return env

    def preprocess(self, nb, resources=None, km=None):
        """Execute `nb` on a worker; return ``(executed notebook, resources)``."""
        client = _client
        if client is None:
            raise RuntimeError("RemoteExecute has no Dask client: call course_utils.grading.remote.use_client first")
        resources = resources if resources is not None else {}
        info = resources.get("nbgrader", {})
        label = f"{info.get('student', '?')}/{info.get('notebook', '?')}"
        key = f"execute-{label.replace('/', '-')}-{uuid.uuid4().hex[:8]}"
        config = _as_dict({k: self.config[k] for k in SHIPPED_SECTIONS if k in self.config})
        timeout = self.task_timeout or 600 + sum(c.cell_type == "code" for c in nb.cells) * (
            (self.timeout or 0) + 2 * self.guard_timeout)
        future = client.submit(execute_notebook, nbformat.writes(nb), self.kernel_environment(resources), config, key,
                               key=key, pure=False, retries=self.task_retries)
        try:
            out = future.result(timeout=timeout)
        except TimeoutError:
            future.cancel()
            raise RuntimeError(f"no worker returned {label} within {timeout:.0f} s") from None
        executed = nbformat.reads(out["notebook"], as_version=4)
        with _lock:
            lost = _lost.pop(key, [])
        report = executed.metadata.setdefault(METADATA_KEY, {})
        report["worker"] = out["worker"]
        report["runs"] = 1 + len(lost)
        report["lost_workers"] = lost
        self.log.info("Executed %s on %s in %.1f s%s", label, out["worker"], out["seconds"],
                      f" (graded again: worker(s) lost: {', '.join(lost)})" if lost else "")
        return executed, resources


class ThreadSafeAutograde(Autograde):
    """nbgrader's ``Autograde`` without the process-wide ``NBGRADER_EXECUTION`` switch.

    ``Autograde.convert_single_notebook`` sets and then removes ``NBGRADER_EXECUTION`` in
    ``os.environ``; with several students graded from threads one thread's removal would
    leave another's kernel without it.  This is the same method without that switch: the
    variable reaches the kernel through :meth:`RemoteExecute.kernel_environment`.
    """

    def convert_single_notebook(self, notebook_filename):
        self.log.info("Sanitizing %s", notebook_filename)
        self._sanitizing = True
        self._init_preprocessors()
        BaseConverter.convert_single_notebook(self, notebook_filename)

        notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
        self.log.info("Autograding %s", notebook_filename)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            BaseConverter.convert_single_notebook(self, notebook_filename)
        finally:
            self._sanitizing = True
