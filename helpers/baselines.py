"""Naive forecasts every model in the book must beat.

Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

import numpy as np

__all__ = ["naive_forecast", "seasonal_naive_forecast"]


def _window_values(x) -> np.ndarray:
    array = np.asarray(x, dtype=float)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2:
        raise ValueError(
            f"windows must have shape (samples, lookback) or (samples, lookback, 1), "
            f"got {array.shape}"
        )
    return array


def naive_forecast(x, horizon: int = 1) -> np.ndarray:
    """Persistence: every future step equals the last observed value.

    Returns shape ``(samples, horizon)``.
    """
    values = _window_values(x)
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    return np.repeat(values[:, -1:], horizon, axis=1)


def seasonal_naive_forecast(x, season: int, horizon: int = 1) -> np.ndarray:
    """Each future step equals the observation one season earlier.

    For step ``h`` (0-based) the forecast is the value ``season * (h // season
    + 1)`` steps before it, so it always comes from the window. Returns shape
    ``(samples, horizon)``.
    """
    values = _window_values(x)
    lookback = values.shape[1]
    if season < 1 or horizon < 1:
        raise ValueError(f"season and horizon must be at least 1, got {season} and {horizon}")
    if season > lookback:
        raise ValueError(
            f"a seasonal-naive forecast with season {season} needs windows of at "
            f"least {season} points, got {lookback}"
        )
    steps = np.arange(horizon)
    columns = lookback + steps - season * (steps // season + 1)
    return values[:, columns]
