"""``make book``: build the site so that it can never show numbers from older inputs.

Jupyter Book keeps two caches. jupyter-cache keys an executed notebook on its
code cells, cell metadata and kernel only, and Sphinx's incremental build does
not re-read a notebook whose file did not change. So an edit to a helper, a
data file or a library version would leave every page with the numbers the
old code produced. Before each build this script hashes those inputs into a
*fingerprint* (:func:`fingerprint`); when it differs from the one the build
folder was made with, everything derived from executing the chapters (the
execution cache, Sphinx's environment, the executed notebooks and the metrics
behind the reproduction report) is discarded, so every chapter is read and
executed again. The GitHub workflow keys its cache on the same fingerprint.

The build's console shows Sphinx's progress and every real warning; the C++
start-up logs that TensorFlow/XLA write straight to the kernel's stderr, and
ipykernel's notice about its local TCP transport, are dropped (:data:`NOISE`).

    python tools/build_book.py                # build ./ into ./_build
    python tools/build_book.py --fingerprint  # print the fingerprint and exit
    python tools/build_book.py --root DIR     # build another book (the tests' toy book)

Standard library only, so ``--fingerprint`` runs before any install.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".fingerprint"  # inside the build folder: the fingerprint its caches were made with
# Everything under the build folder that executing the chapters produced.
DERIVED = (".jupyter_cache", ".doctrees", "jupyter_execute", "metrics")
# Lines of kernel start-up chatter, not warnings about the book.
NOISE = re.compile(
    r"^(?:[IWE]\d{4} [\d:.]+\s+\d+ \S+:\d+\] .*"  # absl/TSL C++ log lines (cuda stubs, cpu features)
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags\."
    r"|\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption\..*)$"
)


def _inputs(root: Path) -> list[Path]:
    """The files whose bytes a chapter's results depend on, besides the notebook itself."""
    files = sorted((root / "helpers").rglob("*.py")) + sorted(
        p for p in (root / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files + [root / "requirements.lock"]


def default_backend(root: Path) -> str:
    """The Keras backend the chapters will run on (``helpers/backend.py``), without importing Keras."""
    path = root / "helpers" / "backend.py"
    if not path.is_file():
        return os.environ.get("KERAS_BACKEND", "")
    spec = importlib.util.spec_from_file_location("_book_backend", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.requested_backend()


def fingerprint(root: Path = ROOT) -> str:
    """SHA-256 over the helpers, the data, the lock file, Python's version and the Keras backend.

    Any changed byte counts, comments included; a missing lock file counts as
    an input too (its absence is hashed), so adding one changes the fingerprint.
    """
    digest = hashlib.sha256()
    for path in _inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    digest.update(f"python {sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}\0".encode())
    digest.update(f"keras backend {default_backend(root)}\0".encode())
    return digest.hexdigest()


def discard_if_stale(build: Path, current: str) -> bool:
    """Remove the derived folders of ``build`` unless they were made with ``current``; True if removed.

    A build folder without a recorded fingerprint counts as stale: nothing says
    what produced its caches.
    """
    stamp = build / STAMP
    recorded = stamp.read_text().strip() if stamp.is_file() else None
    stale = recorded != current
    if stale:
        present = [name for name in DERIVED if (build / name).exists()]
        if present:
            print(f"Inputs changed since the last build (helpers, data, lock, Python or Keras backend): "
                  f"discarding {', '.join(present)} so every chapter runs again", flush=True)
        for name in present:
            shutil.rmtree(build / name)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return stale


def quiet_environment() -> dict:
    """The build's environment: TensorFlow's C++ logs off (errors raised in Python still show), and
    no progress lines from long cells in the published outputs (helpers/book.py)."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", RNN_BOOK_QUIET="1")


def run_filtered(command: list[str], env: dict) -> int:
    """Run ``command``, passing its output through except the lines :data:`NOISE` matches."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", bufsize=1)
    assert process.stdout is not None
    for line in process.stdout:
        if not NOISE.match(line.rstrip("\n")):
            sys.stdout.write(line)
            sys.stdout.flush()
    return process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this book)")
    parser.add_argument("--fingerprint", action="store_true", help="print the fingerprint and exit")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    current = fingerprint(root)
    if args.fingerprint:
        print(current)
        return 0
    discard_if_stale(root / "_build", current)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return run_filtered([str(jupyter_book), "build", str(root), "--warningiserror", "--keep-going"],
                        quiet_environment())


if __name__ == "__main__":
    sys.exit(main())
