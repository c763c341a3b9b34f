"""Tests for helpers.scaling, checked against scikit-learn's MinMaxScaler."""

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler

from helpers.scaling import SeriesScaler

RNG = np.random.default_rng(7)
TRAIN = RNG.normal(loc=50.0, scale=10.0, size=200)
OTHER = RNG.normal(loc=55.0, scale=15.0, size=240)  # reaches outside the training range


def reference(train, feature_range=(0.0, 1.0)):
    return MinMaxScaler(feature_range=feature_range).fit(np.asarray(train).reshape(-1, 1))


def apply_reference(scaler, values, inverse=False):
    method = scaler.inverse_transform if inverse else scaler.transform
    return method(values.reshape(-1, 1)).reshape(values.shape)


@pytest.mark.parametrize("shape", [(240,), (240, 1), (20, 12), (20, 12, 1)])
@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0)])
def test_transform_matches_sklearn_for_any_shape(shape, feature_range):
    scaler = SeriesScaler(feature_range).fit(TRAIN)
    sklearn_scaler = reference(TRAIN, feature_range)
    values = OTHER.reshape(shape)
    scaled = scaler.transform(values)
    assert scaled.shape == shape
    np.testing.assert_allclose(scaled, apply_reference(sklearn_scaler, values), rtol=1e-12)
    # The same affine map written out by hand.
    low, high = feature_range
    by_hand = low + (values - TRAIN.min()) / (TRAIN.max() - TRAIN.min()) * (high - low)
    np.testing.assert_allclose(scaled, by_hand, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(240,), (240, 1), (20, 12), (20, 12, 1)])
def test_inverse_transform_matches_sklearn_and_round_trips(shape):
    scaler = SeriesScaler().fit(TRAIN)
    values = OTHER.reshape(shape)
    scaled = scaler.transform(values)
    restored = scaler.inverse_transform(scaled)
    assert restored.shape == shape
    np.testing.assert_allclose(restored, values, rtol=1e-12)
    np.testing.assert_allclose(
        scaler.inverse_transform(values),
        apply_reference(reference(TRAIN), values, inverse=True),
        rtol=1e-12,
    )


def test_fit_accepts_column_vector_like_flat_series():
    flat = SeriesScaler().fit(TRAIN)
    column = SeriesScaler().fit(TRAIN[:, np.newaxis])
    np.testing.assert_allclose(flat.transform(OTHER), column.transform(OTHER))


def test_training_range_maps_to_feature_range():
    scaler = SeriesScaler().fit(TRAIN)
    scaled = scaler.transform(TRAIN)
    assert scaled.min() == pytest.approx(0.0, abs=1e-12)
    assert scaled.max() == pytest.approx(1.0, abs=1e-12)
    assert scaler.data_range_ == pytest.approx(TRAIN.max() - TRAIN.min())
    assert (scaler.data_min_, scaler.data_max_) == (TRAIN.min(), TRAIN.max())


def test_values_outside_training_range_are_not_clipped():
    train = np.array([10.0, 20.0, 15.0])
    scaler = SeriesScaler().fit(train)
    np.testing.assert_allclose(scaler.transform([0.0, 10.0, 20.0, 30.0]), [-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(scaler.inverse_transform([-0.5, 1.5]), [5.0, 25.0])
    scaled = scaler.transform(OTHER)
    assert scaled.min() < 0.0 or scaled.max() > 1.0  # fitted on a narrower range


def test_follows_scikit_learns_estimator_conventions():
    """The constructor stores its arguments; fit returns the scaler; fitted attributes end in _."""
    from sklearn.base import clone

    arguments = {"feature_range": (-1.0, 1.0), "method": "minmax"}
    scaler = SeriesScaler(feature_range=(-1.0, 1.0))
    assert vars(scaler) == arguments
    assert scaler.fit(TRAIN) is scaler
    learned = set(vars(scaler)) - set(arguments)
    assert learned == {"scaler_", "data_min_", "data_max_", "data_range_", "mean_", "scale_"}
    assert all(name.endswith("_") for name in learned)
    assert vars(clone(scaler)) == arguments  # sklearn can clone it


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_unfitted_scaler_is_refused(method):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(SeriesScaler(), method)([1.0, 2.0])
    with pytest.raises(AttributeError):
        _ = SeriesScaler().data_range_


def test_constant_training_series_is_refused():
    with pytest.raises(ValueError, match="training series is constant"):
        SeriesScaler().fit(np.full(10, 3.5))


@pytest.mark.parametrize("feature_range", [(1.0, 0.0), (0.5, 0.5), (0.0, float("nan"))])
def test_bad_feature_range_is_refused(feature_range):
    with pytest.raises(ValueError, match=r"feature_range must be \(low, high\) with low < high"):
        SeriesScaler(feature_range).fit(TRAIN)


def test_fit_refuses_bad_training_series():
    with pytest.raises(ValueError, match="training series must be one-dimensional"):
        SeriesScaler().fit(np.zeros((10, 12)))
    with pytest.raises(ValueError, match="training series contains NaN"):
        SeriesScaler().fit([1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="training series is empty"):
        SeriesScaler().fit([])


@pytest.mark.parametrize("shape", [(240,), (20, 12, 1)])
def test_standard_method_uses_the_training_mean_and_sd(shape):
    scaler = SeriesScaler(method="standard").fit(TRAIN)
    values = OTHER.reshape(shape)
    # Written out by hand: population standard deviation, as StandardScaler uses.
    by_hand = (values - TRAIN.mean()) / TRAIN.std()
    np.testing.assert_allclose(scaler.transform(values), by_hand, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(by_hand), values, rtol=1e-12)
    assert np.isclose(scaler.mean_, TRAIN.mean()) and np.isclose(scaler.scale_, TRAIN.std())
    # the training part lands at mean 0 and sd 1, whatever lies outside it
    assert np.isclose(scaler.transform(TRAIN).mean(), 0.0, atol=1e-12)
    assert np.isclose(scaler.transform(TRAIN).std(), 1.0)


def test_unknown_method_is_refused_at_fit():
    scaler = SeriesScaler(method="robust")  # stored, not checked, as scikit-learn does
    with pytest.raises(ValueError, match="method must be 'minmax' or 'standard'") as error:
        scaler.fit(TRAIN)
    assert "'robust'" in str(error.value)
