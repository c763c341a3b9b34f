"""Tests for helpers.classical, against hand-computed recursions and statsmodels run on truncated data."""

import warnings

import numpy as np
import pytest
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

from helpers.baselines import seasonal_naive_forecast
from helpers.classical import ClassicalForecast, ets_forecast, sarima_forecast
from helpers.windows import make_windows, split_windows

RNG = np.random.default_rng(21)
N, N_TRAIN, SEASON = 240, 200, 12

AR1 = np.empty(N)
AR1[0] = 5.0
for _t in range(1, N):
    AR1[_t] = 2.0 + 0.6 * AR1[_t - 1] + RNG.normal()

_months = np.arange(N)
MONTHLY = (100 + 0.2 * _months + 10 * np.sin(2 * np.pi * _months / SEASON)
           + 0.5 * RNG.normal(size=N).cumsum() + RNG.normal(size=N))
RANDOM_WALK = 50 + RNG.normal(size=N).cumsum()

SARIMA = {"order": (1, 0, 1), "seasonal_order": (0, 1, 1, SEASON)}
ETS = {"error": "mul", "trend": "add", "seasonal": "mul", "seasonal_periods": SEASON}


@pytest.fixture(scope="module")
def sarima_runs():
    """SARIMA(1,0,1)(0,1,1,12) one and three steps ahead, on MONTHLY and on a copy altered after 220."""
    altered = MONTHLY.copy()
    altered[220:] += RNG.normal(scale=20, size=N - 220)
    return {(name, h): sarima_forecast(series, N_TRAIN, horizon=h, **SARIMA)
            for name, series in (("original", MONTHLY), ("altered", altered)) for h in (1, 3)}


@pytest.fixture(scope="module")
def ets_runs():
    """ETS(M,A,M) one and three steps ahead, on MONTHLY and on a copy altered after 220."""
    altered = MONTHLY.copy()
    altered[220:] *= RNG.uniform(0.5, 1.5, size=N - 220)
    return {(name, h): ets_forecast(series, N_TRAIN, horizon=h, **ETS)
            for name, series in (("original", MONTHLY), ("altered", altered)) for h in (1, 3)}


def test_ar1_one_step_is_constant_plus_phi_times_previous():
    result = sarima_forecast(AR1, N_TRAIN, (1, 0, 0), trend="c")
    assert isinstance(result, ClassicalForecast) and result.name == "ARIMA(1,0,0) trend=c"
    # SARIMAX's constant is the intercept of the equation, y_t = c + phi * y_{t-1} + e_t.
    c, phi = result.params["intercept"], result.params["ar.L1"]
    assert 0.4 < phi < 0.8 and 1.0 < c < 3.0
    assert result.forecast.shape == (N - N_TRAIN, 1)
    np.testing.assert_allclose(result.forecast[:, 0], c + phi * AR1[N_TRAIN - 1:-1], rtol=1e-10)
    np.testing.assert_array_equal(result.target_index, np.arange(N_TRAIN, N))
    np.testing.assert_array_equal(result.truth[:, 0], AR1[N_TRAIN:])
    assert result.converged and result.fit_seconds > 0


def test_seasonal_random_walk_is_the_seasonal_naive_forecast():
    result = sarima_forecast(MONTHLY, N_TRAIN, (0, 0, 0), (0, 1, 0, SEASON))
    assert result.name == "SARIMA(0,0,0)(0,1,0,12)"
    np.testing.assert_allclose(result.forecast[:, 0], MONTHLY[N_TRAIN - SEASON:N - SEASON], rtol=1e-9)
    test = split_windows(make_windows(MONTHLY, SEASON), N_TRAIN)[1]
    np.testing.assert_allclose(result.forecast, seasonal_naive_forecast(test.x, SEASON), rtol=1e-9)


def test_rows_line_up_with_the_networks_test_windows(sarima_runs, ets_runs):
    for horizon in (1, 3):
        test = split_windows(make_windows(MONTHLY, 24, horizon=horizon), N_TRAIN)[1]
        for result in (sarima_runs["original", horizon], ets_runs["original", horizon]):
            assert result.forecast.shape == result.truth.shape == (N - N_TRAIN - horizon + 1, horizon)
            np.testing.assert_array_equal(result.target_index, test.target_index)
            np.testing.assert_array_equal(result.truth, test.y)


def test_sarima_first_step_of_a_multi_step_row_is_the_one_step_forecast(sarima_runs):
    one, three = sarima_runs["original", 1], sarima_runs["original", 3]
    assert one.params == three.params and one.name == "SARIMA(1,0,1)(0,1,1,12)"
    np.testing.assert_allclose(three.forecast[:, 0], one.forecast[:-2, 0], rtol=1e-12)


@pytest.mark.parametrize("row", [0, 15, 37])
def test_sarima_multi_step_rows_match_statsmodels_on_the_data_before_the_origin(sarima_runs, row):
    result = sarima_runs["original", 3]
    origin = result.target_index[row]
    model = SARIMAX(MONTHLY[:origin], **SARIMA)
    expected = model.filter(np.array(list(result.params.values()))).forecast(3)
    np.testing.assert_allclose(result.forecast[row], expected, rtol=1e-9)


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("runs", ["sarima_runs", "ets_runs"])
def test_no_look_ahead(runs, horizon, request):
    # The series was altered from index 220 on: rows made at origins up to 220 saw none of it.
    results = request.getfixturevalue(runs)
    original, altered = results["original", horizon], results["altered", horizon]
    assert original.params == altered.params  # the training part is the same
    unseen = original.target_index <= 220
    np.testing.assert_array_equal(altered.forecast[unseen], original.forecast[unseen])
    assert not np.allclose(altered.forecast[~unseen], original.forecast[~unseen])


def test_ets_simple_exponential_smoothing_matches_the_recursion():
    series = AR1 + 10
    result = ets_forecast(series, N_TRAIN, horizon=2)
    assert result.name == "ETS(A,N,N)"
    alpha, level = result.params["smoothing_level"], result.params["initial_level"]
    levels = []  # levels[t] is the level after observing series[t]
    for value in series:
        level = level + alpha * (value - level)
        levels.append(level)
    expected = np.array(levels)[result.target_index - 1]
    np.testing.assert_allclose(result.forecast, np.column_stack([expected, expected]), rtol=1e-10)
    one_step = ets_forecast(series, N_TRAIN)
    np.testing.assert_allclose(one_step.forecast[:, 0], np.array(levels)[N_TRAIN - 1:-1], rtol=1e-10)


def test_ets_holt_linear_trend_matches_the_recursion():
    series = 20 + 0.3 * np.arange(N) + RNG.normal(size=N).cumsum() * 0.3
    result = ets_forecast(series, N_TRAIN, trend="add", horizon=3)
    assert result.name == "ETS(A,A,N)"
    p = result.params
    alpha, beta = p["smoothing_level"], p["smoothing_trend"]
    level, slope = p["initial_level"], p["initial_trend"]
    states = []  # (level, slope) after observing series[t]
    for value in series:
        error = value - (level + slope)
        level, slope = level + slope + alpha * error, slope + beta * error
        states.append((level, slope))
    states = np.array(states)[result.target_index - 1]
    expected = states[:, :1] + states[:, 1:] * np.arange(1, 4)
    np.testing.assert_allclose(result.forecast, expected, rtol=1e-10)


def test_ets_first_step_of_a_multi_step_row_is_the_one_step_forecast(ets_runs):
    one, three = ets_runs["original", 1], ets_runs["original", 3]
    assert one.name == "ETS(M,A,M)" and one.params == three.params
    np.testing.assert_allclose(three.forecast[:, 0], one.forecast[:-2, 0], rtol=1e-12)


@pytest.mark.parametrize("row", [0, 21, 37])
def test_ets_multi_step_rows_match_statsmodels_on_the_data_before_the_origin(ets_runs, row):
    result = ets_runs["original", 3]
    origin = result.target_index[row]
    smoothed = ETSModel(MONTHLY[:origin], **ETS).smooth(np.array(list(result.params.values())))
    np.testing.assert_allclose(result.forecast[row], smoothed.forecast(3), rtol=1e-9)


def test_expected_starting_value_warnings_are_silenced():
    # A random walk gives SARIMAX non-stationary AR starting values, which it replaces by zeros.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sarima_forecast(RANDOM_WALK, N_TRAIN, (1, 0, 0))
    assert result.converged


def test_failed_convergence_is_shown_and_recorded():
    with pytest.warns(ConvergenceWarning):
        result = sarima_forecast(MONTHLY, N_TRAIN, (2, 0, 2), (1, 1, 1, SEASON), fit_kwargs={"maxiter": 2})
    assert not result.converged


def test_series_index_is_ignored():
    pandas = pytest.importorskip("pandas")
    index = pandas.period_range("2000-01", periods=N, freq="M")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ets_forecast(pandas.Series(AR1 + 10, index=index), N_TRAIN)
    assert isinstance(result.forecast, np.ndarray) and result.forecast.shape == (N - N_TRAIN, 1)


BAD_SPLITS = [
    ({"n_train": 0}, "n_train"),
    ({"n_train": N}, "n_train"),
    ({"n_train": -5}, "n_train"),
    ({"n_train": 200.0}, "n_train"),
    ({"n_train": True}, "n_train"),
    ({"horizon": 0}, "horizon"),
    ({"horizon": -1}, "horizon"),
    ({"horizon": 41}, "horizon"),
]


@pytest.mark.parametrize(("arguments", "word"), BAD_SPLITS)
def test_bad_sarima_split_is_refused(arguments, word):
    call = {"n_train": N_TRAIN, **arguments}
    with pytest.raises(ValueError, match=word):
        sarima_forecast(MONTHLY, order=(1, 0, 0), **call)


@pytest.mark.parametrize(("arguments", "word"), BAD_SPLITS)
def test_bad_ets_split_is_refused(arguments, word):
    call = {"n_train": N_TRAIN, **arguments}
    with pytest.raises(ValueError, match=word):
        ets_forecast(MONTHLY, **call)


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"order": (1, 0)}, "order"),
        ({"order": (1, -1, 0)}, "order"),
        ({"order": (1, 0, 0), "seasonal_order": (1, 0, 0)}, "seasonal_order"),
        ({"order": (1, 0, 0), "seasonal_order": (1, 0, 0, 1)}, "seasonal_order"),
        ({"order": (1, 0, 0), "seasonal_order": (0, 1, 1, 12), "n_train": 20}, "seasonal_order"),
    ],
)
def test_bad_sarima_orders_are_refused(arguments, word):
    call = {"n_train": N_TRAIN, **arguments}
    with pytest.raises(ValueError, match=word):
        sarima_forecast(MONTHLY, **call)


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"seasonal": "add"}, "seasonal_periods"),
        ({"seasonal": "add", "seasonal_periods": 1}, "seasonal_periods"),
        ({"seasonal_periods": 12}, "seasonal_periods"),
        ({"seasonal": "add", "seasonal_periods": 12, "n_train": 23}, "seasonal_periods"),
    ],
)
def test_bad_ets_seasons_are_refused(arguments, word):
    call = {"n_train": N_TRAIN, **arguments}
    with pytest.raises(ValueError, match=word):
        ets_forecast(MONTHLY, **call)


def test_nans_in_the_series_are_refused():
    series = MONTHLY.copy()
    series[230] = np.nan
    with pytest.raises(ValueError, match="series"):
        sarima_forecast(series, N_TRAIN, (1, 0, 0))
    with pytest.raises(ValueError, match="series"):
        ets_forecast(series, N_TRAIN)


def test_multiplicative_ets_needs_positive_values():
    with pytest.raises(ValueError, match="strictly positive"):
        ets_forecast(MONTHLY - 200, N_TRAIN, error="mul")
