"""Worker commands for the linear sweeps (``python -m worker ...``).

precompute --all                     every sweep (45 pairs × 2 losses) and, if present, LeNet's artifacts
precompute --pairs 7-9 2-3 [--loss hinge]   a subset (both losses unless --loss)
precompute ... --jobs N              N sweeps at once in worker processes (default: CPU cores)
precompute ... --quiet               no bar, no per-sweep lines: errors and the final line only
precompute --check                   verify MNIST and every shipped artifact folder against its manifest
export-sweep --pair 7 9 --loss hinge --out F.npz
fit --pair 7 9 --loss hinge --lam 3.2e-3     one λ (off the grid too), one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

import numpy as np

from cli import CliError, number
from cli.progress import Progress, add_quiet_option
from models import conventions

# What ``fit`` prints without --with-w (and never: the plane coordinates a figure needs).
FIT_BULKY = ("w", "hist_edges", "hist_I", "hist_J")
FIT_FOR_FIGURES = ("v", "plane")


def _checked(fn, *args):
    """fn(*args), its ValueError as a CliError (one line)."""
    try:
        return fn(*args)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _pair(values: list[str]) -> tuple[int, int]:
    return _checked(conventions.parse_pair, values[0] if len(values) == 1 else " ".join(values))


def _losses(loss: str | None) -> tuple[str, ...]:
    return conventions.LOSSES if loss is None else (_checked(conventions.check_loss, loss),)


def cmd_precompute(args: argparse.Namespace) -> int:
    """`precompute`: --check, --all or --pairs."""
    from jobs.precompute import precompute_sweeps
    from store import artifacts, sweeps

    if args.check:
        done, problems = artifacts.check()
        if problems:
            raise CliError(problems[0])
        if not args.quiet:
            for line in done:
                print(line)
        print("all artifacts verified")
        return 0
    command = "python -m worker " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else "precompute"
    losses = _losses(args.loss)
    if args.all:
        pairs = list(conventions.PAIRS)
    elif args.pairs:
        pairs = list(dict.fromkeys(_checked(conventions.parse_pair, t) for t in args.pairs))  # in order, no repeats
    else:
        raise CliError("say what to do: --all, --pairs 7-9 [...] or --check")
    folder = Path(args.dir) if args.dir else sweeps.sweep_dir()
    jobs = args.jobs or min(os.cpu_count() or 1, len(pairs) * len(losses))
    with Progress(quiet=args.quiet) as progress:
        progress.stage("sweeps", len(pairs) * len(losses))
        total = precompute_sweeps(pairs, losses, folder, command, jobs, say=progress.item)
        print(f"sweeps: {len(pairs) * len(losses)} files in {total:.1f} s -> {folder}", flush=True)
        if args.all:
            from jobs import lenet_analysis

            return lenet_analysis.precompute_all(log=progress.note, steps=progress.steps)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`export-sweep`: the main arrays of one sweep into a plain .npz."""
    from store import artifacts, sweeps

    a, b = _pair(args.pair)
    (loss,) = _losses(args.loss)
    s = sweeps.load_sweep(a, b, loss)
    arrays = {
        "lam": s.lam,
        "W": s.W,
        "b": s.bias,
        "err_train": s.err_train,
        "err_test": s.err_test,
        "d_adv": s.d_adv,
        "d_err": s.d_err,
        "theta": s.theta,
        "w_norm": s.w_norm,
        "objective": s.objective,
        "train_index": s.train_index.astype(np.int64),
    }
    out = Path(args.out)
    if out.suffix != ".npz":
        raise CliError(f"--out must end in .npz, got {args.out!r}")
    try:
        artifacts.atomic_write_bytes(out, artifacts.npz_bytes(arrays))
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({a}-{b} {loss}, {len(s.lam)} λ)")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    """`fit`: one λ, printed as one JSON line (metrics, bias, ‖w‖; --with-w adds the 784 weights)."""
    from models import sweeps
    from store import mnist
    from store import sweeps as sweep_files

    a, b = _pair(args.pair)
    (loss,) = _losses(args.loss)
    lam = _checked(conventions.check_lambda, args.lam, "--lam")
    result = sweeps.fit_lambda(mnist.pair_data(a, b), loss, lam, sweep_files.nearest_model(a, b, loss, lam))
    for key in FIT_FOR_FIGURES + (() if args.with_w else FIT_BULKY):
        result.pop(key)
    print(json.dumps(result))
    return 0


def register(subparsers) -> None:
    """Add precompute, export-sweep and fit to the worker's argument parser."""
    p = subparsers.add_parser("precompute", help="build or verify the shipped artifacts")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--all", action="store_true", help="every sweep (and LeNet's artifacts when available)")
    g.add_argument("--pairs", nargs="+", metavar="A-B", help="pairs to compute, e.g. 7-9 2-3")
    g.add_argument("--check", action="store_true", help="verify every artifact against its manifest")
    p.add_argument("--loss", help="hinge or logistic (default: both)")
    p.add_argument("--dir", help="write sweeps here instead of precomputed/sweeps")
    p.add_argument(
        "--jobs", type=number(int, 1, 256), help="sweeps computed at once (default: the number of CPU cores)"
    )
    add_quiet_option(p, "the final line (with --check: only the verdict)")
    p.set_defaults(func=cmd_precompute)

    p = subparsers.add_parser("export-sweep", help="write one sweep's arrays to an .npz")
    p.add_argument("--pair", nargs="+", required=True, metavar="D", help="two digits, e.g. --pair 7 9")
    p.add_argument("--loss", required=True, help="hinge or logistic")
    p.add_argument("--out", required=True, help="output .npz path")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("fit", help="fit one λ (also off the grid) and print its metrics as JSON")
    p.add_argument("--pair", nargs="+", required=True, metavar="D", help="two digits, e.g. --pair 7 9")
    p.add_argument("--loss", required=True, help="hinge or logistic")
    p.add_argument("--lam", required=True, help="λ > 0, e.g. 3.2e-3")
    p.add_argument("--with-w", action="store_true", help="include the 784 weights and the histograms")
    p.set_defaults(func=cmd_fit)
