"""Sphinx extension: a Colab/Jupyter edition of every chapter, written when the site is.

Colab and Jupyter render plain Markdown only, so a chapter's source notebook
shows its MyST markup (``{glue:text}`key```, ``{cite:p}``, exercise
directives) where the website shows numbers, references and exercises. When
the HTML build finishes, this extension writes for every executed chapter an
*edition*: the same notebook, with

- every glued value written in, formatted as myst-nb formats it on the site
  (``myst_nb.core.variables.format_plain_text``);
- citations as the site's numbered references, linked to the bibliography
  page; ``{doc}`` and ``{ref}`` cross-references as links to the published
  pages (``html.baseurl`` in ``_config.yml``);
- exercises as numbered headings and solutions under a heading (gated
  solutions, whose code cells follow) or in an HTML ``<details>`` block;
  admonitions as block quotes with a bold title; folded helper sources
  (``dropdown`` + ``literalinclude``) as ``<details>`` blocks holding the code;
- the cells the site hides kept, as collapsed Colab form cells, because the
  self-checks may need what they compute; the set-up cell fetches the
  repository at the commit the edition was built from, so a saved or
  handed-out notebook keeps working when the helpers change later;
- a note on top naming that commit, the Keras backend and the library versions
  that produced the numbers.

Every MyST construct has a named conversion below; any other one, and any
glue key the executed notebook did not define, stops the build with a message
naming the chapter, the cell and the construct.

The editions go to ``_build/colab/chapters/`` (published to the repository's
``colab`` branch by the book workflow, which the Colab buttons open) and
replace the site's downloadable ``_sources`` copies, so the download button
hands out the edition too. The full edition is also the instructor's answer
key; ``_build/colab/student/chapters/`` holds the student edition of each
chapter (``make assignments``): the same conversion of the chapter with its
solutions replaced by empty answer cells (tools/make_assignments.py) and no
outputs, the self-checks kept.
"""

from __future__ import annotations

import ast
import copy
import json
import posixpath
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools.make_assignments import student_version

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ROOT / "_build" / "colab"
SETUP_TAG = "colab-setup"
HIDDEN_TAG = "remove-cell"
FORM_SETUP = "#@title Book set-up (hidden on the website)"
FORM_HIDDEN = "#@title The book's bookkeeping (hidden on the website)"
FORM_CODE = "#@title The code behind the output below (folded on the website)"


class EditionError(ValueError):
    """A construct the converter does not know, or a glue key that no cell defined."""


@dataclass
class Context:
    """What converting one chapter needs to know about the rest of the book."""

    docname: str  # e.g. "chapters/05_lstm_gates"
    glue: dict[str, dict]  # glue key -> MIME bundle of the executed notebook
    baseurl: str  # the published site, ending in "/"
    labels: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # label -> doc, id, title
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title
    citations: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> label, url, authors
    exercises: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> number, title
    source_dir: Path = ROOT / "chapters"

    def url(self, docname: str, anchor: str = "") -> str:
        return f"{self.baseurl}{docname}.html" + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- inline roles

ROLE = re.compile(r"\{(?P<role>[A-Za-z][\w:-]*)\}`(?P<content>[^`]*)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _glue_text(content: str, ctx: Context) -> str:
    from myst_nb.core.variables import format_plain_text

    parts = content.rsplit(":", 1)  # myst-nb's own reading of ``key:format``
    key, spec = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
    if key not in ctx.glue:
        raise EditionError(f"glue key {key!r} is not defined by any cell of the executed notebook")
    bundle = ctx.glue[key]
    if "text/plain" not in bundle:
        raise EditionError(f"glue key {key!r} has no text/plain value to write into the prose")
    return format_plain_text(bundle["text/plain"], spec)


def _glue_markdown(content: str, ctx: Context) -> str:
    if content not in ctx.glue or "text/markdown" not in ctx.glue[content]:
        raise EditionError(f"glue key {content!r} has no text/markdown value")
    return ctx.glue[content]["text/markdown"]


def _cite(content: str, ctx: Context, textual: bool) -> str:
    links, authors = [], []
    keys = [k.strip() for k in content.split(",")]
    for key in keys:
        if key not in ctx.citations:
            raise EditionError(f"citation key {key!r} is not in the bibliography")
    if not textual:  # sphinxcontrib-bibtex lists a group of numbered references in order
        keys.sort(key=lambda k: (len(ctx.citations[k][0]), ctx.citations[k][0]))
    for key in keys:
        label, url, names = ctx.citations[key]
        links.append(f"[{label}]({url})")
        authors.append(names)
    if textual:
        return ", ".join(f"{names} [{link}]" for names, link in zip(authors, links, strict=True))
    return "[" + ", ".join(links) + "]"


def _doc(content: str, ctx: Context) -> str:
    match = EXPLICIT.match(content)
    text, target = (match["text"], match["target"]) if match else ("", content)
    if target.startswith("/"):
        docname = target.lstrip("/")
    else:
        docname = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.docname), target))
    docname = re.sub(r"\.(md|ipynb)$", "", docname)
    if docname not in ctx.titles:
        raise EditionError(f"{{doc}} target {target!r} is not a page of the book")
    return f"[{text or ctx.titles[docname]}]({ctx.url(docname)})"


def _ref(content: str, ctx: Context) -> str:
    match = EXPLICIT.match(content)
    text, label = (match["text"], match["target"]) if match else ("", content)
    if label not in ctx.labels:
        raise EditionError(f"{{ref}} label {label!r} is not defined in the book")
    docname, anchor, title = ctx.labels[label]
    return f"[{text or title}]({ctx.url(docname, anchor)})"


ROLES: dict[str, Callable[[str, Context], str]] = {
    "glue:text": _glue_text,
    "glue": _glue_text,
    "glue:any": _glue_text,
    "glue:md": _glue_markdown,
    "cite:p": lambda content, ctx: _cite(content, ctx, textual=False),
    "cite": lambda content, ctx: _cite(content, ctx, textual=False),
    "cite:t": lambda content, ctx: _cite(content, ctx, textual=True),
    "doc": _doc,
    "ref": _ref,
    "math": lambda content, ctx: f"${content}$",
}


def convert_roles(text: str, ctx: Context) -> str:
    """Every inline role of ``text`` replaced by plain Markdown."""

    def replace(match: re.Match) -> str:
        role = match["role"]
        if role not in ROLES:
            raise EditionError(f"unknown role {{{role}}}")
        return ROLES[role](match["content"], ctx)

    return ROLE.sub(replace, text)


# ------------------------------------------------------------------ directives

DIRECTIVE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[A-Za-z][\w-]*)\}[ \t]*(?P<arg>.*)$")
CODE_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?!\{)")
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
LABEL_LINE = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
ADMONITIONS = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
               "warning": "Warning", "caution": "Caution", "attention": "Attention",
               "danger": "Danger", "error": "Error", "seealso": "See also"}


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: str


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").splitlines())


def _pyobject(path: Path, name: str) -> str:
    """The source of a top-level function or class, as Sphinx's ``:pyobject:`` shows it."""
    source = path.read_text()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(source.splitlines()[start - 1:node.end_lineno])
    raise EditionError(f"literalinclude: {path.name} defines no top-level {name!r}")


def _exercise(directive: Directive, ctx: Context) -> str:
    label = directive.options.get("label", "")
    if label not in ctx.exercises:
        raise EditionError(f"exercise {directive.argument!r} has no numbered :label:")
    number, title = ctx.exercises[label]
    heading = f"### Exercise {number}" + (f" ({title})" if title else "")
    return f"{heading}\n\n{convert_markdown(directive.body, ctx)}"


def _solution_title(label: str, ctx: Context) -> str:
    if label not in ctx.exercises:
        raise EditionError(f"solution for {label!r}, which is no exercise of the book")
    number, title = ctx.exercises[label]
    return f"Solution to Exercise {number}" + (f" ({title})" if title else "")


def _solution(directive: Directive, ctx: Context) -> str:
    title = _solution_title(directive.argument, ctx)
    return (f"<details>\n<summary>{title}</summary>\n\n{convert_markdown(directive.body, ctx)}"
            "\n\n</details>")


def _dropdown(directive: Directive, ctx: Context) -> str:
    title = convert_roles(directive.argument, ctx)
    return (f"<details>\n<summary>{title}</summary>\n\n{convert_markdown(directive.body, ctx)}"
            "\n\n</details>")


def _literalinclude(directive: Directive, ctx: Context) -> str:
    path = (ctx.source_dir / directive.argument).resolve()
    if not path.is_file():
        raise EditionError(f"literalinclude: {directive.argument} does not exist")
    unknown = set(directive.options) - {"pyobject", "language"}
    if unknown:
        raise EditionError(f"literalinclude: no conversion for the option(s) {sorted(unknown)}")
    name = directive.options.get("pyobject")
    code = _pyobject(path, name) if name else path.read_text().rstrip("\n")
    language = directive.options.get("language", "python" if path.suffix == ".py" else "")
    return f"```{language}\n{code}\n```"


def _admonition(directive: Directive, ctx: Context) -> str:
    title = ADMONITIONS.get(directive.name) or convert_roles(directive.argument, ctx)
    return _quote(f"**{title}**\n\n{convert_markdown(directive.body, ctx)}")


def _math(directive: Directive, ctx: Context) -> str:
    return f"$$\n{directive.body.strip()}\n$$"


DIRECTIVES: dict[str, Callable[[Directive, Context], str]] = {
    "exercise": _exercise,
    "solution-start": lambda d, ctx: f"#### {_solution_title(d.argument, ctx)}",
    "solution-end": lambda d, ctx: "",
    "solution": _solution,
    "dropdown": _dropdown,
    "literalinclude": _literalinclude,
    "admonition": _admonition,
    "math": _math,
    **{name: _admonition for name in ADMONITIONS},
}
# The options each directive may carry; any other one is a construct without a conversion.
KNOWN_OPTIONS = {"exercise": {"label", "class", "nonumber"}, "solution-start": {"class", "label"},
                 "solution": {"class", "label"}, "dropdown": {"open", "class", "name", "icon", "color"},
                 "literalinclude": {"pyobject", "language"}, "admonition": {"class", "name"},
                 "math": {"label"}}


def convert_markdown(text: str, ctx: Context) -> str:
    """One Markdown cell's MyST converted to plain Markdown (CommonMark, HTML blocks and $ math)."""
    lines = text.splitlines()
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(convert_roles("\n".join(prose), ctx))
            prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        code = CODE_FENCE.match(line)
        directive = DIRECTIVE.match(line)
        if LABEL_LINE.match(line):
            i += 1
            continue
        if code and not directive:  # an ordinary code block: copied as it is
            flush()
            fence = code["fence"]
            end = next((j for j in range(i + 1, len(lines)) if _closes(lines[j], fence)), len(lines) - 1)
            out.append("\n".join(lines[i:end + 1]))
            i = end + 1
            continue
        if not directive:
            prose.append(line)
            i += 1
            continue
        flush()
        fence, name = directive["fence"], directive["name"]
        if name not in DIRECTIVES:
            raise EditionError(f"unknown directive {{{name}}}")
        end = next((j for j in range(i + 1, len(lines)) if _closes(lines[j], fence)), None)
        if end is None:
            raise EditionError(f"directive {{{name}}} is never closed")
        body = lines[i + 1:end]
        options = {}
        while body and OPTION.match(body[0]):
            option = OPTION.match(body[0])
            options[option["key"]] = option["value"].strip()
            body = body[1:]
        unknown = set(options) - KNOWN_OPTIONS.get(name, {"class"})
        if unknown:
            raise EditionError(f"directive {{{name}}}: no conversion for the option(s) {sorted(unknown)}")
        out.append(DIRECTIVES[name](Directive(name, directive["arg"].strip(), options,
                                              "\n".join(body).strip("\n")), ctx))
        i = end + 1
    flush()
    result = "\n\n".join(part for part in (p.strip("\n") for p in out) if part)
    return re.sub(r"\n{3,}", "\n\n", result)


LEFTOVER = re.compile(r"\{[A-Za-z][\w:-]*\}`|^ {0,3}(`{3,}|:{3,})\{|^\([^()\s]+\)=[ \t]*$", re.M)


def leftovers(text: str) -> list[str]:
    """MyST syntax that survived a conversion (none should): role openings, directive fences, labels."""
    outside_code = re.sub(r"^ {0,3}(```|~~~)(?!\{)[^\n]*\n.*?^ {0,3}\1[^\n]*$", "", text, flags=re.M | re.S)
    return [m.group(0).strip() for m in LEFTOVER.finditer(outside_code)]


# ---------------------------------------------------------------- the notebook

CLONE = '''            subprocess.run(
                ["git", "clone", "--quiet", "--depth", "1", "--branch", BOOK_BRANCH,
                 source, str(book)],
                check=True,
            )'''
PINNED = '''            book.mkdir(parents=True, exist_ok=True)
            for command in (
                ["init", "--quiet"],
                ["fetch", "--quiet", "--depth", "1", source, BOOK_COMMIT],
                ["checkout", "--quiet", "FETCH_HEAD"],
            ):
                subprocess.run(["git", "-C", str(book), *command], check=True)'''


def pinned_setup(source: str, commit: str) -> str:
    """The set-up cell, fetching the repository at ``commit`` instead of the moving branch."""
    branch = re.search(r'^BOOK_BRANCH = "[^"]*"$', source, re.M)
    if CLONE not in source or branch is None:
        raise EditionError("the set-up cell no longer has the clone command this converter pins; "
                           "update PINNED/CLONE in tools/colab_edition.py with tools/setup_cell.py")
    source = source.replace(branch.group(0), f'BOOK_COMMIT = "{commit}"  # this edition\'s commit')
    return source.replace(CLONE, PINNED)


def _is_glue_output(output) -> bool:
    return "scrapbook" in output.get("metadata", {})


def _form(cell, title: str, *, keep_outputs: bool):
    cell.source = f"{title}\n{cell.source}"
    cell.metadata["cellView"] = "form"
    if not keep_outputs:
        cell.outputs = []
        cell.execution_count = None
    return cell


def edition_code_cell(cell, commit: str):
    """What the edition makes of a code cell (changed in place and returned).

    The set-up cell fetches the book at ``commit`` and, like the cells the site
    hides, becomes a collapsed form cell without outputs; a cell whose input the
    site folds becomes a form cell that keeps its outputs; any other is unchanged.
    """
    tags = cell.metadata.get("tags", [])
    if SETUP_TAG in tags:
        cell.source = pinned_setup(cell.source, commit)
        return _form(cell, FORM_SETUP, keep_outputs=False)
    if HIDDEN_TAG in tags:
        return _form(cell, FORM_HIDDEN, keep_outputs=False)
    if "hide-input" in tags:
        return _form(cell, FORM_CODE, keep_outputs=True)
    return cell


def runnable_edition(source, *, commit: str):
    """A chapter's source notebook with the code cells its edition will have, before any run.

    The edition itself needs the executed notebook (its Markdown holds the
    computed numbers), but its code does not: these are exactly the code cells
    :func:`edition` writes for ``commit``. The tests' Colab simulation runs this
    notebook, and the site is built from that run, so what Colab users run is
    what was tested, and no chapter runs a third time. The Markdown cells are
    the source's; they do not execute.
    """
    notebook = copy.deepcopy(source)
    notebook.cells = [edition_code_cell(cell, commit) if cell.cell_type == "code" else cell
                      for cell in notebook.cells]
    return notebook


def edition(executed, ctx: Context, *, commit: str, note: str):
    """The Colab edition of one executed chapter notebook (a new notebook; ``executed`` is unchanged)."""
    notebook = copy.deepcopy(executed)
    cells = [nbformat.v4.new_markdown_cell(note)]
    for index, cell in enumerate(notebook.cells):
        where = f"{ctx.docname}, cell {index}"
        if cell.cell_type == "markdown":
            try:
                cell.source = convert_markdown(cell.source, ctx)
            except EditionError as error:
                raise EditionError(f"{where}: {error}") from None
            left = leftovers(cell.source)
            if left:
                raise EditionError(f"{where}: MyST syntax left after the conversion: {left}")
            if cell.source.strip():
                cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if not _is_glue_output(o)
                        and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        cells.append(edition_code_cell(cell, commit))
    notebook.cells = cells
    notebook.metadata["colab"] = {"provenance": [], "toc_visible": True}
    notebook.metadata.pop("papermill", None)
    return notebook


def edition_note(ctx: Context, commit: str, versions: dict[str, str], title: str,
                 *, student: bool = False) -> str:
    backend = versions.get("keras backend", "unknown")
    libraries = ", ".join(f"{name} {version}" for name, version in versions.items()
                          if version and name != "keras backend")
    kind = "student edition" if student else "notebook edition"
    exercises = (" Each exercise's solution is replaced by an empty answer cell; the self-check "
                 "cell after it tests your answer." if student else "")
    return (
        f"> **{title}**, the {kind} of a chapter of "
        f"[*{ctx.titles.get('intro', 'the book')}*]({ctx.baseurl}). "
        f"[Read it on the website]({ctx.url(ctx.docname)}).\n>\n"
        f"> The numbers in the text were produced by commit `{commit[:12]}` of the book, on Keras' "
        f"{backend} backend with {libraries}. *Run all* recomputes every one of them (the set-up cell "
        "fetches the book's helpers and data at that commit); the hidden cells of the website are "
        f"the collapsed cells here.{exercises}"
    )


# --------------------------------------------------------------- Sphinx hooks

def _book_context(app) -> dict:
    env = app.env
    labels = {name: (doc, anchor, title) for name, (doc, anchor, title)
              in env.domaindata.get("std", {}).get("labels", {}).items() if doc}
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    citations = {}
    for citation in env.domaindata.get("cite", {}).get("citations", []):  # sphinxcontrib-bibtex's
        persons = citation.entry.persons.get("author", [])
        last = [" ".join(p.last_names) for p in persons]
        names = (last[0] + " et al." if len(last) > 2 else " and ".join(last)) if last else citation.key
        page = citation.bibliography_key.docname
        url = f"{app.config.html_baseurl.rstrip('/')}/{page}.html#{citation.citation_id}"
        citations[citation.key] = (citation.formatted_entry.label, url, names)
    exercises = {}
    for numbers in env.toc_fignumbers.values():
        for label, number in numbers.get("exercise", {}).items():
            exercises[label] = (".".join(map(str, number)), "")
    return {"labels": labels, "titles": titles, "citations": citations, "exercises": exercises}


def _exercise_titles(source: Path) -> dict[str, str]:
    """label -> title of each exercise in a chapter's source (the site's "(title)")."""
    titles = {}
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type == "markdown":
            for match in re.finditer(r"^ {0,3}(?:`{3,}|:{3,})\{exercise\}[ \t]*(.*)\n:label:[ \t]*(\S+)",
                                     cell.source, re.M):
                titles[match[2]] = match[1].strip()
    return titles


def _commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit


def write_editions(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    from sphinx.errors import ExtensionError

    if not app.config.html_baseurl:
        raise ExtensionError("colab editions: set html.baseurl in _config.yml (the published site)")
    executed_dir = Path(app.outdir).parent / "jupyter_execute"
    book = _book_context(app)
    commit = _commit()
    baseurl = app.config.html_baseurl.rstrip("/") + "/"
    out = Path(app.outdir).parent / "colab"
    for docname in sorted(d for d in app.env.found_docs if (app.srcdir / f"{d}.ipynb").is_file()):
        executed_path = executed_dir / f"{docname}.ipynb"
        if not executed_path.is_file():
            raise ExtensionError(f"colab editions: {executed_path} is missing (was {docname} executed?)")
        executed = nbformat.read(executed_path, as_version=4)
        glue = _glue_of(executed, executed_path)
        for label, title in _exercise_titles(app.srcdir / f"{docname}.ipynb").items():
            if label in book["exercises"]:
                book["exercises"][label] = (book["exercises"][label][0], title)
        ctx = Context(docname, glue, baseurl, book["labels"], book["titles"], book["citations"],
                      book["exercises"], source_dir=(app.srcdir / docname).parent)
        versions = _versions(app, docname)
        title = book["titles"].get(docname, docname)
        note = edition_note(ctx, commit, versions, title)
        try:
            notebook = edition(executed, ctx, commit=commit, note=note)
        except EditionError as error:
            raise ExtensionError(f"colab editions: {error}") from None
        try:
            student = edition(student_version(executed), ctx, commit=commit,
                              note=edition_note(ctx, commit, versions, title, student=True))
        except (EditionError, ValueError) as error:
            raise ExtensionError(f"colab editions (student): {docname}: {error}") from None
        for folder, book_notebook in ((out, notebook), (out / "student", student)):
            nbformat.validate(book_notebook)
            target = folder / f"{docname}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(book_notebook, target)
        source_copy = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if source_copy.parent.is_dir():
            nbformat.write(notebook, source_copy)


def _glue_of(executed, path: Path) -> dict[str, dict]:
    """Glue key -> MIME bundle: myst-nb's ``<chapter>.glue.json`` beside the executed notebook
    (myst-nb moves the glue outputs there), else the glue outputs of the notebook's cells."""
    stored = path.with_suffix(".glue.json") if path is not None else None
    if stored is not None and stored.is_file():
        return {key: dict(output.get("data", {})) for key, output in json.loads(stored.read_text()).items()}
    glue = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if scrap:
                glue[scrap["name"]] = dict(output.get("data", {}))
    return glue


def _versions(app, docname: str) -> dict[str, str]:
    from helpers.record import metrics_dir
    from helpers.repro import smoke_mode

    path = metrics_dir(smoke_mode(False)) / f"{Path(docname).name}.json"
    if not path.is_file():
        return {}
    document = json.loads(path.read_text())
    return {"Python": document.get("python"), **document.get("versions", {})}


EDITION_BRANCH = "colab"


def _colab_buttons(buttons) -> list[dict]:
    found = []
    for button in buttons or []:
        if isinstance(button, dict):
            if button.get("text") == "Colab" and "url" in button:
                found.append(button)
            found.extend(_colab_buttons(button.get("buttons")))
    return found


def point_colab_at_editions(app, pagename, templatename, context, doctree) -> None:
    """The page's Colab button opens its edition on the ``colab`` branch, not the source on ``main``."""
    for button in _colab_buttons(context.get("header_buttons")):
        button["url"] = re.sub(r"/blob/[^/]+/", f"/blob/{EDITION_BRANCH}/", button["url"], count=1)


def setup(app):
    app.connect("build-finished", write_editions)
    # after sphinx-book-theme has added its launch buttons (its priority is 501)
    app.connect("html-page-context", point_colab_at_editions, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
