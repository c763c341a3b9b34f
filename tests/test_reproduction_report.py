"""The report's rows carry what a chapter declared, the classical model included."""

from __future__ import annotations

import pytest

from helpers.record import ChapterRecord
from tools import reproduction_report


def test_a_claim_row_names_the_best_classical_model(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_BOOK_METRICS", str(tmp_path))
    record = ChapterRecord("07_x", smoke=True)
    record.add("article_rmse", 0.08, claim=0.077, unit="scaled", glue=False)
    record.add("naive_rmse", 0.0796, unit="scaled", glue=False)
    record.add("ar_rmse", 0.075, unit="scaled", note="AR(12)", glue=False)
    record.experiment("test RMSE", reproduced="article_rmse", baseline="naive_rmse",
                      classical="ar_rmse", verdict="differs: higher than claimed")
    document = {"metrics": record.metrics, "experiments": record.experiments}
    (row,) = reproduction_report.report_rows({"07_x": document})
    assert row == ["test RMSE (07_x)", "0.077 scaled", "0.08 scaled", "—", "0.0796 scaled",
                   "0.075 scaled (AR(12))", "differs: higher than claimed"]
    assert len(row) == len(reproduction_report.CLAIM_FIELDS) + 1


def test_an_unknown_classical_metric_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_BOOK_METRICS", str(tmp_path))
    record = ChapterRecord("07_x", smoke=True)
    record.add("article_rmse", 0.08, glue=False)
    with pytest.raises(ValueError, match="classical metric 'arima' has not been added"):
        record.experiment("t", reproduced="article_rmse", classical="arima", verdict="differs: x")
