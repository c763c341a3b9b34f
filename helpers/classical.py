"""Classical forecasters beside every network: ARIMA/SARIMA and exponential smoothing (ETS).

Both come from statsmodels and follow one convention, the same one the
networks' hold-out follows:

- the parameters are estimated on ``series[:n_train]`` alone;
- the model is then run over the whole series with those parameters fixed
  (no refitting), so every test point gets a genuine forecast made from the
  observations before it, and nothing after it changes that forecast.

A forecast of ``horizon`` steps has one row per forecast origin. Row ``i`` is
made at origin ``o = n_train + i``, from ``series[:o]``; its column ``j``
forecasts ``series[o + j]``. The origins run from ``n_train`` to
``len(series) - horizon``, so every target of every row lies in the test part
and there are ``len(series) - n_train - horizon + 1`` rows. These are exactly
the test windows of ``split_windows(make_windows(series, lookback, horizon),
n_train)``, in the same order, for any ``lookback`` up to ``n_train``:
``target_index`` is the same, so the rows line up with a network's test
forecasts point for point.

statsmodels is imported only when one of these functions is called. The
series is used as a plain array (a pandas index is dropped), so statsmodels
never warns about a missing date frequency. The one warning silenced is
SARIMAX's notice that its starting values for the optimiser were not
stationary or invertible and it starts from zeros instead: that is expected on
short or differenced series and changes nothing about the result. A failed
optimisation is not hidden: statsmodels' ``ConvergenceWarning`` is shown and
``ClassicalForecast.converged`` is ``False``.

The fits run on one BLAS thread: with matrices this small, extra threads only
add overhead (several times the fit time on a busy two-core machine).

No chapter uses these yet; the forecasting chapters will set them beside every network.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .checks import integer
from .windows import as_series

__all__ = ["ClassicalForecast", "ets_forecast", "sarima_forecast"]


@dataclass(frozen=True, eq=False)
class ClassicalForecast:
    """Forecasts of a classical model for every test origin, with what the fit found.

    ``forecast`` and ``truth`` have shape ``(n_rows, horizon)``: row ``i`` is
    the forecast made from ``series[:target_index[i]]`` of the ``horizon``
    points starting at ``target_index[i]``, and the values they turned out to
    be. ``params`` are the parameters estimated on the training part,
    ``fit_seconds`` how long that estimation took, and ``converged`` whether
    the optimiser reported success.
    """

    name: str
    forecast: np.ndarray
    truth: np.ndarray
    target_index: np.ndarray
    params: dict[str, float]
    converged: bool
    fit_seconds: float


def _checked_split(series, n_train, horizon, season: int, season_label: str) -> tuple[np.ndarray, int, int]:
    """The series as float64, and n_train and horizon checked against it and the season."""
    values = as_series(series).astype(np.float64)
    horizon = integer(horizon, "horizon")
    n_train = integer(n_train, "n_train", 1, values.size - 1,
                      maximum_is="the series length minus one")
    if values.size - n_train < horizon:
        raise ValueError(
            f"horizon={horizon} is longer than the test part ({values.size - n_train} points "
            f"after n_train={n_train})"
        )
    if season > 1 and n_train < 2 * season:
        raise ValueError(
            f"{season_label} gives a season of {season} points, which needs a training part of at "
            f"least two seasons ({2 * season} points), but n_train={n_train}"
        )
    return values, n_train, horizon


def _rows(values: np.ndarray, n_train: int, horizon: int, predict_path) -> tuple[np.ndarray, ...]:
    """Forecast, truth and first-target index for every origin n_train .. n - horizon."""
    origins = np.arange(n_train, values.size - horizon + 1)
    forecast = np.array([predict_path(o) for o in origins], dtype=np.float64).reshape(-1, horizon)
    truth = values[origins[:, np.newaxis] + np.arange(horizon)]
    return forecast, truth, origins


def _params(names, values) -> dict[str, float]:
    return {str(name): float(value) for name, value in zip(names, np.asarray(values), strict=True)}


def sarima_forecast(
    series,
    n_train: int,
    order: tuple[int, int, int],
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
    *,
    trend: str | None = None,
    horizon: int = 1,
    fit_kwargs: Mapping | None = None,
) -> ClassicalForecast:
    """(Seasonal) ARIMA fitted on ``series[:n_train]`` and run over the rest without refitting.

    ``order`` is ``(p, d, q)`` and ``seasonal_order`` is ``(P, D, Q, s)`` as
    in statsmodels' ``SARIMAX``, which fits the model by maximum likelihood
    (for example ``(1, 0, 1), (0, 1, 1, 12)`` for monthly electricity, or
    ``(1, 1, 0)`` for a stock price). ``trend="c"`` adds a constant ``c`` to
    the equation itself, ``y_t = c + phi y_{t-1} + ... + e_t`` (so the mean of
    an AR(1) is ``c / (1 - phi)``, not ``c``).

    The fitted results are extended over the test part with ``append`` (same
    parameters, Kalman filter run on), and each row is the filter's forecast
    from its origin: one step ahead is the filter's prediction, further steps
    are its dynamic prediction from that origin. See the module docstring for
    which target each row and column refers to. ``fit_kwargs`` go to
    ``SARIMAX.fit`` (for example ``{"maxiter": 200}`` when it did not converge).

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    for label, numbers, size in (("order", order, 3), ("seasonal_order", seasonal_order, 4)):
        if len(tuple(numbers)) != size:
            raise ValueError(f"{label} must be {size} non-negative integers, got {numbers!r}")
        for i, k in enumerate(numbers):
            integer(k, f"{label}[{i}]", 0)
    season = int(seasonal_order[3])
    if any(seasonal_order[:3]) and season < 2:
        raise ValueError(f"seasonal_order needs a period s of at least 2, got {seasonal_order!r}")
    values, n_train, horizon = _checked_split(series, n_train, horizon, season, "seasonal_order")

    from statsmodels.tools.sm_exceptions import EstimationWarning
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*Using zeros as starting parameters", EstimationWarning)
        model = SARIMAX(values[:n_train], order=tuple(order), seasonal_order=tuple(seasonal_order),
                        trend=trend)
        start = time.perf_counter()
        fitted = model.fit(disp=False, **dict(fit_kwargs or {}))
        seconds = time.perf_counter() - start
        whole = fitted.append(values[n_train:])
        if horizon == 1:
            one_step = whole.predict(start=n_train, end=values.size - 1)
            forecast, truth, origins = _rows(values, n_train, 1, lambda o: one_step[o - n_train])
        else:
            forecast, truth, origins = _rows(
                values, n_train, horizon,
                lambda o: whole.predict(start=o, end=o + horizon - 1, dynamic=True),
            )
    name = f"ARIMA({order[0]},{order[1]},{order[2]})"
    if any(seasonal_order[:3]):
        name = "S" + name + "({},{},{},{})".format(*seasonal_order)
    if trend:
        name += f" trend={trend}"
    return ClassicalForecast(
        name, forecast, truth, origins, _params(model.param_names, fitted.params),
        bool(fitted.mle_retvals.get("converged", True)), seconds,
    )


def ets_forecast(
    series,
    n_train: int,
    *,
    error: str = "add",
    trend: str | None = None,
    damped_trend: bool = False,
    seasonal: str | None = None,
    seasonal_periods: int | None = None,
    horizon: int = 1,
    fit_kwargs: Mapping | None = None,
) -> ClassicalForecast:
    """Exponential smoothing (ETS) fitted on ``series[:n_train]`` and run over the rest without refitting.

    ``error``, ``trend`` and ``seasonal`` are ``"add"``, ``"mul"`` or (trend
    and seasonal) ``None``, as in statsmodels' ``ETSModel``; for example
    ``error="mul", trend="add", seasonal="mul", seasonal_periods=12`` is
    ETS(M,A,M) for a monthly series. The smoothing parameters and the initial
    level, trend and seasonal states are estimated by maximum likelihood on
    the training part; the same parameters then smooth the whole series
    (``ETSModel.smooth``), which starts from the same initial states, so the
    training part is reproduced exactly and the test part is filtered on.

    One step ahead the forecast is the model's fitted value; further steps
    are its point forecast from each origin (with a multiplicative trend or
    season this is the forecast path, not the mean of the forecast
    distribution). See the module docstring for which target each row and
    column refers to. ``fit_kwargs`` go to ``ETSModel.fit``.

    Taught in chapter 5; used in chapter 5.
    """
    if seasonal is not None:
        season = integer(seasonal_periods, "seasonal_periods", 2)
    elif seasonal_periods is not None:
        raise ValueError(
            f"seasonal_periods={seasonal_periods!r} was given without a seasonal component; "
            "pass seasonal='add' or 'mul' as well"
        )
    else:
        season = 1
    values, n_train, horizon = _checked_split(series, n_train, horizon, season, "seasonal_periods")

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from threadpoolctl import threadpool_limits

    spec = dict(error=error, trend=trend, damped_trend=damped_trend, seasonal=seasonal,
                seasonal_periods=season if seasonal is not None else None)
    with threadpool_limits(1):
        model = ETSModel(values[:n_train], **spec)
        start = time.perf_counter()
        fitted = model.fit(disp=False, **dict(fit_kwargs or {}))
        seconds = time.perf_counter() - start
        whole = ETSModel(values, **spec).smooth(fitted.params)
        if horizon == 1:
            one_step = np.asarray(whole.fittedvalues)
            forecast, truth, origins = _rows(values, n_train, 1, lambda o: one_step[o])
        else:
            forecast, truth, origins = _rows(
                values, n_train, horizon,
                lambda o: whole.predict(start=o, end=o + horizon - 1, dynamic=True),
            )
    letter = {None: "N", "add": "A", "mul": "M"}
    name = "ETS({},{}{},{})".format(
        letter[model.error], letter[model.trend], "d" if damped_trend else "", letter[model.seasonal]
    )
    return ClassicalForecast(
        name, forecast, truth, origins, _params(model.param_names, fitted.params),
        bool(fitted.mle_retvals.get("converged", True)), seconds,
    )
