"""Worker command for the web answers (``python -m worker warm-answers``).

    warm-answers [--pairs 2-3 7-9 ...] [--losses hinge logistic] [--quiet]

Builds the gzipped (pair, loss) answer files the MNIST views fetch (components.svm.answer_gz) into
L2_CACHE_DIR, skipping those already there.  The servers start it in the background (L2_WARM_ANSWERS);
one warmer runs at a time (a second one exits at once).
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def start_warming() -> None:
    """Start ``python -m worker warm-answers`` in the background at low priority.

    ``L2_WARM_ANSWERS``: ``1`` (default) all 45 pairs, ``0`` none, or a list of pairs (``"2-3 7-9"``).  The warmer
    stays in the server's process group, so it stops with the server.  Light on purpose (the gunicorn master
    calls it before forking its workers): no Dash, numpy or torch here."""
    raw = os.environ.get("L2_WARM_ANSWERS", "1").strip()
    if raw == "0":
        return
    pairs = [] if raw in ("", "1") else ["--pairs", *raw.replace(",", " ").split()]
    try:
        subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "worker", "warm-answers", "--quiet", *pairs],
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
    except OSError as exc:
        log.warning("cannot start the answer warmer: %s", exc)


def cmd_warm_answers(args) -> int:
    from components import svm
    from models import config

    try:
        pairs = [config.parse_pair(p) for p in args.pairs] if args.pairs else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    folder = config.CACHE_DIR / "svm"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "warm.lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not args.quiet:
                print("another warm-answers is running; nothing to do")
            return 0
        t0 = time.monotonic()
        counts = svm.warm_answers(pairs, tuple(args.losses), report=lambda m: print(m, file=sys.stderr))
    if not args.quiet or counts["failed"]:
        print(
            f"answers in {svm.answer_path(0, 1, 'hinge').parent}: {counts['built']} built, "
            f"{counts['present']} already there, {counts['failed']} failed ({time.monotonic() - t0:.1f} s)"
        )
    return 1 if counts["failed"] else 0


def register(subparsers) -> None:
    """Add warm-answers to the worker's argument parser."""
    p = subparsers.add_parser("warm-answers", help="build the MNIST views' (pair, loss) answer files ahead")
    p.add_argument("--pairs", nargs="*", metavar="A-B", help="only these pairs (default: all 45)")
    p.add_argument("--losses", nargs="*", default=["hinge", "logistic"], choices=["hinge", "logistic"])
    p.add_argument("--quiet", action="store_true", help="print only failures")
    p.set_defaults(func=cmd_warm_answers)
