"""The benchmark's tables: which book run is compared with which reference, and the totals."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench import gemm, report

ROOT = Path(__file__).resolve().parent.parent


def _reference(key, seconds, seed=42, metric=0.1, chapter="07_sunspots"):
    return {"key": key, "title": key.replace("_", " "), "chapter": chapter, "seconds": seconds,
            "seed": seed, "metric": metric, "metric_name": "test RMSE", "flops": 4e9}


def _result():
    timings = [
        {"experiment": "a", "seconds": 9.0, "seed": 41, "metric": 0.5, "label": ""},
        {"experiment": "a", "seconds": 2.0, "seed": 42, "metric": 0.2, "label": ""},
        {"experiment": "a", "seconds": 1.0, "seed": 42, "metric": 0.9, "label": "honest scaler"},
        {"experiment": "b", "seconds": 3.0, "seed": 43, "metric": 0.3, "label": ""},
    ]
    return {
        "smoke": False, "machine": {"cpu": "test cpu", "cores": 2},
        "gemm": {"peak": 100.0, "shapes": {"a": 10.0, "b": 20.0}},
        "references": {"a": _reference("a", 4.0), "b": _reference("b", 6.0), "c": _reference("c", 1.0)},
        "chapters": {"07_sunspots": {"seconds": 30.0, "timings": timings}},
    }


def test_book_run_prefers_the_unlabelled_run_with_the_reference_seed():
    result = _result()
    chapter = result["chapters"]["07_sunspots"]
    assert report.book_run(result["references"]["a"], chapter, 42)["seconds"] == 2.0
    # no run with the reference's seed: the first unlabelled one
    assert report.book_run(result["references"]["b"], chapter, 42)["seconds"] == 3.0
    assert report.book_run(result["references"]["c"], chapter, 42) is None
    assert report.book_run(result["references"]["a"], None, 42) is None


def test_experiment_rows_compute_ratio_rate_and_share_of_the_limit():
    rows = {row[0]: row for row in report.experiment_rows(_result())}
    a = rows["a (07)"]
    assert a[1:4] == ["4.0", "2.0", "0.50"]
    assert a[4] == "2"  # 4e9 FLOP in 2 s
    assert a[5] == "20.0"  # 2 GFLOP/s of a 10 GFLOP/s limit
    assert a[6].startswith("0.1 ") and a[7].startswith("0.2 ")
    assert a[8] == "differs by 5.0e-01 (relative)"
    assert rows["c (07)"][2:6] == ["—", "—", "—", "—"] and rows["c (07)"][8] == "—"


@pytest.mark.parametrize(
    ("reference", "book", "text"),
    [(2.2260065, 2.2260065, "identical"), (2.2260065, 2.2260807, "differs by 3.3e-05 (relative)"),
     (1.0, None, "—"), (None, 1.0, "—")],
)
def test_agreement_compares_full_precision_metrics(reference, book, text):
    assert report.agreement(reference, book) == text


def test_totals_compare_chapters_and_matched_runs():
    total = report.totals(_result())
    assert total["reference_s"] == 11.0
    assert total["chapters_s"] == 30.0
    assert total["chapters_over_reference"] == pytest.approx(30 / 11)
    assert total["matched_reference_s"] == 10.0  # c has no book run
    assert total["matched_book_s"] == 5.0
    assert total["matched_ratio"] == 0.5


def test_chapter_rows_split_training_from_the_rest():
    (row,) = report.chapter_rows(_result())
    assert row == ["07_sunspots", "30.0", "4", "15.0", "15.0"]


def test_markdown_has_every_table_that_was_measured():
    result = _result()
    result["builds"] = [{"command": "make test", "what": "smoke", "seconds": 100.0}]
    text = report.markdown(result)
    assert "| a (07) | 4.0 | 2.0 | 0.50 |" in text
    assert "| make test | smoke | 100.0 |" in text
    assert "2.73x the references' total 11.0 s (the book's target, 0.5x or less, is not met)" in text
    for flag, value in (("partial", True), ("complete", False)):
        assert "All chapters" not in report.markdown({**result, flag: value})
    del result["chapters"]
    assert "Chapters at full fidelity" not in report.markdown(result)


@pytest.mark.parametrize("shape", [(0, 2, 2), (2, -1, 2), (2, 2, 1.5), (True, 2, 2)])
def test_gemm_refuses_bad_shapes(shape):
    with pytest.raises(ValueError, match="positive integer"):
        gemm.small_gemm_rate(*shape)


def test_gemm_rate_is_positive_and_counts_flops():
    rate = gemm.small_gemm_rate(8, 8, 8, repeats=1, min_seconds=0.01, threads=1)
    assert 0 < rate < 1e4  # GFLOP/s; a CPU core does not exceed 10 TFLOP/s


def test_appendix_prefers_this_checkouts_result_and_skips_smoke_runs(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    import bench_table

    local, committed = tmp_path / "local", tmp_path / "committed"
    for folder, cpu, smoke in ((local, "local", True), (committed, "committed", False)):
        folder.mkdir()
        (folder / "bench.json").write_text(json.dumps({**_result(), "machine": {"cpu": cpu}, "smoke": smoke}))
    (committed / "builds.json").write_text(json.dumps({"builds": [{"command": "make book", "what": "x",
                                                                     "seconds": 1.0}]}))
    monkeypatch.setattr(bench_table, "FOLDERS", (local, committed))
    result, folder = bench_table.latest()
    assert folder == committed and result["machine"]["cpu"] == "committed"  # the smoke run is skipped
    assert result["builds"][0]["command"] == "make book"
    (local / "bench.json").write_text(json.dumps(_result()))
    assert bench_table.latest()[1] == local
    for flag, value in (("partial", True), ("complete", False)):  # unfinished or partial: skipped
        (local / "bench.json").write_text(json.dumps({**_result(), flag: value}))
        assert bench_table.latest()[1] == committed
    (committed / "builds.json").write_text(json.dumps({"complete": False, "builds": []}))
    assert "builds" not in bench_table.latest()[0]
    monkeypatch.setattr(bench_table, "FOLDERS", (tmp_path / "nothing",))
    assert bench_table.latest() == (None, None)
