"""The articles' own code in ``bench/reference.py``: the same data as the book, and a working command line.

The references prepare their data with pandas, scikit-learn and NumPy alone,
as the articles do; the book's ``helpers`` are the oracle here, so the two
cannot drift apart: every window, target, target index and scaler must be
exactly what the helpers make for the chapter's run of that experiment.
Then each experiment runs from the command line in smoke mode (two processes
share them, so the frameworks are imported twice, not nine times), and each
must print exactly one line of JSON per experiment on stdout, in order.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bench import reference as R
from bench.reference import EXPERIMENTS
from tools import structure

ROOT = structure.ROOT
from helpers import (  # noqa: E402
    SeriesScaler,
    Windows,
    holdout_windows,
    load_dataset,
    make_windows,
    split_windows,
)

KEYS = sorted(EXPERIMENTS)
# The first process trains two seeds of each of its experiments, the two cheapest (the seed
# loop is tested there); the second one seed of every other (the smoke default).
TWO_SEEDS = ["goog_torch_article", "sunspots_article"]
GROUPS = ((TWO_SEEDS, ["--seeds", "2"]), ([key for key in KEYS if key not in TWO_SEEDS], []))


def assert_same(ours: np.ndarray, oracle: np.ndarray, what: str) -> None:
    assert ours.dtype == oracle.dtype, f"{what}: dtype {ours.dtype}, the helpers' {oracle.dtype}"
    assert ours.shape == oracle.shape, f"{what}: shape {ours.shape}, the helpers' {oracle.shape}"
    assert np.array_equal(ours, oracle), f"{what}: values differ from the helpers'"


def assert_windows(prepared: R.Prepared, train: Windows, test: Windows) -> None:
    for part, windows in (("train", train), ("test", test)):
        assert_same(getattr(prepared, f"x_{part}"), windows.x, f"x_{part}")
        assert_same(getattr(prepared, f"y_{part}"), windows.y, f"y_{part}")
        assert_same(getattr(prepared, f"index_{part}"), windows.target_index, f"index_{part}")


def assert_scaler(ours, oracle: SeriesScaler) -> None:
    theirs = oracle.scaler_
    assert ours.feature_range == theirs.feature_range
    for name in ("data_min_", "data_max_", "scale_", "min_"):
        assert_same(getattr(ours, name), getattr(theirs, name), f"scaler {name}")


def test_reference_imports_nothing_from_the_book():
    tree = ast.parse((ROOT / "bench" / "reference.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert "helpers" not in imported


def test_goog_data_equals_the_helpers_holdout():
    oracle = holdout_windows(load_dataset("goog")["close"].to_numpy(dtype=np.float64), 50, train_fraction=0.8)
    ours = R.goog_data()
    assert_windows(ours, oracle.train, oracle.test)
    assert_scaler(ours.scaler, oracle.scaler)
    assert_same(ours.truth, oracle.test_actual, "test closes")
    forecast = np.linspace(-1, 1, len(ours.x_test), dtype=np.float32)
    assert_same(R.to_units(ours.scaler, forecast), oracle.to_units(forecast), "forecast in USD")


def test_msft_data_equals_the_chapters_windows():
    prices = load_dataset("msft")["close"].to_numpy(dtype=np.float64)
    scaler = SeriesScaler().fit(prices)  # the article's scaler: every day
    train, test = split_windows(make_windows(scaler.transform(prices).astype(np.float32), 120),
                                math.ceil(prices.size * 0.8))
    ours = R.msft_data()
    assert_windows(ours, train, test)
    assert_scaler(ours.scaler, scaler)
    assert_same(ours.truth, prices[test.target_index][:, None], "test closes")


@pytest.mark.parametrize("horizon", [1, 14])
def test_electricity_data_starts_in_1985_and_splits_at_month_250(horizon):
    power = load_dataset("electricity").loc["1985-01":, "generation_bkwh"].to_numpy(dtype=np.float64)
    scaler = SeriesScaler().fit(power[:250])
    train, test = split_windows(make_windows(scaler.transform(power).astype(np.float32), 12, horizon=horizon),
                                250)
    _, raw_test = split_windows(make_windows(power, 12, horizon=horizon), 250)
    ours = R.electricity_data(horizon)
    assert_windows(ours, train, test)
    assert_scaler(ours.scaler, scaler)
    assert_same(ours.truth, raw_test.y, "test months in billion kWh")
    assert ours.index_test.min() == 250 and ours.index_train.max() + horizon - 1 < 250


def test_sunspots_data_equals_the_articles_windows():
    values = load_dataset("sunspots")["sunspots"].to_numpy(dtype=np.float32)
    n_train = int(values.size * 0.8)
    scaler = SeriesScaler().fit(values)  # the article's scaler: every month
    scaled = scaler.transform(values).astype(np.float32)
    train = make_windows(scaled[:n_train], 12, stride=12)
    test = make_windows(scaled[n_train:], 12, stride=12)
    test = Windows(test.x, test.y, test.target_index + n_train)  # positions in the whole series
    ours = R.sunspots_data()
    assert_windows(ours, train, test)
    assert_scaler(ours.scaler, scaler)


def test_every_article_experiment_has_a_reference():
    expected = {"goog_keras", "goog_torch_article", "msft_simplernn", "msft_lstm", "elec_lstm",
                "elec_lstm14", "elec_simplernn", "elec_gru", "sunspots_article"}
    assert set(EXPERIMENTS) == expected
    chapters = {path.stem for path in structure.chapters()}
    for key, experiment in EXPERIMENTS.items():
        assert experiment.key == key
        assert experiment.chapter in chapters, f"{key}: no chapter {experiment.chapter}"
        m, k, n = experiment.gemm_shape
        assert all(isinstance(size, int) and size > 0 for size in (m, k, n)), key
        assert experiment.keras == (key != "goog_torch_article")
        if experiment.keras:
            x, y = experiment.train_arrays()
            assert len(x) == len(y) and experiment.flops() == experiment.flops(epochs=experiment.epochs)
            small_x, _ = experiment.train_arrays(smoke=True)
            assert len(small_x) <= len(x)


def test_seeds_count_from_42():
    assert R.seeds() == [42, 43, 44, 45, 46]
    assert R.seeds(2, first=7) == [7, 8]
    with pytest.raises(ValueError, match="positive integer"):
        R.seeds(0)


def run_smoke(group) -> subprocess.CompletedProcess:
    keys, options = group
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    for name in ("RNN_BOOK_SMOKE", "KERAS_BACKEND"):  # smoke mode from --smoke; TensorFlow, the articles'
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bench.reference", *keys, "--smoke", *options], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[subprocess.CompletedProcess, str | None]]:
    """Each key's process and its JSON line (None if that line is missing)."""
    with ThreadPoolExecutor(max_workers=len(GROUPS)) as pool:
        done = list(pool.map(run_smoke, GROUPS))
    found = {}
    for (keys, _), process in zip(GROUPS, done, strict=True):
        lines = process.stdout.splitlines()
        for position, key in enumerate(keys):
            found[key] = (process, lines[position] if position < len(lines) else None)
        found[f"extra lines {keys[0]}"] = (process, lines[len(keys):])
    return found


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_nothing_but_json_lines_on_stdout(results, group):
    process, extra = results[f"extra lines {GROUPS[group][0][0]}"]
    assert process.returncode == 0, process.stderr[-3000:]
    assert extra == [], f"more than one line per experiment on stdout:\n{process.stdout[-2000:]}"


@pytest.mark.parametrize("key", KEYS)
def test_smoke_run_prints_one_json_line_with_every_seed(results, key):
    process, text = results[key]
    assert text is not None, f"{key} printed no JSON line:\n{process.stderr[-3000:]}"
    line = json.loads(text)
    experiment = EXPERIMENTS[key]
    assert line["key"] == key and line["chapter"] == experiment.chapter
    assert line["title"] == experiment.title and line["metric_name"] == experiment.metric_name
    assert line["smoke"] is True
    assert line["backend"] == ("tensorflow" if experiment.keras else "torch")
    expected_seeds = [42, 43] if key in GROUPS[0][0] else [42]
    assert [run["seed"] for run in line["runs"]] == expected_seeds
    for run in line["runs"]:
        for field in ("seconds", "metric", "final_loss"):
            assert isinstance(run[field], (int, float)) and math.isfinite(run[field]), (key, field)
        assert run["seconds"] > 0 and run["metric"] >= 0
    assert line["flops"] == experiment.flops(smoke=True) > 0
    assert line["flops"] < experiment.flops(), "smoke mode trains less than the full experiment"
