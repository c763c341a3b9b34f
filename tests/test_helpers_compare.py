"""Tests for helpers.compare, on synthetic errors whose right verdict is known by construction."""

import dataclasses
import time

import numpy as np
import pytest
from scipy.signal import lfilter

from helpers.compare import MIN_RESAMPLES, Comparison, _block_means, _block_starts, compare, seed_spread

N = 600


def ar1(rng, phi, size):
    """Stationary AR(1) noise with unit innovations along the last axis."""
    shocks = rng.normal(size=size)
    shocks[..., 0] /= np.sqrt(1 - phi**2)  # start in the stationary distribution
    return lfilter([1.0], [1.0, -phi], shocks, axis=-1)


def separated(rng, n=N):
    """Truth, a forecast with errors of sd 0.8, and one with errors of sd 1 (independent)."""
    truth = 10 + rng.normal(size=n).cumsum()
    return truth, truth + rng.normal(scale=0.8, size=n), truth + rng.normal(scale=1.0, size=n)


def test_clearly_better_is_lower_and_swapped_is_higher():
    truth, good, bad = separated(np.random.default_rng(0))
    result = compare(truth, good, bad)
    assert isinstance(result, Comparison)
    assert result.verdict == "lower"
    assert result.interval[1] < 0 and result.interval[0] < result.mean_difference < result.interval[1]
    swapped = compare(truth, bad, good)
    assert swapped.verdict == "higher"
    assert swapped.mean_difference == pytest.approx(-result.mean_difference)
    assert swapped.ratio == pytest.approx(1 / result.ratio)


def test_reported_numbers_match_numpy():
    truth, good, bad = separated(np.random.default_rng(1))
    result = compare(truth, good, bad, block=24, resamples=3000, level=0.9)
    squared_a, squared_b = (truth - good) ** 2, (truth - bad) ** 2
    assert result.mean_difference == pytest.approx(np.mean(squared_a - squared_b), rel=1e-12)
    assert result.rmse_a == pytest.approx(np.sqrt(squared_a.mean()), rel=1e-12)
    assert result.rmse_b == pytest.approx(np.sqrt(squared_b.mean()), rel=1e-12)
    assert result.ratio == pytest.approx(result.rmse_a / result.rmse_b, rel=1e-12)
    assert (result.block, result.resamples, result.level, result.n_points) == (24, 3000, 0.9, N)
    assert result.seed_agreement is None and result.n_seeds == 0


def test_block_means_match_explicit_circular_resamples():
    differences = np.random.default_rng(2).normal(size=37)
    for block in (1, 5, 12, 37):
        starts = _block_starts(np.random.default_rng(3), 37, block, 50)
        assert starts.shape == (50, -(-37 // block))
        index = ((starts[:, :, None] + np.arange(block)) % 37).reshape(50, -1)[:, :37]
        np.testing.assert_allclose(_block_means(differences, block, starts),
                                   differences[index].mean(axis=1), rtol=0, atol=1e-12)


def test_circular_blocks_weight_every_point_equally():
    # A spike at the last point: standard moving blocks (no wrapping) would rarely reach
    # it; circular blocks start anywhere, so on average a resample has the sample's mean.
    differences = np.zeros(36)
    differences[-1] = 36.0
    starts = _block_starts(np.random.default_rng(20), 36, 12, 20_000)
    assert set(np.unique(starts)) == set(range(36))
    assert _block_means(differences, 12, starts).mean() == pytest.approx(1.0, rel=0.03)


def test_one_block_as_long_as_the_series_only_rotates_it():
    # A circular block of all n points is a rotation, whose mean is the sample mean exactly.
    truth, good, bad = separated(np.random.default_rng(4), n=120)
    result = compare(truth, good, bad, block=120)
    assert result.interval == pytest.approx((result.mean_difference,) * 2, abs=1e-9)


def test_same_error_distribution_is_within_noise():
    rng = np.random.default_rng(5)
    truth = rng.normal(size=N)
    result = compare(truth, truth + rng.normal(size=N), truth + rng.normal(size=N))
    assert result.verdict == "within noise"
    assert result.interval[0] < 0 < result.interval[1]


def test_false_difference_rate_on_ties_is_near_the_level():
    rng = np.random.default_rng(6)
    draws = 50
    truth = rng.normal(size=(draws, N))
    a = truth + rng.normal(size=(draws, N))
    b = truth + rng.normal(size=(draws, N))
    false_calls = sum(compare(truth[i], a[i], b[i], seed=i).verdict != "within noise" for i in range(draws))
    assert false_calls / draws <= 0.12  # a 95 % interval: about 5 % expected


def test_paired_difference_sees_a_small_consistent_advantage():
    # A's errors are B's shrunk by 3 %: A is better at every point, but both errors vary a
    # lot from point to point. Only resampling the per-point differences (pairing) sees it.
    rng = np.random.default_rng(7)
    truth = rng.normal(size=300)
    shared = rng.normal(size=300)
    result = compare(truth, truth + 0.97 * shared, truth + shared, block=1)
    assert result.verdict == "lower"
    assert result.interval[1] < 0
    # The gap is small against either model's own error spread, which an unpaired
    # bootstrap would have to beat: its interval would straddle zero.
    separate_se = np.hypot(np.std(0.97**2 * shared**2), np.std(shared**2)) / np.sqrt(300)
    assert abs(result.mean_difference) < 1.0 * separate_se


def test_autocorrelated_ties_need_blocks():
    # Tied models whose errors are AR(1) with phi = 0.9: consecutive errors are alike, so
    # the test set holds far fewer independent points than its 600.
    rng = np.random.default_rng(8)
    draws = 50
    truth = rng.normal(size=(draws, N))
    a = truth + ar1(rng, 0.9, (draws, N))
    b = truth + ar1(rng, 0.9, (draws, N))
    blocked = [compare(truth[i], a[i], b[i], block=12, seed=i) for i in range(draws)]
    single = [compare(truth[i], a[i], b[i], block=1, seed=i) for i in range(draws)]
    width = lambda r: r.interval[1] - r.interval[0]  # noqa: E731
    assert np.mean([width(r) for r in blocked]) > 2 * np.mean([width(r) for r in single])
    false_blocked = np.mean([r.verdict != "within noise" for r in blocked])
    false_single = np.mean([r.verdict != "within noise" for r in single])
    # Single points (an iid bootstrap) call about half of these ties a difference. Blocks of
    # 12 bring that down to about 15 % (200 draws); not 5 %, since errors this persistent
    # outlast a 12-point block, but most ties are now "within noise".
    assert false_single >= 0.4
    assert false_blocked <= 0.3 and false_blocked <= false_single / 2


def seed_stack(rng, scales, n=N):
    """Truth and one forecast per seed, seed k with independent errors of sd scales[k]."""
    truth = rng.normal(size=n)
    return truth, truth + np.asarray(scales)[:, None] * rng.normal(size=(len(scales), n))


def test_ensemble_better_but_half_the_seeds_worse_is_within_noise():
    rng = np.random.default_rng(9)
    truth, stack = seed_stack(rng, [0.8] * 5 + [1.2] * 5)
    deterministic = truth + rng.normal(size=N)
    result = compare(truth, stack, deterministic)
    # Averaging ten seeds' independent errors makes the ensemble far better than B ...
    assert result.rmse_a < 0.5 * result.rmse_b and result.interval[1] < 0
    # ... but only the five seeds of sd 0.8 beat B on their own.
    assert result.seed_agreement == pytest.approx(0.5)
    assert result.verdict == "within noise"
    assert "5/10 seeds agree" in str(result)
    # With every seed better, the same ensemble advantage is a verdict.
    truth, stack = seed_stack(rng, [0.8] * 10)
    assert compare(truth, stack, truth + rng.normal(size=N)).verdict == "lower"


def test_agreement_threshold_is_inclusive_and_adjustable():
    rng = np.random.default_rng(10)
    truth, stack = seed_stack(rng, [0.8] * 8 + [1.2] * 2)
    deterministic = truth + rng.normal(size=N)
    result = compare(truth, stack, deterministic)
    assert result.seed_agreement == pytest.approx(0.8) and result.verdict == "lower"
    assert compare(truth, stack, deterministic, min_agreement=0.9).verdict == "within noise"


def test_seed_k_is_paired_with_seed_k():
    # Seed k of B makes seed k of A's errors 5 % larger; the seeds' own errors differ a lot.
    rng = np.random.default_rng(11)
    truth, stack_a = seed_stack(rng, np.linspace(0.5, 2.0, 10))
    stack_b = truth + 1.05 * (stack_a - truth)
    result = compare(truth, stack_a, stack_b)
    assert result.seed_agreement == 1.0 and result.n_seeds == 10
    assert result.verdict == "lower"
    # Shuffling B's seeds breaks the pairs: about half of A's seeds lose their match.
    shuffled = compare(truth, stack_a, stack_b[::-1])
    assert shuffled.seed_agreement <= 0.6 and shuffled.verdict == "within noise"


def test_stacks_must_have_the_same_number_of_seeds():
    rng = np.random.default_rng(12)
    truth, stack = seed_stack(rng, [1.0] * 4)
    with pytest.raises(ValueError, match="seeds"):
        compare(truth, stack, stack[:3])


def test_a_fixed_seed_gives_identical_results():
    truth, good, bad = separated(np.random.default_rng(13))
    first, second = compare(truth, good, bad, seed=42), compare(truth, good, bad, seed=42)
    assert first == second and str(first) == str(second)
    other = compare(truth, good, bad, seed=43)
    assert other.interval != first.interval and other.mean_difference == first.mean_difference


def test_horizon_rows_are_bootstrap_points():
    rng = np.random.default_rng(14)
    truth = rng.normal(size=(200, 3))
    stack = truth + rng.normal(scale=0.7, size=(5, 200, 3))
    single = truth + rng.normal(size=(200, 3))
    result = compare(truth, stack, single, block=12)
    ensemble = stack.mean(axis=0)
    assert result.n_points == 200 and result.n_seeds == 5
    assert result.rmse_a == pytest.approx(np.sqrt(np.mean((truth - ensemble) ** 2)))
    assert result.mean_difference == pytest.approx(np.mean((truth - ensemble) ** 2 - (truth - single) ** 2))
    assert result.verdict == "lower"
    # A one-step forecast may come as (n,), (n, 1) or a stack (n_seeds, n) / (n_seeds, n, 1).
    flat = compare(truth[:, 0], stack[:, :, 0], single[:, 0])
    column = compare(truth[:, :1], stack[:, :, :1], single[:, :1])
    assert flat == column


def test_summary_line_names_the_models_and_the_evidence():
    truth, good, bad = separated(np.random.default_rng(15))
    line = str(compare(truth, good, bad, labels=("LSTM", "naive")))
    assert "\n" not in line
    for word in ("LSTM vs naive", "error lower", "RMSE", "95% interval", "blocks of 12", "2000 resamples"):
        assert word in line


def test_two_thousand_resamples_of_600_points_are_fast():
    truth, good, bad = separated(np.random.default_rng(16))
    stack = good + np.random.default_rng(17).normal(scale=0.1, size=(10, N))
    best = min(_timed(lambda: compare(truth, stack, bad)) for _ in range(3))
    assert best < 0.5


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"block": 0}, "block"),
        ({"block": N + 1}, "block"),
        ({"block": 2.5}, "block"),
        ({"resamples": MIN_RESAMPLES - 1}, "resamples"),
        ({"level": 0.0}, "level"),
        ({"level": 1.0}, "level"),
        ({"level": 95}, "level"),
        ({"min_agreement": 0.0}, "min_agreement"),
        ({"min_agreement": 1.5}, "min_agreement"),
        ({"labels": ("only one",)}, "labels"),
    ],
)
def test_bad_settings_are_refused(arguments, word):
    truth, good, bad = separated(np.random.default_rng(18))
    with pytest.raises(ValueError, match=word):
        compare(truth, good, bad, **arguments)


@pytest.mark.parametrize("culprit", ["truth", "forecast_a", "forecast_b"])
def test_nans_are_refused(culprit):
    truth, good, bad = separated(np.random.default_rng(19))
    arrays = {"truth": truth, "forecast_a": good, "forecast_b": bad}
    arrays[culprit] = arrays[culprit].copy()
    arrays[culprit][7] = np.nan
    with pytest.raises(ValueError, match=culprit):
        compare(arrays["truth"], arrays["forecast_a"], arrays["forecast_b"])


@pytest.mark.parametrize(
    ("shape_a", "culprit"),
    [((N - 1,), "forecast_a"), ((N, 2), "forecast_a"), ((3, N - 1), "forecast_a"), ((2, 3, N), "forecast_a")],
)
def test_mismatched_shapes_are_refused(shape_a, culprit):
    truth = np.zeros(N)
    with pytest.raises(ValueError, match=culprit):
        compare(truth, np.zeros(shape_a), np.ones(N))
    with pytest.raises(ValueError, match="forecast_b"):
        compare(truth, np.ones(N), np.zeros(shape_a))


def test_truth_of_the_wrong_rank_is_refused():
    with pytest.raises(ValueError, match="truth"):
        compare(np.zeros((4, 3, 2)), np.zeros((4, 3, 2)), np.zeros((4, 3, 2)))


def test_seed_spread_matches_numpy():
    values = [1.0, 3.0, 2.5, 7.0]
    spread = seed_spread(values)
    assert spread == pytest.approx(
        {"mean": np.mean(values), "sd": np.std(values, ddof=1), "min": 1.0, "max": 7.0, "n": 4}
    )
    assert isinstance(spread["n"], int)
    assert seed_spread([2.0, 4.0])["sd"] == pytest.approx(np.sqrt(2.0))


@pytest.mark.parametrize("values", [[], [1.0]])
def test_seed_spread_needs_two_seeds(values):
    with pytest.raises(ValueError, match="fewer than two seeds for a spread"):
        seed_spread(values)


@pytest.mark.parametrize("values", [[1.0, np.nan], [[1.0, 2.0], [3.0, 4.0]]])
def test_seed_spread_refuses_nans_and_tables(values):
    with pytest.raises(ValueError, match="values"):
        seed_spread(values)


def _broken(kind):
    """compare with one part of its method taken out."""
    import importlib

    original = importlib.import_module("helpers.compare").compare

    def broken(*args, **kwargs):
        if kind == "no seed check":
            kwargs["min_agreement"] = 1e-9
        elif kind == "no blocks":
            kwargs["block"] = 1
        result = original(*args, **kwargs)
        if kind == "sign flipped":
            flipped = {"lower": "higher", "higher": "lower"}.get(result.verdict, result.verdict)
            result = dataclasses.replace(result, verdict=flipped)
        return result

    return broken


@pytest.mark.parametrize(("kind", "test"), [
    ("no seed check", test_ensemble_better_but_half_the_seeds_worse_is_within_noise),
    ("no blocks", test_autocorrelated_ties_need_blocks),
    ("sign flipped", test_clearly_better_is_lower_and_swapped_is_higher),
])
def test_these_tests_fail_on_a_deliberately_broken_compare(monkeypatch, kind, test):
    import sys

    monkeypatch.setattr(sys.modules[__name__], "compare", _broken(kind))
    with pytest.raises(AssertionError):
        test()
