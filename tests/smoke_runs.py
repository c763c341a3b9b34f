"""Every chapter's Colab edition executed once per test run, in smoke mode, as a fresh Colab runtime would.

Each chapter runs as its Colab edition will (``colab_edition.runnable_edition``:
the edition's code cells, whose set-up cell fetches the book at one commit),
top to bottom with papermill in smoke mode
(``RNN_BOOK_SMOKE=1`` in its environment), from a scratch directory outside the repository, with
a fake ``google.colab`` module importable and the installed ``helpers``
hidden. So the chapter's setup cell has to do what it does in Colab: clone the
book (here from a local snapshot of this working tree, on the branch named in
``_config.yml``, at the snapshot's commit) and put the clone on ``sys.path``.

The executed copies land in ``_build/smoke/notebooks/`` and the numbers the
chapters record in ``_build/smoke/metrics/``. ``test_notebooks.py`` checks each
run; ``test_book_build.py`` builds the website from the same executed
notebooks (see :func:`as_published`), so no chapter executes twice.

The ``chapter_runs`` fixture (``conftest.py``) calls :func:`run_once`. Under
pytest-xdist, whichever worker needs the runs first executes every chapter,
several kernels at a time, holding a file lock; a worker that asks later
waits for the lock and reads the results of the same test run. No test
depends on which worker that is, or on the order the tests run in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from filelock import FileLock

from tools import colab_edition, structure

ROOT = structure.ROOT
CHAPTERS = structure.chapters()
SMOKE = ROOT / "_build" / "smoke"
NOTEBOOKS = SMOKE / "notebooks"
METRICS = SMOKE / "metrics"
RESULTS = SMOKE / "runs.json"
LOCK = ROOT / "_build" / "smoke.lock"
# Kernels at a time: one per core, up to four.
KERNELS = max(1, min(4, os.cpu_count() or 1))

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
EPILOGUE = ("import helpers\nprint('HELPERS_FROM', helpers.__file__)\n"
            "import keras\nprint('KERAS_BACKEND', keras.backend.backend(), 'TENSORFLOW_LOADED', "
            "'tensorflow' in sys.modules)")

# One papermill run per process, so that each kernel gets its own environment.
PAPERMILL = """\
import sys
import papermill
staged, executed, cwd = sys.argv[1:]
papermill.execute_notebook(staged, executed, cwd=cwd, kernel_name="python3", progress_bar=False)
"""


def snapshot_origin(origin: Path) -> tuple[Path, str]:
    """A git repository holding this working tree's helpers and data, on the configured branch,
    and the commit that holds them."""
    for name in ("helpers", "data"):
        shutil.copytree(ROOT / name, origin / name, ignore=shutil.ignore_patterns("__pycache__"))
    _, branch = structure.repository()
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", branch, str(origin)], check=True)
    subprocess.run([*git, "-C", str(origin), "add", "."], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-q", "-m", "snapshot"], check=True)
    commit = subprocess.run(["git", "-C", str(origin), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    return origin, commit


def execute(notebook: Path, origin: Path, commit: str, scratch: Path) -> dict:
    """Run one chapter's edition, pinned to ``commit``, in a simulated fresh Colab runtime."""
    fake = scratch / "fake-colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s module in the tests."""\n')
    # JAX imports google.colab.output when it sees google.colab (for its debugger).
    (fake / "output.py").write_text('"""Stands in for Colab\'s output module (never called here)."""\n')
    content = scratch / "content"  # Colab's working directory: nothing of the book in it
    content.mkdir()
    clone = scratch / "clone"
    env = dict(os.environ, PYTHONPATH=str(scratch / "fake-colab"), RNN_BOOK_REPOSITORY=str(origin),
               RNN_BOOK_CLONE=str(clone), RNN_BOOK_METRICS=str(METRICS), RNN_BOOK_SMOKE="1")
    env.pop("RNN_BOOK_DATA", None)

    source = colab_edition.runnable_edition(nbformat.read(notebook, as_version=4), commit=commit)
    source.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    source.cells.append(nbformat.v4.new_code_cell(EPILOGUE))
    staged = content / notebook.name
    nbformat.write(source, staged)
    executed = NOTEBOOKS / notebook.name
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", PAPERMILL, str(staged), str(executed), str(content)],
        env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if executed.is_file():  # papermill's own count, from kernel start to the last cell
        seconds = nbformat.read(executed, as_version=4).metadata.get("papermill", {}).get(
            "duration") or seconds
    # On failure, papermill's error (the cell and its traceback) is what to show.
    log = result.stderr[max(0, result.stderr.rfind("Traceback (most recent call last)")):]
    return {"returncode": result.returncode, "log": log[-8000:],
            "executed": str(executed), "clone": str(clone), "seconds": seconds, "commit": commit}


def run_once(run_id: str, stems: list[str], scratch: Path) -> dict[str, dict]:
    """The runs of ``stems`` in this test run: executed here, or by the worker that came first."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(LOCK)):
        if RESULTS.is_file():
            done = json.loads(RESULTS.read_text())
            if done["run"] == run_id and set(stems) <= set(done["chapters"]):
                return done["chapters"]
        # A new test run: nothing from an earlier one (notebooks, metrics, site, cache) is kept.
        shutil.rmtree(SMOKE, ignore_errors=True)
        NOTEBOOKS.mkdir(parents=True)
        METRICS.mkdir(parents=True)
        origin, commit = snapshot_origin(scratch / "origin")
        notebooks = [n for n in CHAPTERS if n.stem in stems]
        with ThreadPoolExecutor(KERNELS) as pool:
            runs = pool.map(lambda n: execute(n, origin, commit, scratch / n.stem), notebooks)
            chapters = {n.stem: run for n, run in zip(notebooks, runs, strict=True)}
        partial = RESULTS.with_suffix(".tmp")
        partial.write_text(json.dumps({"run": run_id, "chapters": chapters}, indent=2))
        partial.replace(RESULTS)
        return chapters


def ran_code(executed: Path) -> list:
    """The code cells of a chapter's run, without the test-only ones (prelude, epilogue,
    papermill's injected parameters)."""
    run = nbformat.read(executed, as_version=4)
    return [c for c in run.cells[1:-1]
            if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]


def as_published(notebook: Path, executed: Path, commit: str) -> nbformat.NotebookNode:
    """The chapter as the site shows it: the committed notebook with its edition's outputs.

    The run's code cells must be the edition's for ``commit``; everything
    else, metadata included, is the committed notebook's own, so myst-nb's
    execution cache matches it.
    """
    chapter = nbformat.read(notebook, as_version=4)
    ran = ran_code(executed)
    runnable = colab_edition.runnable_edition(chapter, commit=commit)
    if [c.source for c in ran] != [c.source for c in runnable.cells if c.cell_type == "code"]:
        raise ValueError(f"{executed} is not a run of {notebook}'s edition as it is now (edited since?)")
    code = [c for c in chapter.cells if c.cell_type == "code"]
    for cell, result in zip(code, ran, strict=True):
        cell.outputs = result.outputs
        cell.execution_count = result.execution_count
    return chapter
