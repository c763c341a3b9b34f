"""Prediction intervals from validation residuals (split conformal), and how well they cover.

A point forecast says nothing about how far off it may be. The split
conformal recipe (Vovk, Gammerman & Shafer 2005) turns any forecaster into an
interval forecaster: take its absolute errors on points it was not fitted on
(a validation part), and widen every later forecast by their ``level``
quantile, with the finite-sample correction ``ceil((n + 1) level) / n``. If
future errors behave like the validation errors (exchangeable), the interval
holds the truth with probability at least ``level``. Time series bend that
assumption, so the book measures the coverage it actually gets on held-out
points (:func:`coverage`).
"""

from __future__ import annotations

import math

import numpy as np

from .checks import finite, proportion

__all__ = ["conformal_interval", "coverage", "min_residuals"]


def min_residuals(level: float) -> int:
    """The fewest validation residuals that give a finite ``level`` interval: ceil(level / (1 - level))."""
    level = proportion(level, "level")
    return math.ceil(level / (1 - level) - 1e-9)


def conformal_interval(forecast, residuals, level: float) -> tuple[np.ndarray, np.ndarray]:
    """``forecast`` minus and plus the conformal quantile of ``|residuals|``, per forecast column.

    ``forecast`` has shape (n,) or (n, horizon); ``residuals`` are validation
    errors (truth minus forecast) of shape (m,) or (m, horizon), one column per
    step ahead, so each horizon gets its own width.

    Taught in chapter 8; used in chapter 8.
    """
    level = proportion(level, "level")
    point = np.asarray(forecast, dtype=float)
    errors = np.abs(np.asarray(residuals, dtype=float))
    columns = point.shape[1] if point.ndim == 2 else 1
    errors = errors.reshape(len(errors), -1) if errors.ndim else errors
    if errors.ndim != 2 or errors.shape[1] != columns:
        raise ValueError(f"residuals must have one column per forecast step ({columns}), got shape "
                         f"{np.shape(residuals)}")
    finite(point, "forecast")
    finite(errors, "residuals")
    n = len(errors)
    if n < min_residuals(level):
        raise ValueError(f"residuals has {n} rows: too few validation residuals for level={level} "
                         f"(at least {min_residuals(level)} are needed)")
    rank = min(math.ceil((n + 1) * level), n)
    width = np.sort(errors, axis=0)[rank - 1]
    width = width if point.ndim == 2 else width[0]
    return point - width, point + width


def coverage(truth, low, high) -> tuple[float, float]:
    """The share of ``truth`` inside ``[low, high]`` and the interval's mean width.

    Taught in chapter 8; used in chapter 8.
    """
    truth, low, high = (np.asarray(a, dtype=float) for a in (truth, low, high))
    if not truth.shape == low.shape == high.shape:
        raise ValueError(f"truth, low and high must have one shape, got {truth.shape}, {low.shape}, "
                         f"{high.shape}")
    if np.any(low > high):
        raise ValueError("low lies above high somewhere: not an interval")
    inside = (truth >= low) & (truth <= high)
    return float(inside.mean()), float((high - low).mean())
