"""Load the book's bundled datasets, verifying each file's SHA-256 first.

Taught in chapter 7 and used by every chapter with real data (3-7).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["DATASETS", "data_dir", "load_dataset"]


@dataclass(frozen=True)
class DatasetInfo:
    """What the loader needs to know about one bundled CSV."""

    filename: str
    index: str
    index_kind: str  # "month", "date" or "integer"
    columns: tuple[str, ...]
    description: str


DATASETS: dict[str, DatasetInfo] = {
    "sunspots": DatasetInfo(
        "sunspots.csv", "month", "month", ("sunspots",),
        "monthly mean sunspot numbers, 1749-01 to 1983-12",
    ),
    "goog": DatasetInfo(
        "goog.csv", "day", "integer", ("close",),
        "1000 daily GOOG closing prices in USD, 2013-02-25 to 2017-02-13",
    ),
    "msft": DatasetInfo(
        "msft.csv", "date", "date",
        ("open", "high", "low", "close", "volume"),
        "MSFT daily prices (USD) and volume, 2012-11-12 to 2017-11-10",
    ),
    "electricity": DatasetInfo(
        "electricity.csv", "month", "month", ("generation_bkwh",),
        "US monthly net electricity generation (billion kWh), 1973-01 to 2013-06",
    ),
}


def data_dir() -> Path:
    """The folder holding the CSVs: ``$RNN_BOOK_DATA`` or the repository's ``data/``."""
    override = os.environ.get("RNN_BOOK_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data"


def _expected_checksums(folder: Path) -> dict[str, str]:
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        raise ValueError(
            f"checksum file {sums} is missing; expected one 'sha256  filename' "
            "line per bundled CSV"
        )
    table = {}
    for number, line in enumerate(sums.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise ValueError(
                f"{sums}, line {number}: expected 'sha256  filename', got {line!r}"
            )
        table[parts[1].lstrip("*")] = parts[0].lower()
    return table


def load_dataset(name: str, *, verify: bool = True) -> pd.DataFrame:
    """Load a bundled dataset by name as a DataFrame indexed by time.

    Monthly series get a monthly ``PeriodIndex``, daily prices a
    ``DatetimeIndex``, and ``goog`` (which its source ships without dates) an
    integer trading-day index. The file's SHA-256 is checked against
    ``data/SHA256SUMS`` first, so an edited or truncated file is refused.

    Raises:
        ValueError: unknown name, missing file, checksum mismatch, or a file
            whose columns or values are not what the book expects.

    Taught in chapter 3; used in chapters 3, 4, 5, 6, 7 and 8.
    """
    info, path = _dataset_file(name, verify=verify)
    frame = pd.read_csv(path)
    _check_table(frame, info, path)
    index = _time_index(frame[info.index], info, path)
    return frame[list(info.columns)].set_axis(index)


def _dataset_file(name: str, *, verify: bool):
    """The dataset's description and file, refused if unknown, missing or not the shipped file."""
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown dataset {name!r}; expected one of: {known}")
    info = DATASETS[name]
    folder = data_dir()
    path = folder / info.filename
    if not path.is_file():
        raise ValueError(
            f"dataset file {path} is missing; the book ships it in data/ "
            "(in Colab, run the chapter's setup cell first)"
        )
    if verify:
        expected = _expected_checksums(folder).get(info.filename)
        if expected is None:
            raise ValueError(f"no checksum recorded for {info.filename} in SHA256SUMS")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            raise ValueError(
                f"checksum mismatch for {path}: expected sha256 {expected}, "
                f"got {actual}; the file was modified or corrupted "
                "(restore it with `git checkout -- data/`)"
            )
    return info, path


def _check_table(frame: pd.DataFrame, info, path) -> None:
    """The expected columns, no missing values, numbers in the data columns."""
    wanted = [info.index, *info.columns]
    if list(frame.columns) != wanted:
        raise ValueError(
            f"{path}: expected columns {wanted}, found {list(frame.columns)}"
        )
    if frame.isna().any().any():
        bad = frame.columns[frame.isna().any()].tolist()
        raise ValueError(f"{path}: missing values in column(s) {bad}")
    non_numeric = [c for c in info.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise ValueError(f"{path}: non-numeric values in column(s) {non_numeric}")


def _time_index(column: pd.Series, info, path) -> pd.Index:
    """The time index the dataset's kind asks for, strictly increasing."""
    try:
        if info.index_kind == "month":
            index = pd.PeriodIndex(column, freq="M", name=info.index)
        elif info.index_kind == "date":
            index = pd.DatetimeIndex(pd.to_datetime(column, format="%Y-%m-%d"), name=info.index)
        else:
            if not pd.api.types.is_integer_dtype(column):
                raise ValueError(f"expected whole numbers, found dtype {column.dtype}")
            index = pd.Index(column, name=info.index)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path}: unreadable {info.index!r} column ({error})") from None
    if not (index.is_unique and index.is_monotonic_increasing):
        raise ValueError(f"{path}: the {info.index!r} column must be strictly increasing")
    return index
