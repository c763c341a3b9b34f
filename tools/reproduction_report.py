"""Sphinx extension: the reproduction report, built from the chapters' metrics.

A page containing the directive ``{reproduction-report}`` gets, when the site
is written (after every chapter has executed), one table row per experiment
that a chapter declared with ``ChapterRecord.experiment``: the article's claim,
our reproduction, our corrected evaluation, the naive baseline, and the
chapter's one-line verdict. The numbers are read from
``_build/metrics/<chapter>.json`` (``_build/metrics-smoke`` in smoke mode, or
``$RNN_BOOK_METRICS``). If any chapter of the book has no metrics file, or one
from the other mode, the build fails: the page never shows stale numbers.

``{library-versions}`` renders, from the same files, the versions of the
libraries (and the Keras backend) that the chapters recorded when they ran.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parent.parent


class report_placeholder(nodes.General, nodes.Element):
    """Replaced by a table once every chapter has been read (and executed)."""


class versions_placeholder(nodes.General, nodes.Element):
    """Replaced by the table of library versions the chapters ran with."""


class ReportDirective(SphinxDirective):
    placeholder = report_placeholder

    def run(self):
        self.env.note_dependency(__file__)
        reports = self.env.domaindata.setdefault("reproduction_report", {"pages": set()})
        reports["pages"].add(self.env.docname)
        return [self.placeholder()]


class VersionsDirective(ReportDirective):
    placeholder = versions_placeholder


def _metrics_folder() -> tuple[Path, bool]:
    sys.path.insert(0, str(ROOT))
    from helpers.record import metrics_dir
    from helpers.repro import smoke_mode

    smoke = smoke_mode(False)
    return metrics_dir(smoke), smoke


def _chapters(app: Sphinx) -> list[str]:
    """Docnames of the executable chapters in the book (notebooks under chapters/)."""
    return sorted(doc for doc in app.env.found_docs
                  if doc.startswith("chapters/") and (ROOT / f"{doc}.ipynb").is_file())


def load_metrics(app: Sphinx) -> dict[str, dict]:
    folder, smoke = _metrics_folder()
    documents = {}
    for doc in _chapters(app):
        stem = doc.split("/", 1)[1]
        path = folder / f"{stem}.json"
        if not path.is_file():
            raise ExtensionError(
                f"reproduction report: {path} is missing; {doc} did not record its metrics "
                "(delete _build/.jupyter_cache to re-execute every chapter)")
        document = json.loads(path.read_text())
        if document.get("smoke") is not smoke:
            raise ExtensionError(
                f"reproduction report: {path} comes from a {'smoke' if document.get('smoke') else 'full'} "
                f"run, but this is a {'smoke' if smoke else 'full'} build")
        if not document.get("experiments"):
            raise ExtensionError(f"reproduction report: {stem} declared no experiments")
        documents[stem] = document
    return documents


def _format(metric: dict | None) -> str:
    if metric is None:
        return "—"
    value = metric["value"]
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} {metric.get('unit', '')}".strip()


def _claim(metric: dict) -> str:
    claim = metric.get("claim")
    if claim is None:
        return "—"
    text = f"{claim:.3g}" if isinstance(claim, float) else str(claim)
    return f"{text} {metric.get('unit', '')}".strip()


def table_node(header: list[str], rows: list[list[str]], widths: list[int],
               css_class: str = "reproduction-report") -> nodes.table:
    """A docutils table of text cells (also used by ``bench_table.py``)."""
    table = nodes.table(classes=[css_class])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)

    def row(cells, entry_class=nodes.paragraph):
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += entry_class(text=cell)
            line += entry
        return line

    head = nodes.thead()
    head += row(header)
    body = nodes.tbody()
    body.extend(row(cells) for cells in rows)
    group += head
    group += body
    return table


def report_rows(documents: dict[str, dict]) -> list[list[str]]:
    rows = []
    for stem, document in documents.items():
        metrics = document["metrics"]
        for title, experiment in document["experiments"].items():
            reproduced = metrics[experiment["reproduced"]]
            rows.append([
                f"{title} ({stem})", _claim(reproduced), _format(reproduced),
                _format(metrics.get(experiment["corrected"])),
                _format(metrics.get(experiment["baseline"])), experiment["verdict"],
            ])
    return rows


def version_rows(documents: dict[str, dict]) -> list[list[str]]:
    """One row per library: the version every chapter ran with, or each chapter's where they differ."""
    libraries: dict[str, dict[str, str]] = {}
    for stem, document in documents.items():
        versions = {"Python": document.get("python"), **document.get("versions", {})}
        for name, value in versions.items():
            libraries.setdefault(name, {})[stem] = value or "not installed"
    rows = []
    for name, per_chapter in libraries.items():
        found = sorted(set(per_chapter.values()))
        text = found[0] if len(found) == 1 else "; ".join(f"{v} ({s})" for s, v in per_chapter.items())
        rows.append([name, text])
    return rows


def replace_placeholders(app: Sphinx, doctree, docname: str) -> None:
    reports = list(doctree.findall(report_placeholder))
    versions = list(doctree.findall(versions_placeholder))
    if not reports and not versions:
        return
    documents = load_metrics(app)
    for placeholder in reports:
        placeholder.replace_self(table_node(
            ["experiment (chapter)", "article's claim", "our reproduction",
             "our corrected evaluation", "naive baseline", "verdict"],
            report_rows(documents), [18, 8, 9, 9, 9, 30]))
    for placeholder in versions:
        placeholder.replace_self(table_node(["library", "version"], version_rows(documents), [10, 20],
                                            css_class="library-versions"))


def always_reread(app, env, added, changed, removed):
    """The report pages depend on every chapter's metrics: rebuild them every time."""
    pages = env.domaindata.get("reproduction_report", {}).get("pages", set())
    return [page for page in pages if page in env.found_docs]


def setup(app: Sphinx):
    app.add_node(report_placeholder)
    app.add_node(versions_placeholder)
    app.add_directive("reproduction-report", ReportDirective)
    app.add_directive("library-versions", VersionsDirective)
    app.connect("doctree-resolved", replace_placeholders)
    app.connect("env-get-outdated", always_reread)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
