"""On-demand jobs: submit by (kind, params), poll by key.  Identical requests compute once.

INTERIM minimal embedded implementation (threads in this process, results in memory).  The
hosting work (issue 5) replaces it with: a local process pool shared by all gunicorn workers via the
cache (dedup across processes), bounded queue ("busy"), per-job timeouts, crash reporting, and a
Celery + Redis backend selected by L2_BROKER_URL.  The public API below stays the same.

Status dicts have the shape::

    {"key": str, "kind": str, "state": "queued" | "running" | "done" | "failed" | "busy",
     "progress": float in [0, 1], "message": str, "result": dict | None}
"""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from jobs import tasks

_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=1)
_jobs: dict[str, dict] = {}


def job_key(kind: str, params: dict) -> str:
    """A stable key for a job: the same kind and params always give the same key."""
    blob = json.dumps({"kind": kind, "params": params}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _run(key: str, kind: str, params: dict) -> None:
    job = _jobs[key]

    def progress(frac: float, message: str = "") -> None:
        job.update(progress=float(min(max(frac, 0.0), 1.0)), message=message)

    job["state"] = "running"
    try:
        result = tasks.get(kind)(params, progress)
        job.update(state="done", progress=1.0, result=result, message="done")
    except Exception as exc:  # reported to the page, never raised into a callback
        job.update(state="failed", message=f"{type(exc).__name__}: {exc}")


def submit(kind: str, params: dict) -> dict:
    """Start (or join) the job for (kind, params) and return its status."""
    key = job_key(kind, params)
    with _lock:
        if key not in _jobs or _jobs[key]["state"] == "failed":
            _jobs[key] = {"key": key, "kind": kind, "state": "queued", "progress": 0.0, "message": "queued",
                          "result": None}
            _pool.submit(_run, key, kind, params)
        return dict(_jobs[key])


def poll(key: str) -> dict:
    """Status of a job by key; an unknown key is reported as failed, not raised."""
    with _lock:
        job = _jobs.get(key)
        return dict(job) if job else {"key": key, "kind": "", "state": "failed", "progress": 0.0,
                                       "message": "unknown job (the server may have restarted); ask again",
                                       "result": None}
