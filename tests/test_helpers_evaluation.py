"""Tests for helpers.evaluation, against plain-Python loops, scikit-learn and SciPy."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr
from sklearn.metrics import mean_absolute_error, mean_squared_error
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from helpers.evaluation import (
    Holdout,
    change_correlation,
    direction_accuracy,
    error_table,
    holdout_windows,
    lagged_rmse,
)

RNG = np.random.default_rng(314)
PRICES = 100 + RNG.normal(size=137).cumsum()  # 137 points: 0.8 of it is not a whole number
ACTUAL = PRICES[100:]
PREVIOUS = PRICES[99:-1]
FORECAST = PREVIOUS + 0.3 * (ACTUAL - PREVIOUS) + RNG.normal(scale=0.5, size=ACTUAL.size)


def loop_windows(values, lookback, first_target, last_target):
    """The article's loop: inputs values[i - lookback:i], target values[i]."""
    inputs = [values[i - lookback:i] for i in range(first_target, last_target)]
    targets = [values[i] for i in range(first_target, last_target)]
    return np.array(inputs), np.array(targets)


@pytest.mark.parametrize(("lookback", "fraction"), [(1, 0.5), (5, 0.8), (50, 0.8), (10, 0.95)])
def test_holdout_matches_loop_and_sklearn_scaler(lookback, fraction):
    split = holdout_windows(PRICES, lookback, train_fraction=fraction)
    n_train = int(PRICES.size * fraction)
    assert isinstance(split, Holdout) and split.n_train == n_train
    oracle = MinMaxScaler(feature_range=(-1, 1)).fit(PRICES[:n_train, None])
    expected = oracle.transform(PRICES[:, None])[:, 0]
    np.testing.assert_allclose(split.scaled, expected, rtol=1e-6, atol=1e-6)
    assert split.scaled[:n_train].min() == pytest.approx(-1)
    assert split.scaled[:n_train].max() == pytest.approx(1)

    x_train, y_train = loop_windows(expected, lookback, lookback, n_train)
    x_test, y_test = loop_windows(expected, lookback, n_train, PRICES.size)
    assert split.train.x.shape == (n_train - lookback, lookback, 1)
    assert split.test.x.shape == (PRICES.size - n_train, lookback, 1)
    np.testing.assert_allclose(split.train.x[:, :, 0], x_train, atol=1e-6)
    np.testing.assert_allclose(split.train.y[:, 0], y_train, atol=1e-6)
    np.testing.assert_allclose(split.test.x[:, :, 0], x_test, atol=1e-6)
    np.testing.assert_allclose(split.test.y[:, 0], y_test, atol=1e-6)
    assert split.train.x.dtype == np.float32
    np.testing.assert_array_equal(split.test.target_index, np.arange(n_train, PRICES.size))
    np.testing.assert_array_equal(split.test_actual, PRICES[n_train:])
    np.testing.assert_array_equal(split.test_previous, PRICES[n_train - 1:-1])


def test_holdout_feature_range_and_to_units_round_trip():
    split = holdout_windows(PRICES, 5, feature_range=(0.0, 1.0))
    assert split.scaled[: split.n_train].min() == pytest.approx(0.0, abs=1e-7)
    oracle = MinMaxScaler().fit(PRICES[: split.n_train, None])
    scaled_targets = split.test.y  # shape (n, 1)
    expected = oracle.inverse_transform(scaled_targets.astype(float))[:, 0]
    np.testing.assert_allclose(split.to_units(scaled_targets), expected, rtol=1e-6)
    np.testing.assert_allclose(split.to_units(scaled_targets[:, 0]), split.test_actual, rtol=1e-5)
    assert split.to_units(scaled_targets).shape == (scaled_targets.shape[0],)


def test_holdout_standard_scaling_uses_training_statistics_only():
    split = holdout_windows(PRICES, 5, scaling="standard")
    train = PRICES[: split.n_train]
    oracle = StandardScaler().fit(train[:, None])
    np.testing.assert_allclose(
        split.scaled, oracle.transform(PRICES[:, None])[:, 0], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(split.to_units(split.test.y), split.test_actual, rtol=1e-5)
    with pytest.raises(ValueError, match="method must be"):
        holdout_windows(PRICES, 5, scaling="log")


def test_holdout_accepts_a_pandas_series_and_float32():
    split = holdout_windows(pd.Series(PRICES.astype(np.float32)), 3)
    assert split.series.dtype == np.float64 and split.series.size == PRICES.size


@pytest.mark.parametrize(
    ("series", "lookback", "fraction", "message"),
    [
        (np.r_[PRICES[:50], np.nan, PRICES[51:]], 5, 0.8, "NaN"),
        (PRICES.reshape(-1, 1).repeat(2, axis=1), 5, 0.8, "one-dimensional"),
        (PRICES, 5, 0.0, "strictly between 0 and 1"),
        (PRICES, 5, 1.0, "strictly between 0 and 1"),
        (PRICES, 5, 1.5, "strictly between 0 and 1"),
        (PRICES, 5, True, "strictly between 0 and 1"),
        (PRICES, 5, "0.8", "strictly between 0 and 1"),
        (PRICES, 0, 0.8, "positive integer"),
        (PRICES, 2.0, 0.8, "positive integer"),
        (PRICES, True, 0.8, "positive integer"),
        (PRICES, 109, 0.8, "at least 110"),
        (np.full(20, 3.0), 2, 0.5, "constant"),
    ],
)
def test_holdout_rejects_bad_input(series, lookback, fraction, message):
    with pytest.raises(ValueError, match=message):
        holdout_windows(series, lookback, train_fraction=fraction)


def test_to_units_rejects_nan_and_wrong_rank():
    split = holdout_windows(PRICES, 5)
    with pytest.raises(ValueError, match="NaN"):
        split.to_units([0.0, np.nan])
    with pytest.raises(ValueError, match="one-dimensional"):
        split.to_units(np.zeros((3, 2)))


def test_error_table_matches_sklearn():
    forecasts = {"model": FORECAST, "naive": PREVIOUS}
    table = error_table(ACTUAL, forecasts, baseline="naive")
    assert list(table.index) == ["model", "naive"]
    assert list(table.columns) == ["RMSE", "MAE", "RMSE / baseline"]
    for name, forecast in forecasts.items():
        assert table.loc[name, "RMSE"] == pytest.approx(np.sqrt(mean_squared_error(ACTUAL, forecast)))
        assert table.loc[name, "MAE"] == pytest.approx(mean_absolute_error(ACTUAL, forecast))
    assert table.loc["naive", "RMSE / baseline"] == pytest.approx(1.0)
    ratio = np.sqrt(mean_squared_error(ACTUAL, FORECAST) / mean_squared_error(ACTUAL, PREVIOUS))
    assert table.loc["model", "RMSE / baseline"] == pytest.approx(ratio)
    assert list(error_table(ACTUAL, {"model": FORECAST}).columns) == ["RMSE", "MAE"]


@pytest.mark.parametrize(
    ("forecasts", "baseline", "message"),
    [
        ({}, None, "non-empty mapping"),
        ([("model", FORECAST)], None, "non-empty mapping"),
        ({"short": FORECAST[:-1]}, None, "'short' has 36 values but actual has 37"),
        ({"bad": np.r_[FORECAST[:-1], np.inf]}, None, "NaN or infinite"),
        ({"model": FORECAST}, "naive", "baseline 'naive' is not one of"),
    ],
)
def test_error_table_rejects_bad_input(forecasts, baseline, message):
    with pytest.raises(ValueError, match=message):
        error_table(ACTUAL, forecasts, baseline=baseline)


def test_change_correlation_matches_scipy():
    expected = pearsonr(FORECAST - PREVIOUS, ACTUAL - PREVIOUS).statistic
    assert change_correlation(ACTUAL, FORECAST, PREVIOUS) == pytest.approx(expected)
    # A forecast that knows tomorrow's move exactly correlates perfectly.
    assert change_correlation(ACTUAL, ACTUAL, PREVIOUS) == pytest.approx(1.0)
    assert change_correlation(ACTUAL, 2 * PREVIOUS - ACTUAL, PREVIOUS) == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("actual", "forecast", "previous", "message"),
    [
        (ACTUAL, FORECAST[:-1], PREVIOUS, "same length"),
        (ACTUAL[:1], FORECAST[:1], PREVIOUS[:1], "at least 2 days"),
        (ACTUAL, PREVIOUS, PREVIOUS, "forecast changes are constant"),
        (PREVIOUS + 1.0, FORECAST, PREVIOUS, "actual changes are constant"),
        (ACTUAL, np.r_[FORECAST[:-1], np.nan], PREVIOUS, "NaN"),
    ],
)
def test_change_correlation_rejects_bad_input(actual, forecast, previous, message):
    with pytest.raises(ValueError, match=message):
        change_correlation(actual, forecast, previous)


def test_direction_accuracy_matches_a_loop():
    hits = 0
    for a, f, p in zip(ACTUAL, FORECAST, PREVIOUS, strict=True):
        up_actual, up_forecast = a > p, f > p
        down_actual, down_forecast = a < p, f < p
        hits += (up_actual and up_forecast) or (down_actual and down_forecast) or (a == p and f == p)
    assert direction_accuracy(ACTUAL, FORECAST, PREVIOUS) == pytest.approx(hits / ACTUAL.size)
    assert direction_accuracy([1.0, 2.0, 2.0], [3.0, 0.0, 2.0], [2.0, 2.0, 2.0]) == pytest.approx(1 / 3)
    assert direction_accuracy(ACTUAL, ACTUAL, PREVIOUS) == 1.0


def test_direction_accuracy_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="actual has 37, forecast has 37, previous has 36"):
        direction_accuracy(ACTUAL, FORECAST, PREVIOUS[1:])


def test_lagged_rmse_matches_a_loop():
    max_lag = 4
    expected = [
        np.sqrt(np.mean([(FORECAST[t] - ACTUAL[t - k]) ** 2 for t in range(k, ACTUAL.size)]))
        for k in range(max_lag + 1)
    ]
    np.testing.assert_allclose(lagged_rmse(ACTUAL, FORECAST, max_lag), expected)
    # The naive forecast is the actual series one day late: zero error at lag 1.
    lags = lagged_rmse(ACTUAL, PREVIOUS, 3)
    assert lags[1] == pytest.approx(0.0, abs=1e-12) and np.argmin(lags) == 1
    assert lagged_rmse(ACTUAL, FORECAST, 0).shape == (1,)


@pytest.mark.parametrize(
    ("forecast", "max_lag", "message"),
    [
        (FORECAST, -1, "non-negative integer"),
        (FORECAST, True, "non-negative integer"),
        (FORECAST, 1.0, "non-negative integer"),
        (FORECAST, 37, "no overlap"),
        (FORECAST[:-2], 1, "same length"),
    ],
)
def test_lagged_rmse_rejects_bad_input(forecast, max_lag, message):
    with pytest.raises(ValueError, match=message):
        lagged_rmse(ACTUAL, forecast, max_lag)
