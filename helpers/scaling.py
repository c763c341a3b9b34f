"""Min-max scaling fitted on the training part only.

Taught in chapter 3 (its code is on that page); chapter 7 shows what a scaler
fitted on the test months too leaks.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import MinMaxScaler

from .windows import as_series

__all__ = ["SeriesScaler"]


class SeriesScaler(BaseEstimator):
    """A univariate ``MinMaxScaler`` that works on arrays of any shape.

    Fit it on the training series only; then ``transform`` and
    ``inverse_transform`` apply the same affine map elementwise to windows,
    targets or predictions of any shape. It follows scikit-learn's
    conventions (it is a ``BaseEstimator``): the constructor only stores
    ``feature_range``, ``fit`` checks its input and returns the scaler, and
    what fitting learned ends in an underscore (``data_min_``, ``data_max_``,
    ``data_range_``, ``scaler_``).

    Taught in chapter 3; used in chapters 3, 5, 6 and 7.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)):
        self.feature_range = feature_range

    def fit(self, train) -> SeriesScaler:
        low, high = self.feature_range
        if not low < high:
            raise ValueError(f"feature_range must be (low, high) with low < high, got {self.feature_range}")
        values = as_series(train, "training series")
        if values.min() == values.max():
            raise ValueError("the training series is constant; min-max scaling is undefined")
        self.scaler_ = MinMaxScaler(feature_range=self.feature_range).fit(values.reshape(-1, 1))
        self.data_min_ = float(self.scaler_.data_min_[0])
        self.data_max_ = float(self.scaler_.data_max_[0])
        self.data_range_ = float(self.scaler_.data_range_[0])
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
