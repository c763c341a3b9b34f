"""Builds that cannot publish stale numbers: the lock file and the execution-cache fingerprint.

``tools/check_lock.py`` refuses a lock that does not pin what requirements.txt
asks for; ``tools/build_book.py`` discards the execution cache and Sphinx's
environment whenever the helpers, data, lock, Python or Keras backend change.
The toy-book test builds a one-notebook book twice around a change to its
helpers and checks that the page shows the new number.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import build_book, check_lock

ROOT = Path(__file__).resolve().parent.parent


# --- the lock file -------------------------------------------------------------------------

def test_the_committed_lock_pins_every_requirement():
    check_lock.check(ROOT / "requirements.lock", ROOT / "requirements.txt")


def test_make_installs_the_lock_exactly():
    """The install recipe of make book / make test is the lock, not requirements.txt."""
    plan = subprocess.run(["make", "-n", "-B", "setup", "VENV=/nonexistent-venv"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    installs = [line for line in plan.splitlines() if "pip install" in line]
    assert any("-r requirements.lock" in line for line in installs), installs
    assert not any("-r requirements.txt" in line for line in installs), installs
    assert "tools/check_lock.py requirements.lock requirements.txt" in plan


def test_the_lock_pins_the_cpu_build_of_pytorch():
    assert "torch==2.13.0+cpu" in (ROOT / "requirements.lock").read_text().splitlines()


@pytest.fixture
def wanted(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# comment\nnumpy\nkeras>=3\njupyter-book>=1.0.4,<2\n")
    return path


def lock_with(tmp_path, text):
    path = tmp_path / "requirements.lock"
    path.write_text(text)
    return path


def run_check(lock, wanted, capsys):
    code = check_lock.main([str(lock), str(wanted)])
    error = capsys.readouterr().err.strip()
    return code, error


def test_a_complete_lock_passes(tmp_path, wanted, capsys):
    lock = lock_with(tmp_path, "numpy==2.4.6\n    # via foo\nkeras==3.15.1\njupyter-book==1.0.4.post1\n")
    assert run_check(lock, wanted, capsys) == (0, "")


@pytest.mark.parametrize("content, words", [
    (None, ["is missing", "make lock"]),
    ("numpy==2.4.6\nkeras==3.15.1\n", ["does not pin jupyter-book", "make lock"]),
    ("numpy==2.4.6\nkeras==2.15.0\njupyter-book==1.0.4\n", ["keras==2.15.0", "outside", "keras>=3"]),
    ("numpy>=2\nkeras==3.1\njupyter-book==1.0.4\n", ["not a `name==version` pin"]),
    ("", ["pins nothing"]),
], ids=["missing", "lacks-a-package", "outside-specifier", "not-a-pin", "empty"])
def test_a_bad_lock_stops_the_build_with_one_line(tmp_path, wanted, capsys, content, words):
    lock = tmp_path / "requirements.lock" if content is None else lock_with(tmp_path, content)
    code, error = run_check(lock, wanted, capsys)
    assert code == 1
    assert len(error.splitlines()) == 1, error
    assert str(lock) in error
    for word in words:
        assert word in error


def test_an_unreadable_lock_is_named(tmp_path, wanted, capsys):
    lock = tmp_path / "requirements.lock"
    lock.mkdir()  # reading a directory fails for root too, unlike a chmod
    code, error = run_check(lock, wanted, capsys)
    assert code == 1 and "cannot be read" in error and str(lock) in error


def test_make_refuses_a_missing_lock(tmp_path):
    done = subprocess.run(["make", "-s", "setup", "LOCK=no-such.lock", "VENV=/nonexistent-venv"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert "no-such.lock is missing: run 'make lock'" in done.stderr


# --- the fingerprint ---------------------------------------------------------------------

def make_book(root: Path, value: int) -> Path:
    """A one-page book whose notebook prints a number taken from its helpers."""
    (root / "helpers").mkdir(parents=True, exist_ok=True)
    (root / "helpers" / "__init__.py").write_text(f"VALUE = {value}\n")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "numbers.csv").write_text("x\n1\n")
    (root / "requirements.lock").write_text("numpy==2.0.0\n")
    (root / "_config.yml").write_text(
        "title: toy\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: cache\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Toy page"),
                      nbformat.v4.new_code_cell("import helpers\nprint(f'the value is {helpers.VALUE}')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / "page.ipynb")
    return root


def test_fingerprint_covers_helpers_data_lock_and_backend(tmp_path, monkeypatch):
    root = make_book(tmp_path / "book", 1)
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    base = build_book.fingerprint(root)
    assert build_book.fingerprint(root) == base  # deterministic

    def changed(edit) -> bool:
        edit()
        return build_book.fingerprint(root) != base

    helper = root / "helpers" / "__init__.py"
    assert changed(lambda: helper.write_text(helper.read_text() + "# a comment\n"))
    helper.write_text("VALUE = 1\n")
    assert build_book.fingerprint(root) == base
    (root / "data" / "numbers.csv").write_text("x\n2\n")
    assert build_book.fingerprint(root) != base
    (root / "data" / "numbers.csv").write_text("x\n1\n")
    assert changed(lambda: (root / "requirements.lock").write_text("numpy==2.0.1\n"))
    (root / "requirements.lock").write_text("numpy==2.0.0\n")
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert build_book.fingerprint(root) != base
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    # The notebook itself is jupyter-cache's business, not the fingerprint's.
    assert not changed(lambda: (root / "page.ipynb").write_text((root / "page.ipynb").read_text() + " "))


def test_the_book_repository_fingerprints_its_own_inputs():
    inputs = {p.relative_to(ROOT).as_posix() for p in build_book._inputs(ROOT)}
    assert "requirements.lock" in inputs and "helpers/backend.py" in inputs
    assert {f"data/{p.name}" for p in (ROOT / "data").iterdir() if p.is_file()} <= inputs


def test_the_github_cache_is_keyed_on_the_fingerprint():
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert "python tools/build_book.py --fingerprint" in workflow
    assert "key: jupyter-cache-${{ steps.inputs.outputs.fingerprint }}-" in workflow
    assert "restore-keys: jupyter-cache-${{ steps.inputs.outputs.fingerprint }}-" in workflow
    assert "restore-keys: jupyter-cache-\n" not in workflow


def page_text(root: Path) -> str:
    return (root / "_build" / "html" / "page.html").read_text()


def build(root: Path) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "--root", str(root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_a_changed_helper_reexecutes_the_notebook_and_changes_the_page(tmp_path):
    """The stale-site bug: without the fingerprint, the second build would keep 'the value is 1'."""
    root = make_book(tmp_path / "book", 1)
    first = build(root)
    assert "Executing notebook" in first
    assert "the value is 1" in page_text(root)
    # Nothing changed: the cache serves the page, nothing runs.
    assert "Executing notebook" not in build(root)
    # Only the helper changes; the notebook's code cells are the same, so
    # jupyter-cache alone would call the cached run valid.
    (root / "helpers" / "__init__.py").write_text("VALUE = 2\n")
    second = build(root)
    assert "Executing notebook" in second, second[-2000:]
    assert "the value is 2" in page_text(root)
    assert "the value is 1" not in page_text(root)


def test_a_build_folder_without_a_fingerprint_is_discarded(tmp_path):
    build_dir = tmp_path / "_build"
    for name in build_book.DERIVED:
        (build_dir / name).mkdir(parents=True)
    (build_dir / "html").mkdir()
    assert build_book.discard_if_stale(build_dir, "abc") is True
    assert not any((build_dir / name).exists() for name in build_book.DERIVED)
    assert (build_dir / "html").is_dir()  # the site itself is rewritten, not deleted
    (build_dir / "metrics").mkdir()
    assert build_book.discard_if_stale(build_dir, "abc") is False
    assert (build_dir / "metrics").is_dir()
    assert (build_dir / build_book.STAMP).read_text().strip() == "abc"


# --- a quiet console -------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "I0000 00:00:1796157217.634389    7940 cudart_stub.cc:31] Could not find cuda drivers on your machine, "
    "GPU will not be used.",
    "E0000 00:00:1796157232.277809    7940 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication is plain.",
])
def test_start_up_chatter_is_dropped(line):
    assert build_book.NOISE.match(line)


@pytest.mark.parametrize("line", [
    "/book/chapters/03.ipynb:12: WARNING: undefined label: 'x'",
    "reading sources... [ 50%] chapters/03_keras_stock_rnn",
    "UserWarning: the figure layout has changed",
    "Traceback (most recent call last):",
])
def test_progress_and_real_warnings_are_kept(line):
    assert not build_book.NOISE.match(line)


def test_the_filter_passes_everything_else_through(tmp_path, capsys):
    script = tmp_path / "talk.py"
    script.write_text("import sys\nprint('progress 1')\n"
                      "print('WARNING: All log messages before absl::InitializeLog() is called are written "
                      "to STDERR', file=sys.stderr)\nprint('WARNING: a real one', file=sys.stderr)\n")
    assert build_book.run_filtered([sys.executable, str(script)], dict(os.environ)) == 0
    out = capsys.readouterr().out
    assert "progress 1" in out and "WARNING: a real one" in out and "absl" not in out
