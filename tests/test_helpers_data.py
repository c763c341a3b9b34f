"""Tests for helpers.data: the bundled CSVs, their checksums and the loader's refusals."""

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import DATASETS, data_dir, load_dataset

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(autouse=True)
def _no_data_override(monkeypatch):
    monkeypatch.delenv("RNN_BOOK_DATA", raising=False)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that RNN_BOOK_DATA points at."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ["SHA256SUMS", *(info.filename for info in DATASETS.values())]:
        shutil.copy2(REPO_DATA / name, folder / name)
    monkeypatch.setenv("RNN_BOOK_DATA", str(folder))
    return folder


def replace_csv(folder, filename, text):
    """Write ``text`` as ``filename`` and record its real checksum, so only content checks fire."""
    (folder / filename).write_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    lines = [
        f"{digest}  {filename}" if line.split()[1] == filename else line
        for line in (folder / "SHA256SUMS").read_text().splitlines()
        if line.strip()
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def test_checksum_file_matches_hashlib():
    text = (REPO_DATA / "SHA256SUMS").read_text()
    lines = [line.split() for line in text.splitlines() if line.strip()]
    recorded = {name.lstrip("*"): digest for digest, name in lines}
    assert set(recorded) == {info.filename for info in DATASETS.values()}
    for filename, digest in recorded.items():
        assert hashlib.sha256((REPO_DATA / filename).read_bytes()).hexdigest() == digest, filename


@pytest.mark.parametrize(
    ("name", "rows", "columns", "first", "last"),
    [
        ("sunspots", 2820, ["sunspots"], pd.Period("1749-01", "M"), pd.Period("1983-12", "M")),
        ("electricity", 486, ["generation_bkwh"],
         pd.Period("1973-01", "M"), pd.Period("2013-06", "M")),
        ("msft", 1260, ["open", "high", "low", "close", "volume"],
         pd.Timestamp("2012-11-12"), pd.Timestamp("2017-11-10")),
        ("goog", 1000, ["close"], 1, 1000),
    ],
)
def test_dataset_loads_with_expected_shape_and_index(name, rows, columns, first, last):
    frame = load_dataset(name)
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == rows
    assert list(frame.columns) == columns
    assert frame.index[0] == first
    assert frame.index[-1] == last
    assert frame.index.is_unique and frame.index.is_monotonic_increasing
    assert not frame.isna().any().any()
    assert all(pd.api.types.is_numeric_dtype(frame[column]) for column in frame.columns)
    assert np.isfinite(frame.to_numpy(dtype=float)).all()


@pytest.mark.parametrize(("name", "start", "end"), [("sunspots", "1749-01", "1983-12"),
                                                    ("electricity", "1973-01", "2013-06")])
def test_monthly_datasets_have_contiguous_monthly_period_index(name, start, end):
    index = load_dataset(name).index
    assert isinstance(index, pd.PeriodIndex)
    assert index.freqstr == "M"
    assert index.equals(pd.period_range(start, end, freq="M"))
    assert index.name == "month"


def test_msft_has_datetime_index():
    index = load_dataset("msft").index
    assert isinstance(index, pd.DatetimeIndex)
    assert not isinstance(index, pd.PeriodIndex)
    assert index.name == "date"
    assert (index.day_of_week < 5).all()  # trading days only


def test_goog_has_integer_day_index():
    index = load_dataset("goog").index
    assert not isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex))
    assert pd.api.types.is_integer_dtype(index.dtype)
    np.testing.assert_array_equal(index.to_numpy(), np.arange(1, 1001))
    assert index.name == "day"


def test_values_match_the_csv_text():
    frame = load_dataset("sunspots")
    first_lines = (REPO_DATA / "sunspots.csv").read_text().splitlines()[1:3]
    assert [float(line.split(",")[1]) for line in first_lines] == list(frame["sunspots"].iloc[:2])


def test_data_dir_default_and_override(monkeypatch, tmp_path):
    assert data_dir() == REPO_DATA
    monkeypatch.setenv("RNN_BOOK_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.setenv("RNN_BOOK_DATA", "")
    assert data_dir() == REPO_DATA


def test_loader_reads_from_the_override(data_copy):
    replace_csv(data_copy, "goog.csv", "day,close\n1,10.5\n2,11.25\n")
    frame = load_dataset("goog")
    assert list(frame["close"]) == [10.5, 11.25]


@pytest.mark.parametrize("name", ["Sunspots", "airline", ""])
def test_unknown_dataset_is_refused(name):
    message = f"unknown dataset {name!r}; expected one of: electricity, goog, msft, sunspots"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_dataset(name)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_missing_file_is_refused(data_copy, name):
    filename = DATASETS[name].filename
    (data_copy / filename).unlink()
    with pytest.raises(ValueError, match=rf"dataset file .*{filename} is missing"):
        load_dataset(name)


def test_corrupted_csv_is_refused(data_copy):
    path = data_copy / "sunspots.csv"
    content = bytearray(path.read_bytes())
    position = content.index(b"58.0")  # first value, 1749-01
    content[position] = ord("6")
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match=r"checksum mismatch for .*sunspots\.csv"):
        load_dataset("sunspots")
    # Without verification the edited value goes through, which is what the check guards.
    assert load_dataset("sunspots", verify=False)["sunspots"].iloc[0] == 68.0
    # The other datasets are still fine.
    assert len(load_dataset("goog")) == 1000


def test_missing_checksum_file_is_refused(data_copy):
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(ValueError, match=r"checksum file .*SHA256SUMS is missing"):
        load_dataset("goog")
    assert len(load_dataset("goog", verify=False)) == 1000


def test_unrecorded_checksum_is_refused(data_copy):
    sums = data_copy / "SHA256SUMS"
    kept = [line for line in sums.read_text().splitlines() if "msft.csv" not in line]
    sums.write_text("\n".join(kept) + "\n")
    with pytest.raises(ValueError, match="no checksum recorded for msft.csv in SHA256SUMS"):
        load_dataset("msft")


def test_malformed_checksum_line_is_refused(data_copy):
    sums = data_copy / "SHA256SUMS"
    lines = sums.read_text().splitlines() + ["not-a-checksum goog.csv"]
    sums.write_text("\n".join(lines) + "\n")
    message = rf"SHA256SUMS, line {len(lines)}: expected 'sha256  filename'"
    with pytest.raises(ValueError, match=message):
        load_dataset("goog")


def test_wrong_columns_are_refused(data_copy):
    replace_csv(data_copy, "goog.csv", "day,price\n1,10.0\n")
    message = r"expected columns \['day', 'close'\], found \['day', 'price'\]"
    with pytest.raises(ValueError, match=message):
        load_dataset("goog")


def test_missing_values_are_refused(data_copy):
    replace_csv(data_copy, "sunspots.csv", "month,sunspots\n1749-01,58.0\n1749-02,\n")
    with pytest.raises(ValueError, match=r"missing values in column\(s\) \['sunspots'\]"):
        load_dataset("sunspots")


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        ("sunspots", "month,sunspots\n1749-01,58.0\nspring,62.6\n", "month"),
        ("goog", "day,close\n1,10.0\nfirst,11.0\n", "day"),
        ("msft", "date,open,high,low,close,volume\n12/11/2012,1,2,0.5,1.5,100\n", "date"),
    ],
)
def test_unreadable_index_is_refused(data_copy, name, text, column):
    replace_csv(data_copy, DATASETS[name].filename, text)
    with pytest.raises(ValueError, match=f"unreadable '{column}' column"):
        load_dataset(name)


def test_non_numeric_values_are_refused(data_copy):
    text = "month,generation_bkwh\n1973-01,160.2\n1973-02,n/a?\n"
    replace_csv(data_copy, "electricity.csv", text)
    message = r"non-numeric values in column\(s\) \['generation_bkwh'\]"
    with pytest.raises(ValueError, match=message):
        load_dataset("electricity")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("day,close\n1.7,10.0\n2.2,11.0\n", "expected whole numbers"),
        ("day,close\n2,10.0\n1,11.0\n", "strictly increasing"),
        ("day,close\n1,10.0\n1,11.0\n", "strictly increasing"),
    ],
    ids=["fractional", "out-of-order", "duplicate"],
)
def test_bad_index_column_is_refused(data_copy, text, problem):
    replace_csv(data_copy, "goog.csv", text)
    with pytest.raises(ValueError, match=problem):
        load_dataset("goog")
