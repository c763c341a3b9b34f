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
    skip = ["--no-gemm", "--no-references", "--no-backends", "--no-chapters", "--no-sweeps"]
    done = subprocess.run([sys.executable, "-m", "bench.run", *skip, "--out", str(tmp_path)], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "bench.json").read_text())
    assert result["schema"] == 2 and result["partial"] is True and result["complete"] is True
    assert result["settings"]["seeds"] == 5 and result["settings"]["sweep_seeds"] == 10
    assert result["default_backend"] in ("jax", "tensorflow", "torch")
    assert [entry["stage"] for entry in result["load"]] == ["done"]
    assert "## Targets" in (tmp_path / "bench.md").read_text()


def test_run_help_names_every_option():
    done = subprocess.run([sys.executable, "-m", "bench.run", "--help"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    for option in ("--smoke", "--seeds", "--only", "--chapters", "--chapter-backends", "--default-backend",
                   "--sweep-seeds", "--sweep-epochs", "--sweep-backends", "--no-backends", "--out"):
        assert option in done.stdout, option


def test_smoke_sweep_on_jax_trains_the_seeds_in_one_program():
    pytest.importorskip("jax")
    done = subprocess.run([sys.executable, "-m", "bench.sweep", "elec_simplernn", "--smoke"], cwd=ROOT,
                          env=_env(KERAS_BACKEND="jax"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [json.loads(text) for text in done.stdout.splitlines()]
    assert line["key"] == "elec_simplernn" and line["backend"] == "jax" and line["vectorized"] is True
    assert line["seeds"] == 2 and line["epochs"] == 1 and line["samples"] == 238
    assert set(line["seconds"]) == {"fit_seeds_1", "fit_seeds_n", "one_by_one"}
    assert all(math.isfinite(s) and s > 0 for s in line["seconds"].values())
    assert line["ratio"] == line["seconds"]["fit_seeds_n"] / line["seconds"]["fit_seeds_1"]


def test_a_backends_table_run_past_its_limit_is_stopped_and_says_so():
    from bench.run import START_ALLOWANCE, run_reference

    line = run_reference("sunspots_article", seeds=1, smoke=True, backend="jax", timeout=0.5)
    assert line == {"key": "sunspots_article", "backend": "jax", "runs": [], "stopped_after": 0.5,
                    "fit_lower_bound": max(0.0, 0.5 - START_ALLOWANCE)}
