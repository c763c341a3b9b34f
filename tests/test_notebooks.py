"""Execute every chapter in smoke mode with papermill, as a fresh Colab runtime would.

Each notebook runs top to bottom with ``SMOKE=True`` injected after its
``parameters`` cell, from a scratch directory outside the repository, with a
fake ``google.colab`` module importable and the installed ``helpers`` hidden.
So the chapter's setup cell has to do what it does in Colab: clone the book
(here from a local snapshot of this working tree, on the branch named in
``_config.yml``) and put the clone on ``sys.path``. The executed copies land
in ``_build/smoke/notebooks/``. nbval runs the same notebooks again in place,
with the environment switch instead of the parameter, and the site build
runs them a third time (see the Makefile and test_book_build.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import setup_cell  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
OUT = ROOT / "_build" / "smoke" / "notebooks"

# Runs first in the kernel: forget the editable install of `helpers`, as in a
# runtime where nothing but the notebook exists.
PRELUDE = """\
# Test prelude (not part of the chapter): behave like a fresh Colab runtime.
import sys
def editable(hook):  # setuptools' finder for `pip install -e .`
    return str(getattr(hook, "__module__", "")).startswith("__editable__")
sys.meta_path[:] = [f for f in sys.meta_path if not editable(f)]
sys.path_hooks[:] = [h for h in sys.path_hooks if not editable(h)]
sys.path_importer_cache.clear()
"""
EPILOGUE = "import helpers\nprint('HELPERS_FROM', helpers.__file__)"


@pytest.fixture(scope="module")
def book_origin(tmp_path_factory) -> Path:
    """A git repository holding this working tree's helpers and data, on the configured branch."""
    origin = tmp_path_factory.mktemp("origin")
    for name in ("helpers", "data"):
        shutil.copytree(ROOT / name, origin / name, ignore=shutil.ignore_patterns("__pycache__"))
    _, branch = setup_cell.repository()
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", branch, str(origin)], check=True)
    subprocess.run([*git, "-C", str(origin), "add", "."], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-q", "-m", "snapshot"], check=True)
    return origin


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_in_a_fresh_colab_runtime(notebook: Path, book_origin, monkeypatch, tmp_path):
    fake = tmp_path / "fake-colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s module in the tests."""\n')
    content = tmp_path / "content"  # Colab's working directory: nothing of the book in it
    content.mkdir()
    clone = tmp_path / "clone"
    metrics = tmp_path / "metrics"
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake-colab"))
    monkeypatch.setenv("RNN_BOOK_REPOSITORY", str(book_origin))
    monkeypatch.setenv("RNN_BOOK_CLONE", str(clone))
    monkeypatch.setenv("RNN_BOOK_METRICS", str(metrics))
    monkeypatch.delenv("RNN_BOOK_DATA", raising=False)

    source = nbformat.read(notebook, as_version=4)
    source.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    source.cells.append(nbformat.v4.new_code_cell(EPILOGUE))
    staged = content / notebook.name
    nbformat.write(source, staged)
    OUT.mkdir(parents=True, exist_ok=True)
    executed_path = OUT / notebook.name
    papermill.execute_notebook(
        str(staged), str(executed_path), parameters={"SMOKE": True},
        cwd=str(content), kernel_name="python3", progress_bar=False,
    )

    executed = nbformat.read(executed_path, as_version=4)
    tags = [tag for cell in executed.cells for tag in cell.metadata.get("tags", [])]
    assert "injected-parameters" in tags, "papermill found no cell tagged 'parameters'"
    # The setup cell cloned the book, and the chapter used the clone's helpers.
    assert (clone / "helpers" / "__init__.py").is_file(), "the setup cell did not clone the book"
    last = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert f"HELPERS_FROM {clone / 'helpers' / '__init__.py'}" in last, last
    # The chapter recorded its numbers, marked as a smoke run.
    document = json.loads((metrics / f"{notebook.stem}.json").read_text())
    assert document["chapter"] == notebook.stem
    assert document["smoke"] is True
    assert document["metrics"], "the chapter recorded no numbers"
    assert document["experiments"], "the chapter declared no rows for the reproduction report"
