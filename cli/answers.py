"""Worker command for the web answers (``python -m worker warm-answers``).

    warm-answers [--pairs 2-3 7-9 ...] [--losses hinge logistic] [--quiet]

Builds the gzipped (pair, loss) answer files the MNIST views fetch into L2_CACHE_DIR, skipping those already
there.  The servers start it in the background (L2_WARM_ANSWERS, ``serving.warming``); one warmer runs at a
time (a second one exits at once).
"""

from __future__ import annotations

import argparse
import sys
import time

from filelock import FileLock, Timeout

import settings
from cli import CliError
from models import conventions
from views import answers


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
        counts = answers.warm(pairs, report=lambda m: print(m, file=sys.stderr), losses=args.losses)
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
    p.add_argument("--losses", nargs="*", default=list(conventions.LOSSES), choices=list(conventions.LOSSES))
    p.add_argument("--quiet", action="store_true", help="print only failures")
    p.set_defaults(func=cmd_warm_answers)
