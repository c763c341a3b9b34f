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
    "goog_rate", "markdown", "matched_totals", "mean_sd", "not_worse", "public_numbers",
    "reference_summary", "spread", "summary_lines", "sweep_rows", "target_lines", "targets",
    "timing_rows", "torch_decision", "totals",
]

BACKENDS = ("tensorflow", "jax", "torch")  # Keras backends the backends table measures
# The book's targets, all judged on the default backend at full fidelity.
TARGETS = {
    "book_over_reference": 0.4,  # sum of book s/seed over sum of reference s/seed, matched experiments
    "chapter_seconds": 180.0,  # every chapter, executed top to bottom
    "sweep_ratio": 3.0,  # wall(10 seeds) / wall(1 seed) with fit_seeds
    "gemm_factor": 5.0,  # the GOOG sweep's GFLOP/s within this factor of the GEMM rate at its shape
}
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
                  "other s", f"≤ {TARGETS['chapter_seconds']:.0f} s?"]
BUILD_HEADER = ["command", "what it did", "wall s"]


def sweep_header(seeds: int) -> list[str]:
    return ["experiment", "backend", "fit_seeds", "1 seed s", f"{seeds} seeds s",
            f"{seeds} one by one s", f"wall({seeds}) / wall(1)", "one by one / fit_seeds",
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
    """Every chapter on every backend it ran on, then each backend's total."""
    rows = []
    default = default_backend(result)
    for backend in _chapter_backends(result):
        chapters = chapters_of(result, backend)
        total = training_total = 0.0
        for stem, chapter in chapters.items():
            if chapter.get("error"):
                verdict = "not met" if backend == default else "—"
                rows.append([stem, backend, "failed", "—", "—", "—", "—", verdict])
                continue
            timings = list(timing_rows(chapter))
            training = sum(t["seconds"] for t in timings)
            total, training_total = total + chapter["seconds"], training_total + training
            ok = chapter["seconds"] <= TARGETS["chapter_seconds"] if backend == default else None
            rows.append([stem, chapter.get("keras_backend") or backend, _seconds(chapter["seconds"]),
                         str(len(timings)), str(sum(len(t["seeds"]) for t in timings)), _seconds(training),
                         _seconds(chapter["seconds"] - training), _met(ok)])
        if chapters:
            failed = any(c.get("error") for c in chapters.values())
            rows.append([f"all {len(chapters)} chapters" + (" (some failed)" if failed else ""), backend,
                         _seconds(total), "", "", _seconds(training_total), _seconds(total - training_total),
                         ""])
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
            path = "one program (vectorized)" if line["vectorized"] else "sequential fallback"
            ok = line["ratio"] <= TARGETS["sweep_ratio"] if backend == default else None
            rows.append([line.get("title", key), line.get("backend", backend), path,
                         _seconds(t["fit_seeds_1"]), _seconds(t["fit_seeds_n"]), _seconds(t["one_by_one"]),
                         _ratio(line["ratio"]),
                         _ratio(t["one_by_one"] / t["fit_seeds_n"]) if t["fit_seeds_n"] else "—", _met(ok)])
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
    """Each target of the book, on the default backend: what it asks, the measured value, met or not."""
    default = default_backend(result)
    matched = matched_totals(result, default)
    chapters = chapters_of(result, default)
    slowest = max((c["seconds"] for c in chapters.values() if not c.get("error")), default=None)
    failed = [stem for stem, c in chapters.items() if c.get("error")]
    sweeps = [line for line in result.get("sweeps", {}).get(default, {}).values() if not line.get("error")]
    worst = max((line["ratio"] for line in sweeps), default=None)
    rate = goog_rate(result, default)
    out = [
        {"target": f"book ÷ reference training seconds per seed, summed over the matched experiments, on "
                   f"{default}: ≤ {TARGETS['book_over_reference']}",
         "value": _ratio(matched["ratio"]),
         "met": None if matched["ratio"] is None else matched["ratio"] <= TARGETS["book_over_reference"]},
        {"target": f"every chapter executed in ≤ {TARGETS['chapter_seconds']:.0f} s on {default}",
         "value": (f"slowest {slowest:.1f} s" if slowest is not None else "—")
                  + (f"; failed: {', '.join(failed)}" if failed else ""),
         "met": None if slowest is None and not failed else
                (not failed and slowest <= TARGETS["chapter_seconds"])},
        {"target": f"seed sweeps: wall(N seeds) / wall(1 seed) with fit_seeds ≤ {TARGETS['sweep_ratio']} on "
                   f"{default}, every experiment",
         "value": f"worst {worst:.2f}" if worst is not None else "—",
         "met": None if worst is None else worst <= TARGETS["sweep_ratio"]},
        {"target": f"GOOG stack's seed sweep within {TARGETS['gemm_factor']:.0f}x of the GEMM rate at its "
                   f"recurrent shape, on {default}",
         "value": f"{rate['factor']:.1f}x below" if rate and rate["factor"] else "—",
         "met": None if not rate or rate["factor"] is None else rate["factor"] <= TARGETS["gemm_factor"]},
    ]
    return out


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


def build_rows(builds: list[dict] | None) -> list[list[str]]:
    return [[b["command"], b["what"], _seconds(b["seconds"])] for b in builds or []]


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
    gemm = result.get("gemm", {})
    if gemm.get("peak"):
        lines.append(f"GEMM: {gemm['peak']:.1f} GFLOP/s for one 1024x1024 float32 product on every core.")
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
    if builds:
        parts += ["## Builds and tests", "", _markdown_table(BUILD_HEADER, build_rows(builds)), ""]
    return "\n".join(parts)
