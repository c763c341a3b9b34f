"""Tests for helpers.windows, checked against Keras and plain-Python oracles."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.windows import (  # noqa: E402
    Windows,
    as_series,
    chronological_split,
    make_windows,
    split_windows,
)

RNG = np.random.default_rng(20240607)
SERIES = RNG.normal(size=103).cumsum()  # 103 points: no lookback/stride divides it evenly


def keras_windows(series, lookback, stride):
    """All (inputs, targets) pairs Keras makes for one-step-ahead forecasting."""
    dataset = keras.utils.timeseries_dataset_from_array(
        series[:-1],
        targets=series[lookback:],
        sequence_length=lookback,
        sequence_stride=stride,
        shuffle=False,
        batch_size=16,
    )
    inputs, targets = [], []
    for batch_x, batch_y in dataset:
        inputs.append(np.asarray(batch_x))
        targets.append(np.asarray(batch_y))
    return np.concatenate(inputs), np.concatenate(targets)


@pytest.mark.parametrize(
    ("lookback", "stride"),
    [(1, 1), (3, 1), (12, 1), (5, 2), (12, 5), (4, 10), (7, 7), (50, 3)],
)
def test_make_windows_matches_keras(lookback, stride):
    windows = make_windows(SERIES, lookback, horizon=1, stride=stride)
    expected_x, expected_y = keras_windows(SERIES, lookback, stride)
    assert windows.x.shape == (expected_x.shape[0], lookback, 1)
    assert windows.y.shape == (expected_y.shape[0], 1)
    np.testing.assert_array_equal(windows.x[:, :, 0], expected_x)
    np.testing.assert_array_equal(windows.y[:, 0], expected_y)
    # Run Keras on the positions themselves: its targets are the target indices.
    positions = np.arange(SERIES.size, dtype=float)
    _, expected_index = keras_windows(positions, lookback, stride)
    np.testing.assert_array_equal(windows.target_index, expected_index.astype(int))


def non_overlapping_oracle(series, lookback):
    """Targets at lookback, 2*lookback, ... < len(series), inputs right before each."""
    inputs, targets, positions = [], [], []
    target = lookback
    while target < len(series):
        inputs.append(list(series[target - lookback:target]))
        targets.append(series[target])
        positions.append(target)
        target += lookback
    return np.array(inputs), np.array(targets), np.array(positions)


@pytest.mark.parametrize("length", [10, 11, 12, 13, 103])
@pytest.mark.parametrize("lookback", [1, 2, 3, 5])
def test_non_overlapping_windows_match_plain_python(length, lookback):
    series = SERIES[:length]
    windows = make_windows(series, lookback, stride=lookback)
    inputs, targets, positions = non_overlapping_oracle(series, lookback)
    assert windows.x.shape == (len(targets), lookback, 1)
    assert windows.y.shape == (len(targets), 1)
    np.testing.assert_array_equal(windows.x[:, :, 0], inputs)
    np.testing.assert_array_equal(windows.y[:, 0], targets)
    np.testing.assert_array_equal(windows.target_index, positions)


def test_non_overlapping_windows_small_example():
    windows = make_windows(np.arange(10.0), 3, stride=3)
    np.testing.assert_array_equal(windows.x[:, :, 0], [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    np.testing.assert_array_equal(windows.y, [[3], [6], [9]])
    np.testing.assert_array_equal(windows.target_index, [3, 6, 9])


@pytest.mark.parametrize(
    ("lookback", "horizon", "stride"),
    [(1, 1, 1), (4, 3, 1), (12, 14, 1), (12, 14, 5), (6, 2, 6), (100, 3, 1)],
)
def test_multi_step_windows_match_explicit_loop(lookback, horizon, stride):
    windows = make_windows(SERIES, lookback, horizon=horizon, stride=stride)
    inputs, targets, positions = [], [], []
    for start in range(0, len(SERIES) - lookback - horizon + 1, stride):
        inputs.append(SERIES[start:start + lookback])
        targets.append(SERIES[start + lookback:start + lookback + horizon])
        positions.append(start + lookback)
    assert isinstance(windows, Windows)
    assert windows.x.shape == (len(inputs), lookback, 1)
    assert windows.y.shape == (len(inputs), horizon)
    np.testing.assert_array_equal(windows.x[:, :, 0], np.array(inputs))
    np.testing.assert_array_equal(windows.y, np.array(targets))
    np.testing.assert_array_equal(windows.target_index, positions)
    # target_index points at y[:, 0] in the series.
    np.testing.assert_array_equal(SERIES[windows.target_index], windows.y[:, 0])


def test_window_as_long_as_series_gives_one_window():
    windows = make_windows([1.0, 2.0, 3.0, 4.0], 3)
    np.testing.assert_array_equal(windows.x, [[[1.0], [2.0], [3.0]]])
    np.testing.assert_array_equal(windows.y, [[4.0]])
    np.testing.assert_array_equal(windows.target_index, [3])


def test_make_windows_accepts_column_vector_and_copies():
    series = SERIES[:20].copy()
    from_column = make_windows(series[:, np.newaxis], 4, horizon=2)
    from_flat = make_windows(series, 4, horizon=2)
    np.testing.assert_array_equal(from_column.x, from_flat.x)
    np.testing.assert_array_equal(from_column.y, from_flat.y)
    series[:] = 0.0  # later edits of the series must not leak into the windows
    assert np.any(from_flat.x != 0.0)
    assert np.any(from_flat.y != 0.0)


def test_window_longer_than_series_is_refused():
    message = r"lookback \+ horizon = 4 \+ 2 = 6 .*longer than the series \(5 points\)"
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(5.0), 4, horizon=2)


@pytest.mark.parametrize("label", ["lookback", "horizon", "stride"])
@pytest.mark.parametrize("bad", [0, -1, 2.0, None])
def test_non_positive_or_non_integer_sizes_are_refused(label, bad):
    sizes = {"lookback": 3, "horizon": 1, "stride": 1, label: bad}
    with pytest.raises(ValueError, match=f"{label} must be a positive integer"):
        make_windows(np.arange(20.0), sizes["lookback"], sizes["horizon"], sizes["stride"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(bad):
    series = np.arange(10.0)
    series[6] = bad
    with pytest.raises(ValueError, match=r"NaN or infinite values: 1, the first at position 6"):
        make_windows(series, 3)


def test_wrong_rank_is_refused():
    with pytest.raises(ValueError, match=r"must be one-dimensional .*got shape \(10, 2\)"):
        make_windows(np.zeros((10, 2)), 3)
    with pytest.raises(ValueError, match=r"must be one-dimensional .*got shape \(2, 5, 1\)"):
        make_windows(np.zeros((2, 5, 1)), 3)


def test_empty_series_is_refused():
    with pytest.raises(ValueError, match="series is empty"):
        make_windows([], 1)
    with pytest.raises(ValueError, match="prices is empty"):
        as_series(np.zeros((0, 1)), "prices")


def test_as_series_flattens_column_and_names_the_problem():
    np.testing.assert_array_equal(as_series([[1], [2], [3]]), [1.0, 2.0, 3.0])
    assert as_series([1, 2]).dtype == np.float64
    with pytest.raises(ValueError, match="prices must be one-dimensional"):
        as_series(5.0, "prices")


@pytest.mark.parametrize(
    ("n", "fraction", "n_train"),
    [(100, 0.8, 80), (2820, 0.8, 2256), (7, 0.5, 3), (10, 0.25, 2), (3, 0.5, 1), (10, 0.99, 9)],
)
def test_chronological_split_sizes_and_order(n, fraction, n_train):
    series = np.sqrt(np.arange(n, dtype=float))
    train, test = chronological_split(series, fraction)
    assert train.size == n_train
    assert test.size == n - n_train
    np.testing.assert_array_equal(train, series[:n_train])
    np.testing.assert_array_equal(test, series[n_train:])


def test_chronological_split_default_fraction_is_0_8():
    train, test = chronological_split(np.arange(50.0))
    assert (train.size, test.size) == (40, 10)
    assert train[-1] == 39.0 and test[0] == 40.0


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, float("nan"), True, "0.8", None])
def test_chronological_split_bad_fraction(fraction):
    with pytest.raises(ValueError, match="train_fraction must lie strictly between 0 and 1"):
        chronological_split(np.arange(10.0), fraction)


@pytest.mark.parametrize(("n", "fraction"), [(3, 0.2), (1, 0.5), (4, 0.1)])
def test_chronological_split_empty_part(n, fraction):
    with pytest.raises(ValueError, match=f"leaves an empty part of a {n}-point series"):
        chronological_split(np.arange(float(n)), fraction)


@pytest.mark.parametrize(("lookback", "horizon", "n_train"), [(5, 1, 30), (5, 3, 30), (4, 14, 60)])
def test_split_windows_respects_the_boundary(lookback, horizon, n_train):
    windows = make_windows(SERIES, lookback, horizon=horizon)
    train, test = split_windows(windows, n_train)

    expected_train, expected_test, straddling = [], [], []
    for row, first in enumerate(windows.target_index):
        last = first + horizon - 1
        if last < n_train:
            expected_train.append(row)
        elif first >= n_train:
            expected_test.append(row)
        else:
            straddling.append(row)
    assert len(straddling) == horizon - 1

    for part, rows in ((train, expected_train), (test, expected_test)):
        assert isinstance(part, Windows)
        np.testing.assert_array_equal(part.x, windows.x[rows])
        np.testing.assert_array_equal(part.y, windows.y[rows])
        np.testing.assert_array_equal(part.target_index, windows.target_index[rows])

    # No training target at or after n_train; every test window starts at or after it.
    assert (train.target_index + horizon - 1).max() < n_train
    assert (train.target_index + horizon - 1).max() == n_train - 1
    assert test.target_index.min() == n_train
    # Straddling windows are in neither part.
    kept = set(train.target_index) | set(test.target_index)
    assert kept.isdisjoint(windows.target_index[straddling])
    # Test inputs may reach back into the training period.
    assert test.target_index[0] - lookback < n_train


@pytest.mark.parametrize("n_train", [0, 3, 5, 103, 200])
def test_split_windows_with_an_empty_part_is_refused(n_train):
    windows = make_windows(SERIES, 5)
    message = f"splitting at index {n_train} leaves no training or no test"
    with pytest.raises(ValueError, match=message):
        split_windows(windows, n_train)
