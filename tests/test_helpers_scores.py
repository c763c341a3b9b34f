"""score_table against scores computed by hand with scikit-learn, and its refusals."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

from helpers.compare import compare
from helpers.scores import score_table


def test_rows_match_scikit_learn_for_seed_stacks_and_single_forecasts():
    rng = np.random.default_rng(0)
    train = rng.normal(size=60).cumsum()
    truth = rng.normal(size=20)
    naive = truth + rng.normal(size=20)
    seasonal = truth + 0.5 * rng.normal(size=20)
    seeds = truth + 0.3 * rng.normal(size=(4, 20))
    table = score_table(truth, {"net": seeds, "naive": naive}, naive=naive, seasonal_naive=seasonal,
                        train_series=train, season=12)
    per_seed = np.array([root_mean_squared_error(truth, s) for s in seeds])
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    net = table.loc["net"]
    assert net["seeds"] == 4
    assert net["RMSE"] == pytest.approx(per_seed.mean())
    assert net["sd"] == pytest.approx(np.std(per_seed, ddof=1))
    assert (net["min"], net["max"]) == pytest.approx((per_seed.min(), per_seed.max()))
    assert net["RMSE of mean"] == pytest.approx(root_mean_squared_error(truth, seeds.mean(axis=0)))
    assert net["MAE"] == pytest.approx(np.mean([mean_absolute_error(truth, s) for s in seeds]))
    assert net["RMSE / naive"] == pytest.approx(per_seed.mean() / root_mean_squared_error(truth, naive))
    assert net["RMSE / seasonal naive"] == pytest.approx(
        per_seed.mean() / root_mean_squared_error(truth, seasonal))
    assert net["MASE"] == pytest.approx(np.mean([mean_absolute_error(truth, s) for s in seeds]) / scale)
    assert table.loc["naive", "RMSE / naive"] == pytest.approx(1.0)
    assert table.loc["naive", "seeds"] == 1
    assert np.isnan(table.loc["naive", ["sd", "min", "max"]].astype(float)).all()


def test_the_mean_forecast_column_is_what_compare_judges():
    rng = np.random.default_rng(3)
    truth = rng.normal(size=40)
    seeds = truth + rng.normal(size=(5, 40))
    table = score_table(truth, {"net": seeds}, naive=truth + 2.0, train_series=rng.normal(size=30))
    result = compare(truth, seeds, truth + 2.0)
    assert table.loc["net", "RMSE of mean"] == pytest.approx(result.rmse_a)


def test_multi_step_forecasts_and_no_seasonal_column():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=(15, 3))
    naive = truth + 1.0
    stack = truth[None] + rng.normal(size=(2, 15, 3))
    table = score_table(truth, {"net": stack}, naive=naive, train_series=rng.normal(size=30))
    assert "RMSE / seasonal naive" not in table.columns
    expected = np.mean([root_mean_squared_error(truth.ravel(), s.ravel()) for s in stack])
    assert table.loc["net", "RMSE"] == pytest.approx(expected)


@pytest.mark.parametrize(("forecasts", "kwargs", "message"), [
    ({"bad": np.zeros(9)}, {}, "forecast 'bad'"),
    ({"one seed": np.zeros((1, 10))}, {}, "one seed: a spread needs at least two seeds"),
    ({"nan": np.full(10, np.nan)}, {}, "forecast 'nan' contains NaN"),
    ({}, {}, "non-empty mapping"),
    ({"ok": np.zeros(10)}, {"naive": np.zeros((3, 10))}, "naive must be one forecast"),
    ({"ok": np.zeros(10)}, {"naive": np.arange(10.0)}, "naive forecast is exact"),
    ({"ok": np.zeros(10)}, {"season": 12}, "season=12 leaves no naive errors"),
    ({"ok": np.zeros(10)}, {"seasonal_naive": np.zeros(8)}, "seasonal_naive has shape"),
])
def test_bad_input_is_refused_by_name(forecasts, kwargs, message):
    arguments = {"naive": np.ones(10), "train_series": np.arange(5.0), **kwargs}
    with pytest.raises(ValueError, match=message):
        score_table(np.arange(10.0), forecasts, **arguments)


def test_a_verdict_chooses_its_phrase():
    truth = np.zeros(48)
    good = np.full(48, 0.1)
    bad = np.full(48, 1.0)
    phrases = {"lower": "beats", "higher": "loses to", "within": "ties"}
    assert compare(truth, good, bad).word(**phrases) == "beats"
    assert compare(truth, bad, good).word(**phrases) == "loses to"
    assert compare(truth, good, good).word(**phrases) == "ties"
    with pytest.raises(ValueError, match="within must be a non-empty phrase"):
        compare(truth, good, bad).word(lower="a", higher="b", within=" ")
