"""Forecasts every model in the book must beat: naive, seasonal naive and a linear autoregression.

All three work on the network's own windows, so they forecast exactly the
test points the network does. Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression

from .checks import finite, integer

__all__ = ["linear_ar_forecast", "naive_forecast", "seasonal_naive_forecast"]


def _window_values(x, name: str = "windows") -> np.ndarray:
    array = np.asarray(x, dtype=float)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must have shape (samples, lookback) or (samples, lookback, 1), "
            f"got {array.shape}"
        )
    finite(array, name)
    return array


def naive_forecast(x, horizon: int = 1) -> np.ndarray:
    """Persistence: every future step equals the last observed value.

    Returns shape ``(samples, horizon)``.

    Taught in chapter 5; used in chapters 5, 6 and 7.
    """
    values = _window_values(x)
    integer(horizon, "horizon")
    return np.repeat(values[:, -1:], horizon, axis=1)


def seasonal_naive_forecast(x, season: int, horizon: int = 1) -> np.ndarray:
    """Each future step equals the observation one season earlier.

    For step ``h`` (0-based) the forecast is the value ``season * (h // season
    + 1)`` steps before it, so it always comes from the window. Returns shape
    ``(samples, horizon)``.

    Taught in chapter 5; used in chapters 5, 6 and 7.
    """
    values = _window_values(x)
    lookback = values.shape[1]
    integer(season, "season")
    integer(horizon, "horizon")
    if season > lookback:
        raise ValueError(
            f"a seasonal-naive forecast with season {season} needs windows of at "
            f"least {season} points, got {lookback}"
        )
    steps = np.arange(horizon)
    columns = lookback + steps - season * (steps // season + 1)
    return values[:, columns]


def linear_ar_forecast(x_train, y_train, x_test) -> np.ndarray:
    """A linear autoregression fitted by least squares on the network's own windows.

    Fits ``y = b + w_1 x_1 + ... + w_L x_L`` (an intercept and one weight per
    window position) to the training windows with scikit-learn's
    ``LinearRegression`` and applies it to the test windows. Targets of shape
    ``(n, horizon)`` get one regression per step ahead (the direct multi-step
    strategy, no feeding forecasts back in), like a network with ``horizon``
    outputs.

    Windows have shape ``(n, lookback)`` or ``(n, lookback, 1)``. Scaling the
    windows and targets with one affine map (a min-max scaler) leaves the
    forecast in original units unchanged, so it may be fitted in either.

    Returns shape ``(n_test,)`` for targets of shape ``(n,)`` and
    ``(n_test, horizon)`` for targets of shape ``(n, horizon)``.

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    train = _window_values(x_train, "x_train")
    test = _window_values(x_test, "x_test")
    targets = np.asarray(y_train, dtype=float)
    if targets.ndim not in (1, 2):
        raise ValueError(f"y_train must have shape (n,) or (n, horizon), got {targets.shape}")
    finite(targets, "y_train")
    if targets.shape[0] != train.shape[0]:
        raise ValueError(
            f"x_train has {train.shape[0]} windows but y_train has {targets.shape[0]} targets; "
            "they must describe the same windows"
        )
    lookback = train.shape[1]
    if test.shape[1] != lookback:
        raise ValueError(f"x_test has windows of {test.shape[1]} points but x_train of {lookback}")
    if train.shape[0] < lookback + 1:
        raise ValueError(
            f"x_train has {train.shape[0]} windows, but least squares on {lookback} inputs and an "
            f"intercept needs at least {lookback + 1}"
        )
    model = LinearRegression().fit(train, targets)
    return model.predict(test)
