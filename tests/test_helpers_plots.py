"""Tests for helpers.plots, drawn with the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from helpers.plots import BOOK_STYLE, plot_forecast, plot_losses, use_book_style  # noqa: E402

WHITE = (1.0, 1.0, 1.0, 1.0)
ACTUAL = np.sin(np.arange(30) / 3.0)


@pytest.fixture(autouse=True)
def _isolated_figures():
    with mpl.rc_context():
        yield
    plt.close("all")


def labels(ax):
    return [line.get_label() for line in ax.lines]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_plot_forecast_draws_actual_each_prediction_and_split(count):
    predictions = {f"model {k}": ACTUAL + 0.1 * (k + 1) for k in range(count)}
    ax = plot_forecast(ACTUAL, predictions, split=20, ylabel="value", title="demo")
    assert len(ax.lines) == 1 + count + 1
    assert labels(ax) == ["actual", *predictions, "train | test"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ACTUAL)
    for line, values in zip(ax.lines[1:-1], predictions.values(), strict=True):
        np.testing.assert_allclose(line.get_ydata(), values)
    split_line = ax.lines[-1]
    assert list(split_line.get_xdata()) == [20, 20]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == labels(ax)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("time", "value", "demo")


def test_plot_forecast_without_split_has_no_boundary_line():
    ax = plot_forecast(ACTUAL, {"naive": np.roll(ACTUAL, 1)}, ylabel="value")
    assert labels(ax) == ["actual", "naive"]


def test_plot_forecast_uses_given_x_and_axes():
    fig, ax = plt.subplots()
    x = np.arange(100, 130)
    returned = plot_forecast(ACTUAL[:, np.newaxis], {"m": ACTUAL[:, np.newaxis]}, x=x, split=120,
                             xlabel="month", ylabel="value", ax=ax)
    assert returned is ax
    assert len(fig.axes) == 1
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), x)
    assert ax.get_xlabel() == "month"


def test_plot_forecast_refuses_misaligned_x():
    with pytest.raises(ValueError, match="x has 29 points but actual has 30"):
        plot_forecast(ACTUAL, {}, x=np.arange(29), ylabel="value")


def test_plot_forecast_refuses_misaligned_prediction():
    with pytest.raises(ValueError, match="prediction 'short' has 25 points, actual has 30"):
        plot_forecast(ACTUAL, {"short": ACTUAL[:25]}, ylabel="value")


@pytest.mark.parametrize("log", [True, False])
def test_plot_losses_draws_one_curve_per_label(log):
    losses = {"train": [1.0, 0.5, 0.25, 0.2], "validation": [1.2, 0.7, 0.6, 0.65]}
    ax = plot_losses(losses, log=log)
    assert labels(ax) == ["train", "validation"]
    for line, values in zip(ax.lines, losses.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert ax.get_yscale() == ("log" if log else "linear")
    assert ax.get_xlabel() == "epoch"


def test_use_book_style_makes_backgrounds_opaque_white():
    mpl.rcParams.update({"figure.facecolor": "none", "axes.facecolor": (0, 0, 0, 0),
                         "savefig.transparent": True})
    fig, ax = plt.subplots()
    assert to_rgba(fig.get_facecolor())[3] == 0.0  # the check below can fail
    use_book_style()
    fig, ax = plt.subplots()
    assert to_rgba(fig.get_facecolor()) == WHITE
    assert to_rgba(ax.get_facecolor()) == WHITE
    assert to_rgba(mpl.rcParams["savefig.facecolor"]) == WHITE
    assert mpl.rcParams["savefig.transparent"] is False
    assert tuple(mpl.rcParams["figure.figsize"]) == BOOK_STYLE["figure.figsize"]
