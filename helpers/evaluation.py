"""Hold-out evaluation of one-step forecasts in the series' own units, and the lag illusion.

Chapter 3 (the Keras stock model) teaches these functions and chapter 4 (the
PyTorch version) reuses them, so both chapters score their models on the same
days, with the same scaler and against the same naive baseline:

- :func:`holdout_windows` splits a series in time, fits the scaler on the
  training part only and cuts windows whose test targets all lie after the
  split (their inputs may reach back into the training days);
- :func:`error_table` puts RMSE and MAE of several forecasts side by side;
- :func:`change_correlation`, :func:`direction_accuracy` and
  :func:`lagged_rmse` tell a forecast that knows something about tomorrow from
  one that mostly repeats today.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .checks import integer
from .metrics import mae, rmse
from .scaling import SeriesScaler
from .windows import Windows, as_series, chronological_split, make_windows, split_windows

__all__ = [
    "Holdout",
    "change_correlation",
    "direction_accuracy",
    "error_table",
    "holdout_windows",
    "lagged_rmse",
]


@dataclass(frozen=True)
class Holdout:
    """A series split in time, scaled by its training part, and cut into windows.

    ``series`` is in original units (float64); ``scaled`` is the whole series
    mapped with ``scaler``, which was fitted on ``series[:n_train]`` only.
    ``train`` holds the windows whose target is a training point, ``test`` the
    windows whose target is at or after ``n_train`` (float32, shape
    ``(n, lookback, 1)`` and ``(n, 1)``).
    """

    series: np.ndarray
    n_train: int
    scaler: SeriesScaler
    scaled: np.ndarray
    train: Windows
    test: Windows

    @property
    def test_actual(self) -> np.ndarray:
        """The test targets in original units, shape ``(n_test,)``."""
        return self.series[self.test.target_index]

    @property
    def test_previous(self) -> np.ndarray:
        """The value right before each test target: the naive forecast, in original units."""
        return self.series[self.test.target_index - 1]

    def to_units(self, scaled_forecast) -> np.ndarray:
        """Undo the scaling of a forecast of shape ``(n,)`` or ``(n, 1)``; returns shape ``(n,)``."""
        values = as_series(scaled_forecast, "scaled forecast")
        return self.scaler.inverse_transform(values)


def holdout_windows(
    series,
    lookback: int,
    *,
    train_fraction: float = 0.8,
    feature_range: tuple[float, float] = (-1.0, 1.0),
    scaling: str = "minmax",
) -> Holdout:
    """Chronological hold-out for one-step forecasts with windows of ``lookback`` points.

    The first ``int(len(series) * train_fraction)`` points are the training
    part; the scaler (min-max to ``feature_range``, or with
    ``scaling="standard"`` the training mean and standard deviation) is
    fitted on them alone.
    Raises ``ValueError`` for a series with NaNs or of the wrong rank, a
    ``train_fraction`` outside (0, 1), or a training part too short to hold
    one window and its target.

    Taught in chapter 3; used in chapters 3 and 4.
    """
    values = as_series(series).astype(np.float64)
    integer(lookback, "lookback")
    n_train = chronological_split(values, train_fraction)[0].size
    if n_train < lookback + 1:
        raise ValueError(
            f"the training part has {n_train} points (train_fraction={train_fraction} of "
            f"{values.size}), but a window of {lookback} points and its target need "
            f"at least {lookback + 1}"
        )
    scaler = SeriesScaler(feature_range, method=scaling).fit(values[:n_train])
    scaled = scaler.transform(values).astype(np.float32)
    train, test = split_windows(make_windows(scaled, lookback), n_train)
    return Holdout(values, n_train, scaler, scaled, train, test)


def _aligned(**arrays) -> list[np.ndarray]:
    """1-D float arrays of one common length, or a ValueError naming the culprit."""
    checked = {name: as_series(values, name).astype(np.float64) for name, values in arrays.items()}
    lengths = {name: array.size for name, array in checked.items()}
    if len(set(lengths.values())) != 1:
        described = ", ".join(f"{name} has {size}" for name, size in lengths.items())
        raise ValueError(f"the series must have the same length (one value per day): {described}")
    return list(checked.values())


def error_table(actual, forecasts: Mapping[str, object], *, baseline: str | None = None) -> pd.DataFrame:
    """RMSE and MAE of each named forecast of ``actual``, one row per forecast.

    With ``baseline`` (the name of one of the forecasts, usually the naive
    one) a third column gives each RMSE divided by the baseline's: below 1
    beats it.

    Taught in chapter 3; used in chapter 3.
    """
    if not isinstance(forecasts, Mapping) or not forecasts:
        raise ValueError("forecasts must be a non-empty mapping of name -> forecast values")
    truth = as_series(actual, "actual")
    rows = {}
    for name, forecast in forecasts.items():
        pred = as_series(forecast, f"forecast {name!r}")
        if pred.size != truth.size:
            raise ValueError(f"forecast {name!r} has {pred.size} values but actual has {truth.size}")
        rows[name] = {"RMSE": rmse(truth, pred), "MAE": mae(truth, pred)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    if baseline is not None:
        if baseline not in rows:
            raise ValueError(f"baseline {baseline!r} is not one of the forecasts {list(rows)}")
        table["RMSE / baseline"] = table["RMSE"] / rows[baseline]["RMSE"]
    return table


def change_correlation(actual, forecast, previous) -> float:
    """Pearson correlation of predicted and actual changes from the previous value.

    The predicted change is ``forecast - previous`` and the actual change
    ``actual - previous``. Near 0 means the forecast knows nothing about the
    direction or size of tomorrow's move, however close it is to the price.
    A forecast that never moves (the naive one) has no correlation: that is
    a ``ValueError``.

    Taught in chapter 3; used in chapters 3 and 4.
    """
    truth, pred, prev = _aligned(actual=actual, forecast=forecast, previous=previous)
    if truth.size < 2:
        raise ValueError("a correlation needs at least 2 days")
    predicted, realised = pred - prev, truth - prev
    for name, change in (("forecast", predicted), ("actual", realised)):
        if np.ptp(change) == 0:
            raise ValueError(
                f"the {name} changes are constant (a naive forecast never moves), "
                "so their correlation is undefined"
            )
    return float(np.corrcoef(predicted, realised)[0, 1])


def direction_accuracy(actual, forecast, previous) -> float:
    """Share of days on which the forecast moves the same way as the actual value.

    Compares ``sign(forecast - previous)`` with ``sign(actual - previous)``; a
    day without change counts as a hit only if both are unchanged.

    Taught in chapter 3; used in chapters 3 and 4.
    """
    truth, pred, prev = _aligned(actual=actual, forecast=forecast, previous=previous)
    return float(np.mean(np.sign(pred - prev) == np.sign(truth - prev)))


def lagged_rmse(actual, forecast, max_lag: int) -> np.ndarray:
    """RMSE between the forecast and the actual series ``k`` days earlier, for k = 0 .. max_lag.

    Entry ``k`` compares ``forecast[k:]`` with ``actual[:n - k]``. A forecast
    whose smallest entry sits at ``k = 1`` is closer to yesterday's value than
    to today's: it lags the series by a day.

    Taught in chapter 3; used in chapter 3.
    """
    truth, pred = _aligned(actual=actual, forecast=forecast)
    integer(max_lag, "max_lag", 0)
    if max_lag >= truth.size:
        raise ValueError(f"max_lag={max_lag} leaves no overlap between {truth.size}-day series")
    return np.array([rmse(truth[: truth.size - k], pred[k:]) for k in range(max_lag + 1)])
