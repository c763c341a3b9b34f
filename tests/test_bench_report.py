"""The benchmark's tables on a synthetic result: which runs are compared, the verdicts and the targets."""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path

import pytest

from bench import gemm, report

ROOT = Path(__file__).resolve().parent.parent


def _runs(seconds, metrics, first=42):
    return [{"seed": first + i, "seconds": s, "metric": m, "final_loss": 0.01}
            for i, (s, m) in enumerate(zip(seconds, metrics, strict=True))]


def _reference(key, chapter, seconds, metrics, backend="tensorflow"):
    return {"key": key, "title": f"title {key}", "chapter": chapter, "metric_name": "test RMSE",
            "backend": backend, "flops": 4e9, "runs": _runs(seconds, metrics)}


def _row(experiment, seconds, seeds, metrics, label="", backend="jax", vectorized=False):
    return {"experiment": experiment, "seconds": seconds, "seeds": seeds, "metrics": metrics, "label": label,
            "backend": backend, "vectorized": vectorized}


def _chapter(seconds, timings, backend):
    return {"seconds": seconds, "backend": backend, "keras_backend": backend, "timings": timings,
            "smoke": False}


def _sweep(key, backend, one, many, alone, vectorized, seeds=10):
    return {"key": key, "title": f"title {key}", "backend": backend, "vectorized": vectorized, "seeds": seeds,
            "epochs": 100, "batch_size": 32, "samples": 750, "flops_per_seed": 4e11,
            "seconds": {"fit_seeds_1": one, "fit_seeds_n": many, "one_by_one": alone}, "ratio": many / one}


def _result():
    jax_timings = [
        # a: five seeds in one program, 10 s in all; its labelled variant is not the article's setting
        _row("a", 10.0, [42, 43, 44, 45, 46], [0.20, 0.21, 0.19, 0.20, 0.20], vectorized=True),
        _row("a", 50.0, [42], [0.9], label="honest scaler"),
        # b: one seed per call, two calls (as the chapters record it now)
        _row("b", 3.0, [42], [0.50]), _row("b", 5.0, [43], [0.52]),
    ]
    tf_timings = [
        # The first format of a row: one seed, `seed` and `metric`
        {"experiment": "a", "seconds": 8.0, "seed": 42, "metric": 0.30, "label": ""},
        {"experiment": "b", "seconds": 6.0, "seed": 42, "metric": 0.40, "label": ""},
    ]
    backends = {
        "tensorflow": {"a": {"title": "title a", "runs": _runs([10.0], [0.2])},
                       "b": {"title": "title b", "runs": _runs([4.0], [0.5])}},
        "jax": {"a": {"title": "title a", "runs": _runs([5.0], [0.2])},
                "b": {"title": "title b", "runs": _runs([4.0], [0.5])}},
        "torch": {"a": {"title": "title a", "runs": _runs([30.0], [0.2])},
                  "b": {"title": "title b", "runs": _runs([10.0], [0.5])}},
    }
    return {
        "schema": 2, "smoke": False, "partial": False, "complete": True, "default_backend": "jax",
        "started": "2027-01-02T03:04:05+00:00", "finished": "2027-01-02T05:04:05+00:00",
        "machine": {"cpu": "test cpu", "cores": 2}, "commit": "abc1234",
        "load": [{"stage": "GEMM rates", "loadavg": [1.5, 1.0, 0.5]}],
        "gemm": {"peak": 100.0, "shapes": {"a": 10.0, "b": 20.0, "goog_keras": 50.0},
                 "shape_of": {"goog_keras": [32, 50, 50]}},
        "references": {
            "a": _reference("a", "03_x", [10.0, 10.0, 10.0, 10.0, 10.0], [0.20, 0.22, 0.18, 0.20, 0.20]),
            "b": _reference("b", "05_y", [4.0, 6.0, 5.0, 5.0, 5.0], [0.30, 0.31, 0.29, 0.30, 0.30]),
            "c": {**_reference("c", "07_z", [1.0], [0.1], backend="torch"), "keras": False},
        },
        "backends": backends,
        "chapters": {
            "jax": {"03_x": _chapter(100.0, jax_timings[:2], "jax"),
                    "05_y": _chapter(200.0, jax_timings[2:], "jax")},
            "tensorflow": {"03_x": _chapter(90.0, tf_timings[:1], "tensorflow"),
                           "05_y": _chapter(120.0, tf_timings[1:], "tensorflow")},
        },
        "sweeps": {
            "jax": {"goog_keras": _sweep("goog_keras", "jax", 20.0, 40.0, 200.0, True),
                    "elec_lstm": _sweep("elec_lstm", "jax", 10.0, 35.0, 100.0, True)},
            "tensorflow": {"goog_keras": _sweep("goog_keras", "tensorflow", 50.0, 500.0, 480.0, False)},
        },
    }


def test_spread_and_mean_sd():
    assert report.spread([1.0, 2.0, 3.0]) == {"mean": 2.0, "sd": 1.0, "n": 3}
    assert report.spread([4.0]) == {"mean": 4.0, "sd": None, "n": 1}
    assert report.spread([]) == {"mean": None, "sd": None, "n": 0}
    assert report.mean_sd([1.0, 2.0, 3.0]) == "2 ± 1 (n=3)"
    assert report.mean_sd([20.8178, 21.2, 20.1]) == "20.71 ± 0.56 (n=3)"
    assert report.mean_sd([0.5]) == "0.5 (n=1)"
    assert report.mean_sd([]) == "—"


def test_not_worse_rule():
    # Same spread, book 1 sd higher over 5 seeds each: se = sd * sqrt(2/5) = 0.632 sd, 2 se = 1.26 sd.
    sd_one = [-1.2649, -0.6325, 0.0, 0.6325, 1.2649]  # sd 1.0
    reference = [10 + v for v in sd_one]
    assert report.not_worse([11 + v for v in sd_one], reference)[0] == "yes"
    assert report.not_worse([11.3 + v for v in sd_one], reference)[0] == "no"
    assert report.not_worse([5 + v for v in sd_one], reference)[0] == "yes"  # better is never worse
    verdict, detail = report.not_worse([11 + v for v in sd_one], reference)
    assert detail["difference"] == pytest.approx(1.0)
    assert detail["se"] == pytest.approx(math.sqrt(2 / 5), rel=1e-4)
    # One book seed: the reference's spread stands for both sides.
    verdict, detail = report.not_worse([11.0], reference)
    assert verdict == "yes" and detail["se"] == pytest.approx(math.sqrt(1 + 1 / 5), rel=1e-4)
    assert report.not_worse([12.2], reference)[0] == "no"
    assert report.not_worse([1.0], [1.0])[0] == "undecided (one seed a side)"
    assert report.not_worse([], reference)[0] == "—"
    # No spread at all (identical seeds): only an equal or lower mean passes.
    assert report.not_worse([1.0, 1.0], [1.0, 1.0])[0] == "yes"
    assert report.not_worse([1.1, 1.1], [1.0, 1.0])[0] == "no"


def test_old_single_seed_rows_read_as_one_seed_rows():
    chapter = {"keras_backend": "tensorflow", "timings": [
        {"experiment": "a", "seconds": 2.0, "seed": 42, "metric": 0.5, "label": ""}]}
    (row,) = report.timing_rows(chapter)
    assert row["seeds"] == [42] and row["metrics"] == [0.5]
    assert row["backend"] == "tensorflow" and row["vectorized"] is False


def test_book_summary_uses_the_unlabelled_rows_per_seed():
    result = _result()
    a = report.book_summary(result["chapters"]["jax"]["03_x"], "a")
    assert a["per_seed"] == 2.0 and a["seeds"] == 5 and a["calls"] == 1 and a["vectorized"] == "yes"
    assert a["metrics"] == [0.20, 0.21, 0.19, 0.20, 0.20]  # not the labelled run's 0.9
    b = report.book_summary(result["chapters"]["jax"]["05_y"], "b")
    assert b["per_seed"] == 4.0 and b["seeds"] == 2 and b["calls"] == 2 and b["vectorized"] == "no"
    assert report.book_summary(result["chapters"]["jax"]["03_x"], "b") is None
    assert report.book_summary(None, "a") is None


def test_comparison_rows_name_both_backends_and_compute_ratio_spread_and_verdict():
    rows = {row[0]: row for row in report.comparison_rows(_result(), "jax")}
    a = rows["title a (03)"]
    assert a[1:7] == ["tensorflow", "10.0", "jax", "2.0", "yes (5 seeds, 1 call)", "0.20"]
    assert a[7] == "0.2 ± 0.014 (n=5) test RMSE" and a[8].startswith("0.2 ± 0.0071 (n=5)")
    assert a[9] == "yes"
    b = rows["title b (05)"]
    assert b[2] == "5.0" and b[4] == "4.0" and b[5] == "no (2 seeds, 2 calls)" and b[6] == "0.80"
    assert b[9] == "no"  # 0.51 against 0.30 ± 0.007
    c = rows["title c (07)"]  # the article's PyTorch loop: torch on both sides
    assert c[1] == "torch" and c[3] == "torch" and c[4:7] == ["—", "—", "—"] and c[9] == "—"
    for row in rows.values():
        assert row[1] in report.BACKENDS and row[3] in report.BACKENDS


def test_comparison_rows_on_tensorflow_read_first_format_rows():
    rows = {row[0]: row for row in report.comparison_rows(_result(), "tensorflow")}
    assert rows["title a (03)"][3:7] == ["tensorflow", "8.0", "no (1 seed, 1 call)", "0.80"]
    assert rows["title a (03)"][9] == "no"  # 0.30 with one seed against 0.20 ± 0.014


def test_matched_totals_and_the_ratio_target():
    total = report.matched_totals(_result(), "jax")
    assert total["experiments"] == ["a", "b"]  # c has no book run
    assert total["reference_s"] == 15.0 and total["book_s"] == 6.0 and total["ratio"] == 0.4
    (ratio, chapters, sweeps, rate, *_) = report.targets(_result())
    assert ratio["met"] is False and ratio["value"] == "0.40"  # the target is 0.25
    faster = _result()
    faster["chapters"]["jax"]["05_y"]["timings"][0]["seconds"] = 1.0
    faster["chapters"]["jax"]["05_y"]["timings"][1]["seconds"] = 2.5
    assert report.targets(faster)[0]["met"] is True  # (2 + 1.75) / 15 = 0.25: at the target is met


def test_chapter_target_every_chapter_on_the_default_backend_normalised_by_the_gemm_rate():
    result = _result()  # GEMM 100 GFLOP/s: a second here is 2/3 of a second at 150 GFLOP/s
    chapters = report.targets(result)[1]
    assert chapters["met"] is True and chapters["value"] == "slowest 133 s at 150 GFLOP/s"
    result["chapters"]["jax"]["05_y"]["seconds"] = 271.0  # 180.7 s at 150 GFLOP/s
    chapters = report.targets(result)[1]
    assert chapters["met"] is False and "over budget: 05_y 181 s (budget 180)" in chapters["value"]
    result["gemm_end"] = {"peak": 98.0}  # the mean of start and end normalises: 99 / 150
    assert report.normalised(result)["chapters"]["05_y"]["normalised"] == pytest.approx(271 * 99 / 150)
    assert report.targets(result)[1]["met"] is True
    result["chapters"]["jax"]["05_y"] = {"error": "boom"}
    assert report.targets(result)[1]["met"] is False and "failed: 05_y" in report.targets(result)[1]["value"]
    rows = report.chapter_rows(result)
    assert ["05_y", "jax", "failed", "—", "—", "—", "—", "—", "180.0", "not met"] in rows


def test_the_capstone_chapters_get_four_minutes():
    assert report.budget("03_keras_stock_rnn") == 180.0
    assert report.budget("08_beating_the_baselines") == report.budget("09_global_models") == 240.0
    result = _result()
    result["chapters"]["jax"]["08_z"] = _chapter(330.0, [], "jax")  # 220 s at 150 GFLOP/s
    assert report.normalised(result)["chapters"]["08_z"]["met"] is True
    assert report.targets(result)[1]["met"] is True


def test_chapter_rows_split_training_from_the_rest_and_judge_only_the_default_backend():
    rows = report.chapter_rows(_result())
    assert rows[0] == ["03_x", "jax", "100.0", "2", "6", "60.0", "40.0", "66.7", "180.0", "met"]
    assert rows[1] == ["05_y", "jax", "200.0", "2", "2", "8.0", "192.0", "133.3", "180.0", "met"]
    assert rows[2] == ["all 2 chapters", "jax", "300.0", "", "", "68.0", "232.0", "", "", ""]
    assert rows[3][:2] == ["03_x", "tensorflow"] and rows[3][-1] == "—"
    assert all(row[1] in report.BACKENDS for row in rows)


def test_builds_and_the_run_itself_against_their_budgets():
    result = _result()
    result["builds"] = [
        {"command": "make book", "what": "cold: clean clone", "seconds": 1200.0, "backend": "jax"},
        {"command": "make book", "what": "again, nothing changed", "seconds": 30.0, "backend": "jax"},
        {"command": "make test", "what": "every test", "seconds": 600.0, "backend": "jax"}]
    result["wall_s"] = 3000.0
    scaled = report.normalised(result)
    assert scaled["make_book"] == {"seconds": 1200.0, "normalised": 800.0, "budget": 900.0, "met": True}
    assert scaled["make_test"]["normalised"] == 400.0 and scaled["make_test"]["met"] is False
    assert scaled["bench"] == {"seconds": 3000.0, "budget": 3600.0, "met": True}
    book, test, bench = report.targets(result)[4:]
    assert book["met"] is True and test["met"] is False and "400 s at 150 GFLOP/s" in test["value"]
    assert bench["met"] is True and bench["value"] == "50.0 min"
    rows = report.build_rows(result["builds"], result)
    assert rows[0] == ["make book", "cold: clean clone", "jax", "1200.0", "800.0", "900.0", "met"]
    assert rows[1] == ["make book", "again, nothing changed", "jax", "30.0", "—", "—", "—"]
    assert rows[2][-1] == "not met"
    assert "| make test | every test | jax | 600.0 | 400.0 | 360.0 | not met |" in report.markdown(result)
    assert report.normalised({**result, "complete": False})["bench"]["met"] is None  # unfinished


def test_backend_rows_name_the_backend_on_every_row():
    rows = report.backend_rows(_result())
    assert ["title a", "jax", "5.0", "0.2", "1.00x"] in rows
    assert ["title a", "torch", "30.0", "0.2", "6.00x"] in rows
    assert ["all 2 Keras experiments", "tensorflow", "14.0", "", "1.56x"] in rows
    assert ["all 2 Keras experiments", "jax", "9.0", "", "1.00x"] in rows
    assert rows[-1][1] == "torch (the article's PyTorch loop, not Keras)"
    for row in rows:
        assert row[1].split()[0] in report.BACKENDS, row


def test_torch_decision():
    competitive, why = report.torch_decision(_result())
    assert competitive is False
    assert "40.0 s" in why and "4.44x jax's 9.0 s" in why and "1.25x" in why
    result = _result()
    for key, seconds in (("a", 6.0), ("b", 5.0)):
        result["backends"]["torch"][key]["runs"][0]["seconds"] = seconds
    assert report.torch_decision(result)[0] is True  # 11 s against 9 s: 1.22x
    assert report.torch_decision({**result, "smoke": True})[0] is None
    del result["backends"]["torch"]
    assert report.torch_decision(result) == (None, "the backends table was not measured on every backend")


def test_a_fit_stopped_at_the_time_limit_is_a_lower_bound():
    result = _result()
    result["backends"]["torch"]["a"] = {"title": "title a", "runs": [], "stopped_after": 660.0,
                                        "fit_lower_bound": 600.0}
    rows = report.backend_rows(result)
    assert ["title a", "torch", "> 600 (stopped)", "—", "> 120.00x"] in rows
    assert ["all 2 Keras experiments", "torch", "> 610.0", "", "> 67.78x"] in rows
    competitive, why = report.torch_decision(result)
    assert competitive is False and "at least 610.0 s" in why and "stopped at the time limit: a" in why
    # Even a lower bound within the rule does not run the chapters on torch: one fit never finished.
    result["backends"]["torch"]["a"]["fit_lower_bound"] = 1.0
    assert report.torch_decision(result)[0] is False


def test_sweep_rows_and_the_sweep_targets():
    rows = report.sweep_rows(_result())
    assert rows[0] == ["title goog_keras", "jax", "one program (fit_seeds)", "20.0", "40.0", "200.0", "2.00",
                       "5.00", "met"]
    assert rows[1][6] == "3.50" and rows[1][8] == "not met"
    assert rows[2][1:3] == ["tensorflow", "one after another (fallback)"] and rows[2][8] == "—"
    assert report.sweep_header(10)[4:7] == ["10 seeds s", "10 one by one s", "wall(10) / wall(1)"]
    sweep, rate = report.targets(_result())[2:4]
    assert sweep["met"] is False and sweep["value"] == "worst 3.50"
    # 4e11 FLOP x 10 seeds in 40 s = 100 GFLOP/s, against a 50 GFLOP/s limit: 0.5x "below", met
    assert report.goog_rate(_result(), "jax")["gflops"] == pytest.approx(100.0)
    assert rate["met"] is True
    # The PyTorch seed dimension counts too; a sweep without a one-by-one column shows a dash.
    result = _result()
    torch_line = {**_sweep("goog_torch", "torch", 10.0, 50.0, None, True), "framework": "torch"}
    del torch_line["seconds"]["one_by_one"]
    result["sweeps"]["torch"] = {"goog_torch": torch_line}
    row = report.sweep_rows(result)[-1]
    assert row[1:3] == ["torch", "one model with a seed dimension"] and row[5] == "—" and row[7] == "—"
    assert row[8] == "not met" and report.targets(result)[2]["value"] == "worst 5.00"


def test_targets_not_measured_when_the_parts_are_missing():
    empty = {"schema": 2, "default_backend": "jax", "references": {}, "chapters": {}, "sweeps": {}}
    assert [t["met"] for t in report.targets(empty)] == [None] * 7
    assert all("not measured" in line for line in report.target_lines(empty))


def test_markdown_has_every_table_the_targets_and_the_rule():
    result = _result()
    text = report.markdown(result, builds=[{"command": "make test", "what": "smoke", "seconds": 100.0}])
    assert "## Book against the articles' code: chapters on jax" in text
    assert "## Book against the articles' code: chapters on tensorflow" in text
    assert "| title a (03) | tensorflow | 10.0 | jax | 2.0 | yes (5 seeds, 1 call) | 0.20 |" in text
    assert "book 6.0 s per seed in all against reference 15.0 s, 0.40x (target ≤ 0.25: not met)" in text
    assert "2 standard errors of the difference" in text
    assert "Chapters on torch: not run: torch's reference fits took 40.0 s" in text
    assert "| make test | smoke | jax | 100.0 | 66.7 | 360.0 | met |" in text
    assert "100.00 GFLOP/s of matrix products against 50 GFLOP/s" in text and "(32x50) @ (50x50)" in text
    assert "— **not met**" in text and "— **met**" in text
    assert "load" in text.lower() and "GEMM rates 1.50" in text
    assert "smoke run" not in text
    assert "smoke run" in report.markdown({**result, "smoke": True})
    del result["chapters"]
    assert "Chapters, top to bottom" not in report.markdown(result)


def test_public_numbers_come_from_whole_full_fidelity_runs_only():
    numbers = report.public_numbers(_result())
    assert numbers == {"backend": "jax", "machine": "test cpu, 2 cores", "date": "2027-01-02",
                       "chapters": "2", "chapter_min_s": "100", "chapter_max_s": "200",
                       "chapters_total_min": "5", "training_share_pct": "23"}
    for flag, value in (("smoke", True), ("partial", True), ("complete", False)):
        assert report.public_numbers({**_result(), flag: value}) == {}
    assert report.public_numbers(None) == {}


def test_public_numbers_of_a_first_format_result():
    old = {"smoke": False, "partial": False, "complete": True, "finished": "2026-11-22T04:04:54+00:00",
           "machine": {"cpu": "AMD EPYC", "cores": 2},
           "chapters": {"01_a": {"seconds": 9.4, "timings": []},
                        "05_b": {"seconds": 134.5, "timings": [
                            {"experiment": "x", "seconds": 30.0, "seed": 42, "metric": 1.0, "label": ""}]}}}
    numbers = report.public_numbers(old)
    assert numbers["backend"] == "tensorflow" and numbers["chapter_max_s"] == "134"
    assert numbers["chapter_min_s"] == "9" and numbers["training_share_pct"] == "21"
    assert report.chapter_rows(copy.deepcopy(old))[0][:3] == ["01_a", "tensorflow", "9.4"]
    old["references"] = {"x": {"key": "x", "title": "x", "chapter": "05_b", "metric_name": "RMSE",
                               "seconds": 60.0, "metric": 1.0, "seed": 42}}
    (row,) = report.comparison_rows(old, "tensorflow")
    assert row[1:7] == ["tensorflow", "60.0", "tensorflow", "30.0", "no (1 seed, 1 call)", "0.50"]
    assert "first benchmark format" in report.markdown(old)


@pytest.mark.parametrize("shape", [(0, 2, 2), (2, -1, 2), (2, 2, 1.5), (True, 2, 2)])
def test_gemm_refuses_bad_shapes(shape):
    with pytest.raises(ValueError, match="positive integer"):
        gemm.small_gemm_rate(*shape)


def test_gemm_rate_is_positive_and_counts_flops():
    rate = gemm.small_gemm_rate(8, 8, 8, repeats=1, min_seconds=0.01, threads=1)
    assert 0 < rate < 1e4  # GFLOP/s; a CPU core does not exceed 10 TFLOP/s


APPENDIX = ROOT / "chapters" / "appendix_performance.md"


def test_the_performance_note_types_no_number_in():
    text = APPENDIX.read_text()
    names = re.findall(r"\{bench\}`([^`]*)`", text)
    assert names and set(names) <= set(report.PUBLIC_NUMBERS)
    prose = re.sub(r"\{bench\}`[^`]*`", "", text)
    assert not re.search(r"\d", prose), "a number in the performance note must come from bench/results/"
    assert len(prose.split()) + len(names) <= 250
    assert "GFLOP" not in text and "|" not in text  # no rates, no tables


def test_the_committed_result_has_every_number_the_note_quotes():
    pytest.importorskip("sphinx")
    from tools import bench_numbers

    committed = bench_numbers.numbers()
    names = set(re.findall(r"\{bench\}`([^`]*)`", APPENDIX.read_text()))
    assert names <= set(committed), f"bench/results/bench.json lacks {names - set(committed)}"
    assert bench_numbers.numbers(ROOT / "no such file.json") == {}


def test_build_times_rewrite_the_report_with_the_builds(tmp_path):
    import json

    from bench import build_times

    build_times.rewrite_report(tmp_path, [{"command": "make book", "what": "cold", "seconds": 400.0}])
    assert not (tmp_path / "bench.md").exists()  # no result of bench.run beside it: nothing to rewrite
    (tmp_path / "bench.json").write_text(json.dumps(_result()))
    build_times.rewrite_report(tmp_path, [{"command": "make book", "what": "cold", "seconds": 400.0}])
    text = (tmp_path / "bench.md").read_text()
    assert "| make book | cold | jax | 400.0 | 266.7 | 900.0 | met |" in text and "## Targets" in text
