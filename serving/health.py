"""``/health`` and the artifact check behind it.

``/health`` answers JSON ``{status, version, artifacts: {ok, problems, checked_at, action}, queue: {backend,
depth, started}}``.  The artifacts are checked (``store.artifacts.check_all``, the one checker) by a
background thread of each web process, never inside a request, every ``L2_HEALTH_RECHECK_S`` seconds;
listed sweeps found missing or corrupt are sent to the worker for recomputation (``L2_AUTO_RECOMPUTE``).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import jsonify

import settings
from models.conventions import LOSSES, PAIRS
from store.artifacts import check_all, code_version

log = logging.getLogger("l2angle.serving")


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The package version plus the git commit when known (the image has no .git: then 'unknown')."""
    try:
        from importlib.metadata import version as _v

        pkg = _v("l2-angle")
    except Exception:
        pkg = "0+local"
    stamp = settings.ROOT / "VERSION"  # written into the image by the Dockerfile (CODE_VERSION build arg)
    try:
        shipped = stamp.read_text(encoding="utf-8").strip()[:64] if stamp.is_file() else ""
    except OSError:
        shipped = ""
    return f"{pkg} ({settings.get().code_version or shipped or code_version()})"


def check_artifacts(root: Path | None = None) -> list[str]:
    """Every problem with the shipped artifacts, one line each; [] if fine (``store.artifacts.check_all``)."""
    return check_all(root)


def _expected_sweeps() -> dict[str, tuple[int, int, str]]:
    """Every sweep file the article reads, by name."""
    from store.sweeps import sweep_name

    return {sweep_name(a, b, loss): (a, b, loss) for a, b in PAIRS for loss in LOSSES}


def broken_sweeps(problems: list[str]) -> list[tuple[int, int, str]]:
    """The (a, b, loss) sweeps named in artifact problem lines (missing or failing their checksum)."""
    expected = _expected_sweeps()
    found = set()
    for line in problems:
        head, _, why = line.partition(": ")
        name = Path(head).name
        if name in expected and Path(head).parent.name == "sweeps" and (why == "missing" or "checksum" in why):
            found.add(expected[name])
    return sorted(found)


def request_recompute(problems: list[str]) -> str:
    """Ask the worker to rebuild broken artifacts (one job across all web processes); say what was done.

    Sweeps are recomputed by the job kind ``recompute-sweeps`` (jobs.linear_tasks).  Other families (MNIST,
    LeNet) are only reported, with the command to run by hand.  ``L2_AUTO_RECOMPUTE=0`` turns the automatic
    recompute off."""
    sweeps = broken_sweeps(problems)
    manual = "run `python -m worker precompute --all`"
    if not sweeps:
        return f"not recomputed automatically: {manual}"
    if not settings.get().auto_recompute:
        return f"{len(sweeps)} sweep(s) broken; automatic recompute is off (L2_AUTO_RECOMPUTE=0): {manual}"
    from jobs import queue

    folder = str(settings.get().precomputed / "sweeps")
    status = queue.submit("recompute-sweeps", {"folder": folder, "sweeps": [list(s) for s in sweeps]})
    return f"recomputing {len(sweeps)} sweep(s) in job {status['key']}: {status['state']} ({status['message']})"


class ArtifactState:
    """Per-process result of the artifact check, refreshed in the background (never inside a request)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.report: dict[str, Any] = {"ok": None, "problems": [], "checked_at": None, "action": ""}
        self.thread: threading.Thread | None = None
        self.next_check = 0.0

    def refresh(self) -> None:
        problems = check_artifacts()
        action = request_recompute(problems) if problems else ""
        for p in problems[:5]:
            log.error("artifact problem: %s", p)
        if len(problems) > 5:
            log.error("... and %d more artifact problems (see /health)", len(problems) - 5)
        with self.lock:
            self.report = {"ok": not problems, "problems": problems[:20], "checked_at": time.time(), "action": action}

    def get(self) -> dict[str, Any]:
        now = time.time()
        with self.lock:
            if now >= self.next_check and (self.thread is None or not self.thread.is_alive()):
                self.next_check = now + settings.get().health_recheck_s
                self.thread = threading.Thread(target=self._safe_refresh, name="artifact-check", daemon=True)
                self.thread.start()
            return dict(self.report)

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # the check itself must never take the server down
            log.exception("artifact check failed")
            with self.lock:
                self.report = {
                    "ok": False,
                    "problems": [f"artifact check failed: {exc}"],
                    "checked_at": time.time(),
                    "action": "",
                }


ARTIFACTS = ArtifactState()


def health():
    """The ``/health`` view: 200 while the job queue answers (status ok or degraded), else 503."""
    from jobs import queue

    report = ARTIFACTS.get()
    body: dict[str, Any] = {"version": version(), "artifacts": report}
    try:
        body["queue"] = {"backend": queue.backend(), "depth": queue.queue_depth(), "started": queue.jobs_started()}
    except Exception as exc:
        body["queue"] = {"error": f"{type(exc).__name__}: {exc}"}
        body["status"] = "error"
        return jsonify(body), 503
    body["status"] = "ok" if report.get("ok") is not False else "degraded"
    return jsonify(body)
