"""Benchmark: our warm-started 81-λ path vs scikit-learn fitting the same 81 λ one by one.

Reference: LinearSVC (liblinear dual CD, hinge, tol 1e-8, intercept_scaling 100 so the
regularized intercept is effectively free) and LogisticRegression (lbfgs, tol 1e-10), each at
C = 1/(2λn) — the same objective.  Reported per pair and loss: wall time of each, the ratio,
and the largest relative objective gap (ours − sklearn)/sklearn over the grid (negative = ours lower).

    flock /tmp/heavy.lock python benchmarks/sweep.py [--pairs 0-1 2-3 7-9] [--losses hinge logistic]

All 81 grid values by default; ``--every k`` uses every k-th λ (the same λ for both solvers) to
shorten a run, and the section says so.  The scikit-learn loop is by far the slow side (tens of
minutes per pair); ``--save-reference F`` runs only that side and stores its objectives and times
in F (.npz), and ``--reference F`` later reuses them instead of rerunning it (the section then says
that the two sides were timed in separate runs).  Writes benchmarks/results/sweep.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from models import conventions, linear
from store import mnist

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


def _load_avg() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def write_results(rows: list, args: argparse.Namespace, n_lambda: int, ref_note: str) -> None:
    """Write the measured rows as the sweep section of BENCHMARKS.md."""
    grid = "" if args.every == 1 else f", every {args.every}th grid value"
    rerun = f"flock /tmp/heavy.lock python benchmarks/sweep.py --pairs {' '.join(args.pairs)} --losses {' '.join(args.losses)}"
    if args.every != 1:
        rerun += f" --every {args.every}"
    lines = [
        "## Sweep solver (`benchmarks/sweep.py`)",
        "",
        f"Our warm-started path over {n_lambda} λ (10^-6 … 10^2{grid}) vs scikit-learn fitting the same λ one "
        "by one at C = 1/(2λn) (LinearSVC/liblinear for hinge, LogisticRegression/lbfgs for logistic), "
        "on the 6000 training images of each pair. Gap = max over λ of (ours − sklearn)/sklearn; "
        "negative means our objective is lower.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, run under the shared benchmark lock "
        f"(work that ignores the lock may still run; load average at the end {_load_avg()}). {ref_note}",
        "",
        "| pair | loss | ours (s) | scikit-learn (s) | speed-up | max objective gap |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {p} | {lo} | {to:.1f} | {tr:.1f} | {r:.1f}× | {g:+.2e} |" for p, lo, to, tr, r, g in rows]
    lines += ["", f"Rerun: `{rerun}`", ""]
    if args.notes:
        lines += [Path(args.notes).read_text().strip(), ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="+", default=["0-1", "2-3", "7-9"])
    ap.add_argument("--losses", nargs="+", default=list(conventions.LOSSES))
    ap.add_argument("--every", type=int, default=1, help="use every k-th λ of the 81 (default: all)")
    ap.add_argument("--save-reference", metavar="F", help="run only scikit-learn and store its results in F")
    ap.add_argument("--reference", metavar="F", help="reuse scikit-learn results stored by --save-reference")
    ap.add_argument("--notes", metavar="F", help="a text file appended to the section (e.g. analysis)")
    args = ap.parse_args()
    lambdas = conventions.LAMBDAS[:: args.every]
    stored = dict(np.load(args.reference)) if args.reference else {}
    saved: dict[str, np.ndarray] = {}
    ref_note = "Both sides timed in the same run."
    if args.reference:
        ref_note = (
            f"The scikit-learn side was timed in an earlier run under the same lock (finished {stored['when']}); "
            "ours in this one."
        )
    rows = []
    for text in args.pairs:
        a, b = conventions.parse_pair(text)
        data = mnist.pair_data(a, b)
        for loss in args.losses:
            key = f"{a}{b}-{loss}"
            if f"{key}-obj" in stored:
                if not np.array_equal(stored[f"{key}-lam"], lambdas):
                    raise SystemExit(f"{args.reference}: stored λ grid for {key} differs from this run's")
                ref, t_ref = stored[f"{key}-obj"], float(stored[f"{key}-seconds"])
            else:
                if args.reference:
                    ref_note = "Both sides timed in this run, except where a stored scikit-learn result was reused."
                ref, t_ref = sklearn_path(data.X_train, data.y_train, loss, lambdas)
            if args.save_reference:
                saved.update(
                    {
                        f"{key}-lam": lambdas,
                        f"{key}-obj": ref,
                        f"{key}-seconds": np.array(t_ref),
                        "when": np.array(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
                    }
                )
                np.savez(args.save_reference, **saved)
                print(key, f"scikit-learn {t_ref:.1f} s", flush=True)
                continue
            t0 = time.perf_counter()
            ours = linear.fit_path(data.X_train, data.y_train, loss, lambdas)
            t_ours = time.perf_counter() - t0
            gap = float(np.max((ours.objective - ref) / ref))
            rows.append((f"{a}-{b}", loss, t_ours, t_ref, t_ref / t_ours, gap))
            print(rows[-1], flush=True)
            write_results(rows, args, len(lambdas), ref_note)  # after each row: a cut-short run keeps its numbers


if __name__ == "__main__":
    main()
