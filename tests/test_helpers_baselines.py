"""Tests for helpers.baselines, checked against loops over the original series and numpy.linalg.lstsq."""

import numpy as np
import pytest

from helpers.baselines import linear_ar_forecast, naive_forecast, seasonal_naive_forecast
from helpers.windows import make_windows, split_windows

RNG = np.random.default_rng(3)
SERIES = RNG.normal(size=150).cumsum() + 10.0 * np.sin(np.arange(150) * 2 * np.pi / 12)
SEASON = 12


def naive_oracle(series, target_index, horizon):
    """Every step of the forecast equals the value one step before the first target."""
    return np.array([[series[t - 1]] * horizon for t in target_index])


def seasonal_oracle(series, target_index, season, horizon):
    """Step h copies the latest observed value a whole number of seasons before it."""
    rows = []
    for t in target_index:
        row = []
        for h in range(horizon):
            position = t + h - season
            while position >= t:  # not observed yet: go back another season
                position -= season
            row.append(series[position])
        rows.append(row)
    return np.array(rows)


@pytest.mark.parametrize("horizon", [1, 14])
@pytest.mark.parametrize("lookback", [1, 12, 24])
def test_naive_forecast_matches_loop(lookback, horizon):
    windows = make_windows(SERIES, lookback, horizon=horizon)
    forecast = naive_forecast(windows.x, horizon)
    assert forecast.shape == (len(windows.x), horizon)
    np.testing.assert_array_equal(forecast, naive_oracle(SERIES, windows.target_index, horizon))
    # The 2-D form (samples, lookback) gives the same forecast.
    np.testing.assert_array_equal(naive_forecast(windows.x[:, :, 0], horizon), forecast)


def test_naive_forecast_default_horizon_is_one():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(naive_forecast(x), [[3.0], [6.0]])


@pytest.mark.parametrize("horizon", [1, 14])
@pytest.mark.parametrize("lookback", [12, 24, 30])
def test_seasonal_naive_forecast_matches_loop(lookback, horizon):
    windows = make_windows(SERIES, lookback, horizon=horizon)
    forecast = seasonal_naive_forecast(windows.x, SEASON, horizon)
    assert forecast.shape == (len(windows.x), horizon)
    expected = seasonal_oracle(SERIES, windows.target_index, SEASON, horizon)
    np.testing.assert_array_equal(forecast, expected)
    flat = seasonal_naive_forecast(windows.x[:, :, 0], SEASON, horizon)
    np.testing.assert_array_equal(flat, forecast)


def test_seasonal_naive_horizon_one_is_one_season_back():
    windows = make_windows(SERIES, 12)
    forecast = seasonal_naive_forecast(windows.x, 12)
    np.testing.assert_array_equal(forecast[:, 0], SERIES[windows.target_index - 12])


def test_seasonal_naive_is_exact_on_a_purely_periodic_series():
    periodic = np.tile(RNG.normal(size=SEASON), 10)
    windows = make_windows(periodic, 12, horizon=14)
    np.testing.assert_array_equal(seasonal_naive_forecast(windows.x, SEASON, 14), windows.y)
    assert np.abs(naive_forecast(windows.x, 14) - windows.y).max() > 0


@pytest.mark.parametrize("shape", [(10,), (2, 5, 2), (2, 3, 4, 1)])
def test_wrong_window_rank_is_refused(shape):
    x = np.zeros(shape)
    pattern = r"windows must have shape \(samples, lookback\) or \(samples, lookback, 1\)"
    with pytest.raises(ValueError, match=pattern):
        naive_forecast(x)
    with pytest.raises(ValueError, match=pattern):
        seasonal_naive_forecast(x, 1)


def test_season_longer_than_lookback_is_refused():
    with pytest.raises(ValueError, match="season 12 needs windows of at least 12 points, got 11"):
        seasonal_naive_forecast(np.zeros((4, 11, 1)), 12)


@pytest.mark.parametrize("horizon", [0, -2])
def test_non_positive_horizon_is_refused(horizon):
    with pytest.raises(ValueError, match=f"horizon .*positive integer, got {horizon}"):
        naive_forecast(np.zeros((3, 5)), horizon)
    with pytest.raises(ValueError, match=f"horizon .*positive integer, got {horizon}"):
        seasonal_naive_forecast(np.zeros((3, 5)), 2, horizon)


def test_non_positive_season_is_refused():
    with pytest.raises(ValueError, match="season .*positive integer, got 0"):
        seasonal_naive_forecast(np.zeros((3, 5)), 0)


def lstsq_oracle(x_train, y_train, x_test):
    """Least squares with an explicit intercept column, by numpy.linalg.lstsq."""
    design = np.column_stack([np.ones(len(x_train)), x_train])
    coefficients, *_ = np.linalg.lstsq(design, y_train, rcond=None)
    return np.column_stack([np.ones(len(x_test)), x_test]) @ coefficients


@pytest.mark.parametrize("horizon", [1, 6])
def test_linear_ar_matches_lstsq_with_an_intercept(horizon):
    train, test = split_windows(make_windows(SERIES, 24, horizon=horizon), 110)
    forecast = linear_ar_forecast(train.x, train.y, test.x)
    assert forecast.shape == (len(test.x), horizon)
    expected = lstsq_oracle(train.x[:, :, 0], train.y, test.x[:, :, 0])
    np.testing.assert_allclose(forecast, expected, rtol=1e-8, atol=1e-8)
    # Direct multi-step: each step ahead is its own regression on the same window.
    for step in range(horizon):
        column = linear_ar_forecast(train.x[:, :, 0], train.y[:, step], test.x)
        assert column.shape == (len(test.x),)
        np.testing.assert_allclose(column, forecast[:, step], rtol=1e-8, atol=1e-8)


def test_linear_ar_recovers_a_noiseless_autoregression():
    values = np.zeros(80)
    values[:2] = [1.0, 0.5]
    for t in range(2, 80):
        values[t] = 0.3 + 1.2 * values[t - 1] - 0.5 * values[t - 2]
    train, test = split_windows(make_windows(values, 5), 60)
    np.testing.assert_allclose(linear_ar_forecast(train.x, train.y, test.x), test.y, atol=1e-8)


def test_linear_ar_forecast_is_the_same_in_scaled_units():
    train, test = split_windows(make_windows(SERIES, 12, horizon=3), 120)
    low, span = SERIES[:120].min(), np.ptp(SERIES[:120])
    scale = lambda v: 2 * (v - low) / span - 1  # noqa: E731  (min-max to [-1, 1])
    scaled = linear_ar_forecast(scale(train.x), scale(train.y), scale(test.x))
    np.testing.assert_allclose((scaled + 1) / 2 * span + low, linear_ar_forecast(train.x, train.y, test.x),
                               rtol=1e-8)


@pytest.mark.parametrize(
    ("x_train", "y_train", "x_test", "word"),
    [
        (np.zeros((30, 5)), np.zeros(29), np.zeros((4, 5)), "y_train"),
        (np.zeros((30, 5)), np.zeros((30, 2, 2)), np.zeros((4, 5)), "y_train"),
        (np.zeros((30, 5)), np.zeros(30), np.zeros((4, 6)), "x_test"),
        (np.zeros((5, 5)), np.zeros(5), np.zeros((4, 5)), "x_train"),
        (np.zeros(30), np.zeros(30), np.zeros((4, 5)), "x_train"),
        (np.full((30, 5), np.nan), np.zeros(30), np.zeros((4, 5)), "x_train"),
        (np.zeros((30, 5)), np.full(30, np.nan), np.zeros((4, 5)), "y_train"),
        (np.zeros((30, 5)), np.zeros(30), np.full((4, 5), np.inf), "x_test"),
    ],
)
def test_linear_ar_bad_input_is_refused(x_train, y_train, x_test, word):
    with pytest.raises(ValueError, match=word):
        linear_ar_forecast(x_train, y_train, x_test)


def test_nan_windows_are_refused():
    x = np.zeros((3, 12))
    x[1, 4] = np.nan
    with pytest.raises(ValueError, match="windows contains NaN"):
        naive_forecast(x)
    with pytest.raises(ValueError, match="windows contains NaN"):
        seasonal_naive_forecast(x, 12)


@pytest.mark.parametrize("horizon", [1.5, True])
def test_non_integer_horizon_is_refused(horizon):
    with pytest.raises(ValueError, match="horizon .*positive integer"):
        naive_forecast(np.zeros((3, 5)), horizon)
