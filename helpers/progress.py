"""Progress bars for long training calls, shown to a reader who runs a chapter interactively.

:func:`progress_bar` gives a tqdm bar (``tqdm.auto``: a widget in Colab and
JupyterLab, text in a terminal) with what is done, what is left and an
estimate of the time remaining. The build, the tests and the benchmark set
``RNN_BOOK_QUIET=1`` (:func:`helpers.book.show_progress`), and then the bar
is a silent stand-in with the same methods, so nothing reaches the website
or a log.
"""

from __future__ import annotations

__all__ = ["progress_bar"]


class _Silent:
    """Stands in for a tqdm bar where nothing may be shown."""

    def __init__(self, total: int | None = None) -> None:
        self.total = total
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(total: int, desc: str, unit: str = "epoch"):
    """A tqdm bar of ``total`` ``unit``s labelled ``desc``, or a silent stand-in when quiet."""
    from .book import show_progress

    if not show_progress():
        return _Silent(total)
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=True)
