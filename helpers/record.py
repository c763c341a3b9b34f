"""Record a chapter's key numbers: for the prose (myst-nb ``glue``) and as JSON.

Every number a chapter states in its text is recorded here, so the prose is
filled in from execution and ``_build/metrics/<chapter>.json`` holds the same
number next to what the article claimed. Used by every chapter.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import sys
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from .checks import non_negative

__all__ = ["ChapterRecord", "metrics_dir"]

METRICS_ENV = "RNN_BOOK_METRICS"
# The words a verdict of the reproduction report starts with (its legend), and a check's.
VERDICT_WORDS = ("reproduced", "differs", "wrong")
CHECK_WORDS = ("passed",)
# The libraries whose versions a chapter's numbers depend on (recorded with them).
LIBRARIES = ("numpy", "pandas", "scikit-learn", "scipy", "statsmodels", "matplotlib", "keras",
             "tensorflow", "jax", "torch")


def metrics_dir(smoke: bool) -> Path:
    """``$RNN_BOOK_METRICS``, else ``_build/metrics`` (``_build/metrics-smoke`` in smoke mode)."""
    override = os.environ.get(METRICS_ENV)
    if override:
        return Path(override)
    build = Path(__file__).resolve().parent.parent / "_build"
    return build / ("metrics-smoke" if smoke else "metrics")


def _plain(value):
    """Convert NumPy scalars and arrays to JSON-ready Python values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class ChapterRecord:
    """Collects one chapter's numbers and writes them as they arrive.

    >>> record = ChapterRecord("07_sunspots", smoke=False)
    >>> record.add("test_rmse", 0.081, claim=0.077, unit="scaled")  # doctest: +SKIP

    In a Jupyter Book build the value is also glued under the same key, so a
    markdown cell can show it with ``{glue:text}`test_rmse:.3f```.
    """

    def __init__(self, chapter: str, *, smoke: bool):
        if not isinstance(chapter, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", chapter):
            raise ValueError(f"chapter must be a file stem like '07_sunspots', got {chapter!r}")
        self.chapter = chapter
        self.smoke = bool(smoke)
        self.path = metrics_dir(self.smoke) / f"{chapter}.json"
        self.metrics: dict[str, dict] = {}
        self.settings: dict[str, object] = {}
        self.experiments: dict[str, dict] = {}
        self.timings: list[dict] = []
        self._started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.versions = library_versions()  # create the record after importing the frameworks

    def setting(self, **settings) -> None:
        """Record the settings that produced the numbers (epochs, seed, ...)."""
        plain = {key: _plain(value) for key, value in settings.items()}
        _check_json(plain, "settings")
        self.settings.update(plain)
        self._write()

    def add(self, key: str, value, *, claim=None, unit: str = "", note: str = "", glue: bool = True):
        """Record ``value`` under ``key``, with the article's ``claim`` if it made one.

        Re-running a cell replaces the entry with the new value.
        """
        if not isinstance(key, str) or not re.fullmatch(r"_*[A-Za-z0-9][A-Za-z0-9_]*", key):
            raise ValueError(f"metric keys are ASCII letters, digits and underscores, got {key!r}")
        entry = {"value": _plain(value), "claim": _plain(claim), "unit": unit, "note": note}
        _check_json(entry, f"metric {key!r}")
        self.metrics[key] = entry
        if glue:
            _glue(key, _plain(value))
        self._write()

    def experiment(
        self,
        title: str,
        *,
        reproduced: str,
        verdict: str,
        corrected: str | None = None,
        baseline: str | None = None,
        classical: str | None = None,
        check: bool = False,
    ) -> None:
        """Declare one entry of the book's reproduction report.

        An article's claim (the default): ``reproduced``, ``corrected`` and
        ``baseline`` name metrics already added: our run of the article's
        setting (its ``claim`` is the article's number), our honest
        evaluation, the naive baseline on the same points, and the best
        classical model (a linear autoregression, an ARIMA) on them. ``verdict`` is
        one computed line that starts with a word of the report's legend:
        ``reproduced``, ``differs`` or ``wrong``, then a colon and the reason.

        ``check=True`` declares one of the book's own consistency checks
        instead (a NumPy cell against a framework layer, say): ``reproduced``
        names the measured agreement and ``verdict`` starts with ``passed``.
        """
        roles = (("reproduced", reproduced), ("corrected", corrected), ("baseline", baseline),
                 ("classical", classical))
        for role, key in roles:
            if key is not None and key not in self.metrics:
                raise ValueError(f"experiment {title!r}: {role} metric {key!r} has not been added yet")
        if not title.strip() or not verdict.strip():
            raise ValueError("an experiment needs a title and a one-line verdict")
        words = CHECK_WORDS if check else VERDICT_WORDS
        if verdict.split(":", 1)[0] not in words:
            raise ValueError(f"experiment {title!r}: the verdict must start with one of {', '.join(words)} "
                             f"and a colon, got {verdict!r}")
        self.experiments[title] = {"reproduced": reproduced, "corrected": corrected,
                                   "baseline": baseline, "classical": classical, "verdict": verdict,
                                   "check": bool(check)}
        self._write()

    def timing(self, experiment: str, seconds: float, *, seeds=None, metrics=None, seed=None, metric=None,
               label: str = "", vectorized: bool = False) -> None:
        """Record one training call: how long it took, which seeds it trained, the test metric of each.

        ``experiment`` names what was trained in the words of ``bench/`` (e.g.
        ``"sunspots_article"``), so ``make bench`` can set the chapter's runs of
        an article experiment beside a plain reference implementation of it.
        A call that trained several seeds at once passes ``seeds`` and
        ``metrics`` (one per seed) and says whether it trained them in one
        program (``vectorized``); ``seed``/``metric`` is the one-seed form.
        ``label`` says which variant of the chapter this is when that differs
        from the article's setting. The row also records the Keras backend.
        Re-running a cell replaces the row with the same experiment, seeds
        and label.
        """
        if not isinstance(experiment, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_]*", experiment):
            raise ValueError(f"experiment names are lower-case ASCII words joined by '_', got {experiment!r}")
        non_negative(seconds, "seconds")
        if seeds is None:
            seeds, metrics = [seed], [metric]
        elif seed is not None or metric is not None:
            raise ValueError("give either seeds= and metrics= or seed= and metric=, not both")
        seeds, metrics = [_plain(s) for s in seeds], [_plain(m) for m in (metrics or [])]
        if not seeds or len(metrics) != len(seeds):
            raise ValueError(f"timing {experiment!r}: one metric per seed, got {len(seeds)} seeds and "
                             f"{len(metrics)} metrics")
        keras = sys.modules.get("keras")
        row = {"experiment": experiment, "seconds": _plain(seconds), "seeds": seeds, "metrics": metrics,
               "label": label, "backend": keras.backend.backend() if keras else None,
               "vectorized": bool(vectorized)}
        _check_json(row, f"timing {experiment!r}")
        same = [i for i, old in enumerate(self.timings)
                if (old["experiment"], old["seeds"], old["label"]) == (experiment, seeds, label)]
        if same:
            self.timings[same[0]] = row
        else:
            self.timings.append(row)
        self._write()

    def say(self, key: str, text: str) -> None:
        """Glue a word or phrase for the prose (a verdict, a month); not a metric."""
        if not isinstance(text, str):
            raise ValueError(f"say() takes text; record numbers with add(), got {type(text).__name__}")
        _glue(key, text)

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "chapter": self.chapter,
            "smoke": self.smoke,
            "executed_at": self._started,
            "python": platform.python_version(),
            "versions": self.versions,
            "settings": self.settings,
            "metrics": self.metrics,
            "experiments": self.experiments,
            "timings": self.timings,
        }
        partial = self.path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(document, indent=2) + "\n")
        partial.replace(self.path)


def library_versions() -> dict[str, str | None]:
    """Installed versions of :data:`LIBRARIES` (None when absent) and the Keras backend in use."""
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    keras = sys.modules.get("keras")
    versions["keras backend"] = keras.backend.backend() if keras else os.environ.get("KERAS_BACKEND")
    return versions


def _check_json(document, what: str) -> None:
    """Refuse values that strict JSON cannot hold (NaN, infinities, arbitrary objects)."""
    try:
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} cannot be recorded as JSON: {error}") from None


# What myst-nb's ``glue(name, value, display=False)`` attaches to a cell's output;
# tests/test_helpers_record.py checks that the two stay the same.
GLUE_MIME_PREFIX = "application/papermill.record/"


def _glue(key: str, value) -> None:
    """Glue ``value`` under ``key`` for myst-nb, as ``myst_nb.glue(..., display=False)`` does.

    Importing ``myst_nb.glue`` pulls in nbformat and jsonschema, seconds per
    kernel, so the same display bundle is built here from IPython alone. In
    plain Jupyter or Colab (no myst-nb) nothing is glued: the numbers still print.
    """
    if importlib.util.find_spec("myst_nb") is None:
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(_plain(value))
    metadata["scrapbook"] = {"name": key, "mime_prefix": GLUE_MIME_PREFIX}
    display({GLUE_MIME_PREFIX + mime: data for mime, data in bundle.items()}, raw=True,
            metadata=metadata)
