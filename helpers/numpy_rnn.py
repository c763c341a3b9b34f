"""A plain-NumPy recurrent layer, and moving its weights to and from the frameworks.

The book writes a simple RNN as ``h_t = f(W_x x_t + W_h h_{t-1} + b_h)`` with
column vectors: ``W_x`` has shape ``(hidden, features)``, ``W_h`` shape
``(hidden, hidden)`` and ``b_h`` shape ``(hidden,)``. Keras stores the
transposes (``kernel`` is ``W_x.T``, ``recurrent_kernel`` is ``W_h.T``);
PyTorch stores ``W_x`` and ``W_h`` as they are but splits ``b_h`` into two
biases that are added.

Taught in chapters 1 and 2; used again in chapters 5 and 6 to check layers.
"""

from __future__ import annotations

import numpy as np

from .checks import finite

__all__ = ["ACTIVATIONS", "from_keras_simple_rnn", "rnn_forward", "to_torch_rnn"]

ACTIVATIONS = {
    "tanh": np.tanh,
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
}


def _array(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}")
    return finite(array, name)


def _activation(name: str):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def _checked_rnn_inputs(x, W_x, W_h, b_h, h0):
    """rnn_forward's inputs as arrays of one dtype, a batch axis added to x, and the initial state.

    Raises a ValueError naming the argument whose shape does not fit.
    """
    x, W_x, W_h, b_h = (_array(v, n) for v, n in ((x, "x"), (W_x, "W_x"), (W_h, "W_h"), (b_h, "b_h")))
    if x.ndim == 2:
        x = x[np.newaxis]
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (T, features) or (batch, T, features), got shape {x.shape}"
        )
    batch, steps, features = x.shape
    if steps == 0:
        raise ValueError("x has no time steps; a sequence needs T >= 1")
    if W_x.ndim != 2:
        raise ValueError(f"W_x must have shape (hidden, features), got shape {W_x.shape}")
    hidden = W_x.shape[0]
    if W_x.shape[1] != features:
        raise ValueError(
            f"W_x has shape {W_x.shape}, so it expects {W_x.shape[1]} input features, but x has "
            f"{features}; W_x must be (hidden, features) (transpose a Keras kernel)"
        )
    if W_h.shape != (hidden, hidden):
        raise ValueError(f"W_h must have shape (hidden, hidden) = {(hidden, hidden)}, got {W_h.shape}")
    if b_h.shape != (hidden,):
        raise ValueError(f"b_h must have shape (hidden,) = {(hidden,)}, got {b_h.shape}")
    dtype = np.result_type(x, W_x, W_h, b_h, np.float32)
    if h0 is None:
        h = np.zeros((batch, hidden), dtype=dtype)
    else:
        h0 = _array(h0, "h0")
        if h0.shape not in {(hidden,), (batch, hidden)}:
            raise ValueError(
                f"h0 must have shape (hidden,) = {(hidden,)} or (batch, hidden) = {(batch, hidden)}, "
                f"got {h0.shape}"
            )
        dtype = np.result_type(dtype, h0)
        h = np.broadcast_to(h0, (batch, hidden)).astype(dtype)
    x, W_x, W_h, b_h = (a.astype(dtype, copy=False) for a in (x, W_x, W_h, b_h))
    return x, W_x, W_h, b_h, h


def rnn_forward(x, W_x, W_h, b_h, h0=None, activation: str = "tanh") -> np.ndarray:
    """Run a simple RNN over a sequence and return every hidden state.

    Parameters
    ----------
    x
        Inputs of shape ``(T, features)`` for one sequence or
        ``(batch, T, features)`` for a batch.
    W_x, W_h, b_h
        Input weights ``(hidden, features)``, recurrent weights
        ``(hidden, hidden)`` and bias ``(hidden,)``, in the book's notation
        (not Keras' transposed ``kernel`` and ``recurrent_kernel``).
    h0
        Initial state of shape ``(hidden,)`` or ``(batch, hidden)``; zeros when
        ``None``, as in Keras and PyTorch.
    activation
        ``"tanh"`` (the default of both frameworks), ``"linear"`` or ``"relu"``.

    Returns
    -------
    The hidden states ``h_1 ... h_T`` with shape ``(batch, T, hidden)``; a
    single ``(T, features)`` sequence counts as a batch of one. The arithmetic
    is done in float32 when every input is float32, otherwise in float64.

    Taught in chapter 1; used in chapters 1, 2 and 4.
    """
    f = _activation(activation)
    x, W_x, W_h, b_h, h = _checked_rnn_inputs(x, W_x, W_h, b_h, h0)
    batch, steps, _ = x.shape
    states = np.empty((batch, steps, h.shape[1]), dtype=h.dtype)
    for t in range(steps):
        # Row-vector form of W_x x_t + W_h h_{t-1} + b_h for the whole batch at once.
        h = f(x[:, t] @ W_x.T + h @ W_h.T + b_h)
        states[:, t] = h
    return states


def from_keras_simple_rnn(layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W_x, W_h, b_h)`` in the book's notation from a built Keras ``SimpleRNN`` layer.

    Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias``, so
    ``W_x = kernel.T`` and ``W_h = recurrent_kernel.T``. A layer built with
    ``use_bias=False`` gives a zero ``b_h``.

    Taught in chapter 1; used in chapters 1 and 2.
    """
    if type(layer).__name__ != "SimpleRNN":
        raise ValueError(f"expected a keras.layers.SimpleRNN layer, got {type(layer).__name__}")
    weights = layer.get_weights()
    if len(weights) not in (2, 3):
        raise ValueError(
            "the SimpleRNN layer has no weights yet: build it first (call it on an input, "
            "or give the model an Input shape)"
        )
    kernel, recurrent_kernel = weights[0], weights[1]
    bias = weights[2] if len(weights) == 3 else np.zeros(kernel.shape[1], dtype=kernel.dtype)
    return kernel.T.copy(), recurrent_kernel.T.copy(), bias.copy()


def to_torch_rnn(W_x, W_h, b_h, *, nonlinearity: str = "tanh"):
    """A one-layer ``torch.nn.RNN`` (``batch_first=True``) holding the given weights.

    ``weight_ih_l0`` is ``W_x`` and ``weight_hh_l0`` is ``W_h`` (no transpose);
    PyTorch adds two biases, so ``bias_ih_l0`` gets ``b_h`` and ``bias_hh_l0``
    zeros. The module's dtype follows ``W_x`` (float64 weights give a float64
    module, for gradient checks). ``nonlinearity`` is ``"tanh"`` or ``"relu"``,
    the two that ``nn.RNN`` offers.

    Taught in chapter 1; used in chapters 1 and 2.
    """
    import torch

    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"torch.nn.RNN supports nonlinearity 'tanh' or 'relu', got {nonlinearity!r}")
    W_x, W_h, b_h = _array(W_x, "W_x"), _array(W_h, "W_h"), _array(b_h, "b_h")
    if W_x.ndim != 2:
        raise ValueError(f"W_x must have shape (hidden, features), got shape {W_x.shape}")
    hidden, features = W_x.shape
    if W_h.shape != (hidden, hidden):
        raise ValueError(f"W_h must have shape (hidden, hidden) = {(hidden, hidden)}, got {W_h.shape}")
    if b_h.shape != (hidden,):
        raise ValueError(f"b_h must have shape (hidden,) = {(hidden,)}, got {b_h.shape}")
    dtype = torch.float64 if W_x.dtype == np.float64 else torch.float32
    rnn = torch.nn.RNN(features, hidden, nonlinearity=nonlinearity, batch_first=True, dtype=dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.as_tensor(W_x, dtype=dtype))
        rnn.weight_hh_l0.copy_(torch.as_tensor(W_h, dtype=dtype))
        rnn.bias_ih_l0.copy_(torch.as_tensor(b_h, dtype=dtype))
        rnn.bias_hh_l0.zero_()
    return rnn
