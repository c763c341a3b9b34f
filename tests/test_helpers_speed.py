"""The speed settings leave training results unchanged (exactly, or to float rounding with XLA)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")

from helpers.speed import (  # noqa: E402
    STEPS_PER_EXECUTION,
    draws_random_numbers,
    keras_speed_options,
    use_small_model_threads,
)


def _model(*layers):
    return keras.Sequential([keras.Input((6, 1)), *layers, keras.layers.Dense(1)])


@pytest.mark.parametrize(
    ("layers", "random"),
    [
        (lambda: [keras.layers.SimpleRNN(3)], False),
        (lambda: [keras.layers.LSTM(3, return_sequences=True), keras.layers.Dropout(0.0),
                  keras.layers.GRU(2)], False),
        (lambda: [keras.layers.SimpleRNN(3), keras.layers.Dropout(0.2)], True),
        (lambda: [keras.layers.LSTM(3, dropout=0.1)], True),
        (lambda: [keras.layers.GRU(3, recurrent_dropout=0.1)], True),
        (lambda: [keras.layers.GaussianNoise(0.1), keras.layers.SimpleRNN(3)], True),
    ],
)
def test_random_layers_are_found(layers, random):
    assert draws_random_numbers(_model(*layers())) is random


def test_options_per_kind_of_model():
    plain = _model(keras.layers.SimpleRNN(3))
    noisy = _model(keras.layers.SimpleRNN(3), keras.layers.Dropout(0.5))
    assert keras_speed_options(plain) == {"steps_per_execution": STEPS_PER_EXECUTION, "jit_compile": True}
    assert keras_speed_options(noisy)["jit_compile"] == "auto"
    assert keras_speed_options(plain, xla=False)["jit_compile"] == "auto"
    assert keras_speed_options(plain, eager=True) == {"run_eagerly": True}
    plain.layers[0].supports_jit = False  # as Keras marks a cuDNN LSTM on a GPU
    assert keras_speed_options(plain)["jit_compile"] == "auto"


def _losses(build, options, seed=3):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(37, 6, 1)).astype("float32")  # 10 batches of 4, the last one short
    y = rng.normal(size=(37, 1)).astype("float32")
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer="adam", loss="mse", **options)
    return np.array(model.fit(x, y, epochs=3, batch_size=4, verbose=0).history["loss"])


def test_steps_per_execution_gives_identical_losses_with_dropout():
    def build():
        return _model(keras.layers.LSTM(4, return_sequences=True), keras.layers.Dropout(0.3),
                      keras.layers.SimpleRNN(3))

    options = keras_speed_options(build())
    assert options["steps_per_execution"] > 10  # several batches per call, so the test means something
    np.testing.assert_array_equal(_losses(build, options), _losses(build, {}))


def test_xla_changes_a_model_without_dropout_by_rounding_only():
    def build():
        return _model(keras.layers.SimpleRNN(3, activation="tanh"))

    options = keras_speed_options(build())
    assert options["jit_compile"] is True
    fast, plain = _losses(build, options), _losses(build, {})
    np.testing.assert_allclose(fast, plain, rtol=1e-5)
    assert not np.array_equal(_losses(build, {}, seed=4), plain)  # a different seed is not "rounding"


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "1"])
def test_bad_thread_counts_are_refused(threads):
    with pytest.raises(ValueError, match="positive integer"):
        use_small_model_threads(threads)


def test_threads_are_set_before_tensorflow_starts_and_refused_after():
    script = textwrap.dedent("""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import tensorflow as tf, torch
        from helpers.speed import use_small_model_threads
        use_small_model_threads(1)
        tf.constant(1.0) + 1  # TensorFlow starts here
        use_small_model_threads(1)  # same setting again: fine
        assert tf.config.threading.get_intra_op_parallelism_threads() == 1
        assert torch.get_num_threads() == 1
        try:
            use_small_model_threads(2)
        except RuntimeError as error:
            print("REFUSED", error)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "REFUSED" in done.stdout and "right after the imports" in done.stdout
