"""Every reference experiment of ``make bench`` runs from the command line in smoke mode.

``bench.run`` starts one process per experiment; here two processes share the
experiments (so the frameworks are imported twice, not nine times), and each
must print exactly one line of JSON per experiment on stdout, in order.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reference import EXPERIMENTS  # noqa: E402

KEYS = sorted(EXPERIMENTS)
GROUPS = (KEYS[0::2], KEYS[1::2])


def run_smoke(keys: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("RNN_BOOK_SMOKE", None)  # smoke mode comes from --smoke alone
    return subprocess.run([sys.executable, "-m", "bench.reference", *keys, "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[subprocess.CompletedProcess, str | None]]:
    """Each key's process and its JSON line (None if that line is missing)."""
    with ThreadPoolExecutor(max_workers=len(GROUPS)) as pool:
        done = list(pool.map(run_smoke, GROUPS))
    found = {}
    for keys, process in zip(GROUPS, done, strict=True):
        lines = process.stdout.splitlines()
        for position, key in enumerate(keys):
            found[key] = (process, lines[position] if position < len(lines) else None)
        found[f"extra lines {keys[0]}"] = (process, lines[len(keys):])
    return found


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_nothing_but_json_lines_on_stdout(results, group):
    process, extra = results[f"extra lines {GROUPS[group][0]}"]
    assert process.returncode == 0, process.stderr[-3000:]
    assert extra == [], f"more than one line per experiment on stdout:\n{process.stdout[-2000:]}"


def test_every_article_experiment_has_a_reference():
    expected = {"goog_keras", "goog_torch_article", "msft_simplernn", "msft_lstm", "elec_lstm",
                "elec_lstm14", "elec_simplernn", "elec_gru", "sunspots_article"}
    assert set(EXPERIMENTS) == expected
    chapters = {path.stem for path in (ROOT / "chapters").glob("*.ipynb")}
    for key, experiment in EXPERIMENTS.items():
        assert experiment.key == key
        assert experiment.chapter in chapters, f"{key}: no chapter {experiment.chapter}"
        m, k, n = experiment.gemm_shape
        assert all(isinstance(size, int) and size > 0 for size in (m, k, n)), key


@pytest.mark.parametrize("key", KEYS)
def test_smoke_run_prints_one_json_line(results, key):
    process, text = results[key]
    assert text is not None, f"{key} printed no JSON line:\n{process.stderr[-3000:]}"
    line = json.loads(text)
    experiment = EXPERIMENTS[key]
    assert line["key"] == key
    assert line["title"] == experiment.title and line["metric_name"] == experiment.metric_name
    assert line["smoke"] is True
    assert line["seed"] == 42
    for field in ("seconds", "metric", "final_loss", "flops"):
        assert isinstance(line[field], (int, float)) and math.isfinite(line[field]), (key, field)
    assert line["seconds"] > 0 and line["flops"] > 0 and line["metric"] >= 0
    assert line["flops"] == experiment.flops(smoke=True)
    assert line["flops"] < experiment.flops(), "smoke mode trains less than the full experiment"
