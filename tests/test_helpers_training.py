"""train / train_seeds / predict: seeding, building and fitting as the chapters do it."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.sweep import fit_seeds
from helpers.training import Trained, predict, train, train_seeds


def build() -> keras.Model:
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6, 1)).astype("float32")
    return x, x[:, -1, :] * 0.5


def test_each_seed_starts_from_its_own_weights(data):
    x, y = data
    runs = train_seeds(build, x, y, seeds=[3, 4], epochs=2, batch_size=8)
    assert [r.seed for r in runs] == [3, 4] and all(isinstance(r, Trained) for r in runs)
    assert all(len(r.history["loss"]) == 2 for r in runs)
    first, second = (r.model.get_weights()[0] for r in runs)
    assert not np.allclose(first, second)
    # The same seeds again: the same weights.
    again = train_seeds(build, x, y, seeds=[3, 4], epochs=2, batch_size=8)
    for a, b in zip(runs, again, strict=True):
        for wa, wb in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
            np.testing.assert_array_equal(wa, wb)


def test_train_seeds_is_seeding_then_fit_seeds(data):
    """The oracle: build each model right after keras' own seeding, then fit_seeds."""
    x, y = data
    runs = train_seeds(build, x, y, seeds=[5, 6], epochs=3, batch_size=8)
    models = []
    for seed in (5, 6):
        keras.utils.set_random_seed(seed)
        models.append(build())
    fit_seeds(models, x, y, epochs=3, batch_size=8)
    for run, model in zip(runs, models, strict=True):
        for got, want in zip(run.model.get_weights(), model.get_weights(), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_train_is_one_seed_and_predict_keeps_the_shapes(data):
    x, y = data
    run = train(build, x, y, seed=7, epochs=1, batch_size=16)
    assert run.seed == 7
    one = predict(run, x)
    assert one.shape == (40, 1)
    np.testing.assert_allclose(one, run.model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predict(run.model, x), one)
    both = predict([run, train(build, x, y, seed=8, epochs=1, batch_size=16)], x)
    assert both.shape == (2, 40, 1)
