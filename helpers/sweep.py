"""Train one Keras model per random seed at once, so that reporting mean ± sd costs little more than one run.

The book trains every model with ten or more seeds. On Keras' JAX backend
each new model compiles its own training step before the first batch, and a
small recurrent network can spend longer compiling than training. The seeds
differ only in the numbers held by the model's variables (initial weights,
dropout generator state), not in the program that trains them. So
``fit_seeds`` stacks each variable of the N models along a new first axis and
trains all of them with one program: ``jax.vmap`` turns "one training step of
one model" into "one training step of N models", and ``jax.lax.scan`` runs
every batch of every epoch inside that program. It is compiled once, whatever
the number of seeds and epochs, and N small matrix products in one call cost
less than N separate calls.

Only Keras' public stateless API is used (``model.stateless_call``,
``optimizer.stateless_apply`` and the models' variable lists), and each
model's final values are written back into its variables, so ``predict``,
``evaluate`` and ``get_weights`` work as after ``model.fit``.

What the seeds share, and what they do not:

* they see the same batches in the same order: with ``shuffle=True`` each
  epoch's permutation comes from ``np.random.default_rng(shuffle_seed)`` and
  is used by every seed (with ``shuffle=False`` the order is the data's);
* each keeps its own initial weights, its own optimizer state and its own
  dropout stream: a dropout layer's random state is a non-trainable variable
  of its model, stacked and carried like the weights.

The batching is ``model.fit``'s with ``shuffle=False`` on the epoch's order:
consecutive batches of ``batch_size``, the last one shorter when the data do
not divide evenly, one optimizer step per batch, and an epoch's loss is the
batch losses averaged with the batch sizes as weights. The per-seed results
equal a ``model.fit`` of each model alone up to float rounding (the tests
check it).

On the TensorFlow and PyTorch backends there is no ``vmap`` to run a Keras
model for N sets of variables at once, so ``fit_seeds`` trains the models one
after another with ``model.fit``, one call per epoch on that epoch's order (so
that the seeds share the data order there too), keeping each model's best
epoch with ``get_weights``/``set_weights`` as ``EarlyStopping`` does.
``vectorized()`` tells which path runs, so that a chapter can report it.

For the chapters' seed sweeps (mean ± sd over seeds); ``bench/sweep.py`` measures what it saves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from .checks import finite, integer

if TYPE_CHECKING:
    import keras

__all__ = ["fit_seeds", "predict_seeds", "vectorized"]

# The losses the vectorised path computes itself, by name as given to ``compile``.
_LOSS_CLASSES = {"mse": "MeanSquaredError", "mean_squared_error": "MeanSquaredError",
                 "mae": "MeanAbsoluteError", "mean_absolute_error": "MeanAbsoluteError",
                 "huber": "Huber", "huber_loss": "Huber"}


def vectorized() -> bool:
    """True when Keras runs on JAX, where ``fit_seeds`` trains all seeds in one compiled program."""
    import keras

    return keras.backend.backend() == "jax"


def fit_seeds(models: Sequence[keras.Model], x, y, *, epochs: int, batch_size: int, shuffle: bool = True,
              shuffle_seed: int = 0, validation_data: tuple | None = None,
              restore_best_weights: bool = False) -> list[dict[str, list[float]]]:
    """Train compiled models of one architecture (one per seed) on ``(x, y)``; one history per model.

    Build and compile each model right after ``seed_everything``
    with its seed. All must have the same layers and weight shapes, the same
    loss and the same optimizer settings (each keeps its own optimizer
    state). Each returned history has ``"loss"`` per epoch and, with
    ``validation_data=(x_val, y_val)``, ``"val_loss"`` (``training=False``).
    ``restore_best_weights=True`` leaves each model with its weights from the
    end of its own lowest-``val_loss`` epoch: early stopping with
    restore-best and unlimited patience (``EarlyStopping(restore_best_weights=True,
    patience=epochs)``), chosen per seed.

    On JAX only the compiled loss and optimizer are used: compiled metrics
    are not computed, and ``compile``'s speed options (``steps_per_execution``,
    ``jit_compile``) do not apply, since the whole training is one compiled
    program anyway.

    Taught in chapter 3; used in chapter 3.
    """
    models = _checked_models(models, compiled=True)
    x, y = _checked_pair(x, y, "x", "y")
    epochs, batch_size = integer(epochs, "epochs"), integer(batch_size, "batch_size")
    validation = None
    if validation_data is not None:
        validation = _checked_validation(validation_data, x, y)
    if restore_best_weights and validation is None:
        raise ValueError("restore_best_weights=True needs validation_data to choose the best epoch")
    orders = _epoch_orders(len(x), epochs, shuffle, shuffle_seed)
    if not vectorized():
        return [_fit_with_keras(model, x, y, orders, batch_size, validation, restore_best_weights)
                for model in models]
    return _fit_vectorized(models, x, y, orders, batch_size, validation, restore_best_weights)


def predict_seeds(models: Sequence[keras.Model], x, batch_size: int | None = None) -> np.ndarray:
    """Predictions of every model for ``x``, shape ``(n_models, n, ...)``, from one vmapped program on JAX.

    ``batch_size=None`` predicts all of ``x`` in one call; a number splits it
    into chunks of that many windows (to bound memory). On other backends the
    models' own ``predict`` results are stacked.

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    models = _checked_models(models, compiled=False)
    x = _checked_array(x, "x")
    if batch_size is not None:
        batch_size = integer(batch_size, "batch_size")
    if not vectorized():
        return np.stack([model.predict(x, batch_size=batch_size, verbose=0) for model in models])

    import jax

    reference = models[0]

    def forward(trainable, non_trainable, inputs):
        return reference.stateless_call(trainable, non_trainable, inputs, training=False)[0]

    forward_all = jax.jit(jax.vmap(forward, in_axes=(0, 0, None)))
    trainable = _stacked([model.trainable_variables for model in models])
    non_trainable = _stacked([model.non_trainable_variables for model in models])
    step = len(x) if batch_size is None else batch_size
    chunks = [forward_all(trainable, non_trainable, x[start:start + step])
              for start in range(0, len(x), step)]
    return np.concatenate([np.asarray(chunk) for chunk in chunks], axis=1)


# --- the vectorised path (JAX) -------------------------------------------------------------------------


def _fit_vectorized(models, x, y, orders, batch_size, validation, restore_best):
    """Train all models in one ``jax.jit`` program: scan over epochs, scan over batches, vmap over seeds."""
    import jax
    import jax.numpy as jnp

    reference, optimizer = models[0], models[0].optimizer
    loss_of = _loss_function(reference)
    for model in models:
        if not model.optimizer.built:  # model.fit builds it on its first call; so do we
            model.optimizer.build(model.trainable_variables)
    n, n_full = len(x), len(x) // batch_size
    cut = n_full * batch_size  # samples in full batches; the rest form one shorter last batch

    def batch_loss(trainable, non_trainable, inputs, targets, training):
        """One model's loss on one batch, as ``model.fit`` computes it (plus any layer losses)."""
        predicted, non_trainable, extra = reference.stateless_call(
            trainable, non_trainable, inputs, training=training, return_losses=True)
        loss = loss_of(targets, predicted)
        for term in extra:  # weight regularisers and add_loss terms, as model.compute_loss adds them
            loss = loss + jnp.sum(term)
        return loss, non_trainable

    def train_step(state, inputs, targets):
        """One optimizer step of one model; ``state`` = (trainable, non-trainable, optimizer variables)."""
        trainable, non_trainable, optimizer_variables = state
        grad_fn = jax.value_and_grad(lambda t, nt: batch_loss(t, nt, inputs, targets, True), has_aux=True)
        (loss, non_trainable), grads = grad_fn(trainable, non_trainable)
        trainable, optimizer_variables = optimizer.stateless_apply(optimizer_variables, grads, trainable)
        return (trainable, non_trainable, optimizer_variables), loss

    # The seeds share the batch (in_axes None) and differ in their state (axis 0).
    step_all = jax.vmap(train_step, in_axes=(0, None, None))
    val_loss_all = jax.vmap(lambda t, nt, inputs, targets: batch_loss(t, nt, inputs, targets, False)[0],
                            in_axes=(0, 0, None, None))

    def run(state, x, y, orders, x_val, y_val):
        """Every epoch (one row of ``orders`` each): the full batches, the short last batch, validation."""
        seeds = state[0][0].shape[0]

        def full_batch(state, indices):
            return step_all(state, x[indices], y[indices])

        def epoch(carry, inputs):
            index, order = inputs
            state, best = carry
            total = jnp.zeros(seeds)
            if n_full:
                state, losses = jax.lax.scan(full_batch, state, order[:cut].reshape(n_full, batch_size))
                total = total + batch_size * jnp.sum(losses, axis=0)
            if cut < n:
                state, last = step_all(state, x[order[cut:]], y[order[cut:]])
                total = total + (n - cut) * last
            logs = {"loss": total / n}
            if x_val is not None:
                logs["val_loss"] = val_loss_all(state[0], state[1], x_val, y_val)
                if restore_best:
                    # The first epoch always counts as best, as in EarlyStopping, even with a NaN loss.
                    better = (logs["val_loss"] < best[0]) | (index == 0)
                    best = (jnp.where(better, logs["val_loss"], best[0]),
                            _where_seed(better, state[0], best[1]), _where_seed(better, state[1], best[2]))
            return (state, best), logs

        best = (jnp.full(seeds, jnp.inf), state[0], state[1]) if restore_best else ()
        return jax.lax.scan(epoch, (state, best), (jnp.arange(len(orders)), orders))

    compiled = jax.jit(run)
    x_val, y_val = validation if validation is not None else (None, None)
    orders = orders.astype(np.int32)

    def train_share(share: list) -> list[dict[str, list[float]]]:
        """Train the models of one share of the seeds and write their results back."""
        state = (_stacked([model.trainable_variables for model in share]),
                 _stacked([model.non_trainable_variables for model in share]),
                 _stacked([model.optimizer.variables for model in share]))
        (state, best), logs = compiled(state, x, y, orders, x_val, y_val)
        trainable, non_trainable, optimizer_variables = state
        if restore_best:
            # Restore what EarlyStopping restores (model.get_weights()); dropout states stay where
            # training left them, so that training on does not repeat the masks.
            weights = {id(v) for v in reference.non_trainable_weights}
            trainable = best[1]
            non_trainable = [restored if id(v) in weights else last for v, restored, last
                             in zip(reference.non_trainable_variables, best[2], non_trainable, strict=True)]
        _write_back([model.trainable_variables for model in share], trainable)
        _write_back([model.non_trainable_variables for model in share], non_trainable)
        _write_back([model.optimizer.variables for model in share], optimizer_variables)
        logs = {key: np.asarray(value) for key, value in logs.items()}  # each (epochs, models in share)
        return [{key: [float(v) for v in value[:, i]] for key, value in logs.items()}
                for i in range(len(share))]

    # On a CPU, XLA runs one small matrix product on one core; the seeds are split into one share
    # per core, each trained by the same compiled program in its own thread.
    shares = _shares(models, _cpu_workers(jax))
    if len(shares) == 1:
        return train_share(shares[0])
    with ThreadPoolExecutor(len(shares)) as pool:
        return [history for part in pool.map(train_share, shares) for history in part]


def _cpu_workers(jax) -> int:
    """Threads worth running: the usable CPU cores on a CPU backend, one on an accelerator."""
    if jax.default_backend() != "cpu":
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _shares(models: list, workers: int) -> list[list]:
    """``models`` cut into at most ``workers`` consecutive shares whose sizes differ by at most one."""
    count = min(workers, len(models))
    size, extra = divmod(len(models), count)
    shares, start = [], 0
    for k in range(count):
        end = start + size + (k < extra)
        shares.append(models[start:end])
        start = end
    return shares


def _stacked(variable_lists) -> list[np.ndarray]:
    """One array per variable, the models' values stacked along a new first axis (the seed axis).

    NumPy does the stacking: a JAX operation outside the compiled program would
    be compiled on its own, once per variable shape.
    """
    return [np.stack([np.asarray(v) for v in same]) for same in zip(*variable_lists, strict=True)]


def _write_back(variable_lists, stacked) -> None:
    """Give each model's variables its own slice of the stacked values (the inverse of ``_stacked``)."""
    for same, values in zip(zip(*variable_lists, strict=True), stacked, strict=True):
        for variable, value in zip(same, np.asarray(values), strict=True):
            variable.assign(value)


def _where_seed(mask, new, old):
    """Per seed (first axis), ``new`` where ``mask`` holds, else ``old``; for lists of stacked arrays."""
    import jax.numpy as jnp

    return [jnp.where(mask.reshape((-1,) + (1,) * (n.ndim - 1)), n, o) for n, o in zip(new, old, strict=True)]


def _loss_function(model):
    """The compiled loss of ``model`` as a Keras loss object (mean over the batch), or a ValueError."""
    import keras

    loss = model.loss
    if isinstance(loss, str) and loss.lower() in _LOSS_CLASSES:
        return getattr(keras.losses, _LOSS_CLASSES[loss.lower()])()
    known = tuple(getattr(keras.losses, name) for name in set(_LOSS_CLASSES.values()))
    if isinstance(loss, known) and loss.reduction == "sum_over_batch_size":
        return loss
    raise ValueError(f"fit_seeds trains models compiled with loss 'mse', 'mae' or 'huber' (a name or a "
                     "keras.losses object with the default reduction); these were compiled with "
                     f"loss={loss!r}")


# --- the fallback (TensorFlow, PyTorch) -------------------------------------------------------------------


def _fit_with_keras(model, x, y, orders, batch_size, validation, restore_best):
    """Train one model with ``model.fit``, one call per epoch on that epoch's order of the data."""
    history: dict[str, list[float]] = {"loss": []}
    if validation is not None:
        history["val_loss"] = []
    best_loss, best_weights = None, None
    for order in orders:
        logs = model.fit(x[order], y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                         validation_data=validation).history
        for key in history:
            history[key].append(float(logs[key][0]))
        # As EarlyStopping: the first epoch is the best so far, later ones only when strictly better.
        if restore_best and (best_weights is None or history["val_loss"][-1] < best_loss):
            best_loss, best_weights = history["val_loss"][-1], model.get_weights()
    if best_weights is not None:
        model.set_weights(best_weights)
    return history


# --- argument checks ----------------------------------------------------------------------------------------


def _epoch_orders(n: int, epochs: int, shuffle: bool, shuffle_seed: int) -> np.ndarray:
    """The order of the samples in each epoch, shape ``(epochs, n)``, shared by all seeds."""
    if not shuffle:
        return np.tile(np.arange(n), (epochs, 1))
    rng = np.random.default_rng(shuffle_seed)
    return np.stack([rng.permutation(n) for _ in range(epochs)])


def _checked_models(models, *, compiled: bool) -> list:
    """The models as a list, refusing an empty list, non-models, duplicates and mixed architectures."""
    import keras

    if isinstance(models, keras.Model) or not isinstance(models, Sequence) or len(models) == 0:
        raise ValueError(f"models must be a non-empty list of Keras models, got {models!r}")
    models = list(models)
    for i, model in enumerate(models):
        if not isinstance(model, keras.Model):
            raise ValueError(f"models[{i}] is not a Keras model: {model!r}")
        if not model.built:
            raise ValueError(f"models[{i}] is not built; give it a keras.Input or call it on data first")
        if compiled and getattr(model, "optimizer", None) is None:
            raise ValueError(f"models[{i}] is not compiled; call model.compile(optimizer=..., loss=...) "
                             "first")
    if len({id(model) for model in models}) < len(models):
        raise ValueError("models contains the same model more than once; build one model per seed")
    for i, model in enumerate(models[1:], start=1):
        if _architecture(model) != _architecture(models[0]):
            raise ValueError(f"models[{i}] has a different architecture or different weight shapes from "
                             "models[0]; all models must be built by the same code")
        if compiled and _training_setup(model) != _training_setup(models[0]):
            raise ValueError(f"models[{i}] was compiled with a different optimizer or loss from models[0]; "
                             "all models must share the optimizer class and settings and the loss")
    return models


def _architecture(model) -> tuple:
    """What must agree between models trained by one program: layers, their settings, variable shapes."""
    shapes = [[(tuple(v.shape), str(v.dtype)) for v in variables]
              for variables in (model.trainable_variables, model.non_trainable_variables)]
    return _settings(model), shapes


_PLAIN = (bool, int, float, str, type(None))


def _settings(obj) -> tuple:
    """A layer's class and public settings, with those of its sublayers, initializers and regularizers.

    Read from the object's public attributes, not from ``get_config()``: on the JAX and PyTorch
    backends Keras' config serialisation imports TensorFlow whenever it is installed (to rule out a
    ``tf.TensorShape``), which costs about 6 s and 800 MB per kernel. Names and seeds differ between
    otherwise equal models and are left out; variables are compared by shape in ``_architecture``.
    """
    import keras

    if isinstance(obj, keras.Model):  # its layers, not its training state (compiled functions, history)
        return type(obj).__name__, tuple(_settings(layer) for layer in obj.layers)
    nested = (keras.layers.Layer, keras.initializers.Initializer, keras.regularizers.Regularizer,
              keras.constraints.Constraint)
    settings = {}
    for key, value in sorted(vars(obj).items()):
        if key.startswith("_") or key in ("name", "seed"):
            continue
        if isinstance(value, _PLAIN):
            settings[key] = value
        elif isinstance(value, (list, tuple)) and all(isinstance(v, _PLAIN) for v in value):
            settings[key] = tuple(value)
        elif isinstance(value, nested):
            settings[key] = _settings(value)
        elif callable(value) and "<locals>" not in (qualname := getattr(value, "__qualname__", "<locals>")):
            settings[key] = f"{value.__module__}.{qualname}"  # an activation function, not a closure
    return type(obj).__name__, settings


def _training_setup(model) -> tuple:
    """The optimizer class and settings and the loss of a compiled model, without automatic names."""
    loss = model.loss
    loss = loss if isinstance(loss, str) or loss is None else (type(loss).__name__, _config(loss))
    return type(model.optimizer).__name__, _config(model.optimizer), loss


def _config(obj):
    get_config = getattr(obj, "get_config", None)
    return _without_names(get_config()) if get_config else repr(obj)


def _without_names(config):
    """``config`` without its ``name`` and ``seed`` entries, which differ between otherwise equal models."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k not in ("name", "seed")}
    if isinstance(config, (list, tuple)):
        return [_without_names(v) for v in config]
    return config


def _checked_array(values, name: str) -> np.ndarray:
    """``values`` as an array with at least one sample, floats in Keras' float type, refusing NaN and inf."""
    import keras

    array = np.asarray(values)
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {array.shape}")
    if np.issubdtype(array.dtype, np.floating):
        array = array.astype(keras.config.floatx(), copy=False)
        finite(array, name)
    elif not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}")
    return array


def _checked_pair(x, y, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = _checked_array(x, x_name), _checked_array(y, y_name)
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have the same length, got {len(x)} and {len(y)}")
    return x, y


def _checked_validation(validation_data, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``validation_data`` as ``(x_val, y_val)`` with the training data's sample shapes."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    x_val, y_val = _checked_pair(*validation_data, "validation_data x_val", "validation_data y_val")
    for name, val, train in (("x_val", x_val, x), ("y_val", y_val, y)):
        if val.shape[1:] != train.shape[1:]:
            raise ValueError(f"validation_data {name} has samples of shape {val.shape[1:]}, "
                             f"the training data {train.shape[1:]}")
    return x_val, y_val
