"""Execute every chapter in smoke mode with papermill, the way the site does.

Each notebook runs top to bottom with ``SMOKE=True`` injected after its
``parameters`` cell; the executed copy lands in ``_build/smoke/notebooks/``.
(nbval runs the same notebooks a second time, with the environment switch
instead of the parameter; see the Makefile.)
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
OUT = ROOT / "_build" / "smoke" / "notebooks"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_in_smoke_mode(notebook: Path, monkeypatch, tmp_path):
    metrics = tmp_path / "metrics"
    monkeypatch.setenv("RNN_BOOK_METRICS", str(metrics))
    OUT.mkdir(parents=True, exist_ok=True)
    executed_path = OUT / notebook.name
    papermill.execute_notebook(
        str(notebook), str(executed_path), parameters={"SMOKE": True},
        cwd=str(notebook.parent), kernel_name="python3", progress_bar=False,
    )
    executed = nbformat.read(executed_path, as_version=4)
    tags = [tag for cell in executed.cells for tag in cell.metadata.get("tags", [])]
    assert "injected-parameters" in tags, "papermill found no cell tagged 'parameters'"
    errors = [
        output for cell in executed.cells if cell.cell_type == "code"
        for output in cell.get("outputs", []) if output.get("output_type") == "error"
    ]
    assert not errors

    # The chapter recorded its numbers, marked as a smoke run.
    document = json.loads((metrics / f"{notebook.stem}.json").read_text())
    assert document["chapter"] == notebook.stem
    assert document["smoke"] is True
    assert document["metrics"], "the chapter recorded no numbers"
