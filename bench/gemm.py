"""The machine's matrix-multiply rate, measured at the sizes the book's models use.

A recurrent layer multiplies a (batch x inputs) block by an (inputs x
gates*units) weight at every time step: matrices of a few dozen rows, far
from the sizes where a CPU reaches its peak. ``small_gemm_rate`` measures
float32 GEMM at one such shape with the per-call overhead taken out (many
independent products in one batched call), which is what a perfectly fused
implementation of that training step could reach. ``peak_gemm_rate`` measures
one large product for comparison.
"""

from __future__ import annotations

import os
import time

from bench.flops import gemm_flops

__all__ = ["peak_gemm_rate", "small_gemm_rate"]


def _best_rate(run, flops: float, *, repeats: int, min_seconds: float) -> float:
    """Best GFLOP/s over ``repeats`` timings, each at least ``min_seconds`` long."""
    run()  # warm up (allocation, thread pool)
    best = 0.0
    for _ in range(repeats):
        calls, start = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, flops * calls / elapsed / 1e9)
    return best


def small_gemm_rate(m: int, k: int, n: int, *, repeats: int = 3, min_seconds: float = 0.2,
                    threads: int | None = None) -> float:
    """GFLOP/s of float32 (m x k) @ (k x n), batched so call overhead does not count.

    With ``threads=None`` the better of one thread and every core: small
    products often run faster on one thread than split across several.
    """
    import torch

    flops = gemm_flops(m, k, n)  # refuses sizes that are not positive integers
    if threads is None:
        return max(small_gemm_rate(m, k, n, repeats=repeats, min_seconds=min_seconds, threads=t)
                   for t in sorted({1, os.cpu_count() or 1}))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        # enough independent products for ~8 MFLOP per call, at most 4096
        count = max(1, min(4096, 8_000_000 // flops))
        generator = torch.Generator().manual_seed(0)
        a = torch.randn(count, m, k, generator=generator)
        b = torch.randn(count, k, n, generator=generator)
        out = torch.empty(count, m, n)
        return _best_rate(lambda: torch.bmm(a, b, out=out), float(flops * count),
                          repeats=repeats, min_seconds=min_seconds)
    finally:
        torch.set_num_threads(previous)


def peak_gemm_rate(size: int = 1024, *, repeats: int = 3, min_seconds: float = 0.5) -> float:
    """GFLOP/s of one float32 (size x size) @ (size x size) product on every core."""
    import torch

    flops = gemm_flops(size, size, size)
    previous = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        generator = torch.Generator().manual_seed(0)
        a = torch.randn(size, size, generator=generator)
        b = torch.randn(size, size, generator=generator)
        out = torch.empty(size, size)
        return _best_rate(lambda: torch.mm(a, b, out=out), float(flops),
                          repeats=repeats, min_seconds=min_seconds)
    finally:
        torch.set_num_threads(previous)
