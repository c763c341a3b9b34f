"""Turn a benchmark result (``_build/bench/bench.json``) into tables.

Pure formatting with no heavy imports: ``bench.run`` prints these tables and
writes them as Markdown, and the book's appendix renders the same rows
(``tools/bench_table.py``).
"""

from __future__ import annotations

import math

__all__ = ["build_rows", "chapter_rows", "experiment_rows", "markdown", "summary_lines", "totals"]

EXPERIMENT_HEADER = ["experiment", "reference s", "book s", "book / reference", "GFLOP/s",
                     "% of GEMM limit", "reference metric", "book metric", "same result?"]
# The book's whole-book target: all chapters in at most this multiple of the references' total.
TOTAL_TARGET = 0.5
CHAPTER_HEADER = ["chapter", "full execution s", "training calls", "training s", "other s"]
BUILD_HEADER = ["command", "what it did", "wall s"]


def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"


def _seconds(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def book_run(experiment: dict, chapter: dict | None, seed) -> dict | None:
    """The chapter's unlabelled training call of ``experiment`` with the reference's seed (else the first)."""
    if chapter is None:
        return None
    rows = [t for t in chapter.get("timings", [])
            if t["experiment"] == experiment["key"] and not t.get("label")]
    same_seed = [t for t in rows if t.get("seed") == seed]
    return (same_seed or rows or [None])[0]


def agreement(reference_metric, book_metric) -> str:
    """'identical', or the relative difference of the two full-precision metrics."""
    if reference_metric is None or book_metric is None:
        return "—"
    if reference_metric == book_metric:
        return "identical"
    scale = max(abs(reference_metric), abs(book_metric))
    return f"differs by {abs(book_metric - reference_metric) / scale:.1e} (relative)"


def experiment_rows(result: dict) -> list[list[str]]:
    rows = []
    for key, reference in result.get("references", {}).items():
        chapter = result.get("chapters", {}).get(reference["chapter"])
        book = book_run(reference, chapter, reference.get("seed"))
        book_s = book["seconds"] if book else None
        limit = result.get("gemm", {}).get("shapes", {}).get(key)
        gflops = reference["flops"] / book_s / 1e9 if book_s else None
        unit = reference["metric_name"]
        rows.append([
            f"{reference['title']} ({reference['chapter'][:2]})",
            _seconds(reference["seconds"]),
            _seconds(book_s),
            f"{book_s / reference['seconds']:.2f}" if book_s else "—",
            _number(gflops),
            f"{100 * gflops / limit:.1f}" if gflops and limit else "—",
            f"{_number(reference['metric'], 7)} {unit}",
            f"{_number(book['metric'], 7)} {unit}" if book and book.get("metric") is not None else "—",
            agreement(reference["metric"], book.get("metric") if book else None),
        ])
    return rows


def chapter_rows(result: dict) -> list[list[str]]:
    rows = []
    for stem, chapter in result.get("chapters", {}).items():
        training = sum(t["seconds"] for t in chapter.get("timings", []))
        rows.append([stem, _seconds(chapter["seconds"]), str(len(chapter.get("timings", []))),
                     _seconds(training), _seconds(chapter["seconds"] - training)])
    return rows


def build_rows(result: dict) -> list[list[str]]:
    return [[b["command"], b["what"], _seconds(b["seconds"])] for b in result.get("builds", [])]


def totals(result: dict) -> dict:
    """Reference and book totals, and their ratios, from whatever parts were run."""
    references = result.get("references", {})
    chapters = result.get("chapters", {})
    out = {"reference_s": sum(r["seconds"] for r in references.values()) if references else None,
           "chapters_s": sum(c["seconds"] for c in chapters.values()) if chapters else None}
    matched = [(r["seconds"], book_run(r, chapters.get(r["chapter"]), r.get("seed")))
               for r in references.values()]
    matched = [(ref, book["seconds"]) for ref, book in matched if book]
    out["matched_reference_s"] = sum(ref for ref, _ in matched) if matched else None
    out["matched_book_s"] = sum(book for _, book in matched) if matched else None
    if out["reference_s"] and out["chapters_s"]:
        out["chapters_over_reference"] = out["chapters_s"] / out["reference_s"]
    if out["matched_reference_s"] and out["matched_book_s"]:
        out["matched_ratio"] = out["matched_book_s"] / out["matched_reference_s"]
    return out


def summary_lines(result: dict) -> list[str]:
    machine = result.get("machine", {})
    total = totals(result)
    lines = [f"Measured {result.get('finished', '?')} on {machine.get('cpu', '?')} "
             f"({machine.get('cores', '?')} cores), Python {machine.get('python', '?')}, "
             f"TensorFlow {machine.get('tensorflow', '?')}, Keras {machine.get('keras', '?')}, "
             f"PyTorch {machine.get('torch', '?')}{', smoke mode' if result.get('smoke') else ''}."]
    gemm = result.get("gemm", {})
    if gemm.get("peak"):
        lines.append(f"GEMM limit: {gemm['peak']:.1f} GFLOP/s for one 1024x1024 float32 product on every "
                     "core; '% of GEMM limit' compares with the rate measured at each experiment's own "
                     "recurrent matrix shape (batched, no call overhead).")
    if total.get("matched_ratio"):
        lines.append(f"Same training calls: book {total['matched_book_s']:.1f} s against reference "
                     f"{total['matched_reference_s']:.1f} s ({total['matched_ratio']:.2f}x).")
    whole = not result.get("partial") and result.get("complete") is not False
    if total.get("chapters_over_reference") and whole:
        ratio = total["chapters_over_reference"]
        verdict = "met" if ratio <= TOTAL_TARGET else "not met"
        lines.append(f"All chapters at full fidelity: {total['chapters_s']:.1f} s, {ratio:.2f}x the "
                     f"references' total {total['reference_s']:.1f} s (the book's target, "
                     f"{TOTAL_TARGET}x or less, is {verdict}).")
    return lines


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(result: dict) -> str:
    parts = ["# Benchmark", "", *summary_lines(result), ""]
    if result.get("references"):
        parts += ["## Article experiments: reference implementation against the book", "",
                  _markdown_table(EXPERIMENT_HEADER, experiment_rows(result)), ""]
    if result.get("chapters"):
        parts += ["## Chapters at full fidelity", "",
                  _markdown_table(CHAPTER_HEADER, chapter_rows(result)), ""]
    if result.get("builds"):
        parts += ["## Builds and tests", "", _markdown_table(BUILD_HEADER, build_rows(result)), ""]
    return "\n".join(parts)
