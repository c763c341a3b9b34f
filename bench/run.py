"""``make bench``: the book against the articles' own code, its chapters and its builds, in one sitting.

Two protocols (``bench/README.md`` says how to read each table):

``make bench`` (the default, about 45 minutes on 2 cores), in one run on one machine:

1. the float32 GEMM rate, at full size and at each experiment's recurrent
   matrix shape (``bench.gemm``), here and again at the end (step 7), so that
   drift during the run shows; the budgets are normalised by it;
2. the articles' own code (``bench.reference``): each experiment in a fresh
   process on TensorFlow, 3 seeds (42, 43, 44) trained one after another;
3. the backends table: that code once (seed 42) on each Keras backend, a
   fresh process per experiment and backend, stopped at 4x TensorFlow's fit;
4. seed sweeps (``bench.sweep``): one seed against ten trained together, for
   the GOOG stack and the electricity LSTM on the default backend, and for
   chapter 4's PyTorch model with its seed dimension;
5. the build commands on a clean clone (``bench.build_times``): ``make book``
   cold, again with nothing changed, after a prose edit, then ``make test``;
6. every chapter's full-fidelity time and training calls, read from that one
   cold build (its jupyter-cache and the chapters' records), not executed
   again; the book's side of the comparison with step 2 comes from it;
7. the GEMM rates again.

``make bench-full`` (``--full``, hours on 2 cores): 5 seeds per reference,
backends stopped at 10x, every chapter executed again with papermill on the
default backend and on TensorFlow (and torch when competitive), every sweep
on both backends with a one-by-one column, then the same builds.

The result goes to ``_build/bench/bench.json`` and ``bench.md`` (written after
every step, so an interrupted run keeps what it measured) and is printed.
Publishing it is a copy to ``bench/results/`` (see ``bench/README.md``).
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

from bench import build_times, gemm, report
from bench.reference import EXPERIMENTS

ROOT = Path(__file__).resolve().parent.parent
from bench.sweep import DEFAULT_SEEDS as SWEEP_SEEDS  # noqa: E402
from bench.sweep import SWEEP_KEYS, TORCH_KEY  # noqa: E402
from helpers.backend import DEFAULT_BACKEND  # noqa: E402  (imports no framework)
from tools import structure  # noqa: E402

DEFAULT_OUT = ROOT / "_build" / "bench"
SCHEMA = 3
# A backends-table run on JAX or torch is stopped once its process has run for START_ALLOWANCE
# seconds (imports, data, prediction) plus the protocol's slower_limit times TensorFlow's fit of
# the same experiment: a backend that much slower is not competitive, and torch's batch-1 fits
# take hours.
START_ALLOWANCE = 60.0
# What each protocol runs. "sitting" is `make bench` (one sitting, <= 60 min on 2 cores);
# "full" is `make bench-full`.
PROTOCOLS = {
    "sitting": {"seeds": 3, "slower_limit": 4, "chapters": "build", "sweep_keys": ["goog_keras", "elec_lstm"],
                "sweep_backends": "default", "one_by_one": False},
    "full": {"seeds": 5, "slower_limit": 10, "chapters": "papermill", "sweep_keys": SWEEP_KEYS,
             "sweep_backends": "default and tensorflow", "one_by_one": True},
}
DEFAULT_SEEDS = PROTOCOLS["sitting"]["seeds"]
SLOWER_LIMIT = PROTOCOLS["sitting"]["slower_limit"]


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("tensorflow", "jax", "keras", "torch", "numpy"):
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


def environment(backend: str, metrics: Path | None = None) -> dict:
    """A child process's environment: this checkout first on the path, one Keras backend, quiet logs."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", RNN_BOOK_QUIET="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("RNN_BOOK_SMOKE", None)  # smoke or not is decided by --smoke alone
    if metrics is not None:
        env["RNN_BOOK_METRICS"] = str(metrics)
    return env


class Stopped(Exception):
    """A child process ran past its time limit and was stopped."""


def _json_lines(command: list[str], env: dict, what: str, timeout: float | None = None) -> list[dict]:
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Stopped(f"{what} stopped after {timeout:.0f} s") from None
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{what} printed no JSON result:\n{done.stdout[-2000:]}")
    return lines


def run_reference(key: str, *, seeds: int, smoke: bool, backend: str = "tensorflow",
                  timeout: float | None = None) -> dict:
    """One experiment's seeds, one after another, in a fresh process on ``backend``.

    With ``timeout``, a process still running after that many seconds is
    stopped and the result says so (``stopped_after``) instead of timing it,
    with ``fit_lower_bound``: the least its fit took, the limit less
    ``START_ALLOWANCE``.
    """
    command = [sys.executable, "-m", "bench.reference", key, "--seeds", str(seeds)]
    command += ["--smoke"] if smoke else []
    try:
        return _json_lines(command, environment(backend), f"reference {key} on {backend}", timeout)[-1]
    except Stopped:
        return {"key": key, "backend": backend, "runs": [], "stopped_after": timeout,
                "fit_lower_bound": max(0.0, timeout - START_ALLOWANCE)}


def run_sweep(key: str, *, backend: str, seeds: int, epochs: int | None, smoke: bool,
              one_by_one: bool = False) -> dict:
    command = [sys.executable, "-m", "bench.sweep", key, "--seeds", str(seeds)]
    command += (["--epochs", str(epochs)] if epochs else []) + (["--smoke"] if smoke else [])
    command += ["--one-by-one"] if one_by_one and key != TORCH_KEY else []
    return _json_lines(command, environment(backend), f"sweep {key} on {backend}")[-1]


def run_chapter(notebook: Path, *, backend: str, smoke: bool, out: Path) -> dict:
    """Execute one chapter with papermill on ``backend``, timed from outside; its recorded timing rows."""
    metrics = out / f"metrics-{backend}{'-smoke' if smoke else ''}"
    executed = out / f"notebooks-{backend}" / notebook.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "papermill", "--cwd", str(notebook.parent), "--log-level", "ERROR",
               str(notebook), str(executed)] + (["-p", "SMOKE", "True"] if smoke else [])
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment(backend, metrics), capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{notebook.name} on {backend} failed (exit {done.returncode}):\n"
                           f"{done.stderr[-4000:]}")
    recorded = json.loads((metrics / f"{notebook.stem}.json").read_text())
    return {"seconds": seconds, "backend": backend,
            "keras_backend": recorded.get("versions", {}).get("keras backend"),
            "timings": recorded.get("timings", []), "smoke": recorded["smoke"]}


def _attempt(what: str, run, failures: list[str]) -> dict:
    """``run()``, or ``{"error": ...}`` when it fails (the run goes on; the exit status says so)."""
    try:
        return run()
    except RuntimeError as error:
        print(f"FAILED\n{error}", file=sys.stderr, flush=True)
        failures.append(what)
        return {"error": str(error)[-4000:]}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--full", action="store_true",
                        help="the long protocol (make bench-full): 5 seeds, chapters executed again on "
                             "two backends, every sweep on two backends with a one-by-one column")
    parser.add_argument("--smoke", action="store_true",
                        help="smoke-mode chapters; references, backends and sweeps of 1 epoch, 1 seed "
                             "(sweeps 2 seeds), the batch-1 models on a few windows; no builds")
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per reference experiment (default 3, 5 with --full; 1 with --smoke)")
    parser.add_argument("--only", nargs="+", metavar="KEY", choices=sorted(EXPERIMENTS),
                        help="article experiments to measure (default: all)")
    parser.add_argument("--backend-timeout", type=float, default=None,
                        help="seconds after which a backends-table process is stopped and its fit shown "
                             f"as a lower bound (default {START_ALLOWANCE:.0f} + 4 x TensorFlow's fit "
                             "of the experiment, 10 x with --full; 120 with --smoke)")
    parser.add_argument("--chapters", nargs="+", metavar="STEM",
                        help="chapters to execute with papermill (--full; default: all)")
    parser.add_argument("--chapter-backends", nargs="+", metavar="BACKEND", choices=report.BACKENDS,
                        help="backends to execute the chapters on with papermill (--full; default: the "
                             "default backend and tensorflow; torch too when the backends table shows "
                             "it competitive)")
    parser.add_argument("--default-backend", choices=report.BACKENDS, default=DEFAULT_BACKEND,
                        help="the backend the targets are judged on (the book's, helpers/backend.py; "
                             "another one measures the book as if it were the default)")
    parser.add_argument("--sweep-seeds", type=int, default=None,
                        help=f"seeds in each sweep (default {SWEEP_SEEDS}; 2 with --smoke)")
    parser.add_argument("--sweep-epochs", type=int, default=None,
                        help="epochs per seed in the sweeps (default: the article's; 1 with --smoke)")
    parser.add_argument("--sweep-backends", nargs="+", metavar="BACKEND", choices=report.BACKENDS,
                        help="backends for the Keras sweeps (default: the default backend; and "
                             "tensorflow with --full)")
    for part in ("gemm", "references", "backends", "chapters", "sweeps", "builds"):
        parser.add_argument(f"--no-{part}", action="store_true", help=f"skip the {part} step")
    parser.add_argument("--venv", type=Path, default=Path(os.environ.get("VENV") or ROOT / ".venv"),
                        help="the environment make setup installed, shared with the builds' clone")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = _parser()
    args = parser.parse_args(argv)
    protocol = "full" if args.full else "sitting"
    plan = PROTOCOLS[protocol]
    keys = args.only or list(EXPERIMENTS)
    seeds = args.seeds or (1 if args.smoke else plan["seeds"])
    sweep_seeds = args.sweep_seeds or (2 if args.smoke else SWEEP_SEEDS)
    if seeds < 1 or sweep_seeds < 2:
        parser.error("--seeds must be at least 1 and --sweep-seeds at least 2")
    if (args.chapters or args.chapter_backends) and not args.full:
        parser.error("--chapters and --chapter-backends choose papermill runs, which only --full makes "
                     "(make bench reads the chapters from its cold make book)")
    notebooks = structure.chapters()
    if args.chapters:
        unknown = set(args.chapters) - {n.stem for n in notebooks}
        if unknown:
            parser.error(f"no such chapter(s): {', '.join(sorted(unknown))}")
        notebooks = [n for n in notebooks if n.stem in args.chapters]
    builds = not args.no_builds and not args.smoke  # make book is full fidelity: never a smoke step
    venv = args.venv if args.venv.is_absolute() else (ROOT / args.venv)
    if builds:
        build_times.check_venv(venv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    # Anything but the standard run (every part, the default settings) is partial: it is written,
    # never published as a whole one.
    parts = ("gemm", "references", "backends", "chapters", "sweeps", "builds")
    skipped = [part for part in parts if getattr(args, f"no_{part}")]
    partial = bool(args.only or args.chapters or skipped or args.chapter_backends or args.sweep_backends
                   or args.sweep_epochs or args.backend_timeout or args.default_backend != DEFAULT_BACKEND
                   or (args.seeds and args.seeds != plan["seeds"])
                   or (args.sweep_seeds and args.sweep_seeds != SWEEP_SEEDS))
    started = time.perf_counter()
    result = {"schema": SCHEMA, "protocol": protocol,
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "smoke": args.smoke, "partial": partial, "complete": False, "commit": commit(),
              "machine": machine(), "default_backend": args.default_backend, "load": [],
              "settings": {"seeds": seeds, "sweep_seeds": sweep_seeds, "sweep_epochs": args.sweep_epochs,
                           "backend_timeout": args.backend_timeout, "slower_limit": plan["slower_limit"],
                           "only": args.only, "chapters": args.chapters, "skipped": skipped},
              "gemm": {}, "gemm_end": {}, "references": {}, "backends": {}, "chapters": {}, "sweeps": {},
              "builds": []}
    failures: list[str] = []

    def stage(name: str) -> None:
        result["load"].append({"stage": name, "loadavg": list(os.getloadavg()),
                               "at_s": time.perf_counter() - started})
        print(f"{name} (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)", flush=True)

    def save() -> str:
        """Write what has been measured so far (a failure later keeps it), and return the Markdown."""
        result["wall_s"] = time.perf_counter() - started
        result["totals"] = report.totals(result)
        result["normalised"] = report.normalised(result)
        result["targets"] = report.targets(result)
        (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
        text = report.markdown(result)
        (out / "bench.md").write_text(text + "\n")
        return text

    print(f"Writing to {out} ({protocol} protocol)", flush=True)
    if not args.no_gemm:
        stage("GEMM rates")
        result["gemm"] = measure_gemm(keys)
        save()

    if not args.no_references:
        stage(f"the articles' code on tensorflow, {seeds} seed(s) each")
        for key in keys:
            print(f"  {key} ...", end=" ", flush=True)
            line = _attempt(f"reference {key}", lambda k=key: run_reference(k, seeds=seeds, smoke=args.smoke),
                            failures)
            result["references"][key] = {**line, "chapter": EXPERIMENTS[key].chapter,
                                         "title": EXPERIMENTS[key].title,
                                         "metric_name": EXPERIMENTS[key].metric_name}
            summary = report.reference_summary(line)
            if summary:
                print(f"{summary['per_seed']:.1f} s per seed", flush=True)
            save()

    if not args.no_backends:
        stage("the articles' code on every Keras backend, seed 42")
        keras_keys = [key for key in keys if EXPERIMENTS[key].keras]

        def limit(key: str) -> float:
            """Seconds a backends-table process of ``key`` may run (see START_ALLOWANCE)."""
            if args.backend_timeout or args.smoke:
                return args.backend_timeout or 120.0
            tensorflow = report._fit_seconds(result["backends"].get("tensorflow", {}).get(key))
            return START_ALLOWANCE + plan["slower_limit"] * tensorflow if tensorflow else 900.0

        for backend in report.BACKENDS:
            result["backends"][backend] = {}
            for key in keras_keys:
                print(f"  {key} on {backend} ...", end=" ", flush=True)
                reference = result["references"].get(key, {})
                if backend == "tensorflow" and reference.get("runs") and reference["runs"][0]["seed"] == 42:
                    # The reference's first seed ran in just these conditions: a fresh process, seed 42.
                    line = {**reference, "runs": reference["runs"][:1], "reused": True}
                else:
                    line = _attempt(f"{key} on {backend}", lambda k=key, b=backend: run_reference(
                        k, seeds=1, smoke=args.smoke, backend=b, timeout=limit(k)), failures)
                result["backends"][backend][key] = {**line, "title": EXPERIMENTS[key].title}
                seconds, stopped = report._time(line)
                if seconds is None:
                    print("failed", flush=True)
                elif stopped:
                    print(f"stopped: its fit took over {seconds:.0f} s", flush=True)
                else:
                    print(f"{seconds:.1f} s" + (" (the reference's seed 42)" if line.get("reused") else ""),
                          flush=True)
                save()

    competitive, why = report.torch_decision(result)
    if plan["chapters"] == "papermill" and not args.no_chapters:
        backends = args.chapter_backends or list(dict.fromkeys(
            [args.default_backend, "tensorflow"] + (["torch"] if competitive else [])))
        result["torch_chapters"] = {"run": "torch" in backends, "forced": bool(args.chapter_backends),
                                    "why": why}
        if "torch" not in backends:
            print(f"Chapters on torch skipped: {why}.", flush=True)
        for backend in backends:
            stage(f"every chapter on {backend}{' (smoke mode)' if args.smoke else ''}")
            result["chapters"][backend] = {}
            for notebook in notebooks:
                print(f"  {notebook.stem} on {backend} ...", end=" ", flush=True)
                chapter = _attempt(f"{notebook.stem} on {backend}", lambda n=notebook, b=backend: run_chapter(
                    n, backend=b, smoke=args.smoke, out=out), failures)
                result["chapters"][backend][notebook.stem] = chapter
                if "seconds" in chapter:
                    print(f"{chapter['seconds']:.1f} s", flush=True)
                save()

    if not args.no_sweeps:
        default_only = plan["sweep_backends"] == "default"
        sweep_backends = args.sweep_backends or list(dict.fromkeys(
            [args.default_backend] + ([] if default_only else ["tensorflow"])))
        sweep_keys = [k for k in plan["sweep_keys"] if k in keys]
        for backend in sweep_backends:
            stage(f"seed sweeps on {backend}, {sweep_seeds} seeds")
            result["sweeps"][backend] = {}
            for key in sweep_keys:
                print(f"  {key} on {backend} ...", end=" ", flush=True)
                line = _attempt(f"sweep {key} on {backend}", lambda k=key, b=backend: run_sweep(
                    k, backend=b, seeds=sweep_seeds, epochs=args.sweep_epochs, smoke=args.smoke,
                    one_by_one=plan["one_by_one"]), failures)
                result["sweeps"][backend][key] = line
                if "ratio" in line:
                    print(f"wall({sweep_seeds})/wall(1) = {line['ratio']:.2f}", flush=True)
                save()
        if not args.only or "goog_torch_article" in keys:
            stage(f"seed sweep of chapter 4's PyTorch model, {sweep_seeds} seeds")
            print(f"  {TORCH_KEY} ...", end=" ", flush=True)
            line = _attempt(f"sweep {TORCH_KEY}", lambda: run_sweep(
                TORCH_KEY, backend=args.default_backend, seeds=sweep_seeds, epochs=args.sweep_epochs,
                smoke=args.smoke), failures)
            result["sweeps"].setdefault("torch", {})[TORCH_KEY] = line
            if "ratio" in line:
                print(f"wall({sweep_seeds})/wall(1) = {line['ratio']:.2f}", flush=True)
            save()

    if builds:
        stage("builds and tests on a clean clone (make book cold, again, after a prose edit; make test)")

        def keep(document: dict) -> None:
            result["builds"] = document["builds"]
            result["builds_commit"] = document["commit"]
            if plan["chapters"] == "build" and document["chapters"]:
                result["chapters"] = {args.default_backend: document["chapters"]}
            save()

        try:
            document = build_times.time_builds(venv, save=keep, backend=args.default_backend)
            for stem, chapter in document["chapters"].items():
                if chapter.get("error"):
                    failures.append(f"{stem} in the cold build")
        except RuntimeError as error:
            print(f"FAILED\n{error}", file=sys.stderr, flush=True)
            failures.append("builds")
            result["builds_error"] = str(error)[-4000:]
        save()

    if not args.no_gemm:
        stage("GEMM rates again")
        result["gemm_end"] = measure_gemm(keys)
        save()

    stage("done")
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result["complete"] = not failures
    result["failures"] = failures
    text = save()
    print()
    print(text)
    if failures:
        print(f"\n{len(failures)} step(s) failed: {', '.join(failures)}", file=sys.stderr)
        sys.exit(1)
    return result


if __name__ == "__main__":
    main()
