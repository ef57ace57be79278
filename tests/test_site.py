"""The course site (``make site``): every lecture page renders its math and figures, offline.

The site is built once into a temporary folder with ``site/build.py`` (the lecture notebooks are
executed; a failing cell or a Sphinx warning fails the build) and every page is opened in headless
Debian Chromium from a local HTTP server, with every request to another host recorded.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("install Debian's chromium: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402 (only when chromium is there)

from conftest import ROOT  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LECTURES = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Sphinx loads MathJax only on pages with math.
MATHJAX_IDLE = (
    "!document.querySelector('.math') || (window.MathJax && MathJax.Hub && MathJax.isReady"
    " && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site as ``make site`` does, in its own process (Sphinx warnings are its own business)."""
    outdir = tmp_path_factory.mktemp("site") / "html"
    run = subprocess.run([sys.executable, str(ROOT / "site" / "build.py"), str(outdir)],
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return outdir


@pytest.fixture(scope="module")
def host(site):
    """Serve the built site over HTTP on 127.0.0.1, as a static host would."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--no-first-run"])
        yield chromium
        chromium.close()


# MathJax 2 probes for fonts it may use (a blank @font-face, TeX fonts that the bundled
# STIX-Web build replaces); those requests fail by design and change nothing on the page.
_MATHJAX_FONT_PROBES = ("about:blank", "/_static/mathjax/fonts/HTML-CSS/TeX/")


def _open(browser, url):
    """Open a page, wait for MathJax; return (page, requests to other hosts, failed requests)."""
    page = browser.new_page()
    origin = url.split("/", 3)[:3]
    outside, failed = [], []
    page.on("request", lambda r: r.url.split("/", 3)[:3] == origin or r.url.startswith(("data:", "blob:", "about:"))
            or outside.append(r.url))
    page.on("requestfailed", lambda r: any(p in r.url for p in _MATHJAX_FONT_PROBES) or failed.append(r.url))
    page.on("response", lambda r: r.status < 400 or r.url.endswith("/favicon.ico")
            or any(p in r.url for p in _MATHJAX_FONT_PROBES) or failed.append(f"{r.status} {r.url}"))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function(MATHJAX_IDLE, timeout=60_000)
    return page, outside, failed


@pytest.mark.parametrize("lecture", LECTURES, ids=[p.stem for p in LECTURES])
def test_every_lecture_page_renders_math_and_figures_offline(host, browser, lecture):
    page, outside, failed = _open(browser, f"{host}/notebooks/{lecture.stem}.html")
    try:
        main = page.locator("main")
        text = main.inner_text()
        # Math left as TeX would show its delimiters; MathJax errors show as red boxes.
        assert "\\(" not in text and "\\[" not in text and "$$" not in text
        assert page.locator(".MathJax_Error, .MathJax_Preview:visible").count() == 0
        assert page.locator("main .MathJax, main .MathJax_Display").count() > 10
        images = page.evaluate(
            "Array.from(document.querySelectorAll('main img')).map(i => [i.src, i.complete && i.naturalWidth > 0])"
        )
        assert images, f"{lecture.name}: no figure on the page"
        assert all(ok for _, ok in images), [src for src, ok in images if not ok]
        assert page.locator("main .output.error, main .output.traceback").count() == 0
        assert outside == [], f"the page loads from other hosts: {outside}"
        assert failed == [], failed
    finally:
        page.close()


def test_index_lists_every_lecture(host, browser):
    page, outside, failed = _open(browser, f"{host}/index.html")
    try:
        links = page.evaluate(
            "Array.from(document.querySelectorAll('nav a, main a')).map(a => a.getAttribute('href'))"
        )
        for lecture in LECTURES:
            assert any(h and h.endswith(f"notebooks/{lecture.stem}.html") for h in links), lecture.name
        assert outside == [] and failed == []
    finally:
        page.close()


def test_the_site_holds_no_assignment_notebook(site):
    """The site publishes lectures only: nothing from source/ or release/ (solutions, tests) is built."""
    built = {p.stem for p in site.rglob("*.html")}
    assignment = {p.stem for p in (ROOT / "source").rglob("*.ipynb")}
    assert assignment and not built & assignment
