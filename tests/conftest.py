"""Fixtures shared by test modules: every chapter executed once per test run."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import smoke_runs as runs

from helpers.backend import requested_backend

# The test processes use the book's Keras backend (or $KERAS_BACKEND), fixed
# before any test module imports Keras; notebook kernels inherit it.
os.environ["KERAS_BACKEND"] = requested_backend()
# No progress lines in the chapters' outputs (helpers/book.py): the kernels inherit it.
os.environ["RNN_BOOK_QUIET"] = "1"

RUN_ID = pytest.StashKey[str]()


def pytest_configure(config):
    # pytest-xdist gives all its workers one id for the test run; without it there is one process.
    workerinput = getattr(config, "workerinput", None)
    config.stash[RUN_ID] = workerinput["testrunuid"] if workerinput else uuid.uuid4().hex


def chapters_needed(session) -> list[str]:
    """Every chapter when a selected test needs the site, else the chapters selected."""
    everything = [n.stem for n in runs.CHAPTERS]
    stems = set()
    for item in session.items:
        if "chapter_runs" not in getattr(item, "fixturenames", ()):
            continue
        callspec = getattr(item, "callspec", None)
        notebook = callspec.params.get("notebook") if callspec else None
        if "site" in item.fixturenames or not isinstance(notebook, Path):
            return everything
        stems.add(notebook.stem)
    return [s for s in everything if s in stems]


@pytest.fixture(scope="session")
def chapter_runs(request, tmp_path_factory) -> dict[str, dict]:
    """Each chapter's smoke run in a simulated fresh Colab runtime (see smoke_runs.py)."""
    return runs.run_once(request.config.stash[RUN_ID], chapters_needed(request.session),
                         tmp_path_factory.mktemp("colab"))
