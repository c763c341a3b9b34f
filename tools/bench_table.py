"""Sphinx extension: the latest ``make bench`` result as tables in the book.

The directive ``{bench-report}`` shows ``_build/bench/bench.json`` (and
``builds.json``) when this checkout has run the whole benchmark, otherwise the
result committed in ``bench/results/`` (smoke and partial runs are skipped). It states which machine and date
produced the numbers; it never invents one. The page is re-read whenever
either file changes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import report  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reproduction_report import table_node  # noqa: E402

FOLDERS = (ROOT / "_build" / "bench", ROOT / "bench" / "results")


def latest() -> tuple[dict | None, Path | None]:
    """The newest full-fidelity result and the folder it came from (builds.json merged in)."""
    for folder in FOLDERS:
        path = folder / "bench.json"
        if not path.is_file():
            continue
        result = json.loads(path.read_text())
        if result.get("smoke") or result.get("partial") or result.get("complete") is False:
            continue  # smoke, partial or unfinished runs check the script; the page shows whole runs
        builds = folder / "builds.json"
        if builds.is_file():
            timings = json.loads(builds.read_text())
            if timings.get("complete") is not False:  # an interrupted run is not shown
                result["builds"] = timings["builds"]
        return result, folder
    return None, None


def _table(header: list[str], rows: list[list[str]]) -> nodes.table:
    """The first and text-heavy last columns wider than the numbers between them."""
    widths = [4] + [1] * (len(header) - 1)
    if header == report.EXPERIMENT_HEADER:
        widths[-3:-1] = [2, 2]  # the two metrics with their units
    elif header == report.BUILD_HEADER:
        widths = [1, 4, 1]
    return table_node(header, rows, widths, css_class="bench-report")


class BenchReport(SphinxDirective):
    def run(self):
        self.env.note_dependency(__file__)
        self.env.note_dependency(str(ROOT / "bench" / "report.py"))
        for folder in FOLDERS:  # missing ones too: Sphinx re-reads the page until they appear
            for name in ("bench.json", "builds.json"):
                self.env.note_dependency(str(folder / name))
        result, folder = latest()
        if result is None:
            note = nodes.admonition(classes=["warning"])
            note += nodes.title(text="No benchmark result")
            note += nodes.paragraph(text="Run `make bench` to measure this machine; the table appears here "
                                         "on the next build.")
            return [note]
        where = folder.relative_to(ROOT)
        out = [nodes.paragraph(text=line) for line in report.summary_lines(result)]
        commit = result.get("commit")
        out.append(nodes.paragraph(text=f"Source: {where}/bench.json"
                                        + (f", measured on commit {commit}." if commit else ".")))
        sections = [
            ("Article experiments: plain reference implementation against the book's training call",
             report.EXPERIMENT_HEADER, report.experiment_rows(result)),
            ("Chapters executed top to bottom at full fidelity", report.CHAPTER_HEADER,
             report.chapter_rows(result)),
            ("Builds and tests", report.BUILD_HEADER, report.build_rows(result)),
        ]
        for title, header, rows in sections:
            if rows:
                out.append(nodes.rubric(text=title))
                out.append(_table(header, rows))
        return out


def setup(app):
    app.add_directive("bench-report", BenchReport)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
