"""A kernel that runs a student's notebook inside a bubblewrap sandbox.

:class:`SandboxKernelManager` is a jupyter_client kernel manager: nbgrader's ``Execute``
preprocessor takes it as its ``kernel_manager_class`` (see ``nbgrader_config.py``), so
nbgrader runs the notebook as usual and only the kernel process is confined.

Each kernel gets a fresh scratch folder outside the course as its working directory.
Under bubblewrap (``bwrap``) the kernel runs as an unprivileged user (uid 65534) in new
user, PID, network, IPC and mount namespaces: it reads only the system and Python folders
and the installed ``course_utils``, writes only its scratch folder and a private ``/tmp``,
has no network, cannot see or signal the grader's processes, and every process it starts
dies with it.  Where bubblewrap cannot start (macOS, no ``bwrap``, user namespaces
disabled) the kernel runs unconfined in its scratch folder and :func:`sandbox_status` says
so; the pipeline prints that in its report.

The three details that make a Jupyter kernel work inside bubblewrap: ZeroMQ over unix
sockets in a folder bound into the sandbox (no shared network namespace), no
``JPY_PARENT_PID`` (the parent is invisible from the new PID namespace), and interrupts
sent as messages (``--new-session`` stops signals to the process group).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, Integer

__all__ = ["SandboxKernelManager", "sandbox_status", "SANDBOX_UID"]

#: The unprivileged user the sandboxed kernel runs as ("nobody").
SANDBOX_UID = 65534
_SCRATCH = "/tmp/scratch"  # the kernel's working directory inside the sandbox
_GUARD_START = Path(__file__).with_name("guard_start.py")

# Environment variables passed to the kernel; everything else of the grader's (tokens,
# passwords, database URLs) stays out.
_ENV_KEEP = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "NBGRADER_EXECUTION", "NBGRADER_VALIDATING",
             "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "JPY_SESSION_NAME",
             "PYDEVD_DISABLE_FILE_VALIDATION")


def _package_path():
    """The folder to give the kernel as ``PYTHONPATH``, or None.

    A grader that imports ``course_utils`` from a folder on its own ``PYTHONPATH`` (a checkout or
    a git worktree run with ``PYTHONPATH=...``) gives its kernels that folder, so that they
    import the same package as the grader (the sandbox mounts only its ``course_utils/``);
    an installed package needs nothing.
    """
    folder = str(Path(__file__).resolve().parents[2])
    listed = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return folder if folder in listed else None


def _bwrap_base():
    """bubblewrap arguments shared by the probe and the kernel: what the sandbox can see."""
    args = ["bwrap"]
    for folder in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"):
        args += ["--ro-bind-try", folder, folder]
    # The private /tmp first: the environment or the package may live under /tmp (a CI checkout),
    # and a later bind is mounted on top of it.
    args += ["--tmpfs", "/tmp"]
    package = Path(__file__).resolve().parents[1]  # an editable install lives outside the environment
    for folder in dict.fromkeys([sys.base_prefix, sys.prefix, str(package)]):
        args += ["--ro-bind", folder, folder]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--unshare-all", "--die-with-parent", "--new-session",
             "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
    return args


@functools.cache
def sandbox_status():
    """Whether kernels can run in the bubblewrap sandbox on this machine.

    Returns
    -------
    tuple of (bool, str)
        ``(True, "bubblewrap ...")`` when a probe command ran inside the sandbox as the
        unprivileged user, else ``(False, why)`` with what to install or enable.
    """
    if sys.platform != "linux":
        return False, f"no sandbox on {sys.platform}: bubblewrap needs Linux; student code runs unconfined"
    if shutil.which("bwrap") is None:
        return False, ("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap); "
                       "student code runs unconfined")
    probe = _bwrap_base() + [sys.executable, "-c", "import os, course_utils; print(os.getuid())"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap could not start ({exc}); student code runs unconfined"
    if proc.returncode != 0 or proc.stdout.strip() != str(SANDBOX_UID):
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return False, f"bubblewrap could not start a sandbox ({why}); student code runs unconfined"
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    return True, f"{version or 'bubblewrap'}: uid {SANDBOX_UID}, no network, own PID namespace, read-only system"


def _descendants(pid):
    """PIDs of every live descendant of `pid` (Linux /proc), children first."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cmdline(pid):
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in a scratch folder, inside bubblewrap when it can.

    Configure it as nbgrader's ``c.Execute.kernel_manager_class``.  The kernel spec is
    the current interpreter's ipykernel (``interrupt_mode="message"``), whatever kernel
    name the notebook asks for, and it runs ``guard_start.py`` before any student code.
    """

    sandbox = CaselessStrEnum(
        ["auto", "required", "off"], default_value="auto", config=True,
        help="auto: bubblewrap when it works, else unconfined; required: refuse to run unconfined; off: never.")
    memory_limit = Integer(
        4 * 1024**3, config=True,
        help="Address-space limit of the kernel in bytes (RLIMIT_AS): a larger allocation raises MemoryError.")

    _root = None

    @property
    def kernel_spec(self):
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                      f"--IPKernelApp.exec_files={json.dumps([str(_GUARD_START)])}"],
                display_name="Python 3 (grading sandbox)", language="python", interrupt_mode="message")
        return self._kernel_spec

    @property
    def sandboxed(self):
        """True when this kernel runs (or will run) inside bubblewrap."""
        if self.sandbox == "off":
            return False
        works, why = sandbox_status()
        if not works and self.sandbox == "required":
            raise RuntimeError(f"SandboxKernelManager.sandbox = 'required' but {why}")
        return works

    @property
    def scratch(self):
        """The kernel's working folder on the grader's side (None before the kernel starts)."""
        return None if self._root is None else self._root / "scratch"

    async def _async_pre_start_kernel(self, **kw):
        self._root = Path(tempfile.mkdtemp(prefix="course-grading-"))
        for name in ("scratch", "sock", "mpl", "home"):
            (self._root / name).mkdir()
            (self._root / name).chmod(0o777)  # writable by the sandbox user
        _copy_font_cache(self._root / "mpl")
        kw["cwd"] = str(self.scratch)
        env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP}
        env.update(kw.get("env") or {})
        env.pop("JPY_PARENT_PID", None)  # the parent is invisible from the sandbox's PID namespace
        if _package_path():
            env["PYTHONPATH"] = _package_path()
        env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
                   COURSE_MEMORY_LIMIT=str(self.memory_limit), PYTHONNOUSERSITE="1",
                   PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
        if self.sandboxed:
            sock = self._root / "sock"
            self.transport, self.ip = "ipc", str(sock / "k")
            self.connection_file = str(sock / "kernel.json")
            env.update(HOME="/tmp/home", TMPDIR="/tmp", MPLCONFIGDIR="/tmp/mpl")
        else:
            env.update(HOME=str(self._root / "home"), MPLCONFIGDIR=str(self._root / "mpl"))
        kw["env"] = env
        kw.setdefault("stdout", subprocess.DEVNULL)  # ipykernel's start-up banner; its stderr is kept
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if self.sandboxed:
            sock = self._root / "sock"
            cmd = (_bwrap_base()
                   + ["--bind", str(sock), str(sock), "--bind", str(self.scratch), _SCRATCH,
                      "--bind", str(self._root / "mpl"), "/tmp/mpl", "--dir", "/tmp/home",
                      "--chdir", _SCRATCH, "--clearenv"]
                   + [a for k, v in kw["env"].items() for a in ("--setenv", k, v)]
                   + cmd)
        return cmd, kw

    def leftover_processes(self, end=True):
        """Processes the kernel started that are still running, ended here when `end` is true.

        Returns
        -------
        list of str
            The command line of each, e.g. ``["sleep 1000"]``; bubblewrap's own processes
            and the kernel itself are not listed.
        """
        process = getattr(self.provisioner, "process", None)
        if process is None or sys.platform != "linux":
            return []
        left = []
        for pid in _descendants(process.pid):
            cmd = _cmdline(pid)
            if not cmd or cmd.startswith("bwrap") or "ipykernel_launcher" in cmd:
                continue
            left.append(cmd)
            if end:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        return left

    def files_written(self):
        """Paths (relative, sorted) of the files the kernel left in its scratch folder."""
        if self.scratch is None or not self.scratch.exists():
            return []
        return sorted(p.relative_to(self.scratch).as_posix() for p in self.scratch.rglob("*") if p.is_file())

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if self._root is not None and not restart:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    cleanup_resources = _async_cleanup_resources


def _copy_font_cache(dest):
    """Give the kernel matplotlib's font list, so that it does not rebuild it (seconds) in every kernel."""
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401  (builds the cache on first use)
    except ImportError:
        return
    for path in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(path, dest / path.name)
