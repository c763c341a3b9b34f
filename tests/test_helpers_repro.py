"""Tests for helpers.repro: the smoke switch, seeding and the torch device."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import ast  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from helpers.repro import SMOKE_ENV, seed_everything, smoke_mode, torch_device  # noqa: E402
from tools import structure  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", " on ", "yes\n"])
def test_smoke_mode_on(monkeypatch, raw):
    monkeypatch.setenv("RNN_BOOK_SMOKE", raw)
    assert smoke_mode() is True
    assert smoke_mode(default=False) is True


@pytest.mark.parametrize("raw", ["", "0", "false", "No", "OFF", "  "])
def test_smoke_mode_off(monkeypatch, raw):
    monkeypatch.setenv("RNN_BOOK_SMOKE", raw)
    assert smoke_mode() is False


def test_smoke_mode_unset_follows_default(monkeypatch):
    monkeypatch.delenv("RNN_BOOK_SMOKE", raising=False)
    assert SMOKE_ENV == "RNN_BOOK_SMOKE"
    assert smoke_mode() is False
    assert smoke_mode(default=True) is True
    assert smoke_mode(True) is True


def test_smoke_parameter_wins_over_environment_off(monkeypatch):
    monkeypatch.setenv("RNN_BOOK_SMOKE", "0")
    assert smoke_mode(default=True) is True


@pytest.mark.parametrize(("raw", "shown"), [("maybe", "maybe"), ("2", "2"), (" Full ", "full")])
def test_smoke_mode_refuses_unknown_values(monkeypatch, raw, shown):
    monkeypatch.setenv("RNN_BOOK_SMOKE", raw)
    with pytest.raises(ValueError, match=f"RNN_BOOK_SMOKE='{shown}' is not understood"):
        smoke_mode()


def draws():
    """One draw from every generator seed_everything promises to seed."""
    return (
        random.random(),
        np.random.rand(4),
        np.asarray(keras.random.normal((4,))),
        torch.rand(4).numpy(),
    )


def test_same_seed_gives_same_draws_everywhere():
    seed_everything(123)
    first = draws()
    draws()  # move every generator on, so equality below needs re-seeding
    seed_everything(123)
    second = draws()
    assert first[0] == second[0]
    for a, b in zip(first[1:], second[1:], strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seed_gives_different_draws_everywhere():
    seed_everything(1)
    first = draws()
    seed_everything(2)
    second = draws()
    assert first[0] != second[0]
    for a, b in zip(first[1:], second[1:], strict=True):
        assert not np.array_equal(a, b)


def test_keras_layer_initialisation_is_reproducible():
    def kernel():
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return np.asarray(layer.kernel)

    seed_everything(7)
    a = kernel()
    seed_everything(7)
    b = kernel()
    seed_everything(8)
    c = kernel()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_numpy_integer_seed_is_accepted():
    seed_everything(np.int64(5))
    a = np.random.rand()
    seed_everything(5)
    assert np.random.rand() == a


@pytest.mark.parametrize("seed", [-1, 1.5, "3", None, True, 2**32])
def test_bad_seed_is_refused(seed):
    message = r"seed .*integer from 0 to 2\*\*32 - 1.*, got " + re.escape(repr(seed))
    with pytest.raises(ValueError, match=message):
        seed_everything(seed)


def test_seeding_does_not_import_frameworks():
    code = (
        "import sys; from helpers.repro import seed_everything; seed_everything(0); "
        "print(sorted(m for m in ('torch', 'keras', 'tensorflow') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


SEED_TWO_WAYS = """
import sys, keras, numpy as np
from helpers.repro import seed_everything
def draws():
    layer = keras.layers.Dense(4)
    layer.build((None, 3))
    return np.asarray(layer.kernel).tolist(), keras.random.uniform((2,)).tolist()
draws()  # Keras' global generator exists now: seeding must start it again
keras.config.set_dtype_policy("mixed_float16")
seed_everything(11)
policy = keras.config.dtype_policy().name  # seeding must not forget it
keras.config.set_dtype_policy("float32")
book, imported = draws(), "tensorflow" in sys.modules
# Keras' own seeding, as on a machine without TensorFlow (with it, Keras also seeds
# TensorFlow's generator, which the JAX backend never draws from).
sys.modules["tensorflow"] = None
keras.utils.set_random_seed(11)
print(repr((book, imported, draws(), policy)))
"""


def test_seeding_keras_on_jax_does_not_import_tensorflow():
    """Keras' own seeding imports TensorFlow only to seed it; the book's gives Keras' draws without it."""
    pytest.importorskip("jax")
    result = subprocess.run(
        [sys.executable, "-c", SEED_TWO_WAYS], cwd=REPO, capture_output=True, text=True,
        check=True, env=dict(os.environ, KERAS_BACKEND="jax"),
    )
    book, imported_tf, keras_own, policy = eval(result.stdout.strip().splitlines()[-1])
    assert not imported_tf
    assert book == keras_own
    assert policy == "mixed_float16"


def test_helpers_use_only_public_keras():
    """No module or chapter of the book uses ``keras.src``, Keras' private implementation."""
    private = []
    for path in sorted((REPO / "helpers").glob("*.py")) + sorted((REPO / "bench").glob("*.py")) + sorted(
        (REPO / "tools").glob("*.py")
    ):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = (
                [node.module or ""] if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names] if isinstance(node, ast.Import)
                else []
            )
            private += [f"{path.name}:{node.lineno} {n}" for n in names if n.startswith("keras.src")]
    for path in structure.notebooks_on_disk():  # and no chapter names it at all
        cells = json.loads(path.read_text())["cells"]
        private += [path.name for c in cells if "keras.src" in "".join(c["source"])]
    assert private == []


@pytest.mark.parametrize(("available", "kind"), [(True, "cuda"), (False, "cpu")])
def test_torch_device_follows_cuda_availability(monkeypatch, available, kind):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    device = torch_device()
    assert isinstance(device, torch.device)
    assert device.type == kind
