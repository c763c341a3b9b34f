"""Tests for helpers.sweep: seeds trained jointly in one JAX program equal seeds trained alone with model.fit.

Keras fixes its backend when it is first imported, so this module needs a
process whose first import of Keras happens here (``KERAS_BACKEND=jax python
-m pytest tests/test_helpers_sweep.py``); it skips itself otherwise (in the
full suite another module imports Keras on TensorFlow first). The fallback for
the other backends is checked in a TensorFlow subprocess.
"""

import os

_BACKEND_WAS_SET = "KERAS_BACKEND" in os.environ
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")
if not _BACKEND_WAS_SET:  # Keras has read it; keep it from the notebook kernels other tests start
    del os.environ["KERAS_BACKEND"]
if keras.backend.backend() != "jax":
    pytest.skip(f"helpers.sweep's vectorised path needs Keras on JAX, and Keras is on "
                f"{keras.backend.backend()!r} (KERAS_BACKEND, or another test module imported it first); "
                "run this module alone with KERAS_BACKEND=jax", allow_module_level=True)

import jax  # noqa: E402

from helpers.sweep import _fit_with_keras, fit_seeds, predict_seeds, vectorized  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = (1, 2, 3)
EPOCHS, BATCH = 5, 8
RNG = np.random.default_rng(7)
X = RNG.normal(size=(37, 6, 1)).astype("float32")  # four batches of 8, then one of 5
Y = (0.5 + RNG.normal(size=(37, 1))).astype("float32")
# Targets of the opposite sign: fitting Y makes these worse, so the best epoch is an early one.
VALIDATION = (X[:11], -Y[:11])

FALLBACK_SCRIPT = textwrap.dedent("""
    import os
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import keras, numpy as np
    from helpers.sweep import fit_seeds, predict_seeds, vectorized
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(13, 4, 1)).astype("float32"), rng.normal(size=(13, 1)).astype("float32")
    models = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((4, 1)), keras.layers.SimpleRNN(2), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        models.append(model)
    before = [m.get_weights()[0].copy() for m in models]
    histories = fit_seeds(models, x, y, epochs=2, batch_size=4, validation_data=(x[:5], y[:5]),
                          restore_best_weights=True)
    assert vectorized() is False
    assert [len(h["loss"]) for h in histories] == [2, 2] and all(len(h["val_loss"]) == 2 for h in histories)
    assert all(not np.array_equal(m.get_weights()[0], b) for m, b in zip(models, before))
    assert predict_seeds(models, x).shape == (2, 13, 1)
    print("FALLBACK OK", keras.backend.backend())
""")


@pytest.fixture(scope="module", autouse=True)
def compilation_cache(tmp_path_factory):
    """For speed only: JAX's persistent compilation cache, for this module's tests.

    With it the 2nd and 3rd seed's ``model.fit`` reuse the program compiled for
    the 1st (the same computation; only the numbers in the variables differ).
    """
    from jax.experimental.compilation_cache import compilation_cache

    options = {"jax_compilation_cache_dir": str(tmp_path_factory.mktemp("jax-cache")),
               "jax_persistent_cache_min_compile_time_secs": 0,
               "jax_persistent_cache_min_entry_size_bytes": 0}
    previous = {name: getattr(jax.config, name) for name in options}
    for name, value in options.items():
        jax.config.update(name, value)
    compilation_cache.reset_cache()  # in case something was compiled before: look at the settings again
    yield
    for name, value in previous.items():
        jax.config.update(name, value)
    compilation_cache.reset_cache()


@pytest.fixture(scope="module", autouse=True)
def fallback_run():
    """The TensorFlow subprocess, started first so that it runs while the JAX tests compile."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", FALLBACK_SCRIPT], cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    yield process
    process.kill()
    process.communicate()


def build(seed: int, kind: str = "simple", loss="mse", optimizer=None) -> keras.Model:
    """A tiny model of the given kind, built and compiled right after seeding, as the book does."""
    keras.utils.set_random_seed(seed)
    layers = {
        "simple": lambda: [keras.layers.SimpleRNN(4)],
        "gated": lambda: [keras.layers.GRU(3)],
        "dropout": lambda: [keras.layers.SimpleRNN(4), keras.layers.Dropout(0.3)],
        "wider": lambda: [keras.layers.SimpleRNN(5)],
        # Same weight shapes as "simple" or "dropout", different settings:
        "relu": lambda: [keras.layers.SimpleRNN(4, activation="relu")],
        "half-dropout": lambda: [keras.layers.SimpleRNN(4), keras.layers.Dropout(0.5)],
        "recurrent-dropout": lambda: [keras.layers.SimpleRNN(4, recurrent_dropout=0.3)],
    }[kind]()
    model = keras.Sequential([keras.Input((6, 1)), *layers, keras.layers.Dense(1)])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(0.01), loss=loss)
    return model


def assert_same_models(models, expected, rtol=1e-5, atol=1e-6):
    for model, other in zip(models, expected, strict=True):
        for weights, other_weights in zip(model.get_weights(), other.get_weights(), strict=True):
            np.testing.assert_allclose(weights, other_weights, rtol=rtol, atol=atol)


def assert_same_histories(histories, expected, rtol=1e-5):
    for history, other in zip(histories, expected, strict=True):
        assert history.keys() == other.keys()
        for key in history:
            np.testing.assert_allclose(history[key], other[key], rtol=rtol)


def test_vectorized_on_jax():
    assert vectorized() is True


def one_model_fit_per_seed(kind: str, validation=None, restore_best_weights: bool = False):
    """The oracle: each seed's model built and trained alone by Keras' own model.fit."""
    models, histories = [], []
    for seed in SEEDS:
        model = build(seed, kind)
        callbacks = []
        if restore_best_weights:
            callbacks.append(keras.callbacks.EarlyStopping(restore_best_weights=True, patience=EPOCHS))
        histories.append(model.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0,
                                   validation_data=validation, callbacks=callbacks).history)
        models.append(model)
    return models, histories


@pytest.mark.parametrize(
    ("kind", "validation", "restore_best_weights"),
    [("simple", None, False), ("gated", None, False), ("simple", VALIDATION, True)],
    ids=["SimpleRNN", "GRU", "SimpleRNN-validation-restore-best"],
)
def test_joint_training_equals_one_model_fit_per_seed(kind, validation, restore_best_weights):
    alone, expected = one_model_fit_per_seed(kind, validation, restore_best_weights)
    jointly = [build(seed, kind) for seed in SEEDS]
    histories = fit_seeds(jointly, X, Y, epochs=EPOCHS, batch_size=BATCH, shuffle=False,
                          validation_data=validation, restore_best_weights=restore_best_weights)
    assert_same_histories(histories, expected)
    assert_same_models(jointly, alone)
    for model, other in zip(jointly, alone, strict=True):  # the optimizer state is written back too
        assert int(model.optimizer.iterations) == int(other.optimizer.iterations) == EPOCHS * 5
    if restore_best_weights:
        best_epochs = [int(np.argmin(h["val_loss"])) for h in histories]
        assert min(best_epochs) < EPOCHS - 1, "an early epoch should be the best, or this tests nothing"


@pytest.fixture(scope="module")
def shuffled():
    """Seeds trained jointly with shuffling, validation and restore-best; and alone, by the fallback loop."""
    jointly = [build(seed) for seed in SEEDS]
    histories = fit_seeds(jointly, X, Y, epochs=EPOCHS, batch_size=BATCH, shuffle=True, shuffle_seed=4,
                          validation_data=VALIDATION, restore_best_weights=True)
    # What the other backends run (one model.fit per seed and epoch), here on JAX, with the same orders.
    rng = np.random.default_rng(4)
    orders = np.stack([rng.permutation(len(X)) for _ in range(EPOCHS)])
    alone = [build(seed) for seed in SEEDS]
    expected = [_fit_with_keras(model, X, Y, orders, BATCH, VALIDATION, True) for model in alone]
    return (jointly, histories), (alone, expected)


def test_shuffled_training_equals_model_fit_on_each_epochs_order(shuffled):
    (jointly, histories), (alone, expected) = shuffled
    assert_same_histories(histories, expected)
    assert_same_models(jointly, alone)


def test_restore_best_weights_keeps_each_seeds_best_epoch(shuffled):
    (models, histories), _ = shuffled
    assert min(int(np.argmin(h["val_loss"])) for h in histories) < EPOCHS - 1
    for prediction, history in zip(predict_seeds(models, VALIDATION[0]), histories, strict=True):
        val_loss = np.mean((prediction - VALIDATION[1]) ** 2)
        np.testing.assert_allclose(val_loss, min(history["val_loss"]), rtol=1e-5)


@pytest.fixture(scope="module")
def dropout_runs():
    """Dropout models, the same seeds trained twice."""
    runs = []
    for _ in range(2):
        models = [build(seed, "dropout") for seed in SEEDS]
        runs.append((models, fit_seeds(models, X, Y, epochs=EPOCHS, batch_size=BATCH)))
    return runs


def test_joint_training_is_reproducible_and_seeds_differ(dropout_runs):
    (first, first_histories), (second, second_histories) = dropout_runs
    assert_same_models(first, second, rtol=0, atol=0)
    assert first_histories == second_histories
    assert not np.allclose(first[0].get_weights()[0], first[1].get_weights()[0])
    assert first_histories[0]["loss"] != first_histories[1]["loss"]


def test_predict_seeds_equals_model_predict(dropout_runs):
    models, _ = dropout_runs[0]
    expected = np.stack([model.predict(X, verbose=0) for model in models])
    np.testing.assert_allclose(predict_seeds(models, X), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predict_seeds(models, X, batch_size=16), expected, rtol=1e-5, atol=1e-6)


def _models():
    return [build(seed) for seed in SEEDS[:2]]


@pytest.mark.parametrize(
    ("change", "word"),
    [
        (lambda a: {**a, "models": []}, "models"),
        (lambda a: {**a, "models": [a["models"][0], build(2, "wider")]}, "architecture"),
        (lambda a: {**a, "models": [a["models"][0], build(2, "relu")]}, "architecture"),
        (lambda a: {**a, "models": [a["models"][0], build(2, "recurrent-dropout")]}, "architecture"),
        (lambda a: {**a, "models": [build(1, "dropout"), build(2, "half-dropout")]}, "architecture"),
        (lambda a: {**a, "models": [a["models"][0], build(2, optimizer="sgd")]}, "optimizer"),
        (lambda a: {**a, "models": [a["models"][0], build(2, loss="mae")]}, "loss"),
        (lambda a: {**a, "models": [a["models"][0], a["models"][0]]}, "more than once"),
        (lambda a: {**a, "y": Y[:-1]}, "same length"),
        (lambda a: {**a, "x": np.where(np.arange(37)[:, None, None] == 3, np.nan, X)}, "x contains NaN"),
        (lambda a: {**a, "y": np.where(np.arange(37)[:, None] == 3, np.nan, Y)}, "y contains NaN"),
        (lambda a: {**a, "batch_size": 0}, "batch_size"),
        (lambda a: {**a, "batch_size": 2.5}, "batch_size"),
        (lambda a: {**a, "epochs": True}, "epochs"),
        (lambda a: {**a, "epochs": -1}, "epochs"),
        (lambda a: {**a, "validation_data": (X[:5, :4], Y[:5])}, "validation_data"),
        (lambda a: {**a, "validation_data": (X[:5], Y[:4])}, "validation_data"),
        (lambda a: {**a, "validation_data": X[:5]}, "validation_data"),
        (lambda a: {**a, "restore_best_weights": True}, "restore_best_weights"),
    ],
)
def test_bad_arguments_are_refused(change, word):
    arguments = change({"models": _models(), "x": X, "y": Y, "epochs": 2, "batch_size": 8})
    with pytest.raises(ValueError, match=word):
        fit_seeds(**arguments)


NO_TENSORFLOW = textwrap.dedent("""
    import sys
    import keras
    import numpy as np
    from helpers import fit_seeds, seed_everything

    def build(seed):
        seed_everything(seed)
        model = keras.Sequential([keras.Input((6, 1)), keras.layers.GRU(3, dropout=0.1),
                                  keras.layers.Dropout(0.2), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.MeanSquaredError())
        return model

    x = np.random.default_rng(0).normal(size=(16, 6, 1)).astype("float32")
    fit_seeds([build(1), build(2)], x, x[:, -1], epochs=1, batch_size=8)
    print("tensorflow" in sys.modules)
""")


def test_fit_seeds_on_jax_does_not_import_tensorflow():
    """Checking that the models agree must not import TensorFlow (6 s, 800 MB), as get_config() does."""
    result = subprocess.run([sys.executable, "-c", NO_TENSORFLOW], cwd=REPO, capture_output=True,
                            text=True, env=dict(os.environ, KERAS_BACKEND="jax"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == "False"


def test_unsupported_loss_and_uncompiled_models_are_refused():
    with pytest.raises(ValueError, match="binary_crossentropy"):
        fit_seeds([build(seed, loss="binary_crossentropy") for seed in SEEDS[:2]], X, Y, epochs=1,
                  batch_size=8)
    keras.utils.set_random_seed(1)
    uncompiled = keras.Sequential([keras.Input((6, 1)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        fit_seeds([uncompiled], X, Y, epochs=1, batch_size=8)


def test_fallback_on_tensorflow_trains_with_model_fit(fallback_run):
    stdout, stderr = fallback_run.communicate(timeout=180)
    assert fallback_run.returncode == 0, stderr[-3000:]
    assert "FALLBACK OK tensorflow" in stdout
