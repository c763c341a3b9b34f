"""Sphinx extension: the performance note's numbers, read from the committed benchmark result.

The role ``{bench}`name``` becomes one number (or word) of
``bench/results/bench.json``, as ``bench.report.public_numbers`` formats it:
the machine, the date, the backend, the fastest and slowest chapter. So no
number about speed is typed into the book; publishing a new result
(``bench/README.md``) updates the page on the next build, which re-reads it
whenever that file changes. An unknown name fails the build; a result that
lacks the number (none committed, or a smoke or partial run) shows
"(not measured)" and warns.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from bench import report

ROOT = Path(__file__).resolve().parent.parent

RESULT = ROOT / "bench" / "results" / "bench.json"
logger = logging.getLogger(__name__)


def numbers(path: Path = RESULT) -> dict[str, str]:
    """``report.public_numbers`` of the result at ``path`` (empty when there is none)."""
    if not path.is_file():
        return {}
    return report.public_numbers(json.loads(path.read_text()))


class BenchNumber(SphinxRole):
    def run(self):
        self.env.note_dependency(str(RESULT))  # missing too: the page is re-read once it appears
        self.env.note_dependency(str(ROOT / "bench" / "report.py"))
        name = self.text.strip()
        if name not in report.PUBLIC_NUMBERS:
            known = ", ".join(report.PUBLIC_NUMBERS)
            raise ExtensionError(f"{{bench}}`{name}`: no such number; known: {known}")
        value = numbers().get(name)
        if value is None:
            logger.warning(f"{{bench}}`{name}`: {RESULT.relative_to(ROOT)} has no full benchmark result",
                           location=self.get_location())
            value = "(not measured)"
        return [nodes.inline(self.rawtext, value, classes=["bench-number"])], []


def setup(app):
    app.add_role("bench", BenchNumber())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
