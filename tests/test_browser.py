"""End-to-end test in a real browser: JupyterLab with nbgrader, as a student and as the instructor.

A student opens a completed copy of part 1, runs all cells and presses nbgrader's Validate button; a blank
copy must fail validation. The instructor opens the formgrader and sees the assignment. Everything runs on a
throwaway copy of the course (Validate saves the notebook with its outputs, so ``release/`` is never used
directly). Screenshots go to ``screenshots/`` (git-ignored) for a human to look at.

Needs Debian's chromium at /usr/bin/chromium (Playwright cannot download its own browser here).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("install Debian's chromium: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402 (only when chromium is there)

from course_utils.grading.sample_class import completed  # noqa: E402

from conftest import ASSIGNMENT, RELEASE, ROOT, SOURCE, VARIANT_SECRET  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOK = "1_rank_pinv_lstsq.ipynb"
COMPLETED_PATH = "work/1_rank_pinv_lstsq_completed.ipynb"
BLANK_PATH = "work/1_rank_pinv_lstsq_blank.ipynb"
SCREENSHOTS = ROOT / "screenshots"
VENV_BIN = Path(sys.executable).parent

# The notebook in front (a Lab tab that is not shown keeps its DOM, and would match too).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
KERNEL_STATUS = '#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]'
# Chromium as root needs --no-sandbox; the rest stops it from calling outside hosts (no network here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _log_tail(log, n=40):
    return "\n".join(log.read_text(errors="replace").splitlines()[-n:])


def _write_lab_settings(config_dir):
    """Stop the "Jupyter news" toast and the update check: they cover the page and need the network."""
    folder = config_dir / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def _start_lab(course, tmp, token, log):
    """Start `jupyter lab` in `course` on a free port; return (process, base URL) once it answers."""
    config_dir, runtime_dir, exchange = tmp / "jupyter_config", tmp / "jupyter_runtime", tmp / "exchange"
    _write_lab_settings(config_dir)
    runtime_dir.mkdir()
    exchange.mkdir()
    env = dict(os.environ)
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",  # nbgrader runs `alembic` from PATH
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_RUNTIME_DIR=str(runtime_dir),
        IPYTHONDIR=str(tmp / "ipython"),
    )
    for attempt in range(3):  # another process may take the free port between our check and the bind
        port = _free_port()
        cmd = [
            str(VENV_BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
            f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={course}",
            # nbgrader's default exchange (/usr/local/share/nbgrader/exchange) is missing: the formgrader warns.
            f"--Exchange.root={exchange}",
        ]
        with open(log, "a") as out:
            proc = subprocess.Popen(cmd, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                _get_json(f"{base}/api/status?token={token}")
                return proc, base
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)
        if proc.poll() is None:
            _stop(proc)
            break
    raise AssertionError(f"jupyter lab did not start; the end of its log {log}:\n{_log_tail(log)}")


def _stop(proc):
    """SIGTERM: the server shuts its kernels down too."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab on a throwaway course holding a completed and a blank copy of part 1."""
    tmp = tmp_path_factory.mktemp("browser")
    course = tmp / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copytree(ROOT / "release", course / "release")
    release_nb = nbformat.read(RELEASE / NOTEBOOK, as_version=4)
    source_nb = nbformat.read(SOURCE / NOTEBOOK, as_version=4)
    (course / "work").mkdir()
    nbformat.write(completed(release_nb, source_nb), course / COMPLETED_PATH)
    nbformat.write(release_nb, course / BLANK_PATH)

    token = secrets.token_hex(16)
    log = tmp / "jupyter.log"
    proc, base = _start_lab(course, tmp, token, log)
    try:
        yield {"base": base, "token": token, "course": course, "log": log}
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser_context(lab, tmp_path_factory):
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium_profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


def _open_notebook(page, lab, path):
    """Open `path` alone in Lab (`reset`: no earlier tabs reopen) and wait for its kernel to be idle."""
    page.goto(f"{lab['base']}/lab/tree/{path}?reset&token={lab['token']}")
    expect(page.locator(f"{PANEL} .jp-Cell").first).to_be_visible(timeout=60_000)
    # The execution indicator says idle before a kernel exists; the status bar names the kernel once it is up.
    expect(page.locator(KERNEL_STATUS)).to_have_text("Python 3 (ipykernel) | Idle", timeout=60_000)


def _validate(page, name):
    """Press Validate, screenshot the result dialog, close it; return (class, text) of the message."""
    page.locator(f"{PANEL} .jp-NotebookPanel-toolbar .validate-button").click()
    dialog = page.locator(".jp-Dialog")
    message = dialog.locator("#validation-message")
    # The server runs the whole notebook in a fresh kernel before answering.
    expect(message).to_be_visible(timeout=60_000)
    expect(dialog).to_contain_text("Validation Results")
    page.screenshot(path=SCREENSHOTS / name)
    result = (message.get_attribute("class") or "", message.inner_text())
    dialog.locator(".jp-mod-accept").click()
    expect(dialog).to_have_count(0)
    return result


def _contents(lab, path):
    return _get_json(f"{lab['base']}/api/contents/{path}?content=1&token={lab['token']}")["content"]


def test_completed_notebook_runs_and_validates(lab, browser_context):
    page = browser_context.new_page()
    _open_notebook(page, lab, COMPLETED_PATH)

    page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # Run-all marks every queued cell [*] at once, so "first cell numbered, none pending" means it finished
    # (cells after an error would stay [ ]: the saved notebook is checked below).
    page.wait_for_function(
        """panel => {
            const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent.trim());
            return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:');
        }""",
        arg=PANEL,
        timeout=60_000,
    )
    expect(page.locator(KERNEL_STATUS)).to_have_text("Python 3 (ipykernel) | Idle")
    page.screenshot(path=SCREENSHOTS / "browser_1_completed_run_all.png")

    # Output areas have no error class (stderr and warnings look alike): read the saved notebook instead.
    page.keyboard.press("Control+s")
    expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0)
    saved = _contents(lab, COMPLETED_PATH)
    code_cells = [c for c in saved["cells"] if c["cell_type"] == "code"]
    errors = [
        f"cell {i}: {o['ename']}: {o['evalue']}"
        for i, c in enumerate(saved["cells"]) if c["cell_type"] == "code"
        for o in c["outputs"] if o["output_type"] == "error"
    ]
    assert errors == [], errors
    not_run = [i for i, c in enumerate(code_cells) if c["execution_count"] is None]
    assert not_run == [], f"code cells {not_run} were not executed by Run All"

    cls, text = _validate(page, "browser_2_validate_completed.png")
    assert "validation-success" in cls.split(), text
    assert "Success! Your notebook passes all the tests." in text
    page.close()


def test_blank_notebook_fails_validation(lab, browser_context):
    page = browser_context.new_page()
    _open_notebook(page, lab, BLANK_PATH)
    cls, text = _validate(page, "browser_3_validate_blank.png")
    assert "validation-failed" in cls.split(), text
    assert "The following cell failed" in text
    # The first visible test, and the stub's error, are what the student is shown.
    assert "check_numerical_rank(numerical_rank)" in text
    assert "NotImplementedError" in text
    page.close()


def test_formgrader_lists_the_assignment(lab, browser_context):
    page = browser_context.new_page()
    page.goto(f"{lab['base']}/formgrader?token={lab['token']}")
    page.wait_for_url("**/formgrader/manage_assignments**")
    names = page.locator("#main-table td.name a")
    expect(names.filter(has_text=ASSIGNMENT)).to_have_count(1)
    expect(page.locator("#warning-exchange")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "browser_4_formgrader.png", full_page=True)
    page.close()


def test_formgrader_shows_the_ta_each_students_own_data(variant_graded, browser_context, tmp_path_factory):
    """The TA grading ann's observations by hand in the formgrader reads ann's variant, not bob's.

    The class graded with a course secret (conftest's `variant_graded`) is served by a live
    JupyterLab; its formgrader page for one submitted notebook opens with that student's variant.
    """
    from nbgrader.api import Gradebook

    from course_utils.grading.gradebook import gradebook_url
    from course_utils.grading.variants import variant_words

    course = variant_graded[0]
    tmp = tmp_path_factory.mktemp("formgrader")
    token = secrets.token_hex(16)
    proc, base = _start_lab(course, tmp, token, tmp / "jupyter.log")
    try:
        with Gradebook(gradebook_url(course, None)) as gb:
            ids = {s: gb.find_submission_notebook("2_image_reconstruction", ASSIGNMENT, s).id for s in ("ann", "bob")}
        page = browser_context.new_page()
        for student, other in (("ann", "bob"), ("bob", "ann")):
            page.goto(f"{base}/formgrader/submissions/{ids[student]}/?token={token}")
            body = page.locator("body")
            expect(body).to_contain_text("Variant of this submission")
            mine, theirs = (variant_words(VARIANT_SECRET, s, ASSIGNMENT).split(" (")[0] for s in (student, other))
            expect(body).to_contain_text(f"{mine} ")  # "seed N": the student's own seed
            assert f"{theirs} " not in body.inner_text() and VARIANT_SECRET not in page.content()
            expect(body).to_contain_text("part 3: sigma = ")
            page.screenshot(path=SCREENSHOTS / f"browser_5_formgrader_{student}.png", full_page=False)
        page.close()
    finally:
        _stop(proc)
