"""What a seed sweep costs: one seed against ten trained together, and (``--one-by-one``) ten one by one.

For every article experiment that trains in batches of 8 or more (``SWEEP_KEYS``:
the GOOG Keras stack and the four electricity models), on the article's data
and model (``bench.reference``), with the article's epochs and batch size. In
one process, after a warm-up, three wall-clock times, compilation included:

* ``fit_seeds`` training one seed (42);
* ``fit_seeds`` training ``--seeds`` seeds (42, 43, ...) together;
* with ``--one-by-one`` (``make bench-full``), the same seeds trained one
  after another with a plain ``model.fit`` each.

``goog_torch`` is chapter 4's PyTorch model on the same GOOG windows
(``nn.RNN`` of 40 units, 2 layers, batches of 32, Adam at 0.01, 100 epochs):
one seed against ten trained together as one model with a seed dimension
(``helpers.torch_seeds``).

The models are built (each right after ``keras.utils.set_random_seed`` with
its seed, and compiled as the article compiles them) before the clock starts.
The process starts as a chapter does (``helpers.book.prepare_runtime``: the
book's Keras backend unless ``KERAS_BACKEND`` says otherwise, and the
chapters' thread settings). On JAX ``fit_seeds`` trains all seeds in one
compiled program; on TensorFlow or PyTorch it falls back to ``model.fit`` one
seed after another, and the line says so (``"vectorized": false``).

Usage (prints one line of JSON per experiment on stdout)::

    KERAS_BACKEND=jax python -m bench.sweep [KEY ...] [--seeds 10] [--epochs N] [--one-by-one] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from bench.reference import EXPERIMENTS, FIRST_SEED

__all__ = ["DEFAULT_SEEDS", "SWEEP_KEYS", "main", "sweep"]

SWEEP_KEYS = [key for key, e in EXPERIMENTS.items() if e.keras and e.batch_size >= 8]
TORCH_KEY = "goog_torch"  # chapter 4's window model, its seeds in one model (helpers.torch_seeds)
TORCH_TITLE = "GOOG: nn.RNN(1 -> 40, 2 layers) on windows of 50, batch 32, 100 epochs, PyTorch"
TORCH_SETTINGS = {"hidden": 40, "layers": 2, "epochs": 100, "batch_size": 32, "lr": 0.01}
DEFAULT_SEEDS = 10
SMOKE_SEEDS = 2


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def warm_up(keras, fit_seeds, x, y, batch_size: int) -> None:
    """Pay the process's one-time costs before timing (the framework's start, Keras' first trace).

    A one-unit network of the experiment's input shape is trained for one
    epoch on 64 windows by ``fit_seeds`` and by ``model.fit``, so neither timed
    run is the first of its kind in the process, while each still compiles
    its own model.
    """
    for train in (lambda m: fit_seeds([m], x[:64], y[:64], epochs=1, batch_size=batch_size),
                  lambda m: m.fit(x[:64], y[:64], epochs=1, batch_size=batch_size, verbose=0)):
        tiny = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.SimpleRNN(1),
                                 keras.layers.Dense(y.shape[1])])
        tiny.compile(optimizer="adam", loss="mse")
        train(tiny)


def sweep(key: str, *, seeds: int, epochs: int | None = None, smoke: bool = False,
          one_by_one: bool = False) -> dict:
    """The timings of one experiment, with what is needed to read them."""
    if key == TORCH_KEY:
        return torch_sweep(seeds=seeds, epochs=epochs, smoke=smoke)
    import keras

    from helpers.sweep import fit_seeds, vectorized

    experiment = EXPERIMENTS[key]
    if key not in SWEEP_KEYS:
        raise ValueError(f"{key} does not train in batches of 8 or more; sweeps: {', '.join(SWEEP_KEYS)}")
    epochs = epochs or (1 if smoke else experiment.epochs)
    x, y = experiment.train_arrays(smoke)
    fit = dict(epochs=epochs, batch_size=experiment.batch_size)

    def build(seed: int):
        keras.utils.set_random_seed(seed)
        return experiment.model()

    warm_up(keras, fit_seeds, x, y, experiment.batch_size)
    chosen = list(range(FIRST_SEED, FIRST_SEED + seeds))
    one, many = [build(FIRST_SEED)], [build(s) for s in chosen]
    alone = [build(s) for s in chosen] if one_by_one else []
    times = {
        "fit_seeds_1": _seconds(lambda: fit_seeds(one, x, y, **fit)),
        "fit_seeds_n": _seconds(lambda: fit_seeds(many, x, y, **fit)),
    }
    if one_by_one:
        times["one_by_one"] = _seconds(lambda: [model.fit(x, y, verbose=0, **fit) for model in alone])
    return {"key": key, "title": experiment.title, "backend": keras.backend.backend(),
            "framework": "keras", "vectorized": vectorized(), "seeds": seeds, "epochs": epochs,
            "batch_size": experiment.batch_size, "samples": len(x), "smoke": smoke,
            "flops_per_seed": experiment.flops(smoke, epochs=epochs),
            "seconds": times, "ratio": times["fit_seeds_n"] / times["fit_seeds_1"]}


def torch_sweep(*, seeds: int, epochs: int | None = None, smoke: bool = False) -> dict:
    """Chapter 4's PyTorch seeds: one seed, then ``seeds`` seeds as one seed-dimension model."""
    import torch
    from helpers.torch_seeds import train_rnn_seeds

    torch.set_num_threads(1)  # as the chapters run small models (helpers.book)
    settings = dict(TORCH_SETTINGS, epochs=epochs or (1 if smoke else TORCH_SETTINGS["epochs"]))
    x, y = (torch.from_numpy(a) for a in EXPERIMENTS["goog_keras"].train_arrays(smoke))
    train_rnn_seeds(x[:64], y[:64], seeds=[0], **dict(settings, epochs=1))  # the process's first call
    chosen = list(range(FIRST_SEED, FIRST_SEED + seeds))
    times = {
        "fit_seeds_1": _seconds(lambda: train_rnn_seeds(x, y, seeds=chosen[:1], **settings)),
        "fit_seeds_n": _seconds(lambda: train_rnn_seeds(x, y, seeds=chosen, **settings)),
    }
    return {"key": TORCH_KEY, "title": TORCH_TITLE, "backend": "torch", "framework": "torch",
            "vectorized": True, "seeds": seeds, "epochs": settings["epochs"],
            "batch_size": settings["batch_size"], "samples": len(x), "smoke": smoke,
            "seconds": times, "ratio": times["fit_seeds_n"] / times["fit_seeds_1"]}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keys", nargs="*", metavar="key", choices=[*SWEEP_KEYS, TORCH_KEY],
                        help=f"experiments (default: {' '.join(SWEEP_KEYS)}; {TORCH_KEY}: PyTorch)")
    parser.add_argument("--seeds", type=int, default=None,
                        help=f"seeds in the sweep (default {DEFAULT_SEEDS}; {SMOKE_SEEDS} with --smoke)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per seed (default: the article's; 1 with --smoke)")
    parser.add_argument("--one-by-one", action="store_true",
                        help="also train the seeds one after another with model.fit (Keras only)")
    parser.add_argument("--smoke", action="store_true", help="one epoch, two seeds")
    args = parser.parse_args(argv)
    seeds = args.seeds or (SMOKE_SEEDS if args.smoke else DEFAULT_SEEDS)
    if seeds < 2 or (args.epochs is not None and args.epochs < 1):
        parser.error("a sweep needs --seeds of at least 2 and --epochs of at least 1")

    from helpers.book import prepare_runtime

    prepare_runtime()  # as the chapters start: the backend and thread settings before the frameworks load
    lines = []
    for key in args.keys or SWEEP_KEYS:
        # Anything the frameworks print goes to stderr: stdout carries the JSON lines alone.
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
        try:
            line = sweep(key, seeds=seeds, epochs=args.epochs, smoke=args.smoke,
                         one_by_one=args.one_by_one)
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        print(json.dumps(line, allow_nan=False), flush=True)
        lines.append(line)
    return lines


if __name__ == "__main__":
    main()
