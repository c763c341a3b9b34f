"""The articles' own code: each article experiment written the way its article writes it.

Nothing here imports the book's ``helpers``. Each experiment reads its CSV
from ``data/`` with pandas, scales it with scikit-learn's ``MinMaxScaler``,
cuts windows with NumPy's ``sliding_window_view`` and trains the article's
model with a plain ``model.compile(optimizer="adam", loss="mse")`` +
``model.fit(..., verbose=0)`` with Keras' defaults on TensorFlow (or the
article's PyTorch loop), seeded with ``keras.utils.set_random_seed`` (or
``torch.manual_seed``) right before the model is built. The model, data,
epochs and batch size are the article's; the data are split and scored as the
chapters split and score them (``tests/test_bench_reference.py`` checks that
the windows, targets and scalers equal what the book's helpers make), so the
book's run of an experiment and this one can be set side by side.

Each seed is trained in turn in one process; only the ``fit`` call (or the
PyTorch training loop) is timed, and the test metric is computed for every
seed. ``KERAS_BACKEND`` picks another Keras backend for the same code
(``bench.run``'s backends table); unset, it is TensorFlow, the articles'.

Usage (prints one line of JSON per experiment on stdout)::

    python -m bench.reference KEY [KEY ...] [--seeds N] [--first-seed 42] [--smoke]

``--smoke`` trains one seed for one epoch (the batch-1 models on a few windows).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.preprocessing import MinMaxScaler

from bench import flops as F

__all__ = ["DATA", "DEFAULT_SEEDS", "EXPERIMENTS", "FIRST_SEED", "Experiment", "Prepared", "main", "seeds"]

DATA = Path(__file__).resolve().parent.parent / "data"
FIRST_SEED = 42  # every chapter's first seed
DEFAULT_SEEDS = 5  # seeds 42, 43, ..., 46
SMOKE_WINDOWS = {"msft": 4, "sunspots": 16}  # windows the batch-1 models train on with --smoke
ELECTRICITY_START = "1985-01"  # the article's calendar: its first 250 months from here train


def seeds(count: int = DEFAULT_SEEDS, first: int = FIRST_SEED) -> list[int]:
    """The seeds a reference trains, one after another: ``first``, ``first + 1``, ..."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"the number of seeds must be a positive integer, got {count!r}")
    return list(range(first, first + count))


@dataclass(frozen=True)
class Experiment:
    """One article experiment: its size, its model and its plain training code.

    ``run(seed, smoke=False)`` trains one seed and returns ``{"seed",
    "seconds", "metric", "final_loss"}``, ``seconds`` being the training call
    alone. ``flops(smoke=False)`` is the matmul FLOP count of forward +
    backward over the whole training of one seed (``bench.flops``).
    ``train_arrays(smoke=False)`` is the training ``(x, y)`` of a Keras
    experiment (``bench.sweep`` trains several seeds on it).
    """

    key: str
    chapter: str  # notebook stem, e.g. "07_sunspots"
    title: str
    metric_name: str
    epochs: int
    batch_size: int  # the PyTorch article: 1, its training set being a single sequence
    flops: Callable[..., float]
    gemm_shape: tuple[int, int, int]  # (batch, units, gates * units) of the recurrent matmul
    run: Callable[..., dict]
    forward: Callable[[int], int]  # matmul FLOPs of one forward pass over b training samples
    model: Callable[[], object]  # builds the untrained model (a compiled Keras model or an nn.Module)
    keras: bool = True  # False: the article's own PyTorch loop, not a Keras model
    train_arrays: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None


# ---------- data: pandas, scikit-learn and NumPy, as the articles prepare it

@dataclass(frozen=True)
class Prepared:
    """One experiment's windows: scaled float32 inputs and targets, and what scores the forecasts.

    ``x_*`` have shape ``(n, lookback, 1)``, ``y_*`` ``(n, horizon)`` (scaled);
    ``index_*`` is the position in the series of each window's first target;
    ``truth`` is the test targets in the units the metric is reported in.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    index_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    index_test: np.ndarray
    scaler: MinMaxScaler
    truth: np.ndarray


def windows(series: np.ndarray, lookback: int, horizon: int = 1, stride: int = 1):
    """Every ``stride``-th run of ``lookback`` inputs and the ``horizon`` values after it.

    Returns ``x`` ``(n, lookback, 1)``, ``y`` ``(n, horizon)`` and the index of
    each window's first target.
    """
    frames = sliding_window_view(series, lookback + horizon)[::stride]
    first_target = np.arange(len(frames)) * stride + lookback
    return frames[:, :lookback, np.newaxis].copy(), frames[:, lookback:].copy(), first_target


def _split(x, y, first_target, n_train: int):
    """Training windows: every target before ``n_train``; test windows: the first target at or after it."""
    train = first_target + y.shape[1] - 1 < n_train
    test = first_target >= n_train
    return (x[train], y[train], first_target[train]), (x[test], y[test], first_target[test])


def _scaled(scaler: MinMaxScaler, values: np.ndarray) -> np.ndarray:
    """The whole series through a fitted scaler, as float32 (what the frameworks train in)."""
    return scaler.transform(values.reshape(-1, 1).astype(np.float64)).reshape(-1).astype(np.float32)


def to_units(scaler: MinMaxScaler, scaled) -> np.ndarray:
    """A scaled forecast of any shape back in the series' units (float64)."""
    array = np.asarray(scaled, dtype=np.float64)
    return scaler.inverse_transform(array.reshape(-1, 1)).reshape(array.shape)


@functools.cache
def goog_data() -> Prepared:
    """Chapters 3 and 4: GOOG closes, windows of 50, the first 80% of days train, scaler on them, [-1, 1]."""
    prices = pd.read_csv(DATA / "goog.csv")["close"].to_numpy(dtype=np.float64)
    n_train = int(len(prices) * 0.8)
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(prices[:n_train].reshape(-1, 1))
    train, test = _split(*windows(_scaled(scaler, prices), 50), n_train)
    return Prepared(*train, *test, scaler, prices[test[2]])


@functools.cache
def msft_data() -> Prepared:
    """Chapter 5: MSFT closes, the article's scaler (fitted on every day), 80% rounded up, windows of 120."""
    prices = pd.read_csv(DATA / "msft.csv")["close"].to_numpy(dtype=np.float64)
    n_train = math.ceil(len(prices) * 0.8)
    scaler = MinMaxScaler().fit(prices.reshape(-1, 1))
    train, test = _split(*windows(_scaled(scaler, prices), 120), n_train)
    return Prepared(*train, *test, scaler, prices[test[2]][:, np.newaxis])


@functools.cache
def electricity_data(horizon: int = 1) -> Prepared:
    """Chapters 5 and 6: months from 1985-01, the first 250 train (scaler on them), 12-month windows."""
    frame = pd.read_csv(DATA / "electricity.csv")
    power = frame.loc[frame["month"] >= ELECTRICITY_START, "generation_bkwh"].to_numpy(dtype=np.float64)
    scaler = MinMaxScaler().fit(power[:250].reshape(-1, 1))
    train, test = _split(*windows(_scaled(scaler, power), 12, horizon=horizon), 250)
    truth = power[test[2][:, np.newaxis] + np.arange(horizon)]  # (n_test, horizon), billion kWh
    return Prepared(*train, *test, scaler, truth)


@functools.cache
def sunspots_data() -> Prepared:
    """Chapter 7, the article's runs: scaler on every month, 80% split, non-overlapping windows of 12."""
    values = pd.read_csv(DATA / "sunspots.csv")["sunspots"].to_numpy(dtype=np.float32)
    n_train = int(len(values) * 0.8)
    scaler = MinMaxScaler().fit(values.reshape(-1, 1))
    scaled = _scaled(scaler, values)
    x_train, y_train, index_train = windows(scaled[:n_train], 12, stride=12)
    x_test, y_test, index_test = windows(scaled[n_train:], 12, stride=12)
    return Prepared(x_train, y_train, index_train, x_test, y_test, index_test + n_train, scaler, y_test)


def _first(count: int | None, *arrays):
    """The first ``count`` samples of each array (all of them for ``None``)."""
    return arrays if count is None else tuple(a[:count] for a in arrays)


# ---------- the models, as the articles build them

def _keras():
    """Keras on the backend ``KERAS_BACKEND`` names (TensorFlow, the articles', when it is unset)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    import keras

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras


def goog_keras_model():
    """Chapter 3: 4 x SimpleRNN(50), each followed by Dropout(0.2), then Dense(1); Adam, MSE."""
    keras = _keras()
    model = keras.Sequential([
        keras.Input(shape=(50, 1)),
        keras.layers.SimpleRNN(50, return_sequences=True), keras.layers.Dropout(0.2),
        keras.layers.SimpleRNN(50, return_sequences=True), keras.layers.Dropout(0.2),
        keras.layers.SimpleRNN(50, return_sequences=True), keras.layers.Dropout(0.2),
        keras.layers.SimpleRNN(50), keras.layers.Dropout(0.2),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def goog_torch_article_model():
    """Chapter 4: the article's nn.RNN(50 -> 40, 2 layers) + Linear(40 -> 1), read-out on every step."""
    from torch import nn

    class WindowSequenceRNN(nn.Module):
        """Each 50-price window is one time step of a single long sequence, as the article shapes it."""

        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(50, 40, 2)  # window length in, 40 hidden units, 2 stacked layers
            self.out = nn.Linear(40, 1)  # created after the RNN, so seeding draws the same weights

        def forward(self, windows, carried):
            states, carried = self.rnn(windows, carried)
            return self.out(states.reshape(-1, 40)), carried

    return WindowSequenceRNN()


def msft_model(cell: str):
    """Chapter 5: two recurrent layers of 50 (``cell`` is "SimpleRNN" or "LSTM"), Dense(25), Dense(1)."""
    keras = _keras()
    layer = getattr(keras.layers, cell)
    model = keras.Sequential([
        keras.Input(shape=(120, 1)),
        layer(50, return_sequences=True),
        layer(50),
        keras.layers.Dense(25),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model


def electricity_model(kind: str):
    """Chapters 5 and 6: "lstm" (4 x LSTM(45)), "lstm14" (the same with Dense(14)), "simplernn", "gru"."""
    keras = _keras()
    layers = [keras.Input(shape=(12, 1))]
    if kind == "simplernn":
        layers += [keras.layers.SimpleRNN(3), keras.layers.Dropout(0.2)]
    elif kind == "gru":
        layers += [keras.layers.GRU(256), keras.layers.Dropout(0.2)]
    else:
        for k in range(4):
            layers += [keras.layers.LSTM(45, return_sequences=k < 3), keras.layers.Dropout(0.2)]
    model = keras.Sequential([*layers, keras.layers.Dense(14 if kind == "lstm14" else 1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def sunspots_model():
    """Chapter 7: SimpleRNN(3, tanh) + Dense(1, tanh); Adam, MSE."""
    keras = _keras()
    model = keras.Sequential([
        keras.Input(shape=(12, 1)),
        keras.layers.SimpleRNN(3, activation="tanh"),
        keras.layers.Dense(1, activation="tanh"),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model


# ---------- training and scoring

def rmse(truth, forecast) -> float:
    """Root-mean-square error over every value."""
    difference = np.asarray(truth, dtype=np.float64) - np.asarray(forecast, dtype=np.float64)
    return float(np.sqrt(np.mean(difference**2)))


def _fit(build, x, y, *, epochs: int, batch_size: int, seed: int):
    """Seed, build and compile the model, then time ``model.fit`` alone."""
    keras = _keras()
    keras.utils.set_random_seed(seed)
    model = build()
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    return model, seconds, float(history.history["loss"][-1])


def _predict(model, x) -> np.ndarray:
    """Inference as the chapters do it (batches of 1024)."""
    return model.predict(x, batch_size=1024, verbose=0)


def _result(seed: int, seconds: float, metric: float, final_loss: float) -> dict:
    return {"seed": seed, "seconds": float(seconds), "metric": float(metric), "final_loss": float(final_loss)}


def goog_keras(seed: int, smoke: bool = False) -> dict:
    data = goog_data()
    model, seconds, loss = _fit(goog_keras_model, data.x_train, data.y_train,
                                epochs=1 if smoke else 100, batch_size=32, seed=seed)
    forecast = to_units(data.scaler, _predict(model, data.x_test)).reshape(-1)  # USD
    return _result(seed, seconds, rmse(data.truth, forecast), loss)


def goog_torch_article(seed: int, smoke: bool = False) -> dict:
    import torch
    from torch import nn

    data = goog_data()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.from_numpy(data.x_train[:, :, 0][:, np.newaxis, :]).to(device)  # (samples, 1, 50)
    y = torch.from_numpy(data.y_train[:, 0]).to(device)
    test_x = torch.from_numpy(data.x_test[:, :, 0][:, np.newaxis, :]).to(device)

    torch.manual_seed(seed)
    model = goog_torch_article_model().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    state = None
    start = time.perf_counter()
    for _ in range(1 if smoke else 100):
        output, state = model(x, state)
        loss = criterion(output.view(-1), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        state = state.detach()  # the article's retain_graph=True fails in current PyTorch
        final_loss = loss.item()  # the article prints it every epoch
    seconds = time.perf_counter() - start

    # As chapter 4 scores it: continue the sequence through the test windows from the carried state.
    model.eval()
    with torch.no_grad():
        continued, _ = model(torch.cat([x, test_x]), state)
    forecast = to_units(data.scaler, continued[-len(data.x_test):].cpu().numpy().reshape(-1))  # USD
    return _result(seed, seconds, rmse(data.truth, forecast), final_loss)


def msft_run(cell: str, seed: int, smoke: bool = False) -> dict:
    data = msft_data()
    x, y = _first(SMOKE_WINDOWS["msft"] if smoke else None, data.x_train, data.y_train)
    model, seconds, loss = _fit(lambda: msft_model(cell), x, y, epochs=1, batch_size=1, seed=seed)
    forecast = to_units(data.scaler, _predict(model, data.x_test))  # USD
    return _result(seed, seconds, rmse(data.truth, forecast), loss)


def electricity_run(kind: str, seed: int, smoke: bool = False) -> dict:
    data = electricity_data()
    # The Dense(14) model is trained, as in the article, on the one-step targets (the loss broadcasts).
    model, seconds, loss = _fit(lambda: electricity_model(kind), data.x_train, data.y_train,
                                epochs=1 if smoke else 100, batch_size=32, seed=seed)
    if kind == "lstm14":
        # Scored as chapter 5 scores it: on the windows with 14 real months after them,
        # the mean over the 14 horizons of each horizon's RMSE.
        data14 = electricity_data(horizon=14)
        forecast = to_units(data.scaler, _predict(model, data14.x_test))
        per_horizon = np.sqrt(np.mean((data14.truth - forecast) ** 2, axis=0))
        return _result(seed, seconds, float(np.mean(per_horizon)), loss)
    return _result(seed, seconds, rmse(data.truth, to_units(data.scaler, _predict(model, data.x_test))), loss)


def sunspots_article(seed: int, smoke: bool = False) -> dict:
    data = sunspots_data()
    x, y = _first(SMOKE_WINDOWS["sunspots"] if smoke else None, data.x_train, data.y_train)
    model, seconds, loss = _fit(sunspots_model, x, y, epochs=1 if smoke else 20, batch_size=1, seed=seed)
    # Chapter 7 predicts the training windows first (its training RMSE), then the test windows.
    # Keras traces its predict function on the first call's shape and retraces for the second;
    # the retraced graph can round differently in the last float32 bit, so keep the same order.
    _predict(model, x)
    return _result(seed, seconds, rmse(data.y_test, _predict(model, data.x_test)), loss)  # scaled units


# ---------- forward FLOPs per batch of b samples, and of a whole training

def goog_keras_forward(b: int) -> int:
    return (F.simple_rnn_flops(b, 50, 1, 50) + 3 * F.simple_rnn_flops(b, 50, 50, 50)
            + F.dense_flops(b, 50, 1))


def goog_torch_article_forward(b: int) -> int:
    """``b`` sequences of ``n_train`` steps: the (samples, 1, 50) tensor is ONE sequence to nn.RNN."""
    steps = len(goog_data().x_train)
    return F.torch_rnn_flops(b, steps, 50, 40, layers=2) + F.dense_flops(b * steps, 40, 1)


def msft_forward(cell: str):
    count = {"SimpleRNN": F.simple_rnn_flops, "LSTM": F.lstm_flops}[cell]

    def forward(b: int) -> int:
        return (count(b, 120, 1, 50) + count(b, 120, 50, 50)
                + F.dense_flops(b, 50, 25) + F.dense_flops(b, 25, 1))

    return forward


def electricity_forward(kind: str):
    def forward(b: int) -> int:
        if kind == "simplernn":
            return F.simple_rnn_flops(b, 12, 1, 3) + F.dense_flops(b, 3, 1)
        if kind == "gru":
            return F.gru_flops(b, 12, 1, 256) + F.dense_flops(b, 256, 1)
        outputs = 14 if kind == "lstm14" else 1
        return F.lstm_flops(b, 12, 1, 45) + 3 * F.lstm_flops(b, 12, 45, 45) + F.dense_flops(b, 45, outputs)

    return forward


def sunspots_forward(b: int) -> int:
    return F.simple_rnn_flops(b, 12, 1, 3) + F.dense_flops(b, 3, 1)


def _training_flops(forward, samples, batch_size: int, full_epochs: int):
    """``flops(smoke=False, epochs=None)``: one seed's training FLOPs over ``epochs`` epochs.

    ``epochs=None`` means the article's (one in smoke mode).
    """
    def count(smoke: bool = False, epochs: int | None = None) -> float:
        epochs = epochs or (1 if smoke else full_epochs)
        return F.training_flops(forward, samples(smoke), batch_size, epochs)

    return count


# ---------- the registry

def _arrays(prepare, smoke_key: str | None = None):
    """The training ``(x, y)`` of a prepared data set (the first few windows in smoke mode, if batch 1)."""
    def arrays(smoke: bool = False):
        data = prepare()
        return _first(SMOKE_WINDOWS[smoke_key] if smoke and smoke_key else None, data.x_train, data.y_train)

    return arrays


def _experiment(key, chapter, title, metric, *, epochs, batch_size, shape, run, forward, model, arrays=None,
                samples=None) -> Experiment:
    """An Experiment; a Keras one gives its training ``arrays``, the PyTorch one its number of ``samples``."""
    if samples is None:
        def samples(smoke: bool = False) -> int:
            return len(arrays(smoke)[0])

    return Experiment(key, chapter, title, metric, epochs, batch_size,
                      _training_flops(forward, samples, batch_size, epochs), shape, run, forward, model,
                      arrays is not None, arrays)


_GOOG = _arrays(goog_data)
_ELECTRICITY = _arrays(electricity_data)

EXPERIMENTS: dict[str, Experiment] = {e.key: e for e in [
    _experiment("goog_keras", "03_keras_stock_rnn",
                "GOOG: 4 x SimpleRNN(50) + Dropout, Keras, 100 epochs, batch 32", "test RMSE (USD)",
                epochs=100, batch_size=32, shape=(32, 50, 50), run=goog_keras, forward=goog_keras_forward,
                model=goog_keras_model, arrays=_GOOG),
    _experiment("goog_torch_article", "04_pytorch_stock_rnn",
                "GOOG: nn.RNN(50, 40, 2 layers), 100 full-batch epochs", "test RMSE (USD)",
                epochs=100, batch_size=1, shape=(1, 40, 40), run=goog_torch_article,
                forward=goog_torch_article_forward, model=goog_torch_article_model,
                samples=lambda smoke=False: 1),  # the whole training set is ONE sequence, one batch
    *(_experiment(f"msft_{cell.lower()}", "05_lstm_gates",
                  f"MSFT: 2 x {cell}(50), window 120, 1 epoch, batch 1", "test RMSE (USD)",
                  epochs=1, batch_size=1, shape=(1, 50, F.GATES[cell] * 50),
                  run=functools.partial(msft_run, cell), forward=msft_forward(cell),
                  model=functools.partial(msft_model, cell), arrays=_arrays(msft_data, "msft"))
      for cell in ("SimpleRNN", "LSTM")),
    *(_experiment(f"elec_{kind}", chapter, title, metric, epochs=100, batch_size=32, shape=shape,
                  run=functools.partial(electricity_run, kind), forward=electricity_forward(kind),
                  model=functools.partial(electricity_model, kind), arrays=_ELECTRICITY)
      for kind, chapter, title, metric, shape in [
          ("lstm", "05_lstm_gates", "Electricity: 4 x LSTM(45) + Dropout, 100 epochs, batch 32",
           "test RMSE (bn kWh)", (32, 45, 180)),
          ("lstm14", "05_lstm_gates", "Electricity: 4 x LSTM(45) + Dense(14) on one-step targets, 100 epochs",
           "test RMSE (bn kWh), mean of 14 horizons", (32, 45, 180)),
          ("simplernn", "06_gru", "Electricity: SimpleRNN(3) + Dropout, 100 epochs, batch 32",
           "test RMSE (bn kWh)", (32, 3, 3)),
          ("gru", "06_gru", "Electricity: GRU(256) + Dropout, 100 epochs, batch 32",
           "test RMSE (bn kWh)", (32, 256, 768)),
      ]),
    _experiment("sunspots_article", "07_sunspots",
                "Sunspots: SimpleRNN(3), 20 epochs, batch 1", "test RMSE (scaled)",
                epochs=20, batch_size=1, shape=(1, 3, 3), run=sunspots_article, forward=sunspots_forward,
                model=sunspots_model, arrays=_arrays(sunspots_data, "sunspots")),
]}


# ---------- command line

def backend_of(experiment: Experiment) -> str:
    """The framework that trained ``experiment`` in this process: a Keras backend, or "torch"."""
    if not experiment.keras:
        return "torch"
    return sys.modules["keras"].backend.backend() if "keras" in sys.modules else _keras().backend.backend()


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(
        description="Run reference experiments one after another, every seed in turn; print one line of "
                    "JSON for each experiment.")
    parser.add_argument("keys", nargs="+", metavar="key", choices=sorted(EXPERIMENTS))
    parser.add_argument("--seeds", type=int, default=None,
                        help=f"seeds per experiment (default {DEFAULT_SEEDS}; 1 with --smoke)")
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED, help=f"default {FIRST_SEED}")
    parser.add_argument("--smoke", action="store_true", help="one epoch (batch-1 models: a few windows)")
    args = parser.parse_args(argv)
    chosen = seeds(args.seeds or (1 if args.smoke else DEFAULT_SEEDS), args.first_seed)

    lines = []
    for key in args.keys:
        experiment = EXPERIMENTS[key]
        # Anything the frameworks print goes to stderr: stdout carries the JSON lines alone.
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
        try:
            runs = [experiment.run(seed, smoke=args.smoke) for seed in chosen]
            backend = backend_of(experiment)
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        line = {"key": key, "chapter": experiment.chapter, "title": experiment.title,
                "metric_name": experiment.metric_name, "backend": backend, "keras": experiment.keras,
                "smoke": args.smoke, "flops": experiment.flops(smoke=args.smoke), "runs": runs}
        print(json.dumps(line, allow_nan=False), flush=True)
        lines.append(line)
    return lines


if __name__ == "__main__":
    main()
