"""Time the maintainers' commands on a clean clone, and read each chapter's time from the cold build.

``make book`` cold, again with nothing changed, after a prose-only edit; then
``make test``. The cold build executes every chapter at full fidelity once:
:func:`executed_chapters` reads each chapter's execution seconds from the
build's jupyter-cache (which myst-nb fills with nbclient's own timing of each
notebook) and the training calls each chapter recorded in its metrics, so
``bench.run`` gets every chapter's full-fidelity time without executing the
chapters a second time.

The clone is made from the committed ``HEAD`` in a temporary folder and uses
this checkout's virtual environment (``--venv``, default ``$VENV`` or
``.venv``; ``make bench`` passes the Makefile's ``VENV``), in which ``make
setup`` installed ``requirements.lock``: dependencies are installed once per
machine, so their download is not what is measured. It is pointed at its own helpers and
metrics folder, so nothing in this checkout is touched. The prose edit changes
one markdown cell of one chapter, which must not re-execute any code. Results
go to ``_build/bench/builds.json``, and ``bench.md`` there is written again
with them when ``bench.run`` left a result beside it. ``bench.run`` calls
:func:`time_builds` itself, inside its own run, so that these rows and its
other tables are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROSE_CHAPTER = "chapters/07_sunspots.ipynb"
PROSE_SENTENCE = "This sentence was added to time a prose-only rebuild."


def _make(clone: Path, target: str, env: dict, venv: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(["make", "-C", str(clone), target, f"VENV={venv}"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"make {target} failed in {clone} (exit {done.returncode}):\n"
                           f"{done.stdout[-6000:]}")
    return seconds


def edit_prose(notebook: Path) -> None:
    """Append a sentence to the chapter's first markdown cell after the title."""
    document = json.loads(notebook.read_text())
    cells = [c for c in document["cells"] if c["cell_type"] == "markdown"]
    if len(cells) < 2:
        raise RuntimeError(f"{notebook} has no second markdown cell to edit")
    source = cells[1]["source"]
    text = "".join(source) if isinstance(source, list) else source
    cells[1]["source"] = text.rstrip("\n") + f"\n\n{PROSE_SENTENCE}\n"
    notebook.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def rewrite_report(out: Path, builds: list[dict]) -> None:
    """``bench.md`` again, with the build and test timings, when ``bench.run`` left a result in ``out``."""
    result = out / "bench.json"
    if result.is_file():
        from bench import report

        (out / "bench.md").write_text(report.markdown(json.loads(result.read_text()), builds) + "\n")


def executed_chapters(clone: Path, backend: str | None = None) -> dict[str, dict]:
    """Each chapter the cold build executed: its seconds (jupyter-cache) and its recorded training calls.

    ``{stem: {"seconds", "backend", "keras_backend", "timings", "smoke"}}``, in
    the shape ``bench.run`` keeps for chapters it executes itself. A chapter
    the cache holds no record of is ``{"error": ...}``.
    """
    from jupyter_cache import get_cache

    from tools import structure

    records = get_cache(str(clone / "_build" / ".jupyter_cache")).list_cache_records()
    seconds = {Path(record.uri).stem: record.data.get("execution_seconds") for record in records}
    chapters = {}
    for notebook in structure.chapters():
        metrics = clone / "_build" / "metrics" / f"{notebook.stem}.json"
        if seconds.get(notebook.stem) is None or not metrics.is_file():
            chapters[notebook.stem] = {"error": f"the cold build left no execution record of {notebook.name}"}
            continue
        recorded = json.loads(metrics.read_text())
        keras_backend = recorded.get("versions", {}).get("keras backend")
        chapters[notebook.stem] = {"seconds": float(seconds[notebook.stem]),
                                   "backend": backend or keras_backend, "keras_backend": keras_backend,
                                   "timings": recorded.get("timings", []), "smoke": recorded["smoke"],
                                   "source": "cold make book (jupyter-cache execution seconds)"}
    return chapters


def check_venv(venv: Path) -> None:
    """Refuse to run unless ``make setup`` installed the lock into ``venv`` (the clone shares it)."""
    stamp = venv / ".installed"
    if not stamp.is_file() or any(stamp.stat().st_mtime < (ROOT / name).stat().st_mtime
                                   for name in ("requirements.txt", "requirements.lock", "pyproject.toml")):
        # The clone's make would otherwise install into the shared environment, pointing
        # the editable `helpers` at a temporary folder.
        sys.exit(f"bench: run `make setup VENV={venv}` first (its environment is shared with the clone)")


def time_builds(venv: Path, *, test: bool = True, keep: bool = False, save=None,
                backend: str | None = None) -> dict:
    """The build and test commands on a clean clone of ``HEAD``, and the chapters of its cold build.

    Returns ``{"commit", "complete", "builds": [{"command", "what", "seconds",
    "backend"}], "chapters": executed_chapters(...)}``; ``save(document)`` is
    called after every command, so an interruption keeps what was measured.
    """
    builds: list[dict] = []
    document = {"commit": None, "complete": False, "builds": builds, "chapters": {}}
    save = save or (lambda document: None)
    work = Path(tempfile.mkdtemp(prefix="rnn-book-bench-"))
    clone = work / "clone"
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        commit = subprocess.run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
        document["commit"] = commit
        # Older than .venv's install stamp: make must not reinstall into the shared .venv.
        for name in ("requirements.txt", "requirements.lock", "pyproject.toml"):
            os.utime(clone / name, (0, 0))
        # The browser test's MathJax: fetched once per machine, so not part of the timing.
        vendor = ROOT / "_build" / "vendor"
        if vendor.is_dir():
            shutil.copytree(vendor, clone / "_build" / "vendor", symlinks=True)
        env = dict(os.environ, PYTHONPATH=str(clone), RNN_BOOK_METRICS=str(clone / "_build" / "metrics"))
        for name in ("RNN_BOOK_SMOKE", "RNN_BOOK_DATA"):
            env.pop(name, None)

        def timed(command: str, what: str, target: str) -> None:
            print(f"  {command}: {what} ...", end=" ", flush=True)
            seconds = _make(clone, target, env, venv)
            builds.append({"command": command, "what": what, "seconds": seconds, "backend": backend})
            save(document)
            print(f"{seconds:.1f} s", flush=True)

        timed("make book", f"cold: clean clone of {commit}, every chapter executed at full fidelity", "book")
        document["chapters"] = executed_chapters(clone, backend)
        save(document)
        timed("make book", "again, nothing changed", "book")
        edit_prose(clone / PROSE_CHAPTER)
        timed("make book", f"after a prose-only edit of {PROSE_CHAPTER}", "book")
        page = clone / "_build" / "html" / PROSE_CHAPTER.replace(".ipynb", ".html")
        if PROSE_SENTENCE not in page.read_text():
            raise RuntimeError(f"the prose edit did not reach {page}: that rebuild timed nothing useful")
        if test:
            timed("make test", "every test, notebooks in smoke mode", "test")
        document["complete"] = True
        save(document)
    finally:
        if keep:
            print(f"clone kept at {clone}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return document


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-test", action="store_true", help="skip timing make test")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    parser.add_argument("--venv", type=Path, default=Path(os.environ.get("VENV") or ROOT / ".venv"),
                        help="the virtual environment make setup installed (default $VENV or .venv)")
    args = parser.parse_args(argv)
    venv = args.venv if args.venv.is_absolute() else (ROOT / args.venv)
    check_venv(venv)
    args.out.mkdir(parents=True, exist_ok=True)

    def save(document: dict) -> None:
        document["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        (args.out / "builds.json").write_text(json.dumps(document, indent=2) + "\n")

    document = time_builds(venv, test=not args.no_test, keep=args.keep, save=save)
    rewrite_report(args.out, document["builds"])
    return document["builds"]


if __name__ == "__main__":
    main()
