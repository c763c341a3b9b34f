"""Tests for helpers.numpy_rnn, checked against Keras SimpleRNN and PyTorch nn.RNN."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import helpers  # noqa: E402
from helpers.numpy_rnn import from_keras_simple_rnn, rnn_forward, to_torch_rnn  # noqa: E402

RNG = np.random.default_rng(20240611)
BATCH, STEPS, FEATURES, HIDDEN = 4, 7, 3, 5


def random_weights(dtype=np.float64, scale=0.6):
    return (
        (scale * RNG.normal(size=(HIDDEN, FEATURES))).astype(dtype),
        (scale * RNG.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)).astype(dtype),
        (0.3 * RNG.normal(size=HIDDEN)).astype(dtype),
    )


def keras_layer(W_x, W_h, b_h, activation):
    """An oracle: a Keras SimpleRNN returning every state, loaded with Keras-shaped weights."""
    layer = keras.layers.SimpleRNN(HIDDEN, activation=activation, return_sequences=True)
    layer.build((None, None, FEATURES))
    layer.set_weights([W_x.T, W_h.T, b_h])
    return layer


def torch_oracle(x, W_x, W_h, b_h, nonlinearity, h0=None):
    """An oracle: a fresh nn.RNN with the weights copied by hand, bias split in two halves."""
    rnn = torch.nn.RNN(FEATURES, HIDDEN, nonlinearity=nonlinearity, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_x))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_h))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h / 2))
        rnn.bias_hh_l0.copy_(torch.from_numpy(b_h / 2))
        initial = None if h0 is None else torch.from_numpy(h0)[None]
        states, _ = rnn(torch.from_numpy(x), initial)
    return states.numpy()


@pytest.mark.parametrize("activation", ["tanh", "linear", "relu"])
def test_matches_keras_simple_rnn(activation):
    W_x, W_h, b_h = random_weights(np.float32)
    x = RNG.normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)
    expected = np.asarray(keras_layer(W_x, W_h, b_h, activation)(x))
    states = rnn_forward(x, W_x, W_h, b_h, activation=activation)
    assert states.shape == (BATCH, STEPS, HIDDEN)
    assert states.dtype == np.float32
    np.testing.assert_allclose(states, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_matches_torch_rnn_in_float64(nonlinearity):
    W_x, W_h, b_h = random_weights()
    x = RNG.normal(size=(BATCH, STEPS, FEATURES))
    states = rnn_forward(x, W_x, W_h, b_h, activation=nonlinearity)
    assert states.dtype == np.float64
    np.testing.assert_allclose(states, torch_oracle(x, W_x, W_h, b_h, nonlinearity), rtol=1e-12, atol=1e-12)


def test_initial_state_matches_torch_and_keras():
    W_x, W_h, b_h = random_weights()
    x = RNG.normal(size=(BATCH, STEPS, FEATURES))
    h0 = RNG.normal(size=(BATCH, HIDDEN))
    states = rnn_forward(x, W_x, W_h, b_h, h0=h0)
    np.testing.assert_allclose(states, torch_oracle(x, W_x, W_h, b_h, "tanh", h0=h0), rtol=1e-12, atol=1e-12)
    layer = keras_layer(*(w.astype(np.float32) for w in (W_x, W_h, b_h)), "tanh")
    expected = np.asarray(layer(x.astype(np.float32), initial_state=[h0.astype(np.float32)]))
    np.testing.assert_allclose(states, expected, rtol=1e-4, atol=1e-5)
    # One initial state of shape (hidden,) is shared by every sequence of the batch.
    shared = rnn_forward(x, W_x, W_h, b_h, h0=h0[0])
    np.testing.assert_allclose(shared[0], states[0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(shared, rnn_forward(x, W_x, W_h, b_h, h0=np.tile(h0[0], (BATCH, 1))))


def test_one_sequence_is_a_batch_of_one():
    W_x, W_h, b_h = random_weights()
    x = RNG.normal(size=(STEPS, FEATURES))
    states = rnn_forward(x, W_x, W_h, b_h)
    assert states.shape == (1, STEPS, HIDDEN)
    np.testing.assert_array_equal(states, rnn_forward(x[None], W_x, W_h, b_h))


def test_loop_is_the_textbook_recursion():
    """h_t = tanh(W_x x_t + W_h h_{t-1} + b_h) with column vectors, one step at a time."""
    W_x, W_h, b_h = random_weights()
    x = RNG.normal(size=(STEPS, FEATURES))
    h = np.zeros(HIDDEN)
    expected = []
    for t in range(STEPS):
        h = np.tanh(W_x @ x[t] + W_h @ h + b_h)
        expected.append(h)
    np.testing.assert_allclose(rnn_forward(x, W_x, W_h, b_h)[0], np.array(expected), rtol=1e-13, atol=1e-15)


def test_float32_and_float64_inputs():
    W_x, W_h, b_h = random_weights(np.float32)
    x32 = RNG.normal(size=(STEPS, FEATURES)).astype(np.float32)
    assert rnn_forward(x32, W_x, W_h, b_h).dtype == np.float32
    assert rnn_forward(x32.astype(np.float64), W_x, W_h, b_h).dtype == np.float64
    assert rnn_forward(x32, W_x, W_h, b_h, h0=np.zeros(HIDDEN)).dtype == np.float64
    assert rnn_forward([[1], [2], [3]], [[0.5]], [[0.5]], [0.0], activation="linear").dtype == np.float64


def test_from_keras_simple_rnn_gives_book_notation():
    model = keras.Sequential([keras.Input((STEPS, FEATURES)), keras.layers.SimpleRNN(HIDDEN)])
    layer = model.layers[0]
    W_x, W_h, b_h = from_keras_simple_rnn(layer)
    assert W_x.shape == (HIDDEN, FEATURES) and W_h.shape == (HIDDEN, HIDDEN) and b_h.shape == (HIDDEN,)
    kernel, recurrent_kernel, bias = layer.get_weights()
    np.testing.assert_array_equal(W_x, kernel.T)
    np.testing.assert_array_equal(W_h, recurrent_kernel.T)
    np.testing.assert_array_equal(b_h, bias)
    x = RNG.normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)
    last = rnn_forward(x, W_x, W_h, b_h)[:, -1]
    np.testing.assert_allclose(last, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_from_keras_simple_rnn_without_bias():
    layer = keras.layers.SimpleRNN(HIDDEN, use_bias=False)
    layer.build((None, STEPS, FEATURES))
    W_x, W_h, b_h = from_keras_simple_rnn(layer)
    np.testing.assert_array_equal(b_h, np.zeros(HIDDEN, dtype=np.float32))
    x = RNG.normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)
    last = rnn_forward(x, W_x, W_h, b_h)[:, -1]
    np.testing.assert_allclose(last, np.asarray(layer(x)), rtol=1e-5, atol=1e-6)


def test_from_keras_simple_rnn_refuses_other_layers():
    lstm = keras.layers.LSTM(HIDDEN)
    lstm.build((None, STEPS, FEATURES))
    with pytest.raises(ValueError, match="expected a keras.layers.SimpleRNN layer, got LSTM"):
        from_keras_simple_rnn(lstm)
    with pytest.raises(ValueError, match="no weights yet: build it first"):
        from_keras_simple_rnn(keras.layers.SimpleRNN(HIDDEN))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_to_torch_rnn_matches_rnn_forward(dtype, nonlinearity):
    W_x, W_h, b_h = random_weights(dtype)
    rnn = to_torch_rnn(W_x, W_h, b_h, nonlinearity=nonlinearity)
    assert rnn.batch_first and rnn.nonlinearity == nonlinearity
    expected_dtype = torch.float64 if dtype == np.float64 else torch.float32
    assert rnn.weight_ih_l0.dtype == expected_dtype
    np.testing.assert_array_equal(rnn.weight_ih_l0.detach().numpy(), W_x)
    np.testing.assert_array_equal(rnn.weight_hh_l0.detach().numpy(), W_h)
    np.testing.assert_array_equal((rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy(), b_h)
    x = RNG.normal(size=(BATCH, STEPS, FEATURES)).astype(dtype)
    with torch.no_grad():
        states, last = rnn(torch.from_numpy(x))
    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    expected = rnn_forward(x, W_x, W_h, b_h, activation=nonlinearity)
    np.testing.assert_allclose(states.numpy(), expected, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(last[0].numpy(), expected[:, -1], rtol=tolerance, atol=tolerance)


def test_keras_to_torch_round_trip():
    layer = keras.layers.SimpleRNN(HIDDEN, return_sequences=True)
    layer.build((None, STEPS, FEATURES))
    layer.set_weights([w + 0.1 for w in layer.get_weights()])  # a non-zero bias
    rnn = to_torch_rnn(*from_keras_simple_rnn(layer))
    x = RNG.normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)
    with torch.no_grad():
        states, _ = rnn(torch.from_numpy(x))
    np.testing.assert_allclose(states.numpy(), np.asarray(layer(x)), rtol=1e-5, atol=1e-6)


def test_exported_from_the_package():
    assert helpers.rnn_forward is rnn_forward
    assert helpers.from_keras_simple_rnn is from_keras_simple_rnn
    assert helpers.to_torch_rnn is to_torch_rnn


# ---- error paths -------------------------------------------------------------------------------

W_X, W_H, B_H = random_weights()
X = RNG.normal(size=(BATCH, STEPS, FEATURES))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros(STEPS)}, r"x must have shape \(T, features\) or \(batch, T, features\), got shape"),
        ({"x": np.zeros((1, BATCH, STEPS, FEATURES))}, r"got shape \(1, 4, 7, 3\)"),
        ({"x": np.zeros((BATCH, 0, FEATURES))}, "no time steps"),
        ({"x": np.zeros((BATCH, STEPS, FEATURES + 1))}, r"expects 3 input features, but x has 4"),
        ({"x": np.full((STEPS, FEATURES), np.nan)}, "x contains NaN or infinite values"),
        ({"x": np.full((STEPS, FEATURES), "a")}, "x must be numeric"),
        ({"W_x": W_X[0]}, r"W_x must have shape \(hidden, features\)"),
        ({"W_x": W_X.T}, "transpose a Keras kernel"),
        ({"W_h": W_H[:, :-1]}, r"W_h must have shape \(hidden, hidden\) = \(5, 5\), got \(5, 4\)"),
        ({"W_h": np.full_like(W_H, np.inf)}, "W_h contains NaN or infinite values"),
        ({"b_h": B_H[:-1]}, r"b_h must have shape \(hidden,\) = \(5,\), got \(4,\)"),
        ({"b_h": B_H[None]}, r"b_h must have shape \(hidden,\)"),
        ({"h0": np.zeros(HIDDEN + 1)},
         r"h0 must have shape \(hidden,\) = \(5,\) or \(batch, hidden\) = \(4, 5\)"),
        ({"h0": np.zeros((BATCH + 1, HIDDEN))}, r"got \(5, 5\)"),
        ({"activation": "sigmoid"}, r"activation must be one of \['linear', 'relu', 'tanh'\], got 'sigmoid'"),
        ({"activation": None}, "activation must be one of"),
    ],
)
def test_rnn_forward_refuses_bad_input(kwargs, message):
    arguments = {"x": X, "W_x": W_X, "W_h": W_H, "b_h": B_H} | kwargs
    with pytest.raises(ValueError, match=message):
        rnn_forward(**arguments)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((W_X[0], W_H, B_H), {}, r"W_x must have shape \(hidden, features\)"),
        ((W_X, W_H[:-1], B_H), {}, r"W_h must have shape \(hidden, hidden\)"),
        ((W_X, W_H, B_H[:-1]), {}, r"b_h must have shape \(hidden,\)"),
        ((W_X, W_H, np.full_like(B_H, np.nan)), {}, "b_h contains NaN"),
        ((W_X, W_H, B_H), {"nonlinearity": "linear"}, "supports nonlinearity 'tanh' or 'relu', got 'linear'"),
    ],
)
def test_to_torch_rnn_refuses_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_torch_rnn(*args, **kwargs)
