"""Structural checks on the committed chapter notebooks (no execution)."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from tools import setup_cell, structure

ROOT = structure.ROOT
CHAPTERS = structure.notebooks_on_disk()
ids = [p.stem for p in CHAPTERS]


def tagged(notebook, tag):
    return [c for c in notebook.cells if tag in c.metadata.get("tags", [])]


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks under chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(notebook.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_parameters_cell_holds_literals_only(path):
    notebook = nbformat.read(path, as_version=4)
    cells = tagged(notebook, "parameters")
    assert len(cells) == 1, "exactly one cell must be tagged 'parameters'"
    tree = ast.parse(cells[0].source)
    names = set()
    for statement in tree.body:
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1, (
            f"only simple assignments belong in the parameters cell: {ast.unparse(statement)}")
        ast.literal_eval(statement.value)  # raises if not a literal
        names.add(statement.targets[0].id)
    assert "SMOKE" not in names, "smoke mode is switched on from outside (RNN_BOOK_SMOKE), not a parameter"
    # The hidden cell right after it starts the chapter's bookkeeping (and smoke mode).
    following = notebook.cells[notebook.cells.index(cells[0]) + 1]
    assert "start_chapter(" in following.source, "the cell after the parameters must call start_chapter"
    assert "remove-cell" in following.metadata.get("tags", []), "the start_chapter cell is hidden"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_setup_cell_matches_config(path):
    notebook = nbformat.read(path, as_version=4)
    cells = setup_cell.setup_cells(notebook)
    assert len(cells) == 1, "exactly one cell must be tagged 'colab-setup'"
    assert "remove-cell" in cells[0].metadata["tags"], "the setup cell is hidden on the site"
    assert cells[0].source == setup_cell.render(), (
        "setup cell is out of date: run `python -m tools.setup_cell --write`")
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert first_code is cells[0], "the setup cell must be the first code cell"
    url, branch = structure.repository()
    assert f'BOOK_REPOSITORY = "{url}"' in cells[0].source
    assert f'BOOK_BRANCH = "{branch}"' in cells[0].source


IMPORT_LINES = 12  # the visible import cell: about a dozen lines


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_the_import_cell_is_short_and_helpers_arrive_where_used(path):
    """A chapter imports its libraries up front; each helper is imported by the cell that first uses it."""
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    imports = code[1]  # after the set-up cell
    assert all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in ast.parse(imports.source).body), (
        "the cell after the set-up cell holds the chapter's imports only")
    lines = len(imports.source.strip().splitlines())
    assert lines <= IMPORT_LINES, f"the import cell has {lines} lines (at most {IMPORT_LINES})"
    seen: set[str] = set()
    for index, cell in enumerate(code):
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
                seen.update(alias.asname or alias.name for alias in node.names)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        exported = used & set(__import__("helpers").__all__) - seen
        assert not exported, f"code cell {index} uses {sorted(exported)} before importing it"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_a_chapter_reads_no_other_chapters_output(path):
    """A chapter computes what it compares with, so it says the same whatever ran before it."""
    notebook = nbformat.read(path, as_version=4)
    forbidden = ("metrics_dir", "RNN_BOOK_METRICS", "_build", "json.load", "read_text")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            found = [word for word in forbidden if word in cell.source]
            assert not found, f"code cell {index} reads build output ({found})"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_exercises_have_solutions_and_self_checks(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    exercises = markdown.count("```{exercise}")
    assert exercises >= 3, f"{path.name} has {exercises} exercises; every chapter has at least 3"
    assert markdown.count("```{solution-start}") == exercises
    assert markdown.count("```{solution-end}") == exercises
    assert tagged(notebook, "self-check"), "code exercises come with self-check cells"


def test_toc_lists_exactly_the_existing_pages():
    files = structure.toc_pages()
    for entry in files:
        matches = list(ROOT.glob(entry + ".*"))
        assert any(m.suffix in {".md", ".ipynb"} for m in matches), f"_toc.yml lists missing {entry}"
    listed = {f for f in files if f.startswith("chapters/")}
    on_disk = {f"chapters/{p.stem}" for p in CHAPTERS}
    assert on_disk <= listed, f"chapters missing from _toc.yml: {sorted(on_disk - listed)}"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_prose_refers_to_exercises_by_reference_not_by_number(path):
    """The book numbers exercises across all chapters, so "exercise 2" names the wrong one; use {ref}."""
    notebook = nbformat.read(path, as_version=4)
    bare = [
        (i, m.group(0))
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "markdown"
        for m in re.finditer(r"\b[Ee]xercises? \d+", c.source)
    ]
    assert not bare, f"cells name exercises by number: {bare}"
