"""One figure style for the whole book, and the two plots every chapter draws.

Taught in chapter 7; used by chapters 3-7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["BOOK_STYLE", "plot_forecast", "plot_losses", "use_book_style"]

# Opaque white backgrounds keep dark text legible when the site is in dark mode.
BOOK_STYLE = {
    "figure.figsize": (9.0, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 10,
    "text.color": "#222222",
    "axes.labelcolor": "#222222",
    "xtick.color": "#222222",
    "ytick.color": "#222222",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (call once, in the chapter's import cell)."""
    mpl.rcParams.update(BOOK_STYLE)


def plot_forecast(
    actual,
    predictions: Mapping[str, object],
    *,
    x=None,
    split=None,
    xlabel: str = "time",
    ylabel: str,
    title: str = "",
    ax=None,
):
    """Plot the actual series and one or more forecasts of it.

    ``predictions`` maps a label to values aligned with ``actual``; ``split``
    (an ``x`` value) draws the train/test boundary. Returns the axes.

    Taught in chapter 3; used in chapters 3, 4, 5, 6 and 7.
    """
    actual = np.asarray(actual, dtype=float).ravel()
    x = np.arange(actual.size) if x is None else np.asarray(x)
    if x.shape[0] != actual.size:
        raise ValueError(f"x has {x.shape[0]} points but actual has {actual.size}")
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(x, actual, color="black", linewidth=1.2, label="actual")
    for label, values in predictions.items():
        values = np.asarray(values, dtype=float).ravel()
        if values.size != actual.size:
            raise ValueError(f"prediction {label!r} has {values.size} points, actual has {actual.size}")
        ax.plot(x, values, linewidth=1.0, label=label)
    if split is not None:
        ax.axvline(split, color="tab:red", linestyle="--", linewidth=1.0, label="train | test")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(loc="upper left", ncols=2)
    return ax


def plot_losses(
    losses: Mapping[str, Sequence[float]],
    *,
    ylabel: str = "training loss (MSE, scaled units)",
    log: bool = True,
    ax=None,
):
    """Plot one loss curve per label against the epoch number. Returns the axes.

    Taught in chapter 3; used in chapters 3, 4, 5 and 7.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.2))
    for label, values in losses.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, values.size + 1), values, marker="o", markersize=3, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=ylabel)
    ax.legend()
    return ax
