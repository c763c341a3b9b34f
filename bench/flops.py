"""Matrix-multiply FLOPs of the book's recurrent models, for ``make bench``.

Every count is ``2 * m * k * n`` per GEMM (one multiply and one add per term).
Only matrix products are counted: bias additions, activations, gate
products, dropout masks and the loss are elementwise and left out. The
backward pass is counted as two products per forward product, which includes
the gradient with respect to the network's input: training does not compute
it, so for the first layer the count is slightly high (negligible for one
input feature; about 11 % of the total for chapter 4's article model, whose
first layer reads 50 features per step). The same count serves the chapters
and the reference implementations, so it is a common yardstick, not an exact
tally.

A recurrent layer does two products per time step for a batch of ``B``
sequences: the input projection ``(B, d) @ (d, g*u)`` and the recurrent
projection ``(B, u) @ (u, g*u)``, with ``g`` gates (1 for a SimpleRNN /
``nn.RNN``, 3 for a GRU, 4 for an LSTM), ``d`` input features and ``u``
units. Frameworks often batch the input projection over all steps at once;
the FLOPs are the same.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "BACKWARD_FACTOR",
    "GATES",
    "dense_flops",
    "gemm_flops",
    "gru_flops",
    "lstm_flops",
    "recurrent_flops",
    "simple_rnn_flops",
    "torch_rnn_flops",
    "training_flops",
]

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}
# Forward + backward: the backward pass of each forward GEMM is two GEMMs of
# the same size (gradient w.r.t. the input and w.r.t. the weights).
BACKWARD_FACTOR = 3


def _positive(**numbers: int) -> None:
    for name, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def gemm_flops(m: int, k: int, n: int) -> int:
    """FLOPs of one ``(m, k) @ (k, n)`` product: ``2 * m * k * n``."""
    _positive(m=m, k=k, n=n)
    return 2 * m * k * n


def recurrent_flops(batch: int, steps: int, features: int, units: int, gates: int) -> int:
    """Forward matmul FLOPs of one recurrent layer with ``gates`` gates over ``steps`` steps."""
    _positive(batch=batch, steps=steps, features=features, units=units, gates=gates)
    per_step = gemm_flops(batch, features, gates * units) + gemm_flops(batch, units, gates * units)
    return steps * per_step


def simple_rnn_flops(batch: int, steps: int, features: int, units: int) -> int:
    """Forward matmul FLOPs of a SimpleRNN layer (one tanh 'gate')."""
    return recurrent_flops(batch, steps, features, units, GATES["SimpleRNN"])


def lstm_flops(batch: int, steps: int, features: int, units: int) -> int:
    """Forward matmul FLOPs of an LSTM layer (input, forget, cell and output gates)."""
    return recurrent_flops(batch, steps, features, units, GATES["LSTM"])


def gru_flops(batch: int, steps: int, features: int, units: int) -> int:
    """Forward matmul FLOPs of a GRU layer (update, reset and candidate)."""
    return recurrent_flops(batch, steps, features, units, GATES["GRU"])


def torch_rnn_flops(batch: int, steps: int, input_size: int, hidden: int, layers: int = 1) -> int:
    """Forward matmul FLOPs of ``nn.RNN(input_size, hidden, num_layers=layers)``.

    Layer 0 reads ``input_size`` features, every further layer the ``hidden``
    states of the one below.
    """
    _positive(layers=layers)
    return sum(simple_rnn_flops(batch, steps, input_size if layer == 0 else hidden, hidden)
               for layer in range(layers))


def dense_flops(rows: int, features: int, outputs: int) -> int:
    """Forward matmul FLOPs of a Dense / Linear layer applied to ``rows`` vectors."""
    return gemm_flops(rows, features, outputs)


def training_flops(forward: Callable[[int], float], samples: int, batch_size: int, epochs: int) -> float:
    """Matmul FLOPs of training: ``3 x`` the forward FLOPs of every batch of every epoch.

    ``forward(b)`` gives the forward FLOPs of one batch of ``b`` samples.
    Each epoch has ``samples // batch_size`` full batches and, if anything is
    left over, one last batch of its real size. Prediction is not counted.
    """
    _positive(samples=samples, batch_size=batch_size, epochs=epochs)
    full, rest = divmod(samples, batch_size)
    per_epoch = full * forward(batch_size) + (forward(rest) if rest else 0)
    return float(BACKWARD_FACTOR * epochs * per_epoch)
