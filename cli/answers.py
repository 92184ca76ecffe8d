"""Worker command for the web answers (``python -m worker warm-answers``).

    warm-answers [--pairs 2-3 7-9 ...] [--losses hinge logistic] [--quiet]

Builds the gzipped (pair, loss) answer files the MNIST views fetch into L2_CACHE_DIR, skipping those already
there: a bar on a terminal, one line per (pair, loss) otherwise, only failures with ``--quiet``.  The servers start it in the background (L2_WARM_ANSWERS, ``serving.warming``); one warmer runs at a
time (a second one exits at once).
"""

from __future__ import annotations

import argparse
import sys
import time

from filelock import FileLock, Timeout

import settings
from cli import CliError
from cli.progress import Progress
from models import conventions
from views import answers

_OUTCOME = ("built", "present", "failed")


def cmd_warm_answers(args: argparse.Namespace) -> int:
    try:
        pairs = [conventions.parse_pair(p) for p in args.pairs] if args.pairs else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    folder = settings.get().cache_dir / "svm"
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / "warm.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not args.quiet:
            print("another warm-answers is running; nothing to do")
        return 0
    try:
        t0 = time.monotonic()
        counts = dict.fromkeys(_OUTCOME, 0)
        todo = [(pair, loss) for pair in pairs or conventions.PAIRS for loss in args.losses]
        with Progress(quiet=args.quiet) as progress:
            progress.stage("answers", len(todo))
            for k, ((a, b), loss) in enumerate(todo, 1):
                t1 = time.monotonic()
                one = answers.warm([(a, b)], report=lambda m: print(m, file=sys.stderr), losses=[loss])
                outcome = next((name for name in _OUTCOME if one[name]), "failed")
                counts[outcome] += 1
                said = "already there" if outcome == "present" else outcome
                progress.item(f"[{k}/{len(todo)}] {a}-{b} {loss}: {said} ({time.monotonic() - t1:.1f} s)")
    finally:
        lock.release()
    if not args.quiet or counts["failed"]:
        print(
            f"answers in {answers.answer_path(0, 1, 'hinge').parent}: {counts['built']} built, "
            f"{counts['present']} already there, {counts['failed']} failed ({time.monotonic() - t0:.1f} s)"
        )
    return 1 if counts["failed"] else 0


def register(subparsers) -> None:
    """Add warm-answers to the worker's argument parser."""
    p = subparsers.add_parser("warm-answers", help="build the MNIST views' (pair, loss) answer files ahead")
    p.add_argument("--pairs", nargs="*", metavar="A-B", help="only these pairs (default: all 45)")
    p.add_argument(
        "--losses",
        nargs="*",
        default=list(conventions.LOSSES),
        choices=list(conventions.LOSSES),
        help="only these losses (default: both)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar or item lines: print only failures")
    p.set_defaults(func=cmd_warm_answers)
