"""bench.flops against independent counts: by hand, PyTorch's FLOP counter, and Keras' weight shapes."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from bench import flops as F

ROOT = Path(__file__).resolve().parent.parent

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

TORCH_LAYERS = {"SimpleRNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
COUNTS = {"SimpleRNN": F.simple_rnn_flops, "LSTM": F.lstm_flops, "GRU": F.gru_flops}


def counted(step) -> int:
    """Matmul FLOPs PyTorch's dispatcher sees while ``step()`` runs (oneDNN off, so none is hidden)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # oneDNN's note about Intel GPUs
        with torch.backends.mkldnn.flags(enabled=False), FlopCounterMode(display=False) as counter:
            step()
    return counter.get_total_flops()


def initial_state(kind: str, layers: int, batch: int, units: int):
    """A zero initial state that asks for its gradient, so backward runs every GEMM."""
    def zeros():
        return torch.zeros(layers, batch, units, requires_grad=True)

    return (zeros(), zeros()) if kind == "LSTM" else zeros()


def test_one_step_by_hand():
    # SimpleRNN, 1 input, 2 units, one step of one sequence: x (1x1) @ W_x (1x2) and h (1x2) @ W_h (2x2).
    assert F.simple_rnn_flops(1, 1, 1, 2) == 2 * 1 * 1 * 2 + 2 * 1 * 2 * 2 == 12
    # An LSTM does the same products for 4 gates at once: W_x (1x8), W_h (2x8).
    assert F.lstm_flops(1, 1, 1, 2) == 2 * 1 * 1 * 8 + 2 * 1 * 2 * 8 == 48
    assert F.gru_flops(1, 1, 1, 2) == 2 * 1 * 1 * 6 + 2 * 1 * 2 * 6 == 36
    assert F.dense_flops(1, 3, 1) == 6
    assert F.gemm_flops(2, 3, 4) == 48


@pytest.mark.parametrize("kind", list(TORCH_LAYERS))
@pytest.mark.parametrize("batch, steps, features, units", [(1, 1, 1, 2), (4, 7, 3, 5), (2, 12, 1, 9)])
def test_forward_matches_pytorch_counter(kind, batch, steps, features, units):
    layer = TORCH_LAYERS[kind](features, units, batch_first=True)
    x = torch.randn(batch, steps, features)
    assert counted(lambda: layer(x)) == COUNTS[kind](batch, steps, features, units)


def test_stacked_nn_rnn_and_linear_match_pytorch_counter():
    rnn = nn.RNN(6, 4, num_layers=3)  # layer 0 reads 6 features, layers 1-2 read 4 states
    x = torch.randn(9, 2, 6)  # (time, batch, features)
    assert counted(lambda: rnn(x)) == F.torch_rnn_flops(2, 9, 6, 4, layers=3)
    linear = nn.Linear(4, 3)
    assert counted(lambda: linear(torch.randn(5, 4))) == F.dense_flops(5, 4, 3)


@pytest.mark.parametrize("kind", list(TORCH_LAYERS))
def test_forward_and_backward_is_three_forwards(kind):
    batch, steps, features, units, layers = 3, 5, 2, 4, 2
    layer = TORCH_LAYERS[kind](features, units, num_layers=layers, batch_first=True)
    x = torch.randn(batch, steps, features, requires_grad=True)
    state = initial_state(kind, layers, batch, units)

    def train_step():
        outputs, _ = layer(x, state)
        outputs.sum().backward()

    forward = (COUNTS[kind](batch, steps, features, units)
               + COUNTS[kind](batch, steps, units, units) * (layers - 1))
    assert counted(train_step) == F.BACKWARD_FACTOR * forward == 3 * forward


def test_training_counts_every_batch_at_its_real_size():
    samples, batch_size, epochs, steps, units = 10, 4, 2, 6, 5
    rnn, out = nn.RNN(1, units, batch_first=True), nn.Linear(units, 1)
    x = torch.randn(samples, steps, 1, requires_grad=True)
    y = torch.randn(samples, 1)

    def train():
        for _ in range(epochs):
            for start in range(0, samples, batch_size):  # batches of 4, 4 and 2
                batch = slice(start, start + batch_size)
                size = len(x[batch])
                states, _ = rnn(x[batch], torch.zeros(1, size, units, requires_grad=True))
                nn.functional.mse_loss(out(states[:, -1]), y[batch]).backward()

    def forward(b):
        return F.simple_rnn_flops(b, steps, 1, units) + F.dense_flops(b, units, 1)

    assert counted(train) == F.training_flops(forward, samples, batch_size, epochs)
    # The last, partial batch counts at its size, not at the full batch size.
    assert F.training_flops(lambda b: b * b, 10, 4, 1) == 3 * (16 + 16 + 4)
    assert F.training_flops(lambda b: b, 8, 4, 5) == 3 * 5 * 8


@pytest.mark.parametrize("kind", list(COUNTS))
def test_linear_in_steps_and_batch(kind):
    count = COUNTS[kind]
    assert count(3, 14, 2, 5) == 2 * count(3, 7, 2, 5)
    assert count(6, 7, 2, 5) == 2 * count(3, 7, 2, 5)
    assert count(3, 7, 2, 5) > count(3, 7, 1, 5)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_sizes_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match="positive integer"):
        F.simple_rnn_flops(bad, 5, 1, 3)
    with pytest.raises(ValueError, match="positive integer"):
        F.training_flops(lambda b: b, 10, bad, 1)


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("kind", list(COUNTS))
def test_gates_match_keras_weight_shapes(keras, kind):
    batch, steps, features, units = 2, 7, 3, 5
    layer = getattr(keras.layers, kind)(units)
    layer.build((batch, steps, features))
    kernel, recurrent = layer.cell.kernel, layer.cell.recurrent_kernel  # (d, g*u) and (u, g*u)
    by_shape = 2 * batch * steps * (int(kernel.shape[0] * kernel.shape[1])
                                    + int(recurrent.shape[0] * recurrent.shape[1]))
    assert COUNTS[kind](batch, steps, features, units) == by_shape


def keras_forward_by_weights(model) -> int:
    """Forward matmul FLOPs of one sample through a Keras Sequential, from its weight shapes alone."""
    steps, total, per_step = model.input_shape[1], 0, True
    for layer in model.layers:
        cell = getattr(layer, "cell", None)
        if cell is not None:
            total += 2 * steps * (int(cell.kernel.shape[0] * cell.kernel.shape[1])
                                  + int(cell.recurrent_kernel.shape[0] * cell.recurrent_kernel.shape[1]))
            per_step = layer.return_sequences
        elif hasattr(layer, "kernel"):
            total += 2 * (steps if per_step else 1) * int(layer.kernel.shape[0] * layer.kernel.shape[1])
    return total


def test_reference_keras_models_match_their_counts(keras):
    from bench.reference import EXPERIMENTS

    checked = 0
    for key, experiment in EXPERIMENTS.items():
        if key == "goog_torch_article":
            continue
        model = experiment.model()
        assert experiment.forward(1) == keras_forward_by_weights(model), key
        assert experiment.forward(32) == 32 * experiment.forward(1), key
        checked += 1
    assert checked == 8


def test_article_torch_model_matches_pytorch_counter():
    from bench.reference import EXPERIMENTS
    from helpers import holdout_windows, load_dataset

    experiment = EXPERIMENTS["goog_torch_article"]
    prices = load_dataset("goog")["close"].to_numpy()
    windows = len(holdout_windows(prices, 50).train.x)
    model = experiment.model()
    x = torch.randn(windows, 1, 50, requires_grad=True)  # one sequence of `windows` steps
    state = initial_state("SimpleRNN", 2, 1, 40)

    def train_step():
        output, _ = model(x, state)
        output.sum().backward()

    assert counted(train_step) == experiment.flops(smoke=True) == 3 * experiment.forward(1)
    assert experiment.flops() == 100 * experiment.flops(smoke=True)
