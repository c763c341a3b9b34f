"""Sphinx extension: the reproduction report, built from the chapters' metrics.

A page containing the directive ``{reproduction-report}`` gets, when the site
is written (after every chapter has executed), one card per article claim that
a chapter declared with ``ChapterRecord.experiment``: the article's claim, our
reproduction, our honest evaluation, the naive baseline, the best classical
model on the same points, and the chapter's
one-line verdict. With the ``:checks:`` option it gets instead a table of the
book's own consistency checks (``check=True``). The numbers are read from
``_build/metrics/<chapter>.json`` (``_build/metrics-smoke`` in smoke mode, or
``$RNN_BOOK_METRICS``). If any chapter of the book has no metrics file, or one
from the other mode, the build fails: the page never shows stale numbers.

``{reproduction-summary}`` counts the claims by verdict and lists the wrong
ones (the intro's opening). ``{library-versions}`` renders, from the same files, the versions of the
libraries (and the Keras backend) that the chapters recorded when they ran.
"""

from __future__ import annotations

import json
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


class summary_placeholder(nodes.General, nodes.Element):
    """Replaced by a paragraph counting the report's verdicts, and a list of the wrong claims."""


class ReportDirective(SphinxDirective):
    """``{reproduction-report}``: the articles' claims; with ``:checks:``, the book's own checks."""

    placeholder = report_placeholder
    option_spec = {"checks": lambda argument: True}

    def run(self):
        self.env.note_dependency(__file__)
        reports = self.env.domaindata.setdefault("reproduction_report", {"pages": set()})
        reports["pages"].add(self.env.docname)
        return [self.placeholder(checks="checks" in self.options)]


class VersionsDirective(ReportDirective):
    placeholder = versions_placeholder


class SummaryDirective(ReportDirective):
    """``{reproduction-summary}``: how many claims were reproduced, differ or are wrong."""

    placeholder = summary_placeholder


def _metrics_folder() -> tuple[Path, bool]:
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


def _named(metric: dict | None) -> str:
    """A metric with the model it belongs to (its note), e.g. "18.7 sunspots (AR(12))"."""
    text = _format(metric)
    return f"{text} ({metric['note']})" if metric and metric.get("note") else text


def _claim(metric: dict) -> str:
    claim = metric.get("claim")
    if claim is None:
        return "—"
    text = f"{claim:.3g}" if isinstance(claim, float) else str(claim)
    return f"{text} {metric.get('unit', '')}".strip()


def table_node(header: list[str], rows: list[list[str]], widths: list[int],
               css_class: str = "reproduction-report") -> nodes.table:
    """A docutils table of text cells (also used by ``bench_numbers.py``)."""
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


def report_rows(documents: dict[str, dict], *, checks: bool = False) -> list[list[str]]:
    """The article claims (or, with ``checks``, the book's own consistency checks), one row each."""
    rows = []
    for stem, document in documents.items():
        metrics = document["metrics"]
        for title, experiment in document["experiments"].items():
            if bool(experiment.get("check")) != checks:
                continue
            reproduced = metrics[experiment["reproduced"]]
            if checks:
                rows.append([f"{title} ({stem})", _format(reproduced), experiment["verdict"]])
                continue
            rows.append([
                f"{title} ({stem})", _claim(reproduced), _format(reproduced),
                _format(metrics.get(experiment["corrected"])),
                _format(metrics.get(experiment["baseline"])),
                _named(metrics.get(experiment.get("classical"))), experiment["verdict"],
            ])
    return rows


CLAIM_FIELDS = ["article's claim", "our reproduction", "our honest evaluation", "naive baseline",
                "best classical model", "verdict"]


CHECK_FIELDS = ["measured", "result"]


def cards(rows: list[list[str]], names: list[str], css_class: str) -> nodes.container:
    """One card per row: its title, then the other cells as a field list named by ``names``.

    Cards wrap to any screen width, where a six-column table needs a
    horizontal scrollbar that readers miss.
    """
    cards = nodes.container(classes=[css_class])
    for title, *values in rows:
        card = nodes.container(classes=["reproduction-card"])
        card += nodes.rubric(text=title)
        fields = nodes.field_list()
        for name, value in zip(names, values, strict=True):
            if value == "—" and name in ("our honest evaluation", "naive baseline", "best classical model"):
                continue
            field = nodes.field()
            field += nodes.field_name(text=name)
            body = nodes.field_body()
            body += nodes.paragraph(text=value)
            field += body
            fields += field
        card += fields
        cards += card
    return cards


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


def verdict_counts(documents: dict[str, dict]) -> tuple[dict[str, int], list[str]]:
    """How many article claims each verdict word has, and the titles of the wrong ones."""
    counts = {word: 0 for word in ("reproduced", "differs", "wrong")}
    wrong = []
    for stem, document in documents.items():
        for title, experiment in document["experiments"].items():
            if experiment.get("check"):
                continue
            word = experiment["verdict"].split(":", 1)[0]
            if word not in counts:
                raise ExtensionError(f"reproduction report: {stem}: the verdict of {title!r} starts "
                                     f"with {word!r}, not one of {', '.join(counts)}")
            counts[word] += 1
            if word == "wrong":
                wrong.append(f"{title} (chapter {int(stem[:2])})")
    return counts, wrong


def summary_nodes(documents: dict[str, dict]) -> list[nodes.Node]:
    counts, wrong = verdict_counts(documents)
    total = sum(counts.values())
    text = (f"Of the {total} claims of the four tutorials that this book re-runs, "
            f"{counts['reproduced']} are reproduced, {counts['differs']} differ (our data, "
            f"settings or evaluation are not the tutorial's) and {counts['wrong']} are wrong")
    paragraph = nodes.paragraph(text=text + (":" if wrong else "."))
    if not wrong:
        return [paragraph]
    items = nodes.bullet_list()
    for title in wrong:
        item = nodes.list_item()
        item += nodes.paragraph(text=title)
        items += item
    return [paragraph, items]


def replace_placeholders(app: Sphinx, doctree, docname: str) -> None:
    reports = list(doctree.findall(report_placeholder))
    versions = list(doctree.findall(versions_placeholder))
    summaries = list(doctree.findall(summary_placeholder))
    if not reports and not versions and not summaries:
        return
    documents = load_metrics(app)
    for placeholder in summaries:
        placeholder.replace_self(summary_nodes(documents))
    for placeholder in reports:
        if placeholder.get("checks"):
            placeholder.replace_self(cards(report_rows(documents, checks=True), CHECK_FIELDS,
                                           "consistency-checks"))
        else:
            placeholder.replace_self(cards(report_rows(documents), CLAIM_FIELDS, "reproduction-report"))
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
    app.add_node(summary_placeholder)
    app.add_directive("reproduction-report", ReportDirective)
    app.add_directive("library-versions", VersionsDirective)
    app.add_directive("reproduction-summary", SummaryDirective)
    app.connect("doctree-resolved", replace_placeholders)
    app.connect("env-get-outdated", always_reread)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
