"""Which chapter teaches and uses each helper is read from the chapters (tools/provenance.py)."""

from __future__ import annotations

import nbformat

from tools import provenance


def chapter(path, *cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c) if kind == "code" else nbformat.v4.new_markdown_cell(c)
                      for kind, c in cells]
    nbformat.write(notebook, path)
    return path


SHOW = "```{literalinclude} ../helpers/windows.py\n:pyobject: make_windows\n```"


def test_the_survey_reads_imports_and_shown_sources(tmp_path):
    three = chapter(tmp_path / "03_a.ipynb", ("code", "from helpers import make_windows, rmse"),
                    ("markdown", "Here it is:\n\n" + SHOW))
    five = chapter(tmp_path / "05_b.ipynb",
                   ("code", "import numpy as np\nfrom helpers import (\n    rmse,\n)"))
    used, taught = provenance.survey([three, five])
    assert used == {"make_windows": {3}, "rmse": {3, 5}}
    assert taught == {"make_windows": {3}}
    line = provenance.expected_line("rmse", used, {"rmse": {3}})
    assert line == "Taught in chapter 3; used in chapters 3 and 5."


def test_the_public_api_is_what_the_chapters_import():
    used = {"rmse": {3, 5}, "private_thing": {4}}
    taught = {"rmse": {3, 7}}
    found = provenance.problems(["rmse", "unused"], used, taught)
    assert any("unused: exported by helpers but imported by no chapter" in p for p in found)
    assert any("rmse: its source must be shown by exactly one chapter" in p for p in found)
    assert any("private_thing: imported from helpers" in p for p in found)


def test_a_docstring_that_claims_a_chapter_which_no_longer_imports_it_is_stale():
    def helper():
        """Do a thing.

        Taught in chapter 3; used in chapters 3 and 5.
        """

    assert provenance.docstring_fix(helper, "Taught in chapter 3; used in chapters 3 and 5.") is None
    path, old, new = provenance.docstring_fix(helper, "Taught in chapter 3; used in chapter 3.")
    assert "used in chapters 3 and 5" in old and "used in chapter 3." in new and "chapters 3 and 5" not in new


def test_every_public_helper_is_taught_once_and_its_docstring_says_where():
    assert provenance.main([]) == 0, "run `python -m tools.provenance` to see what differs"
