"""Helpers shared by the chapters of the RNN forecasting book.

Each function is small, documented, and taught in the chapter its module names.
"""

from .baselines import linear_ar_forecast, naive_forecast, seasonal_naive_forecast
from .classical import ClassicalForecast, ets_forecast, sarima_forecast
from .compare import Comparison, compare, seed_spread
from .data import DATASETS, data_dir, load_dataset
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
from .plots import plot_forecast, plot_losses, use_book_style
from .record import ChapterRecord, metrics_dir
from .repro import seed_everything, smoke_mode, torch_device
from .scaling import SeriesScaler
from .speed import keras_speed_options, use_small_model_threads
from .sweep import fit_seeds, predict_seeds
from .windows import Windows, as_series, chronological_split, make_windows, split_windows

__all__ = [
    "DATASETS",
    "ChapterRecord",
    "ClassicalForecast",
    "Comparison",
    "Holdout",
    "SeriesScaler",
    "Windows",
    "as_series",
    "change_correlation",
    "chronological_split",
    "compare",
    "data_dir",
    "direction_accuracy",
    "error_table",
    "ets_forecast",
    "fit_seeds",
    "from_keras_simple_rnn",
    "holdout_windows",
    "keras_speed_options",
    "lagged_rmse",
    "linear_ar_forecast",
    "load_dataset",
    "mae",
    "make_windows",
    "mase",
    "metrics_dir",
    "naive_forecast",
    "plot_forecast",
    "plot_losses",
    "relative_rmse",
    "predict_seeds",
    "rmse",
    "rnn_forward",
    "sarima_forecast",
    "seasonal_naive_forecast",
    "seed_everything",
    "seed_spread",
    "smoke_mode",
    "split_windows",
    "to_torch_rnn",
    "torch_device",
    "use_book_style",
    "use_small_model_threads",
]
