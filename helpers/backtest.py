"""Rolling-origin evaluation: refit at several origins, forecast the block after each.

One hold-out split judges a model on one stretch of history. A rolling-origin
backtest (time-series cross-validation; Hyndman & Athanasopoulos, ch. 5)
moves the forecast origin forward instead: the test part is cut into blocks,
and at the start of each block the model is refitted on everything before it
(an expanding window), then forecasts every point of the block from data
before that point. Each row of a backtest is made at an origin ``o``: its
column ``j`` forecasts ``series[o + j]`` from ``series[:o]``, as in
:mod:`helpers.classical`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .checks import integer
from .windows import as_series

__all__ = ["Backtest", "backtest", "expanding_blocks"]


@dataclass(frozen=True, eq=False)
class Backtest:
    """Every row of a rolling-origin backtest: ``forecast`` and ``truth`` of shape (rows, horizon).

    ``origins[i]`` is the origin of row ``i`` and ``block[i]`` the refit it
    came from (0 for the first block).
    """

    name: str
    forecast: np.ndarray
    truth: np.ndarray
    origins: np.ndarray
    block: np.ndarray


def expanding_blocks(length: int, *, first_origin: int, n_blocks: int, horizon: int,
                     min_train: int) -> list[tuple[int, int]]:
    """``n_blocks`` contiguous ``(origin, end)`` blocks covering ``first_origin .. length``.

    The model is refitted on ``series[:origin]`` and its rows have origins
    ``origin .. end - horizon``, so each block holds at least one full
    forecast. ``min_train`` is the shortest history a fit needs (a network's
    window plus its validation part, say): an origin before it is refused.

    Taught in chapter 8; used in chapter 8.
    """
    length, n_blocks = integer(length, "length"), integer(n_blocks, "n_blocks")
    horizon, min_train = integer(horizon, "horizon"), integer(min_train, "min_train")
    first_origin = integer(first_origin, "first_origin")
    if first_origin < min_train:
        raise ValueError(f"first_origin={first_origin} comes before the first full window: a fit needs "
                         f"min_train={min_train} points")
    test = length - first_origin
    if horizon > test:
        raise ValueError(f"horizon={horizon} is longer than the test part ({test} points after "
                         f"first_origin={first_origin})")
    if test < n_blocks * horizon:
        raise ValueError(f"n_blocks={n_blocks} blocks of at least horizon={horizon} points do not fit in "
                         f"the {test} test points")
    edges = np.linspace(first_origin, length, n_blocks + 1).round().astype(int)
    return [(int(start), int(end)) for start, end in zip(edges[:-1], edges[1:], strict=True)]


def backtest(series, forecaster: Callable, blocks: list[tuple[int, int]], *, horizon: int,
             name: str) -> Backtest:
    """Run ``forecaster(series[:end], origin, horizon)`` for every block and stack its rows.

    ``forecaster`` fits on ``series[:origin]`` and returns an object with
    ``forecast``, ``truth`` and ``target_index`` (the row origins), like
    :func:`helpers.sarima_forecast` (wrap it, e.g. with ``functools.partial``,
    to fix its orders).

    Taught in chapter 8; used in chapter 8.
    """
    values = as_series(series)
    horizon = integer(horizon, "horizon")
    if not blocks:
        raise ValueError("blocks is empty; make them with expanding_blocks")
    parts = {"forecast": [], "truth": [], "origins": [], "block": []}
    for k, (origin, end) in enumerate(blocks):
        if not 0 < origin < end <= values.size:
            raise ValueError(f"block {k} = ({origin}, {end}) does not lie inside the series of "
                             f"{values.size} points")
        result = forecaster(values[:end], origin, horizon)
        origins = np.asarray(result.target_index)
        if origins.size and (origins.min() < origin or origins.max() + horizon > end):
            raise ValueError(f"forecaster {name!r} returned rows outside block {k} = ({origin}, {end})")
        parts["forecast"].append(np.asarray(result.forecast, dtype=float).reshape(-1, horizon))
        parts["truth"].append(np.asarray(result.truth, dtype=float).reshape(-1, horizon))
        parts["origins"].append(origins)
        parts["block"].append(np.full(origins.size, k))
    return Backtest(name, *(np.concatenate(parts[key]) for key in ("forecast", "truth", "origins", "block")))
