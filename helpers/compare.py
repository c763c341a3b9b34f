"""One comparison behind every verdict in the book: is A's error lower than B's, higher, or within noise?

How :func:`compare` decides, in plain words:

1. **One forecast per model.** A network trained with several seeds is
   represented by the average of its seeds' forecasts (its ensemble); a
   classical model or a baseline has one forecast anyway. For each test
   point we take the squared error of A and of B, and their difference.
2. **Paired.** Both models forecast the same test points, and a point that
   is hard for one (a price jump, an unusual month) is usually hard for the
   other. Looking at the per-point *difference* of errors cancels that
   shared difficulty, so a small but consistent advantage is visible; two
   separate error averages, each with its own wide uncertainty, would hide
   it.
3. **Blocks.** Forecast errors are autocorrelated: a model that is off this
   month tends to be off next month too, so 600 test points carry less
   information than 600 independent ones. The uncertainty of the mean
   difference is estimated with a moving-block bootstrap: the differences
   are resampled in runs of ``block`` consecutive points (at least a season,
   12 by default), which keeps that dependence inside each run. The blocks
   are circular (a block starting near the end wraps around to the start),
   so every point is equally likely to be drawn. From at least 2,000
   resamples we take the central ``level`` (95 %) interval of the mean
   difference. Resampling single points instead (``block=1``) pretends the
   errors are independent and gives an interval that is too narrow.
4. **Seeds must agree.** A network's training result depends on its random
   seed, and its ranking must not hinge on one lucky seed. So besides the
   interval, the seeds are compared one by one (seed k of A against seed k
   of B, or against the single forecast of a deterministic model), and the
   sign of each seed's mean-squared-error difference must agree with the
   verdict for at least ``min_agreement`` (80 %) of them.

The verdict is ``"lower"`` (A's error is lower than B's) when the whole
interval lies below zero and the seeds agree, ``"higher"`` when it lies above
zero and the seeds agree, and ``"within noise"`` otherwise. With the same
``seed`` the bootstrap draws the same resamples, so a chapter's verdicts are
reproducible.

Wherever a chapter says one model beats another, the word comes from here
(:meth:`Comparison.word`), never from the prose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import finite, integer, proportion

__all__ = ["MIN_RESAMPLES", "VERDICTS", "Comparison", "compare", "seed_spread"]

VERDICTS = ("lower", "higher", "within noise")
MIN_RESAMPLES = 2000


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: A's error relative to B's, and the evidence for it.

    ``mean_difference`` is the mean over test points of A's squared error
    minus B's (of the seed-mean forecasts), in squared units of the series,
    and ``interval`` its bootstrap interval at ``level``. ``rmse_a`` and
    ``rmse_b`` are the RMSEs of the two ensembles and ``ratio`` is
    ``rmse_a / rmse_b``. ``seed_agreement`` is the share of the ``n_seeds``
    seed comparisons whose MSE difference has the sign of
    ``mean_difference`` (``None`` when both forecasts are deterministic).
    """

    verdict: str
    mean_difference: float
    interval: tuple[float, float]
    rmse_a: float
    rmse_b: float
    ratio: float
    seed_agreement: float | None
    n_seeds: int
    block: int
    resamples: int
    level: float
    n_points: int
    labels: tuple[str, str] = ("A", "B")

    def word(self, *, lower: str, higher: str, within: str) -> str:
        """The phrase for this verdict, e.g. ``word(lower="beats", higher="loses to",
        within="cannot be told apart from")``, for a sentence the verdict completes."""
        for label, text in (("lower", lower), ("higher", higher), ("within", within)):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{label} must be a non-empty phrase, got {text!r}")
        return {"lower": lower, "higher": higher}.get(self.verdict, within)

    def __str__(self) -> str:
        a, b = self.labels
        verdict = {"lower": "error lower", "higher": "error higher"}.get(self.verdict, self.verdict)
        if self.seed_agreement is None:
            seeds = "no seeds (both deterministic)"
        else:
            seeds = f"{round(self.seed_agreement * self.n_seeds)}/{self.n_seeds} seeds agree"
        low, high = self.interval
        return (
            f"{a} vs {b}: {verdict} (RMSE {self.rmse_a:.4g} vs {self.rmse_b:.4g}, ratio {self.ratio:.3f}; "
            f"mean squared-error difference {self.mean_difference:.4g}, {self.level:.0%} interval "
            f"[{low:.4g}, {high:.4g}]; {seeds}; {self.n_points} points, circular blocks of {self.block}, "
            f"{self.resamples} resamples)"
        )


def _truth(values) -> np.ndarray:
    """Truth as shape (n, horizon)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"truth must have shape (n,) or (n, horizon) with n >= 1, got {np.shape(values)}")
    finite(array, "truth")
    return array


def _forecast_stack(values, truth: np.ndarray, name: str) -> tuple[np.ndarray, bool]:
    """A forecast as a stack of shape (n_seeds, n, horizon), and whether it was deterministic."""
    array = np.asarray(values, dtype=float)
    n, horizon = truth.shape
    if array.shape == (n, horizon) or (horizon == 1 and array.shape == (n,)):
        stack, deterministic = array.reshape(1, n, horizon), True
    elif (array.ndim == 3 and array.shape[1:] == (n, horizon)) or (
        horizon == 1 and array.ndim == 2 and array.shape[1] == n
    ):
        stack, deterministic = array.reshape(array.shape[0], n, horizon), False
    else:
        one = f"({n},)" if horizon == 1 else f"({n}, {horizon})"
        stacked = f"(n_seeds, {n})" if horizon == 1 else f"(n_seeds, {n}, {horizon})"
        raise ValueError(
            f"{name} has shape {array.shape}, but with truth of shape {truth.shape} it must be one "
            f"forecast of shape {one} or a stack over seeds of shape {stacked}"
        )
    if stack.shape[0] == 0:
        raise ValueError(f"{name} is a stack of zero seeds")
    finite(stack, name)
    return stack, deterministic


def _block_starts(rng: np.random.Generator, n: int, block: int, resamples: int) -> np.ndarray:
    """Uniform start points of the ceil(n / block) circular blocks of each resample."""
    return rng.integers(0, n, size=(resamples, -(-n // block)))


def _block_means(differences: np.ndarray, block: int, starts: np.ndarray) -> np.ndarray:
    """Mean of each circular block-bootstrap resample, given its blocks' start points.

    Resample r is ``differences`` at the positions ``starts[r, k] + 0 ..
    block - 1`` (modulo n) for each block k, concatenated and cut to n points.
    Prefix sums over the series wrapped once give every block's sum without
    building the resamples.
    """
    n = differences.size
    wrapped = np.concatenate([differences, differences[:block]])
    prefix = np.concatenate([[0.0], np.cumsum(wrapped)])
    last = n - (starts.shape[1] - 1) * block  # points used from the final block
    full = (prefix[starts[:, :-1] + block] - prefix[starts[:, :-1]]).sum(axis=1)
    partial = prefix[starts[:, -1] + last] - prefix[starts[:, -1]]
    return (full + partial) / n


def _check_settings(block, resamples, level, min_agreement, n: int) -> None:
    integer(block, "block", 1, n, maximum_is="the number of test points")
    integer(resamples, "resamples", MIN_RESAMPLES)
    proportion(level, "level")
    proportion(min_agreement, "min_agreement", closed_right=True)


def compare(
    truth,
    forecast_a,
    forecast_b,
    *,
    block: int = 12,
    resamples: int = MIN_RESAMPLES,
    level: float = 0.95,
    min_agreement: float = 0.8,
    seed: int = 0,
    labels: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Is A's forecast error lower than B's, higher, or within noise? (Method: see the module docstring.)

    ``truth`` has shape ``(n,)`` or ``(n, horizon)``, in original units. Each
    forecast is one deterministic forecast of the same shape, or a stack over
    training seeds of shape ``(n_seeds, n)`` or ``(n_seeds, n, horizon)``.
    Two stacks must have the same number of seeds, since seed k of A is
    compared with seed k of B; against a deterministic forecast every seed is
    compared with it; two deterministic forecasts are judged by the bootstrap
    alone.

    With a horizon, each row (one forecast origin) is one point of the
    bootstrap, its error the mean squared error over its ``horizon`` steps.
    ``block`` is the length of the circular bootstrap blocks, in rows: use at
    least the season (12 for monthly data) and, for overlapping multi-step
    rows, at least the horizon. ``resamples`` (at least 2,000) bootstrap
    resamples give the central ``level`` interval of the mean difference;
    ``seed`` fixes them. ``labels`` name A and B in the printed summary.

    Raises ``ValueError`` for NaNs, shapes that do not match ``truth``,
    different seed counts, a ``block`` below 1 or longer than the test
    points, too few ``resamples``, or ``level`` or ``min_agreement`` outside
    their ranges.

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    actual = _truth(truth)
    stack_a, deterministic_a = _forecast_stack(forecast_a, actual, "forecast_a")
    stack_b, deterministic_b = _forecast_stack(forecast_b, actual, "forecast_b")
    if not (deterministic_a or deterministic_b) and stack_a.shape[0] != stack_b.shape[0]:
        raise ValueError(
            f"forecast_a has {stack_a.shape[0]} seeds and forecast_b {stack_b.shape[0]}; seed k of one "
            "is compared with seed k of the other, so pass the same number (or one deterministic forecast)"
        )
    n = actual.shape[0]
    _check_settings(block, resamples, level, min_agreement, n)
    if len(labels) != 2 or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"labels must be two strings, got {labels!r}")

    error_a = (actual - stack_a.mean(axis=0)) ** 2
    error_b = (actual - stack_b.mean(axis=0)) ** 2
    differences = error_a.mean(axis=1) - error_b.mean(axis=1)
    mean_difference = float(differences.mean())

    rng = np.random.default_rng(seed)
    means = _block_means(differences, int(block), _block_starts(rng, n, int(block), int(resamples)))
    low, high = (float(q) for q in np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))

    if deterministic_a and deterministic_b:
        agreement, n_seeds = None, 0
    else:
        seed_mse_a = ((actual - stack_a) ** 2).mean(axis=(1, 2))
        seed_mse_b = ((actual - stack_b) ** 2).mean(axis=(1, 2))
        seed_differences = seed_mse_a - seed_mse_b  # broadcasts a deterministic side
        n_seeds = seed_differences.size
        agreeing = np.count_nonzero(np.sign(seed_differences) == np.sign(mean_difference))
        agreement = agreeing / n_seeds if mean_difference != 0 else 0.0
    seeds_agree = agreement is None or agreement >= min_agreement - 1e-12

    if high < 0 and mean_difference < 0 and seeds_agree:
        verdict = "lower"
    elif low > 0 and mean_difference > 0 and seeds_agree:
        verdict = "higher"
    else:
        verdict = "within noise"
    rmse_a = float(np.sqrt(error_a.mean()))
    rmse_b = float(np.sqrt(error_b.mean()))
    ratio = rmse_a / rmse_b if rmse_b > 0 else (float("nan") if rmse_a == 0 else float("inf"))
    return Comparison(
        verdict, mean_difference, (low, high), rmse_a, rmse_b, ratio, agreement, n_seeds,
        int(block), int(resamples), float(level), n, (str(labels[0]), str(labels[1])),
    )


def seed_spread(values) -> dict[str, float]:
    """Mean, sample standard deviation (ddof=1), minimum and maximum of one score over seeds.

    ``values`` is one number per training seed (a test RMSE, say). Returns
    ``{"mean", "sd", "min", "max", "n"}``; a spread needs at least two seeds.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"values must be one number per seed (shape (n_seeds,)), got shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"values has {array.size} seed(s): fewer than two seeds for a spread")
    finite(array, "values")
    return {
        "mean": float(array.mean()),
        "sd": float(array.std(ddof=1)),
        "min": float(array.min()),
        "max": float(array.max()),
        "n": int(array.size),
    }
