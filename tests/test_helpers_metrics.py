"""Tests for helpers.metrics, checked against NumPy formulas and scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, mean_squared_error

from helpers.metrics import mae, mase, relative_rmse, rmse

RNG = np.random.default_rng(11)
TRUTH = RNG.normal(size=(40, 5))
PRED = TRUTH + RNG.normal(scale=0.3, size=(40, 5))


def numpy_rmse(a, b, axis=None):
    return np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2, axis=axis))


def numpy_mae(a, b, axis=None):
    return np.mean(np.abs(np.asarray(a) - np.asarray(b)), axis=axis)


def test_small_hand_computed_example():
    assert rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))
    assert mae([0.0, 0.0], [3.0, -4.0]) == pytest.approx(3.5)
    assert rmse([1.0, 2.0], [1.0, 2.0]) == 0.0


@pytest.mark.parametrize("shape", [(40,), (40, 1), (8, 5)])
def test_overall_errors_match_numpy_and_sklearn(shape):
    truth = TRUTH.ravel()[: np.prod(shape)].reshape(shape)
    pred = PRED.ravel()[: np.prod(shape)].reshape(shape)
    got_rmse, got_mae = rmse(truth, pred), mae(truth, pred)
    assert isinstance(got_rmse, float) and isinstance(got_mae, float)
    assert got_rmse == pytest.approx(numpy_rmse(truth, pred), rel=1e-12)
    assert got_mae == pytest.approx(numpy_mae(truth, pred), rel=1e-12)
    flat_truth, flat_pred = truth.ravel(), pred.ravel()
    assert got_rmse == pytest.approx(np.sqrt(mean_squared_error(flat_truth, flat_pred)), rel=1e-12)
    assert got_mae == pytest.approx(mean_absolute_error(flat_truth, flat_pred), rel=1e-12)


def test_per_step_matches_column_wise_numpy():
    per_step_rmse = rmse(TRUTH, PRED, per_step=True)
    per_step_mae = mae(TRUTH, PRED, per_step=True)
    assert per_step_rmse.shape == per_step_mae.shape == (5,)
    np.testing.assert_allclose(per_step_rmse, numpy_rmse(TRUTH, PRED, axis=0), rtol=1e-12)
    np.testing.assert_allclose(per_step_mae, numpy_mae(TRUTH, PRED, axis=0), rtol=1e-12)
    # The steps really differ, so a single repeated number would fail.
    assert np.ptp(per_step_rmse) > 0
    # Overall RMSE is the root of the mean squared per-step RMSE (equal column sizes).
    assert rmse(TRUTH, PRED) == pytest.approx(np.sqrt(np.mean(per_step_rmse**2)))


def test_per_step_of_a_flat_series_is_one_value():
    truth, pred = TRUTH[:, 0], PRED[:, 0]
    np.testing.assert_allclose(rmse(truth, pred, per_step=True), [numpy_rmse(truth, pred)])
    np.testing.assert_allclose(mae(truth, pred, per_step=True), [numpy_mae(truth, pred)])


@pytest.mark.parametrize("metric", [rmse, mae])
def test_flat_and_column_vectors_can_be_mixed(metric):
    truth, pred = TRUTH[:, 0], PRED[:, 0]
    expected = metric(truth, pred)
    assert metric(truth[:, np.newaxis], pred) == pytest.approx(expected)
    assert metric(truth, pred[:, np.newaxis]) == pytest.approx(expected)
    assert metric(list(truth), tuple(pred)) == pytest.approx(expected)


@pytest.mark.parametrize("metric", [rmse, mae])
@pytest.mark.parametrize(
    ("true_shape", "pred_shape", "shown"),
    [
        ((5,), (5, 2), r"\(5,\) but y_pred has shape \(5, 2\)"),
        ((5,), (4,), r"\(5,\) but y_pred has shape \(4,\)"),
        ((5, 2), (2, 5), r"\(5, 2\) but y_pred has shape \(2, 5\)"),
        ((1, 5), (5,), r"\(1, 5\) but y_pred has shape \(5,\)"),
    ],
)
def test_mismatched_shapes_are_refused(metric, true_shape, pred_shape, shown):
    with pytest.raises(ValueError, match="y_true has shape " + shown):
        metric(np.zeros(true_shape), np.zeros(pred_shape))


@pytest.mark.parametrize("metric", [rmse, mae])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_values_are_refused(metric, bad):
    pred = np.ones(5)
    pred[2] = bad
    with pytest.raises(ValueError, match="y_pred contains NaN or infinite values"):
        metric(np.ones(5), pred)
    with pytest.raises(ValueError, match="y_true contains NaN or infinite values"):
        metric(pred, np.ones(5))


@pytest.mark.parametrize("metric", [rmse, mae])
def test_scalars_are_refused(metric):
    with pytest.raises(ValueError, match="y_true must be an array of forecasts, got a scalar"):
        metric(1.0, [1.0])
    with pytest.raises(ValueError, match="y_pred must be an array of forecasts, got a scalar"):
        metric([1.0], 1.0)


@pytest.mark.parametrize("metric", [rmse, mae])
def test_three_dimensional_input_is_refused(metric):
    message = r"y_true must have shape \(n,\) or \(n, horizon\), got \(4, 3, 1\)"
    with pytest.raises(ValueError, match=message):
        metric(np.zeros((4, 3, 1)), np.zeros((4, 3)))


SEASONAL_TRAIN = 5 * np.sin(np.arange(60) * 2 * np.pi / 12) + RNG.normal(size=60).cumsum()


def test_relative_rmse_is_the_ratio_of_numpy_rmses():
    naive = TRUTH + RNG.normal(scale=0.6, size=TRUTH.shape)
    expected = numpy_rmse(TRUTH, PRED) / numpy_rmse(TRUTH, naive)
    assert relative_rmse(TRUTH, PRED, naive) == pytest.approx(expected, rel=1e-12)
    assert relative_rmse(TRUTH, naive, PRED) == pytest.approx(1 / expected, rel=1e-12)
    assert relative_rmse(TRUTH[:, 0], PRED[:, 0], naive[:, :1]) == pytest.approx(
        numpy_rmse(TRUTH[:, 0], PRED[:, 0]) / numpy_rmse(TRUTH[:, 0], naive[:, 0]), rel=1e-12
    )
    assert relative_rmse([0.0, 0.0], [3.0, 4.0], [6.0, 8.0]) == pytest.approx(0.5)


@pytest.mark.parametrize("season", [1, 12])
def test_mase_matches_the_hyndman_koehler_formula(season):
    truth, pred = TRUTH[:, 0], PRED[:, 0]
    scale = np.mean([abs(SEASONAL_TRAIN[t] - SEASONAL_TRAIN[t - season]) for t in range(season, 60)])
    expected = numpy_mae(truth, pred) / scale
    assert mase(truth, pred, SEASONAL_TRAIN, season) == pytest.approx(expected, rel=1e-12)
    # Several steps ahead: the MAE over all of them, on the same in-sample scale.
    expected = numpy_mae(TRUTH, PRED) / scale
    assert mase(TRUTH, PRED, SEASONAL_TRAIN, season) == pytest.approx(expected, rel=1e-12)


def test_mase_of_the_in_sample_naive_forecast_is_one():
    train = SEASONAL_TRAIN
    assert mase(train[1:], train[:-1], train) == pytest.approx(1.0)
    assert mase(train[12:], train[:-12], train, season=12) == pytest.approx(1.0)


@pytest.mark.parametrize("season", [60, 61])
def test_mase_season_as_long_as_the_training_series_is_refused(season):
    with pytest.raises(ValueError, match="season"):
        mase(TRUTH[:, 0], PRED[:, 0], SEASONAL_TRAIN, season)


@pytest.mark.parametrize("season", [0, -1, 1.5, True])
def test_mase_non_positive_season_is_refused(season):
    with pytest.raises(ValueError, match="season"):
        mase(TRUTH[:, 0], PRED[:, 0], SEASONAL_TRAIN, season)


def test_undefined_scale_free_scores_are_refused():
    with pytest.raises(ValueError, match="train_series"):
        mase([1.0, 2.0], [1.5, 2.5], np.full(20, 3.0))
    with pytest.raises(ValueError, match="reference_forecast"):
        relative_rmse([1.0, 2.0], [1.5, 2.5], [1.0, 2.0])


@pytest.mark.parametrize("culprit", ["truth", "forecast", "reference_forecast"])
def test_relative_rmse_bad_input_names_the_argument(culprit):
    arrays = {"truth": TRUTH[:, 0], "forecast": PRED[:, 0], "reference_forecast": PRED[:, 1]}
    with_nan = dict(arrays, **{culprit: np.where(np.arange(40) == 3, np.nan, arrays[culprit])})
    with pytest.raises(ValueError, match=culprit):
        relative_rmse(**with_nan)
    if culprit != "truth":
        with pytest.raises(ValueError, match=culprit):
            relative_rmse(**dict(arrays, **{culprit: arrays[culprit][:-1]}))


@pytest.mark.parametrize("culprit", ["truth", "forecast", "train_series"])
def test_mase_bad_input_names_the_argument(culprit):
    arrays = {"truth": TRUTH[:, 0], "forecast": PRED[:, 0], "train_series": SEASONAL_TRAIN}
    values = arrays[culprit].copy()
    values[3] = np.nan
    with pytest.raises(ValueError, match=culprit):
        mase(**dict(arrays, **{culprit: values}))
    with pytest.raises(ValueError, match="forecast"):
        mase(TRUTH[:, 0], PRED[:-1, 0], SEASONAL_TRAIN)
