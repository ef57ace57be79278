"""Sphinx configuration of the course site: the lecture notebooks, executed, as static HTML.

Built by ``make site`` (``site/build.py``) from a staging copy that holds this folder and
``notebooks/``; everything the pages load (theme, MathJax) is copied into the build, so the
site works offline and from any static host.
"""

from pathlib import Path

import jupyter_server_mathjax

project = "The singular value decomposition: week 5 of Biological Signals Analysis"
author = "The course authors"
copyright = "the course authors, BSD-3-Clause"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath"]

# The lectures are committed without outputs: run them on every build, and fail on an error.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True

# A static page has no kernel behind a slider: do not load the widget manager (from a CDN).
nb_ipywidgets_js = {}

html_theme = "sphinx_book_theme"
html_title = "SVD, week 5"
html_theme_options = {"show_toc_level": 2}

# MathJax 2 from the jupyter-server-mathjax wheel, served from the site itself (Sphinx's
# default loads MathJax 3 from a CDN, which an offline machine or a strict host cannot reach).
_MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static"
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    # myst-nb marks its cells "mathjax_ignore" and the math inside them "math": process only that.
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": True,
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    # The wheel ships the STIX-Web fonts only (as Jupyter's classic notebook configures it).
    "HTML-CSS": {"availableFonts": [], "imageFont": None, "preferredFont": None, "webFont": "STIX-Web"},
}


def _copy_mathjax(app, exception):
    """Copy the MathJax files next to the pages once the build succeeded."""
    import shutil

    if exception is None and app.builder.format == "html":
        shutil.copytree(_MATHJAX, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
