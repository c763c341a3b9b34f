"""Reproducibility and run-mode switches shared by every chapter.

Taught in chapter 7; used by every chapter.
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from .checks import integer

__all__ = ["SMOKE_ENV", "seed_everything", "smoke_mode", "torch_device"]

SMOKE_ENV = "RNN_BOOK_SMOKE"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def smoke_mode(default: bool = False) -> bool:
    """True when the notebook should run its quick smoke version.

    Smoke mode is on when the chapter's ``SMOKE`` parameter is true (papermill
    sets it) or when the environment variable ``RNN_BOOK_SMOKE`` is set to 1
    (the test suite sets it for its runs of the chapters and the site build).
    """
    raw = os.environ.get(SMOKE_ENV, "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ValueError(
            f"{SMOKE_ENV}={raw!r} is not understood; use 1/true/yes or 0/false/no"
        )
    return bool(default) or raw in _TRUE


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, and Keras and PyTorch when they are installed.

    Keras is seeded as ``keras.utils.set_random_seed`` seeds it, and PyTorch
    with ``torch.manual_seed``. Only frameworks that are already imported are
    touched, so seeding never drags in a heavy import a chapter does not use:
    Keras' function would import TensorFlow, when installed, to seed it even on
    the JAX backend, so TensorFlow is seeded only when it is the backend or
    already imported. Otherwise Keras' global state starts afresh, as after
    ``keras.backend.clear_session()`` (its dtype policy kept), which is all
    the rest of Keras' seeding needs.

    Taught in chapter 1; used in chapters 1, 2, 3, 4, 6 and 7.
    """
    seed = integer(seed, "seed", 0, 2**32 - 1, maximum_is="2**32 - 1")
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        _seed_keras(sys.modules["keras"], seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def _seed_keras(keras, seed: int) -> None:
    """``keras.utils.set_random_seed(seed)``, without importing TensorFlow only to seed it.

    Keras' function seeds TensorFlow whenever it is installed, importing it
    (seconds and most of a gigabyte) even on the JAX backend, which never draws
    from it. Python's and NumPy's generators are seeded by the caller; what else
    the function does on the other backends is a fresh start of Keras' global
    state, which ``keras.backend.clear_session`` gives as well: Keras'
    generator for unseeded draws is rebuilt from Python's, and layer names count
    from the start again. The dtype policy, which ``clear_session`` also
    forgets, is kept.
    """
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    policy = keras.config.dtype_policy()
    keras.backend.clear_session(free_memory=False)
    keras.config.set_dtype_policy(policy)


def torch_device():
    """The device PyTorch code should use: the GPU when there is one, else the CPU.

    Taught in chapter 4; used in chapters 4, 5, 6 and 7.
    """
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
