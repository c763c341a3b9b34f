"""The code the chapters share, each function shown on the page of the chapter that teaches it.

``from helpers import ...`` gives exactly what the chapters import in the
code a reader sees. The chapters' bookkeeping (the record of their numbers,
smoke mode, timings, the figure style) lives in :mod:`helpers.book` and
:mod:`helpers.record` and is used only in cells hidden from the page;
:mod:`helpers.sweep` trains many seeds at once behind :func:`train_seeds`.
"""

from .baselines import linear_ar_forecast, naive_forecast, seasonal_naive_forecast
from .classical import ClassicalForecast, ets_forecast, sarima_forecast
from .compare import Comparison, compare, seed_spread
from .data import load_dataset
from .evaluation import (
    Holdout,
    change_correlation,
    direction_accuracy,
    error_table,
    holdout_windows,
    lagged_rmse,
)
from .metrics import mae, mase, relative_rmse, rmse
from .numpy_rnn import from_keras_simple_rnn, rnn_forward, to_torch_rnn
from .plots import plot_forecast, plot_losses
from .repro import seed_everything, torch_device
from .scaling import SeriesScaler
from .training import Trained, predict, train, train_seeds
from .windows import Windows, make_windows, split_windows

__all__ = [
    "ClassicalForecast",
    "Comparison",
    "Holdout",
    "SeriesScaler",
    "Trained",
    "Windows",
    "change_correlation",
    "compare",
    "direction_accuracy",
    "error_table",
    "ets_forecast",
    "from_keras_simple_rnn",
    "holdout_windows",
    "lagged_rmse",
    "linear_ar_forecast",
    "load_dataset",
    "mae",
    "make_windows",
    "mase",
    "naive_forecast",
    "plot_forecast",
    "plot_losses",
    "predict",
    "relative_rmse",
    "rmse",
    "rnn_forward",
    "sarima_forecast",
    "seasonal_naive_forecast",
    "seed_everything",
    "seed_spread",
    "split_windows",
    "to_torch_rnn",
    "torch_device",
    "train",
    "train_seeds",
]
