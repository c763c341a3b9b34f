"""What a seed sweep costs: one seed vs ten with ``fit_seeds``, and ten trained one by one with ``model.fit``.

The model is chapter 3's network (four SimpleRNN(50) layers, each followed
by Dropout(0.2), then Dense(1)) on 750 windows of 50 steps, batch 32, 10
epochs. Each time is the wall clock of the training call(s), compilation
included, in one process; the models are built (and one throwaway model
warms up Keras) before the clock starts. The one-by-one models are compiled
as the chapters compile them.

Run ``KERAS_BACKEND=jax python -m bench.sweep`` (JAX is the backend where
``fit_seeds`` trains the seeds jointly; on another backend it prints that it
fell back to ``model.fit``).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

from helpers.book import prepare_runtime  # noqa: E402

prepare_runtime()  # as the chapters start: thread settings before JAX loads

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers import make_windows  # noqa: E402
from helpers.sweep import fit_seeds, vectorized  # noqa: E402

LOOKBACK, UNITS, DROPOUT, BATCH_SIZE, EPOCHS, WINDOWS = 50, 50, 0.2, 32, 10, 750


def build(seed: int) -> keras.Model:
    """Chapter 3's network, seeded and compiled as the chapter does."""
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((LOOKBACK, 1))]
    for depth in range(4):
        layers += [keras.layers.SimpleRNN(UNITS, return_sequences=depth < 3), keras.layers.Dropout(DROPOUT)]
    model = keras.Sequential([*layers, keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def windows(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """750 windows of a noisy sine wave in [-1, 1], float32 as the frameworks train."""
    steps = np.arange(WINDOWS + LOOKBACK)
    series = 0.8 * np.sin(steps / 20) + 0.1 * np.random.default_rng(seed).normal(size=steps.size)
    cut = make_windows(series.astype(np.float32), LOOKBACK)
    return cut.x, cut.y


def warm_up(x: np.ndarray, y: np.ndarray) -> None:
    """Pay the process's one-time costs before timing (TensorFlow's import for seeding, JAX's start).

    A throwaway model of the same shape is built, and a one-unit network is
    trained for one epoch by ``fit_seeds`` and by ``model.fit``, so neither
    timed run is the first of its kind in the process.
    """
    build(0)
    for train in (lambda m: fit_seeds([m], x[:64], y[:64], epochs=1, batch_size=BATCH_SIZE),
                  lambda m: m.fit(x[:64], y[:64], epochs=1, batch_size=BATCH_SIZE, verbose=0)):
        tiny = keras.Sequential([keras.Input((LOOKBACK, 1)), keras.layers.SimpleRNN(1),
                                 keras.layers.Dense(1)])
        tiny.compile(optimizer="adam", loss="mean_squared_error")
        train(tiny)


def seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds in the sweep (default 10)")
    args = parser.parse_args(argv)
    x, y = windows()
    fit = dict(epochs=EPOCHS, batch_size=BATCH_SIZE)
    warm_up(x, y)

    one = [build(1)]
    many = [build(seed) for seed in range(1, args.seeds + 1)]
    alone = [build(seed) for seed in range(1, args.seeds + 1)]
    times = {
        "fit_seeds, 1 seed": seconds(lambda: fit_seeds(one, x, y, **fit)),
        f"fit_seeds, {args.seeds} seeds": seconds(lambda: fit_seeds(many, x, y, **fit)),
        f"model.fit, {args.seeds} seeds one by one": seconds(
            lambda: [model.fit(x, y, verbose=0, **fit) for model in alone]),
    }
    print(f"Keras {keras.__version__} on {keras.backend.backend()}; "
          f"{'one program for all seeds' if vectorized() else 'fit_seeds fell back to model.fit'}")
    print(f"{len(x)} windows of {LOOKBACK} steps, batch {BATCH_SIZE}, {EPOCHS} epochs "
          "(wall-clock seconds, compilation included)")
    for label, value in times.items():
        print(f"  {label:<34} {value:7.1f} s")
    ratio = times[f"fit_seeds, {args.seeds} seeds"] / times["fit_seeds, 1 seed"]
    print(f"  wall({args.seeds} seeds) / wall(1 seed)     {ratio:7.2f}")
    return {**times, "ratio": ratio}


if __name__ == "__main__":
    main()
