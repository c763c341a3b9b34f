"""Train a Keras model the way every chapter does: seed, build, fit; and predict with it.

A network's result depends on the random numbers it starts from, so the book
never trains a model once. :func:`train_seeds` builds one fresh model per
seed (each right after seeding, so each starts from its own initial weights)
and trains them all on the same windows; on the JAX backend it trains them
together in one compiled program (:func:`helpers.sweep.fit_seeds`), which
costs far less than one run after another. :func:`train` is the one-seed
case. :func:`predict` returns the forecasts of one model, shape ``(n, outputs)``,
or of a list of models, shape ``(seeds, n, outputs)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .repro import seed_everything
from .sweep import fit_seeds, predict_seeds

__all__ = ["Trained", "predict", "train", "train_seeds"]


@dataclass
class Trained:
    """A trained model, the seed it started from and its loss per epoch (``history["loss"]``)."""

    model: object
    seed: int
    history: dict[str, list[float]]


def train_seeds(build: Callable[[], object], x, y, *, seeds: Sequence[int], epochs: int, batch_size: int,
                validation_data=None, restore_best_weights: bool = False) -> list[Trained]:
    """One model per seed, built by ``build()`` right after seeding, trained on ``(x, y)``.

    ``build`` returns a compiled Keras model. The seeds share the order of the
    training windows (shuffled every epoch); each has its own initial weights
    and its own dropout draws. With ``validation_data=(x_val, y_val)`` and
    ``restore_best_weights=True``, each model ends with the weights of its
    epoch with the lowest validation loss (early stopping).
    """
    models = []
    for seed in seeds:
        seed_everything(seed)
        models.append(build())
    histories = fit_seeds(models, x, y, epochs=epochs, batch_size=batch_size,
                          validation_data=validation_data, restore_best_weights=restore_best_weights)
    return [Trained(model, int(seed), history)
            for model, seed, history in zip(models, seeds, histories, strict=True)]


def train(build: Callable[[], object], x, y, *, seed: int, epochs: int, batch_size: int,
          validation_data=None, restore_best_weights: bool = False) -> Trained:
    """:func:`train_seeds` for a single seed."""
    (trained,) = train_seeds(build, x, y, seeds=[seed], epochs=epochs, batch_size=batch_size,
                             validation_data=validation_data, restore_best_weights=restore_best_weights)
    return trained


def predict(trained, x) -> np.ndarray:
    """Forecasts for the windows ``x``: ``(n, outputs)`` for one model, ``(seeds, n, outputs)`` for a list.

    ``trained`` is a :class:`Trained`, a Keras model, or a list of either.
    """
    if isinstance(trained, Sequence):
        return predict_seeds([getattr(t, "model", t) for t in trained], x)
    return predict_seeds([getattr(trained, "model", trained)], x)[0]
