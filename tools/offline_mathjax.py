"""Sphinx extension: the site serves its own copy of MathJax, so math typesets with the network off.

Sphinx loads MathJax from a CDN by default; a book opened from disk without a
network then shows raw TeX. When ``make vendor`` has installed MathJax from
npm (``_build/vendor/node_modules/mathjax``), this extension points
``mathjax_path`` at a copy inside the site's ``_static/mathjax`` folder and
copies the files MathJax loads there (the combined TeX/MathML/CHTML build, its
fonts and the extensions it loads on demand). Without npm the site keeps the
CDN copy, and the build says so in one line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "_build" / "vendor" / "node_modules" / "mathjax" / "es5"
ENTRY = "tex-mml-chtml.js"
# What tex-mml-chtml.js loads at run time: TeX extensions, CHTML fonts, the menu, accessibility.
PARTS = ("input", "output", "ui", "a11y", "sre", "adaptors")

logger = logging.getLogger(__name__)


def use_local_copy(app: Sphinx, config) -> None:
    if (VENDORED / ENTRY).is_file():
        config.mathjax_path = f"mathjax/{ENTRY}"
    else:
        logger.info("MathJax is not vendored (npm not found): the site loads it from the CDN "
                    "and needs a network to typeset math")


def copy_mathjax(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or not (VENDORED / ENTRY).is_file():
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(VENDORED / ENTRY, target / ENTRY)
    for part in PARTS:
        if (VENDORED / part).is_dir():
            shutil.copytree(VENDORED / part, target / part, dirs_exist_ok=True)


def setup(app: Sphinx):
    app.connect("config-inited", use_local_copy)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
