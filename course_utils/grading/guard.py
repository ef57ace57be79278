"""Inside the grading kernel: keep the course's checks and numpy/scipy as they were, and say who changed them.

The grader runs :func:`install` in every grading kernel before the student's first cell
(``guard_start.py``), and :func:`restore` before every test cell
(:class:`~course_utils.grading.execute.SandboxedExecute`).  :func:`install` imports the
course package and the numerical libraries, and records every module attribute, the code
of every Python function in them, and the modules themselves in ``sys.modules``.
:func:`restore` puts back whatever a student's cell rebound (``np.allclose = ...``,
``course_utils.checks.check_pinv = ...``, ``f.__code__ = ...``, ``sys.modules[...] = ...``,
a check's name in the notebook's namespace) and remembers what it was; :func:`report`
returns all that was found, for the needs-attention report.

A caught ``MemoryError`` leaves no output; numpy's allocation error is counted here as it
is raised, caught or not.  An audit hook (PEP 578, which a notebook cannot remove) records
every attempt to write a file outside the notebook's working folder and the kernel's own
home, configuration and temporary folders, or to delete, rename or change the mode of one
outside the first three, whether or not the sandbox let it happen.

The hidden checks need the instructor's reference (``course_utils.linalg``,
``course_utils.reference``) in the same kernel.  :func:`install` seals it: every function of
an instructor module (one outside :data:`course_utils.STUDENT_MODULES`, except the hidden
checks' public names the test cells call) is replaced by a gate that lets course code call it
and raises ``PermissionError`` when the caller is the student's code (a cell, a function it
defined, or library code it handed the function to); an import of an instructor module not yet
loaded raises ``ImportError``.  Each refusal is recorded.

Code that runs in the same process can always undo a guard on purpose; this one makes the
ordinary ways of forging a test ineffective and visible.  The sandbox
(:mod:`~course_utils.grading.sandbox`) is what keeps the rest of the grader out of reach.
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import sys
import types

__all__ = ["PROTECTED", "install", "restore", "report"]

#: Modules whose attributes a test relies on (every loaded ``course_utils`` module is added).
PROTECTED = ("builtins", "math", "numpy", "numpy.linalg", "numpy.testing", "numpy.random", "scipy",
             "scipy.linalg", "scipy.sparse.linalg", "skimage", "skimage.metrics",
             "sklearn.datasets", "sklearn.decomposition")  # notebook 4: the PCA check's data and reference

#: Modules whose public names a test cell uses bare (``check_pinv(pinv_svd)``).
_CHECK_MODULES = ("course_utils.checks", "course_utils.reference.hidden")

_MISSING = object()
# Swapped by ipykernel itself around every execution (stdin forwarding).
_VOLATILE = {("builtins", "input"), ("builtins", "raw_input"), ("getpass", "getpass")}
_state = {"modules": {}, "attrs": {}, "code": {}, "bare": {}, "rebound": [], "memory_errors": 0, "outside": [],
          "created": set(), "instructor": []}

# Audit events (PEP 578) that change a file, and where a notebook may change files: its working
# folder and the kernel's own home, temporary and matplotlib folders.
_FILE_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.truncate", "shutil.rmtree", "os.chmod", "os.chown"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_MAX_OUTSIDE = 20
_MAX_VALUES = 256  # numbers per reported answer (course_utils.grading.answers.MAX_VALUES)


def _allowed_roots(*names):
    return [os.path.realpath(r) for r in [os.getcwd()] + [os.environ.get(k) for k in names] if r]


def _audit(event, args):
    """Record attempts to change files outside the notebook's folder (allowed or not by the sandbox)."""
    if event == "open":
        path, mode, flags = args
        if not isinstance(path, (str, bytes)) or not ((mode and any(c in mode for c in "wax+")) or
                                                      (isinstance(flags, int) and flags & _WRITE_FLAGS)):
            return
        what, roots = "open for writing", _state["write_roots"]  # a new temporary file is fine
    elif event in _FILE_EVENTS or event == "os.mkdir":
        path, what, roots = args[0], event.split(".")[-1], _state["change_roots"]
    else:
        return
    if len(_state["outside"]) >= _MAX_OUTSIDE or not isinstance(path, (str, bytes)):
        return
    full = os.path.realpath(os.fsdecode(path))
    if what in ("open for writing", "mkdir") and not os.path.exists(full):
        _state["created"].add(full)  # the process may remove what it created (temporary files)
    if what == "mkdir" or full in _state["created"] or os.path.dirname(full) in _state["created"]:
        return
    if not any(full == root or full.startswith(root + os.sep) for root in roots):
        entry = f"{what} {full}"
        if entry not in _state["outside"]:
            _state["outside"].append(entry)


def _course_root():
    import course_utils

    return os.path.dirname(os.path.realpath(course_utils.__file__)) + os.sep


def _library_roots():
    import sysconfig

    paths = sysconfig.get_paths()
    roots = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")} | {sys.prefix, sys.base_prefix}
    return tuple(os.path.realpath(r) + os.sep for r in roots)


def _student_called():
    """Whether the nearest caller that is not library code (numpy, functools, importlib, ...) is the student's."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_state["course_root"]):
            return False
        if not (filename.startswith("<frozen ") or filename.startswith(_state["library_roots"])):
            return True  # a cell, a function defined in one, exec'd text or a file of the submission
        frame = frame.f_back
    return False


def _refuse(what, error):
    if what not in _state["instructor"] and len(_state["instructor"]) < _MAX_OUTSIDE:
        _state["instructor"].append(what)
    raise error(f"{what} is the instructor's reference, used by the hidden tests; your notebook may not use it. "
                "Write the answer with numpy/scipy yourself.")


def _gate(module, name, fn):
    def gate(*args, **kwargs):
        if _student_called():
            _refuse(f"{module}.{name}", PermissionError)
        return fn(*args, **kwargs)
    gate.__name__ = gate.__qualname__ = name
    return gate


class _InstructorImports:
    """A meta path finder that refuses to load an instructor module for the student's code."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in _state["instructor_modules"] and _student_called():
            _refuse(name, ImportError)
        return None


def _instructor_module(name):
    import course_utils

    parts = name.split(".")
    return (parts[0] == "course_utils" and len(parts) > 1 and parts[1] not in course_utils.STUDENT_MODULES
            and name not in ("course_utils.grading", __name__, "course_utils.grading.guard_start"))


def _seal_instructor_code():
    """Gate every function of the loaded instructor modules; refuse to load the others."""
    import pkgutil

    import course_utils

    _state["course_root"], _state["library_roots"] = _course_root(), _library_roots()
    allowed = {(m, k) for m in _CHECK_MODULES for k in vars(sys.modules[m]) if not k.startswith("_")}
    for name in [m for m in sys.modules if _instructor_module(m)]:
        module = sys.modules[name]
        for attr, value in list(vars(module).items()):
            if (isinstance(value, types.FunctionType) and value.__module__ == name
                    and (name, attr) not in allowed):
                setattr(module, attr, _gate(name, attr, value))
    _state["instructor_modules"] = {
        m.name for m in pkgutil.walk_packages(course_utils.__path__, "course_utils.")
        if _instructor_module(m.name) and m.name not in sys.modules}
    sys.meta_path.insert(0, _InstructorImports)


def _function_state(fn):
    return fn.__code__, fn.__defaults__, fn.__kwdefaults__


def _set_function_state(fn, state):
    fn.__code__, fn.__defaults__, fn.__kwdefaults__ = state


def _count_memory_error(init):
    def __init__(self, *args, **kwargs):
        _state["memory_errors"] += 1
        init(self, *args, **kwargs)
    return __init__


def install():
    """Import and record the protected modules, and start counting numpy's MemoryErrors.

    Also applies the kernel's memory limit (environment variable ``COURSE_MEMORY_LIMIT``,
    bytes of address space) when it is set.
    """
    limit = int(os.environ.get("COURSE_MEMORY_LIMIT", "0"))
    if limit > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import course_utils.checks  # noqa: F401  (import the course before any student code can shadow it)
    import course_utils.reference.hidden  # noqa: F401

    _seal_instructor_code()
    names = [m for m in PROTECTED if importlib.util.find_spec(m.split(".")[0])]
    for name in names:
        importlib.import_module(name)
    names += sorted(m for m in sys.modules if m == "course_utils" or m.startswith("course_utils."))
    for name in names:
        module = sys.modules[name]
        _state["modules"][name] = module
        _state["attrs"][name] = dict(vars(module))
        for attr, value in vars(module).items():
            if isinstance(value, types.FunctionType):
                _state["code"][(name, attr)] = (value, _function_state(value))
    for name in _CHECK_MODULES:
        module = sys.modules[name]
        _state["bare"].update({k: v for k, v in vars(module).items() if not k.startswith("_") and callable(v)})
    try:
        from numpy._core import _exceptions
    except ImportError:  # numpy < 2
        from numpy.core import _exceptions
    error = _exceptions._ArrayMemoryError
    error.__init__ = _count_memory_error(error.__init__)
    _state["change_roots"] = _allowed_roots("HOME", "MPLCONFIGDIR", "IPYTHONDIR")
    _state["write_roots"] = _state["change_roots"] + _allowed_roots("TMPDIR")
    sys.addaudithook(_audit)  # cannot be removed by the notebook


def _found(what):
    if what not in _state["rebound"]:
        _state["rebound"].append(what)


def restore(namespace=None):
    """Put back every protected object a cell changed; record what was changed.

    Parameters
    ----------
    namespace : dict, optional
        The notebook's namespace (default: IPython's ``user_ns``); a name of a course
        check bound there to something else is put back too.
    """
    for name, module in _state["modules"].items():
        if sys.modules.get(name) is not module:
            _found(f"sys.modules[{name!r}]")
            sys.modules[name] = module
        current = vars(module)
        for attr, value in _state["attrs"][name].items():
            if current.get(attr, _MISSING) is not value and (name, attr) not in _VOLATILE:
                _found(f"{name}.{attr}")
                setattr(module, attr, value)
    for (name, attr), (fn, state) in _state["code"].items():
        if _function_state(fn) != state:
            _found(f"{name}.{attr}.__code__")
            _set_function_state(fn, state)
    if namespace is None:
        shell = getattr(builtins, "get_ipython", lambda: None)()
        namespace = shell.user_ns if shell is not None else {}
    for attr, value in _state["bare"].items():
        if attr in namespace and namespace[attr] is not value:
            _found(attr)
            namespace[attr] = value


def _plain(value, np, depth=0):
    """`value` as JSON data when it is a number or a small array or list of numbers, else None.

    Exact types only: nothing the notebook defined (a subclass, an object with ``__float__``)
    is called.
    """
    scalars = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
               np.float16, np.float32, np.float64)
    if type(value) is int:
        return value if -2**63 <= value < 2**64 else None  # no million-digit integer in the report
    if type(value) is float:
        return value
    if type(value) in scalars:
        return value.item()
    if type(value) is np.ndarray and value.dtype.type in scalars and value.ndim == 1 and value.size <= _MAX_VALUES:
        return value.tolist()
    if type(value) in (list, tuple) and depth == 0 and len(value) <= _MAX_VALUES:
        items = [_plain(v, np, 1) for v in value]
        return None if any(type(v) not in (int, float) for v in items) else items
    return None


def _answers(names, namespace):
    """The values of `names` in the notebook's namespace that are numbers (or small arrays of numbers)."""
    np = _state["modules"].get("numpy")
    found = {}
    for name in names[:_MAX_VALUES] if np is not None else ():
        try:
            value = _plain(namespace.get(name), np) if isinstance(name, str) else None
        except Exception:  # whatever the notebook left there, the report goes on
            value = None
        if value is not None:
            found[name] = value
    return found


def report(names=()):
    """What :func:`restore` put back, how many MemoryErrors numpy raised, the attempts to change
    files outside the notebook's folder and to use the instructor's code, as JSON text.

    Parameters
    ----------
    names : tuple of str, optional
        Answer variables to report too (``"answers"``: the value of each one that is a number or
        a small array of numbers after the notebook's last cell; see
        :mod:`course_utils.grading.answers`).
    """
    out = {"rebound": _state["rebound"], "memory_errors": _state["memory_errors"], "outside": _state["outside"],
           "instructor": _state["instructor"]}
    if names:
        try:  # a user expression runs outside the cell's builtins: ask IPython itself for the shell
            from IPython.core.getipython import get_ipython

            shell = get_ipython()
            namespace = shell.user_ns if shell is not None else {}
        except Exception:
            namespace = {}
        out["answers"] = _answers(tuple(names), namespace if isinstance(namespace, dict) else {})
    return json.dumps(out)
