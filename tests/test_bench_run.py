"""``bench.run`` and ``bench.sweep`` from the command line, small: the plumbing, not the timings."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.sweep import SWEEP_KEYS

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT), **extra)
    env.pop("RNN_BOOK_SMOKE", None)
    return env


def test_sweeps_cover_every_keras_experiment_with_batches_of_eight_or_more():
    assert SWEEP_KEYS == ["goog_keras", "elec_lstm", "elec_lstm14", "elec_simplernn", "elec_gru"]


def test_run_with_every_step_skipped_writes_a_partial_result(tmp_path):
    skip = ["--no-gemm", "--no-references", "--no-backends", "--no-chapters", "--no-sweeps", "--no-builds"]
    done = subprocess.run([sys.executable, "-m", "bench.run", *skip, "--out", str(tmp_path)], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "bench.json").read_text())
    assert result["schema"] == 3 and result["partial"] is True and result["complete"] is True
    assert result["protocol"] == "sitting" and result["settings"]["slower_limit"] == 4
    assert result["settings"]["seeds"] == 3 and result["settings"]["sweep_seeds"] == 10
    assert result["normalised"]["reference_gflops"] == 150.0 and result["wall_s"] > 0
    assert result["default_backend"] in ("jax", "tensorflow", "torch")
    assert [entry["stage"] for entry in result["load"]] == ["done"]
    assert "## Targets" in (tmp_path / "bench.md").read_text()


def test_papermill_chapter_runs_belong_to_the_full_protocol(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench.run", "--chapters", "01_rnn_theory", "--out",
                           str(tmp_path)], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "only --full" in done.stderr


def test_the_protocols():
    from bench.run import PROTOCOLS

    sitting, full = PROTOCOLS["sitting"], PROTOCOLS["full"]
    assert sitting["seeds"] >= 3 and full["seeds"] >= sitting["seeds"]
    assert sitting["chapters"] == "build" and full["chapters"] == "papermill"
    assert sitting["sweep_keys"] == ["goog_keras", "elec_lstm"] and not sitting["one_by_one"]
    assert full["sweep_keys"] == SWEEP_KEYS and full["one_by_one"]


def test_chapters_are_read_from_the_cold_build(tmp_path):
    """bench.run takes each chapter's seconds from the build's jupyter-cache and its calls from its record."""
    nbformat = pytest.importorskip("nbformat")
    from jupyter_cache import get_cache
    from jupyter_cache.cache.main import CacheBundleIn

    from bench.build_times import executed_chapters
    from tools import structure

    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    metrics = tmp_path / "_build" / "metrics"
    metrics.mkdir(parents=True)
    first, *rest = structure.chapters()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=1)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cache.cache_notebook_bundle(CacheBundleIn(notebook, str(tmp_path / first.name),
                                              data={"execution_seconds": 12.5}))
    timing = {"experiment": "goog_keras", "seconds": 3.0, "seeds": [42], "metrics": [1.0], "label": ""}
    (metrics / f"{first.stem}.json").write_text(json.dumps(
        {"smoke": False, "versions": {"keras backend": "jax"}, "timings": [timing]}))
    chapters = executed_chapters(tmp_path, "jax")
    assert chapters[first.stem]["seconds"] == 12.5 and chapters[first.stem]["timings"] == [timing]
    assert chapters[first.stem]["keras_backend"] == "jax" and chapters[first.stem]["smoke"] is False
    assert all("no execution record" in chapters[n.stem]["error"] for n in rest)


def test_run_help_names_every_option():
    done = subprocess.run([sys.executable, "-m", "bench.run", "--help"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    for option in ("--full", "--smoke", "--seeds", "--only", "--chapters", "--chapter-backends",
                   "--default-backend", "--sweep-seeds", "--sweep-epochs", "--sweep-backends",
                   "--no-backends", "--no-builds", "--venv", "--out"):
        assert option in done.stdout, option


def test_smoke_sweep_on_jax_trains_the_seeds_in_one_program():
    pytest.importorskip("jax")
    done = subprocess.run([sys.executable, "-m", "bench.sweep", "elec_simplernn", "--smoke"], cwd=ROOT,
                          env=_env(KERAS_BACKEND="jax"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [json.loads(text) for text in done.stdout.splitlines()]
    assert line["key"] == "elec_simplernn" and line["backend"] == "jax" and line["vectorized"] is True
    assert line["seeds"] == 2 and line["epochs"] == 1 and line["samples"] == 238
    assert set(line["seconds"]) == {"fit_seeds_1", "fit_seeds_n"}  # one by one: only with --one-by-one
    assert all(math.isfinite(s) and s > 0 for s in line["seconds"].values())
    assert line["ratio"] == line["seconds"]["fit_seeds_n"] / line["seconds"]["fit_seeds_1"]


def test_a_backends_table_run_past_its_limit_is_stopped_and_says_so():
    from bench.run import START_ALLOWANCE, run_reference

    line = run_reference("sunspots_article", seeds=1, smoke=True, backend="jax", timeout=0.5)
    assert line == {"key": "sunspots_article", "backend": "jax", "runs": [], "stopped_after": 0.5,
                    "fit_lower_bound": max(0.0, 0.5 - START_ALLOWANCE)}
