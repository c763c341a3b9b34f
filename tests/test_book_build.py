"""Build the website in smoke mode, warnings as errors, and inspect the pages.

The site is built from the chapters' smoke runs in a simulated Colab runtime
(the ``chapter_runs`` fixture, checked by test_notebooks.py), so the build
executes nothing itself: each executed notebook, without the test's own cells,
goes into the build's jupyter-cache under ``_build/smoke/``, which myst-nb
then finds for every chapter. That cache never mixes with the full-fidelity
one that ``make book`` uses. The reproduction report reads the metrics those
runs recorded, and the teaching appendix's table their run times.
"""

from __future__ import annotations

import html.parser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from smoke_runs import CHAPTERS, METRICS, SMOKE, as_published, ran_code

from tools import structure

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = SMOKE
HTML = OUTPUT / "_build" / "html"


@pytest.fixture(scope="module")
def site(chapter_runs):
    failed = sorted(stem for stem, run in chapter_runs.items() if run["returncode"] != 0)
    assert not failed, f"no site without every chapter; these failed to execute: {failed}"
    cache = get_cache(str(OUTPUT / "_build" / ".jupyter_cache"))
    for notebook in CHAPTERS:
        run = chapter_runs[notebook.stem]
        bundle = CacheBundleIn(as_published(notebook, Path(run["executed"]), run["commit"]), str(notebook),
                               data={"execution_seconds": run["seconds"]})
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    env = dict(os.environ, RNN_BOOK_SMOKE="1", RNN_BOOK_METRICS=str(METRICS))
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(OUTPUT),
         "--warningiserror", "--keep-going"],
        env=env, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, (
        f"jupyter-book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    again = [line for line in (result.stdout + result.stderr).splitlines() if "Executing notebook" in line]
    assert not again, f"the build executed chapters again instead of using their runs: {again}"
    return HTML


def test_every_toc_page_is_built(site):
    for page in structure.toc_pages():
        assert (site / f"{page}.html").is_file(), f"{page}.html was not built"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_has_executed_content(site, notebook):
    html = (site / "chapters" / f"{notebook.stem}.html").read_text()
    assert "<img" in html and ".png" in html, "no executed figure on the page"
    assert "{glue:" not in html and "glue:text" not in html, "a glued number was not filled in"
    assert 'class="math' in html, "no math on the page"
    assert "output traceback" not in html, "a cell raised an error on the page"
    # Solutions are folded (sphinx-exercise dropdowns).
    assert "solution" in html and "dropdown" in html
    # The setup cell is removed from the page.
    assert "BOOK_REPOSITORY" not in html


class Tables(html.parser.HTMLParser):
    """The text of every table cell on a page, row by row."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_teaching_appendix_times_every_chapter(site, chapter_runs):
    """The run-time table (myst-nb's execution cache) has each chapter's run of this test run."""
    tables = Tables()
    tables.feed((site / "chapters" / "appendix_teaching.html").read_text())
    rows = {row[0]: row for row in tables.rows if row and row[0].startswith("chapters/")}
    for notebook in CHAPTERS:
        row = rows.get(f"chapters/{notebook.stem}")
        assert row, f"no run time for {notebook.stem} in the teaching appendix: {sorted(rows)}"
        _document, _modified, _method, runtime, status = row
        assert status == "\u2705", f"{notebook.stem} is not marked as run successfully: {row}"
        assert float(runtime) == pytest.approx(chapter_runs[notebook.stem]["seconds"], abs=0.01), row


def test_teaching_appendix_lists_the_versions_behind_the_numbers(site):
    """The chapters ran in this test's environment, so the table shows its versions."""
    from importlib.metadata import version

    tables = Tables()
    tables.feed((site / "chapters" / "appendix_teaching.html").read_text())
    rows = {row[0]: row[1] for row in tables.rows if len(row) == 2}
    for library in ("numpy", "keras", "torch", "statsmodels"):
        assert rows.get(library) == version(library), (library, rows)
    assert rows.get("keras backend") in {"jax", "tensorflow", "torch"}, rows


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_launch_buttons_point_at_the_edition(site, notebook):
    """Colab opens the chapter's notebook edition (the ``colab`` branch); there is no Binder button."""
    from tools.colab_edition import EDITION_BRANCH

    url = structure.repository()[0]
    owner_repo = url.removeprefix("https://github.com/")
    html = (site / "chapters" / f"{notebook.stem}.html").read_text()
    colab = (f"https://colab.research.google.com/github/{owner_repo}/blob/{EDITION_BRANCH}/"
             f"chapters/{notebook.name}")
    assert colab in html, f"no Colab link {colab}"
    assert "/blob/main/" not in html.split("colab.research.google.com", 1)[1].split('"', 1)[0]
    assert "mybinder.org" not in html, "a Binder button, which cannot start from the unpinned requirements"
    assert f'href="{url}"' in html, "no repository button"
    assert f"_sources/chapters/{notebook.name}" in html, "no download button for the notebook"


# --- The notebook editions (tools/colab_edition.py) -------------------------------------

EDITIONS = OUTPUT / "_build" / "colab" / "chapters"
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


def page_prose(html: str) -> str:
    """A page's text without its code cells, outputs and code blocks: what its Markdown says."""
    from bs4 import BeautifulSoup

    main = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    for node in main.select("div.cell, pre, a.headerlink, script, style"):
        node.decompose()
    return main.get_text(" ")


def edition_prose(notebook) -> str:
    """The same for an edition, its Markdown rendered as Colab would (CommonMark), without its note."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark").enable("table")
    rendered = "\n".join(renderer.render(c.source) for c in notebook.cells[1:] if c.cell_type == "markdown")
    soup = BeautifulSoup(rendered, "html.parser")
    for node in soup.select("pre"):
        node.decompose()
    return soup.get_text(" ")


def prose_words(text: str) -> list[str]:
    return re.sub(r"[\\$()\[\],;:.!?\"'\u201c\u201d\u2018\u2019*_`|#>{}]", " ", text).split()


@pytest.fixture(scope="module")
def editions(site):
    import nbformat

    found = {}
    for notebook in CHAPTERS:
        path = EDITIONS / notebook.name
        assert path.is_file(), f"no notebook edition of {notebook.stem} at {path}"
        found[notebook.stem] = nbformat.read(path, as_version=4)
        nbformat.validate(found[notebook.stem])
    return found


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_edition_reads_like_the_page(site, editions, notebook):
    """Same numbers in the same order as the web page, at most 5 % of the words different."""
    import difflib

    page = page_prose((site / "chapters" / f"{notebook.stem}.html").read_text())
    edition = edition_prose(editions[notebook.stem])
    page_numbers, edition_numbers = NUMBER.findall(page), NUMBER.findall(edition)
    assert len(page_numbers) > 20, "the page's prose holds hardly any numbers: is the page reduced right?"
    if page_numbers != edition_numbers:
        matcher = difflib.SequenceMatcher(None, page_numbers, edition_numbers, autojunk=False)
        first = next(op for op in matcher.get_opcodes() if op[0] != "equal")
        pytest.fail(f"the edition's numbers differ from the page's: {first[0]} page "
                    f"{page_numbers[first[1]:first[2]]} vs edition {edition_numbers[first[3]:first[4]]}")
    page_words, edition_words = prose_words(page), prose_words(edition)
    matcher = difflib.SequenceMatcher(None, page_words, edition_words, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    differ = 1 - same / max(len(page_words), len(edition_words))
    assert differ <= 0.05, f"{differ:.1%} of the words differ between the page and the edition"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_edition_is_plain_markdown_around_the_sources_code(editions, notebook):
    """No MyST left; every code cell is the source's, so the site's numbers come from the same code."""
    import nbformat

    from tools import colab_edition

    edition = editions[notebook.stem]
    for index, cell in enumerate(edition.cells):
        if cell.cell_type == "markdown":
            assert not colab_edition.leftovers(cell.source), (index, colab_edition.leftovers(cell.source))
            assert "glue:" not in cell.source and "{cite" not in cell.source, index
    assert "notebook edition" in edition.cells[0].source and "`" in edition.cells[0].source
    source = nbformat.read(notebook, as_version=4)
    titles = (colab_edition.FORM_SETUP, colab_edition.FORM_HIDDEN, colab_edition.FORM_CODE)
    code = [c.source.split("\n", 1)[1] if c.source.startswith(titles) else c.source
            for c in edition.cells if c.cell_type == "code"]
    expected = [colab_edition.pinned_setup(c.source, "X") if "colab-setup" in c.metadata.get("tags", [])
                else c.source for c in source.cells if c.cell_type == "code"]
    assert len(code) == len(expected)
    for index, (ours, theirs) in enumerate(zip(code, expected, strict=True)):
        if "BOOK_COMMIT" in ours:
            ours = re.sub(r'BOOK_COMMIT = "[^"]*"', 'BOOK_COMMIT = "X"', ours)
            theirs = re.sub(r'BOOK_COMMIT = "[^"]*"', 'BOOK_COMMIT = "X"', theirs)
        assert ours == theirs, f"code cell {index} of the edition is not the source's"
    hidden = [c for c in edition.cells if c.cell_type == "code" and c.source.startswith(titles[:2])]
    assert hidden and all(c.metadata.get("cellView") == "form" and not c.outputs for c in hidden)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_colab_simulation_ran_the_published_edition(chapter_runs, editions, notebook):
    """The smoke run that the page was built from executed the edition's code cells, cell for cell."""
    run = chapter_runs[notebook.stem]
    ran = [c.source for c in ran_code(Path(run["executed"]))]
    published = [c.source for c in editions[notebook.stem].cells if c.cell_type == "code"]
    assert sum(f'BOOK_COMMIT = "{run["commit"]}"' in text for text in ran) == 1, "the run was not pinned"

    def unpinned(texts):  # the run is pinned to the test's snapshot, the edition to HEAD
        return [re.sub(r'BOOK_COMMIT = "[^"]*"', 'BOOK_COMMIT = "…"', text) for text in texts]

    assert unpinned(ran) == unpinned(published)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_student_edition_has_answer_cells_instead_of_solutions(editions, notebook):
    import nbformat

    from tools import colab_edition, make_assignments

    path = OUTPUT / "_build" / "colab" / "student" / "chapters" / notebook.name
    student = nbformat.read(path, as_version=4)
    nbformat.validate(student)
    teacher = nbformat.read(notebook, as_version=4)
    solutions = sum(c.source.count("{solution-start}") for c in teacher.cells if c.cell_type == "markdown")
    assert solutions >= 3
    answers = [c for c in student.cells if "answer" in c.metadata.get("tags", [])]
    assert len(answers) == solutions
    assert not [c for c in student.cells if "solution" in c.metadata.get("tags", [])]
    assert "Solution to Exercise" not in "\n".join(c.source for c in student.cells)
    assert "Solution to Exercise" in "\n".join(c.source for c in editions[notebook.stem].cells)
    checks = [make_assignments.unfolded(c.source) for c in student.cells
              if "self-check" in c.metadata.get("tags", []) and c.metadata.get("cellView") == "form"]
    assert checks == [c.source for c in teacher.cells if "self-check" in c.metadata.get("tags", [])]
    for cell in student.cells:
        if cell.cell_type == "markdown":
            assert not colab_edition.leftovers(cell.source)
        else:
            assert not cell.outputs, "a student edition carries no outputs"
    assert "student edition" in student.cells[0].source


def test_the_download_button_hands_out_the_edition(site, editions):
    import nbformat

    for notebook in CHAPTERS:
        download = nbformat.read(site / "_sources" / "chapters" / notebook.name, as_version=4)
        assert download.cells[0].source == editions[notebook.stem].cells[0].source, notebook.stem


# --- The built site in a real browser -------------------------------------------------

CHROMIUM = Path(os.environ.get("RNN_BOOK_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Full-page screenshots of every page at both widths, for a person to look at (`make screenshots`,
# and the GitHub workflow's artifact): about half of the browser test's time, so only on request.
TAKE_SCREENSHOTS = os.environ.get("RNN_BOOK_SCREENSHOTS", "") == "1"
WIDTHS = (1280, 390)  # a laptop and a phone
# Elements allowed to scroll sideways: code (kept to 88 columns), display math, and cell
# outputs (a wide DataFrame scrolls inside its output area).
MAY_SCROLL = "pre, .highlight, div.math, mjx-container, .cell_output, .output"


def toc_pages() -> list[str]:
    return structure.toc_pages()


@pytest.fixture(scope="module")
def browser(site):
    """Chromium opening the site from disk, with every request that is not a local file refused."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test skipped: no Chromium at {CHROMIUM}; install it with "
                    "`apt-get install chromium` (or point RNN_BOOK_CHROMIUM at one)")
    if not (site / "_static" / "mathjax" / "tex-mml-chtml.js").is_file():
        pytest.skip("browser test skipped: the site has no copy of MathJax; run `make vendor` (needs npm)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            return request_route.continue_()
        blocked.append(url)
        return request_route.abort()  # the book opened from disk must not need the network

    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync",
            "--allow-file-access-from-files"])
        pages = {}
        for width in WIDTHS:
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", route)
            pages[width] = page
        yield pages, site.resolve().as_uri() + "/", blocked
        chromium.close()


def open_page(page, base, name, *, typeset=True):
    response = page.goto(base + name + ".html", wait_until="load")
    assert response is not None and response.ok, f"{name}.html did not load"
    if typeset and page.locator("script[src*='mathjax']").count():  # Sphinx loads it only where there is math
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", toc_pages())
def test_page_reads_offline_at_every_width(browser, name, width):
    pages, base, blocked = browser
    page = pages[width]
    open_page(page, base, name)
    raw = page.evaluate("""() => [...document.querySelectorAll('span.math, div.math')]
        .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent)""")
    assert not raw, f"math left untypeset on {name} (offline): {raw[:3]}"
    prose = page.evaluate("""() => {
        const copy = document.querySelector('main').cloneNode(true);
        copy.querySelectorAll('pre, code, mjx-container, script, style').forEach(el => el.remove());
        return copy.textContent; }""")
    for marker in ("$$", "\\(", "\\["):
        assert marker not in prose, f"raw math delimiter {marker!r} in the text of {name}"
    notebook_chapter = (ROOT / f"{name}.ipynb").is_file()
    if notebook_chapter:
        assert page.locator("mjx-container").count() > 0, f"no typeset math on {name}"
    broken = page.evaluate("""() => [...document.images]
        .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)""")
    assert not broken, f"images that did not load on {name}: {broken}"
    undescribed = page.evaluate("""() => [...document.querySelectorAll('main img')]
        .filter(img => !(img.alt || '').trim() || /\\.(png|svg|jpe?g)$/.test(img.alt.trim()))
        .filter(img => !img.closest('figure')?.querySelector('figcaption'))
        .map(img => img.src.split('/').pop())""")
    assert not undescribed, f"figures without alt text or a caption on {name}: {undescribed}"
    cut = page.evaluate("""(allowed) => [...document.querySelectorAll('main *')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
        .filter(el => !el.closest(allowed))
        .filter(el => getComputedStyle(el).overflowX !== 'visible' || el.getBoundingClientRect().right >
                      document.documentElement.clientWidth + 1)
        .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)""", MAY_SCROLL)
    assert not cut, f"content wider than its box at {width} px on {name}: {sorted(set(cut))[:8]}"
    wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 1, f"{name} scrolls sideways by {wide} px at {width} px"
    if notebook_chapter:
        assert page.locator("img").count() > 0, f"no figures on {name}"
    if TAKE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '_')}-{width}.png"), full_page=True)
    assert not blocked, f"pages asked for the network: {sorted(set(blocked))[:5]}"


def test_the_report_fits_a_phone(browser):
    """Every claim's verdict is inside the viewport at 390 px, without sideways scrolling."""
    pages, base, _ = browser
    page = pages[390]
    open_page(page, base, "chapters/appendix_reproduction")
    cards = page.locator(".reproduction-card")
    assert cards.count() > 0, "the report shows no claims"
    outside = page.evaluate("""() => [...document.querySelectorAll('.reproduction-card *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(el => el.textContent.slice(0, 60))""")
    assert not outside, f"report content outside a 390-px screen: {outside[:3]}"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_colab_link_and_folded_solutions(browser, notebook):
    pages, base, _ = browser
    page = pages[1280]
    open_page(page, base, f"chapters/{notebook.stem}", typeset=False)  # links and toggles only
    owner_repo = structure.repository()[0].removeprefix("https://github.com/")
    hrefs = page.eval_on_selector_all(
        "a[href^='https://colab.research.google.com/']", "links => links.map(a => a.href)")
    expected = (f"https://colab.research.google.com/github/{owner_repo}/blob/colab/"
                f"chapters/{notebook.name}")
    assert expected in hrefs, f"Colab links on the page: {hrefs}"
    assert (EDITIONS / notebook.name).is_file()

    solutions = page.locator("div.solution.dropdown")
    assert solutions.count() >= 3, "every chapter has at least three exercises with solutions"
    first = solutions.first
    body = first.locator("section").first
    assert not body.is_visible(), "a solution is visible before it is opened"
    first.locator("button.toggle-button").click()  # the title's link would jump to the exercise
    body.wait_for(state="visible", timeout=5000)


def test_figures_are_opaque_for_dark_mode(site):
    """Transparent figures with dark text vanish on the dark theme; ours have a solid background."""
    from PIL import Image

    figures = sorted((site / "_images").glob("*.png"))
    assert figures, "the site has no figures"
    see_through = []
    for path in figures:
        with Image.open(path) as image:
            if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
                see_through.append(path.name)
    assert not see_through, f"figures with transparent pixels: {see_through}"


# --- Only teaching code on the page -------------------------------------------------------

# What a reader's code must not use: the chapters' bookkeeping, smoke switches, glue,
# the environment, logging and timers. Names are resolved through the notebook's own
# imports and assignments, so an alias (`from helpers.book import start_chapter as s`)
# or an object made by a hidden cell (`record = chapter.record`) is still caught.
BOOKKEEPING = ("helpers.book", "helpers.record", "helpers.repro.smoke_mode", "helpers.sweep.vectorized",
               "myst_nb", "os.environ", "os.getenv", "logging", "time.perf_counter", "time.time",
               "time.monotonic", "time.process_time", "timeit")


def qualified_names(cells: list[str]) -> dict[str, str]:
    """Name -> what it stands for ('helpers.book.start_chapter()'), from imports and assignments."""
    import ast

    names: dict[str, str] = {}

    def resolve(node) -> str | None:
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = resolve(node.func)
            return f"{base}()" if base else None
        return None

    for source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                        alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = resolve(node.value)
                if target and isinstance(node.targets[0], ast.Name):
                    names[node.targets[0].id] = target
    return names


def bookkeeping_uses(source: str, names: dict[str, str]) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Name, ast.Attribute)):
            parts, base = [], node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in names:
                qualified = ".".join([names[base.id], *reversed(parts)])
                if any(qualified == b or qualified.startswith(b + ".") or qualified.startswith(b + "(")
                       for b in BOOKKEEPING):
                    found.append(f"{ast.unparse(node)} ({qualified})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if module and any(module == b or module.startswith(b + ".") for b in BOOKKEEPING):
                found.append(f"import of {module}")
    return found


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_page_shows_only_teaching_code(site, notebook):
    import nbformat
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / "chapters" / f"{notebook.stem}.html").read_text(), "html.parser")
    shown = [div.get_text() for div in soup.select("div.cell_input pre")]
    assert shown, "no code on the page"
    cells = [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    names = qualified_names(cells)
    problems = {}
    for code in shown:
        uses = bookkeeping_uses(code, names)
        if uses:
            problems[code.splitlines()[0][:60]] = uses
        long = [line for line in code.splitlines() if len(line) > 88]
        if long:
            problems.setdefault(code.splitlines()[0][:60], []).extend(f"{len(line)} columns" for line in long)
    assert not problems, f"bookkeeping or wide lines in the code a reader sees: {problems}"
    outputs = " ".join(div.get_text() for div in soup.select("div.cell_output"))
    assert "smoke" not in outputs.lower(), "an output on the page talks about smoke mode"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_each_shown_helper_is_on_the_page_as_code(site, notebook):
    """Every helper a chapter shows (tools.provenance) is a folded block of its own source on the page."""
    from bs4 import BeautifulSoup

    from tools import provenance

    _, taught = provenance.survey([notebook])
    soup = BeautifulSoup((site / "chapters" / f"{notebook.stem}.html").read_text(), "html.parser")
    blocks = {details.find("summary").get_text(" ", strip=True).split(",")[0]: details
              for details in soup.select("details.sd-dropdown")}
    for name in taught:
        assert name in blocks, f"{name}: no folded block titled with its name on the page"
        code = blocks[name].select_one("div.highlight pre")
        assert code is not None, f"{name}: its block holds no code"
        assert f"def {name}(" in code.get_text() or f"class {name}" in code.get_text(), (
            f"{name}: the block does not show its definition")


def test_the_page_check_catches_bookkeeping():
    """The check above is not vacuous: aliases and objects made in hidden cells are resolved."""
    hidden = ["from helpers.book import start_chapter as begin",
              "chapter = begin('x')\nrecord = chapter.record", "import os\nimport time as t"]
    names = qualified_names(hidden)
    assert bookkeeping_uses("record.add('k', 1.0)", names)
    assert bookkeeping_uses("chapter.timing('goog_keras', seeds=[1], metrics=[2.0])", names)
    assert bookkeeping_uses("start = t.perf_counter()", names)
    assert bookkeeping_uses("os.environ['KERAS_BACKEND'] = 'jax'", names)
    assert bookkeeping_uses("from myst_nb import glue", names)
    assert not bookkeeping_uses("x = os.path.join('a', 'b')\ny = record_count + 1", names)
