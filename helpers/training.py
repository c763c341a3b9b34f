"""Train one Keras model per random seed: seed, build, then fit them all together.

A network's result depends on the random numbers it starts from, so the book
never trains a model once. :func:`train_seeds` builds one fresh model per
seed, each right after seeding, so that each starts from its own initial
weights and draws its own dropout masks, and trains them all on the same
windows with :func:`helpers.sweep.fit_seeds` (on the JAX backend, in one
compiled program, which costs far less than one run after another).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .repro import seed_everything
from .sweep import fit_seeds

__all__ = ["train_seeds"]


def train_seeds(build: Callable[[], object], x, y, *, seeds: Sequence[int], epochs: int, batch_size: int,
                shuffle_seed: int = 0, validation_data=None, restore_best_weights: bool = False):
    """One model per seed, built by ``build()`` right after seeding, all trained on ``(x, y)``.

    ``build`` returns a compiled Keras model. The seeds share the order of
    the training windows (shuffled every epoch from ``shuffle_seed``). With
    ``validation_data=(x_val, y_val)`` and ``restore_best_weights=True`` each
    model ends with the weights of its epoch with the lowest validation loss.
    Returns ``(models, histories)``: the trained models, and for each a dict
    with its ``"loss"`` per epoch (and ``"val_loss"``).

    Taught in chapter 3; used in chapters 4, 5, 6, 7 and 8.
    """
    models = []
    for seed in seeds:
        seed_everything(int(seed))
        models.append(build())
    histories = fit_seeds(models, x, y, epochs=epochs, batch_size=batch_size, shuffle_seed=shuffle_seed,
                          validation_data=validation_data, restore_best_weights=restore_best_weights)
    return models, histories
