"""Min-max scaling fitted on the training part only.

Taught in chapter 3 (its code is on that page); chapter 7 shows what a scaler
fitted on the test months too leaks.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import MinMaxScaler

from .windows import as_series

__all__ = ["SeriesScaler"]


class SeriesScaler:
    """A univariate ``MinMaxScaler`` that works on arrays of any shape.

    Fit it on the training series only; then ``transform`` and
    ``inverse_transform`` apply the same affine map elementwise to windows,
    targets or predictions of any shape.

    Taught in chapter 3; used in chapters 3, 5, 6 and 7.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)):
        low, high = feature_range
        if not low < high:
            raise ValueError(f"feature_range must be (low, high) with low < high, got {feature_range}")
        self._scaler = MinMaxScaler(feature_range=feature_range)
        self.fitted = False

    def fit(self, train) -> SeriesScaler:
        values = as_series(train, "training series")
        if values.min() == values.max():
            raise ValueError("the training series is constant; min-max scaling is undefined")
        self._scaler.fit(values.reshape(-1, 1))
        self.fitted = True
        return self

    def _check(self, values) -> np.ndarray:
        if not self.fitted:
            raise ValueError("the scaler is not fitted yet; call fit(train) first")
        return np.asarray(values, dtype=float)

    def transform(self, values) -> np.ndarray:
        array = self._check(values)
        return self._scaler.transform(array.reshape(-1, 1)).reshape(array.shape)

    def inverse_transform(self, values) -> np.ndarray:
        array = self._check(values)
        return self._scaler.inverse_transform(array.reshape(-1, 1)).reshape(array.shape)

    @property
    def data_range(self) -> float:
        """Width of the training data's range, in original units."""
        self._check(0.0)
        return float(self._scaler.data_range_[0])
