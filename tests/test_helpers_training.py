"""train_seeds: seeding, building and fitting as the chapters do it, against its oracle."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.sweep import fit_seeds
from helpers.training import train_seeds


def build() -> keras.Model:
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6, 1)).astype("float32")
    return x, x[:, -1, :] * 0.5


def weights(models):
    return [w for model in models for w in model.get_weights()]


def test_each_seed_starts_from_its_own_weights(data):
    x, y = data
    models, histories = train_seeds(build, x, y, seeds=[3, 4], epochs=2, batch_size=8)
    assert len(models) == 2 and all(len(h["loss"]) == 2 for h in histories)
    assert not np.allclose(models[0].get_weights()[0], models[1].get_weights()[0])
    again, _ = train_seeds(build, x, y, seeds=[3, 4], epochs=2, batch_size=8)
    for a, b in zip(weights(models), weights(again), strict=True):
        np.testing.assert_array_equal(a, b)  # the same seeds again: the same weights


@pytest.mark.parametrize("shuffle_seed", [0, 11])
def test_train_seeds_is_seeding_then_fit_seeds(data, shuffle_seed):
    """The oracle: build each model right after Keras' own seeding, then fit_seeds."""
    x, y = data
    models, histories = train_seeds(build, x, y, seeds=[5, 6], epochs=3, batch_size=8,
                                    shuffle_seed=shuffle_seed)
    expected = []
    for seed in (5, 6):
        keras.utils.set_random_seed(seed)
        expected.append(build())
    expected_histories = fit_seeds(expected, x, y, epochs=3, batch_size=8, shuffle_seed=shuffle_seed)
    for got, want in zip(weights(models), weights(expected), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose([h["loss"] for h in histories], [h["loss"] for h in expected_histories],
                               rtol=1e-6)


def test_early_stopping_is_passed_through(data):
    x, y = data
    _, histories = train_seeds(build, x, y, seeds=[1, 2], epochs=3, batch_size=8,
                               validation_data=(x[:10], -y[:10]), restore_best_weights=True)
    assert all(len(h["val_loss"]) == 3 for h in histories)
