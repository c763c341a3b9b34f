"""Chapter 8 imports the backtest, interval and seed-sweep helpers from the package itself."""

from __future__ import annotations

import subprocess
import sys

import helpers

CHAPTER_8 = ["backtest", "conformal_interval", "coverage", "expanding_blocks", "fit_seeds",
             "predict_seeds"]


def test_chapter_8_helpers_are_exported():
    for name in CHAPTER_8:
        assert name in helpers.__all__, name
        assert callable(getattr(helpers, name)), name


def test_importing_helpers_does_not_import_a_framework():
    # The setup cell picks the Keras backend before Keras is imported; the package must not
    # import Keras (or JAX) on its own when it exposes fit_seeds.
    code = "import sys, helpers; print(sorted(m for m in ('keras', 'jax') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(helpers.__file__).parent.parent))
    assert out.stdout.strip() == "[]"
