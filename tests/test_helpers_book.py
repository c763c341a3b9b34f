"""The progress line of long cells (helpers/book.py): shown only when asked, and honest about time."""

from __future__ import annotations

import time

from helpers import book


def test_a_long_cell_gets_one_counting_line_that_ends_with_its_time():
    shown = []
    line = book._ProgressLine(display=shown.append, after=0.05, every=0.05)
    line.start(time.perf_counter())
    time.sleep(0.3)
    line.stop()
    assert shown and shown[0].startswith("running ... ")
    assert shown[-1].startswith("done in ") and len(shown) >= 3


def test_a_short_cell_shows_nothing():
    shown = []
    line = book._ProgressLine(display=shown.append, after=0.5)
    line.start(time.perf_counter())
    line.stop()
    time.sleep(0.05)
    assert shown == []


def test_the_build_and_the_tests_are_quiet(monkeypatch):
    class ZMQInteractiveShell:  # what a notebook kernel's shell is called
        pass

    monkeypatch.setattr(book, "_ipython", lambda: ZMQInteractiveShell())
    monkeypatch.setenv(book.QUIET_ENV, "1")
    assert not book.show_progress()
    monkeypatch.delenv(book.QUIET_ENV)
    assert book.show_progress()
    monkeypatch.setattr(book, "_ipython", lambda: None)  # a plain Python process
    assert not book.show_progress()


def test_in_a_notebook_kernel_the_line_lands_in_the_long_cells_output(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv(book.QUIET_ENV)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from helpers import book\n"
                                  "timer = book.CellTimer(progress=book.show_progress())\n"
                                  "timer._progress._after = 0.2"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)"),
        nbformat.v4.new_code_cell("print('quick')"),
    ])
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    slow = [o.get("data", {}).get("text/plain", "") for o in notebook.cells[1].outputs]
    assert slow and slow[-1].startswith("done in "), notebook.cells[1].outputs
    assert [o.get("text") for o in notebook.cells[2].outputs] == ["quick\n"]
