"""One results table for networks trained with several seeds and for single forecasts.

Every forecasting chapter ends its experiments with such a table: one row per
forecast, the networks' test RMSE as mean, standard deviation and range over
their seeds, and the scale-free scores (RMSE relative to the naive and the
seasonal-naive forecast, MASE) that let readers compare rows across series.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .compare import _forecast_stack, _truth
from .metrics import mae, mase, rmse

__all__ = ["score_table"]


def score_table(
    truth,
    forecasts: Mapping[str, object],
    *,
    naive,
    train_series,
    season: int = 1,
    seasonal_naive=None,
) -> pd.DataFrame:
    """Test scores of each named forecast, one row per forecast.

    ``truth`` has shape ``(n,)`` or ``(n, horizon)``, in original units. A
    forecast is one forecast of that shape (a baseline, a classical model)
    or a stack over training seeds, ``(seeds, n)`` or ``(seeds, n, horizon)``.

    Columns: ``seeds`` (1 for a single forecast); ``RMSE``, the mean of the
    seeds' RMSEs, with their ``sd`` (ddof=1), ``min`` and ``max`` (blank for
    a single forecast); ``RMSE of mean``, the RMSE of the seeds' average
    forecast (what :func:`helpers.compare.compare` judges); ``RMSE / naive``
    (Theil's U2) and, with ``seasonal_naive``, ``RMSE / seasonal naive``,
    both from the ``RMSE`` column; and ``MASE``, the mean over seeds of the
    MAE scaled by the in-sample MAE of the (seasonal, for ``season > 1``)
    naive forecast on ``train_series``. Below 1, a relative score beats its
    reference.

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    if not isinstance(forecasts, Mapping) or not forecasts:
        raise ValueError("forecasts must be a non-empty mapping of name -> forecast")
    actual = _truth(truth)
    references = {"naive": naive}
    if seasonal_naive is not None:
        references["seasonal naive"] = seasonal_naive
    reference_rmse = {}
    for name, values in references.items():
        stack, single = _forecast_stack(values, actual, name.replace(" ", "_"))
        if not single:
            raise ValueError(f"{name.replace(' ', '_')} must be one forecast, not a stack")
        reference_rmse[name] = rmse(actual, stack[0])
        if reference_rmse[name] == 0:
            raise ValueError(f"the {name} forecast is exact, so ratios to it are undefined")
    rows = {}
    for name, values in forecasts.items():
        stack, single = _forecast_stack(values, actual, f"forecast {name!r}")
        if not single and stack.shape[0] < 2:
            raise ValueError(
                f"forecast {name!r} is a stack of one seed: a spread needs at least "
                "two seeds (pass the single forecast of shape (n,) instead)"
            )
        errors = np.array([rmse(actual, seed) for seed in stack])
        row = {
            "seeds": stack.shape[0],
            "RMSE": errors.mean(),
            "sd": np.nan if single else errors.std(ddof=1),
            "min": np.nan if single else errors.min(),
            "max": np.nan if single else errors.max(),
            "RMSE of mean": rmse(actual, stack.mean(axis=0)),
        }
        for reference, value in reference_rmse.items():
            row[f"RMSE / {reference}"] = errors.mean() / value
        row["MASE"] = np.mean([mase(actual, seed, train_series, season) for seed in stack])
        row["MAE"] = np.mean([mae(actual, seed) for seed in stack])
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")
