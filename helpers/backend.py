"""The Keras backend every chapter runs on, chosen in this one place.

Keras 3 runs the same model code on TensorFlow, JAX or PyTorch; which one is
fixed when ``keras`` is first imported, by the ``KERAS_BACKEND`` environment
variable. The book's default is :data:`DEFAULT_BACKEND`; a reader overrides it
by setting ``KERAS_BACKEND`` before starting Jupyter (or in the first cell).

This module imports nothing heavy, so build scripts can read the default
without importing a framework.
"""

from __future__ import annotations

import importlib.util
import os
import sys

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "keras_backend", "requested_backend", "use_keras_backend"]

DEFAULT_BACKEND = "jax"
# Backend name -> the module that must be importable for it.
BACKENDS = {"jax": "jax", "tensorflow": "tensorflow", "torch": "torch"}


def requested_backend() -> str:
    """``$KERAS_BACKEND`` if set, else :data:`DEFAULT_BACKEND`, unchecked."""
    return os.environ.get("KERAS_BACKEND", "").strip() or DEFAULT_BACKEND


def keras_backend() -> str:
    """The backend the chapters use: :func:`requested_backend`, checked.

    Raises ``ValueError`` naming the value and the installed choices when the
    backend is unknown or not installed, before any framework is imported.
    """
    value = requested_backend()
    installed = [name for name, module in BACKENDS.items() if importlib.util.find_spec(module)]
    if value not in BACKENDS:
        raise ValueError(f"KERAS_BACKEND={value!r} is not a Keras backend; installed choices: "
                         f"{', '.join(installed) or 'none'}")
    if value not in installed:
        raise ValueError(f"KERAS_BACKEND={value!r} is not installed; installed choices: "
                         f"{', '.join(installed) or 'none'}")
    return value


def use_keras_backend() -> str:
    """Point Keras at :func:`keras_backend` (call before importing ``keras``) and return its name.

    If Keras is already imported on another backend the change cannot take
    effect, so that raises ``RuntimeError`` (restart the kernel).
    """
    backend = keras_backend()
    if "keras" in sys.modules:
        active = sys.modules["keras"].backend.backend()
        if active != backend:
            raise RuntimeError(f"Keras is already running on {active!r}, not {backend!r}: "
                               "restart the kernel to switch backends")
    os.environ["KERAS_BACKEND"] = backend
    return backend
