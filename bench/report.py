"""Turn a benchmark result (``_build/bench/bench.json``) into tables, verdicts and targets.

Pure formatting and arithmetic with no heavy imports: ``bench.run`` prints
these tables and writes them as Markdown (``bench.md``), and the book's
performance note quotes a few numbers of the committed result through
:func:`public_numbers` (``tools/bench_numbers.py``). ``bench/README.md`` says
how to read each table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

__all__ = [
    "BACKENDS", "NOISE_SE", "PUBLIC_NUMBERS", "TARGETS", "TORCH_COMPETITIVE",
    "backend_rows", "book_summary", "build_rows", "chapter_rows", "chapters_of", "comparison_rows",
    "REFERENCE_GFLOPS", "budget", "gemm_rate", "goog_rate", "markdown", "matched_totals", "mean_sd",
    "normalised", "not_worse", "public_numbers",
    "reference_summary", "spread", "summary_lines", "sweep_rows", "target_lines", "targets",
    "timing_rows", "torch_decision", "totals",
]

BACKENDS = ("tensorflow", "jax", "torch")  # Keras backends the backends table measures
# The book's targets, all judged on the default backend at full fidelity.
TARGETS = {
    "book_over_reference": 0.25,  # sum of book s/seed over sum of reference s/seed, matched experiments
    "chapter_seconds": 180.0,  # every chapter, executed top to bottom, normalised (below)
    "long_chapter_seconds": 240.0,  # the capstone chapters (LONG_CHAPTERS), normalised
    "book_seconds": 900.0,  # cold make book, normalised
    "test_seconds": 360.0,  # make test, normalised
    "bench_seconds": 3600.0,  # make bench itself, wall clock on the machine it ran on
    "sweep_ratio": 3.0,  # wall(10 seeds) / wall(1 seed) trained together
    "gemm_factor": 5.0,  # the GOOG sweep's GFLOP/s within this factor of the GEMM rate at its shape
}
# Chapters whose budget is TARGETS["long_chapter_seconds"]: the capstones (by number).
LONG_CHAPTERS = ("08", "09")
# Budgets are for a machine whose 1024x1024 float32 GEMM on every core runs at this rate: a
# time measured here counts as seconds x (this run's rate / REFERENCE_GFLOPS). A Colab CPU
# runtime has 2 cores, as the machine the budgets were set on.
REFERENCE_GFLOPS = 150.0
# The chapters run on the torch backend only when its reference fits take at most this multiple
# of the fastest backend's (summed over the Keras experiments measured on every backend).
TORCH_COMPETITIVE = 1.25
# "Not worse beyond seed noise": the book's mean metric exceeds the reference's by at most
# NOISE_SE standard errors of the difference (lower metrics are better: they are errors).
NOISE_SE = 2.0

MAIN_HEADER = ["experiment", "reference backend", "reference s/seed", "book backend", "book s/seed",
               "book seeds in one program?", "book / reference", "reference metric", "book metric",
               "not worse beyond seed noise?"]
BACKEND_HEADER = ["experiment", "backend", "fit s (seed 42)", "test metric (seed 42)", "vs fastest"]
CHAPTER_HEADER = ["chapter", "backend", "full execution s", "training calls", "seeds trained", "training s",
                  "other s", f"at {REFERENCE_GFLOPS:.0f} GFLOP/s", "budget s", "within budget?"]
BUILD_HEADER = ["command", "what it did", "backend", "wall s", f"at {REFERENCE_GFLOPS:.0f} GFLOP/s",
                "budget s", "within budget?"]


def sweep_header(seeds: int) -> list[str]:
    return ["experiment", "backend", "seeds trained", "1 seed s", f"{seeds} seeds s",
            f"{seeds} one by one s", f"wall({seeds}) / wall(1)", "one by one / together",
            f"≤ {TARGETS['sweep_ratio']:.1f}?"]


# ---------- numbers

def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"


def _seconds(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _met(ok) -> str:
    return "—" if ok is None else ("met" if ok else "not met")


def spread(values: Iterable[float]) -> dict:
    """``{"mean", "sd", "n"}`` of one score over seeds; ``sd`` (ddof=1) is None below two seeds."""
    values = [float(v) for v in values if v is not None]
    n = len(values)
    if n == 0:
        return {"mean": None, "sd": None, "n": 0}
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return {"mean": mean, "sd": sd, "n": n}


def mean_sd(values: Iterable[float], digits: int = 4) -> str:
    """``"20.82 ± 1.3 (n=5)"``; one seed: ``"20.82 (n=1)"``; none: ``"—"``."""
    s = spread(values)
    if not s["n"]:
        return "—"
    if s["sd"] is None:
        return f"{s['mean']:.{digits}g} (n=1)"
    return f"{s['mean']:.{digits}g} ± {s['sd']:.2g} (n={s['n']})"


def not_worse(book: Iterable[float], reference: Iterable[float]) -> tuple[str, dict]:
    """Whether the book's metric is not worse than the reference's beyond seed noise.

    The rule: with ``d`` = book mean − reference mean (both are errors, lower
    is better) and ``se`` the standard error of ``d`` from the pooled
    variance of the sides with two or more seeds,
    ``se = s_pooled * sqrt(1/n_book + 1/n_reference)``, the verdict is "yes"
    when ``d <= NOISE_SE * se``, else "no". With fewer than two seeds on both
    sides there is no noise estimate: "undecided".
    """
    b, r = spread(book), spread(reference)
    detail = {"book": b, "reference": r, "difference": None, "se": None}
    if not b["n"] or not r["n"]:
        return "—", detail
    detail["difference"] = b["mean"] - r["mean"]
    sides = [s for s in (b, r) if s["sd"] is not None]
    if not sides:
        return "undecided (one seed a side)", detail
    pooled = sum((s["n"] - 1) * s["sd"] ** 2 for s in sides) / sum(s["n"] - 1 for s in sides)
    detail["se"] = math.sqrt(pooled) * math.sqrt(1 / b["n"] + 1 / r["n"])
    return ("yes" if detail["difference"] <= NOISE_SE * detail["se"] else "no"), detail


# ---------- normalised to the reference machine

def gemm_rate(result: dict) -> dict:
    """This run's 1024x1024 GEMM rate at the start and the end, their mean and the drift between them.

    The mean is what normalises the run's times (``normalised``); a run of the
    first format measured it once.
    """
    start = (result.get("gemm") or {}).get("peak")
    end = (result.get("gemm_end") or {}).get("peak")
    rates = [r for r in (start, end) if r]
    mean = sum(rates) / len(rates) if rates else None
    drift = (end - start) / start if start and end else None
    return {"start": start, "end": end, "mean": mean, "drift": drift,
            "factor": mean / REFERENCE_GFLOPS if mean else None}


def budget(stem: str) -> float:
    """A chapter's budget in normalised seconds: the capstones get longer."""
    return TARGETS["long_chapter_seconds" if stem[:2] in LONG_CHAPTERS else "chapter_seconds"]


def _judged(seconds: float | None, limit: float, factor: float | None) -> dict:
    scaled = seconds * factor if seconds is not None and factor else None
    return {"seconds": seconds, "normalised": scaled, "budget": limit,
            "met": None if scaled is None else scaled <= limit}


def _build(result: dict, command: str, what: str) -> dict | None:
    return next((b for b in result.get("builds") or [] if b["command"] == command
                 and b["what"].startswith(what)), None)


def normalised(result: dict) -> dict:
    """Every time that has a budget, with its value at ``REFERENCE_GFLOPS`` and whether it is met.

    ``{"gemm": gemm_rate(result), "chapters": {stem: {"seconds", "normalised",
    "budget", "met"}}, "make_book": ..., "make_test": ..., "bench": ...}`` on the
    default backend; ``bench`` is wall clock, not normalised (it is judged on
    the machine it ran on).
    """
    rate = gemm_rate(result)
    factor = rate["factor"]
    chapters = {stem: _judged(None if c.get("error") else c["seconds"], budget(stem), factor)
                for stem, c in chapters_of(result, default_backend(result)).items()}
    cold, test = _build(result, "make book", "cold"), _build(result, "make test", "")
    wall = result.get("wall_s")
    return {"gemm": rate, "reference_gflops": REFERENCE_GFLOPS, "chapters": chapters,
            "make_book": _judged(cold and cold["seconds"], TARGETS["book_seconds"], factor),
            "make_test": _judged(test and test["seconds"], TARGETS["test_seconds"], factor),
            "bench": {"seconds": wall, "budget": TARGETS["bench_seconds"],
                      "met": None if wall is None or result.get("complete") is False
                      else wall <= TARGETS["bench_seconds"]}}


# ---------- the parts of a result

def chapters_of(result: dict, backend: str) -> dict:
    """The chapters executed on ``backend``: ``{stem: chapter}``.

    Results of the first format (``schema`` absent) ran every chapter on
    TensorFlow and kept them as ``{stem: chapter}``.
    """
    chapters = result.get("chapters", {})
    if result.get("schema", 1) < 2:
        return chapters if backend == "tensorflow" else {}
    return chapters.get(backend, {})


def default_backend(result: dict) -> str:
    return result.get("default_backend") or "tensorflow"


def timing_rows(chapter: dict | None) -> Iterator[dict]:
    """The chapter's timing rows in one shape: ``seeds`` and ``metrics`` lists, ``backend``, ``vectorized``.

    Rows written by a chapter that times one seed per call (``seed``,
    ``metric``) become one-seed rows.
    """
    for row in (chapter or {}).get("timings", []):
        if "seeds" in row:
            seeds, metrics = list(row["seeds"]), list(row.get("metrics") or [])
        else:
            seeds, metrics = [row.get("seed")], [row.get("metric")]
        yield {"experiment": row["experiment"], "seconds": float(row["seconds"]), "seeds": seeds,
               "metrics": [m for m in metrics if m is not None], "label": row.get("label") or "",
               "backend": row.get("backend") or chapter.get("keras_backend") or chapter.get("backend"),
               "vectorized": bool(row.get("vectorized", False))}


def book_summary(chapter: dict | None, key: str) -> dict | None:
    """The chapter's unlabelled training calls of ``key``: seconds per seed, metrics, how trained."""
    rows = [row for row in timing_rows(chapter) if row["experiment"] == key and not row["label"]]
    if not rows:
        return None
    seeds = sum(len(row["seeds"]) for row in rows)
    flags = {row["vectorized"] for row in rows}
    return {"seconds": sum(row["seconds"] for row in rows), "seeds": seeds, "calls": len(rows),
            "per_seed": sum(row["seconds"] for row in rows) / seeds,
            "metrics": [m for row in rows for m in row["metrics"]],
            "vectorized": "mixed" if len(flags) > 1 else ("yes" if flags == {True} else "no"),
            "backend": rows[0]["backend"]}


def reference_summary(reference: dict | None) -> dict | None:
    """A reference's seconds per seed (mean of its ``fit`` calls) and every seed's metric.

    A reference of the first format (one seed: ``seed``, ``seconds``,
    ``metric`` at the top) is one run.
    """
    reference = reference or {}
    runs = reference.get("runs")
    if runs is None and "seconds" in reference:
        runs = [{key: reference.get(key) for key in ("seed", "seconds", "metric")}]
        reference = {**reference, "backend": reference.get("backend") or _first_format_backend(reference)}
    runs = [run for run in runs or [] if "seconds" in run]
    if not runs:
        return None
    return {"per_seed": sum(run["seconds"] for run in runs) / len(runs), "seeds": len(runs),
            "metrics": [run["metric"] for run in runs], "backend": reference.get("backend")}


def comparison_rows(result: dict, backend: str) -> list[list[str]]:
    """The main table for the chapters run on ``backend``: one row per article experiment."""
    rows = []
    chapters = chapters_of(result, backend)
    for key, reference in result.get("references", {}).items():
        ref = reference_summary(reference)
        book = book_summary(chapters.get(reference["chapter"]), key)
        verdict = not_worse(book["metrics"], ref["metrics"])[0] if book and ref else "—"
        unit = reference.get("metric_name", "")
        rows.append([
            f"{reference['title']} ({reference['chapter'][:2]})",
            (ref or {}).get("backend") or reference.get("backend") or _first_format_backend(reference),
            _seconds(ref and ref["per_seed"]),
            "torch" if _is_torch_loop(reference) else ((book["backend"] or backend) if book else backend),
            _seconds(book and book["per_seed"]),
            f"{book['vectorized']} ({_count(book['seeds'], 'seed')}, {_count(book['calls'], 'call')})"
            if book else "—",
            _ratio(book["per_seed"] / ref["per_seed"]) if book and ref and ref["per_seed"] else "—",
            f"{mean_sd(ref['metrics'])} {unit}" if ref else "—",
            f"{mean_sd(book['metrics'])} {unit}" if book and book["metrics"] else "—",
            verdict,
        ])
    return rows


def _is_torch_loop(reference: dict) -> bool:
    """The article's own PyTorch loop (not a Keras model): trained on torch by the book as well."""
    return reference.get("keras") is False or reference.get("key") == "goog_torch_article"


def _first_format_backend(reference: dict) -> str:
    """The first format did not name the backend: TensorFlow, or PyTorch for the article's own loop."""
    return "torch" if _is_torch_loop(reference) else "tensorflow"


def matched_totals(result: dict, backend: str) -> dict:
    """Sum of the book's and the reference's seconds per seed over the experiments both measured."""
    chapters = chapters_of(result, backend)
    pairs = []
    for key, reference in result.get("references", {}).items():
        ref = reference_summary(reference)
        book = book_summary(chapters.get(reference["chapter"]), key)
        if ref and book:
            pairs.append((key, ref["per_seed"], book["per_seed"]))
    out = {"experiments": [key for key, _, _ in pairs], "reference_s": sum(r for _, r, _ in pairs),
           "book_s": sum(b for _, _, b in pairs), "ratio": None}
    if pairs and out["reference_s"]:
        out["ratio"] = out["book_s"] / out["reference_s"]
    return out


def chapter_rows(result: dict) -> list[list[str]]:
    """Every chapter on every backend it ran on, then each backend's total.

    On the default backend each chapter is also shown at ``REFERENCE_GFLOPS``
    (``normalised``) against its budget; other backends are not judged.
    """
    rows = []
    default = default_backend(result)
    judged = normalised(result)["chapters"]
    for backend in _chapter_backends(result):
        chapters = chapters_of(result, backend)
        total = training_total = 0.0
        for stem, chapter in chapters.items():
            mine = judged.get(stem, {}) if backend == default else {}
            if chapter.get("error"):
                verdict = "not met" if backend == default else "—"
                rows.append([stem, backend, "failed", "—", "—", "—", "—", "—",
                             _seconds(mine.get("budget")), verdict])
                continue
            timings = list(timing_rows(chapter))
            training = sum(t["seconds"] for t in timings)
            total, training_total = total + chapter["seconds"], training_total + training
            rows.append([stem, chapter.get("keras_backend") or backend, _seconds(chapter["seconds"]),
                         str(len(timings)), str(sum(len(t["seeds"]) for t in timings)), _seconds(training),
                         _seconds(chapter["seconds"] - training), _seconds(mine.get("normalised")),
                         _seconds(mine.get("budget")), _met(mine.get("met"))])
        if chapters:
            failed = any(c.get("error") for c in chapters.values())
            rows.append([f"all {len(chapters)} chapters" + (" (some failed)" if failed else ""), backend,
                         _seconds(total), "", "", _seconds(training_total), _seconds(total - training_total),
                         "", "", ""])
    return rows


def _chapter_backends(result: dict) -> list[str]:
    if result.get("schema", 1) < 2:
        return ["tensorflow"] if result.get("chapters") else []
    return list(result.get("chapters", {}))


def backend_rows(result: dict) -> list[list[str]]:
    """Each Keras experiment's seed-42 fit on every backend, each backend's total, and the PyTorch loop.

    A run stopped at its time limit shows its ``fit_lower_bound`` as "> seconds (stopped)".
    """
    measured = result.get("backends", {})
    rows, totals_by, bounded = [], {}, set()
    keys = list(dict.fromkeys(key for runs in measured.values() for key in runs))
    common = [key for key in keys
              if all(_time(measured.get(b, {}).get(key))[0] is not None for b in measured)]
    for key in keys:
        times = {b: _time(measured[b].get(key)) for b in measured}
        fastest = min((t for t, stopped in times.values() if t is not None and not stopped), default=None)
        for backend in measured:
            entry = measured[backend].get(key)
            seconds, stopped = times[backend]
            if key in common:
                totals_by[backend] = totals_by.get(backend, 0.0) + seconds
                bounded |= {backend} if stopped else set()
            more = "> " if stopped else ""
            rows.append([f"{(entry or {}).get('title', key)}", backend,
                         f"{more}{seconds:.0f} (stopped)" if stopped else _seconds(seconds),
                         _number(_fit_metric(entry), 5) if entry and not stopped else "—",
                         f"{more}{seconds / fastest:.2f}x" if seconds is not None and fastest else
                         ("failed" if entry and entry.get("error") else "—")])
    exact = [total for backend, total in totals_by.items() if backend not in bounded]
    fastest_total = min(exact, default=None)
    for backend, total in totals_by.items():
        more = "> " if backend in bounded else ""
        rows.append([f"all {len(common)} Keras experiments", backend, f"{more}{total:.1f}", "",
                     f"{more}{total / fastest_total:.2f}x" if fastest_total else "—"])
    for loop in result.get("references", {}).values():  # the article's own PyTorch loop: not a Keras model
        if loop.get("keras") is False and reference_summary(loop):
            run = loop["runs"][0]
            rows.append([loop["title"], "torch (the article's PyTorch loop, not Keras)",
                         _seconds(run["seconds"]), _number(run["metric"], 5), "—"])
    return rows


def _fit_seconds(entry: dict | None):
    runs = (entry or {}).get("runs") or []
    return runs[0]["seconds"] if runs else None


def _time(entry: dict | None) -> tuple[float | None, bool]:
    """``(seconds, stopped)``: the fit's seconds, or for a run stopped at its limit a lower bound of them."""
    if entry and entry.get("stopped_after") is not None:
        return float(entry.get("fit_lower_bound", entry["stopped_after"])), True
    return _fit_seconds(entry), False


def _fit_metric(entry: dict | None):
    runs = (entry or {}).get("runs") or []
    return runs[0]["metric"] if runs else None


def torch_decision(result: dict) -> tuple[bool | None, str]:
    """Whether the chapters should run on the torch backend, and why, from the backends table.

    A torch fit stopped at the time limit counts with the limit, a lower bound:
    torch is then competitive only if even its unfinished total is within the rule, and
    the chapters are not run on it (one of its fits did not finish).
    """
    measured = result.get("backends", {})
    if result.get("smoke"):
        return None, "smoke-mode fits of one epoch cannot show whether torch is competitive"
    if not all(b in measured for b in BACKENDS):
        return None, "the backends table was not measured on every backend"
    keys = [key for key in measured["torch"]
            if all(_fit_seconds(measured[b].get(key)) is not None for b in ("tensorflow", "jax"))
            and _time(measured["torch"].get(key))[0] is not None]
    if not keys:
        return None, "no Keras experiment was measured on every backend"
    total = {b: sum(_fit_seconds(measured[b][key]) for key in keys) for b in ("tensorflow", "jax")}
    total["torch"] = sum(_time(measured["torch"][key])[0] for key in keys)
    stopped = [key for key in keys if _time(measured["torch"][key])[1]]
    best = min(("tensorflow", "jax"), key=total.get)
    factor = total["torch"] / total[best] if total[best] else math.inf
    competitive = factor <= TORCH_COMPETITIVE and not stopped
    at_least = "at least " if stopped else ""
    why = (f"torch's reference fits took {at_least}{total['torch']:.1f} s over {len(keys)} Keras "
           f"experiments, {at_least}{factor:.2f}x {best}'s {total[best]:.1f} s (chapters run on torch only "
           f"within {TORCH_COMPETITIVE}x)")
    if stopped:
        why += f"; stopped at the time limit: {', '.join(stopped)}"
    return competitive, why


def sweep_rows(result: dict) -> list[list[str]]:
    default = default_backend(result)
    rows = []
    for backend, sweeps in result.get("sweeps", {}).items():
        for key, line in sweeps.items():
            if line.get("error"):
                rows.append([key, backend, "failed", "—", "—", "—", "—", "—", "—"])
                continue
            t = line["seconds"]
            if line.get("framework") == "torch":
                path = "one model with a seed dimension"
            else:
                path = "one program (fit_seeds)" if line["vectorized"] else "one after another (fallback)"
            judged = backend in (default, "torch")
            ok = line["ratio"] <= TARGETS["sweep_ratio"] if judged else None
            alone = t.get("one_by_one")
            rows.append([line.get("title", key), line.get("backend", backend), path,
                         _seconds(t["fit_seeds_1"]), _seconds(t["fit_seeds_n"]), _seconds(alone),
                         _ratio(line["ratio"]),
                         _ratio(alone / t["fit_seeds_n"]) if alone and t["fit_seeds_n"] else "—", _met(ok)])
    return rows


def goog_rate(result: dict, backend: str) -> dict | None:
    """The GOOG stack's sweep: matmul GFLOP/s of all its seeds over the wall time, against the GEMM limit."""
    line = result.get("sweeps", {}).get(backend, {}).get("goog_keras")
    if not line or line.get("error") or not line["seconds"]["fit_seeds_n"]:
        return None
    gflops = line["flops_per_seed"] * line["seeds"] / line["seconds"]["fit_seeds_n"] / 1e9
    limit = result.get("gemm", {}).get("shapes", {}).get("goog_keras")
    return {"gflops": gflops, "limit": limit, "seeds": line["seeds"],
            "shape": result.get("gemm", {}).get("shape_of", {}).get("goog_keras"),
            "factor": limit / gflops if limit and gflops else None}


def targets(result: dict) -> list[dict]:
    """Each target of the book, on the default backend: what it asks, the measured value, met or not.

    Times with a budget are judged normalised (``normalised``): seconds x this
    run's GEMM rate / ``REFERENCE_GFLOPS``.
    """
    default = default_backend(result)
    matched = matched_totals(result, default)
    scaled = normalised(result)
    chapters = scaled["chapters"]
    over = {stem: c for stem, c in chapters.items() if c["met"] is False and c["seconds"] is not None}
    failed = [stem for stem, c in chapters.items() if c["seconds"] is None]
    worst = max((c["normalised"] for c in chapters.values() if c["normalised"] is not None), default=None)
    sweeps = [line for backend in (default, "torch")
              for line in result.get("sweeps", {}).get(backend, {}).values() if not line.get("error")]
    ratio = max((line["ratio"] for line in sweeps), default=None)
    rate = goog_rate(result, default)
    reference = f"at {REFERENCE_GFLOPS:.0f} GFLOP/s"

    def judged(name: str, what: str, entry: dict) -> dict:
        value = (f"{entry['seconds']:.0f} s here, {entry['normalised']:.0f} s {reference}"
                 if entry["normalised"] is not None else "—")
        return {"target": f"{what} ≤ {TARGETS[name]:.0f} s {reference}", "value": value, "met": entry["met"]}

    chapter_value = "—"
    if worst is not None:
        chapter_value = f"slowest {worst:.0f} s {reference}"
        misses = [f"{stem} {c['normalised']:.0f} s (budget {c['budget']:.0f})" for stem, c in over.items()]
        chapter_value += "; over budget: " + ", ".join(misses) if misses else ""
    chapter_value += f"; failed: {', '.join(failed)}" if failed else ""
    bench = scaled["bench"]
    return [
        {"target": f"book ÷ reference training seconds per seed, summed over the matched experiments, on "
                   f"{default}: ≤ {TARGETS['book_over_reference']}",
         "value": _ratio(matched["ratio"]),
         "met": None if matched["ratio"] is None else matched["ratio"] <= TARGETS["book_over_reference"]},
        {"target": f"every chapter executed on {default} ≤ {TARGETS['chapter_seconds']:.0f} s {reference} "
                   f"(chapters {' and '.join(LONG_CHAPTERS)}: ≤ {TARGETS['long_chapter_seconds']:.0f} s)",
         "value": chapter_value,
         "met": None if not chapters else (not failed and not over)},
        {"target": f"seed sweeps: wall(N seeds) / wall(1 seed) trained together ≤ {TARGETS['sweep_ratio']} "
                   f"on {default} and for the PyTorch seeds, every experiment",
         "value": f"worst {ratio:.2f}" if ratio is not None else "—",
         "met": None if ratio is None else ratio <= TARGETS["sweep_ratio"]},
        {"target": f"GOOG stack's seed sweep within {TARGETS['gemm_factor']:.0f}x of the GEMM rate at its "
                   f"recurrent shape, on {default}",
         "value": f"{rate['factor']:.1f}x below" if rate and rate["factor"] else "—",
         "met": None if not rate or rate["factor"] is None else rate["factor"] <= TARGETS["gemm_factor"]},
        judged("book_seconds", "cold make book", scaled["make_book"]),
        judged("test_seconds", "make test", scaled["make_test"]),
        {"target": f"make bench itself ≤ {TARGETS['bench_seconds'] / 60:.0f} min wall clock, in one run",
         "value": f"{bench['seconds'] / 60:.1f} min" if bench["seconds"] else "—", "met": bench["met"]},
    ]


def target_lines(result: dict) -> list[str]:
    lines = [f"- {t['target']}: {t['value']} — **{'not measured' if t['met'] is None else _met(t['met'])}**"
             for t in targets(result)]
    if result.get("smoke"):
        lines.append("- (a smoke run: the targets are about full-fidelity runs, these numbers are not)")
    return lines


def totals(result: dict) -> dict:
    """The headline numbers: per chapter backend, the matched totals and the chapters' total seconds."""
    out = {}
    for backend in _chapter_backends(result):
        chapters = chapters_of(result, backend)
        out[backend] = {**matched_totals(result, backend),
                        "chapters_s": sum(c["seconds"] for c in chapters.values() if not c.get("error"))}
    return out


def build_rows(builds: list[dict] | None, result: dict | None = None) -> list[list[str]]:
    """The build and test commands; cold ``make book`` and ``make test`` against their budgets."""
    factor = gemm_rate(result or {})["factor"]
    limits = {"make test": TARGETS["test_seconds"]}
    rows = []
    for b in builds or []:
        limit = TARGETS["book_seconds"] if b["command"] == "make book" and b["what"].startswith("cold") \
            else limits.get(b["command"])
        judged = _judged(b["seconds"], limit, factor) if limit else {}
        rows.append([b["command"], b["what"], b.get("backend") or default_backend(result or {}),
                     _seconds(b["seconds"]), _seconds(judged.get("normalised")),
                     _seconds(judged.get("budget")), _met(judged.get("met"))])
    return rows


# ---------- the appendix's numbers

# The names the book's performance note may quote ({bench}`name`, tools/bench_numbers.py).
PUBLIC_NUMBERS = ("backend", "machine", "date", "chapters", "chapter_min_s", "chapter_max_s",
                  "chapters_total_min", "training_share_pct")

def public_numbers(result: dict | None) -> dict[str, str]:
    """The few numbers the book's performance note quotes, as text, from a full-fidelity result.

    Empty for a missing, smoke or partial result, or one without chapters.
    """
    if not result or result.get("smoke") or result.get("partial") or result.get("complete") is False:
        return {}
    backend = default_backend(result)
    chapters = {stem: c for stem, c in chapters_of(result, backend).items() if not c.get("error")}
    if not chapters:
        return {}
    seconds = [c["seconds"] for c in chapters.values()]
    training = sum(t["seconds"] for c in chapters.values() for t in timing_rows(c))
    machine = result.get("machine", {})
    when = (result.get("finished") or result.get("started") or "")[:10]
    return {
        "backend": backend,
        "machine": f"{machine.get('cpu', 'an unnamed CPU')}, {machine.get('cores', '?')} cores",
        "date": when or "an unrecorded date",
        "chapters": str(len(chapters)),
        "chapter_min_s": f"{min(seconds):.0f}",
        "chapter_max_s": f"{max(seconds):.0f}",
        "chapters_total_min": f"{sum(seconds) / 60:.0f}",
        "training_share_pct": f"{100 * training / sum(seconds):.0f}",
    }


# ---------- Markdown

def summary_lines(result: dict) -> list[str]:
    machine = result.get("machine", {})
    load = result.get("load", [])
    lines = [f"Measured {result.get('finished', result.get('started', '?'))} on {machine.get('cpu', '?')} "
             f"({machine.get('cores', '?')} cores), Python {machine.get('python', '?')}, "
             f"TensorFlow {machine.get('tensorflow', '?')}, JAX {machine.get('jax', '?')}, "
             f"Keras {machine.get('keras', '?')}, PyTorch {machine.get('torch', '?')}; commit "
             f"{result.get('commit') or '?'}; default Keras backend {default_backend(result)}"
             f"{'; smoke mode' if result.get('smoke') else ''}"
             f"{'; partial run' if result.get('partial') else ''}"
             f"{'; unfinished' if result.get('complete') is False else ''}."]
    if result.get("schema", 1) < 2:
        lines.append("A result of the first benchmark format: one seed per side, the chapters on TensorFlow "
                     "only, no backends table and no seed sweeps.")
    if load:
        lines.append("Load average (1 min) by stage: "
                     + ", ".join(f"{entry['stage']} {entry['loadavg'][0]:.2f}" for entry in load)
                     + f" on {machine.get('cores', '?')} cores (other work on the machine slows every "
                       "number).")
    rate = gemm_rate(result)
    if rate["start"] and rate["end"]:
        small = [f"{key} {(result['gemm'].get('shapes') or {}).get(key, 0):.1f} → "
                 f"{(result['gemm_end'].get('shapes') or {}).get(key, 0):.1f}"
                 for key in (result["gemm"].get("shapes") or {})]
        lines.append(f"GEMM, one 1024x1024 float32 product on every core: {rate['start']:.1f} GFLOP/s at "
                     f"the start, {rate['end']:.1f} at the end ({100 * rate['drift']:+.0f} %); times with a "
                     f"budget are also shown at {REFERENCE_GFLOPS:.0f} GFLOP/s, i.e. x {rate['factor']:.2f} "
                     f"(the mean rate / {REFERENCE_GFLOPS:.0f}).")
        if small:
            lines.append("GEMM at each experiment's recurrent shape (batched, start → end, GFLOP/s; the "
                         "chapters' small matrices are bound by per-step overhead, not by this rate): "
                         + "; ".join(small) + ".")
    elif rate["start"]:
        lines.append(f"GEMM: {rate['start']:.1f} GFLOP/s for one 1024x1024 float32 product on every core"
                     f" (measured once); times with a budget are also shown at {REFERENCE_GFLOPS:.0f} "
                     f"GFLOP/s, i.e. x {rate['factor']:.2f}.")
    if result.get("wall_s"):
        lines.append(f"The whole run took {result['wall_s'] / 60:.1f} min ({result.get('protocol', '?')} "
                     "protocol).")
    return lines


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(result: dict, builds: list[dict] | None = None) -> str:
    parts = ["# Benchmark", "", *summary_lines(result), "", "## Targets", "", *target_lines(result), ""]
    default = default_backend(result)
    for backend in _chapter_backends(result):
        if not result.get("references"):
            break
        matched = matched_totals(result, backend)
        parts += [f"## Book against the articles' code: chapters on {backend}", "",
                  _markdown_table(MAIN_HEADER, comparison_rows(result, backend)), ""]
        if matched["ratio"] is not None:
            limit = TARGETS["book_over_reference"]
            target = f" (target ≤ {limit}: {_met(matched['ratio'] <= limit)})" if backend == default else ""
            parts += [f"Matched experiments ({len(matched['experiments'])}): book {matched['book_s']:.1f} s "
                      f"per seed in all against reference {matched['reference_s']:.1f} s, "
                      f"{matched['ratio']:.2f}x{target}.", ""]
        parts += [f"Verdict rule: the book's mean test error is not above the reference's by more than "
                  f"{NOISE_SE:g} standard errors of the difference (pooled seed variance); undecided "
                  "without two seeds on either side.", ""]
    if result.get("backends"):
        competitive, why = torch_decision(result)
        parts += ["## The articles' code on each Keras backend", "",
                  _markdown_table(BACKEND_HEADER, backend_rows(result)), "",
                  f"Chapters on torch: {'run' if competitive else 'not run'}"
                  f"{' (asked for)' if result.get('torch_chapters', {}).get('forced') else ''}: {why}.", ""]
    if result.get("chapters"):
        parts += ["## Chapters, top to bottom", "", _markdown_table(CHAPTER_HEADER, chapter_rows(result)), ""]
    if result.get("sweeps"):
        seeds = next((line["seeds"] for s in result["sweeps"].values() for line in s.values()
                      if "seeds" in line), 10)
        parts += ["## Seed sweeps", "", _markdown_table(sweep_header(seeds), sweep_rows(result)), ""]
        for backend in result["sweeps"]:
            rate = goog_rate(result, backend)
            if rate:
                m, k, n = rate["shape"] or ("?", "?", "?")
                shape = f"({m}x{k}) @ ({k}x{n})"
                parts += [f"GOOG stack, {rate['seeds']}-seed sweep on {backend}: {rate['gflops']:.2f} "
                          f"GFLOP/s of matrix products against {_number(rate['limit'])} GFLOP/s for "
                          f"batched float32 products of its recurrent shape ({shape}); "
                          f"{_number(rate['factor'])}x below that limit.", ""]
    builds = builds or result.get("builds")
    if builds:
        parts += ["## Builds and tests", "", _markdown_table(BUILD_HEADER, build_rows(builds, result)), ""]
    return "\n".join(parts)
