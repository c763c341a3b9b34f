"""Rolling-origin backtests and split-conformal intervals, against plain loops and simulation."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from helpers.backtest import backtest, expanding_blocks
from helpers.intervals import conformal_interval, coverage, min_residuals


def test_blocks_are_contiguous_and_cover_the_test_part():
    blocks = expanding_blocks(100, first_origin=40, n_blocks=3, horizon=2, min_train=12)
    assert blocks[0][0] == 40 and blocks[-1][1] == 100
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    assert all(end - origin >= 2 for origin, end in blocks)


@pytest.mark.parametrize("kwargs, word", [
    ({"first_origin": 10, "min_train": 12}, "first_origin"),
    ({"horizon": 0}, "horizon"),
    ({"horizon": 61}, "horizon"),
    ({"n_blocks": 40, "horizon": 2}, "n_blocks"),
    ({"n_blocks": 0}, "n_blocks"),
])
def test_bad_blocks_are_refused(kwargs, word):
    settings = {"first_origin": 40, "n_blocks": 3, "horizon": 1, "min_train": 12, **kwargs}
    with pytest.raises(ValueError, match=word):
        expanding_blocks(100, **settings)


def naive(series, n_train, horizon):
    """A forecaster in helpers.classical's convention: rows at origins n_train .. n - horizon."""
    origins = np.arange(n_train, series.size - horizon + 1)
    forecast = np.repeat(series[origins - 1][:, None], horizon, axis=1)
    truth = series[origins[:, None] + np.arange(horizon)]
    return SimpleNamespace(forecast=forecast, truth=truth, target_index=origins)


def test_backtest_stacks_each_blocks_forecasts():
    series = np.arange(50, dtype=float) ** 1.5
    blocks = expanding_blocks(series.size, first_origin=20, n_blocks=3, horizon=3, min_train=5)
    seen = []

    def spy(history, origin, horizon):
        seen.append((history.size, origin))
        return naive(history, origin, horizon)

    result = backtest(series, spy, blocks, horizon=3, name="naive")
    assert seen == [(end, origin) for origin, end in blocks]  # refit on exactly the past of each block
    for row, origin in enumerate(result.origins):  # a plain loop as the oracle
        np.testing.assert_array_equal(result.forecast[row], np.full(3, series[origin - 1]))
        np.testing.assert_array_equal(result.truth[row], series[origin:origin + 3])
    assert sorted(set(result.block)) == [0, 1, 2]
    assert result.origins.max() + 3 <= series.size


def test_a_forecaster_that_looks_outside_its_block_is_caught():
    series = np.arange(30, dtype=float)

    def leaky(history, origin, horizon):
        out = naive(history, origin, horizon)
        out.target_index = out.target_index - 1
        return out

    with pytest.raises(ValueError, match="outside block"):
        backtest(series, leaky, [(10, 20)], horizon=1, name="leaky")


def test_the_conformal_width_is_the_corrected_quantile():
    residuals = np.array([3.0, -1.0, 2.0, -5.0, 4.0, 0.5, -0.2, 1.5, -2.5])
    low, high = conformal_interval(np.array([10.0, 20.0]), residuals, 0.8)
    rank = int(np.ceil((residuals.size + 1) * 0.8))  # 8th smallest of the nine |residuals|
    width = np.sort(np.abs(residuals))[rank - 1]
    np.testing.assert_allclose(high - low, [2 * width, 2 * width])
    np.testing.assert_allclose((low + high) / 2, [10.0, 20.0])


def test_each_horizon_gets_its_own_width():
    residuals = np.column_stack([np.linspace(-1, 1, 40), np.linspace(-5, 5, 40)])
    low, high = conformal_interval(np.zeros((3, 2)), residuals, 0.9)
    widths = (high - low)[0]
    assert widths[1] == pytest.approx(5 * widths[0])


def test_exchangeable_errors_are_covered_at_the_level():
    rng = np.random.default_rng(1)
    hits = []
    for _ in range(400):
        errors = rng.standard_t(4, size=60)
        low, high = conformal_interval(np.zeros(1), errors[:59], 0.9)
        hits.append(coverage(errors[59:], low, high)[0])
    assert np.mean(hits) >= 0.87  # the guarantee is at least 0.9, up to simulation noise


@pytest.mark.parametrize("level, residuals, word", [
    (0.0, np.ones(50), "level"),
    (1.0, np.ones(50), "level"),
    (0.95, np.ones(10), "too few validation residuals"),
    (0.8, np.ones((10, 3)), "one column per forecast step"),
])
def test_bad_interval_input_is_refused(level, residuals, word):
    with pytest.raises(ValueError, match=word):
        conformal_interval(np.zeros(4), residuals, level)


def test_min_residuals_is_the_smallest_finite_sample():
    assert min_residuals(0.8) == 4 and min_residuals(0.95) == 19
    for level in (0.8, 0.9, 0.95):
        n = min_residuals(level)
        assert np.ceil((n + 1) * level) <= n < np.ceil((n + 1) * level) + 1


def test_coverage_counts_the_points_inside():
    assert coverage([1.0, 2.0, 3.0, 4.0], [0.0] * 4, [2.5] * 4) == (0.5, 2.5)
    with pytest.raises(ValueError, match="not an interval"):
        coverage([1.0], [2.0], [1.0])
