"""Tests for helpers.record: the chapter's JSON record of its key numbers."""

import json
import platform
import re
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

import helpers.record as record_module
from helpers.record import METRICS_ENV, ChapterRecord, metrics_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def metrics_env(tmp_path, monkeypatch):
    folder = tmp_path / "metrics"
    monkeypatch.setenv("RNN_BOOK_METRICS", str(folder))
    return folder


@pytest.fixture
def glued(monkeypatch):
    """Replace the glue call with a recorder, whether or not myst_nb is installed."""
    calls = []
    monkeypatch.setattr(record_module, "_glue", lambda key, value: calls.append((key, value, False)))
    return calls


def read(path):
    return json.loads(Path(path).read_text())


def test_add_writes_json_with_value_claim_unit_and_settings(metrics_env, glued):
    record = ChapterRecord("07_sunspots", smoke=False)
    assert record.path == metrics_env / "07_sunspots.json"
    record.setting(epochs=30, seed=42, lookback=12)
    record.add("test_rmse", 0.081, claim=0.077, unit="scaled", note="one-step")
    document = read(metrics_env / "07_sunspots.json")
    assert document["chapter"] == "07_sunspots"
    assert document["smoke"] is False
    assert document["python"] == platform.python_version()
    assert document["versions"]["numpy"] == np.__version__
    assert set(document["versions"]) >= {"keras", "torch", "statsmodels", "keras backend"}
    assert datetime.fromisoformat(document["executed_at"]).tzinfo is not None
    assert document["settings"] == {"epochs": 30, "seed": 42, "lookback": 12}
    assert document["metrics"] == {
        "test_rmse": {"value": 0.081, "claim": 0.077, "unit": "scaled", "note": "one-step"}
    }
    assert not list(metrics_env.glob("*.tmp"))
    assert glued == [("test_rmse", 0.081, False)]


def test_claim_unit_and_note_default_to_empty(metrics_env, glued):
    record = ChapterRecord("03_intro", smoke=True)
    record.add("n_windows", 12)
    assert read(record.path)["metrics"]["n_windows"] == {
        "value": 12, "claim": None, "unit": "", "note": ""
    }


def test_settings_alone_are_written(metrics_env):
    record = ChapterRecord("04_lstm", smoke=False)
    record.setting(units=np.int64(32))
    record.setting(dropout=0.1)
    document = read(record.path)
    assert document["settings"] == {"units": 32, "dropout": 0.1}
    assert document["metrics"] == {}


def test_numpy_values_become_plain_numbers(metrics_env, glued):
    record = ChapterRecord("05_gru", smoke=False)
    record.add("rmse32", np.float32(0.25), claim=np.float64(0.5))
    record.add("count", np.int64(7))
    record.add("per_step", np.array([0.5, 0.25]))
    record.add("flag", np.bool_(True))
    for entry in record.metrics.values():
        assert not isinstance(entry["value"], (np.generic, np.ndarray))
    assert type(record.metrics["rmse32"]["value"]) is float
    assert type(record.metrics["rmse32"]["claim"]) is float
    assert type(record.metrics["count"]["value"]) is int
    metrics = read(record.path)["metrics"]
    assert metrics["rmse32"]["value"] == 0.25 and metrics["rmse32"]["claim"] == 0.5
    assert metrics["count"]["value"] == 7
    assert metrics["per_step"]["value"] == [0.5, 0.25]
    assert metrics["flag"]["value"] is True
    # glue receives the plain value too
    assert [type(value) for _, value, _ in glued[:2]] == [float, int]


def test_re_adding_a_key_replaces_it(metrics_env, glued):
    record = ChapterRecord("06_seq2seq", smoke=False)
    record.add("mae", 1.0, claim=0.9)
    record.add("rmse", 2.0)
    record.add("mae", 1.5)
    metrics = read(record.path)["metrics"]
    assert list(metrics) == ["mae", "rmse"]
    assert metrics["mae"] == {"value": 1.5, "claim": None, "unit": "", "note": ""}
    assert metrics["rmse"]["value"] == 2.0


def test_glue_false_skips_glue(metrics_env, glued):
    ChapterRecord("07_sunspots", smoke=False).add("x", 1.0, glue=False)
    assert glued == []


def test_glue_is_optional(metrics_env, monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # makes `import myst_nb` fail
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("x", 2.5)
    record.say("verdict", "worse")
    assert read(record.path)["metrics"]["x"]["value"] == 2.5


@pytest.mark.parametrize("value", [0.0813, 12, "worse than naive", [1.5, 2.5]])
def test_glue_emits_what_myst_nb_glue_emits(monkeypatch, value):
    """The light glue and ``myst_nb.glue(..., display=False)`` display the same bundle."""
    myst_glue = pytest.importorskip("myst_nb.ext.glue")
    shown = []

    def recorder(*objs, **kwargs):
        shown.append((objs, kwargs))

    monkeypatch.setattr(myst_glue, "ipy_display", recorder)
    monkeypatch.setattr("IPython.display.display", recorder)
    myst_glue.glue("key", value, display=False)
    record_module._glue("key", value)
    assert len(shown) == 2 and shown[0] == shown[1]
    assert list(shown[0][0][0]) == [record_module.GLUE_MIME_PREFIX + "text/plain"]


def test_say_glues_text_but_records_no_metric(metrics_env, glued):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("rmse", 0.5)
    record.say("verdict", "worse than naive")
    assert glued[-1] == ("verdict", "worse than naive", False)
    assert "verdict" not in record.metrics
    assert list(read(record.path)["metrics"]) == ["rmse"]


@pytest.mark.parametrize(("text", "kind"), [(0.5, "float"), (np.float64(1.0), "float64"),
                                            (None, "NoneType")])
def test_say_refuses_numbers(metrics_env, glued, text, kind):
    record = ChapterRecord("07_sunspots", smoke=False)
    message = rf"say\(\) takes text; record numbers with add\(\), got {kind}"
    with pytest.raises(ValueError, match=message):
        record.say("verdict", text)
    assert glued == []


@pytest.mark.parametrize("smoke", [True, False])
def test_smoke_flag_is_recorded(metrics_env, smoke):
    record = ChapterRecord("07_sunspots", smoke=smoke)
    record.add("x", 1.0, glue=False)
    assert record.smoke is smoke
    assert read(record.path)["smoke"] is smoke


def test_smoke_flag_is_coerced_to_bool(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=1)
    record.setting(a=1)
    assert read(record.path)["smoke"] is True


def test_metrics_dir_defaults_differ_for_smoke_and_full(monkeypatch):
    monkeypatch.delenv("RNN_BOOK_METRICS", raising=False)
    assert METRICS_ENV == "RNN_BOOK_METRICS"
    assert metrics_dir(False) == REPO / "_build" / "metrics"
    assert metrics_dir(True) == REPO / "_build" / "metrics-smoke"
    assert metrics_dir(True) != metrics_dir(False)
    expected = REPO / "_build" / "metrics-smoke" / "07_sunspots.json"
    assert ChapterRecord("07_sunspots", smoke=True).path == expected
    monkeypatch.setenv("RNN_BOOK_METRICS", "")
    assert metrics_dir(False) == REPO / "_build" / "metrics"


def test_metrics_dir_override(metrics_env):
    assert metrics_dir(True) == metrics_env
    assert metrics_dir(False) == metrics_env


@pytest.mark.parametrize("chapter", ["", "07/sunspots", "07 sunspots", "..\\07"])
def test_bad_chapter_name_is_refused(metrics_env, chapter):
    message = "chapter must be a file stem like '07_sunspots', got " + re.escape(repr(chapter))
    with pytest.raises(ValueError, match=message):
        ChapterRecord(chapter, smoke=False)
    assert not metrics_env.exists()


@pytest.mark.parametrize("key", ["", "test-rmse", "test rmse", "rmse.1", "___", "a/b"])
def test_bad_key_is_refused(metrics_env, key):
    record = ChapterRecord("07_sunspots", smoke=False)
    message = "metric keys are ASCII letters, digits and underscores, got " + re.escape(repr(key))
    with pytest.raises(ValueError, match=message):
        record.add(key, 1.0)
    assert record.metrics == {}
    assert not record.path.exists()


@pytest.mark.parametrize(
    "value", [float("nan"), np.float64("nan"), np.float32("inf"), float("-inf")]
)
def test_non_finite_value_is_refused(metrics_env, glued, value):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("good", 1.0)
    message = r"metric 'bad' cannot be recorded as JSON: Out of range float"
    with pytest.raises(ValueError, match=message):
        record.add("bad", value)
    assert list(read(record.path)["metrics"]) == ["good"]
    assert [key for key, _, _ in glued] == ["good"]


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.add("a", 1.0, claim=float("nan")),
        lambda r: r.add("arr", np.array([1.0, np.nan])),
        lambda r: r.setting(lr=float("inf")),
        lambda r: r.add("when", __import__("datetime").date(2020, 1, 1), glue=False),
    ],
    ids=["nan-claim", "nan-in-array", "inf-setting", "not-json"],
)
def test_values_json_cannot_hold_are_refused_and_leave_the_record_usable(metrics_env, call):
    record = ChapterRecord("07_sunspots", smoke=False)
    with pytest.raises(ValueError, match="cannot be recorded as JSON"):
        call(record)
    record.add("after", 1.5)
    document = read(record.path)
    assert document["metrics"] == {
        "after": {"value": 1.5, "claim": None, "unit": "", "note": ""}}
    assert document["settings"] == {}


@pytest.mark.parametrize("name", ["..", "a\tb", "-x"])
def test_odd_chapter_names_are_refused(name):
    with pytest.raises(ValueError, match="chapter must be a file stem"):
        ChapterRecord(name, smoke=False)


def test_non_ascii_key_is_refused(metrics_env):
    with pytest.raises(ValueError, match="metric keys are ASCII"):
        ChapterRecord("07_sunspots", smoke=False).add("é", 1.0)


def test_experiment_rows_refer_to_recorded_metrics(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("test_rmse", 0.09, claim=0.077, unit="scaled")
    record.add("naive_rmse", 0.08, unit="scaled")
    record.experiment("test RMSE", reproduced="test_rmse", baseline="naive_rmse",
                      verdict="differs: above the claim")
    document = read(record.path)
    assert document["experiments"] == {"test RMSE": {
        "reproduced": "test_rmse", "corrected": None, "baseline": "naive_rmse", "classical": None,
        "verdict": "differs: above the claim", "check": False}}


def test_a_consistency_check_is_kept_apart_from_the_claims(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("max_diff", 1e-7)
    record.experiment("Keras vs NumPy", reproduced="max_diff", verdict="passed: agree to 1e-07", check=True)
    assert read(record.path)["experiments"]["Keras vs NumPy"]["check"] is True


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"reproduced": "missing", "verdict": "v"}, "reproduced metric 'missing' has not been added"),
        ({"reproduced": "x", "baseline": "nope", "verdict": "v"}, "baseline metric 'nope'"),
        ({"reproduced": "x", "verdict": "  "}, "one-line verdict"),
        ({"reproduced": "x", "verdict": "confirmed: yes"},
         "must start with one of reproduced, differs, wrong"),
        ({"reproduced": "x", "verdict": "reproduced: yes", "check": True}, "must start with one of passed"),
    ],
)
def test_bad_experiment_is_refused(metrics_env, kwargs, problem):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.add("x", 1.0)
    with pytest.raises(ValueError, match=problem):
        record.experiment("title", **kwargs)
    assert record.experiments == {}


def test_timings_are_appended_in_order(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.timing("sunspots_article", 7.5, seed=42, metric=np.float32(0.09))
    record.timing("sunspots_article", np.float64(7.25), seed=43, metric=0.1, label="honest scaler")
    rows = json.loads(record.path.read_text())["timings"]
    assert [(r["seeds"], r["seconds"], r["label"]) for r in rows] == [
        ([42], 7.5, ""), ([43], 7.25, "honest scaler")]
    assert rows[0]["metrics"] == [pytest.approx(0.09)]
    assert isinstance(rows[0]["metrics"][0], float)
    assert rows[0]["vectorized"] is False and "backend" in rows[0]


def test_one_call_can_time_several_seeds(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.timing("elec_gru", 12.0, seeds=[1, 2, 3], metrics=[0.1, 0.2, 0.3], vectorized=True)
    (row,) = json.loads(record.path.read_text())["timings"]
    assert row["seeds"] == [1, 2, 3] and row["metrics"] == [0.1, 0.2, 0.3] and row["vectorized"] is True
    with pytest.raises(ValueError, match="one metric per seed"):
        record.timing("elec_gru", 1.0, seeds=[1, 2], metrics=[0.1])
    with pytest.raises(ValueError, match="not both"):
        record.timing("elec_gru", 1.0, seeds=[1], metrics=[0.1], seed=1)


@pytest.mark.parametrize(
    ("experiment", "seconds", "metric", "problem"),
    [
        ("Sunspots", 1.0, None, "lower-case"),
        ("sun spots", 1.0, None, "lower-case"),
        ("sunspots", -1.0, None, "non-negative"),
        ("sunspots", float("nan"), None, "non-negative"),
        ("sunspots", True, None, "non-negative"),
        ("sunspots", "3", None, "non-negative"),
        ("sunspots", 1.0, float("inf"), "JSON"),
    ],
)
def test_bad_timing_is_refused(metrics_env, experiment, seconds, metric, problem):
    record = ChapterRecord("07_sunspots", smoke=False)
    with pytest.raises(ValueError, match=problem):
        record.timing(experiment, seconds, metric=metric)
    assert record.timings == []


def test_rerunning_a_timing_replaces_its_row(metrics_env):
    record = ChapterRecord("07_sunspots", smoke=False)
    record.timing("sunspots_article", 7.5, seed=42, metric=0.1)
    record.timing("sunspots_article", 2.0, seed=43, metric=0.3)
    record.timing("sunspots_article", 6.5, seed=42, metric=0.2)  # the same cell run again
    rows = json.loads(record.path.read_text())["timings"]
    assert [(r["seeds"], r["seconds"]) for r in rows] == [([42], 6.5), ([43], 2.0)]
