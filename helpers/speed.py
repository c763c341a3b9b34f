"""Make the book's small recurrent networks train faster without changing what they learn.

The networks in this book are tiny: a few thousand weights, batches of 1 to
32 windows. On a CPU their training time goes to overhead, not arithmetic:
starting one compiled step per batch, and splitting a 32 x 50 matrix product
across threads. Two settings remove most of it and leave every number the
same (the appendix's benchmark measures both):

* ``steps_per_execution`` in Keras' ``compile``: one call into the compiled
  training function runs many batches in a row instead of one. The batches,
  their order and the arithmetic are unchanged, so the losses are identical.
* one thread per operation (``use_small_model_threads``): TensorFlow and
  PyTorch stop splitting small products across cores, where coordinating the
  threads costs more than the product.

XLA compilation (``jit_compile``) fuses each time step into one kernel and is
faster still on long training runs, but it draws dropout masks from a
different random stream, so it is only switched on for models without
random layers, where it changes results by float rounding alone.

Taught in chapter 3; used by chapters 3-7.
"""

from __future__ import annotations

import sys

__all__ = ["STEPS_PER_EXECUTION", "draws_random_numbers", "keras_speed_options", "use_small_model_threads"]

# Batches per call into the compiled training function. Larger than any
# chapter's number of batches per epoch, so one call runs a whole epoch.
STEPS_PER_EXECUTION = 1024

_RANDOM_LAYERS = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
                  "GaussianNoise", "AlphaDropout", "RandomFlip", "RandomRotation", "RandomZoom"}


def use_small_model_threads(threads: int = 1) -> None:
    """Run each TensorFlow and PyTorch operation on ``threads`` threads (frameworks already imported).

    Call it right after importing the frameworks, before the first operation:
    TensorFlow fixes its thread pools when it starts. Calling it again with the
    same number is harmless; a different number after TensorFlow has started
    raises ``RuntimeError`` naming the problem.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    if "tensorflow" in sys.modules:
        config = sys.modules["tensorflow"].config.threading
        if config.get_intra_op_parallelism_threads() == threads:
            return
        try:
            config.set_intra_op_parallelism_threads(threads)
        except RuntimeError:
            raise RuntimeError(
                "TensorFlow has already started with its own thread settings; call "
                "use_small_model_threads() right after the imports (restart the kernel to change it)"
            ) from None


def draws_random_numbers(model) -> bool:
    """True when a layer of the Keras ``model`` uses randomness in training (dropout, noise, ...)."""
    for layer in model._flatten_layers(include_self=False):
        if type(layer).__name__ in _RANDOM_LAYERS and getattr(layer, "rate", 1) != 0:
            return True
        if (getattr(layer, "dropout", 0) or 0) > 0 or (getattr(layer, "recurrent_dropout", 0) or 0) > 0:
            return True
    return False


def keras_speed_options(model, *, eager: bool = False, xla: bool = True) -> dict:
    """Extra ``model.compile`` arguments that keep the training arithmetic unchanged.

    ``steps_per_execution`` always (identical results). XLA is switched on
    when ``xla`` is true and the model draws no random numbers; otherwise
    Keras decides (``"auto"``: XLA on a GPU, not on a CPU). ``eager=True``
    (for debugging) gives ``run_eagerly=True`` and nothing else.
    """
    if eager:
        return {"run_eagerly": True}
    xla = xla and not draws_random_numbers(model) and _supports_xla(model)
    return {"steps_per_execution": STEPS_PER_EXECUTION, "jit_compile": True if xla else "auto"}


def _supports_xla(model) -> bool:
    """False when a layer cannot be compiled by XLA (Keras' cuDNN LSTM/GRU path on a GPU)."""
    return all(getattr(layer, "supports_jit", True) for layer in model._flatten_layers())
