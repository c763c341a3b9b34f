"""The code the chapters share, each function shown on the page of the chapter that teaches it.

``from helpers import ...`` gives exactly what the chapters import in the
code a reader sees. The chapters' bookkeeping (the record of their numbers,
smoke mode, timings, the figure style) lives in :mod:`helpers.book` and
:mod:`helpers.record` and is used only in cells hidden from the page.
"""

from .backtest import backtest, expanding_blocks
from .baselines import linear_ar_forecast, naive_forecast, seasonal_naive_forecast
from .classical import ets_forecast, sarima_forecast
from .compare import compare
from .data import load_dataset
from .evaluation import (
    change_correlation,
    direction_accuracy,
    error_table,
    holdout_windows,
    lagged_rmse,
)
from .intervals import conformal_interval, coverage
from .metrics import mae, rmse
from .numpy_rnn import from_keras_simple_rnn, rnn_forward, to_torch_rnn
from .plots import plot_forecast, plot_losses
from .repro import seed_everything, torch_device
from .scaling import SeriesScaler
from .scores import score_table
from .sweep import fit_seeds, predict_seeds
from .training import train_seeds
from .windows import Windows, make_windows, split_windows

__all__ = [
    "SeriesScaler",
    "Windows",
    "backtest",
    "change_correlation",
    "compare",
    "conformal_interval",
    "coverage",
    "direction_accuracy",
    "error_table",
    "ets_forecast",
    "expanding_blocks",
    "fit_seeds",
    "from_keras_simple_rnn",
    "holdout_windows",
    "lagged_rmse",
    "linear_ar_forecast",
    "load_dataset",
    "mae",
    "make_windows",
    "naive_forecast",
    "plot_forecast",
    "plot_losses",
    "predict_seeds",
    "rmse",
    "rnn_forward",
    "sarima_forecast",
    "score_table",
    "seasonal_naive_forecast",
    "seed_everything",
    "split_windows",
    "to_torch_rnn",
    "torch_device",
    "train_seeds",
]
