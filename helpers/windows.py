"""Turn a series into supervised (window -> target) pairs, and split it by time.

Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .checks import finite, integer, proportion

__all__ = [
    "Windows",
    "as_series",
    "chronological_split",
    "make_windows",
    "split_windows",
]


def as_series(values, name: str = "series") -> np.ndarray:
    """Return ``values`` as a 1-D float array, refusing NaNs and other ranks.

    A column vector of shape ``(n, 1)`` is accepted and flattened. float32
    input stays float32 (what the frameworks train in); anything else becomes
    float64.
    """
    array = np.asarray(values)
    if array.dtype != np.float32:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numeric, got dtype {array.dtype}") from None
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (shape (n,) or (n, 1)), "
            f"got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return finite(array, name)


class Windows(NamedTuple):
    """Inputs, targets and where each target sits in the original series.

    ``x`` has shape ``(n, lookback, 1)`` (samples, time steps, features), ready
    for a recurrent layer; ``y`` has shape ``(n, horizon)``; ``target_index[i]``
    is the position in the series of ``y[i, 0]``.

    Taught in chapter 5; used in chapter 5.
    """

    x: np.ndarray
    y: np.ndarray
    target_index: np.ndarray


def make_windows(series, lookback: int, horizon: int = 1, stride: int = 1) -> Windows:
    """Cut a series into windows of ``lookback`` inputs and ``horizon`` targets.

    ``stride=1`` gives every overlapping window. ``stride=lookback`` gives the
    non-overlapping scheme of chapter 7's article: windows start at 0,
    lookback, 2*lookback, ... and each predicts the value right after it.

    Taught in chapter 5; used in chapters 5, 6, 7 and 8.
    """
    values = as_series(series)
    lookback = integer(lookback, "lookback")
    horizon = integer(horizon, "horizon")
    stride = integer(stride, "stride")
    width = lookback + horizon
    if width > values.size:
        raise ValueError(
            f"a window of lookback + horizon = {lookback} + {horizon} = {width} "
            f"points is longer than the series ({values.size} points)"
        )
    frames = sliding_window_view(values, width)[::stride]
    starts = np.arange(0, values.size - width + 1, stride)
    x = frames[:, :lookback, np.newaxis].copy()
    y = frames[:, lookback:].copy()
    return Windows(x, y, starts + lookback)


def chronological_split(series, train_fraction: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """Split a series into its first ``int(n * train_fraction)`` points and the rest."""
    values = as_series(series)
    proportion(train_fraction, "train_fraction")
    n_train = int(values.size * train_fraction)
    if n_train == 0:
        raise ValueError(
            f"train_fraction={train_fraction} leaves an empty part of a "
            f"{values.size}-point series"
        )
    return values[:n_train], values[n_train:]


def split_windows(windows: Windows, n_train: int) -> tuple[Windows, Windows]:
    """Split windows made from a whole series at the time index ``n_train``.

    Training windows have every target before ``n_train``; test windows have
    their first target at or after it (their inputs may reach back into the
    training period, which is information a forecaster really has). Windows
    whose targets straddle the boundary are in neither part.

    Taught in chapter 5; used in chapters 5, 6 and 7.
    """
    last_target = windows.target_index + windows.y.shape[1] - 1
    train = last_target < n_train
    test = windows.target_index >= n_train
    if not train.any() or not test.any():
        raise ValueError(
            f"splitting at index {n_train} leaves no training or no test windows "
            f"(targets span {windows.target_index[0]}..{last_target[-1]})"
        )
    pick = lambda mask: Windows(*(part[mask] for part in windows))  # noqa: E731
    return pick(train), pick(test)
