"""The answer warmer: ``python -m worker warm-answers`` started in the background when a server starts."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys

import settings

log = logging.getLogger(__name__)


def start_warming() -> None:
    """Start the warmer at low priority (``nice`` where there is one) unless ``L2_WARM_ANSWERS=0``.

    ``L2_WARM_ANSWERS``: ``1`` (default) all 45 pairs, ``0`` none, or a list of pairs (``"2-3 7-9"``).  The warmer
    stays in the server's process group, so it stops with the server.  Light on purpose (the gunicorn master
    calls it before forking its workers): no Dash, numpy or torch here."""
    s = settings.get()
    if not s.warm_answers:
        return
    pairs = ["--pairs", *(f"{a}-{b}" for a, b in s.warm_pairs)] if s.warm_pairs else []
    nice = ["nice", "-n", "10"] if shutil.which("nice") else []
    try:
        subprocess.Popen(
            [*nice, sys.executable, "-m", "worker", "warm-answers", "--quiet", *pairs],
            cwd=settings.ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
    except OSError as exc:
        log.warning("cannot start the answer warmer: %s", exc)
