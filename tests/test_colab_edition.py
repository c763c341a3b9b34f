"""The notebook editions' converter (tools/colab_edition.py), construct by construct.

The built editions of the real chapters are checked against their web pages in
test_book_build.py; here each conversion is checked on its own, and so is the
refusal of anything the converter does not know.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from tools import colab_edition as ce
from tools import setup_cell

BASE = "https://example.org/book/"


def context(**overrides) -> ce.Context:
    values = dict(
        docname="chapters/05_x",
        glue={"rmse": {"text/plain": "12.3456"}, "word": {"text/plain": "'lower'"},
              "n": {"text/plain": "42"}},
        baseurl=BASE,
        labels={"compare-method": ("chapters/03_y", "compare-method", "How compare decides")},
        titles={"chapters/03_y": "Chapter three", "intro": "The book", "chapters/05_x": "Five"},
        citations={"hochreiter1997": ("12", f"{BASE}chapters/bib.html#id9", "Hochreiter and Schmidhuber"),
                   "gers2000": ("10", f"{BASE}chapters/bib.html#id10", "Gers et al.")},
        exercises={"ch05-a": ("15", "A memory that fades")},
    )
    values.update(overrides)
    return ce.Context(**values)


def test_glued_values_are_formatted_as_myst_nb_formats_them():
    text = "RMSE {glue:text}`rmse:.1f`, verdict {glue:text}`word`, n = {glue:text}`n`."
    assert ce.convert_markdown(text, context()) == "RMSE 12.3, verdict lower, n = 42."


def test_an_undefined_glue_key_names_the_key():
    with pytest.raises(ce.EditionError, match="glue key 'missing'"):
        ce.convert_markdown("{glue:text}`missing:.2f`", context())


def test_citations_are_the_sites_numbered_links():
    converted = ce.convert_markdown("The LSTM {cite:p}`hochreiter1997,gers2000` keeps a cell.", context())
    assert converted == (f"The LSTM [[10]({BASE}chapters/bib.html#id10), [12]({BASE}chapters/bib.html#id9)]"
                         " keeps a cell.")
    textual = ce.convert_markdown("{cite:t}`gers2000` added it.", context())
    assert textual == f"Gers et al. [[10]({BASE}chapters/bib.html#id10)] added it."


def test_cross_references_link_to_the_published_pages():
    ctx = context()
    assert ce.convert_markdown("see {doc}`03_y`", ctx) == f"see [Chapter three]({BASE}chapters/03_y.html)"
    assert ce.convert_markdown("see {doc}`chapter 3 <03_y>`", ctx) == (
        f"see [chapter 3]({BASE}chapters/03_y.html)")
    assert ce.convert_markdown("as {ref}`compare-method` says", ctx) == (
        f"as [How compare decides]({BASE}chapters/03_y.html#compare-method) says")
    with pytest.raises(ce.EditionError, match="not a page of the book"):
        ce.convert_markdown("{doc}`nowhere`", ctx)


def test_exercises_become_numbered_headings_and_solutions_follow_them():
    source = ("```{exercise} A memory that fades\n:label: ch05-a\nMake it fade in "
              "{glue:text}`n` steps.\n```\n\n```{solution-start} ch05-a\n:class: dropdown\n```\n\n"
              "Set the bias.")
    converted = ce.convert_markdown(source, context())
    assert converted == ("### Exercise 15 (A memory that fades)\n\nMake it fade in 42 steps.\n\n"
                         "#### Solution to Exercise 15 (A memory that fades)\n\nSet the bias.")
    assert ce.convert_markdown("```{solution-end}\n```", context()) == ""
    folded = ce.convert_markdown("```{solution} ch05-a\nThe answer.\n```", context())
    assert folded.startswith("<details>\n<summary>Solution to Exercise 15 (A memory that fades)</summary>")
    assert folded.endswith("The answer.\n\n</details>")


def test_admonitions_become_block_quotes_with_a_bold_title():
    converted = ce.convert_markdown("```{admonition} Running this chapter\n:class: tip\nIt takes "
                                    "{glue:text}`n` s.\n```", context())
    assert converted == "> **Running this chapter**\n>\n> It takes 42 s."
    assert ce.convert_markdown(":::{note}\nCareful.\n:::", context()) == "> **Note**\n>\n> Careful."


def test_a_folded_helper_source_becomes_a_details_block_with_its_code(tmp_path):
    (tmp_path / "mod.py").write_text("import os\n\n\n@staticmethod\ndef shown(x):\n    return x\n\n\n"
                                     "def other():\n    pass\n")
    source = ":::{dropdown} shown, from mod.py\n```{literalinclude} mod.py\n:pyobject: shown\n```\n:::"
    converted = ce.convert_markdown(source, context(source_dir=tmp_path))
    assert converted == ("<details>\n<summary>shown, from mod.py</summary>\n\n```python\n@staticmethod\n"
                         "def shown(x):\n    return x\n```\n\n</details>")


def test_code_blocks_math_and_labels():
    source = "(my-label)=\n## A heading\n\n$$\nh_t = \\tanh(x)\n$$\n\n```python\nx = {1: 2}\n```"
    converted = ce.convert_markdown(source, context())
    assert converted == "## A heading\n\n$$\nh_t = \\tanh(x)\n$$\n\n```python\nx = {1: 2}\n```"


@pytest.mark.parametrize(("source", "construct"), [
    ("{term}`RNN`", "unknown role {term}"),
    ("```{figure} a.png\n```", "unknown directive {figure}"),
    ("```{exercise} T\n:label: ch05-a\n:unknown: 1\nx\n```", "no conversion for the option"),
    ("```{exercise} T\nno label\n```", "no numbered :label:"),
    ("```{admonition} open\nnever closed", "never closed"),
])
def test_unknown_constructs_stop_the_conversion(source, construct):
    with pytest.raises(ce.EditionError, match=construct.replace("{", r"\{").replace("}", r"\}")):
        ce.convert_markdown(source, context())


def test_the_leftover_check_sees_myst_syntax_outside_code_only():
    assert ce.leftovers("a {glue:text}`x` b\n:::{note}\n(label)=\n") == ["{glue:text}`", ":::{", "(label)="]
    assert ce.leftovers("```python\ns = '{glue:text}`x`'\n```\n") == []


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    setup = nbformat.v4.new_code_cell(setup_cell.render(), metadata={"tags": ["colab-setup", "remove-cell"]})
    hidden = nbformat.v4.new_code_cell("record.add('rmse', 12.3)", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "12.3"},
                                             metadata={"scrapbook": {"name": "rmse"}})]
    visible = nbformat.v4.new_code_cell("print(1)")
    visible.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                       nbformat.v4.new_output("stream", name="stderr", text="a warning\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Five\n\nRMSE {glue:text}`rmse:.1f`."), setup, hidden,
                visible, nbformat.v4.new_markdown_cell("```{solution-end}\n```")]
    return nb


def test_an_edition_keeps_the_code_folds_the_hidden_cells_and_notes_its_provenance():
    source = notebook()
    edition = ce.edition(source, context(), commit="0123456789abcdef", note="> built from `0123456789ab`")
    nbformat.validate(edition)
    assert [c.cell_type for c in edition.cells] == ["markdown", "markdown", "code", "code", "code"]
    assert edition.cells[0].source == "> built from `0123456789ab`"
    assert edition.cells[1].source == "# Five\n\nRMSE 12.3."
    setup, hidden, visible = edition.cells[2:]
    assert setup.source.startswith(ce.FORM_SETUP + "\n") and setup.metadata["cellView"] == "form"
    assert 'BOOK_COMMIT = "0123456789abcdef"' in setup.source and "--branch" not in setup.source
    assert hidden.source == f"{ce.FORM_HIDDEN}\nrecord.add('rmse', 12.3)" and hidden.outputs == []
    assert visible.source == "print(1)" and [o.get("name") for o in visible.outputs] == ["stdout"]
    assert source.cells[1].source == setup_cell.render(), "the executed notebook is left as it was"


def test_the_runnable_edition_has_the_editions_code_before_any_run():
    """What the tests' Colab simulation runs: the edition's code cells, the source's Markdown."""
    source = notebook()
    runnable = ce.runnable_edition(source, commit="0123456789abcdef")
    edition = ce.edition(source, context(), commit="0123456789abcdef", note="n")
    code = [(c.source, c.metadata.get("cellView")) for c in runnable.cells if c.cell_type == "code"]
    assert code == [(c.source, c.metadata.get("cellView")) for c in edition.cells if c.cell_type == "code"]
    assert [c.source for c in runnable.cells if c.cell_type == "markdown"] == [
        c.source for c in source.cells if c.cell_type == "markdown"]
    assert source.cells[1].source == setup_cell.render(), "the source is left as it was"


def test_a_markdown_error_names_the_chapter_and_the_cell():
    source = notebook()
    source.cells[0].source = "{glue:text}`nope`"
    with pytest.raises(ce.EditionError, match=r"chapters/05_x, cell 0: glue key 'nope'"):
        ce.edition(source, context(), commit="c", note="n")


def test_the_pinned_set_up_cell_fetches_the_book_at_its_commit(tmp_path):
    """Run the edition's set-up code as Colab would, against a local repository with two commits."""
    repo = tmp_path / "repo"
    (repo / "helpers").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "helpers" / "__init__.py").write_text("VERSION = 'pinned'\n")
    (repo / "helpers" / "book.py").write_text("def prepare_runtime():\n    return None\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    pinned = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    (repo / "helpers" / "__init__.py").write_text("VERSION = 'later'\n")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)

    code = ce.pinned_setup(setup_cell.render(), pinned)
    fake = tmp_path / "fake"  # google.colab, and the libraries Colab ships, as empty modules
    for name in ("google", "numpy", "pandas", "sklearn", "statsmodels", "matplotlib", "keras", "jax",
                 "torch"):
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text("")
    (fake / "google" / "colab.py").write_text("")
    script = tmp_path / "setup.py"
    script.write_text(code + "\nimport helpers\nprint(helpers.VERSION)\n")
    clone = tmp_path / "content" / "book"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "fake"), "RNN_BOOK_CLONE": str(clone),
           "RNN_BOOK_REPOSITORY": str(repo), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-S", str(script)], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    # -S keeps the editable install of this repository's helpers off the path, as in a fresh runtime.
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "pinned"
