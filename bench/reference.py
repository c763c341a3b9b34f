"""Plain reference implementations of the article experiments the chapters train.

Each experiment is written the way its article describes it: the same model,
data, epochs, batch size and optimizer, trained with a straightforward
``model.compile(optimizer, loss)`` + ``model.fit(...)`` with Keras' defaults
(or the PyTorch loop the article shows), and nothing tuned. The data are
prepared exactly as the chapter prepares them for that run (with the book's
``helpers``), the model is seeded as the chapter seeds it (its first seed,
``seed_everything`` right before the model is built), only the training call
is timed, and the test metric is computed as the chapter computes it for
each run. So when the chapter and the reference train identically they report
the same metric, and ``make bench`` can set the two side by side.

Usage (one experiment per process; prints one line of JSON on stdout)::

    python -m bench.reference KEY [--smoke]

``--smoke`` trains for one epoch (the batch-1 models on a few windows only).
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

import numpy as np

from bench import flops as F

__all__ = ["EXPERIMENTS", "Experiment", "main"]

SEED = 42  # every chapter's first seed
SMOKE_WINDOWS = {"msft": 4, "sunspots": 16}  # windows the batch-1 models train on with --smoke


@dataclass(frozen=True)
class Experiment:
    """One article experiment, its size and its plain reference implementation.

    ``flops(smoke=False)`` is the matmul FLOP count of forward + backward over
    the whole training (``bench.flops``); ``run(smoke=False)`` trains once and
    returns ``{"seconds", "metric", "seed", "final_loss"}``, ``seconds`` being
    the training call alone.
    """

    key: str
    chapter: str  # notebook stem, e.g. "07_sunspots"
    title: str
    metric_name: str
    flops: Callable[..., float]
    gemm_shape: tuple[int, int, int]  # (batch, units, gates * units) of the recurrent matmul
    run: Callable[..., dict]
    forward: Callable[[int], int] | None = None  # matmul FLOPs of one forward pass over b training samples
    model: Callable[[], object] | None = None  # builds the reference's untrained (compiled) model


# ---------- frameworks

def _keras():
    """Import Keras on TensorFlow with the logs kept quiet."""
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "tensorflow"
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    import keras

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras


def _train_keras(build, x, y, *, epochs: int, batch_size: int, seed: int = SEED):
    """Seed, build (and compile) a model, and time ``model.fit`` alone."""
    from helpers import seed_everything

    _keras()
    seed_everything(seed)
    model = build()
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    return model, seconds, float(history.history["loss"][-1])


def _predict(model, x) -> np.ndarray:
    """Inference as the chapters do it (batches of 1024)."""
    return model.predict(x, batch_size=1024, verbose=0)


def _result(seconds: float, metric: float, final_loss: float, seed: int = SEED) -> dict:
    return {"seconds": float(seconds), "metric": float(metric), "seed": seed, "final_loss": float(final_loss)}


def _first(windows, count: int | None):
    """The first ``count`` windows (all of them for ``None``)."""
    from helpers import Windows

    return windows if count is None else Windows(*(part[:count] for part in windows))


# ---------- data, as the chapters make it

def _goog():
    """Chapters 3 and 4: GOOG closes, windows of 50, scaler on the first 80% of days, [-1, 1]."""
    from helpers import holdout_windows, load_dataset

    prices = load_dataset("goog")["close"].to_numpy(dtype=np.float64)
    return holdout_windows(prices, 50, train_fraction=0.8)


def _msft():
    """Chapter 5: MSFT closes, the article's scaler (all days), 80% rounded up, windows of 120."""
    from helpers import SeriesScaler, load_dataset, make_windows, split_windows

    prices = load_dataset("msft")["close"].to_numpy(dtype=np.float64)
    n_train = math.ceil(prices.size * 0.8)
    scaler = SeriesScaler().fit(prices)
    scaled = scaler.transform(prices).astype(np.float32)
    train, test = split_windows(make_windows(scaled, 120), n_train)
    return prices, scaler, train, test


def _electricity(horizon: int = 1):
    """Chapters 5 and 6: first 250 months train, scaler on them, 12-month windows."""
    from helpers import SeriesScaler, load_dataset, make_windows, split_windows

    power = load_dataset("electricity")["generation_bkwh"].to_numpy(dtype=np.float64)
    scaler = SeriesScaler().fit(power[:250])
    scaled = scaler.transform(power).astype(np.float32)
    train, test = split_windows(make_windows(scaled, 12, horizon=horizon), 250)
    _, raw_test = split_windows(make_windows(power, 12, horizon=horizon), 250)
    return scaler, train, test, raw_test.y


def _sunspots():
    """Chapter 7, the article's runs: scaler on every month, 80% split, non-overlapping windows of 12."""
    from helpers import SeriesScaler, load_dataset, make_windows

    values = load_dataset("sunspots")["sunspots"].to_numpy(dtype=np.float32)
    n_train = int(values.size * 0.8)
    scaled = SeriesScaler().fit(values).transform(values).astype(np.float32)
    return (make_windows(scaled[:n_train], 12, stride=12), make_windows(scaled[n_train:], 12, stride=12))


# ---------- the models, as the articles build them

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


# ---------- forward FLOPs per batch of b samples

def goog_keras_forward(b: int) -> int:
    return (F.simple_rnn_flops(b, 50, 1, 50) + 3 * F.simple_rnn_flops(b, 50, 50, 50)
            + F.dense_flops(b, 50, 1))


def goog_torch_article_forward(b: int) -> int:
    """``b`` sequences of ``n_train`` steps: the (samples, 1, 50) tensor is ONE sequence to nn.RNN."""
    steps = len(_goog().train.x)
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


# ---------- training FLOPs

def goog_keras_flops(smoke: bool = False) -> float:
    return F.training_flops(goog_keras_forward, len(_goog().train.x), 32, 1 if smoke else 100)


def goog_torch_article_flops(smoke: bool = False) -> float:
    return F.training_flops(goog_torch_article_forward, 1, 1, 1 if smoke else 100)  # full batch


def msft_flops(cell: str, smoke: bool = False) -> float:
    samples = SMOKE_WINDOWS["msft"] if smoke else len(_msft()[2].x)
    return F.training_flops(msft_forward(cell), samples, 1, 1)


def electricity_flops(kind: str, smoke: bool = False) -> float:
    return F.training_flops(electricity_forward(kind), len(_electricity()[1].x), 32, 1 if smoke else 100)


def sunspots_flops(smoke: bool = False) -> float:
    samples = SMOKE_WINDOWS["sunspots"] if smoke else len(_sunspots()[0].x)
    return F.training_flops(sunspots_forward, samples, 1, 1 if smoke else 20)


# ---------- the runs

def goog_keras(smoke: bool = False) -> dict:
    from helpers import rmse

    split = _goog()
    model, seconds, loss = _train_keras(goog_keras_model, split.train.x, split.train.y,
                                        epochs=1 if smoke else 100, batch_size=32)
    forecast = split.to_units(_predict(model, split.test.x))  # USD
    return _result(seconds, rmse(split.test_actual, forecast), loss)


def goog_torch_article(smoke: bool = False) -> dict:
    import torch
    from torch import nn

    from helpers import rmse, seed_everything, torch_device

    split = _goog()
    device = torch_device()
    x = torch.from_numpy(split.train.x[:, :, 0][:, np.newaxis, :]).to(device)  # (samples, 1, 50)
    y = torch.from_numpy(split.train.y[:, 0]).to(device)
    test_x = torch.from_numpy(split.test.x[:, :, 0][:, np.newaxis, :]).to(device)

    seed_everything(SEED)
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
    forecast = split.to_units(continued[-len(split.test.x):].cpu().numpy().reshape(-1))  # USD
    return _result(seconds, rmse(split.test_actual, forecast), final_loss)


def msft_run(cell: str, smoke: bool = False) -> dict:
    from helpers import rmse

    prices, scaler, train, test = _msft()
    train = _first(train, SMOKE_WINDOWS["msft"] if smoke else None)
    model, seconds, loss = _train_keras(lambda: msft_model(cell), train.x, train.y, epochs=1, batch_size=1)
    forecast = scaler.inverse_transform(_predict(model, test.x))  # USD
    return _result(seconds, rmse(prices[test.target_index][:, None], forecast), loss)


def electricity_run(kind: str, smoke: bool = False) -> dict:
    from helpers import rmse

    scaler, train, test, truth = _electricity()
    # The Dense(14) model is trained, as in the article, on the one-step targets (the loss broadcasts).
    model, seconds, loss = _train_keras(lambda: electricity_model(kind), train.x, train.y,
                                        epochs=1 if smoke else 100, batch_size=32)
    if kind == "lstm14":
        # Scored as chapter 5 scores it: on the windows with 14 real months after them,
        # the mean over the 14 horizons of each horizon's RMSE.
        _, _, test14, truth14 = _electricity(horizon=14)
        forecast = scaler.inverse_transform(_predict(model, test14.x))
        return _result(seconds, float(np.mean(rmse(truth14, forecast, per_step=True))), loss)
    return _result(seconds, rmse(truth, scaler.inverse_transform(_predict(model, test.x))), loss)


def sunspots_article(smoke: bool = False) -> dict:
    from helpers import rmse

    train, test = _sunspots()
    train = _first(train, SMOKE_WINDOWS["sunspots"] if smoke else None)
    model, seconds, loss = _train_keras(sunspots_model, train.x, train.y,
                                        epochs=1 if smoke else 20, batch_size=1)
    # Chapter 7 predicts the training windows first (its training RMSE), then the test windows.
    # Keras traces its predict function on the first call's shape and retraces for the second;
    # the retraced graph can round differently in the last float32 bit, so keep the same order.
    _predict(model, train.x)
    return _result(seconds, rmse(test.y, _predict(model, test.x)), loss)  # scaled units


# ---------- the registry

def _bind(function, *args):
    """``function`` with its leading arguments fixed; the rest (``smoke``) stay keywords."""
    return functools.partial(function, *args)


EXPERIMENTS: dict[str, Experiment] = {e.key: e for e in [
    Experiment("goog_keras", "03_keras_stock_rnn",
               "GOOG: 4 x SimpleRNN(50) + Dropout, Keras, 100 epochs, batch 32", "test RMSE (USD)",
               goog_keras_flops, (32, 50, 50), goog_keras, goog_keras_forward, goog_keras_model),
    Experiment("goog_torch_article", "04_pytorch_stock_rnn",
               "GOOG: nn.RNN(50, 40, 2 layers), 100 full-batch epochs", "test RMSE (USD)",
               goog_torch_article_flops, (1, 40, 40), goog_torch_article, goog_torch_article_forward,
               goog_torch_article_model),
    *(Experiment(f"msft_{cell.lower()}", "05_lstm_gates",
                 f"MSFT: 2 x {cell}(50), window 120, 1 epoch, batch 1", "test RMSE (USD)",
                 _bind(msft_flops, cell), (1, 50, F.GATES[cell] * 50), _bind(msft_run, cell),
                 msft_forward(cell), _bind(msft_model, cell))
      for cell in ("SimpleRNN", "LSTM")),
    *(Experiment(f"elec_{kind}", chapter, title, metric, _bind(electricity_flops, kind), shape,
                 _bind(electricity_run, kind), electricity_forward(kind), _bind(electricity_model, kind))
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
    Experiment("sunspots_article", "07_sunspots",
               "Sunspots: SimpleRNN(3), 20 epochs, batch 1", "test RMSE (scaled)",
               sunspots_flops, (1, 3, 3), sunspots_article, sunspots_forward, sunspots_model),
]}


# ---------- command line

def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(
        description="Run reference experiments one after another; print one line of JSON for each.")
    parser.add_argument("keys", nargs="+", metavar="key", choices=sorted(EXPERIMENTS))
    parser.add_argument("--smoke", action="store_true", help="one epoch (batch-1 models: a few windows)")
    args = parser.parse_args(argv)

    lines = []
    for key in args.keys:
        experiment = EXPERIMENTS[key]
        # Anything the frameworks print goes to stderr: stdout carries the JSON lines alone.
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
        try:
            result = experiment.run(smoke=args.smoke)
            count = experiment.flops(smoke=args.smoke)
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        line = {**result, "key": experiment.key, "title": experiment.title,
                "metric_name": experiment.metric_name, "flops": count, "smoke": args.smoke}
        print(json.dumps(line, allow_nan=False), flush=True)
        lines.append(line)
    return lines


if __name__ == "__main__":
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
