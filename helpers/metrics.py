"""Forecast errors, computed with scikit-learn after strict shape checks.

Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

__all__ = ["mae", "rmse"]


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    def column(values, label):
        array = np.asarray(values, dtype=float)
        if array.ndim == 0:
            raise ValueError(f"{label} must be an array of forecasts, got a scalar")
        if array.ndim == 1:
            array = array[:, np.newaxis]
        if array.ndim != 2:
            raise ValueError(f"{label} must have shape (n,) or (n, horizon), got {array.shape}")
        if not np.isfinite(array).all():
            raise ValueError(f"{label} contains NaN or infinite values")
        return array

    truth, pred = column(y_true, "y_true"), column(y_pred, "y_pred")
    if truth.shape != pred.shape:
        # (n,) against (n, 1) is fine; anything else would broadcast silently.
        raise ValueError(
            f"y_true has shape {np.shape(y_true)} but y_pred has shape "
            f"{np.shape(y_pred)}; they must describe the same forecasts"
        )
    return truth, pred


def rmse(y_true, y_pred, *, per_step: bool = False):
    """Root mean squared error over all forecasts; with ``per_step`` one value per horizon column."""
    truth, pred = _pair(y_true, y_pred)
    if per_step:
        return root_mean_squared_error(truth, pred, multioutput="raw_values")
    return float(root_mean_squared_error(truth.ravel(), pred.ravel()))


def mae(y_true, y_pred, *, per_step: bool = False):
    """Mean absolute error over all forecasts; with ``per_step`` one value per horizon column."""
    truth, pred = _pair(y_true, y_pred)
    if per_step:
        return mean_absolute_error(truth, pred, multioutput="raw_values")
    return float(mean_absolute_error(truth.ravel(), pred.ravel()))
