"""Benchmark: our warm-started 81-λ path vs scikit-learn fitting the same 81 λ one by one.

Reference: LinearSVC (liblinear dual CD, hinge, tol 1e-8, intercept_scaling 100 so the
regularized intercept is effectively free) and LogisticRegression (lbfgs, tol 1e-10), each at
C = 1/(2λn) — the same objective.  Reported per pair and loss: wall time of each, the ratio,
and the largest relative objective gap (ours − sklearn)/sklearn over the grid (negative = ours lower).

    nice python benchmarks/sweep.py [--pairs 0-1 2-3 7-9] [--losses hinge logistic] [--every 1]

``--every k`` uses every k-th λ (the same λ for both solvers) to shorten a run; the section
says which.  Writes benchmarks/results/sweep.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from models import config, linear, mnist

RESULTS = Path(__file__).resolve().parent / "results" / "sweep.md"


def sklearn_path(X: np.ndarray, y: np.ndarray, loss: str, lambdas: np.ndarray) -> tuple[np.ndarray, float]:
    """Objective values of scikit-learn's fits, one λ at a time (no warm start), and the seconds taken."""
    objs = np.zeros(len(lambdas))
    t0 = time.perf_counter()
    for k, lam in enumerate(lambdas):
        tol = 1e-8 if loss == "hinge" else 1e-10
        w, b = linear.sklearn_reference(X, y, loss, lam, tol=tol, max_iter=100_000)
        objs[k] = linear.objective(X, y, w, b, lam, loss)
    return objs, time.perf_counter() - t0


def write_results(rows: list, args: argparse.Namespace, n_lambda: int) -> None:
    """Write the measured rows as the sweep section of BENCHMARKS.md."""
    lines = [
        "## Sweep solver (`benchmarks/sweep.py`)", "",
        f"Our warm-started path over {n_lambda} λ (10^-6 … 10^2{'' if args.every == 1 else f', every {args.every}th grid value'}) "
        "vs scikit-learn fitting the same λ one by one at C = 1/(2λn) (LinearSVC/liblinear for hinge, "
        "LogisticRegression/lbfgs for logistic). Gap = max over λ of (ours − sklearn)/sklearn; "
        "negative means our objective is lower.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, shared with other jobs while measured "
        "(absolute times are inflated; the ratio is measured in the same run).", "",
        "| pair | loss | ours (s) | scikit-learn (s) | speed-up | max objective gap |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {p} | {lo} | {to:.1f} | {tr:.1f} | {r:.1f}× | {g:+.2e} |" for p, lo, to, tr, r, g in rows]
    lines += ["", f"Rerun: `nice python benchmarks/sweep.py --pairs {' '.join(args.pairs)} --losses "
              f"{' '.join(args.losses)} --every {args.every}`", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="+", default=["0-1", "2-3", "7-9"])
    ap.add_argument("--losses", nargs="+", default=list(config.LOSSES))
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    lambdas = config.LAMBDAS[:: args.every]
    rows = []
    for text in args.pairs:
        a, b = config.parse_pair(text)
        data = mnist.pair_data(a, b)
        for loss in args.losses:
            t0 = time.perf_counter()
            ours = linear.fit_path(data.X_train, data.y_train, loss, lambdas)
            t_ours = time.perf_counter() - t0
            ref, t_ref = sklearn_path(data.X_train, data.y_train, loss, lambdas)
            gap = float(np.max((ours.objective - ref) / ref))
            rows.append((f"{a}-{b}", loss, t_ours, t_ref, t_ref / t_ours, gap))
            print(rows[-1], flush=True)
            write_results(rows, args, len(lambdas))  # after each row: a cut-short run keeps its numbers


if __name__ == "__main__":
    main()
