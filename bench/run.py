"""``make bench``: every chapter at full fidelity beside plain reference implementations.

In one run on one machine:

1. the machine's float32 GEMM rate, at full size and at each experiment's
   recurrent matrix shape (``bench.gemm``);
2. each article experiment as a plain reference implementation
   (``bench.reference``), each in a fresh Python process;
3. each chapter executed top to bottom with papermill at full fidelity (or in
   smoke mode with ``--smoke``), timed from outside; each chapter records its
   own training calls (``ChapterRecord.timing``).

The result goes to ``_build/bench/bench.json`` and ``bench.md`` and is printed
as tables; the book's appendix shows the latest one. Usage::

    python -m bench.run [--smoke] [--only KEY ...] [--no-chapters] [--no-references]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import gemm, report  # noqa: E402
from bench.reference import EXPERIMENTS  # noqa: E402

DEFAULT_OUT = ROOT / "_build" / "bench"


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("tensorflow", "keras", "torch", "numpy"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), **_versions()}


def commit() -> str | None:
    """``git describe --always --dirty`` of the measured tree, or None outside git."""
    done = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                          capture_output=True, text=True)
    return done.stdout.strip() or None if done.returncode == 0 else None


def measure_gemm(keys: list[str]) -> dict:
    shapes = {}
    for key in keys:
        m, k, n = EXPERIMENTS[key].gemm_shape
        shapes[key] = gemm.small_gemm_rate(m, k, n)
        print(f"  GEMM {m}x{k} @ {k}x{n}: {shapes[key]:.1f} GFLOP/s", flush=True)
    peak = gemm.peak_gemm_rate()
    print(f"  GEMM 1024^3: {peak:.1f} GFLOP/s", flush=True)
    return {"peak": peak, "shapes": shapes,
            "shape_of": {key: list(EXPERIMENTS[key].gemm_shape) for key in keys}}


def _environment(metrics: Path) -> dict:
    env = dict(os.environ, RNN_BOOK_METRICS=str(metrics), KERAS_BACKEND="tensorflow",
               TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("RNN_BOOK_SMOKE", None)  # smoke or not is decided by --smoke alone
    return env


def run_reference(key: str, smoke: bool, env: dict) -> dict:
    command = [sys.executable, "-m", "bench.reference", key] + (["--smoke"] if smoke else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"reference {key} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"reference {key} printed no JSON result:\n{done.stdout[-2000:]}")
    result = json.loads(lines[-1])
    result["chapter"] = EXPERIMENTS[key].chapter
    return result


def run_chapter(notebook: Path, smoke: bool, out: Path, env: dict) -> dict:
    executed = out / "notebooks" / notebook.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "papermill", "--cwd", str(notebook.parent), "--log-level", "ERROR",
               str(notebook), str(executed)] + (["-p", "SMOKE", "True"] if smoke else [])
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{notebook.name} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    metrics = json.loads((Path(env["RNN_BOOK_METRICS"]) / f"{notebook.stem}.json").read_text())
    return {"seconds": seconds, "timings": metrics.get("timings", []), "smoke": metrics["smoke"]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="smoke-mode chapters and 1-epoch references")
    parser.add_argument("--only", nargs="+", metavar="KEY", choices=sorted(EXPERIMENTS),
                        help="reference experiments to run (default: all)")
    parser.add_argument("--chapters", nargs="+", metavar="STEM",
                        help="chapters to execute (default: all)")
    parser.add_argument("--no-chapters", action="store_true", help="skip executing the chapters")
    parser.add_argument("--no-references", action="store_true", help="skip the reference implementations")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    keys = args.only or list(EXPERIMENTS)
    notebooks = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    if args.chapters:
        unknown = set(args.chapters) - {n.stem for n in notebooks}
        if unknown:
            parser.error(f"no such chapter(s): {', '.join(sorted(unknown))}")
        notebooks = [n for n in notebooks if n.stem in args.chapters]
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = _environment(out / ("metrics-smoke" if args.smoke else "metrics"))

    # Anything less than every reference and every chapter is a partial run: it is
    # written, but the appendix keeps showing the last whole one.
    partial = bool(args.only or args.chapters or args.no_chapters or args.no_references)
    result = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "smoke": args.smoke,
              "partial": partial, "complete": False, "commit": commit(), "machine": machine(),
              "gemm": {}, "references": {}, "chapters": {}}

    def save() -> str:
        """Write what has been measured so far (a failure later keeps it), and return the Markdown."""
        result["totals"] = report.totals(result)
        (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
        text = report.markdown(result)
        (out / "bench.md").write_text(text + "\n")
        return text

    print(f"GEMM rates (writing to {out})", flush=True)
    result["gemm"] = measure_gemm(keys)
    if not args.no_references:
        for key in keys:
            print(f"reference {key} ...", end=" ", flush=True)
            result["references"][key] = run_reference(key, args.smoke, env)
            print(f"{result['references'][key]['seconds']:.1f} s", flush=True)
            save()
    if not args.no_chapters:
        for notebook in notebooks:
            print(f"chapter {notebook.stem} ...", end=" ", flush=True)
            result["chapters"][notebook.stem] = run_chapter(notebook, args.smoke, out, env)
            print(f"{result['chapters'][notebook.stem]['seconds']:.1f} s", flush=True)
            save()
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result["complete"] = True
    text = save()
    print()
    print(text)
    return result


if __name__ == "__main__":
    main()
