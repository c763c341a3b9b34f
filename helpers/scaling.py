"""Scaling fitted on the training part only: min-max, or standardising.

Taught in chapter 3 (its code is on that page); chapter 7 shows what a scaler
fitted on the test months too leaks.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from .windows import as_series

__all__ = ["SeriesScaler"]


class SeriesScaler(BaseEstimator):
    """A univariate ``MinMaxScaler`` (or ``StandardScaler``) for arrays of any shape.

    Fit it on the training series only; then ``transform`` and
    ``inverse_transform`` apply the same affine map elementwise to windows,
    targets or predictions of any shape. ``method="minmax"`` maps the
    training range onto ``feature_range``; ``method="standard"`` subtracts the
    training mean and divides by the training standard deviation
    (``feature_range`` is then unused). It follows scikit-learn's
    conventions (it is a ``BaseEstimator``): the constructor only stores its
    arguments, ``fit`` checks them and its input and returns the scaler, and
    what fitting learned ends in an underscore (``data_min_``, ``data_max_``,
    ``data_range_``, ``mean_``, ``scale_``, ``scaler_``).

    Taught in chapter 3; used in chapters 3, 5, 6 and 7.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0), method: str = "minmax"):
        self.feature_range = feature_range
        self.method = method

    def fit(self, train) -> SeriesScaler:
        if self.method not in ("minmax", "standard"):
            raise ValueError(f"method must be 'minmax' or 'standard', got {self.method!r}")
        low, high = self.feature_range
        if not low < high:
            raise ValueError(f"feature_range must be (low, high) with low < high, got {self.feature_range}")
        values = as_series(train, "training series")
        if values.min() == values.max():
            raise ValueError(f"the training series is constant; {self.method} scaling is undefined")
        column = values.reshape(-1, 1)
        if self.method == "minmax":
            self.scaler_ = MinMaxScaler(feature_range=self.feature_range).fit(column)
        else:
            self.scaler_ = StandardScaler().fit(column)
        self.data_min_ = float(values.min())
        self.data_max_ = float(values.max())
        self.data_range_ = self.data_max_ - self.data_min_
        self.mean_ = float(values.mean())
        self.scale_ = float(values.std())
        return self

    def _check(self, values) -> np.ndarray:
        if not hasattr(self, "scaler_"):
            raise NotFittedError("the scaler is not fitted yet; call fit(train) first")
        return np.asarray(values, dtype=float)

    def transform(self, values) -> np.ndarray:
        array = self._check(values)
        return self.scaler_.transform(array.reshape(-1, 1)).reshape(array.shape)

    def inverse_transform(self, values) -> np.ndarray:
        array = self._check(values)
        return self.scaler_.inverse_transform(array.reshape(-1, 1)).reshape(array.shape)
