"""Forecast errors, computed with scikit-learn after strict shape checks.

``rmse`` and ``mae`` are in the series' own units. ``relative_rmse`` and
``mase`` are scale-free, so they can be compared across series: both are
below 1 when a forecast beats a naive one.

Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

from .checks import finite, integer
from .windows import as_series

__all__ = ["mae", "mase", "relative_rmse", "rmse"]


def _pair(y_true, y_pred, names: tuple[str, str] = ("y_true", "y_pred")) -> tuple[np.ndarray, np.ndarray]:
    def column(values, label):
        array = np.asarray(values, dtype=float)
        if array.ndim == 0:
            raise ValueError(f"{label} must be an array of forecasts, got a scalar")
        if array.ndim == 1:
            array = array[:, np.newaxis]
        if array.ndim != 2:
            raise ValueError(f"{label} must have shape (n,) or (n, horizon), got {array.shape}")
        finite(array, label)
        return array

    truth, pred = column(y_true, names[0]), column(y_pred, names[1])
    if truth.shape != pred.shape:
        # (n,) against (n, 1) is fine; anything else would broadcast silently.
        raise ValueError(
            f"{names[0]} has shape {np.shape(y_true)} but {names[1]} has shape "
            f"{np.shape(y_pred)}; they must describe the same forecasts"
        )
    return truth, pred


def rmse(y_true, y_pred, *, per_step: bool = False):
    """Root mean squared error over all forecasts; with ``per_step`` one value per horizon column.

    Taught in chapter 5; used in chapters 5, 6, 7 and 8.
    """
    truth, pred = _pair(y_true, y_pred)
    if per_step:
        return root_mean_squared_error(truth, pred, multioutput="raw_values")
    return float(root_mean_squared_error(truth.ravel(), pred.ravel()))


def mae(y_true, y_pred, *, per_step: bool = False):
    """Mean absolute error over all forecasts; with ``per_step`` one value per horizon column.

    Taught in chapter 5; used in chapter 5.
    """
    truth, pred = _pair(y_true, y_pred)
    if per_step:
        return mean_absolute_error(truth, pred, multioutput="raw_values")
    return float(mean_absolute_error(truth.ravel(), pred.ravel()))


def relative_rmse(truth, forecast, reference_forecast) -> float:
    """RMSE of ``forecast`` divided by the RMSE of ``reference_forecast`` on the same points.

    With the naive forecast as the reference this is Theil's U2 (also called
    the relative RMSE): below 1 the forecast beats the reference, above 1 it
    does worse. Shapes are those of :func:`rmse`; the reference must not be
    exact, or the ratio is undefined.
    """
    truth_values, pred = _pair(truth, forecast, ("truth", "forecast"))
    _, reference = _pair(truth, reference_forecast, ("truth", "reference_forecast"))
    reference_error = float(np.sqrt(np.mean((truth_values - reference) ** 2)))
    if reference_error == 0:
        raise ValueError("reference_forecast is exact (RMSE 0), so a ratio against it is undefined")
    return float(np.sqrt(np.mean((truth_values - pred) ** 2))) / reference_error


def mase(truth, forecast, train_series, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman and Koehler, 2006).

    The forecast's MAE divided by the in-sample MAE of the naive forecast
    (``season=1``) or the seasonal naive forecast (``season=m``) on the
    training series, ``mean(|y_t - y_{t-season}|)`` over the training points.
    Below 1 the forecast's errors are smaller than the one-step errors the
    (seasonal) naive forecast made in training. Truth and forecast have the
    shapes of :func:`mae`; ``train_series`` is 1-D and must vary at lag
    ``season``.
    """
    truth_values, pred = _pair(truth, forecast, ("truth", "forecast"))
    train = as_series(train_series, "train_series").astype(np.float64)
    integer(season, "season")
    if season >= train.size:
        raise ValueError(
            f"season={season} leaves no naive errors in a train_series of {train.size} points "
            "(it needs more points than the season)"
        )
    scale = float(np.mean(np.abs(train[season:] - train[:-season])))
    if scale == 0:
        raise ValueError(
            f"train_series does not change at lag season={season}, so its naive MAE is 0 "
            "and MASE is undefined"
        )
    return float(np.mean(np.abs(truth_values - pred))) / scale
