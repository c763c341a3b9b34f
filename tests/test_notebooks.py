"""Every chapter runs in smoke mode with papermill, as in a fresh Colab runtime.

Each notebook runs top to bottom in smoke mode (``RNN_BOOK_SMOKE=1``), from a
scratch directory outside the repository, with a fake ``google.colab`` module
importable and the installed ``helpers`` hidden.
So the chapter's setup cell has to do what it does in Colab: clone the book
(here from a local snapshot of this working tree, on the branch named in
``_config.yml``) and put the clone on ``sys.path``. The runs happen once per
test run (``smoke_runs.py``, through the ``chapter_runs`` fixture); the executed
copies land in ``_build/smoke/notebooks/``, and test_book_build.py builds the
website from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from smoke_runs import CHAPTERS, METRICS


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_in_a_fresh_colab_runtime(notebook: Path, chapter_runs):
    run = chapter_runs[notebook.stem]
    assert run["returncode"] == 0, f"{notebook.name} failed under papermill:\n{run['log']}"

    executed = nbformat.read(run["executed"], as_version=4)
    # The setup cell cloned the book, and the chapter used the clone's helpers.
    clone = Path(run["clone"])
    assert (clone / "helpers" / "__init__.py").is_file(), "the setup cell did not clone the book"
    last = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert f"HELPERS_FROM {clone / 'helpers' / '__init__.py'}" in last, last
    # On JAX or PyTorch, nothing a chapter does loads TensorFlow (about 6 s and 800 MB per kernel,
    # e.g. through Keras' get_config()), even where it is installed, as in Colab.
    assert "KERAS_BACKEND " in last, last
    backend = last.split("KERAS_BACKEND ")[1].split()[0]
    if backend != "tensorflow":
        assert "TENSORFLOW_LOADED False" in last, f"{notebook.name} on {backend} loaded TensorFlow"
    # The chapter recorded its numbers, marked as a smoke run.
    document = json.loads((METRICS / f"{notebook.stem}.json").read_text())
    assert document["chapter"] == notebook.stem
    assert document["smoke"] is True
    assert document["metrics"], "the chapter recorded no numbers"
    assert document["experiments"], "the chapter declared no rows for the reproduction report"


def test_every_bench_experiment_is_timed_by_its_chapter(chapter_runs):
    """make bench compares each reference with its chapter's unlabelled run: the names must match."""
    from bench.reference import EXPERIMENTS

    for key, experiment in EXPERIMENTS.items():
        run = chapter_runs.get(experiment.chapter)
        if run is None:  # chapter deselected (e.g. with -k)
            continue
        assert run["returncode"] == 0, f"{experiment.chapter} failed; see its own test"
        timings = json.loads((METRICS / f"{experiment.chapter}.json").read_text())["timings"]
        unlabelled = [t for t in timings if t["experiment"] == key and not t["label"]]
        assert unlabelled, f"{experiment.chapter} records no unlabelled training call of {key!r}"
        assert all(t["seconds"] > 0 and None not in t["metrics"] for t in unlabelled), key
    known = set(EXPERIMENTS)
    for stem, run in chapter_runs.items():
        if run["returncode"] == 0 and (METRICS / f"{stem}.json").is_file():
            names = {t["experiment"] for t in json.loads((METRICS / f"{stem}.json").read_text())["timings"]}
            assert names <= known, f"{stem} times experiments unknown to bench/reference.py: {names - known}"
